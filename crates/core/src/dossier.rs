//! Online dossiers (hồ sơ): what the kiosk submits (`POST /api/v1/dossiers`) and what the
//! office server returns (`GET /api/v1/dossiers/{code}`), which is also what the receipt is
//! printed from.
//!
//! Dossier codes have the shape of Circular 01/2018/TT-VPCP, Điều 19:
//! `{agency code}-{YYMMDD}-{4-digit daily sequence}`, e.g. `000.00.00.H26-261123-0042`.

use crate::workdays::ProcessingTime;
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

/// `POST /api/v1/dossiers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
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
}

/// Life-cycle of a dossier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Đã nộp trực tuyến, chờ tiếp nhận: filed online, not yet checked and accepted by an
    /// officer (what the kiosk prints then is a confirmation of submission, not Mẫu 01).
    Submitted,
    /// Đã tiếp nhận: accepted by an officer (Mẫu 01, the receipt and appointment).
    Received,
    /// Đang xử lý.
    Processing,
    /// Đã có kết quả.
    Completed,
    /// Đã trả kết quả.
    Returned,
    /// Từ chối / trả lại hồ sơ.
    Rejected,
}

impl DossierStatus {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "Đã nộp trực tuyến, chờ tiếp nhận",
            DossierStatus::Received => "Đã tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::Completed => "Đã có kết quả",
            DossierStatus::Returned => "Đã trả kết quả",
            DossierStatus::Rejected => "Không tiếp nhận",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "Submitted online, awaiting check",
            DossierStatus::Received => "Received",
            DossierStatus::Processing => "Being processed",
            DossierStatus::Completed => "Result ready",
            DossierStatus::Returned => "Result returned",
            DossierStatus::Rejected => "Not accepted",
        }
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "submitted",
            DossierStatus::Received => "received",
            DossierStatus::Processing => "processing",
            DossierStatus::Completed => "completed",
            DossierStatus::Returned => "returned",
            DossierStatus::Rejected => "rejected",
        }
    }

    /// Whether an officer has accepted the dossier (then its receipt is Mẫu 01 "Giấy tiếp nhận
    /// hồ sơ và hẹn trả kết quả"); a dossier only submitted online, or turned away, was not.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            DossierStatus::Received
                | DossierStatus::Processing
                | DossierStatus::Completed
                | DossierStatus::Returned
        )
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<DossierStatus> {
        [
            DossierStatus::Submitted,
            DossierStatus::Received,
            DossierStatus::Processing,
            DossierStatus::Completed,
            DossierStatus::Returned,
            DossierStatus::Rejected,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
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
        for st in [
            DossierStatus::Submitted,
            DossierStatus::Received,
            DossierStatus::Processing,
            DossierStatus::Completed,
            DossierStatus::Returned,
            DossierStatus::Rejected,
        ] {
            assert_eq!(DossierStatus::parse(st.as_str()), Some(st));
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
        assert!(!DossierStatus::Submitted.accepted());
        assert!(!DossierStatus::Rejected.accepted());
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
