//! How one office sees the catalog (docs/CATALOG.md, "The office's own catalog"): its level,
//! the fields it shows first, and the fields whose procedures other agencies' own offices
//! handle. The office server and the kiosk's copy apply the same rules.

use motcua_core::catalog::{FieldCount, HandledAt, OfficeLevel};
use motcua_core::text::fold;

/// An office's view of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeScope {
    /// The office's level: browsing by field shows the procedures served there.
    pub level: OfficeLevel,
    /// Fields (lĩnh vực) shown first, in this order, named as the data names them (compared
    /// accent- and case-insensitively: "ho tich" is "Hộ tịch"); the other fields follow, most
    /// procedures first. See [`default_field_order`].
    pub field_order: Vec<String>,
    /// Fields handled by the own offices of central agencies (customs, tax, treasury, social
    /// insurance, courts), left out of browsing although the national data lists many of their
    /// procedures at commune level (its "commune" there is the agency's local office, not the
    /// commune's one-stop shop). A search still finds them, with a note. See
    /// [`default_elsewhere_fields`].
    pub elsewhere_fields: Vec<String>,
}

impl Default for OfficeScope {
    fn default() -> Self {
        OfficeScope::new(OfficeLevel::default())
    }
}

/// What citizens most come to a commune's one-stop shop for, first: civil status and
/// certification, land, residence and identity cards, household businesses, social policy.
pub fn default_field_order() -> Vec<String> {
    [
        "Hộ tịch",
        "Chứng thực",
        "Đất đai",
        "Đăng ký, quản lý cư trú",
        "Cấp, quản lý căn cước",
        "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
        "Người có công",
        "Giảm nghèo",
        "Nuôi con nuôi",
        "Hoạt động xây dựng",
        "Nhà ở và công sở",
        "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng",
        "Hòa giải ở cơ sở",
        "Nông nghiệp",
        "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// The fields of central agencies with their own local offices, as the national data names
/// them.
pub fn default_elsewhere_fields() -> Vec<String> {
    [
        "Hải quan",
        "Thuế",
        "Quản lý thuế, phí, lệ phí và thu khác của ngân sách nhà nước",
        "Kho bạc Nhà nước",
        "Thực hiện chính sách BHXH",
        "Chi trả các chế độ BHXH",
        "Thực hiện chính sách BHYT",
        "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
        "Cấp sổ BHXH, thẻ BHYT",
        "Tòa án",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// Whether the data's `levels` (comma-joined or a list) hold `level`.
fn has(levels: &[&str], level: &str) -> bool {
    levels.contains(&level)
}

impl OfficeScope {
    /// The defaults for an office of `level`: [`default_field_order`],
    /// [`default_elsewhere_fields`].
    pub fn new(level: OfficeLevel) -> OfficeScope {
        OfficeScope {
            level,
            field_order: default_field_order(),
            elsewhere_fields: default_elsewhere_fields(),
        }
    }

    /// Whether `field` is one of [`OfficeScope::elsewhere_fields`].
    pub fn is_elsewhere(&self, field: &str) -> bool {
        let f = fold(field.trim());
        self.elsewhere_fields.iter().any(|e| fold(e.trim()) == f)
    }

    /// Where a procedure of `levels` in `field` is handled, seen from this office: `None`
    /// when here. Not at the office's level: the nearest level that serves it (a commune
    /// office says province before ministry); at its level but in an elsewhere field:
    /// [`HandledAt::Agency`]. A record without levels is taken as here (nothing better is
    /// known).
    pub fn handled_at<S: AsRef<str>>(&self, levels: &[S], field: &str) -> Option<HandledAt> {
        let lv: Vec<&str> = levels.iter().map(AsRef::as_ref).collect();
        if lv.is_empty() {
            return None;
        }
        if has(&lv, self.level.key()) {
            return self.is_elsewhere(field).then_some(HandledAt::Agency);
        }
        let nearest: &[(&str, HandledAt)] = match self.level {
            OfficeLevel::Commune => &[
                ("province", HandledAt::Province),
                ("ministry", HandledAt::Ministry),
                ("other", HandledAt::Other),
            ],
            OfficeLevel::Province => &[
                ("commune", HandledAt::Commune),
                ("ministry", HandledAt::Ministry),
                ("other", HandledAt::Other),
            ],
        };
        nearest
            .iter()
            .find(|(l, _)| has(&lv, l))
            .map(|(_, at)| *at)
            .or(Some(HandledAt::Other))
    }

    /// Whether this office handles a procedure of `levels` in `field` (what browsing shows).
    pub fn handles<S: AsRef<str>>(&self, levels: &[S], field: &str) -> bool {
        self.handled_at(levels, field).is_none()
    }

    /// `fields` in the office's order: [`OfficeScope::field_order`] first (those present),
    /// then the rest by number of procedures, then by name.
    pub fn order(&self, mut fields: Vec<FieldCount>) -> Vec<FieldCount> {
        let order: Vec<String> = self.field_order.iter().map(|f| fold(f.trim())).collect();
        let rank = |f: &FieldCount| {
            let k = fold(&f.field);
            order.iter().position(|o| *o == k).unwrap_or(usize::MAX)
        };
        fields.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| b.count.cmp(&a.count))
                .then_with(|| a.field.cmp(&b.field))
        });
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_a_procedure_is_handled_seen_from_each_level() {
        let commune = OfficeScope::default();
        assert_eq!(commune.handled_at(&["commune"], "Hộ tịch"), None);
        assert_eq!(
            commune.handled_at(&["province"], "Hộ tịch"),
            Some(HandledAt::Province)
        );
        assert_eq!(
            commune.handled_at(&["ministry", "province"], "Đất đai"),
            Some(HandledAt::Province)
        );
        assert_eq!(
            commune.handled_at(&["ministry"], "Đất đai"),
            Some(HandledAt::Ministry)
        );
        assert_eq!(
            commune.handled_at(&["commune"], "hai quan"),
            Some(HandledAt::Agency)
        );
        assert_eq!(commune.handled_at::<&str>(&[], "Hộ tịch"), None);
        let province = OfficeScope::new(OfficeLevel::Province);
        assert_eq!(
            province.handled_at(&["commune"], "Hộ tịch"),
            Some(HandledAt::Commune)
        );
        assert_eq!(
            province.handled_at(&["commune", "province"], "Đất đai"),
            None
        );
    }

    #[test]
    fn the_office_order_first_then_by_count() {
        let scope = OfficeScope {
            field_order: vec!["chung thuc".into(), "Hộ tịch".into(), "Không có".into()],
            ..Default::default()
        };
        let f = |field: &str, count| FieldCount {
            field: field.into(),
            count,
        };
        let out = scope.order(vec![
            f("Đường bộ", 9),
            f("Hộ tịch", 40),
            f("Thủy lợi", 17),
            f("Chứng thực", 12),
            f("Nông nghiệp", 17),
        ]);
        let names: Vec<&str> = out.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "Chứng thực",
                "Hộ tịch",
                "Nông nghiệp",
                "Thủy lợi",
                "Đường bộ"
            ]
        );
    }
}
