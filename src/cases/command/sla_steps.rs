//! The SLA's steps put to their cases, a batch of the worker at a time:
//! each step's timeline entry, then its item's actions (escalate, raise the
//! priority, give the case to a team), each field it changes with its audit
//! entry, and the clocks of a case whose priority rose, whose new item may
//! promise sooner.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use super::Entry;
use super::follow::resync_clocks;
use crate::cases::store::{add_sla_entries, give_to_team, mark_escalated, raise_priority};
use crate::core::case::EventKind;
use crate::sla::due::SlaStep;

pub async fn apply_sla_steps(
    tx: &mut PgConnection,
    steps: &[SlaStep],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let entries: Vec<(Uuid, Value)> = steps
        .iter()
        .map(|step| (step.case_id, step.entry.clone()))
        .collect();
    add_sla_entries(tx, &entries, now).await?;
    let escalated: BTreeSet<Uuid> = steps
        .iter()
        .filter(|step| step.escalate)
        .map(|step| step.case_id)
        .collect();
    mark_escalated(tx, &escalated.into_iter().collect::<Vec<_>>(), now).await?;
    let mut raised = BTreeSet::new();
    for step in steps.iter().filter(|step| step.raise_priority) {
        if let Some(p) = raise_priority(tx, step.case_id, now).await? {
            let data = json!({ "field": "field-priority", "old": p.old_name, "new": p.new_name, "old_id": p.old_id, "new_id": p.new_id });
            Entry::record(EventKind::Field, data)
                .write(tx, step.case_id, None, now)
                .await?;
            raised.insert(step.case_id);
        }
    }
    for step in steps {
        let Some(team) = step.reassign_team else {
            continue;
        };
        if let Some(name) = give_to_team(tx, step.case_id, team, now).await? {
            let data = json!({ "field": "field-owner", "old": "", "new": name, "new_id": team });
            Entry::record(EventKind::Assignment, data)
                .write(tx, step.case_id, None, now)
                .await?;
        }
    }
    for case_id in raised {
        resync_clocks(tx, None, case_id, None, now).await?;
    }
    Ok(())
}
