//! Applies a decided change inside the caller's tenant transaction, always
//! in this order: the case row's writes; "last changed" (when, by whom);
//! the entitlement's terms; the SLA clocks, which read the row as written;
//! the timeline entries; the notices. The caller holds the case's row lock
//! and commits.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Change, Write};
use crate::cases::store::{self, NewEvent};
use crate::catalog::cache::Lists;
use crate::entitlements::terms::{self, Error as TermsFailure};
use crate::error::{AppError, Result};
use crate::notifications;

/// What was written, for callers that point at it.
#[derive(Debug, Default)]
pub struct Applied {
    /// The ids of the timeline entries, in the change's order.
    pub entries: Vec<Uuid>,
}

/// Who changes the case and when, and the workspace's cached lists (the
/// SLA book), as the request holds them.
pub struct Context<'a> {
    pub case_id: Uuid,
    pub actor: Uuid,
    pub now: DateTime<Utc>,
    pub lists: Option<&'a Lists>,
}

pub async fn execute(tx: &mut PgConnection, at: Context<'_>, change: Change) -> Result<Applied> {
    if change == Change::default() {
        return Ok(Applied::default());
    }
    let Context {
        case_id,
        actor,
        now,
        lists,
    } = at;
    for write in &change.writes {
        apply(tx, case_id, write, now).await?;
    }
    store::touch(tx, case_id, actor, now).await?;
    if let Some(event) = change.terms {
        match terms::on_case_event(tx, case_id, event, Some(actor), now).await {
            Ok(()) => {}
            Err(TermsFailure::Db(err)) => return Err(err.into()),
            Err(TermsFailure::Refused(refusal)) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "entitlement terms refused a change that needs none: {refusal:?}"
                )));
            }
        }
    }
    if change.resync_sla {
        crate::sla::sync::sync_case(tx, lists, case_id, Some(actor), now).await?;
    }
    let mut applied = Applied::default();
    for entry in &change.entries {
        let id = store::add_event(
            tx,
            NewEvent {
                case_id,
                at: now,
                actor: Some(actor),
                kind: entry.kind,
                body: &entry.body,
                is_public: entry.public,
                data: entry.data.clone(),
            },
        )
        .await?;
        applied.entries.push(id);
    }
    for notice in &change.notices {
        notifications::store::notify(tx, &notice.users, Some(case_id), notice.kind, actor, now)
            .await?;
    }
    Ok(applied)
}

async fn apply(
    tx: &mut PgConnection,
    case_id: Uuid,
    write: &Write,
    now: DateTime<Utc>,
) -> std::result::Result<(), sqlx::Error> {
    match write {
        Write::Status(status) => store::set_status(tx, case_id, *status).await,
        Write::Owner(owner) => store::set_owner(tx, case_id, *owner).await,
        Write::FirstResponse => store::set_first_response(tx, case_id, now).await,
        Write::Resolution {
            status,
            text,
            billable_minutes,
        } => store::resolve(tx, case_id, *status, text, *billable_minutes, now).await,
        Write::Cancellation {
            status,
            merged_into,
        } => store::cancel(tx, case_id, *status, now, *merged_into).await,
        Write::Reactivation { status } => store::reactivate(tx, case_id, *status).await,
        Write::Forward {
            team,
            user,
            request_type,
        } => store::forward(tx, case_id, *team, *user, *request_type).await,
        Write::TermsExempt(exempt) => store::set_terms_exempt(tx, case_id, *exempt).await,
    }
}
