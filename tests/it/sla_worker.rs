//! The SLA worker on a burst: more due timers than several batches, drained
//! by one worker and by two at once, each working on batches side by side.

use atende::seed::bulk::{BulkOptions, bulk};
use atende::worker::sla::run_due;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::support::TestApp;

/// Five batches: more than one worker's first batch and its lanes' first.
const DUE: i64 = 5_000;

async fn make_due(app: &TestApp) -> Vec<Uuid> {
    let due: Vec<Uuid> = sqlx::query_scalar(
        "update sla_kpi_instances set status = 'in_progress', warned_at = null, failed_at = null,
                succeeded_at = null, ended_at = null, paused_at = null,
                warning_at = now() - interval '1 minute', failure_at = now() + interval '1 day',
                due_at = now() - interval '1 minute'
          where id in (select id from sla_kpi_instances order by id limit $1)
          returning id",
    )
    .bind(DUE)
    .fetch_all(&app.pool)
    .await
    .expect("make the timers due");
    assert_eq!(due.len() as i64, DUE);
    due
}

/// Each timer warned once since `since`, and nothing left due.
async fn assert_warned_once(app: &TestApp, due: &[Uuid], since: DateTime<Utc>) {
    let (warned, distinct, nearing): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(distinct h.instance_id),
                (select count(*) from sla_kpi_instances where id = any($1) and status = 'nearing')
           from sla_kpi_history h
          where h.event = 'warned' and h.instance_id = any($1) and h.at >= $2",
    )
    .bind(due)
    .bind(since)
    .fetch_one(&app.pool)
    .await
    .expect("warnings");
    assert_eq!(distinct, DUE, "a due timer was left behind");
    assert_eq!(warned, DUE, "a timer was warned twice");
    assert_eq!(nearing, DUE, "a warned timer is not nearing");
    let still_due: i64 = sqlx::query_scalar(
        "select count(*) from sla_kpi_instances where id = any($1) and due_at <= now()",
    )
    .bind(due)
    .fetch_one(&app.pool)
    .await
    .expect("still due");
    assert_eq!(still_due, 0, "timers still due after the drain");
}

#[tokio::test]
async fn a_burst_of_due_timers_moves_each_timer_once_with_one_worker_or_two() {
    let app = TestApp::spawn().await;
    let options = BulkOptions {
        tenants: 2,
        customers: 300,
        cases: 3_000,
        seed: 11,
    };
    bulk(&app.pool, options).await.expect("bulk seed");

    let due = make_due(&app).await;
    let now = Utc::now();
    let report = run_due(&app.pool, now).await.expect("one worker");
    assert!(report.warned >= DUE as u64, "{report:?}");
    assert_warned_once(&app, &due, now).await;

    let due = make_due(&app).await;
    let now = Utc::now();
    let (one, two) = tokio::join!(run_due(&app.pool, now), run_due(&app.pool, now));
    let (one, two) = (one.expect("first worker"), two.expect("second worker"));
    assert!(one.warned + two.warned >= DUE as u64, "{one:?} {two:?}");
    assert_warned_once(&app, &due, now).await;
}
