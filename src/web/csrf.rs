//! The per-session CSRF token, checked in one place for every state-changing
//! request (tower-http's `CsrfLayer` adds the Origin / Sec-Fetch-Site check in
//! front of it).
//!
//! A signed-in session carries its own token. Before sign-in there is no
//! session row (sessions are written only at sign-in), so the sign-in form uses
//! a token in a strict, HttpOnly pre-session cookie, compared with the copy in
//! the form. The token is accepted from the `X-CSRF-Token` header (htmx) or a
//! `csrf_token` form field, never from the query string, which ends up in logs
//! and Referer headers.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::AppError;
use crate::web::session::AuthSession;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
pub const PRE_SESSION_COOKIE: &str = "atende_csrf";

pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pre-session token, minted into a cookie when the browser has none.
pub fn anonymous_token(jar: CookieJar) -> (CookieJar, String) {
    if let Some(existing) = jar.get(PRE_SESSION_COOKIE)
        && is_well_formed(existing.value())
    {
        let token = existing.value().to_owned();
        return (jar, token);
    }
    let token = new_token();
    let cookie = Cookie::build((PRE_SESSION_COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    (jar.add(cookie), token)
}

fn is_well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn same_token(expected: &str, given: &str) -> bool {
    // Constant time in the token's length: timing must not reveal a prefix.
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

pub async fn verify(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let expected = match AuthSession::load(&session).await {
        Ok(Some(auth)) => Some(auth.csrf),
        Err(unavailable) => return unavailable.into_response(),
        Ok(None) => CookieJar::from_headers(request.headers())
            .get(PRE_SESSION_COOKIE)
            .map(|c| c.value().to_owned()),
    };
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config().upload_limit_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let given = token_in_header(&parts.headers).or_else(|| token_in_body(&parts.headers, &bytes));
    let valid = match (expected, given) {
        (Some(expected), Some(given)) => is_well_formed(&expected) && same_token(&expected, &given),
        _ => false,
    };
    if !valid {
        tracing::warn!(path = %parts.uri.path(), "request refused: missing or wrong CSRF token");
        return AppError::Forbidden.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn token_in_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn token_in_body(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(body)
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.into_owned());
    }
    if content_type.starts_with("multipart/form-data") {
        let boundary = multer::parse_boundary(content_type).ok()?;
        return multipart_field(body, &boundary);
    }
    None
}

/// The token of a multipart form, which every upload form sends as its first field.
fn multipart_field(body: &Bytes, boundary: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let text = body.get(..body.len().min(4096))?;
    let text = String::from_utf8_lossy(text);
    let first = text.split(delimiter.as_str()).nth(1)?;
    let (head, value) = first.split_once("\r\n\r\n")?;
    let named = head.contains(&format!("name=\"{FIELD}\""));
    named.then(|| value.trim_end_matches("\r\n").trim().to_owned())
}
