//! Processing deadlines: the return date of a dossier from the procedure's processing time
//! (thời hạn giải quyết), counted on the office's working calendar.
//!
//! Rules (docs/DECISIONS.md, "Filing"):
//!
//! - Working days are Monday to Friday, except configured public holidays, plus configured
//!   make-up working days (a Saturday worked in exchange for a bridge day off).
//! - A dossier received on a non-working day, or on a working day at or after the cut-off
//!   (15:00 by default), counts as received on the next working day. We found no national
//!   rule for the hour; provinces set it in their one-stop regulations (15:00 or 16:00 are
//!   common), so it is a setting.
//! - `Ngày làm việc` N: the N-th working day after the day of receipt (N = 0: that day).
//!   A fractional value counts as working hours, 8 to the day.
//! - `Ngày` (calendar days), `Tháng`, `Năm`: added to the day of receipt on the calendar; a
//!   result on a non-working day moves to the next working day (results are returned on
//!   working days).
//! - `Giờ làm việc`: working hours (07:30–11:30 and 13:00–17:00 by default, see
//!   [`WorkCalendar::periods`]) from the time of receipt. `Giờ`, `Phút`: clock time added, then moved to a working day.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Unit of a processing time, as the national procedure database writes it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub enum DurationUnit {
    /// Ngày làm việc.
    #[serde(rename = "Ngày làm việc")]
    WorkingDays,
    /// Ngày (calendar days).
    #[serde(rename = "Ngày")]
    Days,
    /// Giờ làm việc.
    #[serde(rename = "Giờ làm việc")]
    WorkingHours,
    /// Giờ.
    #[serde(rename = "Giờ")]
    Hours,
    /// Tháng.
    #[serde(rename = "Tháng")]
    Months,
    /// Năm.
    #[serde(rename = "Năm")]
    Years,
    /// Phút.
    #[serde(rename = "Phút")]
    Minutes,
}

impl DurationUnit {
    /// The Vietnamese name (wire form).
    pub fn label_vi(self) -> &'static str {
        match self {
            DurationUnit::WorkingDays => "ngày làm việc",
            DurationUnit::Days => "ngày",
            DurationUnit::WorkingHours => "giờ làm việc",
            DurationUnit::Hours => "giờ",
            DurationUnit::Months => "tháng",
            DurationUnit::Years => "năm",
            DurationUnit::Minutes => "phút",
        }
    }

    /// English name.
    pub fn label_en(self) -> &'static str {
        match self {
            DurationUnit::WorkingDays => "working days",
            DurationUnit::Days => "days",
            DurationUnit::WorkingHours => "working hours",
            DurationUnit::Hours => "hours",
            DurationUnit::Months => "months",
            DurationUnit::Years => "years",
            DurationUnit::Minutes => "minutes",
        }
    }
}

/// A processing time: `{"value": 5.0, "unit": "Ngày làm việc"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ProcessingTime {
    /// How many units (may be fractional: 0.5 ngày làm việc).
    pub value: f64,
    /// Unit.
    pub unit: DurationUnit,
}

impl ProcessingTime {
    /// `N ngày làm việc`.
    pub fn working_days(n: u32) -> ProcessingTime {
        ProcessingTime {
            value: f64::from(n),
            unit: DurationUnit::WorkingDays,
        }
    }

    /// As printed: `03 ngày làm việc`, `0,5 ngày làm việc`.
    pub fn label_vi(&self) -> String {
        format!("{} {}", number_vi(self.value), self.unit.label_vi())
    }

    /// In English: `3 working days`.
    pub fn label_en(&self) -> String {
        format!("{} {}", number_en(self.value), self.unit.label_en())
    }
}

fn number_vi(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{:02}", v as i64)
    } else {
        format!("{v}").replace('.', ",")
    }
}

fn number_en(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Longest processing time computed (a bad value must not loop for ever): 10 years.
const MAX_DAYS: i64 = 3660;

/// Default public holidays (days off for public servants, Labour Code 2019 Art. 112 and the
/// Prime Minister's yearly decisions) on weekdays, 2025–2027. Tết dates follow the lunar
/// calendar and are listed as days. 2025 is as decided; 2026 and 2027 follow the same pattern
/// (Giỗ Tổ Hùng Vương on 10/3 lunar, a Sunday in 2026 → Monday off; Tết 2027: mùng 1 is
/// Saturday 6/2) and may need adjusting when the government publishes its decisions:
/// configure the office's own list.
pub const DEFAULT_HOLIDAYS: &[(i32, u32, u32)] = &[
    // 2025
    (2025, 1, 1),  // Tết Dương lịch
    (2025, 1, 27), // Tết Ất Tỵ (27/1–31/1; 25/1–2/2 with the weekends)
    (2025, 1, 28),
    (2025, 1, 29),
    (2025, 1, 30),
    (2025, 1, 31),
    (2025, 4, 7),  // Giỗ Tổ Hùng Vương (10/3 âm lịch)
    (2025, 4, 30), // Ngày Chiến thắng
    (2025, 5, 1),  // Quốc tế Lao động
    (2025, 5, 2),  // bridge day, worked on Saturday 26/4
    (2025, 9, 1),  // Quốc khánh
    (2025, 9, 2),
    // 2026
    (2026, 1, 1),  // Tết Dương lịch
    (2026, 2, 16), // Tết Bính Ngọ (mùng 1 = 17/2; 14/2–22/2 with the weekends)
    (2026, 2, 17),
    (2026, 2, 18),
    (2026, 2, 19),
    (2026, 2, 20),
    (2026, 4, 27), // Giỗ Tổ Hùng Vương (10/3 âm lịch = Sunday 26/4), day off in lieu
    (2026, 4, 30),
    (2026, 5, 1),
    (2026, 9, 1), // Quốc khánh
    (2026, 9, 2),
    // 2027
    (2027, 1, 1),  // Tết Dương lịch
    (2027, 2, 5),  // Tết Đinh Mùi (30 Tết = 5/2, mùng 1 = Saturday 6/2 … mùng 4 = 9/2)
    (2027, 2, 8),  //
    (2027, 2, 9),  //
    (2027, 2, 10), // in lieu of Saturday 6/2 and Sunday 7/2
    (2027, 2, 11), //
    (2027, 4, 16), // Giỗ Tổ Hùng Vương (10/3 âm lịch)
    (2027, 4, 30),
    (2027, 5, 3), // in lieu of Saturday 1/5
    (2027, 9, 2), // Quốc khánh
    (2027, 9, 3),
];

/// The office's own holiday table, by year (`motcua serve --holidays-file`, TOML):
///
/// ```toml
/// [2027]
/// holidays = ["2027-01-01", "2027-02-05", "2027-02-08"]
/// makeup_days = []
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HolidayTable {
    /// Year → its days.
    pub years: std::collections::BTreeMap<i32, HolidayYear>,
}

/// One year of a [`HolidayTable`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    /// Days off on what would be working days (Tết, 30/4, 1/5, 2/9 and the bridges).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Saturdays or Sundays worked in exchange (làm bù).
    #[serde(default)]
    pub makeup_days: Vec<NaiveDate>,
}

/// Default make-up working Saturdays (ngày làm bù).
pub const DEFAULT_MAKEUP_DAYS: &[(i32, u32, u32)] = &[(2025, 4, 26)];

/// The office's working calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    /// Days off that would otherwise be working days.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (làm bù).
    pub makeup_days: BTreeSet<NaiveDate>,
    /// Receipts at or after this local time count from the next working day.
    pub cutoff: NaiveTime,
    /// Working periods of a day, in order, not overlapping.
    pub periods: Vec<(NaiveTime, NaiveTime)>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date in the built-in list")
}

impl Default for WorkCalendar {
    fn default() -> Self {
        WorkCalendar::with_holidays(DEFAULT_HOLIDAYS.iter().copied().map(ymd))
    }
}

impl WorkCalendar {
    /// The default hours (07:30–11:30, 13:00–17:00: 8 hours) and cut-off (15:00) with these
    /// holidays and the default make-up days.
    pub fn with_holidays(holidays: impl IntoIterator<Item = NaiveDate>) -> WorkCalendar {
        WorkCalendar {
            holidays: holidays.into_iter().collect(),
            makeup_days: DEFAULT_MAKEUP_DAYS.iter().copied().map(ymd).collect(),
            cutoff: hm(15, 0),
            periods: vec![(hm(7, 30), hm(11, 30)), (hm(13, 0), hm(17, 0))],
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.makeup_days.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The first working day after `d`.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        for _ in 0..MAX_DAYS {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                return d;
            }
        }
        d
    }

    /// `d` if it is a working day, else the next one.
    pub fn on_or_after(&self, d: NaiveDate) -> NaiveDate {
        if self.is_working_day(d) {
            d
        } else {
            self.next_working_day(d)
        }
    }

    /// The day a receipt at local time `t` counts as received (see the module rules).
    pub fn receipt_day(&self, t: NaiveDateTime) -> NaiveDate {
        let d = t.date();
        if self.is_working_day(d) && t.time() < self.cutoff {
            d
        } else {
            self.next_working_day(d)
        }
    }

    fn working_secs_per_day(&self) -> i64 {
        self.periods
            .iter()
            .map(|(a, b)| (*b - *a).num_seconds().max(0))
            .sum::<i64>()
            .max(1)
    }

    /// Adds `secs` working seconds from local time `t`; the local time it ends.
    fn add_working_secs(&self, t: NaiveDateTime, secs: i64) -> NaiveDateTime {
        let mut left = secs.max(0);
        let mut day = t.date();
        let mut from = t.time();
        if !self.is_working_day(day) {
            day = self.next_working_day(day);
            from = NaiveTime::MIN;
        }
        for _ in 0..MAX_DAYS {
            for (a, b) in &self.periods {
                let start = from.max(*a);
                if start >= *b {
                    continue;
                }
                let avail = (*b - start).num_seconds();
                if left <= avail {
                    return day.and_time(start) + Duration::seconds(left);
                }
                left -= avail;
            }
            day = self.next_working_day(day);
            from = NaiveTime::MIN;
        }
        day.and_time(from)
    }

    /// The processing time `time` as a value in range (0 … 10 years).
    fn clamped(time: &ProcessingTime) -> f64 {
        if time.value.is_finite() {
            time.value.clamp(0.0, MAX_DAYS as f64)
        } else {
            0.0
        }
    }

    /// When a processing time counted in hours (working hours, a fraction of a working day,
    /// clock hours or minutes) runs out; `None` for whole days, months and years.
    fn hours_end(&self, received: NaiveDateTime, time: &ProcessingTime) -> Option<NaiveDateTime> {
        let v = Self::clamped(time);
        match time.unit {
            DurationUnit::WorkingDays if v.fract() != 0.0 => {
                let secs = (v * self.working_secs_per_day() as f64).round() as i64;
                let start = self.receipt_day(received);
                let from = if start == received.date() {
                    received
                } else {
                    start.and_time(NaiveTime::MIN)
                };
                Some(self.add_working_secs(from, secs))
            }
            DurationUnit::WorkingHours => {
                let secs = (v.min(MAX_DAYS as f64 * 8.0) * 3600.0).round() as i64;
                Some(self.add_working_secs(received, secs))
            }
            DurationUnit::Hours | DurationUnit::Minutes => {
                let secs = if time.unit == DurationUnit::Hours {
                    v * 3600.0
                } else {
                    v * 60.0
                };
                Some(received + Duration::seconds(secs.round() as i64))
            }
            _ => None,
        }
    }

    /// The return date (ngày hẹn trả) of a dossier received at local time `received` with
    /// processing time `time`. Negative, NaN or absurdly long times are clamped (0 … 10 years).
    pub fn due_date(&self, received: NaiveDateTime, time: &ProcessingTime) -> NaiveDate {
        let v = Self::clamped(time);
        let start = self.receipt_day(received);
        match time.unit {
            DurationUnit::WorkingDays if v.fract() == 0.0 => {
                let mut d = start;
                for _ in 0..(v as i64) {
                    d = self.next_working_day(d);
                }
                d
            }
            DurationUnit::WorkingDays | DurationUnit::WorkingHours => self
                .hours_end(received, time)
                .map_or(start, |end| end.date()),
            DurationUnit::Days => self.on_or_after(start + Duration::days(v.ceil() as i64)),
            DurationUnit::Months | DurationUnit::Years => {
                let months = if time.unit == DurationUnit::Years {
                    v * 12.0
                } else {
                    v
                };
                let months = (months.ceil() as u32).min(120);
                self.on_or_after(
                    start
                        .checked_add_months(Months::new(months))
                        .unwrap_or(start),
                )
            }
            DurationUnit::Hours | DurationUnit::Minutes => self.on_or_after(
                self.hours_end(received, time)
                    .map_or(received.date(), |end| end.date()),
            ),
        }
    }

    /// The appointment (giờ hẹn trả) on [`WorkCalendar::due_date`]'s day, within working
    /// hours: when a time counted in hours runs out; for whole days, months and years the time
    /// of day the dossier was received (N working days later to the hour), or the opening time
    /// when the receipt counted from a later day; for 0 working days the day's closing time.
    pub fn due_at(&self, received: NaiveDateTime, time: &ProcessingTime) -> NaiveDateTime {
        let day = self.due_date(received, time);
        let (open, close) = match (self.periods.first(), self.periods.last()) {
            (Some(first), Some(last)) => (first.0, last.1),
            _ => (NaiveTime::MIN, NaiveTime::MIN),
        };
        let t = match self.hours_end(received, time) {
            Some(end) if end.date() == day => end.time(),
            Some(_) => open,
            None if time.unit == DurationUnit::WorkingDays && Self::clamped(time) == 0.0 => close,
            None if self.receipt_day(received) == received.date() => received.time(),
            None => open,
        };
        day.and_time(self.within_hours(t))
    }

    /// Working days after `day` up to and including `due`: what is left of the processing time
    /// when the clock stops on `day` (the day of the request counts as used); 0 when `due`
    /// is not after `day`.
    pub fn working_days_left(&self, day: NaiveDate, due: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = day;
        while d < due && n < MAX_DAYS as u32 {
            d = self.next_working_day(d);
            if d <= due {
                n += 1;
            }
        }
        n
    }

    /// The appointment when the clock runs again at local time `resumed` with `left` working
    /// days: counted as a dossier received then with that processing time (the cut-off and
    /// the hour rules included).
    pub fn resume(&self, resumed: NaiveDateTime, left: u32) -> NaiveDateTime {
        self.due_at(resumed, &ProcessingTime::working_days(left))
    }

    /// The defaults with the years of `table` replaced: each year given lists all its holidays
    /// and make-up days; the other years keep the built-in lists.
    pub fn with_years(table: &HolidayTable) -> WorkCalendar {
        let given = |d: &NaiveDate| table.years.contains_key(&d.year());
        let mut c = WorkCalendar::default();
        c.holidays.retain(|d| !given(d));
        c.makeup_days.retain(|d| !given(d));
        for (year, y) in &table.years {
            c.holidays
                .extend(y.holidays.iter().filter(|d| d.year() == *year));
            c.makeup_days
                .extend(y.makeup_days.iter().filter(|d| d.year() == *year));
        }
        c
    }

    /// `t` if it is in a working period, else the start of the next one, or the end of the
    /// last one after hours.
    fn within_hours(&self, t: NaiveTime) -> NaiveTime {
        for (a, b) in &self.periods {
            if t < *a {
                return *a;
            }
            if t <= *b {
                return t;
            }
        }
        self.periods.last().map_or(t, |p| p.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn pt(value: f64, unit: DurationUnit) -> ProcessingTime {
        ProcessingTime { value, unit }
    }

    #[test]
    fn default_holidays_are_weekdays_and_cover_three_years() {
        let cal = WorkCalendar::default();
        for d in &cal.holidays {
            assert!(
                !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
                "{d} is a weekend day"
            );
        }
        for y in 2025..=2027 {
            assert!(cal.holidays.iter().filter(|d| d.year() == y).count() >= 10);
            assert!(cal.holidays.contains(&date(y, 1, 1)));
        }
        assert!(cal.is_working_day(date(2025, 4, 26)), "make-up Saturday");
        assert!(!cal.is_working_day(date(2026, 2, 17)), "Tết 2026");
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = WorkCalendar::default();
        // Monday 23/11/2026, 09:00, 3 working days → Thursday.
        let d = cal.due_date(at(2026, 11, 23, 9, 0), &ProcessingTime::working_days(3));
        assert_eq!(d, date(2026, 11, 26));
        // Friday 13/2/2026, 09:00, 3 working days: Tết 16–20/2 and two weekends → 25/2.
        let d = cal.due_date(at(2026, 2, 13, 9, 0), &ProcessingTime::working_days(3));
        assert_eq!(d, date(2026, 2, 25));
        // 0 working days: the same day.
        let d = cal.due_date(at(2026, 11, 23, 9, 0), &ProcessingTime::working_days(0));
        assert_eq!(d, date(2026, 11, 23));
    }

    #[test]
    fn after_the_cutoff_or_on_a_weekend_counts_from_the_next_working_day() {
        let cal = WorkCalendar::default();
        let one = ProcessingTime::working_days(1);
        assert_eq!(
            cal.due_date(at(2026, 11, 23, 14, 59), &one),
            date(2026, 11, 24)
        );
        assert_eq!(
            cal.due_date(at(2026, 11, 23, 15, 0), &one),
            date(2026, 11, 25)
        );
        // Saturday → Monday is the day of receipt → Tuesday.
        assert_eq!(
            cal.due_date(at(2026, 11, 28, 10, 0), &one),
            date(2026, 12, 1)
        );
    }

    #[test]
    fn calendar_days_months_and_hours() {
        let cal = WorkCalendar::default();
        // 1 ngày from Friday 27/11/2026 → Saturday → Monday 30/11.
        assert_eq!(
            cal.due_date(at(2026, 11, 27, 9, 0), &pt(1.0, DurationUnit::Days)),
            date(2026, 11, 30)
        );
        // 1 tháng from Thursday 23/1/2025 → Sunday 23/2 → Monday 24/2.
        assert_eq!(
            cal.due_date(at(2025, 1, 23, 9, 0), &pt(1.0, DurationUnit::Months)),
            date(2025, 2, 24)
        );
        // 8 working hours from Monday 16:00: 1 h Monday, 7 h Tuesday → Tuesday.
        assert_eq!(
            cal.due_date(
                at(2026, 11, 23, 16, 0),
                &pt(8.0, DurationUnit::WorkingHours)
            ),
            date(2026, 11, 24)
        );
        // 4 working hours from Monday 08:00 → Monday.
        assert_eq!(
            cal.due_date(at(2026, 11, 23, 8, 0), &pt(4.0, DurationUnit::WorkingHours)),
            date(2026, 11, 23)
        );
        // 0.5 working day from Monday 14:00 → 4 h → Tuesday morning.
        assert_eq!(
            cal.due_date(at(2026, 11, 23, 14, 0), &pt(0.5, DurationUnit::WorkingDays)),
            date(2026, 11, 24)
        );
    }

    #[test]
    fn the_appointment_has_its_hour_on_the_due_day() {
        let cal = WorkCalendar::default();
        let dt = |y, m, d, h, min| at(y, m, d, h, min);
        // Monday 09:05, 3 working days → Thursday 09:05.
        let three = ProcessingTime::working_days(3);
        assert_eq!(
            cal.due_at(dt(2026, 11, 23, 9, 5), &three),
            dt(2026, 11, 26, 9, 5)
        );
        // Received in the lunch break: the afternoon's opening.
        assert_eq!(
            cal.due_at(dt(2026, 11, 23, 12, 10), &three),
            dt(2026, 11, 26, 13, 0)
        );
        // After the cut-off, or on a Saturday: the opening of the due day.
        assert_eq!(
            cal.due_at(dt(2026, 11, 23, 15, 30), &three),
            dt(2026, 11, 27, 7, 30)
        );
        assert_eq!(
            cal.due_at(dt(2026, 11, 28, 10, 0), &three),
            dt(2026, 12, 3, 7, 30)
        );
        // 0 working days: by the end of that day.
        assert_eq!(
            cal.due_at(dt(2026, 11, 23, 9, 5), &ProcessingTime::working_days(0)),
            dt(2026, 11, 23, 17, 0)
        );
        // 4 working hours from Monday 10:00: 1.5 h in the morning, 2.5 h after lunch.
        assert_eq!(
            cal.due_at(
                dt(2026, 11, 23, 10, 0),
                &pt(4.0, DurationUnit::WorkingHours)
            ),
            dt(2026, 11, 23, 15, 30)
        );
        // Every appointment is on the due date.
        let mut rng = crate::testrand::Rng::new(5);
        for _ in 0..2_000 {
            let received = dt(
                2026,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
                0,
                0,
            ) + Duration::minutes(rng.below(24 * 60) as i64);
            let unit = [
                DurationUnit::WorkingDays,
                DurationUnit::WorkingHours,
                DurationUnit::Days,
                DurationUnit::Months,
                DurationUnit::Hours,
                DurationUnit::Minutes,
            ][rng.below(6)];
            let t = pt(rng.below(40) as f64 / 2.0, unit);
            let at = cal.due_at(received, &t);
            assert_eq!(at.date(), cal.due_date(received, &t), "{received} {t:?}");
            assert!(at.time() >= hm(7, 30) && at.time() <= hm(17, 0), "{at}");
        }
    }

    #[test]
    /// The clock stops on the day supplements are asked for and runs again from the day they
    /// arrive with the working days that were left; worked out by hand on the calendar.
    fn supplement_pause_across_tet() {
        let c = WorkCalendar::default();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let at = |day: NaiveDate, h| day.and_hms_opt(h, 0, 0).unwrap();
        // (due, stopped on, resumed at, days left, new due)
        let table = [
            // Due Fri 11/12/2026, asked Mon 7/12: Tue–Fri left (4); back Wed 9/12 at 09:00:
            // Thu 10, Fri 11, Mon 14, Tue 15.
            (
                d(2026, 12, 11),
                d(2026, 12, 7),
                at(d(2026, 12, 9), 9),
                4,
                d(2026, 12, 15),
            ),
            // Back after the cut-off (16:00 Wed) counts from Thu: Fri 11 … Wed 16.
            (
                d(2026, 12, 11),
                d(2026, 12, 7),
                at(d(2026, 12, 9), 16),
                4,
                d(2026, 12, 16),
            ),
            // Due Thu 4/2/2027, asked Mon 1/2: Tue 2, Wed 3, Thu 4 left (3); back Thu 4/2:
            // Fri 5 and Mon 8 – Thu 11 are Tết, so Fri 12, Mon 15, Tue 16.
            (
                d(2027, 2, 4),
                d(2027, 2, 1),
                at(d(2027, 2, 4), 10),
                3,
                d(2027, 2, 16),
            ),
            // Due Tue 24/2/2026, asked Fri 13/2 (before Tết Bính Ngọ, 16–20/2 off): Mon 23 and
            // Tue 24 left (2); back Mon 23/2: Tue 24, Wed 25.
            (
                d(2026, 2, 24),
                d(2026, 2, 13),
                at(d(2026, 2, 23), 8),
                2,
                d(2026, 2, 25),
            ),
            // Asked on the due day itself: nothing left; back Tue 15/12 gives that same day.
            (
                d(2026, 12, 11),
                d(2026, 12, 11),
                at(d(2026, 12, 15), 9),
                0,
                d(2026, 12, 15),
            ),
            // Asked after the due date (already late): nothing left either.
            (
                d(2026, 12, 11),
                d(2026, 12, 14),
                at(d(2026, 12, 15), 9),
                0,
                d(2026, 12, 15),
            ),
            // Over 30/4–1/5/2026 (Thu, Fri): due Wed 6/5, asked Tue 28/4: Wed 29, Mon 4,
            // Tue 5, Wed 6 left (4); back Mon 4/5: Tue 5, Wed 6, Thu 7, Fri 8.
            (
                d(2026, 5, 6),
                d(2026, 4, 28),
                at(d(2026, 5, 4), 9),
                4,
                d(2026, 5, 8),
            ),
            // Over 2/9/2026 (1–2/9 Tue, Wed off): due Fri 4/9, asked Mon 31/8: Thu 3, Fri 4
            // left (2); back Thu 3/9: Fri 4, Mon 7.
            (
                d(2026, 9, 4),
                d(2026, 8, 31),
                at(d(2026, 9, 3), 9),
                2,
                d(2026, 9, 7),
            ),
        ];
        for (due, stopped, resumed, left, new_due) in table {
            assert_eq!(c.working_days_left(stopped, due), left, "{due} {stopped}");
            assert_eq!(
                c.resume(resumed, left).date(),
                new_due,
                "{due} {stopped} {resumed}"
            );
        }
    }

    #[test]
    fn a_year_table_replaces_only_its_years() {
        let t: HolidayTable = toml::from_str(
            "[2027]\nholidays = [\"2027-01-01\", \"2027-02-10\"]\nmakeup_days = [\"2027-02-13\"]\n",
        )
        .unwrap();
        let c = WorkCalendar::with_years(&t);
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(!c.is_working_day(d(2027, 2, 10)));
        assert!(
            c.is_working_day(d(2027, 2, 8)),
            "the default 2027 list is gone"
        );
        assert!(c.is_working_day(d(2027, 2, 13)), "a Saturday worked");
        assert!(!c.is_working_day(d(2026, 2, 17)), "2026 keeps the defaults");
        assert!(toml::from_str::<HolidayTable>("[2027]\nholiday = []\n").is_err());
    }

    #[test]
    fn configured_holidays_replace_the_defaults() {
        let cal = WorkCalendar::with_holidays([date(2026, 11, 24)]);
        let d = cal.due_date(at(2026, 11, 23, 9, 0), &ProcessingTime::working_days(1));
        assert_eq!(d, date(2026, 11, 25));
    }

    #[test]
    fn labels() {
        assert_eq!(
            ProcessingTime::working_days(3).label_vi(),
            "03 ngày làm việc"
        );
        assert_eq!(
            pt(0.5, DurationUnit::WorkingDays).label_vi(),
            "0,5 ngày làm việc"
        );
        assert_eq!(ProcessingTime::working_days(3).label_en(), "3 working days");
    }

    #[test]
    fn absurd_values_do_not_hang_or_panic() {
        let cal = WorkCalendar::default();
        let t = at(2026, 11, 23, 9, 0);
        for v in [f64::NAN, f64::INFINITY, -5.0, 1e300, 0.0001] {
            for unit in [
                DurationUnit::WorkingDays,
                DurationUnit::Days,
                DurationUnit::WorkingHours,
                DurationUnit::Hours,
                DurationUnit::Months,
                DurationUnit::Years,
                DurationUnit::Minutes,
            ] {
                let d = cal.due_date(t, &pt(v, unit));
                assert!(d >= t.date());
            }
        }
    }
}
