//! What every page shares: CSRF, forms, sessions, the page context, error
//! pages and the route table. Nothing here imports a feature, so every
//! feature's pages can use it; the extractor that signs a request in reads
//! the user and lives in `auth::signed_in`.

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
pub mod upload;
