//! Draining the outbox: claim due messages across tenants, send, record.
//!
//! A message is marked sent in the transaction that claimed it, after the
//! server accepted it. A worker killed between the two sends that message
//! again on the next tick: e-mail is delivered at least once, never lost.

use chrono::{DateTime, Duration, Utc};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

use crate::mail::Mailer;
use crate::worker::claim::{DueCursor, DueTable, by_tenant, claim, due_table, enter_tenant};

const BATCH: i64 = 50;
/// After this many failed attempts a message is kept, with its error, but no longer retried.
const MAX_ATTEMPTS: i32 = 8;

/// A message falls due when it is queued and again after each failed attempt.
const DUE_MAIL: DueTable = due_table!("mail_outbox", "next_attempt_at");

#[derive(FromRow)]
struct Queued {
    id: Uuid,
    to_address: String,
    subject: String,
    body: String,
    attempts: i32,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub sent: u64,
    pub failed: u64,
}

pub async fn send_due(
    pool: &PgPool,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<MailReport, sqlx::Error> {
    let mut report = MailReport::default();
    let mut cursor = DueCursor::default();
    loop {
        let mut tx = pool.begin().await?;
        let claimed = claim(&mut tx, &DUE_MAIL, now, BATCH, &mut cursor).await?;
        let count = claimed.len();
        for (tenant, ids) in by_tenant(claimed) {
            enter_tenant(&mut tx, tenant).await?;
            let queued: Vec<Queued> = sqlx::query_as(
                "select id, to_address, subject, body, attempts from mail_outbox where id = any($1)",
            )
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
            for mail in queued {
                match mailer
                    .send(mail.id, &mail.to_address, &mail.subject, &mail.body)
                    .await
                {
                    Ok(()) => {
                        sqlx::query(
                            "update mail_outbox set sent_at = $2, next_attempt_at = null, attempts = attempts + 1,
                                    last_error = null where id = $1",
                        )
                        .bind(mail.id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        report.sent += 1;
                    }
                    Err(err) => {
                        let attempts = mail.attempts + 1;
                        let retry = (attempts < MAX_ATTEMPTS)
                            .then(|| now + Duration::minutes(1 << attempts.min(10)));
                        tracing::warn!(mail = %mail.id, error = %err, attempts, "e-mail not sent");
                        sqlx::query(
                            "update mail_outbox set attempts = $2, last_error = $3, next_attempt_at = $4 where id = $1",
                        )
                        .bind(mail.id)
                        .bind(attempts)
                        .bind(err.to_string())
                        .bind(retry)
                        .execute(&mut *tx)
                        .await?;
                        report.failed += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        if i64::try_from(count).unwrap_or(0) < BATCH {
            return Ok(report);
        }
    }
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

/// The workspace's most recent messages, for the outbox page.
pub async fn latest(tx: &mut PgConnection, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as(
        "select m.id, m.to_address, m.subject, m.body, (select number from cases where id = m.case_id) as case_number,
                m.created_at, m.sent_at, m.next_attempt_at, m.attempts, m.last_error
           from mail_outbox m order by m.created_at desc, m.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(tx)
    .await
}
