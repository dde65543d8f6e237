use super::*;

use chrono::{Duration, TimeDelta, Timelike};
use chrono_tz::America::{Havana, Santiago, Sao_Paulo};
use chrono_tz::Europe::Madrid;
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

fn iv(start_h: u16, start_m: u16, end_h: u16, end_m: u16) -> Interval {
    Interval {
        start: start_h * 60 + start_m,
        end: end_h * 60 + end_m,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The single UTC instant of an unambiguous local wall-clock time.
fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn calendar(tz: Tz, week: [Vec<Interval>; 7]) -> Calendar {
    Calendar {
        time_zone: tz,
        always_open: false,
        week,
        holidays: vec![],
    }
}

/// The same intervals Monday to Friday, nothing at the weekend.
fn weekdays(tz: Tz, intervals: &[Interval]) -> Calendar {
    let day = intervals.to_vec();
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ];
    calendar(tz, week)
}

fn every_day(tz: Tz, intervals: &[Interval]) -> Calendar {
    calendar(tz, std::array::from_fn(|_| intervals.to_vec()))
}

fn office_sp() -> Calendar {
    weekdays(Sao_Paulo, &[iv(9, 0, 18, 0)])
}

fn span_minutes(spans: &[(DateTime<Utc>, DateTime<Utc>)]) -> i64 {
    spans.iter().map(|(a, b)| (*b - *a).num_minutes()).sum()
}

fn add(cal: &Calendar, s: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    cal.add_working_minutes(s, minutes).unwrap()
}

// 2026-03-02 is a Monday; Sao Paulo has been UTC-3 all year round since 2019.

// ---------------------------------------------------------------- office hours

#[test]
fn adds_within_a_day() {
    let cal = office_sp();
    let mon = |h, m| at(Sao_Paulo, 2026, 3, 2, h, m);
    assert_eq!(add(&cal, mon(10, 0), 60), mon(11, 0));
    assert_eq!(add(&cal, mon(9, 0), 540), mon(18, 0));
}

#[test]
fn a_target_at_the_end_of_the_day_is_that_end() {
    let cal = office_sp();
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 3, 2, 17, 0), 60),
        at(Sao_Paulo, 2026, 3, 2, 18, 0)
    );
}

#[test]
fn adds_across_the_end_of_the_day() {
    let cal = office_sp();
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 3, 2, 17, 30), 60),
        at(Sao_Paulo, 2026, 3, 3, 9, 30)
    );
}

#[test]
fn friday_afternoon_plus_an_hour_is_monday_morning() {
    let cal = office_sp();
    let fri = at(Sao_Paulo, 2026, 3, 6, 17, 30);
    let mon = at(Sao_Paulo, 2026, 3, 9, 9, 30);
    assert_eq!(add(&cal, fri, 60), mon);
    assert_eq!(mon, utc(2026, 3, 9, 12, 30));
    assert_eq!(cal.working_minutes_between(fri, mon), 60);
}

#[test]
fn counting_starts_at_the_next_working_instant() {
    let cal = office_sp();
    let sat = at(Sao_Paulo, 2026, 3, 7, 12, 0);
    assert_eq!(add(&cal, sat, 30), at(Sao_Paulo, 2026, 3, 9, 9, 30));
    let early = at(Sao_Paulo, 2026, 3, 9, 7, 0);
    assert_eq!(add(&cal, early, 30), at(Sao_Paulo, 2026, 3, 9, 9, 30));
    let closing = at(Sao_Paulo, 2026, 3, 9, 18, 0);
    assert_eq!(add(&cal, closing, 1), at(Sao_Paulo, 2026, 3, 10, 9, 1));
}

#[test]
fn a_one_off_holiday_is_skipped() {
    let mut cal = office_sp();
    cal.holidays.push(Holiday::Once(date(2026, 3, 3)));
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 3, 2, 17, 30), 60),
        at(Sao_Paulo, 2026, 3, 4, 9, 30)
    );
    assert!(cal.working_spans_on(date(2026, 3, 3)).is_empty());
    assert_eq!(cal.working_spans_on(date(2027, 3, 3)).len(), 1);
}

#[test]
fn a_yearly_holiday_is_skipped_every_year() {
    let mut cal = office_sp();
    cal.holidays.push(Holiday::Yearly { month: 12, day: 25 });
    // 2026-12-25 is a Friday: Thursday evening runs into Monday.
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 12, 24, 17, 30), 60),
        at(Sao_Paulo, 2026, 12, 28, 9, 30)
    );
    // 2025-12-25 is a Thursday.
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2025, 12, 24, 17, 30), 60),
        at(Sao_Paulo, 2025, 12, 26, 9, 30)
    );
    assert_eq!(
        cal.working_minutes_between(
            at(Sao_Paulo, 2025, 12, 22, 0, 0),
            at(Sao_Paulo, 2025, 12, 29, 0, 0)
        ),
        4 * 540
    );
}

#[test]
fn february_29_holiday_applies_in_leap_years_only() {
    let mut cal = office_sp();
    cal.holidays.push(Holiday::Yearly { month: 2, day: 29 });
    assert_eq!(cal.validate(), Ok(()));
    // 2028-02-29 is a Tuesday.
    assert!(cal.working_spans_on(date(2028, 2, 29)).is_empty());
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2028, 2, 28, 17, 0), 120),
        at(Sao_Paulo, 2028, 3, 1, 10, 0)
    );
    // 2027-03-01 is a Monday and no holiday.
    assert_eq!(span_minutes(&cal.working_spans_on(date(2027, 3, 1))), 540);
}

#[test]
fn between_counts_seconds_as_fractions_and_floors_once() {
    let cal = office_sp();
    let s = at(Sao_Paulo, 2026, 3, 2, 9, 0) + Duration::seconds(30);
    let ten = at(Sao_Paulo, 2026, 3, 2, 10, 0);
    assert_eq!(cal.working_minutes_between(s, ten), 59);
    assert_eq!(add(&cal, s, 59), ten - Duration::seconds(30));
    // 59.5 minutes until 10:00 plus 59.5 from 17:00:30 to the close: 119, not 118.
    let late = at(Sao_Paulo, 2026, 3, 2, 17, 0) + Duration::seconds(30);
    assert_eq!(
        cal.working_minutes_between(s, ten)
            + cal.working_minutes_between(late, at(Sao_Paulo, 2026, 3, 3, 0, 0)),
        118
    );
    assert_eq!(
        cal.working_minutes_between(s, at(Sao_Paulo, 2026, 3, 2, 18, 0)),
        539
    );
    // The remaining 30 s at 17:59:30 end exactly at the close.
    let nanos = at(Sao_Paulo, 2026, 3, 2, 17, 59) + Duration::nanoseconds(30_000_000_001);
    assert_eq!(
        add(&cal, nanos, 1),
        at(Sao_Paulo, 2026, 3, 3, 9, 0) + Duration::nanoseconds(30_000_000_001)
    );
}

#[test]
fn between_is_zero_for_empty_or_reversed_ranges() {
    let cal = office_sp();
    let a = at(Sao_Paulo, 2026, 3, 2, 10, 0);
    let b = at(Sao_Paulo, 2026, 3, 2, 12, 0);
    assert_eq!(cal.working_minutes_between(a, a), 0);
    assert_eq!(cal.working_minutes_between(b, a), 0);
    assert_eq!(cal.working_minutes_between(a, b), 120);
}

#[test]
fn a_full_week_and_a_year_of_office_hours() {
    let cal = office_sp();
    assert_eq!(
        cal.working_minutes_between(
            at(Sao_Paulo, 2026, 3, 2, 0, 0),
            at(Sao_Paulo, 2026, 3, 9, 0, 0)
        ),
        5 * 540
    );
    // 2026 has 261 weekdays.
    assert_eq!(
        cal.working_minutes_between(
            at(Sao_Paulo, 2026, 1, 1, 0, 0),
            at(Sao_Paulo, 2027, 1, 1, 0, 0)
        ),
        261 * 540
    );
}

#[test]
fn adding_zero_returns_the_start_unchanged() {
    let cal = office_sp();
    let saturday = at(Sao_Paulo, 2026, 3, 7, 12, 0) + Duration::milliseconds(17_500);
    assert_eq!(add(&cal, saturday, 0), saturday);
    let working = at(Sao_Paulo, 2026, 3, 2, 10, 0);
    assert_eq!(add(&cal, working, 0), working);
}

#[test]
fn negative_minutes_are_refused() {
    assert_eq!(
        office_sp().add_working_minutes(utc(2026, 3, 2, 12, 0), -1),
        Err(CalendarError::NegativeMinutes)
    );
}

#[test]
fn a_million_minutes_round_trip() {
    let cal = office_sp();
    let s = at(Sao_Paulo, 2026, 3, 2, 9, 0);
    let r = add(&cal, s, 1_000_000);
    assert_eq!(cal.working_minutes_between(s, r), 1_000_000);
    // 1_000_000 = 370 full weeks of 2700 minutes + 1000 minutes (1 day + 460 minutes).
    let expected = at(Sao_Paulo, 2026, 3, 2, 9, 0) + Duration::weeks(370) + Duration::days(1);
    assert_eq!(r, expected + Duration::minutes(460));
}

// ---------------------------------------------------------------- other shapes

#[test]
fn two_intervals_a_day() {
    let cal = weekdays(Sao_Paulo, &[iv(8, 0, 12, 0), iv(13, 0, 17, 0)]);
    let mon = |h, m| at(Sao_Paulo, 2026, 3, 2, h, m);
    assert_eq!(add(&cal, mon(11, 30), 60), mon(13, 30));
    assert_eq!(add(&cal, mon(12, 15), 1), mon(13, 1));
    assert_eq!(add(&cal, mon(11, 0), 60), mon(12, 0));
    assert_eq!(add(&cal, mon(16, 30), 60), at(Sao_Paulo, 2026, 3, 3, 8, 30));
    assert_eq!(cal.working_minutes_between(mon(11, 0), mon(14, 0)), 120);
    assert_eq!(cal.working_spans_on(date(2026, 3, 2)).len(), 2);
}

#[test]
fn unsorted_and_touching_intervals_behave_as_their_union() {
    let cal = weekdays(Sao_Paulo, &[iv(12, 0, 18, 0), iv(9, 0, 12, 0)]);
    assert_eq!(cal.validate(), Ok(()));
    let spans = cal.working_spans_on(date(2026, 3, 2));
    assert_eq!(
        spans,
        vec![(
            at(Sao_Paulo, 2026, 3, 2, 9, 0),
            at(Sao_Paulo, 2026, 3, 2, 18, 0)
        )]
    );
}

/// Shifts starting Monday to Friday at 22:00 and ending at 06:00 the next morning.
fn night_shift() -> Calendar {
    let night = vec![iv(22, 0, 24, 0)];
    let morning = vec![iv(0, 0, 6, 0)];
    calendar(
        Sao_Paulo,
        [
            night.clone(),
            [morning.clone(), night.clone()].concat(),
            [morning.clone(), night.clone()].concat(),
            [morning.clone(), night.clone()].concat(),
            [morning.clone(), night].concat(),
            morning,
            vec![],
        ],
    )
}

#[test]
fn overnight_shift_continues_across_midnight() {
    let cal = night_shift();
    assert_eq!(cal.validate(), Ok(()));
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 3, 2, 23, 0), 120),
        at(Sao_Paulo, 2026, 3, 3, 1, 0)
    );
    assert_eq!(
        cal.working_minutes_between(
            at(Sao_Paulo, 2026, 3, 2, 21, 0),
            at(Sao_Paulo, 2026, 3, 3, 7, 0)
        ),
        480
    );
    // Saturday 05:00: one hour left, then nothing until Monday night.
    assert_eq!(
        add(&cal, at(Sao_Paulo, 2026, 3, 7, 5, 0), 120),
        at(Sao_Paulo, 2026, 3, 9, 23, 0)
    );
    // Monday's shift ends exactly when Tuesday's begins: one span per side of midnight.
    let mon = cal.working_spans_on(date(2026, 3, 2));
    let tue = cal.working_spans_on(date(2026, 3, 3));
    assert_eq!(mon.last().unwrap().1, tue.first().unwrap().0);
    assert_eq!(
        cal.working_minutes_between(
            at(Sao_Paulo, 2026, 3, 2, 0, 0),
            at(Sao_Paulo, 2026, 3, 9, 0, 0)
        ),
        5 * 480
    );
}

#[test]
fn always_open_counts_every_minute() {
    let mut cal = calendar(Madrid, Default::default());
    cal.always_open = true;
    cal.holidays.push(Holiday::Yearly { month: 3, day: 29 });
    assert_eq!(cal.validate(), Ok(()));
    let s = utc(2026, 3, 28, 12, 0) + Duration::seconds(7);
    assert_eq!(add(&cal, s, 1_000), s + Duration::minutes(1_000));
    assert_eq!(
        cal.working_minutes_between(s, s + Duration::minutes(1_000)),
        1_000
    );
    assert_eq!(
        cal.working_minutes_between(s, s + Duration::seconds(119)),
        1
    );
    // A DST day is still 23 hours long, holiday or not.
    assert_eq!(
        span_minutes(&cal.working_spans_on(date(2026, 3, 29))),
        23 * 60
    );
}

// ---------------------------------------------------------------- DST

#[test]
fn madrid_full_days_last_23_and_25_hours() {
    let cal = every_day(Madrid, &[iv(0, 0, 24, 0)]);
    let spring = cal.working_spans_on(date(2026, 3, 29));
    assert_eq!(
        spring,
        vec![(utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0))]
    );
    let autumn = cal.working_spans_on(date(2026, 10, 25));
    assert_eq!(
        autumn,
        vec![(utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0))]
    );
    assert_eq!(span_minutes(&spring), 23 * 60);
    assert_eq!(span_minutes(&autumn), 25 * 60);
    assert_eq!(
        cal.working_minutes_between(at(Madrid, 2026, 3, 29, 0, 0), at(Madrid, 2026, 3, 30, 0, 0)),
        23 * 60
    );
    assert_eq!(
        cal.working_minutes_between(
            at(Madrid, 2026, 10, 25, 0, 0),
            at(Madrid, 2026, 10, 26, 0, 0)
        ),
        25 * 60
    );
    // Across the spring change, 24 working hours reach 01:00 on Monday, local time.
    assert_eq!(
        add(&cal, at(Madrid, 2026, 3, 29, 0, 0), 24 * 60),
        at(Madrid, 2026, 3, 30, 1, 0)
    );
    // A week of full days is exactly as long as the 24×7 calendar makes it.
    let mut open = cal.clone();
    open.always_open = true;
    let (a, b) = (utc(2026, 10, 20, 5, 17), utc(2026, 10, 29, 1, 2));
    assert_eq!(
        cal.working_minutes_between(a, b),
        open.working_minutes_between(a, b)
    );
}

#[test]
fn madrid_night_interval_on_dst_days() {
    let cal = every_day(Madrid, &[iv(1, 0, 4, 0)]);
    // 01:00 CET to 04:00 CEST: the hour 02:00–03:00 does not exist.
    assert_eq!(
        cal.working_spans_on(date(2026, 3, 29)),
        vec![(utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 2, 0))]
    );
    // 01:00 CEST to 04:00 CET: the hour 02:00–03:00 happens twice.
    assert_eq!(
        cal.working_spans_on(date(2026, 10, 25)),
        vec![(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 3, 0))]
    );
    assert_eq!(
        cal.working_minutes_between(at(Madrid, 2026, 3, 28, 0, 0), at(Madrid, 2026, 3, 30, 0, 0)),
        180 + 120
    );
    assert_eq!(
        cal.working_minutes_between(
            at(Madrid, 2026, 10, 24, 0, 0),
            at(Madrid, 2026, 10, 26, 0, 0)
        ),
        180 + 240
    );
    // 03:30 CEST on Sunday + 60 min: 30 min to 04:00, then 30 min from 01:00 CEST on Monday.
    assert_eq!(
        add(&cal, utc(2026, 3, 29, 1, 30), 60),
        at(Madrid, 2026, 3, 30, 1, 30)
    );
}

#[test]
fn madrid_intervals_inside_the_gap_and_the_repeated_hour() {
    // Starts in the gap: 02:30 does not exist, so the interval begins at 03:00 CEST.
    let gap = every_day(Madrid, &[iv(2, 30, 3, 30)]);
    assert_eq!(
        gap.working_spans_on(date(2026, 3, 29)),
        vec![(utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 30))]
    );
    // Wholly inside the gap: no working time at all that day.
    let lost = every_day(Madrid, &[iv(2, 15, 2, 45)]);
    assert!(lost.working_spans_on(date(2026, 3, 29)).is_empty());
    // Wholly inside the repeated hour: earlier start, later end.
    assert_eq!(
        lost.working_spans_on(date(2026, 10, 25)),
        vec![(utc(2026, 10, 25, 0, 15), utc(2026, 10, 25, 1, 45))]
    );
    // Two intervals meeting in the repeated hour cover it once, not twice.
    let split = every_day(Madrid, &[iv(1, 0, 2, 30), iv(2, 30, 4, 0)]);
    assert_eq!(
        split.working_spans_on(date(2026, 10, 25)),
        vec![(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 3, 0))]
    );
    let apart = every_day(Madrid, &[iv(1, 0, 2, 20), iv(2, 40, 4, 0)]);
    assert_eq!(
        apart.working_minutes_between(utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0)),
        240
    );
}

#[test]
fn santiago_changes_clocks_at_midnight() {
    let cal = every_day(Santiago, &[iv(0, 0, 24, 0)]);
    // Saturday 2026-04-04: 24:00 -03 becomes 23:00 -04, so the day has 25 hours.
    let sat = cal.working_spans_on(date(2026, 4, 4));
    assert_eq!(sat, vec![(utc(2026, 4, 4, 3, 0), utc(2026, 4, 5, 4, 0))]);
    // Sunday 2026-09-06: 00:00 -04 becomes 01:00 -03; the day starts at 01:00 and has 23 hours.
    let sun = cal.working_spans_on(date(2026, 9, 6));
    assert_eq!(sun, vec![(utc(2026, 9, 6, 4, 0), utc(2026, 9, 7, 3, 0))]);
    assert_eq!(span_minutes(&sun), 23 * 60);

    let night = every_day(Santiago, &[iv(22, 0, 24, 0)]);
    // Saturday 22:00 -03 to the start of Sunday at 00:00 -04: 3 hours.
    assert_eq!(span_minutes(&night.working_spans_on(date(2026, 4, 4))), 180);
    let morning = every_day(Santiago, &[iv(0, 0, 2, 0)]);
    // Midnight does not exist: the morning runs from 01:00 to 02:00 -03.
    assert_eq!(
        morning.working_spans_on(date(2026, 9, 6)),
        vec![(utc(2026, 9, 6, 4, 0), utc(2026, 9, 6, 5, 0))]
    );
}

#[test]
fn havana_repeats_midnight_without_double_counting() {
    let cal = every_day(Havana, &[iv(0, 0, 24, 0)]);
    // 2026-03-08 00:00 CST becomes 01:00 CDT.
    assert_eq!(
        span_minutes(&cal.working_spans_on(date(2026, 3, 8))),
        23 * 60
    );
    // 2026-11-01 01:00 CDT becomes 00:00 CST: the 25-hour day is Sunday, not Saturday.
    assert_eq!(
        span_minutes(&cal.working_spans_on(date(2026, 10, 31))),
        24 * 60
    );
    assert_eq!(
        span_minutes(&cal.working_spans_on(date(2026, 11, 1))),
        25 * 60
    );

    let overnight = every_day(Havana, &[iv(0, 0, 6, 0), iv(22, 0, 24, 0)]);
    let sat = overnight.working_spans_on(date(2026, 10, 31));
    let sun = overnight.working_spans_on(date(2026, 11, 1));
    assert_eq!(sat.last().unwrap().1, sun.first().unwrap().0);
    assert_eq!(sun.first().unwrap().0, utc(2026, 11, 1, 4, 0));
    // Saturday 22:00 to Sunday 06:00: 2 hours + 7 (the hour after midnight repeats).
    assert_eq!(
        overnight.working_minutes_between(utc(2026, 11, 1, 2, 0), utc(2026, 11, 1, 12, 0)),
        9 * 60
    );
}

#[test]
fn sao_paulo_no_longer_observes_dst() {
    let cal = every_day(Sao_Paulo, &[iv(0, 0, 24, 0)]);
    for d in [date(2026, 11, 1), date(2027, 2, 21), date(2026, 10, 18)] {
        assert_eq!(span_minutes(&cal.working_spans_on(d)), 24 * 60);
    }
}

// ---------------------------------------------------------------- validation and bounds

#[test]
fn validation_refusals() {
    let empty = calendar(Sao_Paulo, Default::default());
    assert_eq!(empty.validate(), Err(CalendarError::NoWorkingTime));
    assert_eq!(
        empty.add_working_minutes(utc(2026, 1, 1, 0, 0), 1),
        Err(CalendarError::NoWorkingTime)
    );
    let mut open = empty.clone();
    open.always_open = true;
    assert_eq!(open.validate(), Ok(()));

    let backwards = weekdays(Sao_Paulo, &[iv(9, 0, 12, 0), iv(14, 0, 13, 0)]);
    assert_eq!(
        backwards.validate(),
        Err(CalendarError::BadInterval {
            weekday: 0,
            index: 1
        })
    );
    let mut empty_interval = office_sp();
    empty_interval.week[3] = vec![iv(9, 0, 9, 0)];
    assert_eq!(
        empty_interval.validate(),
        Err(CalendarError::BadInterval {
            weekday: 3,
            index: 0
        })
    );
    let mut too_late = office_sp();
    too_late.week[6] = vec![Interval {
        start: 1400,
        end: 1441,
    }];
    assert_eq!(
        too_late.validate(),
        Err(CalendarError::BadInterval {
            weekday: 6,
            index: 0
        })
    );

    let mut overlap = office_sp();
    overlap.week[2] = vec![iv(13, 0, 18, 0), iv(9, 0, 13, 1)];
    assert_eq!(
        overlap.validate(),
        Err(CalendarError::OverlappingIntervals { weekday: 2 })
    );
    assert_eq!(
        overlap.add_working_minutes(utc(2026, 1, 1, 0, 0), 1),
        Err(CalendarError::OverlappingIntervals { weekday: 2 })
    );

    let mut feb30 = office_sp();
    feb30.holidays = vec![
        Holiday::Once(date(2026, 1, 1)),
        Holiday::Yearly { month: 2, day: 30 },
    ];
    assert_eq!(
        feb30.validate(),
        Err(CalendarError::BadHoliday { index: 1 })
    );
    feb30.holidays = vec![Holiday::Yearly { month: 13, day: 1 }];
    assert_eq!(
        feb30.validate(),
        Err(CalendarError::BadHoliday { index: 0 })
    );
    feb30.holidays = vec![Holiday::Yearly { month: 4, day: 0 }];
    assert_eq!(
        feb30.validate(),
        Err(CalendarError::BadHoliday { index: 0 })
    );
    feb30.holidays = vec![Holiday::Yearly { month: 2, day: 29 }];
    assert_eq!(feb30.validate(), Ok(()));
}

#[test]
fn every_date_a_holiday_is_unreachable() {
    let mut cal = every_day(Sao_Paulo, &[iv(0, 0, 24, 0)]);
    for month in 1..=12 {
        for day in 1..=31 {
            if NaiveDate::from_ymd_opt(2000, month, day).is_some() {
                cal.holidays.push(Holiday::Yearly { month, day });
            }
        }
    }
    assert_eq!(cal.holidays.len(), 366);
    assert_eq!(cal.validate(), Ok(()));
    let s = utc(2026, 5, 5, 12, 0);
    assert_eq!(
        cal.add_working_minutes(s, 1),
        Err(CalendarError::Unreachable)
    );
    assert_eq!(cal.working_minutes_between(s, s + Duration::days(4000)), 0);
    assert_eq!(add(&cal, s, 0), s);
}

#[test]
fn targets_beyond_ten_years_are_unreachable() {
    // One minute a week: a thousand minutes need about 19 years.
    let mut cal = calendar(Sao_Paulo, Default::default());
    cal.week[2] = vec![iv(10, 0, 10, 1)];
    let s = at(Sao_Paulo, 2026, 3, 2, 0, 0);
    assert_eq!(
        cal.add_working_minutes(s, 1_000),
        Err(CalendarError::Unreachable)
    );
    let r = add(&cal, s, 500);
    assert_eq!(cal.working_minutes_between(s, r), 500);
    assert_eq!(r.with_timezone(&Sao_Paulo).time().hour(), 10);

    let mut open = cal.clone();
    open.always_open = true;
    assert_eq!(
        open.add_working_minutes(s, 6_000_000),
        Err(CalendarError::Unreachable)
    );
    assert!(open.add_working_minutes(s, 5_000_000).is_ok());
}

#[test]
fn extreme_instants_do_not_panic() {
    let cal = office_sp();
    let max = DateTime::<Utc>::MAX_UTC;
    let min = DateTime::<Utc>::MIN_UTC;
    assert_eq!(
        cal.add_working_minutes(max, 1),
        Err(CalendarError::Unreachable)
    );
    // The local date of the earliest instant precedes chrono's first date: nothing to search.
    assert_eq!(
        cal.add_working_minutes(min, 1),
        Err(CalendarError::Unreachable)
    );
    assert_eq!(cal.add_working_minutes(max, 0), Ok(max));
    assert!(cal.working_minutes_between(min, min + TimeDelta::days(30)) > 0);
    assert_eq!(
        cal.working_minutes_between(max - TimeDelta::days(30), max),
        0
    );
    assert!(cal.working_spans_on(NaiveDate::MAX).is_empty());
    assert!(cal.working_spans_on(NaiveDate::MIN).is_empty());
    let mut open = cal.clone();
    open.always_open = true;
    assert_eq!(
        open.add_working_minutes(max, 1),
        Err(CalendarError::Unreachable)
    );
    assert_eq!(
        open.working_minutes_between(min, max),
        (max - min).num_minutes()
    );
}

#[test]
fn time_zone_is_stored_by_name() {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    let de: StrDeserializer<Error> = "America/Sao_Paulo".into_deserializer();
    assert_eq!(tz_name::deserialize(de), Ok(Sao_Paulo));
    let bad: StrDeserializer<Error> = "Mars/Olympus_Mons".into_deserializer();
    assert!(tz_name::deserialize(bad).is_err());
}

#[test]
fn errors_explain_themselves() {
    let text = CalendarError::BadInterval {
        weekday: 2,
        index: 1,
    }
    .to_string();
    assert!(text.contains("weekday 2"), "{text}");
    assert!(CalendarError::Unreachable.to_string().contains("3653"));
}

// ---------------------------------------------------------------- properties

const ZONES: [Tz; 5] = [Madrid, Sao_Paulo, chrono_tz::UTC, Santiago, Havana];

fn day_strategy() -> impl Strategy<Value = Vec<Interval>> {
    // Cut points, paired off after sorting, give non-overlapping intervals; midnight is
    // favoured so that days often join up across it.
    let point = prop_oneof![4 => 0u16..=1440, 1 => Just(0u16), 1 => Just(1440u16)];
    prop::collection::vec(point, 0..=6).prop_map(|mut points| {
        points.sort_unstable();
        points.dedup();
        points
            .chunks_exact(2)
            .map(|c| Interval {
                start: c[0],
                end: c[1],
            })
            .collect()
    })
}

fn holiday_strategy() -> impl Strategy<Value = Holiday> {
    prop_oneof![
        (0i64..8 * 366).prop_map(|d| Holiday::Once(date(2024, 1, 1) + Duration::days(d))),
        (1u32..=12, 1u32..=28).prop_map(|(month, day)| Holiday::Yearly { month, day }),
        Just(Holiday::Yearly { month: 2, day: 29 }),
    ]
}

fn calendar_strategy() -> impl Strategy<Value = Calendar> {
    // A short interval on a single weekday makes large targets run past the ten-year horizon.
    let sparse = (0usize..7, 0u16..1380, 1u16..=60).prop_map(|(weekday, start, len)| {
        let mut week: [Vec<Interval>; 7] = Default::default();
        week[weekday] = vec![Interval {
            start,
            end: start + len,
        }];
        week
    });
    (
        prop::sample::select(ZONES.to_vec()),
        prop::bool::weighted(0.1),
        prop_oneof![4 => prop::array::uniform7(day_strategy()), 1 => sparse],
        prop::collection::vec(holiday_strategy(), 0..6),
    )
        .prop_map(|(time_zone, always_open, week, holidays)| Calendar {
            time_zone,
            always_open,
            week,
            holidays,
        })
        .prop_filter("calendar must be valid", |c| c.validate().is_ok())
}

/// Instants in 2024–2030, often close to a DST change of one of the zones above.
fn instant_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    let lo = utc(2024, 1, 1, 0, 0).timestamp();
    let hi = utc(2031, 1, 1, 0, 0).timestamp();
    let nanos = prop_oneof![Just(0u32), 0u32..1_000_000_000];
    let anywhere =
        (lo..hi, nanos.clone()).prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap());
    // Madrid: last Sunday of March/October; Santiago: first Sunday of April/September;
    // Havana: second Sunday of March, first Sunday of November.
    let near_change = (2024i32..=2030, 0usize..6, -3 * 86_400i64..3 * 86_400, nanos).prop_map(
        |(year, which, secs, n)| {
            let (month, nth) = [(3, 5), (10, 5), (4, 1), (9, 1), (3, 2), (11, 1)][which];
            let sunday =
                NaiveDate::from_weekday_of_month_opt(year, month, chrono::Weekday::Sun, nth)
                    .or_else(|| {
                        NaiveDate::from_weekday_of_month_opt(year, month, chrono::Weekday::Sun, 4)
                    })
                    .unwrap();
            sunday.and_hms_opt(3, 0, 0).unwrap().and_utc()
                + Duration::seconds(secs)
                + Duration::nanoseconds(i64::from(n))
        },
    );
    prop_oneof![anywhere, near_change]
}

/// Working time in `[from, to)` in nanoseconds, added up day by day from `working_spans_on`.
fn reference_between_ns(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i128 {
    let mut day = from.with_timezone(&cal.time_zone).date_naive() - Duration::days(1);
    let last = to.with_timezone(&cal.time_zone).date_naive() + Duration::days(1);
    let mut total = 0;
    while day <= last {
        for (a, b) in cal.working_spans_on(day) {
            let (a, b) = (a.max(from), b.min(to));
            if a < b {
                total += (b - a).num_nanoseconds().unwrap() as i128;
            }
        }
        day = day.succ_opt().unwrap();
    }
    total
}

proptest! {
    #[test]
    fn prop_between_undoes_add(cal in calendar_strategy(), s in instant_strategy(), n in 0i64..200_000) {
        if let Ok(r) = cal.add_working_minutes(s, n) {
            prop_assert!(r >= s);
            prop_assert_eq!(cal.working_minutes_between(s, r), n);
        }
    }

    #[test]
    fn prop_add_is_additive(
        cal in calendar_strategy(), s in instant_strategy(), a in 0i64..200_000, b in 0i64..200_000,
    ) {
        if let Ok(whole) = cal.add_working_minutes(s, a + b) {
            let first = cal.add_working_minutes(s, a);
            prop_assert!(first.is_ok());
            let stepwise = cal.add_working_minutes(first.unwrap(), b);
            prop_assert_eq!(stepwise, Ok(whole));
        }
    }

    #[test]
    fn prop_add_is_monotonic(
        cal in calendar_strategy(), s in instant_strategy(), a in 0i64..200_000, b in 0i64..200_000,
    ) {
        let (a, b) = (a.min(b), a.max(b));
        if let Ok(later) = cal.add_working_minutes(s, b) {
            let earlier = cal.add_working_minutes(s, a);
            prop_assert!(earlier.is_ok());
            prop_assert!(earlier.unwrap() <= later);
        }
    }

    #[test]
    fn prop_between_is_additive(
        cal in calendar_strategy(), a in instant_strategy(), b in instant_strategy(), c in instant_strategy(),
    ) {
        let mut v = [a, b, c];
        v.sort();
        let [a, b, c] = v;
        let whole = cal.working_minutes_between(a, c);
        let parts = cal.working_minutes_between(a, b) + cal.working_minutes_between(b, c);
        // Each call floors once: the parts may lose at most one minute between them.
        prop_assert!(whole == parts || whole == parts + 1, "whole {} parts {}", whole, parts);
    }

    #[test]
    fn prop_always_open_is_plain_arithmetic(
        mut cal in calendar_strategy(), s in instant_strategy(), n in 0i64..200_000,
    ) {
        cal.always_open = true;
        let r = s + Duration::minutes(n);
        prop_assert_eq!(cal.add_working_minutes(s, n), Ok(r));
        prop_assert_eq!(cal.working_minutes_between(s, r), n);
        // A calendar open 00:00–24:00 every day without holidays agrees, DST included.
        let full = every_day(cal.time_zone, &[iv(0, 0, 24, 0)]);
        prop_assert_eq!(full.add_working_minutes(s, n), Ok(r));
    }

    #[test]
    fn prop_between_matches_daily_spans(
        cal in calendar_strategy(), a in instant_strategy(), len in 0i64..60 * 86_400,
    ) {
        let b = a + Duration::seconds(len);
        let expected = reference_between_ns(&cal, a, b) / 60_000_000_000;
        prop_assert_eq!(i128::from(cal.working_minutes_between(a, b)), expected);
    }

    #[test]
    fn prop_add_lands_at_the_earliest_instant(
        cal in calendar_strategy(), s in instant_strategy(), n in 1i64..50_000,
    ) {
        if let Ok(r) = cal.add_working_minutes(s, n) {
            // Against the day-by-day reference: exactly n minutes, and r ends working time
            // (a span of its own local day, or of the day before, contains (r - ε, r]).
            prop_assert_eq!(reference_between_ns(&cal, s, r), i128::from(n) * 60_000_000_000);
            let day = r.with_timezone(&cal.time_zone).date_naive();
            let inside = [day - Duration::days(1), day]
                .into_iter()
                .flat_map(|d| cal.working_spans_on(d))
                .any(|(x, y)| x < r && r <= y);
            prop_assert!(inside, "{} is not the end of working time", r);
        }
    }

    #[test]
    fn prop_daily_spans_are_ordered_and_disjoint(cal in calendar_strategy(), s in instant_strategy()) {
        let day = s.with_timezone(&cal.time_zone).date_naive();
        let mut previous_end: Option<DateTime<Utc>> = None;
        for d in [day - Duration::days(1), day, day + Duration::days(1)] {
            for (a, b) in cal.working_spans_on(d) {
                prop_assert!(a < b);
                if let Some(end) = previous_end {
                    prop_assert!(end <= a);
                }
                previous_end = Some(b);
            }
        }
    }
}
