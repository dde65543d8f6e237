//! `SignedIn<R>`: the extractor every signed-in page takes. It checks the
//! session (present, not idle, not past its absolute age), opens the tenant
//! transaction, loads the user inside it (so a deactivated user is out at
//! once), enforces the minimum role `R`, and builds the page context.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{self, CurrentUser};
use crate::core::lang::Lang;
use crate::core::role::Role;
use crate::db::list_cache::Lists;
use crate::db::{Plans, TenantTx, begin_tenant_tx_planned};
use crate::error::AppError;
use crate::web::page::{PageCtx, RequestLang, UserBadge, here};
use crate::web::session::{AUTH_KEY, AuthSession, take_flash};

/// The least role a route admits, as a type so a handler states it in its signature.
pub trait MinRole: Send + Sync + 'static {
    const ROLE: Role;
}

pub struct Agent;
pub struct Supervisor;
pub struct Admin;

impl MinRole for Agent {
    const ROLE: Role = Role::Agent;
}
impl MinRole for Supervisor {
    const ROLE: Role = Role::Supervisor;
}
impl MinRole for Admin {
    const ROLE: Role = Role::Admin;
}

pub struct SignedIn<R: MinRole = Agent> {
    pub user: CurrentUser,
    pub tx: TenantTx,
    pub page: PageCtx,
    pub session: Session,
    /// The request's "now", from the service clock.
    pub now: DateTime<Utc>,
    /// The workspace's lists, cached across requests.
    pub lists: Lists,
    role: PhantomData<R>,
}

/// Activity is noted in the session at most this often, to keep writes rare.
const SEEN_RESOLUTION_SECS: i64 = 60;

impl<R: MinRole> FromRequestParts<AppState> for SignedIn<R> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let plans = parts.extensions.get::<Plans>().copied().unwrap_or_default();
        let browser_lang = Lang::from_accept_language(&parts.headers);
        let Some((mut auth, tx, user)) =
            confirmed_sign_in(&session, state, plans, browser_lang).await?
        else {
            return Err(to_sign_in(parts, false));
        };
        let now = state.clock().now();
        let config = state.config();
        if now - auth.signed_in_at > config.session_max_age()
            || now - auth.seen_at > config.session_idle()
        {
            let _ = session.flush().await;
            return Err(to_sign_in(parts, true));
        }
        let lang = user.locale.or(browser_lang).unwrap_or(user.tenant_locale);
        RequestLang::record(parts, lang);
        if user.role < R::ROLE {
            return Err(AppError::Forbidden.into_response());
        }
        if (now - auth.seen_at).num_seconds() >= SEEN_RESOLUTION_SECS {
            auth.seen_at = now;
            if let Err(err) = session.insert(AUTH_KEY, &auth).await {
                tracing::warn!(error = %err, "could not note session activity");
            }
        }
        let page = PageCtx {
            lang,
            csrf: auth.csrf.clone(),
            user: Some(UserBadge {
                name: user.name.clone(),
                email: user.email.clone(),
                role: user.role,
                workspace: user.tenant_slug.clone(),
                unread_notifications: user.unread_notifications,
                queue_waiting: user.queue_waiting,
            }),
            flash: take_flash(&session).await,
            tz: user.time_zone,
            here: here(parts),
        };
        Ok(SignedIn {
            lists: state
                .lists()
                .for_request(user.tenant_id, lang.code(), user.catalog_version),
            user,
            tx,
            page,
            session,
            now,
            role: PhantomData,
        })
    }
}

/// The session's sign-in, its tenant transaction and its user, or `None`
/// when nobody is signed in: no sign-in in the session, or its row or its
/// user is gone (the session is then ended here too). The session
/// may be this instance's copy (`session_copies`): the user's statement
/// also reads the row's revision, and a copy older than the row is read
/// again before anything in it counts, so a sign-out, a flash message or a
/// noted activity written by another instance holds here at once.
async fn confirmed_sign_in(
    session: &Session,
    state: &AppState,
    plans: Plans,
    browser_lang: Option<Lang>,
) -> Result<Option<(AuthSession, TenantTx, CurrentUser)>, Response> {
    let failed = |e: sqlx::Error| AppError::from(e).into_response();
    let mut read_again = false;
    loop {
        let Some(auth) = AuthSession::load(session)
            .await
            .map_err(IntoResponse::into_response)?
        else {
            return Ok(None);
        };
        let Some(id) = session.id() else {
            return Ok(None);
        };
        let mut tx = begin_tenant_tx_planned(state.pool(), auth.tenant_id, plans)
            .await
            .map_err(failed)?;
        let Some(found) =
            auth::store::current_user(&mut tx, auth.user_id, &id.to_string(), browser_lang)
                .await
                .map_err(failed)?
        else {
            let _ = session.flush().await;
            return Ok(None);
        };
        let held = AuthSession::revision(session).await;
        match found.session_revision {
            None => {
                let _ = session.flush().await;
                return Ok(None);
            }
            // Read once more only: a row written again meanwhile is a
            // request running beside this one, as without the copies.
            Some(current) if Some(current) != held && !read_again => {
                tx.finish_reading();
                AuthSession::read_again(session, state.session_copies())
                    .await
                    .map_err(IntoResponse::into_response)?;
                read_again = true;
            }
            Some(_) => return Ok(Some((auth, tx, found.user))),
        }
    }
}

/// Sends someone without a valid session to sign in, coming back afterwards
/// to the page asked for. htmx requests get `HX-Redirect` so the whole page
/// changes instead of the login form landing inside a fragment.
fn to_sign_in(parts: &Parts, expired: bool) -> Response {
    let mut target = String::from("/login");
    let mut query = Vec::new();
    if parts.method == Method::GET {
        query.push(format!("next={}", urlencode(&here(parts))));
    }
    if expired {
        query.push("expired=1".to_owned());
    }
    if !query.is_empty() {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    if parts.headers.contains_key("hx-request") {
        let mut response = StatusCode::OK.into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert("hx-redirect", value);
        }
        return response;
    }
    Redirect::to(&target).into_response()
}

pub fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `Option<SignedIn>`: `None` for visitors without a session, for pages that
/// serve both (the language switcher).
impl<R: MinRole> axum::extract::OptionalFromRequestParts<AppState> for SignedIn<R> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if AuthSession::load(&session)
            .await
            .map_err(IntoResponse::into_response)?
            .is_none()
        {
            return Ok(None);
        }
        <Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

impl<R: MinRole> SignedIn<R> {
    /// The same request seen as any signed-in user, once the role is checked,
    /// so helpers written for agents serve supervisors' routes too.
    pub fn as_agent(self) -> SignedIn<Agent> {
        SignedIn {
            user: self.user,
            tx: self.tx,
            page: self.page,
            session: self.session,
            now: self.now,
            lists: self.lists,
            role: PhantomData,
        }
    }
}
