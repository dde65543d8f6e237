//! Keeps a case's KPI instances in line with the case, in the transaction of
//! whatever changed the case: creation, status, priority and the other fields
//! conditions read, first response (the start of work or the first public
//! reply), resolution, cancellation, reactivation.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::catalog::cache::Lists;
use crate::sla::case_timer::CaseTimer;
use crate::sla::condition::CaseFacts;
use crate::sla::engine::{CaseMoment, Evolution, Instance, Step, evolve};
use crate::sla::model::{Kpi, Sla};
use crate::sla::store;

/// What the SLA reads of a case: where it stands, the fields its conditions
/// test, the SLA it has and the one its entitlement names.
pub struct CaseForSla {
    pub moment: CaseMoment,
    pub facts: CaseFacts,
    pub sla_id: Option<Uuid>,
    pub entitlement_sla_id: Option<Uuid>,
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

/// What a case's clocks must become: the SLA it runs under when that
/// changes, the instances that took a step, the case's timer over all its
/// instances, and the timeline's word for each item a KPI moved to.
#[derive(Default)]
pub struct ClockPlan {
    pub new_sla: Option<Uuid>,
    pub evolutions: Vec<Evolution>,
    pub timer: CaseTimer,
    pub reevaluated: Vec<serde_json::Value>,
}

/// Works out what the case's clocks do for the case as it is now (read by
/// its owner); writes nothing.
pub async fn plan(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case_id: Uuid,
    case: &CaseForSla,
) -> Result<ClockPlan, sqlx::Error> {
    let book = store::book(tx, lists).await?;
    let Some(sla) = book.for_case(case.entitlement_sla_id) else {
        return Ok(ClockPlan::default());
    };
    let new_sla = (case.sla_id != Some(sla.id)).then_some(sla.id);
    let current = store::instances_of(tx, case_id).await?;
    let evolutions = evolutions(sla, case, &current);
    if evolutions.is_empty() {
        return Ok(ClockPlan {
            new_sla,
            ..ClockPlan::default()
        });
    }
    let unchanged = current
        .iter()
        .filter(|i| !evolutions.iter().any(|e| e.instance.kpi == i.kpi));
    let timer = CaseTimer::of(unchanged.chain(evolutions.iter().map(|e| &e.instance)));
    let item_name = |id: &Uuid| {
        sla.items
            .iter()
            .find(|i| i.id == *id)
            .map(|i| i.name.clone())
    };
    let mut reevaluated = Vec::new();
    for evolution in &evolutions {
        for (step, _, _) in &evolution.steps {
            if let Step::Reevaluated {
                from,
                to,
                failure_before,
            } = step
            {
                reevaluated.push(json!({
                    "event": "reevaluated",
                    "kpi": evolution.instance.kpi.as_str(),
                    "from": from.as_ref().and_then(item_name),
                    "from_id": from,
                    "to": item_name(to),
                    "to_id": to,
                    "failure_before": failure_before,
                    "failure_at": evolution.instance.failure_at,
                }));
            }
        }
    }
    Ok(ClockPlan {
        new_sla,
        evolutions,
        timer,
        reevaluated,
    })
}
