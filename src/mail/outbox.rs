//! Draining the outbox: claim due messages across tenants, hand them to the
//! transport one by one, record each.
//!
//! A worker claims a batch in a short transaction and holds it under a lease:
//! a `lease_id` fresh for the claim, and the lease's end in `next_attempt_at`,
//! so a held message is not due for anyone else until the lease ends. After
//! that transaction has committed, the worker hands the messages over one at
//! a time and, right after each handover, marks that one sent in a short
//! transaction of its own, provided `lease_id` is still its own.
//!
//! Delivery is at least once, with a window of one message. A message is
//! marked sent only after the transport took it, so none is lost. A worker
//! killed between a handover and its mark sends that one message again: once
//! the lease ends, another worker takes the message, and the rest of the
//! batch, which was either marked already or never handed over. The copy is
//! the same message, with the same `Message-ID` (and, for the file transport,
//! the same file), which servers and clients downstream collapse.
//!
//! Two live workers do not send one message. The claim skips rows another
//! claim has locked and messages another worker holds, and a worker hands
//! over only during the first half of its lease, leaving the rest of the
//! batch for later: the second half is for the message in flight, so it is
//! recorded before the lease can pass to anyone else. Only a handover that
//! takes longer than half a lease can overlap the next holder's; then the
//! late worker's record is refused, so it can neither mark nor queue again a
//! message the new holder owns. Leases are reckoned on the workers' clocks,
//! which must agree to well within half a lease.

use std::ops::AddAssign;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;

use crate::db::begin_tenant_tx;
use crate::db::claim::{DueCursor, DueTable, by_tenant, claim, due_table, enter_tenant};
use crate::mail::Mailer;

const BATCH: i64 = 50;
/// After this many failed attempts a message is kept, with its error, but no longer retried.
const MAX_ATTEMPTS: i32 = 8;

/// A message falls due when it is queued, after each failed attempt, and
/// when the lease of a worker that held it ends.
const DUE_MAIL: DueTable = due_table!("mail_outbox", "next_attempt_at");

/// A message a worker holds, with what the transport needs.
#[derive(Debug, FromRow)]
pub struct Held {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// Messages claimed together and held under one lease.
pub struct Batch {
    lease: Uuid,
    /// The claim's time, and the same instant on this process's monotonic
    /// clock, from which the batch reckons both its records' times and how
    /// much of its lease is gone.
    claimed_at: DateTime<Utc>,
    taken: Instant,
    length: std::time::Duration,
    claimed: usize,
    mail: Vec<Held>,
}

impl Batch {
    pub fn messages(&self) -> &[Held] {
        &self.mail
    }

    fn now(&self) -> DateTime<Utc> {
        self.claimed_at + since(self.taken)
    }

    fn may_hand_over(&self) -> bool {
        self.taken.elapsed() < self.length / 2
    }
}

fn since(instant: Instant) -> Duration {
    Duration::from_std(instant.elapsed()).unwrap_or_default()
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub sent: u64,
    pub failed: u64,
    /// Handed over after the lease had passed to another worker, so not
    /// recorded: the new holder may send these again.
    pub late: u64,
    /// Left for a later tick because half the lease was gone.
    pub deferred: u64,
}

impl AddAssign for MailReport {
    fn add_assign(&mut self, other: MailReport) {
        self.sent += other.sent;
        self.failed += other.failed;
        self.late += other.late;
        self.deferred += other.deferred;
    }
}

/// Sends what is due at `now`, a batch at a time, until a claim comes back
/// short or the transport is too slow to finish a batch in half a lease.
pub async fn send_due(
    pool: &PgPool,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<MailReport, sqlx::Error> {
    let started = Instant::now();
    let mut report = MailReport::default();
    let mut cursor = DueCursor::default();
    loop {
        let batch = claim_batch(pool, now + since(started), mailer.lease(), &mut cursor).await?;
        let full = i64::try_from(batch.claimed).unwrap_or(i64::MAX) >= BATCH;
        let delivered = deliver(pool, mailer, batch).await?;
        report += delivered;
        if !full || delivered.deferred > 0 {
            return Ok(report);
        }
    }
}

/// Claims the next due messages and takes a lease of `length` on them, in
/// one short transaction: as the worker role for the ids, then inside each
/// tenant's walls to stamp the lease and read the messages.
pub async fn claim_batch(
    pool: &PgPool,
    now: DateTime<Utc>,
    length: std::time::Duration,
    cursor: &mut DueCursor,
) -> Result<Batch, sqlx::Error> {
    let taken = Instant::now();
    let lease = Uuid::now_v7();
    let until = now + Duration::from_std(length).unwrap_or_else(|_| Duration::days(1));
    let mut tx = pool.begin().await?;
    let claimed = claim(&mut tx, &DUE_MAIL, now, BATCH, cursor).await?;
    let count = claimed.len();
    let mut mail = Vec::with_capacity(count);
    for (tenant, ids) in by_tenant(claimed) {
        enter_tenant(&mut tx, tenant).await?;
        let held: Vec<Held> = sqlx::query_as(
            "update mail_outbox set next_attempt_at = $2, lease_id = $3 where id = any($1)
             returning tenant_id, id, to_address, subject, body, attempts",
        )
        .bind(&ids)
        .bind(until)
        .bind(lease)
        .fetch_all(&mut *tx)
        .await?;
        mail.extend(held);
    }
    tx.commit().await?;
    Ok(Batch {
        lease,
        claimed_at: now,
        taken,
        length,
        claimed: count,
        mail,
    })
}

/// Hands the batch's messages to the transport one by one, recording each
/// right after its handover, while less than half the lease is gone.
pub async fn deliver(
    pool: &PgPool,
    mailer: &Mailer,
    batch: Batch,
) -> Result<MailReport, sqlx::Error> {
    let mut report = MailReport::default();
    for (at, held) in batch.mail.iter().enumerate() {
        if !batch.may_hand_over() {
            report.deferred = release(pool, &batch, &batch.mail[at..]).await?;
            break;
        }
        let handed = mailer
            .send(held.id, &held.to_address, &held.subject, &held.body)
            .await;
        let recorded = match &handed {
            Ok(()) => record_sent(pool, &batch, held).await?,
            Err(err) => record_failure(pool, &batch, held, &err.to_string()).await?,
        };
        match (handed, recorded) {
            (_, false) => {
                tracing::warn!(mail = %held.id, "e-mail handed over after another worker took it over");
                report.late += 1;
            }
            (Ok(()), true) => report.sent += 1,
            (Err(_), true) => report.failed += 1,
        }
    }
    Ok(report)
}

/// Marks a message sent, if the batch still holds it.
async fn record_sent(pool: &PgPool, batch: &Batch, held: &Held) -> Result<bool, sqlx::Error> {
    let mut tx = begin_tenant_tx(pool, held.tenant_id).await?;
    let marked = sqlx::query(
        "update mail_outbox set sent_at = $3, next_attempt_at = null, lease_id = null,
                attempts = attempts + 1, last_error = null
          where id = $1 and lease_id = $2",
    )
    .bind(held.id)
    .bind(batch.lease)
    .bind(batch.now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(marked == 1)
}

/// Records a failed attempt and when to try again (or that it never will),
/// if the batch still holds the message.
async fn record_failure(
    pool: &PgPool,
    batch: &Batch,
    held: &Held,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let attempts = held.attempts + 1;
    let retry =
        (attempts < MAX_ATTEMPTS).then(|| batch.now() + Duration::minutes(1 << attempts.min(10)));
    tracing::warn!(mail = %held.id, error, attempts, "e-mail not sent");
    let mut tx = begin_tenant_tx(pool, held.tenant_id).await?;
    let recorded = sqlx::query(
        "update mail_outbox set attempts = $3, last_error = $4, next_attempt_at = $5, lease_id = null
          where id = $1 and lease_id = $2",
    )
    .bind(held.id)
    .bind(batch.lease)
    .bind(attempts)
    .bind(error)
    .bind(retry)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(recorded == 1)
}

/// Gives back messages never handed over, due at once for the next claim.
async fn release(pool: &PgPool, batch: &Batch, rest: &[Held]) -> Result<u64, sqlx::Error> {
    let mut released = 0;
    let rest = rest.iter().map(|held| (held.tenant_id, held.id)).collect();
    for (tenant, ids) in by_tenant(rest) {
        let mut tx = begin_tenant_tx(pool, tenant).await?;
        released += sqlx::query(
            "update mail_outbox set next_attempt_at = $3, lease_id = null
              where id = any($1) and lease_id = $2",
        )
        .bind(&ids)
        .bind(batch.lease)
        .bind(batch.now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
    }
    Ok(released)
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
            .map(|n| crate::core::case::CaseNumber(n).to_string())
            .unwrap_or_default()
    }
}

/// A message for the outbox, about a case or not.
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub case_id: Option<Uuid>,
}

/// Queues `messages` for the worker to send from `now`, in one statement.
pub async fn queue(
    tx: &mut PgConnection,
    messages: &[Outgoing],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if messages.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into mail_outbox (tenant_id, id, to_address, subject, body, case_id, created_at, next_attempt_at)
         select app_tenant_id(), u.id, u.to_address, u.subject, u.body, u.case_id, $6, $6
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[]) as u(id, to_address, subject, body, case_id)",
    )
    .bind(messages.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.to.as_str()).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.body.as_str()).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.case_id).collect::<Vec<_>>())
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// The workspace's most recent messages, for the outbox page.
pub async fn latest(tx: &mut PgConnection, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as(
        "select m.id, m.to_address, m.subject, m.body, (select number from case_refs where id = m.case_id) as case_number,
                m.created_at, m.sent_at, m.next_attempt_at, m.attempts, m.last_error
           from mail_outbox m order by m.created_at desc, m.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(tx)
    .await
}
