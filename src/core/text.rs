//! The rules typed text must meet before it is kept: storable, one line or
//! several, of bounded length, an e-mail, a date within the years of a
//! service desk. Each refusal is a Fluent key for the field's message.

/// What stands for a byte the request carried but no text can hold.
pub const UNREADABLE: char = '\u{FFFD}';

/// One line of text: trimmed, no control characters, at most `max` characters.
pub fn line(value: &str, max: usize) -> Result<String, &'static str> {
    let value = value.trim();
    if value.contains(UNREADABLE) {
        return Err("error-unreadable-chars");
    }
    if value.chars().any(char::is_control) {
        return Err("error-control-chars");
    }
    if value.chars().count() > max {
        return Err("error-too-long");
    }
    Ok(value.to_owned())
}

/// A required line of text.
pub fn required_line(value: &str, max: usize) -> Result<String, &'static str> {
    let value = line(value, max)?;
    if value.is_empty() {
        return Err("error-required");
    }
    Ok(value)
}

/// Free text: line breaks and tabs allowed, other control characters not.
pub fn multiline(value: &str, max: usize) -> Result<String, &'static str> {
    if value.contains(UNREADABLE) {
        return Err("error-unreadable-chars");
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("error-control-chars");
    }
    if value.chars().count() > max {
        return Err("error-too-long");
    }
    Ok(value.trim().replace("\r\n", "\n"))
}

/// An e-mail address, lowercased. Deliberately loose: one `@`, a dot in the domain.
pub fn email(value: &str) -> Result<String, &'static str> {
    let value = required_line(value, 254)?.to_lowercase();
    let valid = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value.contains(char::is_whitespace)
            && !domain.contains('@')
    });
    if valid { Ok(value) } else { Err("error-email") }
}

/// Decoded text (a multipart field, a file name) made storable the same way.
pub fn storable(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    }
}

/// The years a typed date may fall in. The calendars reach much further,
/// but SLA and entitlement arithmetic turns dates into timestamps, which
/// PostgreSQL ends in 294276, and no case, contract or product date of a
/// service desk lies outside these.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// A date as a date input sends it (`yyyy-mm-dd`), within `YEARS`.
pub fn date(text: &str) -> Result<chrono::NaiveDate, &'static str> {
    let day =
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| "error-date")?;
    in_years(day)
}

/// A date and time as a datetime-local input sends it, within `YEARS`.
pub fn local_datetime(text: &str) -> Result<chrono::NaiveDateTime, &'static str> {
    let text = text.trim();
    let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "error-datetime")?;
    in_years(at.date()).map(|_| at)
}

fn in_years(day: chrono::NaiveDate) -> Result<chrono::NaiveDate, &'static str> {
    use chrono::Datelike;
    if YEARS.contains(&day.year()) {
        Ok(day)
    } else {
        Err("error-date-range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_refuse_what_could_not_be_read() {
        assert_eq!(line("Ana \u{FFFD}", 10), Err("error-unreadable-chars"));
        assert_eq!(multiline("a\n\u{FFFD}", 10), Err("error-unreadable-chars"));
        assert_eq!(storable("a\0b".to_owned()), "a\u{FFFD}b");
    }

    #[test]
    fn dates_outside_the_years_of_a_service_desk_are_refused() {
        assert!(date("2026-12-07").is_ok());
        assert_eq!(date("-200000-01-01"), Err("error-date-range"));
        assert_eq!(date("3000-01-01"), Err("error-date-range"));
        assert!(date("99999-12-31").is_err());
        assert_eq!(date("2026-02-30"), Err("error-date"));
        assert_eq!(local_datetime("1800-12-31T10:00"), Err("error-date-range"));
        assert!(local_datetime("2026-12-07T10:00").is_ok());
    }
}
