//! Applies a decided change inside the caller's tenant transaction, always
//! in this order: the change's first timeline entry, which marks the case
//! changed (when, by whom); the case row's writes; the audit of the fields
//! written; the entitlement's terms; the SLA clocks, which read the row as
//! written; the other entries; the notices. The caller holds the case's
//! row lock (when the change reads the case) and commits.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Audience, Change, Entry, Write, follow};
use crate::cases::audit;
use crate::cases::model::Refusal;
use crate::cases::store::{self, CaseKey, CaseRecord, Created, NewCase, UserEntry};
use crate::catalog::cache::Lists;
use crate::core::case::EventKind;
use crate::entitlements::terms::Error as TermsFailure;
use crate::error::{AppError, Result, not_found};
use crate::notifications;
use crate::sla::sync::start_new_case;

/// What was written, for callers that point at it.
#[derive(Debug, Default)]
pub struct Applied {
    pub case_id: Uuid,
    /// The ids of the change's own timeline entries, in its order.
    pub entries: Vec<Uuid>,
}

/// Which case, who changes it and when, and the workspace's cached lists
/// (the SLA book, the names an audit shows), as the request holds them.
pub struct Context<'a> {
    /// A change that writes no field may name its case by number: its first
    /// entry then finds the case as it is written.
    pub case: CaseKey,
    pub actor: Uuid,
    pub now: DateTime<Utc>,
    pub lists: Option<&'a Lists>,
    /// The case as read under its lock, for a change that audits its writes.
    pub before: Option<&'a CaseRecord>,
}

pub async fn execute(
    tx: &mut PgConnection,
    at: Context<'_>,
    change: Change,
) -> Result<std::result::Result<Applied, Refusal>> {
    let Context {
        case,
        actor,
        now,
        lists,
        before,
    } = at;
    if change == Change::default() {
        return Ok(Ok(Applied {
            case_id: id_of(tx, case).await?,
            entries: Vec::new(),
        }));
    }
    let mut applied = Applied::default();
    let mut entries = change.entries.iter();
    // The first entry marks the case changed (when, by whom) in the
    // statement that finds it. An edit writes first: a stale one writes
    // nothing at all, and its own statement marks the case.
    let edits = change.writes.iter().any(|w| matches!(w, Write::Edit(_)));
    let first = if edits { None } else { entries.next() };
    if let Some(first) = first {
        let written = store::add_user_event(tx, case, user_entry(first, actor, now))
            .await?
            .ok_or_else(not_found)?;
        applied.case_id = written.case_id;
        applied.entries.push(written.event_id);
    } else {
        applied.case_id = id_of(tx, case).await?;
    }
    let case_id = applied.case_id;
    let mut clocks_moved = false;
    for write in &change.writes {
        match apply(tx, case_id, write, actor, now).await? {
            Wrote::Done => {}
            Wrote::Clocks => clocks_moved = true,
            Wrote::Stale => return Ok(Err(Refusal::Stale)),
        }
    }
    if first.is_none() && !edits {
        store::touch(tx, case_id, actor, now).await?;
    }
    if change.audited {
        audit_fields(tx, lists, before, case_id, actor, now).await?;
    }
    if let Some(event) = change.terms {
        match follow::move_terms(tx, case_id, event, Some(actor), now).await {
            Ok(()) => {}
            Err(TermsFailure::Db(err)) => return Err(err.into()),
            Err(TermsFailure::Refused(refusal)) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "entitlement terms refused a change that needs none: {refusal:?}"
                )));
            }
        }
    }
    if change.resync_sla || clocks_moved {
        follow::resync_clocks(tx, lists, case_id, Some(actor), now).await?;
    }
    for entry in entries {
        applied
            .entries
            .push(entry.write(tx, case_id, Some(actor), now).await?);
    }
    for (other, entry) in &change.elsewhere {
        entry.write(tx, *other, Some(actor), now).await?;
    }
    notify(tx, &change, case_id, actor, now).await?;
    Ok(Ok(applied))
}

async fn notify(
    tx: &mut PgConnection,
    change: &Change,
    case_id: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    for notice in &change.notices {
        let users = match &notice.to {
            Audience::Users(users) => users.clone(),
            Audience::Followers => store::audience(tx, case_id, actor).await?,
        };
        notifications::store::notify(tx, &users, Some(case_id), notice.kind, actor, now).await?;
    }
    Ok(())
}

async fn id_of(tx: &mut PgConnection, case: CaseKey) -> Result<Uuid> {
    match case {
        CaseKey::Id(id) => Ok(id),
        CaseKey::Number(number) => store::id_by_number(tx, number).await?.ok_or_else(not_found),
    }
}

fn user_entry(entry: &Entry, actor: Uuid, now: DateTime<Utc>) -> UserEntry<'_> {
    UserEntry {
        at: now,
        author: actor,
        kind: entry.kind,
        body: &entry.body,
        is_public: entry.public,
        data: entry.data.clone(),
    }
}

/// One entry per field whose shown value the writes changed.
async fn audit_fields(
    tx: &mut PgConnection,
    lists: Option<&Lists>,
    before: Option<&CaseRecord>,
    case_id: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let (Some(lists), Some(before)) = (lists, before) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "an audited change needs the case as read before and the workspace's names"
        )));
    };
    let names = lists.case_names(tx).await?;
    let after = store::find(tx, &names, CaseKey::Id(case_id))
        .await?
        .ok_or_else(not_found)?;
    for change in audit::diff(before, &after) {
        let kind = match change.field {
            "field-owner" => EventKind::Assignment,
            "field-status-reason" => EventKind::Status,
            _ => EventKind::Field,
        };
        Entry::record(kind, change.to_json())
            .write(tx, case_id, Some(actor), now)
            .await?;
    }
    Ok(())
}

enum Wrote {
    Done,
    /// The write moved what the KPI clocks read.
    Clocks,
    /// The case moved on since the form was drawn; nothing was written.
    Stale,
}

async fn apply(
    tx: &mut PgConnection,
    case_id: Uuid,
    write: &Write,
    actor: Uuid,
    now: DateTime<Utc>,
) -> std::result::Result<Wrote, sqlx::Error> {
    match write {
        Write::Status(status) => store::set_status(tx, case_id, *status).await?,
        Write::Owner(owner) => store::set_owner(tx, case_id, *owner).await?,
        Write::FirstResponse => store::set_first_response(tx, case_id, now).await?,
        Write::Resolution {
            status,
            text,
            billable_minutes,
        } => store::resolve(tx, case_id, *status, text, *billable_minutes, now).await?,
        Write::Cancellation {
            status,
            merged_into,
        } => store::cancel(tx, case_id, *status, now, *merged_into).await?,
        Write::Reactivation { status } => store::reactivate(tx, case_id, *status).await?,
        Write::Forward {
            team,
            user,
            request_type,
        } => store::forward(tx, case_id, *team, *user, *request_type).await?,
        Write::TermsExempt(exempt) => store::set_terms_exempt(tx, case_id, *exempt).await?,
        Write::Priority(priority) => store::set_priority(tx, case_id, *priority).await?,
        Write::Parent(parent) => store::set_parent(tx, case_id, *parent).await?,
        Write::FirstPublicReply => {
            return Ok(if store::set_first_public_reply(tx, case_id, now).await? {
                Wrote::Clocks
            } else {
                Wrote::Done
            });
        }
        Write::Activity { id, input } => {
            store::add_activity(tx, case_id, *id, input, actor, now).await?;
        }
        Write::Edit(edit) => {
            let update = store::CaseUpdate {
                id: case_id,
                version: edit.version,
                input: &edit.input,
                refs: &edit.refs,
                priority_id: edit.priority_id,
                status_reason_id: edit.status_reason_id,
                author: actor,
                now,
            };
            if !store::update(tx, &update).await? {
                return Ok(Wrote::Stale);
            }
        }
        Write::Entitlement(entitlement) => {
            store::set_entitlement(tx, case_id, *entitlement).await?;
        }
        Write::Queue(queue) => store::set_queue(tx, case_id, *queue, actor, now).await?,
    }
    Ok(Wrote::Done)
}

/// Inserts a new case and applies what follows it (`decide_open`). A form
/// sent twice finds the case the first one created, and nothing follows
/// again. The parent hears of its new child by the number the insert gave.
pub async fn open(
    tx: &mut PgConnection,
    at: Context<'_>,
    case: &NewCase<'_>,
    parent: Option<Uuid>,
    change: Change,
) -> Result<Created> {
    let created = store::insert(tx, case).await?;
    let Created::New(number) = created else {
        return Ok(created);
    };
    let (actor, now) = (at.actor, at.now);
    start_new_case(tx, &case.clocks, now).await?;
    if let Some(event) = change.terms {
        match follow::move_terms(tx, case.id, event, Some(actor), now).await {
            Ok(()) => {}
            Err(TermsFailure::Db(err)) => return Err(err.into()),
            Err(TermsFailure::Refused(refusal)) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "entitlement terms refused a case the form accepted: {refusal:?}"
                )));
            }
        }
    }
    for entry in &change.entries {
        entry.write(tx, case.id, Some(actor), now).await?;
    }
    if let Some(parent) = parent {
        let child = Entry::record(
            EventKind::Child,
            serde_json::json!({ "child": number.to_string() }),
        );
        child.write(tx, parent, Some(actor), now).await?;
    }
    notify(tx, &change, case.id, actor, now).await?;
    Ok(created)
}
