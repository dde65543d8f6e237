use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::signed_in::SignedIn;
use crate::catalog::model::optional_id;
use crate::error::Result;
use crate::notifications::store::{self, NotificationRow};
use crate::web::form::Form;
use crate::web::page::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "notifications/list.html")]
pub struct NotificationsPage {
    ctx: PageCtx,
    rows: Vec<NotificationRow>,
}

pub async fn list_notifications(mut s: SignedIn) -> Result<NotificationsPage> {
    let rows = store::latest(&mut s.tx, s.user.id, 100).await?;
    s.tx.commit().await?;
    Ok(NotificationsPage { ctx: s.page, rows })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReadForm {
    /// One notification, or all when empty.
    id: String,
    /// Where to go next (the case the notification is about).
    next: String,
}

pub async fn mark_read(mut s: SignedIn, Form(input): Form<ReadForm>) -> Result<Response> {
    let id = optional_id(&input.id).ok().flatten();
    store::mark_read(&mut s.tx, s.user.id, id, s.now).await?;
    s.tx.commit().await?;
    let next =
        crate::auth::model::safe_next(&input.next).unwrap_or_else(|| "/notifications".to_owned());
    Ok(Redirect::to(&next).into_response())
}
