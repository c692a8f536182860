//! Online dossiers (hồ sơ): what the kiosk submits (`POST /api/v1/dossiers`) and what the
//! office server returns (`GET /api/v1/dossiers/{code}`), which is also what the receipt is
//! printed from.
//!
//! Dossier codes have the shape of Circular 01/2018/TT-VPCP, Điều 19:
//! `{agency code}-{YYMMDD}-{4-digit daily sequence}`, e.g. `000.00.00.H26-261123-0042`.

pub use crate::life::Channel;
use crate::workdays::ProcessingTime;
use crate::{ApiError, ErrorCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Whether `s` is a usable agency code: 1–32 characters of `A–Z`, `0–9` and `.` (the codes
/// of QCVN 102:2016/BTTTT look like `000.21.17.H26`); no `-`, which separates the code's parts.
pub fn is_agency_code(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
        && !s.starts_with('.')
        && !s.ends_with('.')
}

/// The dossier code `{agency}-{YYMMDD}-{seq:04}`.
pub fn dossier_code(agency: &str, day: NaiveDate, seq: u32) -> String {
    format!("{agency}-{}-{seq:04}", day.format("%y%m%d"))
}

/// The parts of a dossier code: agency, day, sequence.
pub fn parse_dossier_code(s: &str) -> Option<(&str, NaiveDate, u32)> {
    let mut parts = s.rsplitn(3, '-');
    let seq = parts.next()?;
    let day = parts.next()?;
    let agency = parts.next()?;
    if seq.len() != 4 || !seq.bytes().all(|b| b.is_ascii_digit()) || !is_agency_code(agency) {
        return None;
    }
    if day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d").ok()?;
    let seq: u32 = seq.parse().ok()?;
    (seq > 0).then_some((agency, date, seq))
}

/// Whether `s` is a dossier code.
pub fn is_dossier_code(s: &str) -> bool {
    parse_dossier_code(s).is_some()
}

/// The person filing.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct Applicant {
    /// Họ và tên. Online, it comes from the sign-in's verified claims (absent or empty in the
    /// request: filled from them).
    #[serde(default)]
    pub full_name: String,
    /// Số định danh cá nhân (12 digits).
    #[serde(default)]
    pub id_number: String,
    /// Ngày sinh.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Giới tính.
    #[serde(default)]
    pub gender: Option<String>,
    /// Địa chỉ.
    #[serde(default)]
    pub address: Option<String>,
    /// Số điện thoại.
    #[serde(default)]
    pub phone: Option<String>,
    /// Thư điện tử.
    #[serde(default)]
    pub email: Option<String>,
}

/// How a document of the checklist is handed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Submission {
    /// A file attached online (PDF, JPEG or PNG by content).
    Attachment {
        /// File name as chosen (informative only; the type comes from the content).
        #[serde(default)]
        file_name: String,
        /// The file, base64 (standard alphabet, padding optional).
        content_base64: String,
    },
    /// "Nộp bản giấy tại quầy": the paper is handed in at the counter.
    PaperAtCounter,
}

/// One document of the request's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DocumentRequest {
    /// Name as in the procedure's checklist.
    pub name: String,
    /// Số bản chính.
    #[serde(default)]
    pub originals: u32,
    /// Số bản sao.
    #[serde(default)]
    pub copies: u32,
    /// Attached or on paper.
    pub submission: Submission,
}

/// How the result is received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Delivery {
    /// At the office's one-stop counter.
    Office,
    /// By post (bưu chính công ích) to this address.
    Post {
        /// Delivery address.
        address: String,
    },
}

/// `POST /api/v1/dossiers`. Read strictly: a field it does not have, here or in its
/// applicant, documents, submissions or delivery, is refused (the read goes through
/// [`strict`], so that [`Applicant`] and [`Delivery`], which the stored and returned
/// [`Dossier`] share, still read what a later version adds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DossierRequest {
    /// Mã thủ tục, e.g. `1.001193`.
    pub procedure_code: String,
    /// The office server's own sign-in session handle: the `session_id` of
    /// `POST /api/v1/auth/device`, once the citizen approved the sign-in. Required online:
    /// the applicant's identity comes from that session's verified claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sign_in_session: Option<String>,
    /// Who files: the signed-in citizen. Full name, ID number, date of birth and gender come
    /// from the sign-in (a field given here must match it: 403 `identity_mismatch`; absent
    /// ones are filled). A dossier about someone else (a child's birth registration) names
    /// them in the answers; the applicant stays the citizen who signed in.
    #[serde(default)]
    pub applicant: Applicant,
    /// The form's answers by question id.
    #[serde(default)]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// The checklist.
    #[serde(default)]
    pub documents: Vec<DocumentRequest>,
    /// How the result is received.
    pub delivery: Delivery,
    /// `online` (the default: the kiosk, with the citizen's sign-in) or `counter`: a paper
    /// dossier received by the signed-in officer, the applicant as the officer entered it
    /// from the citizen's papers (CCCD), accepted as it is received.
    #[serde(default, skip_serializing_if = "is_online")]
    #[ts(optional, as = "Option<Channel>")]
    pub channel: Channel,
    /// At a counter: the ticket the officer called for this citizen (its id), so the wait and
    /// the service time belong to the dossier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ticket_id: Option<String>,
}

fn is_online(c: &Channel) -> bool {
    *c == Channel::Online
}

impl<'de> Deserialize<'de> for DossierRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        strict::Request::deserialize(d).map(Into::into)
    }
}

/// The strict reading of a [`DossierRequest`]: the same fields, each level with
/// `deny_unknown_fields`. The unit variants are empty struct variants here, because serde lets
/// an internally tagged unit variant (`{"kind": "paper_at_counter", "x": 1}`) through with
/// anything beside its tag.
mod strict {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Request {
        procedure_code: String,
        #[serde(default)]
        sign_in_session: Option<String>,
        #[serde(default)]
        applicant: Applicant,
        #[serde(default)]
        answers: BTreeMap<String, serde_json::Value>,
        #[serde(default)]
        documents: Vec<Document>,
        delivery: Delivery,
        #[serde(default)]
        channel: Channel,
        #[serde(default)]
        ticket_id: Option<String>,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Applicant {
        #[serde(default)]
        full_name: String,
        #[serde(default)]
        id_number: String,
        #[serde(default)]
        date_of_birth: Option<NaiveDate>,
        #[serde(default)]
        gender: Option<String>,
        #[serde(default)]
        address: Option<String>,
        #[serde(default)]
        phone: Option<String>,
        #[serde(default)]
        email: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Document {
        name: String,
        #[serde(default)]
        originals: u32,
        #[serde(default)]
        copies: u32,
        submission: Submission,
    }

    #[derive(Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
    enum Submission {
        Attachment {
            #[serde(default)]
            file_name: String,
            content_base64: String,
        },
        PaperAtCounter {},
    }

    #[derive(Deserialize)]
    #[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
    enum Delivery {
        Office {},
        Post { address: String },
    }

    impl From<Request> for DossierRequest {
        fn from(r: Request) -> DossierRequest {
            let a = r.applicant;
            DossierRequest {
                procedure_code: r.procedure_code,
                sign_in_session: r.sign_in_session,
                channel: r.channel,
                ticket_id: r.ticket_id,
                applicant: super::Applicant {
                    full_name: a.full_name,
                    id_number: a.id_number,
                    date_of_birth: a.date_of_birth,
                    gender: a.gender,
                    address: a.address,
                    phone: a.phone,
                    email: a.email,
                },
                answers: r.answers,
                documents: r
                    .documents
                    .into_iter()
                    .map(|d| DocumentRequest {
                        name: d.name,
                        originals: d.originals,
                        copies: d.copies,
                        submission: match d.submission {
                            Submission::Attachment {
                                file_name,
                                content_base64,
                            } => super::Submission::Attachment {
                                file_name,
                                content_base64,
                            },
                            Submission::PaperAtCounter {} => super::Submission::PaperAtCounter,
                        },
                    })
                    .collect(),
                delivery: match r.delivery {
                    Delivery::Office {} => super::Delivery::Office,
                    Delivery::Post { address } => super::Delivery::Post { address },
                },
            }
        }
    }
}

/// Most originals, and most copies, of one document of a dossier's checklist. The national
/// catalog asks for at most 6 originals and 7 copies of any document (its larger numbers are
/// form numbers glued to the count, e.g. `20261` for "Mẫu … 02/2026" and 1); a procedure that
/// asks for several sets (bộ hồ sơ) of a few copies stays well under 20.
pub const MAX_DOCUMENT_COUNT: u32 = 20;

/// The earliest date of birth a dossier takes: nobody alive was born before 1900.
pub const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Checks a date of birth given in a dossier: from [`EARLIEST_BIRTH_DATE`] to `today` (the
/// office day). The refusal names `field`.
pub fn check_birth_date(field: &str, d: NaiveDate, today: NaiveDate) -> Result<(), ApiError> {
    if (EARLIEST_BIRTH_DATE..=today).contains(&d) {
        return Ok(());
    }
    let (from, to) = (
        EARLIEST_BIRTH_DATE.format("%d/%m/%Y"),
        today.format("%d/%m/%Y"),
    );
    Err(ApiError::new(
        ErrorCode::BadRequest,
        format!("Trường “{field}” không hợp lệ: ngày sinh phải từ {from} đến hôm nay ({to})."),
        format!(
            "The field “{field}” is invalid: a date of birth is from {} to today ({}).",
            EARLIEST_BIRTH_DATE, today
        ),
    ))
}

/// Checks a document's count of originals or copies: at most [`MAX_DOCUMENT_COUNT`].
pub fn check_document_count(field: &str, n: u32) -> Result<(), ApiError> {
    if n <= MAX_DOCUMENT_COUNT {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::BadRequest,
        format!("Trường “{field}” không hợp lệ: số bản từ 0 đến {MAX_DOCUMENT_COUNT}."),
        format!("The field “{field}” is invalid: the number of papers is from 0 to {MAX_DOCUMENT_COUNT}."),
    ))
}

/// A count of originals or copies as the kiosk copies it from the national catalog: one over
/// [`MAX_DOCUMENT_COUNT`] is a form number glued to the count (`20261`: "… 02/2026" and 1,
/// `181`: "Mẫu số 18" and 1), whose last digit is the count.
pub fn catalog_count(n: u32) -> u32 {
    if n <= MAX_DOCUMENT_COUNT {
        n
    } else {
        n % 10
    }
}

/// Life-cycle of a dossier (docs/DOSSIERS.md; the actions that move it are in [`crate::life`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Mới đăng ký: filed online, not yet checked and accepted by an officer (what the kiosk
    /// prints then is a confirmation of submission, not Mẫu 01).
    Submitted,
    /// Đã tiếp nhận: accepted by an officer (Mẫu 01, the receipt and appointment).
    Received,
    /// Đang xử lý.
    Processing,
    /// Chờ bổ sung: supplements requested (Mẫu 02); the clock is stopped.
    SupplementRequested,
    /// Đã nhận bổ sung: the clock runs again.
    SupplementReceived,
    /// Từ chối giải quyết (Mẫu 03).
    Refused,
    /// Dừng xử lý (Mẫu 05).
    Stopped,
    /// Đã có kết quả.
    ResultReady,
    /// Chờ nộp phí, lệ phí: the result is ready and waits for its fee.
    AwaitingFee,
    /// Đã trả kết quả (at the counter, or by post).
    Returned,
    /// Công dân rút hồ sơ.
    Withdrawn,
}

impl DossierStatus {
    /// Every state, in the order of a dossier's life.
    pub const ALL: [DossierStatus; 11] = [
        DossierStatus::Submitted,
        DossierStatus::Received,
        DossierStatus::Processing,
        DossierStatus::SupplementRequested,
        DossierStatus::SupplementReceived,
        DossierStatus::Refused,
        DossierStatus::Stopped,
        DossierStatus::ResultReady,
        DossierStatus::AwaitingFee,
        DossierStatus::Returned,
        DossierStatus::Withdrawn,
    ];

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "Đã nộp trực tuyến, chờ tiếp nhận",
            DossierStatus::Received => "Đã tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::SupplementRequested => "Chờ bổ sung hồ sơ",
            DossierStatus::SupplementReceived => "Đã nhận hồ sơ bổ sung",
            DossierStatus::Refused => "Từ chối giải quyết",
            DossierStatus::Stopped => "Dừng xử lý",
            DossierStatus::ResultReady => "Đã có kết quả",
            DossierStatus::AwaitingFee => "Có kết quả, chờ nộp phí",
            DossierStatus::Returned => "Đã trả kết quả",
            DossierStatus::Withdrawn => "Đã rút hồ sơ",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "Submitted online, awaiting check",
            DossierStatus::Received => "Received",
            DossierStatus::Processing => "Being processed",
            DossierStatus::SupplementRequested => "Awaiting supplements",
            DossierStatus::SupplementReceived => "Supplement received",
            DossierStatus::Refused => "Refused",
            DossierStatus::Stopped => "Processing stopped",
            DossierStatus::ResultReady => "Result ready",
            DossierStatus::AwaitingFee => "Result ready, fee due",
            DossierStatus::Returned => "Result returned",
            DossierStatus::Withdrawn => "Withdrawn",
        }
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "submitted",
            DossierStatus::Received => "received",
            DossierStatus::Processing => "processing",
            DossierStatus::SupplementRequested => "supplement_requested",
            DossierStatus::SupplementReceived => "supplement_received",
            DossierStatus::Refused => "refused",
            DossierStatus::Stopped => "stopped",
            DossierStatus::ResultReady => "result_ready",
            DossierStatus::AwaitingFee => "awaiting_fee",
            DossierStatus::Returned => "returned",
            DossierStatus::Withdrawn => "withdrawn",
        }
    }

    /// Whether an officer has accepted the dossier (then its receipt is Mẫu 01 "Giấy tiếp nhận
    /// hồ sơ và hẹn trả kết quả"); a dossier only submitted online, or turned away, was not.
    pub fn accepted(self) -> bool {
        !matches!(
            self,
            DossierStatus::Submitted | DossierStatus::Refused | DossierStatus::Withdrawn
        )
    }

    /// Nothing more can be done: returned, refused, stopped or withdrawn.
    pub fn closed(self) -> bool {
        matches!(
            self,
            DossierStatus::Returned
                | DossierStatus::Refused
                | DossierStatus::Stopped
                | DossierStatus::Withdrawn
        )
    }

    /// The office still owes the citizen something by the due date: it can be overdue (not
    /// while the clock is stopped for a supplement, nor once the result is ready).
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            DossierStatus::Received | DossierStatus::Processing | DossierStatus::SupplementReceived
        )
    }

    /// From the wire name; `completed` and `rejected` are the names of schema 4.
    pub fn parse(s: &str) -> Option<DossierStatus> {
        match s {
            "completed" => return Some(DossierStatus::ResultReady),
            "rejected" => return Some(DossierStatus::Refused),
            _ => {}
        }
        DossierStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A stored attachment, as the dossier reports it (not its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct AttachmentInfo {
    /// File name as submitted.
    pub file_name: String,
    /// MIME type recognised from the content.
    pub media_type: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// A document of a filed dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DossierDocument {
    /// Name.
    pub name: String,
    /// Số bản chính.
    pub originals: u32,
    /// Số bản sao.
    pub copies: u32,
    /// Handed in on paper at the counter.
    pub paper_at_counter: bool,
    /// The attached file, if any.
    pub attachment: Option<AttachmentInfo>,
}

/// The fee payment by VietQR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Payment {
    /// Amount in đồng.
    #[ts(type = "number")]
    pub amount_vnd: u64,
    /// Bank BIN.
    pub bank_bin: String,
    /// Account number.
    pub account: String,
    /// Account holder's name.
    pub account_name: String,
    /// Purpose of the transfer (contains the dossier code).
    pub purpose: String,
    /// The VietQR payload to show as a QR.
    pub vietqr: String,
}

/// The office the dossier was filed with, as the receipt's header and "where to collect" show.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct Agency {
    /// Cơ quan chủ quản (e.g. `UBND TỈNH …`); may be empty.
    #[serde(default)]
    pub parent: String,
    /// Tên cơ quan (e.g. `UBND XÃ …` or the one-stop unit).
    pub name: String,
    /// Address (where to collect the result at the office).
    #[serde(default)]
    pub address: String,
    /// Agency code (the prefix of dossier codes).
    pub code: String,
    /// Địa danh: the place name before the date of a document ("Hoàn Kiếm, ngày …"); empty
    /// when not set (see [`Agency::place_name`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(optional, as = "Option<String>")]
    pub place: String,
}

/// Words naming the kind of an administrative unit, as they begin its name.
const UNIT_WORDS: &[&[&str]] = &[
    &["thành", "phố"],
    &["thị", "trấn"],
    &["thị", "xã"],
    &["đặc", "khu"],
    &["phường"],
    &["huyện"],
    &["quận"],
    &["tỉnh"],
    &["xã"],
];

/// The place name of an administrative unit's name: `"UBND phường Hoàn Kiếm"` → `"Hoàn Kiếm"`,
/// `"Ủy ban nhân dân xã Kim Liên"` → `"Kim Liên"`; a unit named by a number keeps its kind
/// (`"UBND Phường 1"` → `"Phường 1"`, as Nghị định 30/2020/NĐ-CP writes it). What follows a
/// comma, a dash between spaces or a parenthesis (`"UBND xã A – Bộ phận Một cửa"`) is left out.
/// `None` when no unit is named.
pub fn place_from_unit_name(name: &str) -> Option<String> {
    let name = crate::text::nfc(name);
    let mut head = name.as_str();
    for sep in [",", " – ", " — ", " - ", "("] {
        head = head.split(sep).next().unwrap_or_default();
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let (at, len) = (0..words.len()).find_map(|i| {
        UNIT_WORDS
            .iter()
            .find(|unit| {
                unit.len() < words.len() - i && unit.iter().zip(&lower[i..]).all(|(u, w)| u == w)
            })
            .map(|unit| (i, unit.len()))
    })?;
    let rest = words[at + len..].join(" ");
    if rest.chars().all(|c| c.is_ascii_digit()) {
        let kind = words[at..at + len].join(" ");
        let mut chars = kind.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        return Some(format!(
            "{}{} {rest}",
            first.unwrap_or_default(),
            chars.as_str()
        ));
    }
    Some(rest)
}

impl Agency {
    /// The place name printed before the date: the configured [`Agency::place`], else the
    /// unit in the agency's name (`UBND phường Hoàn Kiếm` → `Hoàn Kiếm`), else the commune in
    /// its address (`…, phường Hoàn Kiếm, Hà Nội`); `None` when none of them names one.
    pub fn place_name(&self) -> Option<String> {
        let set = self.place.trim();
        if !set.is_empty() {
            return Some(crate::text::nfc(set));
        }
        place_from_unit_name(&self.name).or_else(|| {
            self.address
                .split(',')
                .filter_map(|part| {
                    let p = part.trim().to_lowercase();
                    ["xã ", "phường ", "thị trấn ", "đặc khu "]
                        .iter()
                        .any(|w| p.starts_with(w))
                        .then(|| place_from_unit_name(part))
                        .flatten()
                })
                .next()
        })
    }
}

/// How the identity of a dossier's submitter was checked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Signed in with VNeID (the office's OpenID provider).
    Vneid,
    /// Signed in with the built-in sandbox provider ("DEMO – không phải VNeID thật"): no real
    /// identity was checked.
    Demo,
}

impl Verification {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::Vneid => "vneid",
            Verification::Demo => "demo",
        }
    }
}

/// Who submitted a dossier online: the citizen who signed in, as the sign-in vouches for them
/// (also when the dossier concerns someone else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Submitter {
    /// Họ và tên, from the sign-in.
    pub full_name: String,
    /// Số định danh cá nhân, from the sign-in (absent when the provider did not release it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id_number: Option<String>,
}

/// A filed dossier, as `GET /api/v1/dossiers/{code}` (with its lookup secret) returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Dossier {
    /// Mã hồ sơ.
    pub code: String,
    /// Mã thủ tục.
    pub procedure_code: String,
    /// Tên thủ tục.
    pub procedure_name: String,
    /// Who filed.
    pub applicant: Applicant,
    /// Form answers.
    #[serde(default)]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// When received, RFC 3339 (+07:00).
    pub received_at: String,
    /// Processing time of the procedure.
    pub processing_time: ProcessingTime,
    /// Ngày hẹn trả kết quả.
    pub due_date: NaiveDate,
    /// Giờ hẹn trả: the appointment on [`Dossier::due_date`], RFC 3339 (+07:00). Absent on
    /// dossiers filed before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub due_at: Option<String>,
    /// Phí, lệ phí in đồng (0: none).
    #[ts(type = "number")]
    pub fee_vnd: u64,
    /// Status.
    pub status: DossierStatus,
    /// The checklist as filed.
    pub documents: Vec<DossierDocument>,
    /// How the result is received.
    pub delivery: Delivery,
    /// The signed tracking URL (the receipt's QR).
    pub tracking_url: String,
    /// How to pay the fee; `None` when no fee is due.
    pub payment: Option<Payment>,
    /// The office.
    pub agency: Agency,
    /// How the submitter's identity was checked: `vneid` for a dossier filed online bound to
    /// a VNeID sign-in (`demo` with the sandbox provider). Absent on dossiers filed before
    /// issue 12 and on paper dossiers received at a counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verified_with: Option<Verification>,
    /// The account the dossier is linked to: the provider's `sub` for the citizen. An
    /// identifier: only in the full dossier (staff, or the lookup with the secret), never in
    /// the public status or the tracking page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub account_subject: Option<String>,
    /// Who submitted it online: the verified citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub submitted_by: Option<Submitter>,
    /// The staff member (username) who received a paper dossier at a counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub received_by: Option<String>,
    /// Online or received on paper at a counter.
    #[serde(default)]
    pub channel: Channel,
    /// The ticket of the visit a paper dossier was received in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ticket_id: Option<String>,
    /// Every document has its scanned or uploaded file in the office database.
    #[serde(default)]
    pub digitized: bool,
    /// While a supplement is awaited: the working days that were left when the clock stopped
    /// (the due date moves on when the supplement arrives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days_left: Option<u32>,
    /// The fee was paid.
    #[serde(default)]
    pub fee_paid: bool,
    /// Past its appointment while the office still owes the result (not while a supplement
    /// is awaited): computed when read.
    #[serde(default)]
    pub overdue: bool,
    /// What happened to it, oldest first.
    #[serde(default)]
    pub history: Vec<crate::life::HistoryEntry>,
}

/// What `GET /api/v1/dossiers/{code}` returns without the lookup secret: status only, nothing
/// personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DossierStatusView {
    /// Mã hồ sơ.
    pub code: String,
    /// Tên thủ tục.
    pub procedure_name: String,
    /// Status.
    pub status: DossierStatus,
    /// Ngày hẹn trả kết quả.
    pub due_date: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let c = dossier_code("000.00.00.H26", day, 42);
        assert_eq!(c, "000.00.00.H26-261123-0042");
        assert_eq!(parse_dossier_code(&c), Some(("000.00.00.H26", day, 42)));
        for bad in [
            "H26-261123-042",
            "H26-261332-0042",
            "h26-261123-0042",
            "-261123-0042",
            "H26-261123-0000",
            "H-26-261123-0001",
            "",
        ] {
            assert!(!is_dossier_code(bad), "{bad}");
        }
        assert!(!is_agency_code("A-B"));
        assert!(!is_agency_code(""));
    }

    #[test]
    fn request_json_shape() {
        let j = serde_json::json!({
            "procedure_code": "1.001193",
            "applicant": {"full_name": "Nguyễn Văn An", "id_number": "001099012345"},
            "answers": {"child_name": "Nguyễn Văn Bình"},
            "documents": [
                {"name": "Tờ khai", "originals": 1, "submission": {"kind": "attachment", "file_name": "a.pdf", "content_base64": "JVBERi0="}},
                {"name": "Giấy chứng sinh", "originals": 1, "submission": {"kind": "paper_at_counter"}}
            ],
            "delivery": {"method": "post", "address": "Số 1"}
        });
        let r: DossierRequest = serde_json::from_value(j).unwrap();
        assert_eq!(r.documents[1].submission, Submission::PaperAtCounter);
        assert_eq!(
            r.delivery,
            Delivery::Post {
                address: "Số 1".into()
            }
        );
        let office: Delivery = serde_json::from_str(r#"{"method":"office"}"#).unwrap();
        assert_eq!(office, Delivery::Office);
        assert_eq!(r.sign_in_session, None);
        // Online the applicant may be left out: the sign-in fills it.
        let r: DossierRequest = serde_json::from_value(serde_json::json!({
            "procedure_code": "1.001193",
            "sign_in_session": "s",
            "delivery": {"method": "office"}
        }))
        .unwrap();
        assert_eq!(r.sign_in_session.as_deref(), Some("s"));
        assert_eq!(r.applicant, Applicant::default());
        let back = serde_json::to_value(&r).unwrap();
        assert_eq!(back["sign_in_session"], "s");
    }

    #[test]
    fn requests_are_read_strictly_at_every_level() {
        let full = DossierRequest {
            procedure_code: "1.001193".into(),
            sign_in_session: Some("s".into()),
            channel: Channel::Counter,
            ticket_id: Some("t".into()),
            applicant: Applicant {
                full_name: "A".into(),
                id_number: "001099012345".into(),
                date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 2),
                gender: Some("Nam".into()),
                address: Some("Số 1".into()),
                phone: Some("0912".into()),
                email: Some("a@b.vn".into()),
            },
            answers: BTreeMap::from([("k".to_string(), serde_json::json!("v"))]),
            documents: vec![
                DocumentRequest {
                    name: "Tờ khai".into(),
                    originals: 1,
                    copies: 2,
                    submission: Submission::Attachment {
                        file_name: "a.pdf".into(),
                        content_base64: "JVBERi0=".into(),
                    },
                },
                DocumentRequest {
                    name: "Giấy".into(),
                    originals: 0,
                    copies: 1,
                    submission: Submission::PaperAtCounter,
                },
            ],
            delivery: Delivery::Post {
                address: "Số 2".into(),
            },
        };
        // Every field the type has is read back (the strict reading has them all).
        let json = serde_json::to_value(&full).unwrap();
        let back: DossierRequest = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, full);
        let office = DossierRequest {
            delivery: Delivery::Office,
            ..full
        };
        let back: DossierRequest =
            serde_json::from_value(serde_json::to_value(&office).unwrap()).unwrap();
        assert_eq!(back, office);
        // An unknown field anywhere is refused, and the error names it.
        for (pointer, key) in [
            ("", "extra"),
            ("/applicant", "nickname"),
            ("/documents/0", "pages"),
            ("/documents/0/submission", "mime"),
            ("/documents/1/submission", "where"),
            ("/delivery", "zip"),
        ] {
            let mut j = json.clone();
            j.pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert(key.into(), serde_json::json!(1));
            let e = serde_json::from_value::<DossierRequest>(j).unwrap_err();
            assert!(
                e.to_string().contains(&format!("unknown field `{key}`")),
                "{pointer}: {e}"
            );
        }
        let mut j = serde_json::to_value(&office).unwrap();
        j["delivery"]["address"] = "x".into();
        assert!(
            serde_json::from_value::<DossierRequest>(j).is_err(),
            "office takes no address"
        );
        // The shared types stay lenient where a stored or returned dossier reads them.
        let a: Applicant = serde_json::from_str(r#"{"full_name":"A","later":1}"#).unwrap();
        assert_eq!(a.full_name, "A");
        let d: Delivery = serde_json::from_str(r#"{"method":"office","later":1}"#).unwrap();
        assert_eq!(d, Delivery::Office);
    }

    #[test]
    fn birth_dates_and_counts_in_range() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for (d, ok) in [
            ((1900, 1, 1), true),
            ((1899, 12, 31), false),
            ((1990, 5, 20), true),
            ((2026, 11, 23), true),
            ((2026, 11, 24), false),
            ((9999, 12, 31), false),
            ((1, 1, 1), false),
        ] {
            let d = NaiveDate::from_ymd_opt(d.0, d.1, d.2).unwrap();
            let got = check_birth_date("applicant.date_of_birth", d, today);
            assert_eq!(got.is_ok(), ok, "{d}");
            if let Err(e) = got {
                assert!(e.message_vi.contains("“applicant.date_of_birth”"));
                assert!(e.message_en.contains("1900-01-01") && e.message_en.contains("2026-11-23"));
            }
        }
        for (n, ok) in [
            (0, true),
            (1, true),
            (20, true),
            (21, false),
            (u32::MAX, false),
        ] {
            assert_eq!(
                check_document_count("documents[0].copies", n).is_ok(),
                ok,
                "{n}"
            );
        }
        let e = check_document_count("documents[0].copies", 21).unwrap_err();
        assert!(e.message_en.contains("from 0 to 20"), "{}", e.message_en);
        for (raw, count) in [
            (0, 0),
            (3, 3),
            (20, 20),
            (20261, 1),
            (181, 1),
            (20240, 0),
            (6131, 1),
        ] {
            assert_eq!(catalog_count(raw), count, "{raw}");
        }
    }

    #[test]
    fn verification_is_snake_case_and_old_dossiers_have_none() {
        assert_eq!(
            serde_json::to_string(&Verification::Vneid).unwrap(),
            "\"vneid\""
        );
        assert_eq!(Verification::Demo.as_str(), "demo");
        let old = Dossier {
            code: "H00-261123-0001".into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            applicant: Applicant::default(),
            answers: BTreeMap::new(),
            received_at: "2026-11-23T09:00:00+07:00".into(),
            processing_time: ProcessingTime::working_days(1),
            due_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            due_at: None,
            fee_vnd: 0,
            status: DossierStatus::Submitted,
            documents: vec![],
            delivery: Delivery::Office,
            tracking_url: String::new(),
            payment: None,
            agency: Agency::default(),
            verified_with: None,
            account_subject: None,
            submitted_by: None,
            received_by: None,
            channel: Channel::Online,
            ticket_id: None,
            digitized: false,
            days_left: None,
            fee_paid: false,
            overdue: false,
            history: vec![],
        };
        let mut d = serde_json::to_value(old).unwrap();
        for k in [
            "verified_with",
            "account_subject",
            "submitted_by",
            "received_by",
        ] {
            assert!(d.get(k).is_none(), "{k} is skipped when absent");
        }
        d["verified_with"] = "vneid".into();
        d["account_subject"] = "sub-1".into();
        d["submitted_by"] = serde_json::json!({"full_name": "A"});
        let d: Dossier = serde_json::from_value(d).unwrap();
        assert_eq!(d.verified_with, Some(Verification::Vneid));
        assert_eq!(d.submitted_by.unwrap().id_number, None);
        assert_eq!(d.received_by, None);
    }

    #[test]
    fn statuses_round_trip_and_only_accepted_ones_are_receipts() {
        for st in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(st.as_str()), Some(st));
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
        assert_eq!(
            DossierStatus::parse("completed"),
            Some(DossierStatus::ResultReady)
        );
        assert_eq!(
            DossierStatus::parse("rejected"),
            Some(DossierStatus::Refused)
        );
        assert!(DossierStatus::Stopped.closed() && !DossierStatus::AwaitingFee.closed());
        assert!(!DossierStatus::SupplementRequested.clock_runs());
        assert!(!DossierStatus::Submitted.accepted());
        assert!(!DossierStatus::Refused.accepted());
        assert!(DossierStatus::Received.accepted());
        assert_eq!(
            DossierStatus::Submitted.label_vi(),
            "Đã nộp trực tuyến, chờ tiếp nhận"
        );
    }

    #[test]
    fn place_names_from_the_unit() {
        for (name, place) in [
            ("UBND phường Hoàn Kiếm", Some("Hoàn Kiếm")),
            ("Ủy ban nhân dân xã Kim Liên", Some("Kim Liên")),
            ("UBND phường Hoàn Kiếm – Bộ phận Một cửa", Some("Hoàn Kiếm")),
            (
                "Bộ phận Một cửa UBND Thành phố Nha Trang",
                Some("Nha Trang"),
            ),
            ("UBND Phường 1", Some("Phường 1")),
            ("UBND xã Thử Nghiệm", Some("Thử Nghiệm")),
            ("UBND thị trấn Đông Anh", Some("Đông Anh")),
            ("Bộ phận Một cửa", None),
            ("UBND xã", None),
            ("", None),
        ] {
            assert_eq!(place_from_unit_name(name).as_deref(), place, "{name}");
        }
        let mut a = Agency {
            name: "Bộ phận Một cửa".into(),
            address: "Số 126 phố Hàng Trống, phường Hoàn Kiếm, Hà Nội".into(),
            ..Default::default()
        };
        assert_eq!(a.place_name().as_deref(), Some("Hoàn Kiếm"));
        a.place = "Nha Trang".into();
        assert_eq!(a.place_name().as_deref(), Some("Nha Trang"));
        a.place.clear();
        a.address.clear();
        assert_eq!(a.place_name(), None);
        // Old stored dossiers have no place: they still read.
        let old: Agency = serde_json::from_str(r#"{"name":"UBND xã A","code":"H00"}"#).unwrap();
        assert_eq!(old.place, "");
    }

    #[test]
    fn no_panic_on_arbitrary_codes() {
        let mut rng = crate::testrand::Rng::new(11);
        for _ in 0..10_000 {
            let _ = parse_dossier_code(&rng.string(40));
        }
    }
}
