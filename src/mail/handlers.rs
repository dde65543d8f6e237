//! The outbox page: what Atende queued and sent, for admins to check
//! notification e-mail without a mail server.

use askama::Template;
use askama_web::WebTemplate;

use crate::auth::signed_in::{Admin, SignedIn};
use crate::error::Result;
use crate::mail::outbox::{self, OutboxRow};
use crate::users::model::Role;
use crate::web::page::PageCtx;
use crate::web::routes::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![Route::get(
        "/admin/outbox",
        Access::Role(Role::Admin),
        outbox,
    )]
}

#[derive(Template, WebTemplate)]
#[template(path = "mail/outbox.html")]
pub struct OutboxPage {
    ctx: PageCtx,
    rows: Vec<OutboxRow>,
}

pub async fn outbox(mut s: SignedIn<Admin>) -> Result<OutboxPage> {
    let rows = outbox::latest(&mut s.tx, 200).await?;
    s.tx.commit().await?;
    Ok(OutboxPage { ctx: s.page, rows })
}
