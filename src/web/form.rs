//! Reading forms without ever losing what the user typed.
//!
//! Form DTOs have only `String` / `Option<String>` / `Vec<String>` fields, so
//! deserialising cannot fail on a value; validation happens in each feature's
//! model and produces `FieldErrors` (Fluent keys per field) for a 422 page
//! that echoes the input.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
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

/// Parses a urlencoded body. A field sent twice where one value is expected
/// (a replayed or tampered form) keeps its first value instead of failing.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
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

fn error(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage);
    response
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

/// One line of text: trimmed, no control characters, at most `max` characters.
pub fn line(value: &str, max: usize) -> Result<String, &'static str> {
    let value = value.trim();
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
