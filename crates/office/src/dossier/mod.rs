//! Online dossiers (issue 5): `POST /api/v1/dossiers` with an `Idempotency-Key`,
//! `GET /api/v1/dossiers/{code}`, the tracking page `/d/{code}` and the receipt's signed link
//! and payment QR.
//!
//! Storage: the dossier tables of migration 3 in the office database, behind the
//! [`store::DossierStore`] trait ([`store::SqliteDossiers`]): one submission is one `BEGIN IMMEDIATE` transaction
//! (idempotency check, daily sequence, dossier, documents, attachment BLOBs) committed with
//! `synchronous=FULL` before it is answered. Validation (JSON, base64, file types, sizes)
//! happens before the transaction, so bad input stores nothing and consumes no code.

pub mod forms;
pub mod http;
pub mod life;
pub mod page;
pub mod procedures;
pub mod store;
pub mod upload;
pub mod work;

pub use procedures::{BuiltinProcedures, CatalogProcedures, ProcedureFacts, ProcedureSource};
pub use upload::UploadLimits;

use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_core::dossier::{
    check_birth_date, check_document_count, is_agency_code, Agency, Applicant, Delivery,
    DocumentRequest, Dossier, DossierRequest, Submission, Submitter, Verification,
};
use motcua_core::files::{check_file, check_total};
use motcua_core::receipt::{ReceiptSigningKey, ReceiptVerifyingKey};
use motcua_core::text::{check_field, FieldRule};
use motcua_core::workdays::WorkCalendar;
use motcua_core::CitizenProfile;
use motcua_core::{ApiError, ErrorCode};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The form set issued unless the office chooses another.
pub const DEFAULT_FORM_SET: &str = "tt01-2018";

/// Filing settings of an office (`motcua serve --agency-code …`).
#[derive(Debug, Clone)]
pub struct FilingConfig {
    /// Whether this server takes online dossiers (`motcua serve --no-online-filing` turns it
    /// off: `POST /api/v1/dossiers` then answers 503 `filing_disabled`).
    pub enabled: bool,
    /// Agency code, the prefix of dossier codes (`A–Z 0–9 .`, e.g. `000.00.00.H26`).
    pub agency_code: String,
    /// Cơ quan chủ quản, the first line of the receipt's header (may be empty).
    pub parent_agency: String,
    /// The office's address (where results are collected).
    pub address: String,
    /// Địa danh printed before the date of receipts ("Nha Trang, ngày …"). Empty: taken from
    /// the office name ("UBND phường Hoàn Kiếm" → "Hoàn Kiếm") or the commune in the address.
    pub place: String,
    /// NAPAS bank BIN of the fee account; with [`FilingConfig::bank_account`], fees get a VietQR.
    pub bank_bin: Option<String>,
    /// The fee account.
    pub bank_account: Option<String>,
    /// The account holder's name, printed under the payment QR.
    pub account_name: String,
    /// A file with the receipt signing key (32-byte seed, hex). Created if missing. `None`
    /// keeps the key in the database (generated on first start).
    pub signing_key_file: Option<PathBuf>,
    /// Public holidays; `None` = the built-in 2025–2027 list.
    pub holidays: Option<Vec<NaiveDate>>,
    /// Receipts at or after this local time count from the next working day (default 15:00).
    pub cutoff: Option<NaiveTime>,
    /// How many uploads are read and decoded at once, and how long the others wait.
    pub uploads: UploadLimits,
    /// The office's holiday table by year (`--holidays-file`): its years replace the built-in
    /// ones.
    pub holiday_table: Option<motcua_core::workdays::HolidayTable>,
    /// The version of the official forms the office issues (`--form-set`, e.g. `tt01-2018`).
    pub form_set: String,
}

impl Default for FilingConfig {
    fn default() -> Self {
        FilingConfig {
            enabled: true,
            agency_code: "H00.00".into(),
            parent_agency: String::new(),
            address: String::new(),
            place: String::new(),
            bank_bin: None,
            bank_account: None,
            account_name: String::new(),
            signing_key_file: None,
            holidays: None,
            cutoff: None,
            uploads: UploadLimits::default(),
            holiday_table: None,
            form_set: DEFAULT_FORM_SET.into(),
        }
    }
}

/// The filing service: validation, the store and the receipt key.
pub struct Filing {
    store: Arc<dyn store::DossierStore>,
    key: ReceiptSigningKey,
    calendar: WorkCalendar,
    cfg: FilingConfig,
    agency: Agency,
    public_base_url: String,
    procedures: Arc<dyn ProcedureSource>,
    /// The citizen sign-in dossiers are bound to; `None`: no sign-in is set up, so nothing
    /// can be filed online (503 `sign_in_unavailable`).
    sign_in: Option<crate::identity::AuthService>,
}

/// The citizen a dossier is filed by: an approved sign-in's verified profile.
pub struct Filer {
    /// The verified claims (wiped when dropped).
    pub profile: zeroize::Zeroizing<CitizenProfile>,
    /// Which provider vouched for them.
    pub verified_with: Verification,
}

/// Settings the HTTP layer gives the filing service on start.
pub struct FilingStart<'a> {
    /// The office database (already migrated by the main store).
    pub db_path: &'a Path,
    /// The office name (TÊN CƠ QUAN).
    pub office_name: &'a str,
    /// Base of tracking URLs.
    pub public_base_url: &'a str,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// `n` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source works");
    b
}

/// SHA-256, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn load_key_file(path: &Path) -> Result<ReceiptSigningKey, crate::SetupError> {
    match std::fs::read_to_string(path) {
        Ok(text) => unhex32(&text)
            .map(motcua_core::receipt::signing_key)
            .ok_or_else(|| {
                crate::SetupError(format!(
                    "{} does not hold a receipt key (64 hex digits)",
                    path.display()
                ))
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let seed = random_bytes::<32>();
            write_private(path, &format!("{}\n", hex(&seed)))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(file = %path.display(), "generated a receipt signing key");
            Ok(motcua_core::receipt::signing_key(seed))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display()).into()),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// The receipt public key of the office database at `db` (for `motcua scan decode --db`).
pub fn read_public_key(db: &Path) -> Result<ReceiptVerifyingKey, crate::SetupError> {
    let seed = store::read_setting(db, store::KEY_SETTING)
        .map_err(|e| format!("cannot read {}: {e}", db.display()))?
        .ok_or_else(|| {
            format!(
                "{} has no receipt key (the server keeps it in a file: pass --public-key)",
                db.display()
            )
        })?;
    let seed = unhex32(&seed).ok_or("the stored receipt key is damaged")?;
    Ok(motcua_core::receipt::signing_key(seed).verifying_key())
}

fn bad(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, vi, en)
}

/// An attachment ready to store.
pub struct DecodedFile {
    /// Position of its document in the request.
    pub position: usize,
    /// File name as submitted (NFC, at most 255 characters).
    pub file_name: String,
    /// MIME type by content.
    pub media_type: &'static str,
    /// SHA-256, hex.
    pub sha256: String,
    /// Content.
    pub content: Vec<u8>,
}

/// A validated request: NFC text, decoded and checked files.
pub struct Checked {
    /// The request (attachment contents emptied: they are in `files`).
    pub req: DossierRequest,
    /// Decoded attachments.
    pub files: Vec<DecodedFile>,
    /// The procedure.
    pub facts: ProcedureFacts,
    /// Set by [`Filing::bind`]: how the filer was verified and their account (`sub`).
    pub verified: Option<(Verification, String)>,
    /// At a counter: the officer who received it.
    pub received_by: Option<motcua_core::staff::StaffWire>,
}

const MAX_DOCUMENTS: usize = 50;
/// Longest applicant's full name, in characters.
const MAX_NAME: usize = 200;
/// Longest applicant's gender, address, phone or email, and delivery address.
const MAX_TEXT: usize = 500;
/// Longest procedure code (they look like `1.001193`).
const MAX_CODE: usize = 64;
/// Longest document name: the national catalog's names run to a few hundred characters.
const MAX_DOCUMENT_NAME: usize = 2000;
/// Longest attachment file name kept (a longer one is cut).
const MAX_FILE_NAME: usize = 255;
/// Longest question id of the answers.
const MAX_ANSWER_KEY: usize = 64;
/// Longest text of one answer (the kiosk's forms take at most 500).
const MAX_ANSWER_TEXT: usize = 2000;
const MAX_ANSWERS_BYTES: usize = 64 * 1024;

fn nfc_opt(s: &mut Option<String>) {
    if let Some(v) = s {
        *v = motcua_core::text::nfc(v.trim());
        if v.is_empty() {
            *s = None;
        }
    }
}

/// Checks every text of the answers, keys and values (nested too): a value is free text of
/// several lines, a key one line.
fn check_answers(path: &str, v: &serde_json::Value) -> Result<(), ApiError> {
    use motcua_core::text::{check_field, FieldRule};
    match v {
        serde_json::Value::String(s) => check_field(path, s, FieldRule::text(MAX_ANSWER_TEXT)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check_answers(&format!("{path}[{i}]"), x)),
        serde_json::Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            check_field(path, k, FieldRule::line(MAX_ANSWER_KEY))?;
            check_answers(&format!("{path}.{k}"), x)
        }),
        _ => Ok(()),
    }
}

/// Whether an `Idempotency-Key` is usable: 1–128 visible ASCII characters.
pub fn is_idempotency_key(k: &str) -> bool {
    (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
}

impl Filing {
    /// Opens the filing service on the (migrated) office database: loads or creates the
    /// receipt key.
    pub fn open(
        start: FilingStart<'_>,
        cfg: FilingConfig,
        procedures: Arc<dyn ProcedureSource>,
    ) -> Result<Filing, crate::SetupError> {
        if !is_agency_code(&cfg.agency_code) {
            return Err(format!(
                "agency code {:?} must be 1–32 characters of A–Z, 0–9 and '.'",
                cfg.agency_code
            )
            .into());
        }
        match (&cfg.bank_bin, &cfg.bank_account) {
            (Some(bin), Some(acct)) => {
                motcua_core::vietqr::encode(&motcua_core::vietqr::Transfer {
                    bin,
                    account: acct,
                    amount: Some(1),
                    purpose: "",
                })
                .map_err(|e| format!("bank settings: {e}"))?;
            }
            (None, None) => {}
            _ => return Err("give both the bank BIN and the account, or neither".into()),
        }
        let store: Arc<dyn store::DossierStore> =
            Arc::new(store::SqliteDossiers::open(start.db_path).map_err(|e| e.to_string())?);
        let key = match &cfg.signing_key_file {
            Some(path) => load_key_file(path)?,
            None => {
                let fresh = hex(&random_bytes::<32>());
                let seed = store
                    .setting_or_insert(store::KEY_SETTING, &fresh)
                    .map_err(|e| e.to_string())?;
                motcua_core::receipt::signing_key(
                    unhex32(&seed).ok_or("the stored receipt key is damaged")?,
                )
            }
        };
        let mut calendar = match (&cfg.holidays, &cfg.holiday_table) {
            (Some(h), _) => WorkCalendar::with_holidays(h.iter().copied()),
            (None, Some(t)) => WorkCalendar::with_years(t),
            (None, None) => WorkCalendar::default(),
        };
        if let Some(c) = cfg.cutoff {
            calendar.cutoff = c;
        }
        let agency = Agency {
            parent: motcua_core::text::nfc(&cfg.parent_agency),
            name: motcua_core::text::nfc(start.office_name),
            address: motcua_core::text::nfc(&cfg.address),
            code: cfg.agency_code.clone(),
            place: String::new(),
        };
        // The place as configured, else as the office name or address give it, recorded in
        // each dossier so that its receipt prints the same later.
        let agency = Agency {
            place: match motcua_core::text::nfc(cfg.place.trim()) {
                set if !set.is_empty() => set,
                _ => agency.place_name().unwrap_or_default(),
            },
            ..agency
        };
        Ok(Filing {
            store,
            key,
            calendar,
            cfg,
            agency,
            public_base_url: start.public_base_url.trim_end_matches('/').to_owned(),
            procedures,
            sign_in: None,
        })
    }

    /// The same service, binding dossiers to the sign-in sessions of `sign_in` (`None`: no
    /// sign-in is set up; online filing then answers 503 `sign_in_unavailable`).
    pub fn with_sign_in(self, sign_in: Option<crate::identity::AuthService>) -> Filing {
        Filing { sign_in, ..self }
    }

    /// The citizen the approved sign-in `session` vouches for. No session: 401
    /// `sign_in_required`; no sign-in set up: 503 `sign_in_unavailable`; a session unknown,
    /// ended, timed out or not approved: 401 `sign_in_required`.
    pub fn filer(&self, session: Option<&str>) -> Result<Filer, ApiError> {
        // Nobody files without an identity: no session at all is refused for that first.
        let session = session.filter(|s| !s.trim().is_empty() && s.len() <= 128);
        if session.is_none() {
            return Err(sign_in_required());
        }
        let Some(auth) = &self.sign_in else {
            return Err(ApiError::new(
                ErrorCode::SignInUnavailable,
                "Nộp hồ sơ trực tuyến cần đăng nhập bằng VNeID, nhưng máy chủ này chưa cài đặt \
                 đăng nhập. Vui lòng lấy số để nộp hồ sơ tại quầy hoặc hỏi cán bộ.",
                "Filing online needs a VNeID sign-in, which is not set up on this server. \
                 Please take a number and file at a counter, or ask a staff member.",
            ));
        };
        let profile = session
            .and_then(|s| auth.approved_profile(s))
            .ok_or_else(sign_in_required)?;
        Ok(Filer {
            profile,
            verified_with: if auth.is_demo() {
                Verification::Demo
            } else {
                Verification::Vneid
            },
        })
    }

    /// Binds a checked request to its filer: the applicant's full name, ID number, date of
    /// birth and gender are the verified ones. A value in the request that differs (names
    /// compared after NFC, trimming and case folding, ID numbers by their digits) is refused
    /// with 403 `identity_mismatch`; a value left out is filled from the sign-in. A field the
    /// provider did not release stays as the request gave it.
    pub fn bind(&self, checked: &mut Checked, filer: &Filer) -> Result<(), ApiError> {
        bind_applicant(&mut checked.req.applicant, &filer.profile)?;
        checked.req.sign_in_session = None;
        if checked.req.applicant.full_name.is_empty() {
            return Err(bad(
                "Vui lòng nhập họ và tên người nộp hồ sơ.",
                "Please enter the applicant's full name.",
            ));
        }
        checked.verified = Some((filer.verified_with, filer.profile.subject.clone()));
        Ok(())
    }

    /// The receipt public key staff verify receipts with.
    pub fn public_key(&self) -> ReceiptVerifyingKey {
        self.key.verifying_key()
    }

    /// The dossier store.
    pub fn store(&self) -> &dyn store::DossierStore {
        self.store.as_ref()
    }

    /// The upload limits ([`FilingConfig::uploads`]).
    pub fn upload_limits(&self) -> &UploadLimits {
        &self.cfg.uploads
    }

    /// Validates a request and decodes its attachments (CPU work: call off the runtime).
    pub fn check(&self, req: DossierRequest) -> Result<Checked, ApiError> {
        self.check_with(req, Vec::new())
    }

    /// [`Filing::check`] with files already decoded out of the body ([`upload::parse`]), by
    /// document position; a document without one is decoded from its text.
    pub fn check_with(
        &self,
        mut req: DossierRequest,
        mut decoded: Vec<Option<Vec<u8>>>,
    ) -> Result<Checked, ApiError> {
        req.procedure_code = req.procedure_code.trim().to_owned();
        check_field(
            "procedure_code",
            &req.procedure_code,
            FieldRule::line(MAX_CODE),
        )?;
        let facts = self
            .procedures
            .procedure(&req.procedure_code)
            .ok_or_else(|| {
                let code: String = req.procedure_code.chars().take(40).collect();
                ApiError::new(
                    ErrorCode::UnknownProcedure,
                    format!("Không có thủ tục mã “{code}” nhận hồ sơ trực tuyến tại đây. Vui lòng chọn thủ tục trong danh sách."),
                    format!("No procedure with code “{code}” takes online dossiers here. Please choose one from the list."),
                )
            })?;
        let a = &mut req.applicant;
        // An empty name is filled from the sign-in ([`Filing::bind`]), which then requires one.
        a.full_name = motcua_core::text::nfc(a.full_name.trim());
        check_field(
            "applicant.full_name",
            &a.full_name,
            FieldRule::line(MAX_NAME),
        )?;
        a.id_number = a.id_number.trim().to_owned();
        if !a.id_number.is_empty()
            && (a.id_number.len() != 12 || !a.id_number.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad(
                "Số định danh cá nhân phải gồm đúng 12 chữ số.",
                "The personal ID number must be exactly 12 digits.",
            ));
        }
        if let Some(born) = a.date_of_birth {
            let today = motcua_core::time::office_day(Utc::now());
            check_birth_date("applicant.date_of_birth", born, today)?;
        }
        for (field, f) in [
            ("applicant.gender", &mut a.gender),
            ("applicant.address", &mut a.address),
            ("applicant.phone", &mut a.phone),
            ("applicant.email", &mut a.email),
        ] {
            nfc_opt(f);
            if let Some(v) = f {
                check_field(field, v, FieldRule::line(MAX_TEXT))?;
            }
        }
        if let Delivery::Post { address } = &mut req.delivery {
            *address = motcua_core::text::nfc(address.trim());
            if address.is_empty() {
                return Err(bad(
                    "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.",
                    "Please enter the address to post the result to.",
                ));
            }
            check_field("delivery.address", address, FieldRule::line(MAX_TEXT))?;
        }
        let answers_len = serde_json::to_vec(&req.answers).map_or(usize::MAX, |v| v.len());
        if answers_len > MAX_ANSWERS_BYTES {
            return Err(bad(
                format!(
                    "Nội dung tờ khai quá dài (tối đa {} KB).",
                    MAX_ANSWERS_BYTES / 1024
                ),
                format!(
                    "The form answers are too long (at most {} KB).",
                    MAX_ANSWERS_BYTES / 1024
                ),
            ));
        }
        for (k, v) in &req.answers {
            check_field("answers", k, FieldRule::line(MAX_ANSWER_KEY))?;
            check_answers(&format!("answers.{k}"), v)?;
        }
        if req.documents.len() > MAX_DOCUMENTS {
            return Err(bad(
                format!("Hồ sơ có tối đa {MAX_DOCUMENTS} giấy tờ."),
                format!("A dossier has at most {MAX_DOCUMENTS} documents."),
            ));
        }
        let mut files = Vec::new();
        let mut total = 0usize;
        for (position, doc) in req.documents.iter_mut().enumerate() {
            let DocumentRequest {
                name,
                originals,
                copies,
                submission,
            } = doc;
            *name = motcua_core::text::nfc(name.trim());
            check_field(
                &format!("documents[{position}].name"),
                name,
                FieldRule::name(MAX_DOCUMENT_NAME),
            )?;
            check_document_count(&format!("documents[{position}].originals"), *originals)?;
            check_document_count(&format!("documents[{position}].copies"), *copies)?;
            if let Submission::Attachment {
                file_name,
                content_base64,
            } = submission
            {
                // The name is informative only: cut when long, but it may not hide
                // characters (a direction override makes `fdp.exe` read as `exe.pdf`).
                *file_name = motcua_core::text::nfc(file_name.trim())
                    .chars()
                    .take(MAX_FILE_NAME)
                    .collect();
                check_field(
                    &format!("documents[{position}].submission.file_name"),
                    file_name,
                    FieldRule::line(MAX_FILE_NAME),
                )?;
                let content = match decoded.get_mut(position).and_then(Option::take) {
                    Some(content) => content,
                    None => {
                        // Base64 of more than 10 MB is refused before decoding it.
                        if content_base64.len() / 4 * 3 > motcua_core::files::MAX_FILE_BYTES + 3 {
                            let n = content_base64.len() / 4 * 3;
                            return Err(motcua_core::files::file_too_large(name, n));
                        }
                        decode_base64(content_base64.as_bytes()).ok_or_else(|| {
                            bad(
                                format!("Tệp cho “{name}” không đọc được (không phải base64)."),
                                format!("The file for “{name}” cannot be read (not base64)."),
                            )
                        })?
                    }
                };
                let kind = check_file(name, &content)?;
                total += content.len();
                check_total(total)?;
                // The text is not needed any more: its memory goes now, not with the request.
                *content_base64 = String::new();
                files.push(DecodedFile {
                    position,
                    file_name: file_name.clone(),
                    media_type: kind.media_type(),
                    sha256: sha256_hex(&content),
                    content,
                });
            }
        }
        Ok(Checked {
            req,
            files,
            facts,
            verified: None,
            received_by: None,
        })
    }

    /// Files a checked request under `key`: the stored dossier and whether it was created now
    /// (`false`: the same key and body were filed before).
    pub fn file(
        &self,
        key: &str,
        body_sha256: &str,
        checked: Checked,
        now: DateTime<Utc>,
        actor: Option<&crate::access::Actor>,
    ) -> Result<(Dossier, bool), store::DossierStoreError> {
        let make = |code: &str, secret: &str| self.make_dossier(code, secret, &checked, now);
        self.store.file(store::NewDossier {
            key,
            body_sha256,
            agency: &self.agency.code,
            day: motcua_core::time::office_day(now),
            files: &checked.files,
            make: &make,
            actor,
        })
    }

    /// The dossier `code` and its lookup secret.
    pub fn get(&self, code: &str) -> Result<Option<(Dossier, String)>, store::DossierStoreError> {
        self.store.get(code)
    }

    fn make_dossier(
        &self,
        code: &str,
        secret: &str,
        checked: &Checked,
        now: DateTime<Utc>,
    ) -> Dossier {
        let local = motcua_core::time::to_vn(now).naive_local();
        let due = self.calendar.due_at(local, &checked.facts.processing_time);
        let due_date = due.date();
        let due_at = due
            .and_local_timezone(motcua_core::time::vn_offset())
            .single()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
        let fee = checked.facts.fee_vnd;
        let payment = match (&self.cfg.bank_bin, &self.cfg.bank_account) {
            (Some(bin), Some(account)) if fee > 0 => {
                let purpose = motcua_core::vietqr::dossier_purpose(code);
                motcua_core::vietqr::encode(&motcua_core::vietqr::Transfer {
                    bin,
                    account,
                    amount: Some(fee),
                    purpose: &purpose,
                })
                .ok()
                .map(|vietqr| motcua_core::dossier::Payment {
                    amount_vnd: fee,
                    bank_bin: bin.clone(),
                    account: account.clone(),
                    account_name: self.cfg.account_name.clone(),
                    purpose,
                    vietqr,
                })
            }
            _ => None,
        };
        let mut files = checked.files.iter().peekable();
        let documents = checked
            .req
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let attachment = match files.peek() {
                    Some(f) if f.position == i => {
                        let f = files.next().expect("peeked");
                        Some(motcua_core::dossier::AttachmentInfo {
                            file_name: f.file_name.clone(),
                            media_type: f.media_type.to_owned(),
                            size: f.content.len() as u64,
                            sha256: f.sha256.clone(),
                        })
                    }
                    _ => None,
                };
                motcua_core::dossier::DossierDocument {
                    name: d.name.clone(),
                    originals: d.originals,
                    copies: d.copies,
                    paper_at_counter: d.submission == Submission::PaperAtCounter,
                    attachment,
                }
            })
            .collect();
        let counter = checked.req.channel == motcua_core::dossier::Channel::Counter;
        // Digitized: every document of the dossier has its file in the office database.
        let digitized = {
            let docs: &Vec<motcua_core::dossier::DossierDocument> = &documents;
            !docs.is_empty() && docs.iter().all(|d| d.attachment.is_some())
        };
        let mut d = Dossier {
            code: code.to_owned(),
            procedure_code: checked.req.procedure_code.clone(),
            procedure_name: checked.facts.name.clone(),
            applicant: checked.req.applicant.clone(),
            answers: checked.req.answers.clone(),
            received_at: motcua_core::time::rfc3339_vn(now),
            processing_time: checked.facts.processing_time,
            due_date,
            due_at,
            fee_vnd: fee,
            // Filed online: an officer still has to check and accept it (the receipt is then
            // a confirmation of submission, not Mẫu 01). On paper at a counter: accepted as
            // it is received.
            status: if counter {
                motcua_core::dossier::DossierStatus::Received
            } else {
                motcua_core::dossier::DossierStatus::Submitted
            },
            documents,
            delivery: checked.req.delivery.clone(),
            tracking_url: motcua_core::receipt::tracking_url(
                &self.public_base_url,
                &self.key,
                code,
                secret,
            ),
            payment,
            agency: self.agency.clone(),
            verified_with: checked.verified.as_ref().map(|(v, _)| *v),
            account_subject: checked.verified.as_ref().map(|(_, sub)| sub.clone()),
            // The verified citizen, also when the dossier concerns someone else.
            submitted_by: checked.verified.as_ref().map(|_| Submitter {
                full_name: checked.req.applicant.full_name.clone(),
                id_number: Some(checked.req.applicant.id_number.clone()).filter(|n| !n.is_empty()),
            }),
            received_by: checked.received_by.as_ref().map(|s| s.username.clone()),
            channel: checked.req.channel,
            ticket_id: checked.req.ticket_id.clone(),
            digitized,
            days_left: None,
            fee_paid: false,
            overdue: false,
            history: vec![],
        };
        let first = life::first_entry(&d, checked.received_by.as_ref(), &self.cfg.form_set);
        d.history.push(first);
        d
    }

    /// The dossier already filed under `key` with this body (a resend: answered whatever the
    /// state of its sign-in now), or 409 when the key was used with another body.
    pub fn replay(
        &self,
        key: &str,
        body_sha256: &str,
    ) -> Result<Option<Dossier>, store::DossierStoreError> {
        self.store.replay(key, body_sha256)
    }
}

impl Filing {
    /// A paper dossier received at a counter by `staff`: the applicant as the officer entered
    /// it (full name and the 12-digit ID number required), accepted as it is received.
    pub fn receive_at_counter(
        &self,
        checked: &mut Checked,
        staff: &motcua_core::staff::StaffWire,
    ) -> Result<(), ApiError> {
        let a = &checked.req.applicant;
        if a.full_name.is_empty() {
            return Err(bad(
                "Vui lòng nhập họ và tên người nộp hồ sơ (“applicant.full_name”), như trên CCCD.",
                "Please enter the applicant's full name (“applicant.full_name”) as on the ID card.",
            ));
        }
        if a.id_number.is_empty() {
            return Err(bad(
                "Vui lòng nhập số định danh cá nhân (“applicant.id_number”, 12 chữ số) hoặc quét mã QR trên CCCD.",
                "Please enter the personal ID number (“applicant.id_number”, 12 digits) or scan the ID card's QR.",
            ));
        }
        if checked.req.sign_in_session.is_some() {
            return Err(bad(
                "Hồ sơ tiếp nhận tại quầy không dùng phiên đăng nhập VNeID (“sign_in_session”).",
                "A dossier received at a counter takes no VNeID sign-in (“sign_in_session”).",
            ));
        }
        if let Some(t) = &checked.req.ticket_id {
            if t.len() != 32 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad(
                    "Mã lượt (“ticket_id”) không hợp lệ.",
                    "The ticket id (“ticket_id”) is not valid.",
                ));
            }
        }
        checked.received_by = Some(staff.clone());
        Ok(())
    }

    /// Whether this office takes dossiers online ([`FilingConfig::enabled`]); paper reception
    /// at a counter works either way.
    pub fn online_enabled(&self) -> bool {
        self.cfg.enabled
    }

    /// The form set forms are issued in.
    pub fn form_set(&self) -> &str {
        &self.cfg.form_set
    }

    /// The office's working calendar.
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    /// `action` by `staff` on the dossier `code`: the dossier after it, with its history.
    /// `None`: no such dossier. A refusal is [`store::DossierStoreError::Refused`].
    pub fn act(
        &self,
        code: &str,
        action: motcua_core::life::Action,
        staff: &motcua_core::staff::StaffWire,
        actor: &crate::access::Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<Dossier>, store::DossierStoreError> {
        let cx = life::StepContext {
            calendar: &self.calendar,
            form_version: &self.cfg.form_set,
            now,
        };
        let mut step = |d: &Dossier| life::step(d, action.clone(), staff, &cx);
        let mut d = self.store.act(code, &mut step, actor, now)?;
        if let Some(d) = &mut d {
            d.overdue = life::is_overdue(d, now);
        }
        Ok(d)
    }

    /// The dossier `code` and its lookup secret, its overdue flag as of `now`.
    pub fn get_at(
        &self,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Dossier, String)>, store::DossierStoreError> {
        let mut found = self.store.get(code)?;
        if let Some((d, _)) = &mut found {
            d.overdue = life::is_overdue(d, now);
        }
        Ok(found)
    }

    /// A page of the back office's `view` as of `now`.
    pub fn list(
        &self,
        view: motcua_core::life::DossierView,
        search: Option<String>,
        limit: u32,
        offset: u32,
        now: DateTime<Utc>,
    ) -> Result<motcua_core::life::DossierList, store::DossierStoreError> {
        let today = motcua_core::time::office_day(now);
        // Due soon: today and the next two working days.
        let soon = self
            .calendar
            .next_working_day(self.calendar.next_working_day(today));
        self.store.list(&store::ListQuery {
            view,
            now: motcua_core::time::rfc3339_vn(now),
            soon,
            search,
            limit: limit.clamp(1, 200),
            offset,
        })
    }
}

pub(crate) fn sign_in_required() -> ApiError {
    ApiError::new(
        ErrorCode::SignInRequired,
        "Vui lòng đăng nhập lại bằng VNeID để nộp hồ sơ: phiên đăng nhập đã kết thúc hoặc \
         chưa được xác nhận trên điện thoại. Hồ sơ chưa được nộp.",
        "Please sign in with VNeID again to file: the sign-in has ended or was not confirmed \
         on the phone. The dossier was not filed.",
    )
}

fn mismatch(field_vi: &str, field_en: &str) -> ApiError {
    ApiError::new(
        ErrorCode::IdentityMismatch,
        format!(
            "{field_vi} trong hồ sơ khác với thông tin đã xác thực qua VNeID. Người nộp hồ sơ \
             trực tuyến là người đã đăng nhập; hồ sơ cho người khác (ví dụ khai sinh cho con) \
             ghi người đó trong tờ khai. Hồ sơ chưa được nộp."
        ),
        format!(
            "The {field_en} in the dossier differs from what VNeID verified. The applicant of \
             an online dossier is the citizen who signed in; a dossier for someone else (a \
             child's birth registration) names them in the form. The dossier was not filed."
        ),
    )
}

/// A name as compared: NFC, words separated by one space, case folded.
fn name_key(s: &str) -> String {
    motcua_core::text::nfc(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `male` / `female` whichever way it is written (`Nam`, `Nữ`), else as given.
fn gender_key(s: &str) -> String {
    let k = name_key(s);
    match k.as_str() {
        "male" | "nam" | "m" => "male".into(),
        "female" | "nữ" | "nu" | "f" => "female".into(),
        _ => k,
    }
}

/// The identity fields of `a` from the verified `p` (see [`Filing::bind`]).
pub fn bind_applicant(a: &mut Applicant, p: &CitizenProfile) -> Result<(), ApiError> {
    if let Some(name) = p
        .full_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let given = a.full_name.trim();
        if !given.is_empty() && name_key(given) != name_key(name) {
            return Err(mismatch("Họ và tên", "full name"));
        }
        a.full_name = motcua_core::text::nfc(name);
    }
    if let Some(id) = p.id_number.as_deref().map(digits).filter(|d| !d.is_empty()) {
        if !a.id_number.trim().is_empty() && digits(&a.id_number) != id {
            return Err(mismatch("Số định danh cá nhân", "personal ID number"));
        }
        a.id_number = id;
    }
    let born = p
        .date_of_birth
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    if let Some(born) = born {
        if a.date_of_birth.is_some_and(|d| d != born) {
            return Err(mismatch("Ngày sinh", "date of birth"));
        }
        a.date_of_birth = Some(born);
    }
    if let Some(g) = p.gender.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        if a.gender
            .as_deref()
            .is_some_and(|given| gender_key(given) != gender_key(g))
        {
            return Err(mismatch("Giới tính", "gender"));
        }
        a.gender = Some(g.to_owned());
    }
    Ok(())
}

/// Decodes base64 (standard alphabet, padding optional, ASCII white space anywhere ignored) in
/// chunks, without first copying the text without its white space.
pub(crate) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let engine = &base64::engine::general_purpose::STANDARD_NO_PAD;
    // Padding and white space at the end are left out (padding anywhere else is refused).
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != b'=')
        .map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(end / 4 * 3 + 3);
    // A whole number of base64 quanta: each full chunk decodes on its own.
    let mut chunk = [0u8; 4096];
    let mut n = 0;
    for &b in &text[..end] {
        if b.is_ascii_whitespace() {
            continue;
        }
        chunk[n] = b;
        n += 1;
        if n == chunk.len() {
            engine.decode_vec(&chunk[..], &mut out).ok()?;
            n = 0;
        }
    }
    engine.decode_vec(&chunk[..n], &mut out).ok()?;
    Some(out)
}

impl std::fmt::Debug for Filing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filing")
            .field("agency", &self.agency.code)
            .finish_non_exhaustive()
    }
}

/// Dossiers for the store's tests.
#[cfg(test)]
pub(crate) mod tests_support {
    /// The print crate's sample dossier under `code`, filed online.
    pub fn dossier(code: &str) -> motcua_core::dossier::Dossier {
        motcua_core::dossier::Dossier {
            code: code.to_owned(),
            ..motcua_print::sample_dossier()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citizen() -> CitizenProfile {
        CitizenProfile {
            subject: "sub-1".into(),
            full_name: Some("Phạm Văn Mẫu".into()),
            date_of_birth: Some("1990-05-20".into()),
            gender: Some("male".into()),
            id_number: Some("001090012345".into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_applicant_is_the_verified_citizen() {
        // Left out: filled from the sign-in.
        let mut a = Applicant::default();
        bind_applicant(&mut a, &citizen()).unwrap();
        assert_eq!(a.full_name, "Phạm Văn Mẫu");
        assert_eq!(a.id_number, "001090012345");
        assert_eq!(a.date_of_birth, NaiveDate::from_ymd_opt(1990, 5, 20));
        assert_eq!(a.gender.as_deref(), Some("male"));
        // The same written otherwise (decomposed, case, spaces; "Nam"): the verified values.
        let mut a = Applicant {
            full_name: "  PHẠM  VĂN MẪU ".into(),
            id_number: " 001090012345".into(),
            gender: Some("Nam".into()),
            phone: Some("0912".into()),
            ..Default::default()
        };
        a.full_name = a.full_name.replace('Ạ', "A\u{323}");
        bind_applicant(&mut a, &citizen()).unwrap();
        assert_eq!(a.full_name, "Phạm Văn Mẫu");
        assert_eq!(a.gender.as_deref(), Some("male"));
        assert_eq!(a.phone.as_deref(), Some("0912"), "contact details stay");
        // Someone else's name, ID number, birth date or gender: refused.
        for a in [
            Applicant {
                full_name: "Nguyễn Văn An".into(),
                ..Default::default()
            },
            Applicant {
                id_number: "001099012345".into(),
                ..Default::default()
            },
            Applicant {
                date_of_birth: NaiveDate::from_ymd_opt(2020, 1, 1),
                ..Default::default()
            },
            Applicant {
                gender: Some("Nữ".into()),
                ..Default::default()
            },
        ] {
            let mut a = a;
            let e = bind_applicant(&mut a, &citizen()).unwrap_err();
            assert_eq!(e.code, ErrorCode::IdentityMismatch);
            assert!(e.message_vi.contains("VNeID") && e.message_en.contains("VNeID"));
        }
        // What the provider did not release stays as given.
        let mut a = Applicant {
            full_name: "Lê Thị Cúc".into(),
            ..Default::default()
        };
        let bare = CitizenProfile {
            subject: "sub-2".into(),
            ..Default::default()
        };
        bind_applicant(&mut a, &bare).unwrap();
        assert_eq!(a.full_name, "Lê Thị Cúc");
    }
}
