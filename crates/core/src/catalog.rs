//! Procedure catalog wire types (thủ tục hành chính), shared by the office server, the kiosk's
//! offline cache and the front end. The import format (docs/CATALOG.md) is one [`Procedure`]
//! per line; `flags` may be absent there.

use serde::{Deserialize, Serialize};

mod short_title;
pub use short_title::{short_title, MAX_CHARS as SHORT_TITLE_MAX_CHARS};

/// Levels (cấp thực hiện) the national database uses.
pub const LEVELS: &[&str] = &["ministry", "province", "commune", "other"];

/// The level of local government an office belongs to (since 1 July 2025 there are two:
/// province and commune). A commune office (the common kiosk) browses the commune's
/// procedures; a province office (Trung tâm Phục vụ hành chính công) the province's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeLevel {
    /// Cấp xã (xã, phường, đặc khu).
    #[default]
    Commune,
    /// Cấp tỉnh.
    Province,
}

impl OfficeLevel {
    /// The level's key in the data: `commune`, `province`.
    pub fn key(self) -> &'static str {
        match self {
            OfficeLevel::Commune => "commune",
            OfficeLevel::Province => "province",
        }
    }
}

impl std::fmt::Display for OfficeLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::str::FromStr for OfficeLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "commune" => Ok(OfficeLevel::Commune),
            "province" => Ok(OfficeLevel::Province),
            other => Err(format!(
                "the office level is commune or province, not {other:?}"
            )),
        }
    }
}

/// Where a procedure is handled when not at the office that shows it (a search may find
/// procedures of other levels): the kiosk says so in a plain note ("Thực hiện tại cấp tỉnh").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HandledAt {
    /// At the commune (seen from a province office).
    Commune,
    /// At the province.
    Province,
    /// At a ministry or central agency.
    Ministry,
    /// At another body (notaries, public service units…).
    Other,
    /// At the office of the agency of its field (customs, tax, treasury, social insurance,
    /// courts), even where the national data lists it at the office's level.
    Agency,
}

/// A procedure as the national database publishes it, cleaned where it could be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
pub struct Procedure {
    /// Mã thủ tục, e.g. `1.001193` (unique).
    pub code: String,
    /// Tên thủ tục.
    pub name: String,
    /// Cấp thực hiện: any of [`LEVELS`].
    pub levels: Vec<String>,
    /// Lĩnh vực, e.g. `Hộ tịch`.
    pub field: String,
    /// Cơ quan thực hiện.
    pub agency: String,
    /// Cơ quan có thẩm quyền.
    pub competent_authority: String,
    /// Đối tượng thực hiện.
    pub audience: String,
    /// Số quyết định công bố.
    pub decision: String,
    /// Loại thủ tục.
    pub kind: String,
    /// Cách thức thực hiện, one per way of submitting.
    pub channels: Vec<Channel>,
    /// Thành phần hồ sơ.
    pub documents: Vec<Document>,
    /// Kết quả.
    pub results: Vec<ResultDoc>,
    /// Trình tự thực hiện.
    pub steps: String,
    /// Yêu cầu, điều kiện.
    pub requirements: String,
    /// Căn cứ pháp lý (flattened table text).
    pub legal_basis: String,
    /// The procedure's page on the national portal.
    pub source_url: Option<String>,
    /// What the importer found noisy or repaired, e.g. `template_split:documents[3]`,
    /// `duration_unreadable:channels[0]`, `unknown_level:xyz`. Empty when clean.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub flags: Vec<String>,
}

/// Where the national portal shows a procedure when its record has no usable `source_url`.
pub const PORTAL_PROCEDURE_URL: &str =
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=";

impl Procedure {
    /// Whether any channel is `online`.
    pub fn has_online(&self) -> bool {
        self.channels.iter().any(|c| c.channel == "online")
    }

    /// Gives every document without a [`Document::short_title`] its title ([`short_title`]).
    pub fn fill_short_titles(&mut self) {
        for d in &mut self.documents {
            if d.short_title.is_empty() {
                d.short_title = short_title(&d.name);
            }
        }
    }

    /// The procedure's public page (the QR a citizen's phone opens): its `source_url` when
    /// that is a web address, otherwise the national portal's page for its code.
    pub fn public_url(&self) -> String {
        match &self.source_url {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => u.clone(),
            _ => format!("{PORTAL_PROCEDURE_URL}{}", self.code),
        }
    }
}

/// `GET /api/v1/procedures/{code}`: the record and what the office adds to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ProcedurePage {
    /// The record.
    #[serde(flatten)]
    pub procedure: Procedure,
    /// Whether an online channel exists.
    pub has_online: bool,
    /// The queue service its field maps to ("Lấy số cho thủ tục này"), if any.
    pub service_id: Option<String>,
    /// Its public page, for the QR ([`Procedure::public_url`]).
    pub public_url: String,
    /// Where it is handled when not at this office; absent when this office handles it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub handled_at: Option<HandledAt>,
}

impl ProcedurePage {
    /// The page of `procedure` for an office whose field maps to `service_id`.
    pub fn new(procedure: Procedure, service_id: Option<String>) -> ProcedurePage {
        ProcedurePage {
            has_online: procedure.has_online(),
            public_url: procedure.public_url(),
            procedure,
            service_id,
            handled_at: None,
        }
    }
}

/// `GET /api/v1/procedures?q=…`: ranked results of the catalog at `catalog_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SearchPage {
    /// The catalog version searched.
    #[ts(type = "number")]
    pub catalog_version: u64,
    /// Best first.
    pub hits: Vec<Hit>,
}

/// One way of submitting: `online`, `in_person` or `postal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
#[ts(rename = "ProcedureChannel")]
pub struct Channel {
    /// `online`, `in_person`, `postal`.
    pub channel: String,
    /// Thời hạn giải quyết; `None` where the source could not be read.
    pub duration: Option<Duration>,
    /// Fee in đồng where one amount could be read; 0 for free.
    #[ts(type = "number | null")]
    pub fee_vnd: Option<i64>,
    /// The fee text as published.
    pub fee_text: String,
}

/// A deadline: `{"value": 5.0, "unit": "Ngày làm việc"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[ts(rename = "ProcedureDuration")]
pub struct Duration {
    /// Amount.
    pub value: f64,
    /// Ngày làm việc, Ngày, Giờ làm việc, Giờ, Tháng, Năm, Phút.
    pub unit: String,
}

/// A document to bring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
#[ts(rename = "ProcedureDocument")]
pub struct Document {
    /// Tên giấy tờ: the official text, as published.
    pub name: String,
    /// A short plain title of it ([`short_title`], at most 60 characters, never empty once
    /// imported), shown large with the official text folded under it. Derived: an import
    /// recomputes it.
    pub short_title: String,
    /// Template (mẫu đơn, tờ khai) file name.
    pub template: Option<String>,
    /// Bản chính.
    pub originals: u32,
    /// Bản sao.
    pub copies: u32,
}

/// A result of the procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
pub struct ResultDoc {
    /// Name.
    pub name: String,
    /// Code like `KQ.G17.000333`.
    pub code: Option<String>,
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Hit {
    /// Mã thủ tục.
    pub code: String,
    /// Tên thủ tục.
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// Cấp thực hiện.
    pub levels: Vec<String>,
    /// Whether an online channel exists.
    pub has_online: bool,
    /// Relevance, larger is better (comparable within one result list only).
    pub score: f64,
    /// Where it is handled when not at the office searched; absent when that office handles
    /// it (or the search was not made for an office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub handled_at: Option<HandledAt>,
}

/// A field (lĩnh vực) with the number of procedures in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct FieldCount {
    /// Lĩnh vực.
    pub field: String,
    /// Procedures in it.
    pub count: u32,
}

/// What changed in a catalog after version `since`: apply in a kiosk's cache to reach
/// `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
pub struct CatalogChanges {
    /// The version the client had.
    #[ts(type = "number")]
    pub since: u64,
    /// The catalog's version now.
    #[ts(type = "number")]
    pub version: u64,
    /// Procedures added or changed after `since`, full records.
    pub upserts: Vec<Procedure>,
    /// Codes withdrawn after `since`.
    pub deleted: Vec<String>,
}
