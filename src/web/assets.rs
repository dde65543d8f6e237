//! Static files (CSS, htmx, a little JS), embedded in the binary and served
//! with ETags under content-hashed URLs, so browsers cache them for good.

use std::sync::OnceLock;

use axum::Router;
use memory_serve::{Manifest, MemoryServe};

use crate::app::AppState;

pub const PREFIX: &str = "/static";

struct Assets {
    router: Router<AppState>,
    manifest: Manifest,
}

// Building the router leaks its options, so it is built once per process
// however many routers (tests) are assembled.
static ASSETS: OnceLock<Assets> = OnceLock::new();

fn assets() -> &'static Assets {
    ASSETS.get_or_init(|| {
        let serve: MemoryServe = memory_serve::load!()
            .index_file(None)
            .enable_hashed_routes(true);
        let manifest = serve.manifest();
        Assets {
            router: Router::new().nest(PREFIX, serve.into_router()),
            manifest,
        }
    })
}

pub fn router() -> Router<AppState> {
    assets().router.clone()
}

/// The cache-busting URL of a file under `static/`, e.g. `url("app.css")`.
pub fn url(file: &str) -> String {
    let route = format!("/{file}");
    let served = assets().manifest.get(&route).unwrap_or(&route);
    format!("{PREFIX}{served}")
}
