//! Operations endpoints: liveness, readiness (the database answers) and
//! Prometheus metrics (requests by route, latencies, pool usage).

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum_prometheus::metrics_exporter_prometheus::PrometheusHandle;
use axum_prometheus::{Handle, PrometheusMetricLayer};

use crate::app::AppState;
use crate::web::routes::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/healthz", Access::Public, healthz),
        Route::get("/readyz", Access::Public, readyz),
        Route::get("/metrics", Access::Public, metrics),
    ]
}

// The metrics recorder is process-global; installing it twice panics, and
// tests assemble many routers.
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| Handle::default().0)
}

pub fn metrics_layer() -> PrometheusMetricLayer<'static> {
    handle();
    PrometheusMetricLayer::new()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query_scalar!("select 1 as \"one!\"")
        .fetch_one(state.pool())
        .await
    {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let pool = state.pool();
    metrics::gauge!("atende_db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("atende_db_pool_idle_connections").set(pool.num_idle() as f64);
    metrics::gauge!("atende_db_pool_max_connections")
        .set(f64::from(pool.options().get_max_connections()));
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
}
