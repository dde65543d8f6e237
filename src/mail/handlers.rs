//! The outbox page: what Atende queued and sent, for admins to check
//! notification e-mail without a mail server.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use crate::error::Result;
use crate::users::model::Role;
use crate::web::page::PageCtx;
use crate::web::routes::{Access, Route};
use crate::web::signed_in::{Admin, SignedIn};

pub fn routes() -> Vec<Route> {
    vec![Route::get(
        "/admin/outbox",
        Access::Role(Role::Admin),
        outbox,
    )]
}

#[derive(FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub case_number: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

impl OutboxRow {
    pub fn case_text(&self) -> String {
        self.case_number
            .map(|n| crate::cases::model::CaseNumber(n).to_string())
            .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mail/outbox.html")]
pub struct OutboxPage {
    ctx: PageCtx,
    rows: Vec<OutboxRow>,
}

pub async fn outbox(mut s: SignedIn<Admin>) -> Result<OutboxPage> {
    let rows: Vec<OutboxRow> = sqlx::query_as(
        "select m.id, m.to_address, m.subject, m.body, (select number from cases where id = m.case_id) as case_number,
                m.created_at, m.sent_at, m.next_attempt_at, m.attempts, m.last_error
           from mail_outbox m order by m.created_at desc, m.id desc limit 200",
    )
    .fetch_all(&mut *s.tx)
    .await?;
    s.tx.commit().await?;
    Ok(OutboxPage { ctx: s.page, rows })
}
