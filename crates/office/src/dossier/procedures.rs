//! What the filing service needs to know about a procedure: its name, processing time and
//! fee. [`CatalogProcedures`] answers from the office's procedure catalog, with a curated
//! built-in table first for the four procedures issue 5 ships forms for.

use motcua_core::workdays::{DurationUnit, ProcessingTime};

/// A procedure's facts as the dossier and its receipt use them.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureFacts {
    /// Tên thủ tục.
    pub name: String,
    /// Thời hạn giải quyết (online channel).
    pub processing_time: ProcessingTime,
    /// Phí, lệ phí in đồng for the online channel (0: none).
    pub fee_vnd: u64,
}

/// Resolves procedure codes (`1.001193`) to their facts.
pub trait ProcedureSource: Send + Sync {
    /// The procedure, if online dossiers for it are taken here.
    fn procedure(&self, code: &str) -> Option<ProcedureFacts>;
}

/// The built-in table: the four procedures of issue 5, with the online channel's processing
/// time and fee from the national procedure database (shared/data/procedures.jsonl):
///
/// | code | name | time | fee |
/// |---|---|---|---|
/// | 1.001193 | Đăng ký khai sinh | 1 Ngày | 0 (Miễn phí) |
/// | 1.000894 | Đăng ký kết hôn | 1 Ngày | 0 (Miễn lệ phí) |
/// | 1.004873 | Cấp Giấy xác nhận tình trạng hôn nhân | 3 Ngày | 0 |
/// | 1.001612 | Đăng ký thành lập hộ kinh doanh | 3 Ngày làm việc | 150,000 đ |
///
/// For 1.001612 the database has no readable duration: the procedure's steps say the
/// commune registers the household business "trong thời hạn 03 ngày làm việc kể từ ngày nhận
/// hồ sơ". Its online channel's fee text reads 150,000 Việt Nam Đồng (the in-person channel
/// reads 50,000 VNĐ; the amount is set by each provincial council).
pub struct BuiltinProcedures;

impl ProcedureSource for BuiltinProcedures {
    fn procedure(&self, code: &str) -> Option<ProcedureFacts> {
        let (name, value, unit, fee) = match code {
            "1.001193" => ("Đăng ký khai sinh", 1.0, DurationUnit::Days, 0),
            "1.000894" => ("Đăng ký kết hôn", 1.0, DurationUnit::Days, 0),
            "1.004873" => (
                "Cấp Giấy xác nhận tình trạng hôn nhân",
                3.0,
                DurationUnit::Days,
                0,
            ),
            "1.001612" => (
                "Đăng ký thành lập hộ kinh doanh",
                3.0,
                DurationUnit::WorkingDays,
                150_000,
            ),
            _ => return None,
        };
        Some(ProcedureFacts {
            name: name.to_owned(),
            processing_time: ProcessingTime { value, unit },
            fee_vnd: fee,
        })
    }
}

/// The office's procedure catalog: any procedure with an online channel can be filed. The
/// built-in table wins for its four (curated figures); otherwise the online channel's
/// processing time and fee, or the first channel with a readable time.
pub struct CatalogProcedures(pub crate::catalog::CatalogState);

impl ProcedureSource for CatalogProcedures {
    fn procedure(&self, code: &str) -> Option<ProcedureFacts> {
        if let Some(p) = BuiltinProcedures.procedure(code) {
            return Some(p);
        }
        let p = self.0.get_blocking(code)?;
        let online = p.channels.iter().find(|c| c.channel == "online")?;
        let duration = online
            .duration
            .as_ref()
            .or_else(|| p.channels.iter().find_map(|c| c.duration.as_ref()))?;
        let unit: DurationUnit =
            serde_json::from_value(serde_json::Value::String(duration.unit.clone())).ok()?;
        Some(ProcedureFacts {
            name: p.name.clone(),
            processing_time: ProcessingTime {
                value: duration.value,
                unit,
            },
            fee_vnd: online.fee_vnd.unwrap_or(0).max(0) as u64,
        })
    }
}
