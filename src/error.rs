//! Errors of the HTML surface.
//!
//! Handlers return `Result<T, AppError>`. Each variant maps to a status; the
//! page itself is rendered by `web::error_pages`, which also renders the bare
//! statuses that never pass through a handler (unknown routes, 413, 408,
//! panics), so every error looks the same and carries the request id.
//! Internal errors are logged once, inside the request's span, and shown
//! opaque. Infrastructure code uses `anyhow` with `.context(..)` and converts
//! at the handler boundary.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, another tenant's, or not visible to this user: all the same.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("bad request")]
    BadRequest,
    #[error("database unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub fn not_found() -> AppError {
    AppError::NotFound
}

pub fn forbidden() -> AppError {
    AppError::Forbidden
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if db::is_unavailable(&err) {
            AppError::Unavailable
        } else if matches!(err, sqlx::Error::RowNotFound) {
            AppError::NotFound
        } else {
            AppError::Internal(anyhow::Error::new(err))
        }
    }
}

/// Marks a response whose body the error-page layer must render.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        if matches!(self, AppError::Unavailable) {
            tracing::warn!("database unavailable");
        }
        let mut response = status.into_response();
        let retry_after = match self {
            AppError::TooManyRequests { retry_after } => Some(retry_after.as_secs().max(1)),
            AppError::Unavailable => Some(5),
            _ => None,
        };
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(ErrorPage);
        response
    }
}
