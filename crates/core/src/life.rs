//! A dossier's life after filing (docs/DOSSIERS.md): the actions staff take
//! (`POST /api/v1/dossiers/{code}/actions`), which of them each state allows, and the history
//! entry each one leaves.
//!
//! The rules, from Nghị định 61/2018/NĐ-CP (now 118/2025/NĐ-CP) and Thông tư 01/2018/TT-VPCP:
//!
//! - An online dossier starts [`DossierStatus::Submitted`]; an officer checks it and accepts it
//!   (Mẫu 01, the receipt), asks for supplements (Mẫu 02) or refuses it (Mẫu 03). A paper
//!   dossier is accepted as it is received at the counter.
//! - Supplements are asked for **once**, in writing, naming each document, what is wrong with
//!   it and the legal basis. A second request is refused (`supplement_already_requested`).
//! - While a supplement is awaited the processing clock stops; it runs again from the day the
//!   supplement arrives, with the working days that were left.
//! - A late dossier gets a new date only with the apology letter (Mẫu 04, `extend`).
//! - Stopping processing (Mẫu 05) and refusing name their reasons.
//! - Nothing can be done to a dossier once it is returned, refused, stopped or withdrawn.

use crate::dossier::DossierStatus;
use crate::staff::Role;
use crate::{ApiError, ErrorCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest free text of an action (a note, a reason, a problem, a legal basis), in characters.
pub const MAX_TEXT: usize = 1000;
/// Most items of a supplement request or reasons of a refusal.
pub const MAX_ITEMS: usize = 30;

/// How a dossier came in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Filed online (at the kiosk with VNeID): starts as submitted.
    #[default]
    Online,
    /// Received on paper at a counter by an officer: received as it is taken in.
    Counter,
}

impl Channel {
    /// Wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "counter",
        }
    }
}

/// One document the citizen must supplement or correct (a line of Mẫu 02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementItem {
    /// The document (thành phần hồ sơ).
    pub document: String,
    /// What is missing or wrong with it.
    pub problem: String,
    /// The legal basis (căn cứ pháp lý) of the requirement.
    pub legal_basis: String,
}

/// How a result is handed back.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// At the counter.
    Counter,
    /// By post (dịch vụ bưu chính công ích), with the postal tracking number.
    Post,
}

/// What staff do to a dossier: the body of `POST /api/v1/dossiers/{code}/actions`, named by
/// `"action"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Check and accept an online dossier (its receipt becomes Mẫu 01; the processing time
    /// counts from now).
    Accept {
        /// Note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// Start processing (hand it to the processing officer).
    Process {
        /// Note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// Ask for supplements, once (Mẫu 02): the clock stops.
    RequestSupplement {
        /// What to bring, one line per document.
        items: Vec<SupplementItem>,
        /// Note (e.g. where and when to bring it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// The supplement arrived: the clock runs again.
    SupplementReceived {
        /// Note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// Refuse the dossier, saying why (Mẫu 03).
    Refuse {
        /// The reasons, at least one.
        reasons: Vec<String>,
        /// Note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// A new return date with the apology letter (Mẫu 04).
    Extend {
        /// The new return date, a working day after the present one.
        new_due_date: NaiveDate,
        /// Why it is late.
        reason: String,
    },
    /// Stop processing (Mẫu 05).
    Stop {
        /// Why.
        reason: String,
    },
    /// The result is ready (awaiting its fee first when one is due).
    ResultReady {
        /// Note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
    /// The result was handed back.
    Return {
        /// At the counter or by post.
        method: ReturnMethod,
        /// The postal tracking number (required by post).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        postal_tracking: Option<String>,
    },
    /// The citizen withdrew the dossier.
    Withdraw {
        /// Note (e.g. the citizen's written request).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        note: Option<String>,
    },
}

/// What a history entry records: one of the actions, or how the dossier came in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Filed online.
    File,
    /// Received on paper at a counter.
    Receive,
    /// See [`Action::Accept`].
    Accept,
    /// See [`Action::Process`].
    Process,
    /// See [`Action::RequestSupplement`].
    RequestSupplement,
    /// See [`Action::SupplementReceived`].
    SupplementReceived,
    /// See [`Action::Refuse`].
    Refuse,
    /// See [`Action::Extend`].
    Extend,
    /// See [`Action::Stop`].
    Stop,
    /// See [`Action::ResultReady`].
    ResultReady,
    /// See [`Action::Return`].
    Return,
    /// See [`Action::Withdraw`].
    Withdraw,
}

impl ActionKind {
    /// Every kind, in the order of a dossier's life.
    pub const ALL: [ActionKind; 12] = [
        ActionKind::File,
        ActionKind::Receive,
        ActionKind::Accept,
        ActionKind::Process,
        ActionKind::RequestSupplement,
        ActionKind::SupplementReceived,
        ActionKind::Refuse,
        ActionKind::Extend,
        ActionKind::Stop,
        ActionKind::ResultReady,
        ActionKind::Return,
        ActionKind::Withdraw,
    ];

    /// Wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::File => "file",
            ActionKind::Receive => "receive",
            ActionKind::Accept => "accept",
            ActionKind::Process => "process",
            ActionKind::RequestSupplement => "request_supplement",
            ActionKind::SupplementReceived => "supplement_received",
            ActionKind::Refuse => "refuse",
            ActionKind::Extend => "extend",
            ActionKind::Stop => "stop",
            ActionKind::ResultReady => "result_ready",
            ActionKind::Return => "return",
            ActionKind::Withdraw => "withdraw",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What happened, in Vietnamese (a history line).
    pub fn label_vi(self) -> &'static str {
        match self {
            ActionKind::File => "Nộp hồ sơ trực tuyến",
            ActionKind::Receive => "Tiếp nhận hồ sơ giấy tại quầy",
            ActionKind::Accept => "Kiểm tra và tiếp nhận hồ sơ",
            ActionKind::Process => "Chuyển xử lý",
            ActionKind::RequestSupplement => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            ActionKind::SupplementReceived => "Nhận hồ sơ bổ sung",
            ActionKind::Refuse => "Từ chối giải quyết hồ sơ",
            ActionKind::Extend => "Xin lỗi và hẹn lại ngày trả kết quả",
            ActionKind::Stop => "Dừng xử lý hồ sơ",
            ActionKind::ResultReady => "Có kết quả giải quyết",
            ActionKind::Return => "Trả kết quả",
            ActionKind::Withdraw => "Công dân rút hồ sơ",
        }
    }

    /// What happened, in English.
    pub fn label_en(self) -> &'static str {
        match self {
            ActionKind::File => "Filed online",
            ActionKind::Receive => "Received on paper at the counter",
            ActionKind::Accept => "Checked and accepted",
            ActionKind::Process => "Sent for processing",
            ActionKind::RequestSupplement => "Supplements requested",
            ActionKind::SupplementReceived => "Supplement received",
            ActionKind::Refuse => "Refused",
            ActionKind::Extend => "Apology and new return date",
            ActionKind::Stop => "Processing stopped",
            ActionKind::ResultReady => "Result ready",
            ActionKind::Return => "Result returned",
            ActionKind::Withdraw => "Withdrawn by the citizen",
        }
    }
}

impl Action {
    /// Its kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Accept { .. } => ActionKind::Accept,
            Action::Process { .. } => ActionKind::Process,
            Action::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Action::SupplementReceived { .. } => ActionKind::SupplementReceived,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::Extend { .. } => ActionKind::Extend,
            Action::Stop { .. } => ActionKind::Stop,
            Action::ResultReady { .. } => ActionKind::ResultReady,
            Action::Return { .. } => ActionKind::Return,
            Action::Withdraw { .. } => ActionKind::Withdraw,
        }
    }

    /// Its note, if any.
    pub fn note(&self) -> Option<&str> {
        match self {
            Action::Accept { note }
            | Action::Process { note }
            | Action::RequestSupplement { note, .. }
            | Action::SupplementReceived { note }
            | Action::Refuse { note, .. }
            | Action::ResultReady { note }
            | Action::Withdraw { note } => note.as_deref(),
            Action::Extend { reason, .. } | Action::Stop { reason } => Some(reason),
            Action::Return { .. } => None,
        }
    }

    /// NFC, trimmed, empty notes dropped; then checked: texts within [`MAX_TEXT`] without
    /// control or invisible characters, the required ones present, at most [`MAX_ITEMS`]
    /// items. The message names the field.
    pub fn cleaned(self) -> Result<Action, ApiError> {
        fn text(field: &str, s: String, required: bool) -> Result<String, ApiError> {
            let s = crate::text::nfc(s.trim());
            if required && s.is_empty() {
                return Err(missing(field));
            }
            crate::text::check_field(
                field,
                &s,
                crate::text::FieldRule {
                    max_chars: MAX_TEXT,
                    required,
                    multiline: true,
                },
            )?;
            Ok(s)
        }
        fn note(field: &str, s: Option<String>) -> Result<Option<String>, ApiError> {
            s.map(|s| text(field, s, false))
                .transpose()
                .map(|s| s.filter(|s| !s.is_empty()))
        }
        fn count(field: &str, n: usize) -> Result<(), ApiError> {
            if n == 0 {
                return Err(missing(field));
            }
            if n > MAX_ITEMS {
                return Err(ApiError::new(
                    ErrorCode::BadRequest,
                    format!("“{field}” có tối đa {MAX_ITEMS} dòng."),
                    format!("“{field}” takes at most {MAX_ITEMS} lines."),
                ));
            }
            Ok(())
        }
        Ok(match self {
            Action::Accept { note: n } => Action::Accept {
                note: note("note", n)?,
            },
            Action::Process { note: n } => Action::Process {
                note: note("note", n)?,
            },
            Action::RequestSupplement { items, note: n } => {
                count("items", items.len())?;
                let items = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, it)| {
                        Ok(SupplementItem {
                            document: text(&format!("items[{i}].document"), it.document, true)?,
                            problem: text(&format!("items[{i}].problem"), it.problem, true)?,
                            legal_basis: text(
                                &format!("items[{i}].legal_basis"),
                                it.legal_basis,
                                true,
                            )?,
                        })
                    })
                    .collect::<Result<_, ApiError>>()?;
                Action::RequestSupplement {
                    items,
                    note: note("note", n)?,
                }
            }
            Action::SupplementReceived { note: n } => Action::SupplementReceived {
                note: note("note", n)?,
            },
            Action::Refuse { reasons, note: n } => {
                let reasons: Vec<String> = reasons
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| text(&format!("reasons[{i}]"), r, false))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .collect();
                count("reasons", reasons.len())?;
                Action::Refuse {
                    reasons,
                    note: note("note", n)?,
                }
            }
            Action::Extend {
                new_due_date,
                reason,
            } => Action::Extend {
                new_due_date,
                reason: text("reason", reason, true)?,
            },
            Action::Stop { reason } => Action::Stop {
                reason: text("reason", reason, true)?,
            },
            Action::ResultReady { note: n } => Action::ResultReady {
                note: note("note", n)?,
            },
            Action::Return {
                method,
                postal_tracking,
            } => {
                let postal_tracking = note("postal_tracking", postal_tracking)?;
                match (method, &postal_tracking) {
                    (ReturnMethod::Post, None) => return Err(missing("postal_tracking")),
                    (ReturnMethod::Counter, Some(_)) => {
                        return Err(ApiError::new(
                            ErrorCode::BadRequest,
                            "“postal_tracking” chỉ dùng khi trả kết quả qua bưu chính (“method”: “post”).",
                            "“postal_tracking” is only for a result sent by post (“method”: “post”).",
                        ))
                    }
                    _ => {}
                }
                Action::Return {
                    method,
                    postal_tracking,
                }
            }
            Action::Withdraw { note: n } => Action::Withdraw {
                note: note("note", n)?,
            },
        })
    }
}

fn missing(field: &str) -> ApiError {
    ApiError::new(
        ErrorCode::BadRequest,
        format!("Vui lòng điền “{field}”: trường này bắt buộc với thao tác này."),
        format!("Please fill in “{field}”: this action needs it."),
    )
}

/// The official forms (Thông tư 01/2018/TT-VPCP and the set that replaced it), as
/// `GET /api/v1/dossiers/{code}/forms/{form}` names them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
)]
pub enum FormId {
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    #[serde(rename = "mau-01")]
    Mau01,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    #[serde(rename = "mau-02")]
    Mau02,
    /// Phiếu từ chối tiếp nhận, giải quyết hồ sơ.
    #[serde(rename = "mau-03")]
    Mau03,
    /// Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    #[serde(rename = "mau-04")]
    Mau04,
    /// Thông báo dừng xử lý hồ sơ.
    #[serde(rename = "mau-05")]
    Mau05,
}

impl FormId {
    /// Every form.
    pub const ALL: [FormId; 5] = [
        FormId::Mau01,
        FormId::Mau02,
        FormId::Mau03,
        FormId::Mau04,
        FormId::Mau05,
    ];

    /// `mau-01` … `mau-05`.
    pub fn as_str(self) -> &'static str {
        match self {
            FormId::Mau01 => "mau-01",
            FormId::Mau02 => "mau-02",
            FormId::Mau03 => "mau-03",
            FormId::Mau04 => "mau-04",
            FormId::Mau05 => "mau-05",
        }
    }

    /// From `mau-01` … `mau-05`.
    pub fn parse(s: &str) -> Option<FormId> {
        FormId::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The action that issues the form.
    pub fn issued_by(self) -> &'static [ActionKind] {
        match self {
            FormId::Mau01 => &[ActionKind::Receive, ActionKind::Accept],
            FormId::Mau02 => &[ActionKind::RequestSupplement],
            FormId::Mau03 => &[ActionKind::Refuse],
            FormId::Mau04 => &[ActionKind::Extend],
            FormId::Mau05 => &[ActionKind::Stop],
        }
    }

    /// The form an action issues.
    pub fn of(kind: ActionKind) -> Option<FormId> {
        FormId::ALL
            .into_iter()
            .find(|f| f.issued_by().contains(&kind))
    }
}

/// One step of a dossier's life, as its `history` lists it (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// 1, 2, … in order.
    pub seq: u32,
    /// When, RFC 3339 (+07:00).
    pub at: String,
    /// What was done.
    pub action: ActionKind,
    /// The state before (`None` for the filing itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<DossierStatus>,
    /// The state after.
    pub to: DossierStatus,
    /// Who: a staff username, or `citizen` for a filing online.
    pub by: String,
    /// The staff member's full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub by_name: Option<String>,
    /// Their role then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub role: Option<Role>,
    /// Note or reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
    /// The form this step issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub form: Option<FormId>,
    /// The version of the form set it was issued in (e.g. `tt01-2018`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub form_version: Option<String>,
    /// Supplement request: what to bring.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<SupplementItem>>")]
    pub items: Vec<SupplementItem>,
    /// Refusal: the reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub reasons: Vec<String>,
    /// The return date after this step, when the step set it (acceptance, extension, the end of
    /// a pause).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub due_date: Option<NaiveDate>,
    /// Return: how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub method: Option<ReturnMethod>,
    /// Return by post: the tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub postal_tracking: Option<String>,
}

/// What the state machine knows of a dossier beyond its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The state now.
    pub status: DossierStatus,
    /// An officer has accepted it (received at the counter, or `accept` done).
    pub accepted: bool,
    /// A supplement was requested before (ever).
    pub supplement_requested: bool,
    /// A fee is due and not paid.
    pub fee_due: bool,
}

/// Who may take an action: the role it needs.
pub fn needs_manager(kind: ActionKind) -> bool {
    // The head of the unit decides to stop processing and signs the apology letter
    // (Thông tư 01/2018/TT-VPCP, Mẫu 04 and the stop notice); counter staff prepare them.
    matches!(kind, ActionKind::Extend | ActionKind::Stop)
}

/// The state after `action` on a dossier with `facts`, by someone of `role`; the refusal,
/// bilingual, otherwise. The refusal changes nothing.
pub fn next(facts: &Facts, action: &Action, role: Role) -> Result<DossierStatus, ApiError> {
    use DossierStatus as S;
    let kind = action.kind();
    if facts.status.closed() {
        return Err(ApiError::new(
            ErrorCode::DossierClosed,
            format!(
                "Hồ sơ đã ở trạng thái “{}”: không thể thực hiện thêm thao tác nào.",
                facts.status.label_vi()
            ),
            format!(
                "The dossier is “{}”: nothing more can be done to it.",
                facts.status.label_en()
            ),
        ));
    }
    if needs_manager(kind) && role == Role::Counter {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "Thao tác “{}” cần lãnh đạo đơn vị (vai trò quản lý) thực hiện.",
                kind.label_vi()
            ),
            format!("“{}” needs a manager.", kind.label_en()),
        ));
    }
    if kind == ActionKind::RequestSupplement && facts.supplement_requested {
        return Err(ApiError::new(
            ErrorCode::SupplementAlreadyRequested,
            "Hồ sơ này đã được yêu cầu bổ sung một lần: theo quy định chỉ được yêu cầu bổ sung \
             một lần. Nếu hồ sơ vẫn chưa đủ, hãy từ chối giải quyết và nêu rõ lý do.",
            "Supplements were already requested once for this dossier, and the rules allow only \
             one request. If it is still incomplete, refuse it and give the reasons.",
        ));
    }
    let to = match (facts.status, kind) {
        (S::Submitted | S::SupplementReceived, ActionKind::Accept) if !facts.accepted => {
            Some(S::Received)
        }
        (S::Received | S::SupplementReceived, ActionKind::Process) if facts.accepted => {
            Some(S::Processing)
        }
        (S::Submitted | S::Received | S::Processing, ActionKind::RequestSupplement) => {
            Some(S::SupplementRequested)
        }
        (S::SupplementRequested, ActionKind::SupplementReceived) => Some(S::SupplementReceived),
        (
            S::Submitted
            | S::Received
            | S::Processing
            | S::SupplementRequested
            | S::SupplementReceived,
            ActionKind::Refuse,
        ) => Some(S::Refused),
        (S::Received | S::Processing | S::SupplementReceived, ActionKind::Extend)
            if facts.accepted =>
        {
            Some(facts.status)
        }
        (
            S::Received | S::Processing | S::SupplementRequested | S::SupplementReceived,
            ActionKind::Stop,
        ) if facts.accepted => Some(S::Stopped),
        (S::Received | S::Processing | S::SupplementReceived, ActionKind::ResultReady)
            if facts.accepted =>
        {
            Some(if facts.fee_due {
                S::AwaitingFee
            } else {
                S::ResultReady
            })
        }
        (S::ResultReady | S::AwaitingFee, ActionKind::Return) => Some(S::Returned),
        (
            S::Submitted
            | S::Received
            | S::Processing
            | S::SupplementRequested
            | S::SupplementReceived,
            ActionKind::Withdraw,
        ) => Some(S::Withdrawn),
        _ => None,
    };
    to.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ActionNotAllowed,
            format!(
                "Không thể “{}” khi hồ sơ đang ở trạng thái “{}”.",
                kind.label_vi().to_lowercase(),
                facts.status.label_vi()
            ),
            format!(
                "“{}” does not apply to a dossier that is “{}”.",
                kind.label_en(),
                facts.status.label_en()
            ),
        )
    })
}

/// The back office's lists (`GET /api/v1/dossiers?view=…`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DossierView {
    /// Everything not yet closed (the default).
    #[default]
    Open,
    /// Filed online, waiting to be checked and accepted.
    Submitted,
    /// Being processed: received, processing, supplement received.
    InProgress,
    /// The clock runs and the appointment is within the next two working days.
    DueSoon,
    /// Past the appointment and still owed.
    Overdue,
    /// Waiting for the citizen's supplement.
    AwaitingSupplement,
    /// The result is ready and waits for its fee.
    AwaitingFee,
    /// The result is ready to hand back (fee paid or none).
    ResultReady,
    /// Returned, refused, stopped or withdrawn.
    Closed,
    /// Every dossier.
    All,
}

impl DossierView {
    /// Every view, in the order the back office shows them.
    pub const ALL: [DossierView; 10] = [
        DossierView::Open,
        DossierView::Submitted,
        DossierView::InProgress,
        DossierView::DueSoon,
        DossierView::Overdue,
        DossierView::AwaitingSupplement,
        DossierView::AwaitingFee,
        DossierView::ResultReady,
        DossierView::Closed,
        DossierView::All,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DossierView::Open => "open",
            DossierView::Submitted => "submitted",
            DossierView::InProgress => "in_progress",
            DossierView::DueSoon => "due_soon",
            DossierView::Overdue => "overdue",
            DossierView::AwaitingSupplement => "awaiting_supplement",
            DossierView::AwaitingFee => "awaiting_fee",
            DossierView::ResultReady => "result_ready",
            DossierView::Closed => "closed",
            DossierView::All => "all",
        }
    }

    /// The tab's label, Vietnamese.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierView::Open => "Đang giải quyết",
            DossierView::Submitted => "Chờ tiếp nhận",
            DossierView::InProgress => "Đang xử lý",
            DossierView::DueSoon => "Sắp đến hạn",
            DossierView::Overdue => "Quá hạn",
            DossierView::AwaitingSupplement => "Chờ bổ sung",
            DossierView::AwaitingFee => "Chờ nộp phí",
            DossierView::ResultReady => "Chờ trả kết quả",
            DossierView::Closed => "Đã kết thúc",
            DossierView::All => "Tất cả",
        }
    }

    /// The tab's label, English.
    pub fn label_en(self) -> &'static str {
        match self {
            DossierView::Open => "Open",
            DossierView::Submitted => "To accept",
            DossierView::InProgress => "In progress",
            DossierView::DueSoon => "Due soon",
            DossierView::Overdue => "Overdue",
            DossierView::AwaitingSupplement => "Awaiting supplement",
            DossierView::AwaitingFee => "Awaiting fee",
            DossierView::ResultReady => "To return",
            DossierView::Closed => "Closed",
            DossierView::All => "All",
        }
    }
}

/// One line of a back-office list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DossierSummary {
    /// Mã hồ sơ.
    pub code: String,
    /// Mã thủ tục.
    pub procedure_code: String,
    /// Tên thủ tục.
    pub procedure_name: String,
    /// The applicant's full name.
    pub applicant_name: String,
    /// State.
    pub status: DossierStatus,
    /// Online or at a counter.
    pub channel: Channel,
    /// When filed or received, RFC 3339 (+07:00).
    pub received_at: String,
    /// Ngày hẹn trả.
    pub due_date: NaiveDate,
    /// The appointment, RFC 3339 (+07:00), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub due_at: Option<String>,
    /// Past the appointment and still owed.
    pub overdue: bool,
    /// While a supplement is awaited: the working days left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days_left: Option<u32>,
    /// Fee in đồng.
    #[ts(type = "number")]
    pub fee_vnd: u64,
    /// Every document scanned.
    pub digitized: bool,
}

/// `GET /api/v1/dossiers`: a page of one view, and how many dossiers each view holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DossierList {
    /// The view listed.
    pub view: DossierView,
    /// This page, soonest due first (closed ones: latest first).
    pub items: Vec<DossierSummary>,
    /// How many the view holds (all pages).
    pub total: u32,
    /// How many each view holds, by its wire name.
    pub counts: std::collections::BTreeMap<String, u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use DossierStatus as S;

    fn facts(status: S) -> Facts {
        Facts {
            status,
            accepted: status != S::Submitted,
            supplement_requested: false,
            fee_due: false,
        }
    }

    fn act(kind: ActionKind) -> Action {
        match kind {
            ActionKind::Accept => Action::Accept { note: None },
            ActionKind::Process => Action::Process { note: None },
            ActionKind::RequestSupplement => Action::RequestSupplement {
                items: vec![SupplementItem {
                    document: "Tờ khai".into(),
                    problem: "Thiếu chữ ký".into(),
                    legal_basis: "Điều 21".into(),
                }],
                note: None,
            },
            ActionKind::SupplementReceived => Action::SupplementReceived { note: None },
            ActionKind::Refuse => Action::Refuse {
                reasons: vec!["Không thuộc thẩm quyền".into()],
                note: None,
            },
            ActionKind::Extend => Action::Extend {
                new_due_date: NaiveDate::from_ymd_opt(2026, 12, 30).unwrap(),
                reason: "Cần xác minh".into(),
            },
            ActionKind::Stop => Action::Stop {
                reason: "Theo yêu cầu của cơ quan có thẩm quyền".into(),
            },
            ActionKind::ResultReady => Action::ResultReady { note: None },
            ActionKind::Return => Action::Return {
                method: ReturnMethod::Counter,
                postal_tracking: None,
            },
            ActionKind::Withdraw => Action::Withdraw { note: None },
            ActionKind::File | ActionKind::Receive => unreachable!(),
        }
    }

    /// The whole table: each state, each action, what it gives (`None`: refused with 409).
    #[test]
    fn every_state_and_action() {
        use ActionKind as A;
        let allowed: &[(S, A, S)] = &[
            (S::Submitted, A::Accept, S::Received),
            (S::Submitted, A::RequestSupplement, S::SupplementRequested),
            (S::Submitted, A::Refuse, S::Refused),
            (S::Submitted, A::Withdraw, S::Withdrawn),
            (S::Received, A::Process, S::Processing),
            (S::Received, A::RequestSupplement, S::SupplementRequested),
            (S::Received, A::Refuse, S::Refused),
            (S::Received, A::Extend, S::Received),
            (S::Received, A::Stop, S::Stopped),
            (S::Received, A::ResultReady, S::ResultReady),
            (S::Received, A::Withdraw, S::Withdrawn),
            (S::Processing, A::RequestSupplement, S::SupplementRequested),
            (S::Processing, A::Refuse, S::Refused),
            (S::Processing, A::Extend, S::Processing),
            (S::Processing, A::Stop, S::Stopped),
            (S::Processing, A::ResultReady, S::ResultReady),
            (S::Processing, A::Withdraw, S::Withdrawn),
            (
                S::SupplementRequested,
                A::SupplementReceived,
                S::SupplementReceived,
            ),
            (S::SupplementRequested, A::Refuse, S::Refused),
            (S::SupplementRequested, A::Stop, S::Stopped),
            (S::SupplementRequested, A::Withdraw, S::Withdrawn),
            (S::SupplementReceived, A::Process, S::Processing),
            (S::SupplementReceived, A::Refuse, S::Refused),
            (S::SupplementReceived, A::Extend, S::SupplementReceived),
            (S::SupplementReceived, A::Stop, S::Stopped),
            (S::SupplementReceived, A::ResultReady, S::ResultReady),
            (S::SupplementReceived, A::Withdraw, S::Withdrawn),
            (S::ResultReady, A::Return, S::Returned),
            (S::AwaitingFee, A::Return, S::Returned),
        ];
        let kinds = &ActionKind::ALL[2..];
        for st in DossierStatus::ALL {
            for &k in kinds {
                let want = allowed
                    .iter()
                    .find(|(s, a, _)| *s == st && *a == k)
                    .map(|t| t.2);
                let got = next(&facts(st), &act(k), Role::Manager);
                match (want, got) {
                    (Some(w), Ok(g)) => assert_eq!(g, w, "{st:?} {k:?}"),
                    (None, Err(e)) => {
                        assert_eq!(e.http_status(), 409, "{st:?} {k:?}");
                        let code = if st.closed() {
                            ErrorCode::DossierClosed
                        } else {
                            ErrorCode::ActionNotAllowed
                        };
                        assert_eq!(e.code, code, "{st:?} {k:?}");
                        assert!(!e.message_vi.is_empty() && !e.message_en.is_empty());
                    }
                    (w, g) => panic!("{st:?} {k:?}: want {w:?}, got {g:?}"),
                }
            }
        }
    }

    #[test]
    fn supplements_once_fees_and_roles() {
        let mut f = facts(S::Processing);
        f.supplement_requested = true;
        let e = next(&f, &act(ActionKind::RequestSupplement), Role::Counter).unwrap_err();
        assert_eq!(e.code, ErrorCode::SupplementAlreadyRequested);
        assert_eq!(e.http_status(), 409);
        // Also from another state: once is once.
        f.status = S::SupplementReceived;
        assert_eq!(
            next(&f, &act(ActionKind::RequestSupplement), Role::Manager)
                .unwrap_err()
                .code,
            ErrorCode::SupplementAlreadyRequested
        );
        // A fee due: the result waits for it.
        let mut f = facts(S::Processing);
        f.fee_due = true;
        assert_eq!(
            next(&f, &act(ActionKind::ResultReady), Role::Counter).unwrap(),
            S::AwaitingFee
        );
        // Counter staff neither extend nor stop; managers do.
        for k in [ActionKind::Extend, ActionKind::Stop] {
            let e = next(&facts(S::Processing), &act(k), Role::Counter).unwrap_err();
            assert_eq!(e.code, ErrorCode::Forbidden, "{k:?}");
            assert!(next(&facts(S::Processing), &act(k), Role::Manager).is_ok());
        }
        // An online dossier that was sent back before acceptance is accepted after the
        // supplement, not processed.
        let f = Facts {
            status: S::SupplementReceived,
            accepted: false,
            supplement_requested: true,
            fee_due: false,
        };
        assert_eq!(
            next(&f, &act(ActionKind::Accept), Role::Counter).unwrap(),
            S::Received
        );
        assert_eq!(
            next(&f, &act(ActionKind::Process), Role::Counter)
                .unwrap_err()
                .code,
            ErrorCode::ActionNotAllowed
        );
        assert_eq!(
            next(&facts(S::Received), &act(ActionKind::Accept), Role::Counter)
                .unwrap_err()
                .code,
            ErrorCode::ActionNotAllowed
        );
    }

    #[test]
    fn actions_read_strictly_and_clean() {
        let a: Action = serde_json::from_value(serde_json::json!({
            "action": "request_supplement",
            "items": [{"document": " Tờ khai ", "problem": "Thiếu chữ ký", "legal_basis": "Điều 21"}],
            "note": "  "
        }))
        .unwrap();
        let a = a.cleaned().unwrap();
        match &a {
            Action::RequestSupplement { items, note } => {
                assert_eq!(items[0].document, "Tờ khai");
                assert_eq!(*note, None);
            }
            other => panic!("{other:?}"),
        }
        for bad in [
            serde_json::json!({"action": "approve"}),
            serde_json::json!({"action": "process", "extra": 1}),
            serde_json::json!({"action": "extend", "reason": "x"}),
            serde_json::json!({"action": "return", "method": "drone"}),
            serde_json::json!({"action": "request_supplement", "items": [{"document": "a", "problem": "b", "legal_basis": "c", "x": 1}]}),
        ] {
            assert!(
                serde_json::from_value::<Action>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        for (bad, field) in [
            (
                serde_json::json!({"action": "request_supplement", "items": []}),
                "items",
            ),
            (
                serde_json::json!({"action": "request_supplement", "items": [{"document": "a", "problem": " ", "legal_basis": "c"}]}),
                "items[0].problem",
            ),
            (
                serde_json::json!({"action": "refuse", "reasons": [" "]}),
                "reasons",
            ),
            (
                serde_json::json!({"action": "stop", "reason": ""}),
                "reason",
            ),
            (
                serde_json::json!({"action": "return", "method": "post"}),
                "postal_tracking",
            ),
            (
                serde_json::json!({"action": "return", "method": "counter", "postal_tracking": "EB1"}),
                "postal_tracking",
            ),
            (
                serde_json::json!({"action": "process", "note": "a\u{202e}b"}),
                "note",
            ),
        ] {
            let a: Action = serde_json::from_value(bad.clone()).unwrap();
            let e = a.cleaned().unwrap_err();
            assert_eq!(e.code, ErrorCode::BadRequest, "{bad}");
            assert!(
                e.message_vi.contains(field) && e.message_en.contains(field),
                "{bad}: {e:?}"
            );
        }
        // Round trip of every shape.
        for k in &ActionKind::ALL[2..] {
            let a = act(*k);
            let j = serde_json::to_value(&a).unwrap();
            assert_eq!(j["action"], k.as_str());
            assert_eq!(serde_json::from_value::<Action>(j).unwrap(), a);
            assert_eq!(ActionKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn forms_belong_to_their_actions() {
        assert_eq!(
            FormId::of(ActionKind::RequestSupplement),
            Some(FormId::Mau02)
        );
        assert_eq!(FormId::of(ActionKind::Receive), Some(FormId::Mau01));
        assert_eq!(FormId::of(ActionKind::Process), None);
        for f in FormId::ALL {
            assert_eq!(FormId::parse(f.as_str()), Some(f));
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.as_str())
            );
        }
        assert_eq!(FormId::parse("mau-06"), None);
    }
}
