//! Reading SLAs and writing KPI instances with their history and pause ledger.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::catalog::cache::Lists;
use crate::sla::calendar::Calendar;
use crate::sla::condition::Condition;
use crate::sla::engine::{Evolution, Instance, Step};
use crate::sla::model::{Actions, FirstResponseBy, Kpi, KpiStatus, Sla, SlaItem};

/// Every active SLA of the workspace, ready to evaluate, and the default one.
#[derive(Debug, Clone, Default)]
pub struct SlaBook {
    pub by_id: Arc<HashMap<Uuid, Sla>>,
    pub default_id: Option<Uuid>,
}

impl SlaBook {
    /// The entitlement's SLA, else the workspace's default.
    pub fn for_case(&self, entitlement_sla: Option<Uuid>) -> Option<&Sla> {
        entitlement_sla
            .and_then(|id| self.by_id.get(&id))
            .or_else(|| self.default_id.and_then(|id| self.by_id.get(&id)))
    }
}

#[derive(FromRow)]
struct SlaRow {
    id: Uuid,
    name: String,
    is_default: bool,
    pause_status_ids: Vec<Uuid>,
    time_zone: String,
    always_open: bool,
    week: serde_json::Value,
    holidays: serde_json::Value,
}

#[derive(FromRow)]
struct ItemRow {
    id: Uuid,
    sla_id: Uuid,
    name: String,
    kpi: String,
    condition: serde_json::Value,
    warn_after_minutes: i32,
    fail_after_minutes: i32,
    warning_actions: serde_json::Value,
    failure_actions: serde_json::Value,
    first_response_by: String,
}

/// A stored calendar, read leniently: a row the form would refuse is not a
/// reason to fail every case, so bad parts read as empty.
pub fn calendar_from_row(
    time_zone: &str,
    always_open: bool,
    week: &serde_json::Value,
    holidays: &serde_json::Value,
) -> Calendar {
    Calendar {
        time_zone: time_zone.parse().unwrap_or(chrono_tz::America::Sao_Paulo),
        always_open,
        week: serde_json::from_value(week.clone()).unwrap_or_default(),
        holidays: holidays
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|h| {
                        serde_json::from_value(h.get("day").cloned().unwrap_or_else(|| h.clone()))
                            .ok()
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

async fn load_book(tx: &mut PgConnection) -> Result<SlaBook, sqlx::Error> {
    let slas: Vec<SlaRow> = sqlx::query_as(
        "select s.id, s.name, s.is_default, s.pause_status_ids, c.time_zone, c.always_open, c.week, c.holidays
           from slas s join calendars c on c.id = s.calendar_id
          where s.active",
    )
    .fetch_all(&mut *tx)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(
        "select i.id, i.sla_id, i.name, i.kpi, i.condition, i.warn_after_minutes, i.fail_after_minutes,
                i.warning_actions, i.failure_actions, i.first_response_by
           from sla_items i join slas s on s.id = i.sla_id
          where s.active
          order by i.sla_id, i.position, i.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut default_id = None;
    let mut by_id: HashMap<Uuid, Sla> = slas
        .into_iter()
        .map(|row| {
            if row.is_default {
                default_id = Some(row.id);
            }
            let sla = Sla {
                id: row.id,
                name: row.name,
                calendar: calendar_from_row(
                    &row.time_zone,
                    row.always_open,
                    &row.week,
                    &row.holidays,
                ),
                pause_status_ids: row.pause_status_ids,
                items: Vec::new(),
            };
            (row.id, sla)
        })
        .collect();
    for row in items {
        let (Some(sla), Some(kpi)) = (by_id.get_mut(&row.sla_id), Kpi::parse(&row.kpi)) else {
            continue;
        };
        sla.items.push(SlaItem {
            id: row.id,
            name: row.name,
            kpi,
            condition: serde_json::from_value(row.condition)
                .unwrap_or_else(|_| Condition::always()),
            warn_after_minutes: i64::from(row.warn_after_minutes),
            fail_after_minutes: i64::from(row.fail_after_minutes),
            warning_actions: serde_json::from_value::<Actions>(row.warning_actions)
                .unwrap_or_default(),
            failure_actions: serde_json::from_value::<Actions>(row.failure_actions)
                .unwrap_or_default(),
            first_response_by: FirstResponseBy::parse(&row.first_response_by).unwrap_or_default(),
        });
    }
    Ok(SlaBook {
        by_id: Arc::new(by_id),
        default_id,
    })
}

/// The workspace's SLAs, from the request's list cache when there is one.
pub async fn book(tx: &mut PgConnection, lists: Option<&Lists>) -> Result<SlaBook, sqlx::Error> {
    match lists {
        Some(lists) => lists.get("slas", load_book(tx)).await,
        None => load_book(tx).await,
    }
}

#[derive(FromRow)]
pub struct InstanceRow {
    pub id: Uuid,
    pub kpi: String,
    pub sla_item_id: Option<Uuid>,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub warning_at: DateTime<Utc>,
    pub failure_at: DateTime<Utc>,
    pub warned_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub paused_minutes: i32,
}

impl InstanceRow {
    pub fn into_instance(self) -> Option<Instance> {
        Some(Instance {
            id: self.id,
            kpi: Kpi::parse(&self.kpi)?,
            sla_item_id: self.sla_item_id,
            status: KpiStatus::parse(&self.status)?,
            started_at: self.started_at,
            warning_at: self.warning_at,
            failure_at: self.failure_at,
            warned_at: self.warned_at,
            failed_at: self.failed_at,
            succeeded_at: self.succeeded_at,
            ended_at: self.ended_at,
            paused_at: self.paused_at,
            paused_minutes: i64::from(self.paused_minutes),
        })
    }
}

pub const INSTANCE_COLUMNS: &str =
    "id, kpi, sla_item_id, status, started_at, warning_at, failure_at, warned_at, failed_at,
     succeeded_at, ended_at, paused_at, paused_minutes";

pub async fn instances_of(
    tx: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<Instance>, sqlx::Error> {
    let rows: Vec<InstanceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {INSTANCE_COLUMNS} from sla_kpi_instances where case_id = $1 for update"
    )))
    .bind(case_id)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(InstanceRow::into_instance)
        .collect())
}

/// Two common table expressions of a statement: `saved` writes the
/// instances a change touched and `stepped` one history row per step (the
/// instance rows the history points at are written by the same statement).
/// Either writes only where `guard`, an SQL condition, holds. A new case's
/// clocks are written by the statement that inserts the case: one round
/// trip less on the path every new case takes.
pub(crate) fn push_instance_writes(
    sql: &mut QueryBuilder<Postgres>,
    case_id: Uuid,
    evolutions: &[&Evolution],
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    guard: &'static str,
) {
    let instances: Vec<&Instance> = evolutions.iter().map(|e| &e.instance).collect();
    let column = |f: fn(&Instance) -> Option<DateTime<Utc>>| {
        instances.iter().map(|i| f(i)).collect::<Vec<_>>()
    };
    let steps = StepColumns::of(evolutions);
    sql.push(
        "saved as (
           insert into sla_kpi_instances (tenant_id, id, case_id, kpi, sla_item_id, status, started_at, warning_at,
                                          failure_at, warned_at, failed_at, succeeded_at, ended_at, paused_at,
                                          paused_minutes, due_at)
           select app_tenant_id(), u.* from unnest(",
    );
    sql.push_bind(instances.iter().map(|i| i.id).collect::<Vec<_>>())
        .push("::uuid[], ")
        .push_bind(vec![case_id; instances.len()])
        .push("::uuid[], ")
        .push_bind(instances.iter().map(|i| i.kpi.as_str()).collect::<Vec<_>>())
        .push("::text[], ")
        .push_bind(instances.iter().map(|i| i.sla_item_id).collect::<Vec<_>>())
        .push("::uuid[], ")
        .push_bind(
            instances
                .iter()
                .map(|i| i.status.as_str())
                .collect::<Vec<_>>(),
        )
        .push("::text[], ");
    for f in [
        |i: &Instance| Some(i.started_at),
        |i: &Instance| Some(i.warning_at),
        |i: &Instance| Some(i.failure_at),
        |i: &Instance| i.warned_at,
        |i: &Instance| i.failed_at,
        |i: &Instance| i.succeeded_at,
        |i: &Instance| i.ended_at,
        |i: &Instance| i.paused_at,
    ] {
        sql.push_bind(column(f)).push("::timestamptz[], ");
    }
    sql.push_bind(
        instances
            .iter()
            .map(|i| i32::try_from(i.paused_minutes).unwrap_or(i32::MAX))
            .collect::<Vec<_>>(),
    )
    .push("::int[], ")
    .push_bind(column(Instance::due_at))
    .push("::timestamptz[]) as u where ")
    .push(guard)
    .push(
        " on conflict (tenant_id, case_id, kpi) do update set
               sla_item_id = excluded.sla_item_id, status = excluded.status, warning_at = excluded.warning_at,
               failure_at = excluded.failure_at, warned_at = excluded.warned_at, failed_at = excluded.failed_at,
               succeeded_at = excluded.succeeded_at, ended_at = excluded.ended_at, paused_at = excluded.paused_at,
               paused_minutes = excluded.paused_minutes, due_at = excluded.due_at),
         stepped as (
           insert into sla_kpi_history (tenant_id, id, instance_id, at, event, from_status, to_status, detail, actor_id)
           select app_tenant_id(), h.id, h.instance_id, ",
    )
    .push_bind(now)
    .push(", h.event, h.from_status, h.to_status, h.detail, ")
    .push_bind(actor)
    .push(" from unnest(")
    .push_bind(steps.instance_ids.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .push("::uuid[], ")
    .push_bind(steps.instance_ids)
    .push("::uuid[], ")
    .push_bind(steps.events)
    .push("::text[], ")
    .push_bind(steps.from)
    .push("::text[], ")
    .push_bind(steps.to)
    .push("::text[], ")
    .push_bind(steps.details)
    .push("::jsonb[]) as h(id, instance_id, event, from_status, to_status, detail) where ")
    .push(guard)
    .push(")");
}

/// The history rows of a change, column by column.
#[derive(Default)]
struct StepColumns {
    instance_ids: Vec<Uuid>,
    events: Vec<&'static str>,
    from: Vec<&'static str>,
    to: Vec<&'static str>,
    details: Vec<serde_json::Value>,
}

impl StepColumns {
    fn of(evolutions: &[&Evolution]) -> Self {
        let mut columns = Self::default();
        for evolution in evolutions {
            for (step, before, after) in &evolution.steps {
                columns.instance_ids.push(evolution.instance.id);
                columns.events.push(step.event());
                columns.from.push(before.as_str());
                columns.to.push(after.as_str());
                columns.details.push(step_detail(step));
            }
        }
        columns
    }
}

/// Opens a pause-ledger row for each pause and closes it on resume.
pub(crate) async fn record_pauses(
    tx: &mut PgConnection,
    evolutions: &[&Evolution],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for evolution in evolutions {
        for (step, _, _) in &evolution.steps {
            match step {
                Step::Paused { status_reason_id } => {
                    sqlx::query(
                        "insert into sla_kpi_pauses (tenant_id, id, instance_id, status_reason_id, paused_at)
                         values (app_tenant_id(), $1, $2, $3, $4)",
                    )
                    .bind(Uuid::now_v7())
                    .bind(evolution.instance.id)
                    .bind(status_reason_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                Step::Resumed { paused_minutes } => {
                    sqlx::query(
                        "update sla_kpi_pauses set resumed_at = $2, paused_minutes = $3
                          where instance_id = $1 and resumed_at is null",
                    )
                    .bind(evolution.instance.id)
                    .bind(now)
                    .bind(i32::try_from(*paused_minutes).unwrap_or(i32::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// What a step says about itself in the history.
pub fn step_detail(step: &Step) -> serde_json::Value {
    match step {
        Step::Started { item } => json!({ "item": item }),
        Step::Paused { status_reason_id } => json!({ "status_reason": status_reason_id }),
        Step::Resumed { paused_minutes } => json!({ "paused_minutes": paused_minutes }),
        Step::Reevaluated {
            from,
            to,
            failure_before,
        } => {
            json!({ "from": from, "to": to, "failure_before": failure_before })
        }
        Step::Succeeded { late } => json!({ "late": late }),
        Step::Cancelled { no_item_applies } => json!({ "no_item_applies": no_item_applies }),
        Step::Reopened { closed_minutes } => json!({ "closed_minutes": closed_minutes }),
        Step::Warned | Step::Failed => json!({}),
    }
}
