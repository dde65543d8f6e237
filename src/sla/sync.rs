//! Keeps a case's KPI instances in line with the case, in the transaction of
//! whatever changed the case: creation, status, priority and the other fields
//! conditions read, first response, resolution, cancellation, reactivation.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::cases::model::State;
use crate::cases::store::{EventKind, NewEvent, add_event};
use crate::catalog::cache::Lists;
use crate::sla::condition::CaseFacts;
use crate::sla::engine::{CaseMoment, Evolution, Step, evolve};
use crate::sla::model::Kpi;
use crate::sla::store;

#[derive(FromRow)]
struct CaseSlaRow {
    state: String,
    status_reason_id: Uuid,
    received_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    priority_id: Uuid,
    channel_id: Option<Uuid>,
    subject_id: Option<Uuid>,
    product_id: Option<Uuid>,
    request_type_id: Option<Uuid>,
    service_level_id: Option<Uuid>,
    sla_id: Option<Uuid>,
    entitlement_sla_id: Option<Uuid>,
}

/// Whether the case has just been inserted: then it has no instances to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    NewCase,
    Change,
}

pub async fn sync_case(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case_id: Uuid,
    origin: Origin,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, CaseSlaRow>(
        "select c.state, c.status_reason_id, c.received_at, c.first_response_at, c.resolved_at, c.priority_id,
                c.channel_id, c.subject_id, c.product_id, c.request_type_id, c.sla_id,
                (select service_level_id from customers where id = c.customer_id) as service_level_id,
                (select sla_id from entitlements where id = c.entitlement_id) as entitlement_sla_id
           from cases c where c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let book = store::book(tx, lists).await?;
    let Some(sla) = book.for_case(row.entitlement_sla_id) else {
        return Ok(());
    };
    if row.sla_id != Some(sla.id) {
        sqlx::query("update cases set sla_id = $2 where id = $1")
            .bind(case_id)
            .bind(sla.id)
            .execute(&mut *tx)
            .await?;
    }
    let current = match origin {
        Origin::NewCase => Vec::new(),
        Origin::Change => store::instances_of(tx, case_id).await?,
    };
    let facts = CaseFacts {
        priority: Some(row.priority_id),
        service_level: row.service_level_id,
        channel: row.channel_id,
        subject: row.subject_id,
        product: row.product_id,
        request_type: row.request_type_id,
    };
    let moment = CaseMoment {
        state: State::parse(&row.state),
        status_reason_id: row.status_reason_id,
        received_at: row.received_at,
        first_response_at: row.first_response_at,
        resolved_at: row.resolved_at,
        now,
    };
    let evolutions: Vec<Evolution> = Kpi::ALL
        .into_iter()
        .filter_map(|kpi| {
            let existing = current.iter().find(|i| i.kpi == kpi);
            evolve(existing, kpi, sla, sla.item_for(kpi, &facts), &moment)
        })
        .filter(|e| !e.steps.is_empty())
        .collect();
    if evolutions.is_empty() {
        return Ok(());
    }
    let changed: Vec<&Evolution> = evolutions.iter().collect();
    let instances: Vec<_> = changed.iter().map(|e| &e.instance).collect();
    store::save_instances(tx, case_id, &instances).await?;
    store::record_steps(tx, &changed, actor, now).await?;
    for evolution in &changed {
        for (step, _, _) in &evolution.steps {
            if let Step::Reevaluated {
                from,
                to,
                failure_before,
            } = step
            {
                let item_name = |id: &Uuid| {
                    sla.items
                        .iter()
                        .find(|i| i.id == *id)
                        .map(|i| i.name.clone())
                };
                add_event(
                    tx,
                    NewEvent {
                        case_id,
                        at: now,
                        actor,
                        kind: EventKind::Sla,
                        body: "",
                        is_public: false,
                        data: json!({
                            "event": "reevaluated",
                            "kpi": evolution.instance.kpi.as_str(),
                            "from": from.as_ref().and_then(item_name),
                            "to": item_name(to),
                            "failure_before": failure_before,
                            "failure_at": evolution.instance.failure_at,
                        }),
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}
