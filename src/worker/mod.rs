//! The background worker: one loop that, every tick, does the work that time
//! makes due. Each piece of work is claimed in short transactions
//! (`db::claim`), so any number of workers (inside `serve` or as
//! `atende worker`) can run at once.

pub mod sla;

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::auth;
use crate::clock::Clock;
use crate::mail::Mailer;
use crate::mail::outbox::{self, MailReport};
use crate::sla::due::SlaTickReport;
use crate::web::session_store::PgSessionStore;

/// What one tick did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub expired_sessions: u64,
    pub old_login_attempts: u64,
    pub sla: SlaTickReport,
    pub entitlements_moved: u64,
    pub mail: MailReport,
}

impl TickReport {
    fn is_idle(&self) -> bool {
        *self == TickReport::default()
    }
}

/// Runs every kind of due work once and returns what it did.
pub async fn run_once(pool: &PgPool, clock: &Clock, mailer: &Mailer) -> anyhow::Result<TickReport> {
    let sla = sla::run_due(pool, clock.now()).await?;
    let entitlements_moved = crate::entitlements::worker::run_due(pool, clock.now()).await?;
    let mail = outbox::send_due(pool, mailer, clock.now()).await?;
    let expired_sessions = PgSessionStore::delete_expired(pool).await?;
    let old_login_attempts =
        auth::store::delete_old_attempts(pool, clock.now() - chrono::Duration::days(1)).await?;
    Ok(TickReport {
        expired_sessions,
        old_login_attempts,
        sla,
        entitlements_moved,
        mail,
    })
}

/// Ticks until cancelled; a failed tick is logged and retried on the next one,
/// so a database outage pauses the worker instead of ending it.
pub async fn run(
    pool: PgPool,
    clock: Clock,
    mailer: Mailer,
    tick: Duration,
    cancel: CancellationToken,
) {
    tracing::info!(tick_secs = tick.as_secs(), "worker started");
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = interval.tick() => {}
        }
        match run_once(&pool, &clock, &mailer).await {
            Ok(report) if !report.is_idle() => tracing::info!(?report, "worker tick"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "worker tick failed"),
        }
    }
    tracing::info!("worker stopped");
}
