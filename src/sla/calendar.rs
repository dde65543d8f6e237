//! Business-hours arithmetic for SLA timers.
//!
//! A [`Calendar`] describes working time in its own **local** time zone: up to several
//! [`Interval`]s per weekday, given in minutes since local midnight (`0..=1440`, where 1440 is
//! the end of the day), plus [`Holiday`]s that remove every working minute of a local date
//! (`Yearly` holidays recur on that month/day each year; `Yearly { month: 2, day: 29 }` only
//! exists, and so only applies, in leap years). A 24×7 calendar (`always_open`) treats every
//! instant as working time and ignores the week and the holidays.
//!
//! Each local day is turned into UTC instants on its own, so daylight-saving changes are exact:
//! * a local time that does not exist (spring-forward gap) means the first instant after the gap;
//! * an ambiguous local time (fall-back) means the earlier instant when it starts an interval and
//!   the later instant when it ends one, so the repeated hour is working time;
//! * 00:00 and 24:00 are the instants at which the local day begins and the next one begins
//!   (the earlier reading of an ambiguous midnight), so a 00:00–24:00 day lasts 23, 24 or 25 hours
//!   and an interval ending at 24:00 continues seamlessly into one starting at 00:00 the next day
//!   (an overnight 22:00–06:00 shift is written as 22:00–24:00 plus 00:00–06:00 of the next day).
//!   A day's working time never reaches into its neighbours', so no instant is counted twice.
//!
//! Time is continuous: instants carry nanoseconds, [`Calendar::add_working_minutes`] returns the
//! exact instant, and only [`Calendar::working_minutes_between`] rounds, down to whole minutes.
//!
//! Every search is bounded: [`Calendar::add_working_minutes`] looks at most [`HORIZON_DAYS`]
//! local days (ten years) past the start's local date and answers
//! [`CalendarError::Unreachable`] when the target is not reached within them (for example when
//! every date is a holiday). Whole weeks in which the UTC offset does not change are skipped in
//! one step, so the cost grows with weeks, not minutes. The functions are pure: no I/O, no clock,
//! no global state.

use std::fmt;

use chrono::{DateTime, Datelike, Days, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How far ahead [`Calendar::add_working_minutes`] searches, in local days: ten years including
/// leap days. No service-level target is meaningful beyond that, and it bounds the work per call.
pub const HORIZON_DAYS: u64 = 3653;

/// Minutes in a local day; the largest valid [`Interval::end`].
pub const MINUTES_PER_DAY: u16 = 1440;

const NS_PER_SEC: i128 = 1_000_000_000;
const NS_PER_MIN: i128 = 60 * NS_PER_SEC;
const SECS_PER_DAY: i64 = 86_400;
/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// Working time of one weekday, in minutes since local midnight, 0..=1440 (1440 = end of day).
/// The interval is half-open: `start` is working time, `end` is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

/// A local date without working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// That date only.
    Once(NaiveDate),
    /// That month and day every year; February 29 only in leap years.
    Yearly { month: u32, day: u32 },
}

/// Working hours of a team, in the team's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Stored as its IANA name (for example `"America/Sao_Paulo"`).
    #[serde(with = "tz_name")]
    pub time_zone: Tz,
    /// 24×7: every minute is working time (weekdays and holidays are ignored).
    pub always_open: bool,
    /// Working intervals per weekday, index 0 = Monday … 6 = Sunday; several per day allowed.
    pub week: [Vec<Interval>; 7],
    pub holidays: Vec<Holiday>,
}

/// Why a calendar was refused or a target could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarError {
    /// Not 24×7 and no interval on any weekday.
    NoWorkingTime,
    /// `week[weekday][index]` has `start >= end` or `end > 1440`.
    BadInterval { weekday: usize, index: usize },
    /// Two intervals of `week[weekday]` share working minutes (touching is fine).
    OverlappingIntervals { weekday: usize },
    /// `holidays[index]` names a month/day that no year has.
    BadHoliday { index: usize },
    /// A negative amount of working time was asked for.
    NegativeMinutes,
    /// No (or not enough) working time within [`HORIZON_DAYS`] of the start.
    Unreachable,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoWorkingTime => write!(f, "the calendar has no working time"),
            Self::BadInterval { weekday, index } => write!(
                f,
                "interval {index} of weekday {weekday} must have start < end <= 1440"
            ),
            Self::OverlappingIntervals { weekday } => {
                write!(f, "intervals of weekday {weekday} overlap")
            }
            Self::BadHoliday { index } => write!(f, "holiday {index} is not a valid date"),
            Self::NegativeMinutes => write!(f, "working minutes must not be negative"),
            Self::Unreachable => write!(
                f,
                "not enough working time within {HORIZON_DAYS} days of the start"
            ),
        }
    }
}

impl std::error::Error for CalendarError {}

impl Calendar {
    /// Refuses a calendar that can never have working time (no intervals at all and not 24×7),
    /// intervals with `start >= end` or `end > 1440`, overlapping intervals within a day, and
    /// yearly holidays that no year has (`Yearly { month: 2, day: 30 }`). Intervals are checked
    /// even on a 24×7 calendar, so switching it back to office hours cannot expose bad data.
    pub fn validate(&self) -> Result<(), CalendarError> {
        for (weekday, intervals) in self.week.iter().enumerate() {
            for (index, iv) in intervals.iter().enumerate() {
                if iv.start >= iv.end || iv.end > MINUTES_PER_DAY {
                    return Err(CalendarError::BadInterval { weekday, index });
                }
            }
            let mut sorted: Vec<Interval> = intervals.clone();
            sorted.sort_unstable_by_key(|iv| iv.start);
            if sorted.windows(2).any(|w| w[0].end > w[1].start) {
                return Err(CalendarError::OverlappingIntervals { weekday });
            }
        }
        if !self.always_open && self.week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoWorkingTime);
        }
        for (index, holiday) in self.holidays.iter().enumerate() {
            if let Holiday::Yearly { month, day } = *holiday {
                // 2000 is a leap year, so February 29 counts as a real date.
                if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                    return Err(CalendarError::BadHoliday { index });
                }
            }
        }
        Ok(())
    }

    /// The instant reached after `minutes` of working time counted from `start`: the earliest
    /// instant `r >= start` with exactly `minutes` of working time in `[start, r)`.
    ///
    /// If `start` is outside working time, counting begins at the next working instant.
    /// Consequently adding 0 returns `start` itself even outside working time (the clock has not
    /// run yet), and a target that ends exactly when a working interval ends is that end instant,
    /// not the start of the next interval. This makes `add(add(s, a), b) == add(s, a + b)` exact.
    ///
    /// Errors: the calendar's own [`validate`](Self::validate) error,
    /// [`CalendarError::NegativeMinutes`], or [`CalendarError::Unreachable`] when the target lies
    /// beyond [`HORIZON_DAYS`] local days after `start`'s local date.
    pub fn add_working_minutes(
        &self,
        start: DateTime<Utc>,
        minutes: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.validate()?;
        if minutes < 0 {
            return Err(CalendarError::NegativeMinutes);
        }
        if minutes == 0 {
            return Ok(start);
        }
        let plan = Plan::new(self);
        let s = to_ns(start);
        let need = i128::from(minutes) * NS_PER_MIN;
        let first_day = plan.local_date(s).ok_or(CalendarError::Unreachable)?;
        let last_day = first_day
            .checked_add_days(Days::new(HORIZON_DAYS))
            .filter(|d| *d <= safe_max())
            .ok_or(CalendarError::Unreachable)?;
        let target = if self.always_open {
            let limit = plan
                .day_start(last_day.succ_opt().ok_or(CalendarError::Unreachable)?)
                .ok_or(CalendarError::Unreachable)?;
            Some(s + need).filter(|r| *r <= secs_to_ns(limit))
        } else {
            plan.walk_add(s, need, first_day.pred_opt().unwrap_or(first_day), last_day)
        };
        target.and_then(from_ns).ok_or(CalendarError::Unreachable)
    }

    /// Working minutes in `[from, to)`, 0 if `to <= from`. Seconds and nanoseconds count as
    /// fractions; the total is rounded down to whole minutes once, at the end.
    ///
    /// Never fails: an invalid calendar is read leniently (ends clamped to 24:00, empty intervals
    /// ignored, overlaps merged). The cost grows with the number of weeks in the range.
    pub fn working_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        i64::try_from(self.working_ns_between(from, to) / NS_PER_MIN).unwrap_or(i64::MAX)
    }

    /// Working seconds in `[from, to)`, rounded down; as
    /// [`working_minutes_between`](Self::working_minutes_between), for a
    /// figure that a page then counts down second by second.
    pub fn working_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        i64::try_from(self.working_ns_between(from, to) / NS_PER_SEC).unwrap_or(i64::MAX)
    }

    fn working_ns_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i128 {
        let (f, t) = (to_ns(from), to_ns(to));
        if t <= f {
            return 0;
        }
        if self.always_open {
            return t - f;
        }
        let plan = Plan::new(self);
        let first = plan
            .local_date(f)
            .map_or_else(|| clamp_date_for(f), clamp_date)
            .pred_opt()
            .map_or(safe_min(), clamp_date);
        let last = plan
            .local_date(t)
            .map_or_else(|| clamp_date_for(t), clamp_date)
            .succ_opt()
            .map_or(safe_max(), clamp_date);
        plan.walk_between(f, t, first, last)
    }

    /// The working time of the local day `date`, as sorted, disjoint `[start, end)` UTC instants:
    /// the whole local day (23, 24 or 25 hours) on a 24×7 calendar, holiday or not; otherwise
    /// nothing on a holiday.
    pub fn working_spans_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let plan = Plan::new(self);
        let mut spans = Vec::new();
        let bounds = date
            .succ_opt()
            .and_then(|next| Some((plan.day_start(date)?, plan.day_start(next)?)));
        if let Some((ds, ds_next)) = bounds.filter(|_| (safe_min()..=safe_max()).contains(&date)) {
            let ds_next = ds_next.max(ds);
            if self.always_open {
                spans.push((ds, ds_next));
            } else {
                plan.day_spans(date, ds, ds_next, &mut spans);
            }
        }
        spans
            .into_iter()
            .filter(|(a, b)| a < b)
            .filter_map(|(a, b)| Some((from_secs(a)?, from_secs(b)?)))
            .collect()
    }
}

/// Which instant an ambiguous local time stands for.
#[derive(Clone, Copy)]
enum Pick {
    Earliest,
    Latest,
}

/// A calendar digested for one call: intervals normalised, holidays indexed.
struct Plan {
    tz: Tz,
    /// Per weekday: sorted, merged, non-empty `(start, end)` minutes with `end <= 1440`.
    days: [Vec<(u16, u16)>; 7],
    /// Per weekday: working nanoseconds of a day without a UTC offset change.
    day_ns: [i128; 7],
    /// Bit `d` of `yearly[m]` marks a yearly holiday on month `m`, day `d`.
    yearly: [u32; 13],
    once: Vec<NaiveDate>,
}

impl Plan {
    fn new(cal: &Calendar) -> Self {
        let mut days: [Vec<(u16, u16)>; 7] = Default::default();
        let mut day_ns = [0i128; 7];
        for (wd, intervals) in cal.week.iter().enumerate() {
            let mut raw: Vec<(u16, u16)> = intervals
                .iter()
                .map(|iv| (iv.start, iv.end.min(MINUTES_PER_DAY)))
                .filter(|(s, e)| s < e)
                .collect();
            raw.sort_unstable();
            // Touching intervals are merged too: one local→UTC conversion fewer, same time.
            let mut merged: Vec<(u16, u16)> = Vec::with_capacity(raw.len());
            for (s, e) in raw {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            day_ns[wd] = merged
                .iter()
                .map(|(s, e)| i128::from(e - s) * NS_PER_MIN)
                .sum();
            days[wd] = merged;
        }
        let mut yearly = [0u32; 13];
        let mut once = Vec::new();
        for holiday in &cal.holidays {
            match *holiday {
                Holiday::Once(date) => once.push(date),
                Holiday::Yearly { month, day } if (1..=12).contains(&month) && day < 32 => {
                    yearly[month as usize] |= 1 << day;
                }
                Holiday::Yearly { .. } => {}
            }
        }
        once.sort_unstable();
        once.dedup();
        Self {
            tz: cal.time_zone,
            days,
            day_ns,
            yearly,
            once,
        }
    }

    fn is_holiday(&self, date: NaiveDate) -> bool {
        self.yearly[date.month() as usize] & (1 << date.day()) != 0
            || self.once.binary_search(&date).is_ok()
    }

    /// Total UTC offset in seconds at the UTC instant `utc_secs`.
    fn offset_at(&self, utc_secs: i64) -> Option<i64> {
        let utc = DateTime::from_timestamp(utc_secs, 0)?.naive_utc();
        Some(i64::from(
            self.tz
                .offset_from_utc_datetime(&utc)
                .fix()
                .local_minus_utc(),
        ))
    }

    /// The local date of the instant `ns` (nanoseconds since the Unix epoch).
    fn local_date(&self, ns: i128) -> Option<NaiveDate> {
        let secs = i64::try_from(ns.div_euclid(NS_PER_SEC)).ok()?;
        let local = secs.checked_add(self.offset_at(secs)?)?;
        let days = local.div_euclid(SECS_PER_DAY) + EPOCH_DAYS_FROM_CE;
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
    }

    /// UTC seconds for `local_secs` (local wall-clock seconds counted as if the zone were UTC).
    fn to_utc(&self, local_secs: i64, pick: Pick) -> Option<i64> {
        let local = DateTime::from_timestamp(local_secs, 0)?.naive_utc();
        let fix = |o: &<Tz as TimeZone>::Offset| local_secs - i64::from(o.fix().local_minus_utc());
        match self.tz.offset_from_local_datetime(&local) {
            chrono::LocalResult::Single(o) => Some(fix(&o)),
            chrono::LocalResult::Ambiguous(a, b) => {
                let (a, b) = (fix(&a), fix(&b));
                Some(match pick {
                    Pick::Earliest => a.min(b),
                    Pick::Latest => a.max(b),
                })
            }
            chrono::LocalResult::None => self.gap_end(local_secs),
        }
    }

    /// The first instant whose local time is past `local_secs`, which lies in a gap: that is
    /// the transition instant itself.
    fn gap_end(&self, local_secs: i64) -> Option<i64> {
        // Offsets stay within ±16 h, so local time lags or leads UTC by less than the window;
        // a gap is the only transition inside it, which keeps the predicate monotonic.
        const WINDOW: i64 = 26 * 3600;
        let past = |t: i64| -> Option<bool> { Some(t + self.offset_at(t)? > local_secs) };
        let (mut lo, mut hi) = (local_secs - WINDOW, local_secs + WINDOW);
        if past(lo)? || !past(hi)? {
            return None;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if past(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }

    /// The instant the local day `date` begins.
    fn day_start(&self, date: NaiveDate) -> Option<i64> {
        self.to_utc(local_midnight(date), Pick::Earliest)
    }

    /// Appends the working spans (UTC seconds) of `date`, whose local day is `[ds, ds_next)`.
    fn day_spans(&self, date: NaiveDate, ds: i64, ds_next: i64, out: &mut Vec<(i64, i64)>) {
        if self.is_holiday(date) {
            return;
        }
        let midnight = local_midnight(date);
        let at = |minute: u16, pick| self.to_utc(midnight + i64::from(minute) * 60, pick);
        for &(s, e) in &self.days[weekday(date)] {
            let a = if s == 0 {
                Some(ds)
            } else {
                at(s, Pick::Earliest)
            };
            let b = if e == MINUTES_PER_DAY {
                Some(ds_next)
            } else {
                at(e, Pick::Latest)
            };
            let (Some(a), Some(b)) = (a, b) else { continue };
            // Clamping keeps days disjoint; merging absorbs the overlap an ambiguous end can
            // create with a following interval starting at that same local time.
            let (a, b) = (a.max(ds), b.min(ds_next));
            if a >= b {
                continue;
            }
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
    }

    /// If the UTC offset is the same at every local midnight from `date` to `date + 8`, the
    /// seven days from `date` convert with that single offset: returns their working
    /// nanoseconds and the start of `date + 7`. Sampling at midnights is exact because no zone
    /// in chrono-tz changes its offset and changes it back within two days; the eighth midnight
    /// catches a fall-back just after the week whose repeated hour reaches back into it.
    fn uniform_week(&self, date: NaiveDate, ds: i64) -> Option<(i128, i64)> {
        let offset = self.offset_at(ds)?;
        let base = local_midnight(date) - offset;
        for i in 0..=8 {
            if self.offset_at(base + i * SECS_PER_DAY)? != offset {
                return None;
            }
        }
        let mut week_ns = 0;
        let mut day = date;
        for _ in 0..7 {
            if !self.is_holiday(day) {
                week_ns += self.day_ns[weekday(day)];
            }
            day = day.succ_opt()?;
        }
        Some((week_ns, base + 7 * SECS_PER_DAY))
    }

    /// The earliest instant after `s` with `need` working nanoseconds in `[s, r)`, searching the
    /// local days `first..=last`.
    fn walk_add(&self, s: i128, need: i128, first: NaiveDate, last: NaiveDate) -> Option<i128> {
        let mut remaining = need;
        let mut date = first;
        let mut ds = self.day_start(date)?;
        let mut spans = Vec::new();
        while date <= last {
            if secs_to_ns(ds) >= s {
                let week_end = date.checked_add_days(Days::new(6))?;
                if week_end <= last
                    && let Some((week_ns, next_ds)) = self.uniform_week(date, ds)
                    && week_ns < remaining
                {
                    remaining -= week_ns;
                    date = week_end.succ_opt()?;
                    ds = next_ds;
                    continue;
                }
            }
            let next = date.succ_opt()?;
            let ds_next = self.day_start(next)?.max(ds);
            spans.clear();
            self.day_spans(date, ds, ds_next, &mut spans);
            for &(a, b) in &spans {
                let (a, b) = (secs_to_ns(a).max(s), secs_to_ns(b));
                if a < b {
                    if b - a >= remaining {
                        return Some(a + remaining);
                    }
                    remaining -= b - a;
                }
            }
            date = next;
            ds = ds_next;
        }
        None
    }

    /// Working nanoseconds in `[f, t)`, looking at the local days `first..=last`.
    fn walk_between(&self, f: i128, t: i128, first: NaiveDate, last: NaiveDate) -> i128 {
        let mut total = 0;
        let mut date = first;
        let Some(mut ds) = self.day_start(date) else {
            return 0;
        };
        let mut spans = Vec::new();
        while date <= last && secs_to_ns(ds) < t {
            if secs_to_ns(ds) >= f
                && let Some((week_ns, next_ds)) = self.uniform_week(date, ds)
                && secs_to_ns(next_ds) <= t
                && let Some(next) = date.checked_add_days(Days::new(7))
            {
                total += week_ns;
                date = next;
                ds = next_ds;
                continue;
            }
            let Some(next) = date.succ_opt() else { break };
            let Some(ds_next) = self.day_start(next) else {
                break;
            };
            let ds_next = ds_next.max(ds);
            spans.clear();
            self.day_spans(date, ds, ds_next, &mut spans);
            for &(a, b) in &spans {
                let (a, b) = (secs_to_ns(a).max(f), secs_to_ns(b).min(t));
                if a < b {
                    total += b - a;
                }
            }
            date = next;
            ds = ds_next;
        }
        total
    }
}

fn weekday(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// Local wall-clock seconds of `date` 00:00, counted as if the zone were UTC.
fn local_midnight(date: NaiveDate) -> i64 {
    (i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE) * SECS_PER_DAY
}

/// Dates this close to chrono's limits are never visited, so that converting them to UTC, and
/// stepping a horizon or a week past them, cannot leave the representable range.
fn safe_min() -> NaiveDate {
    NaiveDate::MIN
        .checked_add_days(Days::new(2))
        .unwrap_or(NaiveDate::MIN)
}

fn safe_max() -> NaiveDate {
    NaiveDate::MAX
        .checked_sub_days(Days::new(HORIZON_DAYS + 16))
        .unwrap_or(NaiveDate::MAX)
}

fn clamp_date(date: NaiveDate) -> NaiveDate {
    date.clamp(safe_min(), safe_max())
}

/// The safe limit on the side of an instant whose local date is not representable.
fn clamp_date_for(ns: i128) -> NaiveDate {
    if ns < 0 { safe_min() } else { safe_max() }
}

fn to_ns(dt: DateTime<Utc>) -> i128 {
    i128::from(dt.timestamp()) * NS_PER_SEC + i128::from(dt.timestamp_subsec_nanos())
}

fn secs_to_ns(secs: i64) -> i128 {
    i128::from(secs) * NS_PER_SEC
}

fn from_ns(ns: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(ns.div_euclid(NS_PER_SEC)).ok()?;
    let nanos = u32::try_from(ns.rem_euclid(NS_PER_SEC)).ok()?;
    DateTime::from_timestamp(secs, nanos)
}

fn from_secs(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// Serialises a [`Tz`] as its IANA name, so the calendar does not depend on chrono-tz's own
/// `serde` feature.
mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
