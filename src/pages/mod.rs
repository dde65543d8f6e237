//! Pages that show several features at once (a customer with their cases,
//! history and agenda; what deactivating a customer or cancelling an
//! entitlement leaves behind), composed above them; the home redirect; and
//! the sections whose features are still to come, each saying what it will
//! hold, so the navigation is complete from the start.

pub mod customer;
pub mod customer_deactivate;
pub mod customer_history;
pub mod entitlement_cancel;

use askama::Template;
use askama_web::WebTemplate;
use axum::response::Redirect;

use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::ListKind;
use crate::users::model::Role;
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let customer = Access::TenantObject(Role::Agent, ObjectKind::Row("customers"));
    let customer_supervised = Access::TenantObject(Role::Supervisor, ObjectKind::Row("customers"));
    let entitlement = Access::TenantObject(Role::Admin, ObjectKind::Row("entitlements"));
    vec![
        Route::get("/customers/{id}", customer, customer::show_customer),
        Route::get(
            "/customers/{id}/history",
            customer,
            customer_history::show_history,
        ),
        Route::get(
            "/customers/{id}/agenda",
            customer,
            customer_history::show_agenda,
        ),
        Route::get(
            "/customers/{id}/deactivate",
            customer_supervised,
            customer_deactivate::confirm_deactivate,
        ),
        Route::post(
            "/customers/{id}/deactivate",
            customer_supervised,
            customer_deactivate::deactivate_customer,
        ),
        Route::get(
            "/admin/entitlements/{id}/cancel",
            entitlement,
            entitlement_cancel::confirm_cancel,
        ),
        Route::post(
            "/admin/entitlements/{id}/cancel",
            entitlement,
            entitlement_cancel::cancel_entitlement,
        ),
        Route::get("/", Access::Public, home),
        Route::get("/knowledge", Access::SignedIn, knowledge),
        Route::get("/admin", Access::Role(Role::Admin), admin),
    ]
}

async fn home() -> Redirect {
    Redirect::to("/cases")
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/coming.html")]
pub struct ComingPage {
    ctx: PageCtx,
    title_key: &'static str,
    body_key: &'static str,
}

fn coming(ctx: PageCtx, title_key: &'static str, body_key: &'static str) -> ComingPage {
    ComingPage {
        ctx,
        title_key,
        body_key,
    }
}

async fn knowledge(s: SignedIn) -> ComingPage {
    coming(s.page, "nav-knowledge", "coming-knowledge")
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/admin.html")]
pub struct AdminPage {
    ctx: PageCtx,
    kinds: [ListKind; 9],
}

async fn admin(s: SignedIn<Admin>) -> AdminPage {
    AdminPage {
        ctx: s.page,
        kinds: ListKind::ALL,
    }
}
