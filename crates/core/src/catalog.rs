//! Procedure catalog wire types (thủ tục hành chính), shared by the office server, the kiosk's
//! offline cache and the front end. The import format (docs/CATALOG.md) is one [`Procedure`]
//! per line; `flags` may be absent there.

use serde::{Deserialize, Serialize};

/// Levels (cấp thực hiện) the national database uses.
pub const LEVELS: &[&str] = &["ministry", "province", "commune", "other"];

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

impl Procedure {
    /// Whether any channel is `online`.
    pub fn has_online(&self) -> bool {
        self.channels.iter().any(|c| c.channel == "online")
    }
}

/// One way of submitting: `online`, `in_person` or `postal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
pub struct Channel {
    /// `online`, `in_person`, `postal`.
    pub channel: String,
    /// Thời hạn giải quyết; `None` where the source could not be read.
    pub duration: Option<Duration>,
    /// Fee in đồng where one amount could be read; 0 for free.
    #[ts(type = "number")]
    pub fee_vnd: Option<i64>,
    /// The fee text as published.
    pub fee_text: String,
}

/// A deadline: `{"value": 5.0, "unit": "Ngày làm việc"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
pub struct Duration {
    /// Amount.
    pub value: f64,
    /// Ngày làm việc, Ngày, Giờ làm việc, Giờ, Tháng, Năm, Phút.
    pub unit: String,
}

/// A document to bring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
#[serde(default)]
pub struct Document {
    /// Tên giấy tờ.
    pub name: String,
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
