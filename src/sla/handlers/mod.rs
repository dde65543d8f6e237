//! Admin pages of the service promises: business-hours calendars and SLAs
//! with their items.

pub mod calendars;
pub mod slas;

use std::collections::BTreeMap;

use crate::web::routes::Route;

pub fn routes() -> Vec<Route> {
    [calendars::routes(), slas::routes()]
        .into_iter()
        .flatten()
        .collect()
}

/// Per-field problems as messages already put into words: unlike
/// `FieldErrors`, they can say which line or which interval is wrong.
#[derive(Debug, Default, Clone)]
pub struct Problems(BTreeMap<String, String>);

impl Problems {
    /// Files the first problem of a field; later ones wait for the next try.
    pub fn add(&mut self, field: impl Into<String>, message: String) {
        self.0.entry(field.into()).or_insert(message);
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
