//! What follows a change of a case, in its transaction: the SLA clocks and
//! the entitlement's terms. Their engines say what moves; the case's side
//! (its row, its timeline) is written here.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::Entry;
use crate::cases::store::{
    NewCase, Resolved, next_terms_round, save_clocks, set_sla, sla_view, terms_of,
};
use crate::catalog::cache::Lists;
use crate::core::case::{EventKind, State};
use crate::entitlements::terms::{self, CaseEvent, Error as TermsFailure};
use crate::sla::condition::CaseFacts;
use crate::sla::engine::{CaseMoment, Evolution};
use crate::sla::sync::{self, CaseForSla};

/// Brings the case's KPI instances in line with the case as it now stands.
pub async fn resync_clocks(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    case_id: Uuid,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(case) = sla_view(tx, case_id, now).await? else {
        return Ok(());
    };
    let plan = sync::plan(tx, lists, case_id, &case).await?;
    if let Some(sla) = plan.new_sla {
        set_sla(tx, case_id, sla).await?;
    }
    let changed: Vec<&Evolution> = plan.evolutions.iter().collect();
    save_clocks(tx, case_id, &changed, plan.timer, actor, now).await?;
    for data in plan.reevaluated {
        Entry::record(EventKind::Sla, data)
            .write(tx, case_id, actor, now)
            .await?;
    }
    Ok(())
}

/// Moves the entitlement's terms for what happened to the case, and
/// records each move on its timeline.
pub async fn move_terms(
    tx: &mut PgConnection,
    case_id: Uuid,
    event: CaseEvent,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), TermsFailure> {
    let case = terms_of(tx, case_id).await?;
    let moved = terms::on_case_event(tx, case_id, case, event, actor, now).await?;
    for data in moved.entries {
        Entry::record(EventKind::Entitlement, data)
            .write(tx, case_id, actor, now)
            .await?;
    }
    if moved.gave_back {
        next_terms_round(tx, case_id).await?;
    }
    Ok(())
}

/// A case about to be inserted, as the SLA reads it: its creator holds
/// everything, so nothing is read back.
pub fn sla_view_of_new_case(case: &NewCase, resolved: &Resolved) -> CaseForSla {
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
