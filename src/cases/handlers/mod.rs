//! HTTP handlers of cases, one file per page or group of actions.

pub mod actions;
pub mod attachments;
pub mod compliance;
pub mod conflict;
pub mod dashboard;
pub mod entitlement;
pub mod export;
pub mod form;
pub mod list;
pub mod merge;
pub mod notes;
pub mod queue;
pub mod queues_page;
pub mod reactivate;
pub mod relations;
pub mod routing;
pub mod show;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::signed_in::{MinRole, SignedIn};
use crate::cases::command::{Actor, Applied, CaseNow, Command, Context, blind, decide, execute};
use crate::cases::model::{CaseForm, CaseNumber, Refusal};
use crate::cases::store::{self, CaseRecord, CaseRow};
use crate::catalog::cache::Lists;
use crate::catalog::model::{ListKind, TreeRow, optional_id, subject_tree};
use crate::catalog::store::{self as catalog, Choice};
use crate::customers::store as customers;
use crate::error::{AppError, Result, not_found};

/// The case named in the path, or 404 (also for another tenant's number,
/// and for a case in a private queue the user is not a member of).
pub async fn load<R: MinRole>(s: &mut SignedIn<R>, number: &str) -> Result<CaseRecord> {
    let number = CaseNumber::parse(number).ok_or_else(not_found)?;
    let case = find(s, number).await?.ok_or_else(not_found)?;
    if hidden(s, case.queue_id).await? {
        return Err(not_found());
    }
    Ok(case)
}

/// Whether a case waiting in `queue` is kept from the signed-in user: a
/// private queue's items are its members' and the supervisors'.
pub async fn hidden<R: MinRole>(s: &mut SignedIn<R>, queue: Option<Uuid>) -> Result<bool> {
    if queue.is_none() || s.page.has_role("supervisor") {
        return Ok(false);
    }
    let book = s.lists.queues(&mut s.tx).await?;
    Ok(book.hides(queue, s.user.id, false))
}

/// The case as stored now, names resolved: by the number in a path, or by
/// id after a change, to show it or to compare it with what it was.
pub async fn find<R: MinRole>(
    s: &mut SignedIn<R>,
    key: impl Into<store::CaseKey>,
) -> std::result::Result<Option<CaseRecord>, sqlx::Error> {
    let names = s.lists.case_names(&mut s.tx).await?;
    store::find(&mut s.tx, &names, key.into()).await
}

/// Puts `command` to the case (read under its row lock) through the one
/// door: decided on the case as it stands, then applied. A refusal comes
/// back for the page to explain; nothing is written then.
pub async fn run<R: MinRole>(
    s: &mut SignedIn<R>,
    case: &CaseRecord,
    command: Command,
) -> Result<std::result::Result<Applied, Refusal>> {
    let situation = store::situation(&mut s.tx, case).await?;
    let actor = actor(s);
    let change = match decide(&command, &CaseNow::of(case, &situation), &actor) {
        Ok(change) => change,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let at = Context {
        case: store::CaseKey::Id(case.id),
        actor: s.user.id,
        now: s.now,
        lists: Some(&s.lists),
        before: Some(case),
    };
    execute(&mut s.tx, at, change).await
}

/// Puts a command that needs nothing of the case as it stands (a plain
/// note) to the case named by `key`; the case is found as it is written.
pub async fn append<R: MinRole>(
    s: &mut SignedIn<R>,
    key: impl Into<store::CaseKey>,
    command: Command,
) -> Result<Applied> {
    let change = blind(&command).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("{command:?} reads the case it changes"))
    })?;
    let key = key.into();
    // Read only where a private queue keeps cases from this user: a note
    // stays one statement everywhere else.
    if !s.page.has_role("supervisor") {
        let book = s.lists.queues(&mut s.tx).await?;
        let hidden = book.hidden_from(s.user.id, false);
        if !hidden.is_empty()
            && store::queue_of(&mut s.tx, key)
                .await?
                .is_some_and(|queue| hidden.contains(&queue))
        {
            return Err(not_found());
        }
    }
    let at = Context {
        case: key,
        actor: s.user.id,
        now: s.now,
        lists: Some(&s.lists),
        before: None,
    };
    match execute(&mut s.tx, at, change).await? {
        Ok(applied) => Ok(applied),
        Err(refusal) => Err(AppError::Internal(anyhow::anyhow!("{refusal:?}"))),
    }
}

pub fn actor<R: MinRole>(s: &SignedIn<R>) -> Actor {
    Actor {
        user: s.user.id,
        name: s.user.name.clone(),
        supervisor: s.page.has_role("supervisor"),
    }
}

pub fn case_path(number: CaseNumber) -> String {
    format!("/cases/{number}")
}

/// Everything the case form offers, filtered by what is already chosen
/// (the occurrences of the chosen reason, the contacts of the customer).
pub struct FormChoices {
    pub subjects: Vec<TreeRow>,
    pub channels: Vec<Choice>,
    pub products: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub users: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub occurrences: Vec<Choice>,
    pub causes: Vec<Choice>,
    pub units: Vec<Choice>,
    pub request_types: Vec<Choice>,
    pub partners: Vec<Choice>,
    pub contacts: Vec<Choice>,
    pub recent_cases: Vec<CaseRow>,
}

/// The choices of the case form; `state` is the state of the case being
/// edited (a new case is active), whose statuses it may take.
pub async fn form_choices(
    lists: &Lists,
    tx: &mut PgConnection,
    input: &CaseForm,
    state: &str,
) -> Result<FormChoices> {
    let reason = optional_id(&input.reason_id).ok().flatten();
    let occurrence = optional_id(&input.occurrence_id).ok().flatten();
    let customer = optional_id(&input.customer_id).ok().flatten();
    let subjects = subject_tree(&lists.subjects(tx).await?)
        .into_iter()
        .filter(|row| row.offered)
        .collect();
    Ok(FormChoices {
        subjects,
        channels: lists.choices(tx, ListKind::Channels).await?,
        products: lists.case_products(tx).await?,
        priorities: lists.choices(tx, ListKind::Priorities).await?,
        statuses: lists
            .statuses(tx, crate::core::case::State::parse(state).as_str())
            .await?,
        users: lists.users(tx).await?,
        teams: lists.teams(tx).await?,
        reasons: lists.reasons(tx).await?,
        occurrences: match reason {
            Some(reason) => catalog::occurrence_choices(tx, reason).await?,
            None => Vec::new(),
        },
        causes: match occurrence {
            Some(occurrence) => catalog::cause_choices(tx, occurrence).await?,
            None => Vec::new(),
        },
        units: lists.choices(tx, ListKind::Units).await?,
        request_types: lists.choices(tx, ListKind::RequestTypes).await?,
        partners: customers::partner_choices(tx).await?,
        contacts: match customer {
            Some(customer) => customers::contacts_for(tx, customer).await?,
            None => Vec::new(),
        },
        recent_cases: match customer {
            Some(customer) => {
                let names = lists.case_names(tx).await?;
                store::customer_cases(tx, &names, customer, 5).await?
            }
            None => Vec::new(),
        },
    })
}

/// Whether a string form value names this id (for `selected` in templates).
pub fn is(value: &str, id: &Uuid) -> bool {
    value == id.to_string()
}
