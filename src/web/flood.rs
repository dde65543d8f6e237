//! A per-address limit on sign-in attempts, in memory, keyed on the client's
//! address as `client_addr` reads it (behind a trusted proxy, the address the
//! proxy reports, so people behind one balancer do not share a budget). It
//! only blunts floods against one instance; the per-account limit that must
//! hold across instances is the PostgreSQL counter in `auth`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use axum::http::Request;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use crate::app::AppState;
use crate::error::AppError;
use crate::web::client_addr::ClientAddr;

#[derive(Debug, Clone, Copy)]
struct PeerAddress;

impl KeyExtractor for PeerAddress {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        // Without connection info (in-process tests) every request shares one key.
        Ok(req
            .extensions()
            .get::<ClientAddr>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |client| client.0))
    }
}

/// 30 attempts at once per address, then one every two seconds.
pub fn guard(handler: MethodRouter<AppState>) -> MethodRouter<AppState> {
    let config = GovernorConfigBuilder::default()
        .per_millisecond(2000)
        .burst_size(30)
        .key_extractor(PeerAddress)
        .finish()
        .map(Arc::new);
    let Some(config) = config else {
        return handler;
    };
    handler.layer(GovernorLayer::new(config).error_handler(|err| {
        let retry_after = match err {
            GovernorError::TooManyRequests { wait_time, .. } => wait_time,
            _ => 1,
        };
        AppError::TooManyRequests {
            retry_after: std::time::Duration::from_secs(retry_after.max(1)),
        }
        .into_response()
    }))
}
