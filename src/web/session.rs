//! What a signed-in session holds. The session row is written at sign-in, for
//! flash messages, and at most once a minute to note activity (for the idle
//! timeout); never on ordinary page views.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::AppError;
use crate::web::session_copies::{REVISION_KEY, SessionCopies};

pub const AUTH_KEY: &str = "auth";
pub const FLASH_KEY: &str = "flash";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthSession {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub csrf: String,
    pub signed_in_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
}

impl AuthSession {
    /// The signed-in state of the session. An error means the session store
    /// (the database) could not be read, which is not the same as signed out.
    pub async fn load(session: &Session) -> Result<Option<AuthSession>, AppError> {
        session.get(AUTH_KEY).await.map_err(unavailable)
    }

    /// The revision of the session row the record was read from (see
    /// `session_copies`).
    pub async fn revision(session: &Session) -> Option<i64> {
        session.get(REVISION_KEY).await.ok().flatten()
    }

    /// Drops this instance's copy of the session and reads its row again.
    pub async fn read_again(session: &Session, copies: &SessionCopies) -> Result<(), AppError> {
        if let Some(id) = session.id() {
            copies.forget(&id);
        }
        session.load().await.map_err(unavailable)
    }
}

fn unavailable(err: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %err, "session store unavailable");
    AppError::Unavailable
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Error,
    Info,
}

impl FlashKind {
    pub fn css(self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Error => "error",
            FlashKind::Info => "info",
        }
    }
}

/// A message shown once on the next page, already translated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

pub async fn push_flash(session: &Session, kind: FlashKind, text: String) {
    let mut messages: Vec<Flash> = session
        .get(FLASH_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    messages.push(Flash { kind, text });
    if let Err(err) = session.insert(FLASH_KEY, messages).await {
        tracing::warn!(error = %err, "could not store a flash message");
    }
}

pub async fn take_flash(session: &Session) -> Vec<Flash> {
    match session.get::<Vec<Flash>>(FLASH_KEY).await {
        Ok(Some(messages)) => {
            let _ = session.remove::<Vec<Flash>>(FLASH_KEY).await;
            messages
        }
        _ => Vec::new(),
    }
}
