//! Signing in and out, and who the signed-in user is: `SignedIn`, the
//! extractor every signed-in page takes. Every feature with pages imports
//! it, so auth imports none of them.

pub mod admin;
mod handlers;
pub mod model;
pub mod signed_in;
pub mod store;

use chrono_tz::Tz;
use uuid::Uuid;

use crate::core::lang::Lang;
use crate::core::role::Role;
use crate::web::routes::{Access, Route};

/// The user of a request, loaded afresh (and checked active) on every request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: Option<Lang>,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub tenant_locale: Lang,
    pub time_zone: Tz,
    pub unread_notifications: i64,
    /// Items nobody works on yet in the queues the user is a member of.
    pub queue_waiting: i64,
    /// The version of the workspace's lists when the request began.
    pub catalog_version: i64,
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/login", Access::Public, handlers::show_sign_in),
        Route::post("/login", Access::Public, handlers::sign_in).flood_guarded(),
        Route::post("/logout", Access::SignedIn, handlers::sign_out),
    ]
}
