//! What time does to entitlements: a waiting one becomes active on its start
//! date, an active one expires the day after its end date, both at midnight
//! in the workspace's time zone. The worker claims the due rows across
//! tenants like the SLA worker does, then moves each tenant's rows in one
//! statement inside its walls.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::claim::{DueCursor, DueTable, by_tenant, claim, due_table, enter_tenant};

/// Entitlements handled per claiming transaction.
pub const BATCH: i64 = 1000;

/// An entitlement falls due on the midnight its status next changes.
const DUE_ENTITLEMENTS: DueTable = due_table!("entitlements", "status_due_at");

/// Moves every entitlement due by `now`, batch after batch; returns how many moved.
pub async fn run_due(pool: &PgPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let mut moved = 0;
    let mut cursor = DueCursor::default();
    loop {
        let mut tx = pool.begin().await?;
        let claimed = claim(&mut tx, &DUE_ENTITLEMENTS, now, BATCH, &mut cursor).await?;
        let count = claimed.len();
        for (tenant, ids) in by_tenant(claimed) {
            enter_tenant(&mut tx, tenant).await?;
            moved += process(&mut tx, &ids, now).await?;
        }
        tx.commit().await?;
        if i64::try_from(count).unwrap_or(0) < BATCH {
            return Ok(moved);
        }
    }
}

/// Inside one tenant: waiting → active (or straight to expired when the end
/// has passed too), active → expired; anything else just loses its due time.
async fn process(
    tx: &mut PgConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "with due as (
             select e.id,
                    ((e.ends_on + 1)::timestamp
                        at time zone (select time_zone from tenants where id = app_tenant_id())) as end_at
               from entitlements e
              where e.id = any($1) and e.status in ('waiting', 'active') and e.status_due_at <= $2)
         update entitlements e
            set status = case when due.end_at <= $2 then 'expired' else 'active' end,
                status_due_at = case when due.end_at <= $2 then null else due.end_at end,
                version = e.version + 1
           from due
          where e.id = due.id",
    )
    .bind(ids)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update entitlements set status_due_at = null
          where id = any($1) and status not in ('waiting', 'active') and status_due_at <= $2",
    )
    .bind(ids)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}
