//! Keeps a case's KPI instances in line with the case, in the transaction of
//! whatever changed the case: creation, status, priority and the other fields
//! conditions read, first response (the start of work or the first public
//! reply), resolution, cancellation, reactivation.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::cases::model::State;
use crate::cases::store::{EventKind, NewCase, NewEvent, Resolved, add_event};
use crate::catalog::cache::Lists;
use crate::sla::case_timer::CaseTimer;
use crate::sla::condition::CaseFacts;
use crate::sla::engine::{CaseMoment, Evolution, Instance, Step, evolve};
use crate::sla::model::{Kpi, Sla};
use crate::sla::store;

#[derive(FromRow)]
struct CaseSlaRow {
    state: String,
    status_reason_id: Uuid,
    received_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    first_public_reply_at: Option<DateTime<Utc>>,
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

/// What the SLA reads of a case: where it stands, the fields its conditions
/// test, the SLA it has and the one its entitlement names.
pub struct CaseForSla {
    pub moment: CaseMoment,
    pub facts: CaseFacts,
    pub sla_id: Option<Uuid>,
    pub entitlement_sla_id: Option<Uuid>,
}

impl CaseForSla {
    /// A case about to be inserted, as its creator holds it.
    pub fn of_new_case(case: &NewCase, resolved: &Resolved) -> Self {
        let input = case.input;
        CaseForSla {
            moment: CaseMoment {
                state: State::Active,
                status_reason_id: case.status_reason_id,
                received_at: case.received_at(),
                first_response_at: None,
                first_public_reply_at: None,
                resolved_at: None,
                now: case.now,
            },
            facts: CaseFacts {
                priority: Some(case.priority_id),
                service_level: resolved.service_level_id,
                channel: input.channel_id,
                subject: input.subject_id,
                product: input.product_id,
                request_type: input.request_type_id,
            },
            sla_id: case.clocks.sla_id,
            entitlement_sla_id: resolved.entitlement_sla_id,
        }
    }
}

impl CaseSlaRow {
    fn into_case(self, now: DateTime<Utc>) -> CaseForSla {
        CaseForSla {
            moment: CaseMoment {
                state: State::parse(&self.state),
                status_reason_id: self.status_reason_id,
                received_at: self.received_at,
                first_response_at: self.first_response_at,
                first_public_reply_at: self.first_public_reply_at,
                resolved_at: self.resolved_at,
                now,
            },
            facts: CaseFacts {
                priority: Some(self.priority_id),
                service_level: self.service_level_id,
                channel: self.channel_id,
                subject: self.subject_id,
                product: self.product_id,
                request_type: self.request_type_id,
            },
            sla_id: self.sla_id,
            entitlement_sla_id: self.entitlement_sla_id,
        }
    }
}

/// Brings a case that already exists in line: reads it and its instances.
pub async fn sync_case(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case_id: Uuid,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, CaseSlaRow>(
        "select c.state, c.status_reason_id, c.received_at, c.first_response_at, c.first_public_reply_at,
                c.resolved_at, c.priority_id,
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
    apply(tx, lists, case_id, row.into_case(now), actor).await
}

/// The clocks a new case starts with, worked out before its row is written
/// so that the row carries its SLA and its timer from the first.
#[derive(Default)]
pub struct NewCaseClocks {
    pub sla_id: Option<Uuid>,
    pub timer: CaseTimer,
    started: Vec<Evolution>,
}

/// Plans the clocks of a case about to be inserted. Its creator holds
/// everything the SLA reads, so nothing is read back.
pub async fn plan_new_case(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case: &CaseForSla,
) -> Result<NewCaseClocks, sqlx::Error> {
    let book = store::book(tx, lists).await?;
    let Some(sla) = book.for_case(case.entitlement_sla_id) else {
        return Ok(NewCaseClocks::default());
    };
    let started = evolutions(sla, case, &[]);
    Ok(NewCaseClocks {
        sla_id: Some(sla.id),
        timer: CaseTimer::of(started.iter().map(|e| &e.instance)),
        started,
    })
}

impl NewCaseClocks {
    /// Pushes the common table expressions that start these clocks, for the
    /// statement that inserts the case: written only if its `created`
    /// expression inserted a row (a form sent twice starts nothing twice).
    pub fn push_start(
        &self,
        sql: &mut QueryBuilder<Postgres>,
        case_id: Uuid,
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) {
        if self.started.is_empty() {
            return;
        }
        let started: Vec<&Evolution> = self.started.iter().collect();
        sql.push(", ");
        store::push_instance_writes(
            sql,
            case_id,
            &started,
            actor,
            now,
            "exists (select from created)",
        );
    }
}

/// What the statement that inserted the case (`NewCaseClocks::push_start`)
/// leaves to do: the pause ledger of clocks that start paused.
pub async fn start_new_case(
    tx: &mut PgConnection,
    clocks: &NewCaseClocks,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let started: Vec<&Evolution> = clocks.started.iter().collect();
    store::record_pauses(tx, &started, now).await
}

/// What each KPI's instance does for the case as it is now; only those
/// that took a step.
fn evolutions(sla: &Sla, case: &CaseForSla, current: &[Instance]) -> Vec<Evolution> {
    let (facts, moment) = (&case.facts, &case.moment);
    Kpi::ALL
        .into_iter()
        .filter_map(|kpi| {
            let existing = current.iter().find(|i| i.kpi == kpi);
            evolve(existing, kpi, sla, sla.item_for(kpi, facts), moment)
        })
        .filter(|e| !e.steps.is_empty())
        .collect()
}

async fn apply(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case_id: Uuid,
    case: CaseForSla,
    actor: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    let book = store::book(tx, lists).await?;
    let Some(sla) = book.for_case(case.entitlement_sla_id) else {
        return Ok(());
    };
    if case.sla_id != Some(sla.id) {
        sqlx::query("update cases set sla_id = $2 where id = $1")
            .bind(case_id)
            .bind(sla.id)
            .execute(&mut *tx)
            .await?;
    }
    let current = store::instances_of(tx, case_id).await?;
    let now = case.moment.now;
    let evolutions = evolutions(sla, &case, &current);
    if evolutions.is_empty() {
        return Ok(());
    }
    let changed: Vec<&Evolution> = evolutions.iter().collect();
    let unchanged = current
        .iter()
        .filter(|i| !evolutions.iter().any(|e| e.instance.kpi == i.kpi));
    let timer = CaseTimer::of(unchanged.chain(evolutions.iter().map(|e| &e.instance)));
    store::save_evolutions(tx, case_id, &changed, timer, actor, now).await?;
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
                            "from_id": from,
                            "to": item_name(to),
                            "to_id": to,
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
