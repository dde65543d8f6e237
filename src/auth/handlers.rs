use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Expiry;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::model::{PASSWORD_MAX_CHARS, safe_next, verify_password};
use crate::auth::store;
use crate::db::begin_tenant_tx;
use crate::error::Result;
use crate::web::client_addr::ClientAddr;
use crate::web::csrf;
use crate::web::form::{self, FieldErrors, Form, Query};
use crate::web::page::{PageCtx, PublicPage};
use crate::web::session::{AUTH_KEY, AuthSession};

/// Failed attempts allowed per account within the window before 429.
const ACCOUNT_ATTEMPTS: i32 = 5;
const WINDOW_SECS: i64 = 15 * 60;
const HOME: &str = "/cases";

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct SignInPage {
    pub ctx: PageCtx,
    pub workspace: String,
    pub email: String,
    pub next: String,
    pub errors: FieldErrors,
    /// A message about the whole form (failed sign-in, throttled, expired).
    pub notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInQuery {
    workspace: Option<String>,
    next: Option<String>,
    expired: Option<String>,
}

pub async fn show_sign_in(
    session: Session,
    PublicPage { page, jar }: PublicPage,
    Query(query): Query<SignInQuery>,
) -> Response {
    let next = query
        .next
        .as_deref()
        .and_then(safe_next)
        .unwrap_or_default();
    if matches!(AuthSession::load(&session).await, Ok(Some(_))) {
        let target = if next.is_empty() { HOME } else { next.as_str() };
        return Redirect::to(target).into_response();
    }
    let notice = query.expired.map(|_| page.t("sign-in-expired"));
    let view = SignInPage {
        workspace: query.workspace.unwrap_or_default(),
        email: String::new(),
        next,
        errors: FieldErrors::default(),
        notice,
        ctx: page,
    };
    (jar, view).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    workspace: String,
    email: String,
    password: String,
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    session: Session,
    PublicPage { page, jar }: PublicPage,
    Form(input): Form<SignInForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let workspace = errors.check("workspace", form::required_line(&input.workspace, 63));
    let email = errors.check("email", form::required_line(&input.email, 254));
    if input.password.is_empty() {
        errors.add("password", "error-required");
    } else if input.password.chars().count() > PASSWORD_MAX_CHARS {
        errors.add("password", "error-password-too-long");
    } else if input.password.contains(form::UNREADABLE) {
        errors.add("password", "error-unreadable-chars");
    }
    let next = safe_next(&input.next).unwrap_or_default();
    let redisplay = |page: PageCtx, errors: FieldErrors, notice: Option<String>| SignInPage {
        ctx: page,
        workspace: input.workspace.clone(),
        email: input.email.clone(),
        next: next.clone(),
        errors,
        notice,
    };
    let (Some(workspace), Some(email), true) = (workspace, email, errors.is_empty()) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            jar,
            redisplay(page, errors, None),
        )
            .into_response());
    };
    let workspace = workspace.to_lowercase();
    let email = email.to_lowercase();

    let now = state.clock().now();
    let bucket = format!("account:{workspace}:{email}");
    let (attempts, window_started_at) =
        store::count_attempt(state.pool(), &bucket, now, WINDOW_SECS).await?;
    if attempts > ACCOUNT_ATTEMPTS {
        tracing::info!(workspace = %workspace, client = ?client.as_ref().map(|c| c.0.0), "sign-in throttled");
        let remaining = (window_started_at + chrono::Duration::seconds(WINDOW_SECS) - now)
            .num_seconds()
            .max(1);
        let minutes = (remaining + 59) / 60;
        let notice = page.t1("sign-in-throttled", "minutes", minutes);
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            jar,
            redisplay(page, FieldErrors::default(), Some(notice)),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(remaining as u64));
        return Ok(response);
    }

    let account = match store::tenant_id_by_slug(state.pool(), &workspace).await? {
        Some(tenant_id) => {
            let mut tx = begin_tenant_tx(state.pool(), tenant_id).await?;
            let account = store::active_account(&mut tx, &email).await?;
            tx.commit().await?;
            account.map(|a| (tenant_id, a))
        }
        None => None,
    };
    let stored_hash = account.as_ref().map(|(_, a)| a.password_hash.clone());
    let password = input.password.clone();
    let verified =
        tokio::task::spawn_blocking(move || verify_password(&password, stored_hash.as_deref()))
            .await
            .map_err(anyhow::Error::from)?;
    let Some((tenant_id, account)) = account.filter(|_| verified) else {
        tracing::info!(workspace = %workspace, client = ?client.map(|c| c.0.0), "sign-in failed");
        let notice = page.t("sign-in-failed");
        return Ok((
            StatusCode::UNAUTHORIZED,
            jar,
            redisplay(page, FieldErrors::default(), Some(notice)),
        )
            .into_response());
    };

    store::clear_attempts(state.pool(), &bucket).await?;
    // A fresh id at sign-in defeats session fixation.
    session.cycle_id().await.map_err(anyhow::Error::from)?;
    let auth = AuthSession {
        tenant_id,
        user_id: account.id,
        csrf: csrf::new_token(),
        signed_in_at: now,
        seen_at: now,
    };
    session
        .insert(AUTH_KEY, &auth)
        .await
        .map_err(anyhow::Error::from)?;
    let expires = time::OffsetDateTime::now_utc()
        + time::Duration::hours(i64::from(state.config().session_max_hours));
    session.set_expiry(Some(Expiry::AtDateTime(expires)));
    tracing::info!(user = %account.id, client = ?client.map(|c| c.0.0), "signed in");
    let target = if next.is_empty() {
        HOME.to_owned()
    } else {
        next
    };
    Ok(Redirect::to(&target).into_response())
}

pub async fn sign_out(session: Session) -> Result<Response> {
    session.flush().await.map_err(anyhow::Error::from)?;
    Ok(Redirect::to("/login").into_response())
}
