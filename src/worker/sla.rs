//! The SLA's share of the worker: claims the KPI instances that fall due,
//! batch after batch, and in each batch's transaction lets the SLA move
//! them and the cases take the steps' effects.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::cases::command::sla_steps::apply_sla_steps;
use crate::db::claim::{DueCursor, DueTable, by_tenant, claim, due_table, enter_tenant};
use crate::mail::outbox::{self, Outgoing};
use crate::notifications::store::add_sla_notices;
use crate::sla::due::{SlaTickReport, lock_due_in_tenant, tick_due};

/// Instances handled per claiming transaction: large enough that a burst of
/// deadlines costs few round trips, small enough that locks are short.
pub const BATCH: i64 = 1000;

/// KPI instances fall due at `due_at`: nearing its warning or its failure.
pub const DUE_INSTANCES: DueTable = due_table!("sla_kpi_instances", "due_at");

/// Batches worked on at once by one worker. A batch's transaction spends
/// much of its time waiting: for each statement's round trip, and for its
/// commit to reach disk. Meanwhile the next batch is claimed and worked on
/// in a second transaction.
const LANES: usize = 2;

/// Processes every instance due by `now`, batch after batch. Claims are
/// taken one at a time from one cursor, so the lanes' batches never overlap;
/// each is then processed and committed on its own.
pub async fn run_due(pool: &PgPool, now: DateTime<Utc>) -> Result<SlaTickReport, sqlx::Error> {
    let cursor = tokio::sync::Mutex::new(DueCursor::default());
    // The first batch alone: an idle tick finds nothing, in one claim.
    let (mut report, full) = run_batch(pool, now, &cursor).await?;
    if full {
        let lanes = (0..LANES).map(|_| run_lane(pool, now, &cursor));
        for lane in futures::future::try_join_all(lanes).await? {
            report += lane;
        }
    }
    Ok(report)
}

async fn run_lane(
    pool: &PgPool,
    now: DateTime<Utc>,
    cursor: &tokio::sync::Mutex<DueCursor>,
) -> Result<SlaTickReport, sqlx::Error> {
    let mut report = SlaTickReport::default();
    loop {
        let (done, full) = run_batch(pool, now, cursor).await?;
        report += done;
        if !full {
            return Ok(report);
        }
    }
}

/// Claims, processes and commits one batch; says whether it was full (so
/// more may be due).
async fn run_batch(
    pool: &PgPool,
    now: DateTime<Utc>,
    cursor: &tokio::sync::Mutex<DueCursor>,
) -> Result<(SlaTickReport, bool), sqlx::Error> {
    let mut report = SlaTickReport::default();
    let mut tx = pool.begin().await?;
    let claimed = {
        let mut cursor = cursor.lock().await;
        claim(&mut tx, &DUE_INSTANCES, now, BATCH, &mut cursor).await?
    };
    let full = i64::try_from(claimed.len()).unwrap_or(0) >= BATCH;
    for (tenant, ids) in by_tenant(claimed) {
        enter_tenant(&mut tx, tenant).await?;
        report += tick_tenant(&mut tx, &ids, now).await?;
    }
    tx.commit().await?;
    Ok((report, full))
}

/// Ticks the due instances of the tenant the transaction is in (seeding
/// demo data uses it to leave cases in every KPI state).
pub async fn run_due_in_tenant(
    tx: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<SlaTickReport, sqlx::Error> {
    let ids = lock_due_in_tenant(tx, now).await?;
    tick_tenant(tx, &ids, now).await
}

/// The steps of the instances `ids`, what they do to their cases, and the
/// notifications and e-mail they send.
async fn tick_tenant(
    tx: &mut PgConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<SlaTickReport, sqlx::Error> {
    let tick = tick_due(tx, ids, now).await?;
    apply_sla_steps(tx, &tick.steps, now).await?;
    add_sla_notices(tx, &tick.messages.notices, now).await?;
    let mails: Vec<Outgoing> = tick
        .messages
        .mails
        .into_iter()
        .map(|m| Outgoing {
            to: m.to,
            subject: m.subject,
            body: m.body,
            case_id: Some(m.case_id),
        })
        .collect();
    outbox::queue(tx, &mails, now).await?;
    Ok(tick.report)
}
