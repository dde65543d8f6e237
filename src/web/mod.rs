//! What every page shares: extractors, CSRF, forms, sessions, languages,
//! error pages and the route table.

pub mod admin;
pub mod assets;
pub mod client_addr;
pub mod compression;
pub mod confirm;
pub mod csrf;
pub mod error_pages;
pub mod flood;
pub mod form;
pub mod page;
pub mod routes;
pub mod session;
pub mod session_copies;
pub mod session_store;
pub mod signed_in;
pub mod upload;
