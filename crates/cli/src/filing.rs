//! `motcua vietqr …` and `motcua scan …`: the filing formats on the command line.

use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum VietqrCmd {
    /// Print the VietQR (NAPAS, EMVCo) payload of a transfer on one line.
    Encode {
        /// 6-digit NAPAS bank BIN (e.g. 970436 Vietcombank).
        #[arg(long)]
        bin: String,
        /// Account number.
        #[arg(long)]
        account: String,
        /// Amount in đồng; without it the payer enters the amount (static QR).
        #[arg(long)]
        amount: Option<u64>,
        /// Purpose of the transfer (folded to ASCII, at most 25 characters).
        #[arg(long, default_value = "")]
        purpose: String,
    },
}

#[derive(Subcommand)]
pub enum ScanCmd {
    /// Print what a scanned string is, as JSON: kind "cccd", "vietqr", "receipt" or "unknown".
    Decode {
        /// The scanned text.
        string: String,
        /// The office's receipt public key (`ed25519:…`), to check receipt signatures.
        #[arg(long)]
        public_key: Option<String>,
        /// Or read the public key from this office database.
        #[arg(long, conflicts_with = "public_key")]
        db: Option<PathBuf>,
        /// Check CCCD dates against this day (YYYY-MM-DD) instead of today (UTC+7).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("motcua: {msg}");
    ExitCode::FAILURE
}

pub fn vietqr(cmd: VietqrCmd) -> ExitCode {
    match cmd {
        VietqrCmd::Encode {
            bin,
            account,
            amount,
            purpose,
        } => match motcua_core::vietqr::encode(&motcua_core::vietqr::Transfer {
            bin: &bin,
            account: &account,
            amount,
            purpose: &purpose,
        }) {
            Ok(p) => {
                println!("{p}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

pub fn scan(cmd: ScanCmd) -> ExitCode {
    match cmd {
        ScanCmd::Decode {
            string,
            public_key,
            db,
            today,
        } => {
            let key = match (public_key, db) {
                (Some(k), _) => match motcua_core::receipt::parse_public_key(&k) {
                    Some(k) => Some(k),
                    None => return fail("--public-key is not an Ed25519 public key (ed25519:…)"),
                },
                (None, Some(db)) => match motcua_office::dossier::read_public_key(&db) {
                    Ok(k) => Some(k),
                    Err(e) => return fail(e),
                },
                (None, None) => None,
            };
            let today = today.unwrap_or_else(|| motcua_core::time::office_day(chrono::Utc::now()));
            let v = motcua_core::scan::decode(&string, key.as_ref(), today);
            println!("{}", serde_json::to_string(&v).expect("a scan serializes"));
            ExitCode::SUCCESS
        }
    }
}

/// `motcua serve` options of online filing.
#[derive(clap::Args)]
pub struct FilingArgs {
    /// Do not take online dossiers here (`POST /api/v1/dossiers` answers 503 filing_disabled).
    #[arg(long)]
    no_online_filing: bool,
    /// Agency code, the prefix of dossier codes (A–Z, 0–9, '.'; e.g. 000.00.00.H26).
    #[arg(long, default_value = "H00.00")]
    agency_code: String,
    /// Cơ quan chủ quản, printed above the office name on receipts.
    #[arg(long, default_value = "")]
    parent_agency: String,
    /// The office's address (where results are collected), printed on receipts.
    #[arg(long, default_value = "")]
    office_address: String,
    /// Địa danh before the date on receipts ("Nha Trang, ngày …"). Default: the unit in the
    /// office name ("UBND phường Hoàn Kiếm" → "Hoàn Kiếm") or the commune in the address.
    #[arg(long, default_value = "")]
    place: String,
    /// NAPAS bank BIN of the account fees are paid to (with --bank-account).
    #[arg(long, requires = "bank_account")]
    bank_bin: Option<String>,
    /// The account fees are paid to (with --bank-bin).
    #[arg(long, requires = "bank_bin")]
    bank_account: Option<String>,
    /// The account holder's name.
    #[arg(long, default_value = "")]
    account_name: String,
    /// File holding the receipt signing key (64 hex digits; created if missing). Default: in
    /// the database, generated on first start.
    #[arg(long)]
    receipt_key_file: Option<PathBuf>,
    /// A public holiday (YYYY-MM-DD); repeat it. Given at all, it replaces the built-in
    /// 2025–2027 list.
    #[arg(long = "holiday", conflicts_with = "holidays_file")]
    holidays: Vec<chrono::NaiveDate>,
    /// The office's holiday table by year (TOML: `[2027]` with `holidays = ["2027-02-05", …]`
    /// and `makeup_days = […]`): each year given replaces that year of the built-in
    /// 2025–2027 table (docs/DOSSIERS.md, "Due dates").
    #[arg(long, value_name = "FILE")]
    holidays_file: Option<PathBuf>,
    /// The version of the official forms issued (mẫu 01–05): tt01-2018 (Thông tư
    /// 01/2018/TT-VPCP) or nd118-2025 (the 2025 set).
    #[arg(long, default_value = "tt01-2018")]
    form_set: String,
    /// Receipts at or after this local time (HH:MM) count from the next working day.
    #[arg(long, default_value = "15:00", value_parser = parse_hhmm)]
    cutoff: chrono::NaiveTime,
    /// Dossier uploads read, decoded and stored at once (1–64). Each holds up to about 75 MB
    /// while it is handled; the others wait up to 20 s for their turn, then are answered 503
    /// with Retry-After (the kiosk resends).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    uploads_at_once: u16,
}

fn parse_hhmm(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M").map_err(|e| format!("{s}: {e} (HH:MM)"))
}

impl FilingArgs {
    pub fn config(self) -> Result<motcua_office::dossier::FilingConfig, String> {
        let holiday_table = match &self.holidays_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Some(toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
            }
            None => None,
        };
        Ok(motcua_office::dossier::FilingConfig {
            enabled: !self.no_online_filing,
            agency_code: self.agency_code,
            parent_agency: self.parent_agency,
            address: self.office_address,
            place: self.place,
            bank_bin: self.bank_bin,
            bank_account: self.bank_account,
            account_name: self.account_name,
            signing_key_file: self.receipt_key_file,
            holidays: (!self.holidays.is_empty()).then_some(self.holidays),
            cutoff: Some(self.cutoff),
            uploads: motcua_office::dossier::UploadLimits {
                at_once: self.uploads_at_once.into(),
                ..Default::default()
            },
            holiday_table,
            form_set: self.form_set,
        })
    }
}

/// `motcua render receipt`.
pub fn render_receipt(
    json: Option<&std::path::Path>,
    sample: bool,
    format: &str,
    out: &std::path::Path,
) -> ExitCode {
    let run = || -> Result<(), String> {
        let format: motcua_print::ReceiptFormat = format.parse().map_err(|e| format!("{e}"))?;
        let dossier = match (json, sample) {
            (_, true) => motcua_print::sample_dossier(),
            (Some(path), false) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| {
                    format!(
                        "{} is not a dossier as GET /api/v1/dossiers/{{code}} returns it: {e}",
                        path.display()
                    )
                })?
            }
            (None, false) => return Err("give --json FILE or --sample".into()),
        };
        let bytes = motcua_print::render_receipt(&dossier, format).map_err(|e| e.to_string())?;
        std::fs::write(out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
