//! The timeline of a case (and of the cases merged into it), notes,
//! activities with their time, attachments and followers.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::CaseKey;
use crate::cases::model::ActivityInput;

pub use crate::core::case::EventKind;

/// The timeline filter offered to the agent: groups of kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineFilter {
    All,
    Notes,
    Activities,
    Changes,
}

impl TimelineFilter {
    pub const ALL: [TimelineFilter; 4] = [
        TimelineFilter::All,
        TimelineFilter::Notes,
        TimelineFilter::Activities,
        TimelineFilter::Changes,
    ];

    pub fn parse(text: &str) -> TimelineFilter {
        TimelineFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .unwrap_or(TimelineFilter::All)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimelineFilter::All => "all",
            TimelineFilter::Notes => "notes",
            TimelineFilter::Activities => "activities",
            TimelineFilter::Changes => "changes",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TimelineFilter::All => "timeline-all",
            TimelineFilter::Notes => "timeline-notes",
            TimelineFilter::Activities => "timeline-activities",
            TimelineFilter::Changes => "timeline-changes",
        }
    }

    fn kinds(self) -> Option<&'static [&'static str]> {
        match self {
            TimelineFilter::All => None,
            TimelineFilter::Notes => Some(&["note"]),
            TimelineFilter::Activities => Some(&["activity"]),
            TimelineFilter::Changes => Some(&[
                "created",
                "status",
                "assignment",
                "forward",
                "field",
                "resolved",
                "cancelled",
                "reactivated",
                "merged",
                "child",
                "execution",
                "attachment",
            ]),
        }
    }
}

pub struct NewEvent<'a> {
    pub case_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub kind: EventKind,
    pub body: &'a str,
    pub is_public: bool,
    pub data: Value,
}

pub async fn add_event(tx: &mut PgConnection, event: NewEvent<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into case_events (tenant_id, id, case_id, at, actor_id, kind, body, is_public, data)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        event.case_id,
        event.at,
        event.actor,
        event.kind.as_str(),
        event.body,
        event.is_public,
        event.data
    )
    .execute(tx)
    .await?;
    Ok(id)
}

/// An entry a user wrote on a case (a note, an activity), as its author.
pub struct UserEntry<'a> {
    pub at: DateTime<Utc>,
    pub author: Uuid,
    pub kind: EventKind,
    pub body: &'a str,
    pub is_public: bool,
    pub data: Value,
}

/// Where a user's entry was written.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub case_id: Uuid,
    pub event_id: Uuid,
}

/// Adds an entry a user wrote and marks the case as changed by them at that
/// moment, in one statement. A case named by its number is found by that
/// same statement: a plain note is the desk's most frequent write, and
/// reading its case first cost a round trip of its own. `None` when the
/// workspace has no such case.
pub async fn add_user_event(
    tx: &mut PgConnection,
    case: CaseKey,
    entry: UserEntry<'_>,
) -> Result<Option<Written>, sqlx::Error> {
    // The case's customer goes with the entry (the customer's history reads
    // it), taken from the row this statement reads anyway.
    let target = match case {
        CaseKey::Id(_) => "select id, customer_id from cases where id = $1",
        CaseKey::Number(_) => "select id, customer_id from cases where number = $1",
    };
    let query = sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(format!(
        "with target as ({target}),
         touched as (update cases set updated_by = $4, updated_at = $3
                     where id = (select id from target))
         insert into case_events (tenant_id, id, case_id, customer_id, at, actor_id, kind, body, is_public, data)
         select app_tenant_id(), $2, target.id, target.customer_id, $3, $4, $5, $6, $7, $8 from target
         returning case_id"
    )));
    let query = match case {
        CaseKey::Id(id) => query.bind(id),
        CaseKey::Number(number) => query.bind(number.0),
    };
    let event_id = Uuid::now_v7();
    let case_id = query
        .bind(event_id)
        .bind(entry.at)
        .bind(entry.author)
        .bind(entry.kind.as_str())
        .bind(entry.body)
        .bind(entry.is_public)
        .bind(entry.data)
        .fetch_optional(tx)
        .await?;
    Ok(case_id.map(|case_id| Written { case_id, event_id }))
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: i64,
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub body: String,
    pub is_public: bool,
    pub data: Value,
    /// For activity entries: the activity itself.
    pub activity_kind: Option<String>,
    pub activity_subject: Option<String>,
    pub activity_description: Option<String>,
    pub activity_minutes: Option<i32>,
    pub activity_billable: Option<bool>,
    pub activity_started_at: Option<DateTime<Utc>>,
    pub activity_ended_at: Option<DateTime<Utc>>,
}

impl EventRow {
    /// The case the entry belongs to (another one when it was merged in).
    pub fn number(&self) -> crate::cases::model::CaseNumber {
        crate::cases::model::CaseNumber(self.case_number)
    }

    /// Names the catalog entries of the entry's data in the reader's
    /// language: a value `x` kept with its entry's id as `x_id` is replaced
    /// by that entry's name in `names` (read in the request's language),
    /// whatever language the entry was written in. An entry since deleted
    /// keeps the words it was written with.
    pub fn localize(&mut self, names: &crate::catalog::names::CaseNames) {
        let Value::Object(data) = &mut self.data else {
            return;
        };
        let renamed: Vec<(String, String)> = data
            .iter()
            .filter_map(|(key, value)| {
                let shown = key.strip_suffix("_id")?;
                let id = value.as_str()?.parse().ok()?;
                Some((shown.to_owned(), names.any(id)?.to_owned()))
            })
            .collect();
        for (key, name) in renamed {
            data.insert(key, Value::String(name));
        }
    }

    /// A text value of the entry's data, e.g. `text("field")`.
    pub fn text(&self, key: &str) -> String {
        match self.data.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    }
}

/// The case and every case merged into it. The pages filter on this list
/// rather than on a subquery: row-level security keeps a subquery's `or`
/// from reaching the index, and a bound array does.
pub async fn with_merged(tx: &mut PgConnection, case_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut family = vec![case_id];
    family.extend(
        sqlx::query_scalar!("select id from cases where merged_into_id = $1", case_id)
            .fetch_all(tx)
            .await?,
    );
    Ok(family)
}

/// The timeline of a case and of every case merged into it, newest first.
pub async fn timeline(
    tx: &mut PgConnection,
    family: &[Uuid],
    filter: TimelineFilter,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    // Names and activities are probes by primary key, not joins: a join on
    // users or activities planned as a scan of the whole table (every
    // workspace's rows, each checked against the tenant wall). The kind
    // filter and the limit are written into the text so each variant is one
    // plan PostgreSQL keeps, instead of one it makes again for every page.
    let kinds = match filter.kinds() {
        Some(kinds) => format!(
            "and e.kind in ({})",
            kinds
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    // A case with nothing merged into it (nearly all) gets the plain
    // equality, whose plan PostgreSQL can keep; `any` of an array of unknown
    // length looked costly enough in the abstract that it was planned anew
    // for every page.
    let cases = if family.len() == 1 {
        "e.case_id = $1"
    } else {
        "e.case_id = any($1)"
    };
    let sql = format!(
        "select e.id, e.case_id, (select number from cases where id = e.case_id) as case_number, e.at,
                (select name from users where id = e.actor_id) as actor_name, e.kind, e.body, e.is_public, e.data,
                a.kind as activity_kind, a.subject as activity_subject, a.description as activity_description,
                a.duration_minutes as activity_minutes, a.billable as activity_billable,
                a.started_at as activity_started_at, a.ended_at as activity_ended_at
           from case_events e
           left join lateral (
                select kind, subject, description, duration_minutes, billable, started_at, ended_at
                  from case_activities where id = (e.data->>'activity_id')::uuid
           ) a on e.kind = 'activity'
          where {cases} {kinds}
          order by e.at desc, e.id desc
          limit {limit}"
    );
    let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    match family {
        [only] => query.bind(*only),
        _ => query.bind(family),
    }
    .fetch_all(tx)
    .await
}

/// Records an activity and adds its time to the case's totals.
pub async fn add_activity(
    tx: &mut PgConnection,
    case_id: Uuid,
    id: Uuid,
    activity: &ActivityInput,
    author: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query!(
        "insert into case_activities (tenant_id, id, case_id, kind, subject, description, direction, person_id, contact_id,
                                      reason_id, activity_form_id, started_at, ended_at, duration_minutes, billable,
                                      created_by, created_at)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        id,
        case_id,
        activity.kind.as_str(),
        activity.subject,
        activity.description,
        activity.inbound.map(|i| if i { "inbound" } else { "outbound" }),
        activity.person_id,
        activity.contact_id,
        activity.reason_id,
        activity.activity_form_id,
        activity.started_at,
        activity.ended_at,
        activity.duration_minutes,
        activity.billable,
        author,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update cases set worked_minutes = worked_minutes + $2,
                billable_minutes = billable_minutes + case when $3 then $2 else 0 end
          where id = $1",
        case_id,
        activity.duration_minutes,
        activity.billable
    )
    .execute(tx)
    .await?;
    Ok(id)
}

/// Checks the references of an activity form in this workspace.
pub async fn activity_references_ok(
    tx: &mut PgConnection,
    activity: &ActivityInput,
) -> Result<Vec<&'static str>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select ($1::uuid is null or exists (select from customer_refs where id = $1)) as "person!",
                  ($2::uuid is null or exists (select from customer_refs where id = $2)) as "contact!",
                  ($3::uuid is null or exists (select from reasons where id = $3 and active)) as "reason!",
                  ($4::uuid is null or exists (select from activity_forms where id = $4 and active)) as "form!""#,
        activity.person_id,
        activity.contact_id,
        activity.reason_id,
        activity.activity_form_id
    )
    .fetch_one(tx)
    .await?;
    Ok([
        ("person_id", row.person),
        ("contact_id", row.contact),
        ("reason_id", row.reason),
        ("activity_form_id", row.form),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(field, _)| field)
    .collect())
}

#[derive(Debug, Clone, FromRow)]
pub struct ActivityRow {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub description: String,
    pub duration_minutes: i32,
    pub billable: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub author: String,
    pub person_name: Option<String>,
    pub form_name: Option<String>,
}

pub async fn activities(
    tx: &mut PgConnection,
    family: &[Uuid],
) -> Result<Vec<ActivityRow>, sqlx::Error> {
    sqlx::query_as(
        "select a.id, a.kind, a.subject, a.description, a.duration_minutes, a.billable, a.started_at, a.ended_at,
                a.created_at, u.name as author, p.name as person_name,
                catalog_name(f.name, f.names) as form_name
           from case_activities a
           join users u on u.tenant_id = a.tenant_id and u.id = a.created_by
           left join customer_refs p on p.tenant_id = a.tenant_id and p.id = a.person_id
           left join activity_forms f on f.tenant_id = a.tenant_id and f.id = a.activity_form_id
          where a.case_id = any($1)
          order by a.created_at desc",
    )
    .bind(family)
    .fetch_all(tx)
    .await
}

// Attachments ---------------------------------------------------------------

pub struct NewAttachment<'a> {
    pub case_id: Uuid,
    pub event_id: Option<Uuid>,
    pub activity_id: Option<Uuid>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
    pub sha256: &'a str,
    pub author: Uuid,
    pub now: DateTime<Utc>,
}

pub async fn add_attachment(
    tx: &mut PgConnection,
    a: NewAttachment<'_>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into attachments (tenant_id, id, case_id, event_id, activity_id, file_name, content_type, size_bytes,
                                  sha256, data, uploaded_by, created_at)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        a.case_id,
        a.event_id,
        a.activity_id,
        a.file_name,
        a.content_type,
        a.data.len() as i64,
        a.sha256,
        a.data,
        a.author,
        a.now
    )
    .execute(tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub event_id: Option<Uuid>,
    pub activity_id: Option<Uuid>,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub author: String,
}

pub struct AttachmentFile {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub data: Vec<u8>,
}

pub async fn attachment_file(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<AttachmentFile>, sqlx::Error> {
    sqlx::query_as!(
        AttachmentFile,
        "select file_name, content_type, sha256, data from attachments where id = $1",
        id
    )
    .fetch_optional(tx)
    .await
}

// Followers -------------------------------------------------------------------

pub async fn follow(tx: &mut PgConnection, case_id: Uuid, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into case_followers (tenant_id, case_id, user_id) values (app_tenant_id(), $1, $2) on conflict do nothing",
        case_id,
        user
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn unfollow(tx: &mut PgConnection, case_id: Uuid, user: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from case_followers where case_id = $1 and user_id = $2",
        case_id,
        user
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Who hears about a note: the owner and the followers, except its author.
pub async fn audience(
    tx: &mut PgConnection,
    case_id: Uuid,
    author: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select user_id as "user_id!" from case_followers where case_id = $1 and user_id <> $2
           union
           select owner_user_id from cases where id = $1 and owner_user_id is not null and owner_user_id <> $2"#,
        case_id,
        author
    )
    .fetch_all(tx)
    .await
}
