//! Durations as people type them and as pages show them.
//!
//! Every field that takes a length of time (billable time at resolution, an
//! activity's duration, SLA deadlines, the hours of an entitlement) reads it
//! with the one grammar here, and every page writes it with `format` or
//! `clock`, so whatever the service prints can be typed back as it stands.
//! People write "70", "70 min", "1h10", "1 h 10 min", "1:10", "1,5 h",
//! "1.5h", "2 horas", "90 minutos", "1 hour and 10 minutes"; each field says
//! what a number alone means (minutes for work, hours for an entitlement).

use crate::core::lang::Lang;

/// What a number typed without a unit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Hours,
}

/// A field that takes a duration: what a bare number means, the minutes it
/// accepts, and the message shown next to it for each kind of refusal.
#[derive(Debug, Clone, Copy)]
pub struct DurationField {
    pub bare: Unit,
    pub min: i64,
    pub max: i64,
    pub unreadable: &'static str,
    pub too_short: &'static str,
    pub too_long: &'static str,
}

/// The longest an activity may last (the activities table holds it too).
pub const ACTIVITY_MAX_MINUTES: i64 = 100_000;

impl DurationField {
    /// An activity's duration: minutes by default, up to the table's limit.
    pub const ACTIVITY: DurationField = DurationField {
        bare: Unit::Minutes,
        min: 0,
        max: ACTIVITY_MAX_MINUTES,
        unreadable: "error-duration",
        too_short: "error-duration-negative",
        too_long: "error-duration-activity-max",
    };

    /// The billable time confirmed at resolution: the sum of many
    /// activities, so far above one activity's limit.
    pub const BILLABLE: DurationField = DurationField {
        bare: Unit::Minutes,
        min: 0,
        max: 100_000 * 60,
        unreadable: "error-duration",
        too_short: "error-duration-negative",
        too_long: "error-duration-billable-max",
    };

    /// An entitlement's hours: a number alone counts hours.
    pub const ENTITLEMENT_HOURS: DurationField = DurationField {
        bare: Unit::Hours,
        min: 0,
        max: 1_000_000 * 60,
        unreadable: "entitlement-error-units-hours",
        too_short: "error-duration-negative",
        too_long: "error-duration-entitlement-max",
    };

    /// Reads what was typed into minutes; an empty field is `None`.
    pub fn read(&self, text: &str) -> Result<Option<i32>, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let minutes = match parse(text, self.bare) {
            Ok(minutes) => minutes,
            Err(Refused::Negative) => return Err("error-duration-negative"),
            Err(Refused::Huge) => return Err(self.too_long),
            Err(Refused::Unreadable) => return Err(self.unreadable),
        };
        if minutes < self.min {
            return Err(self.too_short);
        }
        if minutes > self.max {
            return Err(self.too_long);
        }
        i32::try_from(minutes).map(Some).map_err(|_| self.too_long)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    Unreadable,
    Negative,
    Huge,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Whole part and up to two decimals ("1,5" is 1 and "5").
    Number(i64, Option<(i64, u32)>),
    Hours,
    Minutes,
    /// "e", "and", "y": between hours and minutes.
    And,
    Colon,
    Minus,
}

/// More digits than this is not a duration anyone means.
const MAX_DIGITS: usize = 9;

/// The words each language uses for hours and minutes, full and short.
fn word(text: &str) -> Option<Token> {
    Some(match text {
        "h" | "hr" | "hrs" | "hora" | "horas" | "hour" | "hours" => Token::Hours,
        "m" | "min" | "mins" | "minuto" | "minutos" | "minute" | "minutes" => Token::Minutes,
        "e" | "and" | "y" => Token::And,
        _ => return None,
    })
}

fn tokens(text: &str) -> Result<Vec<Token>, Refused> {
    let lower = text.to_lowercase();
    let mut chars = lower.chars().peekable();
    let mut out = Vec::new();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() {
            let mut whole = String::new();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                whole.push(d);
            }
            let mut fraction = None;
            if let Some(&sep) = chars.peek()
                && (sep == ',' || sep == '.')
            {
                chars.next();
                let mut digits = String::new();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                // "1,5" and "1.25" are decimals; "1.000" would be a thousands
                // separator in Portuguese, and reading it either way guesses.
                if digits.is_empty() || digits.len() > 2 {
                    return Err(Refused::Unreadable);
                }
                let places = u32::try_from(digits.len()).map_err(|_| Refused::Unreadable)?;
                fraction = Some((digits.parse().map_err(|_| Refused::Unreadable)?, places));
            }
            if whole.trim_start_matches('0').len() > MAX_DIGITS {
                return Err(Refused::Huge);
            }
            out.push(Token::Number(
                whole.parse().map_err(|_| Refused::Unreadable)?,
                fraction,
            ));
        } else if c.is_alphabetic() {
            let mut letters = String::new();
            while let Some(l) = chars.next_if(|l| l.is_alphabetic()) {
                letters.push(l);
            }
            // "min." and "h." are abbreviations.
            chars.next_if_eq(&'.');
            out.push(word(&letters).ok_or(Refused::Unreadable)?);
        } else if c == ':' {
            chars.next();
            out.push(Token::Colon);
        } else if c == '-' || c == '\u{2212}' {
            chars.next();
            out.push(Token::Minus);
        } else {
            return Err(Refused::Unreadable);
        }
    }
    Ok(out)
}

/// Minutes of a whole number of minutes, or of hours with up to two
/// decimals (rounded to the nearest minute).
fn quantity(whole: i64, fraction: Option<(i64, u32)>, unit: Unit) -> Result<i64, Refused> {
    match unit {
        Unit::Minutes if fraction.is_some_and(|(f, _)| f != 0) => Err(Refused::Unreadable),
        Unit::Minutes => Ok(whole),
        Unit::Hours => {
            let (f, places) = fraction.unwrap_or((0, 0));
            let scale = 10_i64.pow(places);
            Ok(whole * 60 + (f * 60 * 2 + scale) / (2 * scale))
        }
    }
}

/// Minutes after whole hours: an integer below 60.
fn minutes_part(m: i64, fraction: Option<(i64, u32)>) -> Result<i64, Refused> {
    if fraction.is_some() || m >= 60 {
        return Err(Refused::Unreadable);
    }
    Ok(m)
}

fn parse(text: &str, bare: Unit) -> Result<i64, Refused> {
    let mut tokens = tokens(text)?;
    if tokens.first() == Some(&Token::Minus) {
        tokens.remove(0);
        // Said as a duration, but below zero: a message of its own.
        return positive(&tokens, bare).and(Err(Refused::Negative));
    }
    positive(&tokens, bare)
}

fn positive(tokens: &[Token], bare: Unit) -> Result<i64, Refused> {
    use Token::{And, Colon, Hours, Minutes, Number};
    match tokens {
        // "70", "1,5", "70 min", "1.5 h", "2 horas"
        [Number(n, f)] => quantity(*n, *f, bare),
        [Number(n, f), Minutes] => quantity(*n, *f, Unit::Minutes),
        [Number(n, f), Hours] => quantity(*n, *f, Unit::Hours),
        // "1:10", "1:10 h"
        [Number(h, None), Colon, Number(m, None)]
        | [Number(h, None), Colon, Number(m, None), Hours] => Ok(h * 60 + minutes_part(*m, None)?),
        // "1h10", "1 h 10 min", "1 hora e 10 minutos"
        [Number(h, None), Hours, rest @ ..] => {
            let rest = match rest {
                [And, rest @ ..] => rest,
                rest => rest,
            };
            match rest {
                [Number(m, f)] | [Number(m, f), Minutes] => Ok(h * 60 + minutes_part(*m, *f)?),
                _ => Err(Refused::Unreadable),
            }
        }
        _ => Err(Refused::Unreadable),
    }
}

/// A duration as pages show it: "45 min", "2 h", "1 h 05 min", with the
/// unit words of the language.
pub fn format(minutes: i64, lang: Lang) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let abs = minutes.unsigned_abs();
    let (h, m) = (abs / 60, abs % 60);
    let hours = lang.t("duration-unit-hours");
    let mins = lang.t("duration-unit-minutes");
    match (h, m) {
        (0, m) => format!("{sign}{m} {mins}"),
        (h, 0) => format!("{sign}{h} {hours}"),
        (h, m) => format!("{sign}{h} {hours} {m:02} {mins}"),
    }
}

/// A duration as the fields of deadlines and hours show it: "1:05".
pub fn clock(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let abs = minutes.unsigned_abs();
    format!("{sign}{}:{:02}", abs / 60, abs % 60)
}

#[cfg(test)]
#[path = "duration_tests.rs"]
mod tests;
