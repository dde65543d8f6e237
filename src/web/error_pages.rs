//! Renders every error response as a page in the visitor's language: those
//! from handlers (`AppError`) and the bare statuses that never reach one
//! (unknown route, 405, 408, 413, panics). The 500 page carries the request
//! id that the log line has too. htmx requests get the message retargeted
//! into the page's message area instead of replacing a fragment.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use crate::core::lang::Lang;
use crate::error::ErrorPage;
use crate::web::page::{LANG_COOKIE, RequestLang};

#[derive(Template)]
#[template(path = "errors/page.html")]
struct ErrorView<'a> {
    lang: Lang,
    status: u16,
    title: String,
    message: String,
    request_id: Option<&'a str>,
    home: String,
    css: String,
}

#[derive(Template)]
#[template(path = "errors/_message.html")]
struct ErrorFragment<'a> {
    message: String,
    request_id: Option<&'a str>,
    lang: Lang,
}

pub async fn render(mut request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let fallback_lang = CookieJar::from_headers(request.headers())
        .get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| Lang::from_accept_language(request.headers()))
        .unwrap_or_default();
    let is_htmx = request.headers().contains_key("hx-request");
    let is_api = request.uri().path().starts_with("/api/");
    let slot = RequestLang::default();
    request.extensions_mut().insert(slot.clone());

    let response = next.run(request).await;
    let status = response.status();
    if is_api || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_html && response.extensions().get::<ErrorPage>().is_none() {
        return response;
    }
    let lang = slot.0.get().copied().unwrap_or(fallback_lang);
    let (title_key, message_key) = keys(status);
    let shown_id = (status.is_server_error())
        .then_some(request_id.as_deref())
        .flatten();
    let body = if is_htmx {
        ErrorFragment {
            message: lang.t(message_key),
            request_id: shown_id,
            lang,
        }
        .render()
    } else {
        ErrorView {
            lang,
            status: status.as_u16(),
            title: lang.t(title_key),
            message: lang.t(message_key),
            request_id: shown_id,
            home: lang.t("error-go-home"),
            css: crate::web::assets::url("app.css"),
        }
        .render()
    };
    let body = body.unwrap_or_else(|_| status.to_string());
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if is_htmx {
        parts
            .headers
            .insert("hx-retarget", HeaderValue::from_static("#messages"));
        parts
            .headers
            .insert("hx-reswap", HeaderValue::from_static("innerHTML"));
    }
    Response::from_parts(parts, Body::from(body))
}

fn keys(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        401 => ("error-unauthorized-title", "error-unauthorized"),
        403 => ("error-forbidden-title", "error-forbidden"),
        404 | 405 => ("error-not-found-title", "error-not-found"),
        408 => ("error-timeout-title", "error-timeout"),
        413 => ("error-too-large-title", "error-too-large"),
        429 => ("error-too-many-title", "error-too-many"),
        503 => ("error-unavailable-title", "error-unavailable"),
        400..=499 => ("error-bad-request-title", "error-bad-request"),
        _ => ("error-internal-title", "error-internal"),
    }
}
