//! The admin catalogs every case depends on: subjects, products, reasons →
//! occurrences → causes, channels, teams and the other lists.

pub mod cache;
pub mod defaults;
mod handlers;
pub mod model;
pub mod names;
pub mod referable;
pub mod store;
pub mod translations;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    [
        handlers::lists::routes(),
        handlers::subjects::routes(),
        handlers::products::routes(),
        handlers::reasons::routes(),
        handlers::teams::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
