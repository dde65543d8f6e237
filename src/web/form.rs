//! Reading forms without ever losing what the user typed.
//!
//! Form DTOs have only `String` / `Option<String>` / `Vec<String>` fields, so
//! deserialising cannot fail on a value; validation happens in each feature's
//! model and produces `FieldErrors` (Fluent keys per field) for a 422 page
//! that echoes the input.
//!
//! Every value a request carries can be stored: form bodies, query strings
//! and multipart fields are read here, and here alone, and PostgreSQL's
//! `text` holds neither U+0000 nor bytes that are not UTF-8. Both become
//! U+FFFD, the character browsers show for what they cannot read (lossy
//! UTF-8 decoding already leaves it for stray bytes). Searches then simply
//! find nothing for it, and the text validators below refuse it with a
//! message next to the field, keeping the rest of what was typed.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ErrorPage;

pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(error(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| error(rejection.status()))?;
        parse(&bytes)
            .map(Form)
            .ok_or_else(|| error(StatusCode::BAD_REQUEST))
    }
}

/// A query string read into a string-only DTO, with the same leniency and
/// the same cleaning as a form body; one that still cannot be read is a 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(Query)
            .ok_or_else(|| error(StatusCode::BAD_REQUEST))
    }
}

/// Parses a urlencoded body or query string. A field sent twice where one
/// value is expected (a replayed or tampered form) keeps its first value
/// instead of failing.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let cleaned = without_nul(bytes);
    let bytes = cleaned.as_ref();
    if let Ok(value) = serde_html_form::from_bytes(bytes) {
        return Some(value);
    }
    let mut seen = std::collections::HashSet::new();
    let first_only: Vec<(String, String)> = form_urlencoded::parse(bytes)
        .filter(|(name, _)| seen.insert(name.to_string()))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let body = serde_html_form::to_string(&first_only).ok()?;
    serde_html_form::from_str(&body).ok()
}

/// What U+0000 becomes, percent-encoded as it would stand in a form body.
const REPLACEMENT_ENCODED: &[u8] = b"%EF%BF%BD";

/// The urlencoded text with every U+0000, raw or escaped, turned into an
/// escaped U+FFFD. Working on the encoded bytes keeps the common case (no
/// such byte) free of a second decoding; `%00` cannot be the tail of another
/// escape, since a literal `%` is itself escaped as `%25`.
fn without_nul(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let has_nul = bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00");
    if !has_nul {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut cleaned = Vec::with_capacity(bytes.len() + 16);
    let mut rest = bytes;
    while let Some(&first) = rest.first() {
        if first == 0 {
            cleaned.extend_from_slice(REPLACEMENT_ENCODED);
            rest = &rest[1..];
        } else if rest.starts_with(b"%00") {
            cleaned.extend_from_slice(REPLACEMENT_ENCODED);
            rest = &rest[3..];
        } else {
            cleaned.push(first);
            rest = &rest[1..];
        }
    }
    std::borrow::Cow::Owned(cleaned)
}

/// Decoded text (a multipart field, a file name) made storable the same way.
pub fn storable(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    }
}

fn error(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage);
    response
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

/// A record id from the path; anything unparsable is simply not found.
pub fn parse_id(text: &str) -> Result<uuid::Uuid, crate::error::AppError> {
    uuid::Uuid::parse_str(text).map_err(|_| crate::error::AppError::NotFound)
}

/// Per-field problems, as Fluent message keys.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, &'static str>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.entry(field).or_insert(key);
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.get(field).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }

    /// Runs a check and files its error under `field`, keeping the value on success.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(key) => {
                self.add(field, key);
                None
            }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Search {
        q: String,
        view: String,
    }

    #[test]
    fn a_nul_byte_raw_or_escaped_arrives_as_the_replacement_character() {
        let search: Search = parse(b"q=Pad%00aria&view=a\0b").expect("parsed");
        assert_eq!(search.q, "Pad\u{FFFD}aria");
        assert_eq!(search.view, "a\u{FFFD}b");
    }

    #[test]
    fn an_escaped_percent_followed_by_zeros_is_left_alone() {
        let search: Search = parse(b"q=%2500+off").expect("parsed");
        assert_eq!(search.q, "%00 off");
    }

    #[test]
    fn bytes_that_are_not_utf8_arrive_as_the_replacement_character() {
        let search: Search = parse(b"q=%FFx%C3%28").expect("parsed");
        assert_eq!(search.q, "\u{FFFD}x\u{FFFD}(");
    }

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
