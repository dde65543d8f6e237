//! Claiming due rows across tenants, shared by every worker whose table has
//! rows that fall due (KPI instances, entitlement terms, queued e-mail): a
//! batch at a time, in due order, from where the last claim stopped, with
//! FOR UPDATE SKIP LOCKED so two workers never take the same row. Each
//! feature drains its own table with it, and the worker loop calls the
//! features, so it sits below both.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A table whose rows fall due, and the statement that claims them. Built
/// with `due_table!`, which needs the table's index on (due column, id).
#[derive(Debug, Clone, Copy)]
pub struct DueTable {
    claim_sql: &'static str,
}

impl DueTable {
    pub(crate) const fn from_claim_sql(claim_sql: &'static str) -> Self {
        Self { claim_sql }
    }
}

/// `due_table!("table", "due column")`: the claim reads `$1` now, `$2` the
/// batch size and `$3`, `$4` the cursor, and returns tenant, id and due time.
macro_rules! due_table {
    ($table:literal, $due:literal) => {
        $crate::db::claim::DueTable::from_claim_sql(concat!(
            "select tenant_id, id, ",
            $due,
            " from ",
            $table,
            " where ",
            $due,
            " <= $1 and (",
            $due,
            ", id) > (coalesce($3::timestamptz, '-infinity'), $4::uuid)",
            " order by ",
            $due,
            ", id limit $2 for update skip locked"
        ))
    };
}
pub(crate) use due_table;

/// Where a drain has got to in a table's due index: the (due time, id) of
/// the last row it claimed. Each claim starts after it, so the index entries
/// of rows already handled are not walked again. They stay in the index
/// until vacuum, and while any older transaction is open (a long report, a
/// backup) scans cannot mark them dead either: every claim of a burst would
/// re-read all the earlier ones'. A row made due behind the cursor during
/// the drain waits for the next tick.
#[derive(Debug, Default, Clone, Copy)]
pub struct DueCursor(Option<(DateTime<Utc>, Uuid)>);

/// Claims rows of a table that are due, as the worker role: only the ids of
/// due rows are visible to it, and only until a tenant is entered. Returns
/// tenant and id, in due order.
pub async fn claim(
    tx: &mut PgConnection,
    table: &DueTable,
    now: DateTime<Utc>,
    limit: i64,
    cursor: &mut DueCursor,
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    // The rows are wanted in index order, a batch at a time. The planner,
    // guessing that few rows pass the row-level policies, would rather
    // collect every due row and sort them: each claim of a burst then read
    // all the rows still due. Sorting stays off until a tenant is entered.
    sqlx::query(
        "select set_config('role', 'atende_worker', true), set_config('app.tenant_id', '', true),
                set_config('enable_sort', 'off', true)",
    )
    .execute(&mut *tx)
    .await?;
    let (after_due, after_id) = cursor.0.unzip();
    let rows: Vec<(Uuid, Uuid, DateTime<Utc>)> = sqlx::query_as(table.claim_sql)
        .bind(now)
        .bind(limit)
        .bind(after_due)
        .bind(after_id.unwrap_or_default())
        .fetch_all(tx)
        .await?;
    if let Some((_, id, due)) = rows.last() {
        cursor.0 = Some((*due, *id));
    }
    Ok(rows
        .into_iter()
        .map(|(tenant, id, _)| (tenant, id))
        .collect())
}

/// Enters one tenant's walls for the rest of the claim's work on it.
pub async fn enter_tenant(tx: &mut PgConnection, tenant: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "select set_config('role', 'atende_app', true), set_config('app.tenant_id', $1, true),
                set_config('enable_sort', 'on', true)",
    )
    .bind(tenant.to_string())
    .execute(tx)
    .await?;
    Ok(())
}

pub fn by_tenant(claimed: Vec<(Uuid, Uuid)>) -> HashMap<Uuid, Vec<Uuid>> {
    let mut groups: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (tenant, id) in claimed {
        groups.entry(tenant).or_default().push(id);
    }
    groups
}
