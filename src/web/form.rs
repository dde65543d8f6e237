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

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ErrorPage;

// The field problems and text rules every model uses live in `core`; forms
// are where they are met, so they are at hand here too.
pub use crate::core::field_errors::{Arg, FieldError, FieldErrors};
pub use crate::core::text::*;

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

fn error(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage);
    response
}

/// A record id from the path; anything unparsable is simply not found.
pub fn parse_id(text: &str) -> Result<uuid::Uuid, crate::error::AppError> {
    uuid::Uuid::parse_str(text).map_err(|_| crate::error::AppError::NotFound)
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
}
