//! The application: its shared state, its routes in one list, and the
//! middleware every request passes through.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use crate::cases::compliance_cache::ComplianceCache;
use crate::db::list_cache::ListCache;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::SessionManagerLayer;
use tower_sessions::cookie::SameSite;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppError;
use crate::web::client_addr::{self, ClientAddr};
use crate::web::routes::{self, Route};
use crate::web::session_copies::SessionCopies;
use crate::web::session_store::PgSessionStore;
use crate::web::{assets, compression, csrf, error_pages, flood};
use crate::{auth, cases, catalog, customers, notifications, ops, pages, users};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    pool: PgPool,
    config: Config,
    clock: Clock,
    lists: Arc<ListCache>,
    compliance: ComplianceCache,
    session_copies: Arc<SessionCopies>,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config, clock: Clock) -> Self {
        Self(Arc::new(Inner {
            pool,
            config,
            clock,
            lists: Arc::default(),
            compliance: ComplianceCache::default(),
            session_copies: Arc::default(),
        }))
    }

    pub fn pool(&self) -> &PgPool {
        &self.0.pool
    }

    pub fn lists(&self) -> &Arc<ListCache> {
        &self.0.lists
    }

    pub fn compliance(&self) -> &ComplianceCache {
        &self.0.compliance
    }

    pub fn session_copies(&self) -> &Arc<SessionCopies> {
        &self.0.session_copies
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }
}

pub const SESSION_COOKIE: &str = "atende_session";

/// Every route of the service, each with its access class.
pub fn routes() -> Vec<Route> {
    [
        auth::routes(),
        pages::routes(),
        users::routes(),
        crate::mail::handlers::routes(),
        catalog::routes(),
        crate::queues::routes(),
        crate::routing::routes(),
        crate::sla::handlers::routes(),
        customers::routes(),
        crate::entitlements::handlers::routes(),
        cases::routes(),
        notifications::routes(),
        ops::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub fn router(state: AppState) -> Router {
    let app = routes::build(routes(), flood::guard, state.config().upload_limit_bytes)
        .merge(assets::router())
        .fallback(not_found);
    with_middleware(app, &state).with_state(state)
}

async fn not_found() -> Response {
    AppError::NotFound.into_response()
}

/// The layers, listed outermost first: a request passes them top to bottom,
/// its response bottom to top. They are applied to the routes as one stack:
/// applied one by one, each became a boxed service around the next, and
/// every request cloned the boxes below each layer it passed (184 clones
/// and as many allocations for each request).
fn with_middleware(app: Router<AppState>, state: &AppState) -> Router<AppState> {
    let config = state.config();
    let sessions = SessionManagerLayer::new(PgSessionStore::new(
        state.pool().clone(),
        state.session_copies().clone(),
    ))
    .with_name(SESSION_COOKIE)
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_secure(config.cookie_secure);
    let trusted_proxies: Arc<[ipnet::IpNet]> = config.trusted_proxies.clone().into();
    let stack = ServiceBuilder::new()
        // Outermost: every log line of a request carries its id.
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Who is asking, before anything logs or limits by it.
        .map_request(move |request| client_addr::resolve(request, &trusted_proxies))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let request_id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                let client = request.extensions().get::<ClientAddr>().map(|c| c.0);
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id = %request_id,
                    client = ?client,
                )
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(ops::metrics_layer())
        // Pages can hold personal data: never cached unless a handler says otherwise
        // (static files carry their own long-lived cache headers).
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        // Security headers go on every response, error pages and static files included.
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        // Pages are rendered per request, so compression runs per request
        // too (a case page goes from 10 kB to 3 kB): zstd, which current
        // browsers accept, at a sixth of brotli's CPU on the case list, and
        // gzip, which every browser accepts. Brotli is left out, for it would
        // be chosen over gzip whenever a browser offers both.
        .layer(middleware::from_fn(compression::compress))
        // Renders bare error statuses from everything inside as pages.
        .layer(middleware::from_fn(error_pages::render))
        // A panic becomes a 500 that the error-page layer renders with the request id.
        .layer(CatchPanicLayer::new())
        // A request that outlives its budget gets 408 instead of holding a connection.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        // Bodies beyond the largest upload are refused up front (413) rather than read.
        .layer(RequestBodyLimitLayer::new(config.upload_limit_bytes))
        .map_request(with_axum_body)
        // Forms are small; only routes that take uploads raise this.
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        // Cross-origin state changes are refused from headers alone, before any session work.
        .layer(CsrfLayer::new())
        // Sessions load lazily: static files and health checks never touch the table.
        .layer(sessions)
        // The CSRF token check needs the session, so it sits inside the session layer.
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify));
    app.layer(stack)
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
                   object-src 'none'";

/// The layers inside take axum's own body type, which the size limit wraps.
fn with_axum_body<B>(request: axum::http::Request<B>) -> axum::http::Request<axum::body::Body>
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    request.map(axum::body::Body::new)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
