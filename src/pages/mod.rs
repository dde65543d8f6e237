//! The home redirect and the sections whose features are still to come; each
//! says what it will hold, so the navigation is complete from the start.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::Redirect;

use crate::auth::signed_in::{Admin, SignedIn, Supervisor};
use crate::catalog::model::ListKind;
use crate::users::model::Role;
use crate::web::page::PageCtx;
use crate::web::routes::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Access::Public, home),
        Route::get("/queues", Access::SignedIn, queues),
        Route::get("/knowledge", Access::SignedIn, knowledge),
        Route::get("/dashboard", Access::Role(Role::Supervisor), dashboard),
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

async fn queues(s: SignedIn) -> ComingPage {
    coming(s.page, "nav-queues", "coming-queues")
}

async fn knowledge(s: SignedIn) -> ComingPage {
    coming(s.page, "nav-knowledge", "coming-knowledge")
}

async fn dashboard(s: SignedIn<Supervisor>) -> ComingPage {
    coming(s.page, "nav-dashboard", "coming-dashboard")
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
