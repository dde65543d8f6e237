//! How dates and times read on screen and on paper: one format per
//! language, written here and nowhere else, always in the reader's time zone.
//!
//! | language | date       | time  | date and time    |
//! |----------|------------|-------|------------------|
//! | pt-BR    | 03/12/2026 | 14:05 | 03/12/2026 14:05 |
//! | gl       | 03/12/2026 | 14:05 | 03/12/2026 14:05 |
//! | en       | 03/12/2026 | 14:05 | 03/12/2026 14:05 |
//!
//! Day first with a four-digit year in every language: English is the
//! edition of a day-first product (as British English writes it), so a
//! date means the same day to colleagues of one workspace whatever language
//! each reads in, and a two-digit year never leaves a century to guess.
//! Times are 24-hour. What is not display keeps ISO 8601: the values of
//! `<input type=date>` (the HTML standard requires `yyyy-mm-dd`), data
//! attributes read by scripts, stored values and CSV exports.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use crate::core::lang::Lang;

/// Two digits, zero first: a page's dates are a few dozen of these, and
/// going through `fmt` took most of their cost.
fn push_two_digits(out: &mut String, value: u32) {
    out.push(char::from(b'0' + (value / 10 % 10) as u8));
    out.push(char::from(b'0' + (value % 10) as u8));
}

fn push_year(out: &mut String, year: i32) {
    match u32::try_from(year) {
        Ok(year) if year <= 9999 => {
            push_two_digits(out, year / 100);
            push_two_digits(out, year % 100);
        }
        _ => {
            use std::fmt::Write;
            let _ = write!(out, "{year:04}");
        }
    }
}

/// Writes a calendar date as `lang` shows it. Written out rather than
/// formatted through chrono, which parses its pattern again for every date
/// and took a fifth of the case list's rendering.
pub fn write_date(out: &mut String, lang: Lang, date: &impl Datelike) {
    // Each language is named, so that a new one chooses its order here.
    match lang {
        Lang::PtBr | Lang::Gl | Lang::En => {
            push_two_digits(out, date.day());
            out.push('/');
            push_two_digits(out, date.month());
            out.push('/');
            push_year(out, date.year());
        }
    }
}

fn write_time(out: &mut String, lang: Lang, time: &impl Timelike) {
    match lang {
        Lang::PtBr | Lang::Gl | Lang::En => {
            push_two_digits(out, time.hour());
            out.push(':');
            push_two_digits(out, time.minute());
        }
    }
}

/// A calendar date (a contract's start, a product's expiry): no time zone,
/// it is the same day everywhere.
pub fn date(lang: Lang, date: &NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    write_date(&mut out, lang, date);
    out
}

/// The day an instant falls on in `tz`.
pub fn day(lang: Lang, tz: Tz, at: &DateTime<Utc>) -> String {
    date(lang, &at.with_timezone(&tz).date_naive())
}

/// The time of day of an instant in `tz`.
pub fn time(lang: Lang, tz: Tz, at: &DateTime<Utc>) -> String {
    let mut out = String::with_capacity(5);
    write_time(&mut out, lang, &at.with_timezone(&tz));
    out
}

/// An instant: its day, then its time, in `tz`.
pub fn datetime(lang: Lang, tz: Tz, at: &DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    let mut out = String::with_capacity(16);
    write_date(&mut out, lang, &local);
    out.push(' ');
    write_time(&mut out, lang, &local);
    out
}

/// A moment in a file name (an export): sorts as text, in the reader's time zone.
pub fn file_stamp(tz: Tz, at: &DateTime<Utc>) -> String {
    at.with_timezone(&tz).format("%Y%m%d-%H%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("instant")
            .with_timezone(&Utc)
    }

    const SAO_PAULO: Tz = chrono_tz::America::Sao_Paulo;

    #[test]
    fn every_language_writes_day_month_and_four_digit_year() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
        for lang in Lang::ALL {
            assert_eq!(date(lang, &day), "03/12/2026", "{lang:?}");
        }
        let early = NaiveDate::from_ymd_opt(987, 1, 9).expect("date");
        assert_eq!(date(Lang::Gl, &early), "09/01/0987");
    }

    #[test]
    fn instants_are_shown_in_the_readers_time_zone() {
        let instant = at("2026-12-03T01:28:00Z");
        assert_eq!(
            datetime(Lang::PtBr, SAO_PAULO, &instant),
            "02/12/2026 22:28"
        );
        assert_eq!(day(Lang::Gl, SAO_PAULO, &instant), "02/12/2026");
        assert_eq!(time(Lang::En, SAO_PAULO, &instant), "22:28");
        let madrid = chrono_tz::Europe::Madrid;
        assert_eq!(datetime(Lang::Gl, madrid, &instant), "03/12/2026 02:28");
    }

    #[test]
    fn summer_time_changes_the_offset_not_the_format() {
        let madrid = chrono_tz::Europe::Madrid;
        assert_eq!(
            datetime(Lang::En, madrid, &at("2026-07-01T12:00:00Z")),
            "01/07/2026 14:00"
        );
        assert_eq!(
            datetime(Lang::En, madrid, &at("2026-01-01T12:00:00Z")),
            "01/01/2026 13:00"
        );
    }

    #[test]
    fn the_fast_writer_agrees_with_chrono_on_every_kind_of_day() {
        let first = at("1999-12-31T23:59:00Z");
        // Every 97 hours for a little over 11 years: every day of the month,
        // every month, years either side of 2000 and summer times.
        for step in 0..1_000 {
            let instant = first + chrono::Duration::hours(97 * step);
            let expected = instant
                .with_timezone(&SAO_PAULO)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            for lang in Lang::ALL {
                assert_eq!(datetime(lang, SAO_PAULO, &instant), expected, "{instant}");
            }
        }
    }

    #[test]
    fn file_names_carry_the_local_moment_in_sortable_order() {
        assert_eq!(
            file_stamp(SAO_PAULO, &at("2026-01-02T03:04:00Z")),
            "20260102-0004"
        );
    }
}
