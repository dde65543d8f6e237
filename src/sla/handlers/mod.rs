//! Admin pages of the service promises: business-hours calendars and SLAs
//! with their items.

pub mod calendars;
pub mod slas;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    [calendars::routes(), slas::routes()]
        .into_iter()
        .flatten()
        .collect()
}
