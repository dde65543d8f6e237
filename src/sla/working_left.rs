//! What a timer shows: the working time left to its deadline, as the SLA
//! counts it, in the deadline's calendar. A clock countdown and a working
//! one disagree by every lunch break, night and weekend before the
//! deadline, and a paused timer can only be told in working time; so every
//! timer is told in working time and labelled so ("faltam 3 h 58 min
//! úteis"), running or paused, in the case header, the SLA tab and the
//! lists. The deadline itself is an instant, shown as a date and time.

use chrono::{DateTime, Duration, Utc};

use crate::sla::calendar::Calendar;

/// How far ahead a running count is said to keep moving: the page is
/// refreshed long before.
const RUNS_AT_MOST: i64 = 7 * 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingLeft {
    /// Working seconds to the deadline, negative once it has passed (then
    /// how long ago in working time). Shown in whole minutes, rounded down.
    pub seconds: i64,
    /// For how many seconds from now the count keeps moving: until the end
    /// of the working time `now` lies in, 0 outside working time or paused.
    /// The page's script ticks it that long, then leaves it standing.
    pub runs_for: i64,
}

impl WorkingLeft {
    /// A running timer at `now`.
    pub fn running(calendar: &Calendar, now: DateTime<Utc>, deadline: DateTime<Utc>) -> Self {
        let seconds = if now <= deadline {
            calendar.working_seconds_between(now, deadline)
        } else {
            -calendar.working_seconds_between(deadline, now)
        };
        WorkingLeft {
            seconds,
            runs_for: runs_for(calendar, now),
        }
    }

    /// A timer paused at `paused_at`: what it had left then, standing still.
    pub fn paused(calendar: &Calendar, paused_at: DateTime<Utc>, deadline: DateTime<Utc>) -> Self {
        WorkingLeft {
            seconds: calendar.working_seconds_between(paused_at, deadline),
            runs_for: 0,
        }
    }

    pub fn overdue(&self) -> bool {
        self.seconds < 0
    }

    /// The amount, as the page and static/app.js write it: "3 h 58 min",
    /// "45 min". Hours are not folded into days: a working day is not 24 h.
    pub fn span(&self) -> String {
        span(self.seconds)
    }
}

pub fn span(seconds: i64) -> String {
    let minutes = seconds.unsigned_abs() / 60;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else {
        format!("{minutes} min")
    }
}

/// Seconds from `now` to the end of the working time it lies in, across
/// midnight when the next day's work starts where this one's ends.
fn runs_for(calendar: &Calendar, now: DateTime<Utc>) -> i64 {
    if calendar.always_open {
        return RUNS_AT_MOST;
    }
    let limit = now + Duration::seconds(RUNS_AT_MOST);
    let today = now.with_timezone(&calendar.time_zone).date_naive();
    let mut end: Option<DateTime<Utc>> = None;
    let mut date = today;
    // A stretch goes on while each day's first span starts where the
    // last one ended; the horizon bounds a calendar open every hour.
    while end.is_none_or(|at| at < limit) {
        let before = end;
        for (start, stop) in calendar.working_spans_on(date) {
            match end {
                None if start <= now && now < stop => end = Some(stop),
                Some(at) if start == at => end = Some(stop),
                _ => {}
            }
        }
        if end.is_none() || end == before {
            break;
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    end.map_or(0, |at| (at.min(limit) - now).num_seconds().max(0))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::America::Sao_Paulo;

    use super::*;
    use crate::sla::calendar::Interval;

    /// 09:00–12:00 and 13:00–18:00 on weekdays: an hour for lunch.
    fn office() -> Calendar {
        let day = vec![
            Interval {
                start: 9 * 60,
                end: 12 * 60,
            },
            Interval {
                start: 13 * 60,
                end: 18 * 60,
            },
        ];
        Calendar {
            time_zone: Sao_Paulo,
            always_open: false,
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                vec![],
                vec![],
            ],
            holidays: vec![],
        }
    }

    /// São Paulo wall-clock time in November 2026 (Monday the 23rd).
    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Sao_Paulo
            .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_running_timer_counts_working_time_and_runs_to_the_end_of_the_stretch() {
        // 11:02 to 16:00: 58 minutes before lunch, 3 hours after.
        let left = WorkingLeft::running(&office(), at(23, 11, 2), at(23, 16, 0));
        assert_eq!(left.span(), "3 h 58 min");
        assert!(!left.overdue());
        assert_eq!(left.runs_for, 58 * 60, "until lunch");

        let at_lunch = WorkingLeft::running(&office(), at(23, 12, 30), at(23, 16, 0));
        assert_eq!(at_lunch.span(), "3 h 00 min");
        assert_eq!(at_lunch.runs_for, 0, "nothing moves over lunch");
    }

    #[test]
    fn pausing_keeps_the_same_amount_of_time() {
        let running = WorkingLeft::running(&office(), at(23, 11, 2), at(23, 16, 0));
        let paused = WorkingLeft::paused(&office(), at(23, 11, 2), at(23, 16, 0));
        assert_eq!(paused.seconds, running.seconds);
        assert_eq!(paused.runs_for, 0);
    }

    #[test]
    fn an_overdue_timer_says_how_much_working_time_ago() {
        // Due Friday 17:00, seen Monday 10:00: one hour on Friday, one on Monday.
        let left = WorkingLeft::running(&office(), at(30, 10, 0), at(27, 17, 0));
        assert!(left.overdue());
        assert_eq!(left.span(), "2 h 00 min");
        assert_eq!(left.runs_for, 2 * 3600);
    }

    #[test]
    fn hours_are_not_folded_into_days() {
        assert_eq!(span(27 * 3600 + 5 * 60), "27 h 05 min");
        assert_eq!(span(59), "0 min");
        assert_eq!(span(-(45 * 60)), "45 min");
    }

    #[test]
    fn a_round_the_clock_calendar_counts_clock_time_and_always_runs() {
        let mut always = office();
        always.always_open = true;
        let left = WorkingLeft::running(&always, at(28, 22, 0), at(29, 1, 30));
        assert_eq!(left.span(), "3 h 30 min");
        assert_eq!(left.runs_for, RUNS_AT_MOST);
    }

    #[test]
    fn a_night_shift_runs_on_across_midnight() {
        let mut nights = office();
        nights.week = std::array::from_fn(|_| {
            vec![
                Interval {
                    start: 0,
                    end: 6 * 60,
                },
                Interval {
                    start: 22 * 60,
                    end: 24 * 60,
                },
            ]
        });
        let left = WorkingLeft::running(&nights, at(23, 23, 0), at(24, 5, 0));
        assert_eq!(left.span(), "6 h 00 min");
        assert_eq!(left.runs_for, 7 * 3600, "until 06:00 the next morning");
    }
}
