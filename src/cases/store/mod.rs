//! SQL of cases: creating, reading and changing one case (what a form
//! refers to is checked in `references`).

pub mod bulk_rows;
mod clocks;
mod columns;
mod dashboard;
pub mod demo_rows;
mod history;
mod list;
mod queue;
mod references;
mod sla_effects;
mod surroundings;
mod terms;
mod timeline;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

pub use clocks::*;
pub use columns::*;
pub use dashboard::*;
pub use history::*;
pub use list::*;
pub use queue::*;
pub use references::{Resolved, check_references};
pub use sla_effects::*;
pub use surroundings::*;
pub use terms::*;
pub use timeline::*;

use crate::cases::model::{CaseInput, CaseNumber, Owner, Situation, State};
use crate::catalog::names::{CaseNames, Named};
use crate::sla::model::KpiStatus;
use crate::sla::sync::NewCaseClocks;

/// Everything the case page shows of a case, names resolved (those of the
/// workspace's lists from `CaseNames`, hence `skip`ped here).
#[derive(Debug, Clone, FromRow)]
pub struct CaseRecord {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub contact_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub subject_id: Option<Uuid>,
    #[sqlx(skip)]
    pub subject_name: Option<String>,
    pub channel_id: Option<Uuid>,
    #[sqlx(skip)]
    pub channel_name: Option<String>,
    pub direction: String,
    pub received_at: DateTime<Utc>,
    pub opened_at: DateTime<Utc>,
    pub product_id: Option<Uuid>,
    #[sqlx(skip)]
    pub product_name: Option<String>,
    pub serial_number: String,
    pub lot_number: String,
    pub manufactured_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub priority_id: Uuid,
    #[sqlx(skip)]
    pub priority_name: String,
    #[sqlx(skip)]
    pub priority_color: String,
    pub state: String,
    pub status_reason_id: Uuid,
    #[sqlx(skip)]
    pub status_name: String,
    #[sqlx(skip)]
    pub status_key: Option<String>,
    pub owner_user_id: Option<Uuid>,
    #[sqlx(skip)]
    pub owner_user_name: Option<String>,
    pub owner_team_id: Option<Uuid>,
    #[sqlx(skip)]
    pub owner_team_name: Option<String>,
    pub reason_id: Option<Uuid>,
    #[sqlx(skip)]
    pub reason_name: Option<String>,
    pub occurrence_id: Option<Uuid>,
    #[sqlx(skip)]
    pub occurrence_name: Option<String>,
    pub cause_id: Option<Uuid>,
    #[sqlx(skip)]
    pub cause_name: Option<String>,
    pub unit_id: Option<Uuid>,
    #[sqlx(skip)]
    pub unit_name: Option<String>,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub location_note: String,
    pub request_type_id: Option<Uuid>,
    #[sqlx(skip)]
    pub request_type_name: Option<String>,
    pub related_case_id: Option<Uuid>,
    pub related_number: Option<i64>,
    pub parent_case_id: Option<Uuid>,
    pub parent_number: Option<i64>,
    pub merged_into_id: Option<Uuid>,
    pub merged_into_number: Option<i64>,
    pub description: String,
    pub complementary_data: String,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_text: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub worked_minutes: i32,
    pub billable_minutes: i32,
    pub resolved_billable_minutes: Option<i32>,
    pub created_by: Uuid,
    pub updated_by: Uuid,
    #[sqlx(skip)]
    pub created_by_name: String,
    #[sqlx(skip)]
    pub updated_by_name: String,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub entitlement_id: Option<Uuid>,
    pub entitlement_name: Option<String>,
    pub terms_exempt: bool,
    pub escalated: bool,
    pub queue_id: Option<Uuid>,
    pub queue_name: Option<String>,
    pub queued_at: Option<DateTime<Utc>>,
    pub queued_by: Option<Uuid>,
    #[sqlx(skip)]
    pub queued_by_name: Option<String>,
}

impl CaseRecord {
    pub fn number(&self) -> CaseNumber {
        CaseNumber(self.number)
    }

    pub fn state(&self) -> State {
        State::parse(&self.state)
    }

    pub fn is_active(&self) -> bool {
        self.state() == State::Active
    }

    pub fn owner(&self) -> Owner {
        match (self.owner_user_id, self.owner_team_id) {
            (Some(user), _) => Owner::User(user),
            (None, Some(team)) => Owner::Team(team),
            _ => Owner::Nobody,
        }
    }

    pub fn parent(&self) -> Option<CaseNumber> {
        self.parent_number.map(CaseNumber)
    }

    pub fn related(&self) -> Option<CaseNumber> {
        self.related_number.map(CaseNumber)
    }

    pub fn merged_into(&self) -> Option<CaseNumber> {
        self.merged_into_number.map(CaseNumber)
    }
}

// Names of the workspace's lists come from its cached lists (`CaseNames`);
// the rest are scalar subqueries rather than a join: each is one
// primary-key probe, and the planner no longer spends milliseconds ordering
// joins on every case page.
pub(super) const RECORD_COLUMNS: &str = "c.id, c.number, c.title, c.customer_id,
        (select name from customer_refs where id = c.customer_id) as customer_name,
        c.contact_id, (select name from customer_refs where id = c.contact_id) as contact_name,
        c.subject_id, c.channel_id, c.direction, c.received_at, c.opened_at,
        c.product_id, c.serial_number, c.lot_number, c.manufactured_on, c.expires_on,
        c.priority_id, c.state, c.status_reason_id, c.owner_user_id, c.owner_team_id,
        c.reason_id, c.occurrence_id, c.cause_id, c.unit_id,
        c.location_id, (select name from customer_refs where id = c.location_id) as location_name, c.location_note,
        c.request_type_id,
        c.related_case_id, (select number from cases where id = c.related_case_id) as related_number,
        c.parent_case_id, (select number from cases where id = c.parent_case_id) as parent_number,
        c.merged_into_id, (select number from cases where id = c.merged_into_id) as merged_into_number,
        c.description, c.complementary_data, c.first_response_at, c.resolved_at, c.resolution_text, c.cancelled_at,
        c.worked_minutes, c.billable_minutes, c.resolved_billable_minutes,
        c.created_by, c.updated_by, c.updated_at, c.version,
        c.entitlement_id, (select name from entitlement_refs where id = c.entitlement_id) as entitlement_name,
        c.terms_exempt, c.escalated,
        c.queue_id, (select catalog_name(name, names) from queues where id = c.queue_id) as queue_name,
        c.queued_at, c.queued_by";

/// Runs a record query and puts the names of the workspace's lists on it.
async fn fetch_record(
    tx: &mut PgConnection,
    names: &CaseNames,
    query: sqlx::query::QueryAs<'_, Postgres, CaseRecord, sqlx::postgres::PgArguments>,
) -> Result<Option<CaseRecord>, sqlx::Error> {
    let Some(mut case) = query.fetch_optional(tx).await? else {
        return Ok(None);
    };
    put_names(&mut case, names);
    Ok(Some(case))
}

/// Puts the names of the workspace's lists on a case read from SQL.
pub(super) fn put_names(case: &mut CaseRecord, names: &CaseNames) {
    case.subject_name = names.of(Named::Subject, case.subject_id);
    case.channel_name = names.of(Named::Channel, case.channel_id);
    case.product_name = names.of(Named::Product, case.product_id);
    if let Some(priority) = names.priority(case.priority_id) {
        case.priority_name.clone_from(&priority.name);
        case.priority_color.clone_from(&priority.color);
    }
    case.status_name = names.status(case.status_reason_id).to_owned();
    case.status_key = names.status_key(case.status_reason_id);
    case.owner_user_name = names.of(Named::User, case.owner_user_id);
    case.owner_team_name = names.of(Named::Team, case.owner_team_id);
    case.reason_name = names.of(Named::Reason, case.reason_id);
    case.occurrence_name = names.of(Named::Occurrence, case.occurrence_id);
    case.cause_name = names.of(Named::Cause, case.cause_id);
    case.unit_name = names.of(Named::Unit, case.unit_id);
    case.request_type_name = names.of(Named::RequestType, case.request_type_id);
    case.created_by_name = names
        .of(Named::User, Some(case.created_by))
        .unwrap_or_default();
    case.updated_by_name = names
        .of(Named::User, Some(case.updated_by))
        .unwrap_or_default();
    case.queued_by_name = names.of(Named::User, case.queued_by);
}

/// How a case is named: by the number people use, or by its id.
#[derive(Debug, Clone, Copy)]
pub enum CaseKey {
    Number(CaseNumber),
    Id(Uuid),
}

impl From<CaseNumber> for CaseKey {
    fn from(number: CaseNumber) -> Self {
        CaseKey::Number(number)
    }
}

impl From<Uuid> for CaseKey {
    fn from(id: Uuid) -> Self {
        CaseKey::Id(id)
    }
}

pub async fn find(
    tx: &mut PgConnection,
    names: &CaseNames,
    key: CaseKey,
) -> Result<Option<CaseRecord>, sqlx::Error> {
    let query = match key {
        CaseKey::Number(number) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {RECORD_COLUMNS} from cases c where c.number = $1"
        )))
        .bind(number.0),
        CaseKey::Id(id) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {RECORD_COLUMNS} from cases c where c.id = $1"
        )))
        .bind(id),
    };
    fetch_record(tx, names, query).await
}

/// Locks the case row for a state change, so two agents' moves are applied
/// one after the other against what the first left.
pub async fn lock(tx: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("select id from cases where id = $1 for update", id)
        .fetch_optional(tx)
        .await?;
    Ok(())
}

pub async fn situation(tx: &mut PgConnection, case: &CaseRecord) -> Result<Situation, sqlx::Error> {
    let open_children = sqlx::query_scalar!(
        "select number from cases where parent_case_id = $1 and state = 'active' order by number",
        case.id
    )
    .fetch_all(tx)
    .await?;
    Ok(Situation {
        state: case.state(),
        merged: case.merged_into_id.is_some(),
        has_first_response: case.first_response_at.is_some(),
        owner: case.owner_user_id,
        open_children: open_children.into_iter().map(CaseNumber).collect(),
    })
}

pub async fn id_by_number(
    tx: &mut PgConnection,
    number: CaseNumber,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select id from cases where number = $1", number.0)
        .fetch_optional(tx)
        .await
}

/// The status reason with a stable meaning (in_progress, merged, ...).
pub async fn status_by_key(tx: &mut PgConnection, key: &str) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!("select id from status_reasons where system_key = $1", key)
        .fetch_one(tx)
        .await
}

/// A case about to be inserted, every reference checked.
pub struct NewCase<'a> {
    pub id: Uuid,
    pub input: &'a CaseInput,
    pub priority_id: Uuid,
    pub status_reason_id: Uuid,
    pub related_case_id: Option<Uuid>,
    pub parent_case_id: Option<Uuid>,
    pub now: DateTime<Utc>,
    pub author: Uuid,
    /// Its SLA, the timer its row starts with and the clocks the same
    /// statement starts (`sla::sync::plan_new_case`).
    pub clocks: NewCaseClocks,
}

impl NewCase<'_> {
    /// When the request reached us: as typed, else now.
    pub fn received_at(&self) -> DateTime<Utc> {
        self.input.received_at.unwrap_or(self.now)
    }
}

pub enum Created {
    New(CaseNumber),
    /// The form was submitted before: this is the case it created.
    Existing(CaseNumber),
}

/// Writes a new case with its "created" timeline entry, or finds the case
/// an earlier submission of the same form created.
pub async fn insert(tx: &mut PgConnection, case: &NewCase<'_>) -> Result<Created, sqlx::Error> {
    let input = case.input;
    let (owner_user, owner_team) = input.owner.columns();
    let timer = case.clocks.timer;
    // The case, the first entry of its timeline and its clocks go in one
    // statement: round trips less on the path every new case takes.
    let mut sql = QueryBuilder::new(
        "with created as (
           insert into cases (tenant_id, id, number, title, subject_id, customer_id, contact_id, channel_id, direction,
                              received_at, opened_at, product_id, serial_number, lot_number, manufactured_on, expires_on,
                              priority_id, status_reason_id, owner_user_id, owner_team_id, reason_id, occurrence_id,
                              cause_id, unit_id, location_id, location_note, request_type_id, related_case_id,
                              parent_case_id, description, complementary_data, created_by, updated_by, updated_at,
                              idempotency_key, sla_id, entitlement_id, sla_timer_status, sla_timer_deadline,
                              sla_timer_warning_at)
           values (app_tenant_id(), ",
    );
    let mut values = sql.separated(", ");
    values.push_bind(case.id);
    values.push("next_case_number()");
    values.push_bind(&input.title);
    values.push_bind(input.subject_id);
    values.push_bind(input.customer_id);
    values.push_bind(input.contact_id);
    values.push_bind(input.channel_id);
    values.push_bind(if input.inbound { "inbound" } else { "outbound" });
    values.push_bind(case.received_at());
    values.push_bind(case.now);
    values.push_bind(input.product_id);
    values.push_bind(&input.serial_number);
    values.push_bind(&input.lot_number);
    values.push_bind(input.manufactured_on);
    values.push_bind(input.expires_on);
    values.push_bind(case.priority_id);
    values.push_bind(case.status_reason_id);
    values.push_bind(owner_user);
    values.push_bind(owner_team);
    values.push_bind(input.reason_id);
    values.push_bind(input.occurrence_id);
    values.push_bind(input.cause_id);
    values.push_bind(input.unit_id);
    values.push_bind(input.location_id);
    values.push_bind(&input.location_note);
    values.push_bind(input.request_type_id);
    values.push_bind(case.related_case_id);
    values.push_bind(case.parent_case_id);
    values.push_bind(&input.description);
    values.push_bind(&input.complementary_data);
    values.push_bind(case.author);
    values.push_bind(case.author);
    values.push_bind(case.now);
    values.push_bind(input.idempotency_key);
    values.push_bind(case.clocks.sla_id);
    values.push_bind(input.entitlement_id);
    values.push_bind(timer.status.map(KpiStatus::as_str));
    values.push_bind(timer.deadline);
    values.push_bind(timer.warning_at);
    sql.push(
        ")
           on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing
           returning id, number),
         entry as (
           insert into case_events (tenant_id, id, case_id, customer_id, at, actor_id, kind, body, is_public, data)
           select app_tenant_id(), ",
    )
    .push_bind(Uuid::now_v7())
    .push(", id, ")
    .push_bind(input.customer_id)
    .push(", ")
    .push_bind(case.now)
    .push(", ")
    .push_bind(case.author)
    .push(", 'created', '', false, '{}' from created)");
    case.clocks
        .push_start(&mut sql, case.id, Some(case.author), case.now);
    sql.push(" select number from created");
    let inserted: Option<i64> = sql.build_query_scalar().fetch_optional(&mut *tx).await?;
    if let Some(number) = inserted {
        return Ok(Created::New(CaseNumber(number)));
    }
    let existing = sqlx::query_scalar!(
        "select number from cases where idempotency_key = $1",
        input.idempotency_key
    )
    .fetch_one(tx)
    .await?;
    Ok(Created::Existing(CaseNumber(existing)))
}

/// An edit of a case, every reference checked.
pub struct CaseUpdate<'a> {
    pub id: Uuid,
    /// The version the edit was drawn from.
    pub version: i32,
    pub input: &'a CaseInput,
    pub refs: &'a Resolved,
    pub priority_id: Uuid,
    pub status_reason_id: Uuid,
    pub author: Uuid,
    pub now: DateTime<Utc>,
}

/// Writes an edit if the case is still at `version`; false means someone
/// saved in between and nothing was written.
pub async fn update(tx: &mut PgConnection, edit: &CaseUpdate<'_>) -> Result<bool, sqlx::Error> {
    let input = edit.input;
    let (owner_user, owner_team) = input.owner.columns();
    let done = sqlx::query!(
        "update cases set title = $3, subject_id = $4, customer_id = $5, contact_id = $6, channel_id = $7, direction = $8,
                received_at = coalesce($9, received_at), product_id = $10, serial_number = $11, lot_number = $12,
                manufactured_on = $13, expires_on = $14, priority_id = $15, status_reason_id = $16,
                owner_user_id = $17, owner_team_id = $18, reason_id = $19, occurrence_id = $20, cause_id = $21,
                unit_id = $22, location_id = $23, location_note = $24, request_type_id = $25, related_case_id = $26,
                parent_case_id = $27, description = $28, complementary_data = $29,
                updated_by = $30, updated_at = $31, version = version + 1
          where id = $1 and version = $2",
        edit.id,
        edit.version,
        input.title,
        input.subject_id,
        input.customer_id,
        input.contact_id,
        input.channel_id,
        if input.inbound { "inbound" } else { "outbound" },
        input.received_at,
        input.product_id,
        input.serial_number,
        input.lot_number,
        input.manufactured_on,
        input.expires_on,
        edit.priority_id,
        edit.status_reason_id,
        owner_user,
        owner_team,
        input.reason_id,
        input.occurrence_id,
        input.cause_id,
        input.unit_id,
        input.location_id,
        input.location_note,
        input.request_type_id,
        edit.refs.related_case_id,
        edit.refs.parent_case_id,
        input.description,
        input.complementary_data,
        edit.author,
        edit.now
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a case changed by `author`. The version is left alone: it guards the
/// fields of the edit form, and each statement below that changes one of
/// them bumps it itself (a note alone does not make an open edit stale).
pub async fn touch(
    tx: &mut PgConnection,
    id: Uuid,
    author: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set updated_by = $2, updated_at = $3 where id = $1",
        id,
        author,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn set_status(
    tx: &mut PgConnection,
    id: Uuid,
    status_reason_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set status_reason_id = $2, version = version + 1 where id = $1",
        id,
        status_reason_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// "Não diminuir os termos do direito" on or off.
pub async fn set_terms_exempt(
    tx: &mut PgConnection,
    id: Uuid,
    exempt: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("update cases set terms_exempt = $2 where id = $1")
        .bind(id)
        .bind(exempt)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn set_priority(
    tx: &mut PgConnection,
    id: Uuid,
    priority_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set priority_id = $2, version = version + 1 where id = $1",
        id,
        priority_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn set_first_response(
    tx: &mut PgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set first_response_at = coalesce(first_response_at, $2) where id = $1",
        id,
        at
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Records the case's first public reply; says whether this was it (a
/// first-response timer may count it).
pub async fn set_first_public_reply(
    tx: &mut PgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query(
        "update cases set first_public_reply_at = $2 where id = $1 and first_public_reply_at is null",
    )
    .bind(id)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(written.rows_affected() > 0)
}

pub async fn set_owner(tx: &mut PgConnection, id: Uuid, owner: Owner) -> Result<(), sqlx::Error> {
    let (user, team) = owner.columns();
    sqlx::query!(
        "update cases set owner_user_id = $2, owner_team_id = coalesce($3, case when $2::uuid is null then null else owner_team_id end),
                version = version + 1
          where id = $1",
        id,
        user,
        team
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Forwarding sets the team and the user together, and the request type.
pub async fn forward(
    tx: &mut PgConnection,
    id: Uuid,
    team: Uuid,
    user: Uuid,
    request_type: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set owner_team_id = $2, owner_user_id = $3, request_type_id = $4, version = version + 1 where id = $1",
        id,
        team,
        user,
        request_type
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn resolve(
    tx: &mut PgConnection,
    id: Uuid,
    status_reason_id: Uuid,
    text: &str,
    billable_minutes: i32,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set state = 'resolved', status_reason_id = $2, resolution_text = $3,
                resolved_billable_minutes = $4, resolved_at = $5, first_response_at = coalesce(first_response_at, $5),
                version = version + 1
          where id = $1",
        id,
        status_reason_id,
        text,
        billable_minutes,
        at
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn cancel(
    tx: &mut PgConnection,
    id: Uuid,
    status_reason_id: Uuid,
    at: DateTime<Utc>,
    merged_into: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set state = 'cancelled', status_reason_id = $2, cancelled_at = $3, merged_into_id = $4,
                version = version + 1 where id = $1",
        id,
        status_reason_id,
        at,
        merged_into
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn reactivate(
    tx: &mut PgConnection,
    id: Uuid,
    status_reason_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set state = 'active', status_reason_id = $2, resolved_at = null, cancelled_at = null,
                resolved_billable_minutes = null, version = version + 1
          where id = $1",
        id,
        status_reason_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Points the case at an entitlement (or none).
pub async fn set_entitlement(
    tx: &mut PgConnection,
    case_id: Uuid,
    entitlement: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update cases set entitlement_id = $2 where id = $1")
        .bind(case_id)
        .bind(entitlement)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn set_parent(tx: &mut PgConnection, id: Uuid, parent: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update cases set parent_case_id = $2, version = version + 1 where id = $1",
        id,
        parent
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether making `parent` the parent of `child` would close a loop.
pub async fn is_ancestor(
    tx: &mut PgConnection,
    child: Uuid,
    parent: Uuid,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        r#"with recursive up as (
               select id, parent_case_id, 0 as depth from cases where id = $2
               union all
               select c.id, c.parent_case_id, up.depth + 1 from cases c join up on c.id = up.parent_case_id where up.depth < 100
           ) select exists (select from up where id = $1) as "found!""#,
        child,
        parent
    )
    .fetch_one(tx)
    .await?;
    Ok(found)
}

/// Names of catalog rows, for audit lines and messages.
pub async fn name_of(
    tx: &mut PgConnection,
    table: &'static str,
    id: Option<Uuid>,
) -> Result<String, sqlx::Error> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    let name: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select name from {table} where id = $1"
    )))
    .bind(id)
    .fetch_optional(tx)
    .await?;
    Ok(name.unwrap_or_default())
}
