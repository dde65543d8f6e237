//! Customers (entidades): accounts and contacts, found by name, CPF/CNPJ,
//! e-mail or phone, with their roles, alerts and contact points.

pub mod csv;
pub mod document;
pub mod handlers;
pub mod model;
pub(crate) mod name_search;
mod picker;
mod points;
pub mod store;
pub mod switch;
mod transfer;

use axum::extract::Path;

use crate::auth::admin;
use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::db::Plans;
use crate::users::model::Role;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let one = Access::TenantObject(Role::Agent, ObjectKind::Row("customers"));
    let one_supervised = Access::TenantObject(Role::Supervisor, ObjectKind::Row("customers"));
    vec![
        Route::get("/customers", Access::SignedIn, handlers::list_customers),
        Route::post("/customers", Access::SignedIn, handlers::create_customer),
        Route::get("/customers/new", Access::SignedIn, handlers::new_customer),
        Route::get("/customers/lookup", Access::SignedIn, picker::lookup).planned(Plans::Search),
        Route::get("/customers/picker", Access::SignedIn, picker::empty_picker),
        Route::get(
            "/customers/export.csv",
            Access::Role(Role::Supervisor),
            transfer::export_customers,
        ),
        Route::get(
            "/customers/import",
            Access::Role(Role::Supervisor),
            transfer::import_form,
        ),
        Route::post(
            "/customers/import",
            Access::Role(Role::Supervisor),
            transfer::import_customers,
        )
        .accepts_uploads(),
        Route::get("/customers/{id}/pick", one, picker::pick),
        Route::get("/customers/{id}/edit", one, handlers::edit_customer),
        Route::post("/customers/{id}/edit", one, handlers::update_customer),
        Route::post(
            "/customers/{id}/reactivate",
            one_supervised,
            |s: SignedIn<Supervisor>, Path(id): Path<String>| {
                admin::set_active(switch::Customers, s, id, true)
            },
        ),
        Route::post("/customers/{id}/alerts", one, points::add_alert),
        Route::post("/customers/{id}/alerts/end", one, points::end_alert),
        Route::post("/customers/{id}/addresses", one, points::add_address),
        Route::post("/customers/{id}/points", one, points::add_point),
        Route::post(
            "/customers/{id}/points/principal",
            one,
            points::make_principal,
        ),
        Route::post("/customers/{id}/points/remove", one, points::remove_point),
        Route::post(
            "/customers/{id}/primary-contact",
            one,
            points::set_primary_contact,
        ),
    ]
}
