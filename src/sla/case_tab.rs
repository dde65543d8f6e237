//! What the case page's SLA tab reads: a case's KPI instances with the
//! item and SLA that set them, each with its history and pause ledger (one
//! query each, whatever the number of instances).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::core::duration;
use crate::sla::model::{Kpi, KpiStatus};

fn hours_minutes(minutes: i64) -> String {
    duration::clock(minutes)
}

#[derive(Debug, FromRow)]
struct InstanceRow {
    id: Uuid,
    kpi: String,
    status: String,
    started_at: DateTime<Utc>,
    warning_at: DateTime<Utc>,
    failure_at: DateTime<Utc>,
    succeeded_at: Option<DateTime<Utc>>,
    paused_minutes: i32,
    item_name: Option<String>,
    sla_name: Option<String>,
}

#[derive(Debug, FromRow)]
pub struct SlaHistoryRow {
    pub instance_id: Uuid,
    pub at: DateTime<Utc>,
    pub event: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub detail: serde_json::Value,
    pub actor: Option<String>,
}

impl SlaHistoryRow {
    pub fn event_key(&self) -> &'static str {
        sla_event_key(&self.event)
    }

    pub fn before_key(&self) -> Option<&'static str> {
        self.from_status
            .as_deref()
            .and_then(KpiStatus::parse)
            .map(KpiStatus::label_key)
    }

    pub fn after_key(&self) -> Option<&'static str> {
        self.to_status
            .as_deref()
            .and_then(KpiStatus::parse)
            .map(KpiStatus::label_key)
    }
}

#[derive(Debug, FromRow)]
pub struct SlaPauseRow {
    pub instance_id: Uuid,
    pub paused_at: DateTime<Utc>,
    pub resumed_at: Option<DateTime<Utc>>,
    pub paused_minutes: Option<i32>,
    pub reason: Option<String>,
}

impl SlaPauseRow {
    pub fn minutes(&self) -> String {
        self.paused_minutes
            .map(|m| hours_minutes(i64::from(m)))
            .unwrap_or_default()
    }
}

/// A KPI instance of the SLA tab with everything that explains its deadlines.
#[derive(Debug)]
pub struct SlaInstance {
    pub kpi: Kpi,
    pub status: KpiStatus,
    pub started_at: DateTime<Utc>,
    pub warning_at: DateTime<Utc>,
    pub failure_at: DateTime<Utc>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub paused_minutes: i32,
    pub item_name: Option<String>,
    pub sla_name: Option<String>,
    pub history: Vec<SlaHistoryRow>,
    pub pauses: Vec<SlaPauseRow>,
}

impl SlaInstance {
    pub fn paused(&self) -> String {
        hours_minutes(i64::from(self.paused_minutes))
    }

    pub fn kpi_key(&self) -> &'static str {
        self.kpi.label_key()
    }

    pub fn status_key(&self) -> &'static str {
        self.status.label_key()
    }

    pub fn tone(&self) -> &'static str {
        self.status.tone()
    }
}

/// The SLA tab's data: the instances, then their history and pause ledger
/// in one query each.
pub async fn instances(
    tx: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<SlaInstance>, sqlx::Error> {
    let rows: Vec<InstanceRow> = sqlx::query_as(
        "select i.id, i.kpi, i.status, i.started_at, i.warning_at, i.failure_at, i.succeeded_at,
                    i.paused_minutes, catalog_name(it.name, it.names) as item_name,
                    catalog_name(sl.name, sl.names) as sla_name
               from sla_kpi_instances i
               left join sla_items it on it.id = i.sla_item_id
               left join slas sl on sl.id = it.sla_id
              where i.case_id = $1
              order by i.kpi",
    )
    .bind(case_id)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut history: Vec<SlaHistoryRow> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "select h.instance_id, h.at, h.event, h.from_status, h.to_status, h.detail,
                    (select name from users where id = h.actor_id) as actor
               from sla_kpi_history h
              where h.instance_id = any($1)
              order by h.at, h.id",
        )
        .bind(&ids[..])
        .fetch_all(&mut *tx)
        .await?
    };
    let mut pauses: Vec<SlaPauseRow> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "select p.instance_id, p.paused_at, p.resumed_at, p.paused_minutes,
                    (select name from status_reasons where id = p.status_reason_id) as reason
               from sla_kpi_pauses p
              where p.instance_id = any($1)
              order by p.paused_at, p.id",
        )
        .bind(&ids[..])
        .fetch_all(&mut *tx)
        .await?
    };
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut history)
                .into_iter()
                .partition(|h| h.instance_id == row.id);
            history = rest;
            let (own_pauses, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut pauses)
                .into_iter()
                .partition(|p| p.instance_id == row.id);
            pauses = rest;
            Some(SlaInstance {
                kpi: Kpi::parse(&row.kpi)?,
                status: KpiStatus::parse(&row.status)?,
                started_at: row.started_at,
                warning_at: row.warning_at,
                failure_at: row.failure_at,
                succeeded_at: row.succeeded_at,
                paused_minutes: row.paused_minutes,
                item_name: row.item_name,
                sla_name: row.sla_name,
                history: mine,
                pauses: own_pauses,
            })
        })
        .collect())
}

/// The label of an SLA history event.
pub fn sla_event_key(event: &str) -> &'static str {
    match event {
        "started" => "sla-case-event-started",
        "paused" => "sla-case-event-paused",
        "resumed" => "sla-case-event-resumed",
        "warned" => "sla-case-event-warned",
        "failed" => "sla-case-event-failed",
        "succeeded" => "sla-case-event-succeeded",
        "cancelled" => "sla-case-event-cancelled",
        "reevaluated" => "sla-case-event-reevaluated",
        "reopened" => "sla-case-event-reopened",
        "action" => "sla-case-event-action",
        _ => "sla-case-event-other",
    }
}
