//! Office time. Vietnam keeps UTC+7 all year (no daylight saving since 1975), so
//! Asia/Ho_Chi_Minh is a fixed offset and needs no time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The Asia/Ho_Chi_Minh offset, UTC+07:00.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// An instant in Vietnamese local time.
pub fn to_vn(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&vn_offset())
}

/// The office day an instant belongs to: the local (UTC+7) calendar date. Queue numbers
/// restart at local midnight.
pub fn office_day(t: DateTime<Utc>) -> NaiveDate {
    to_vn(t).date_naive()
}

/// RFC 3339 in local time with its offset, e.g. `2026-11-22T08:05:00+07:00`.
pub fn rfc3339_vn(t: DateTime<Utc>) -> String {
    to_vn(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn office_day_turns_at_local_midnight() {
        // 16:59:59 UTC is 23:59:59 in Hà Nội; one second later is the next office day.
        let before = Utc.with_ymd_and_hms(2026, 11, 22, 16, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap();
        assert_eq!(
            office_day(before),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
        assert_eq!(
            office_day(after),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn rfc3339_carries_the_offset() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 1, 5, 0).unwrap();
        assert_eq!(rfc3339_vn(t), "2026-11-22T08:05:00+07:00");
    }
}
