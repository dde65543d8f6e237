//! A customer's history and agenda across all of its cases: what happened
//! (cases opened and closed, notes, activities), newest first, and what is
//! scheduled, soonest first. Both read the customer copied onto each
//! timeline entry and activity (migrations/0022_customer_history.sql), one
//! index range per customer, so a page costs the same whether the customer
//! has ten cases or ten thousand.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::cases::model::CaseNumber;

/// The kinds of timeline entries a customer's history shows; the partial
/// index of the history holds exactly these.
const HISTORY_KINDS: &str =
    "('created', 'resolved', 'cancelled', 'reactivated', 'note', 'activity')";

/// How much of a long note or description the history shows.
const EXCERPT_CHARS: i32 = 600;

/// A position in a list ordered by time: the time and id of the last row
/// shown, written into links as "rfc3339|uuid".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl TimeCursor {
    pub fn parse(text: &str) -> Option<TimeCursor> {
        let (at, id) = text.split_once('|')?;
        Some(TimeCursor {
            at: DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
            id: Uuid::parse_str(id).ok()?,
        })
    }

    pub fn text(&self) -> String {
        format!(
            "{}|{}",
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.id
        )
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct HistoryEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub case_number: i64,
    pub case_title: String,
    pub actor_name: Option<String>,
    /// The start of a note's text, or of a resolution or cancellation.
    pub body: String,
    pub is_public: bool,
    pub data: Value,
    pub activity_kind: Option<String>,
    pub activity_subject: Option<String>,
    pub activity_description: Option<String>,
}

impl HistoryEntry {
    pub fn number(&self) -> CaseNumber {
        CaseNumber(self.case_number)
    }

    pub fn cursor(&self) -> TimeCursor {
        TimeCursor {
            at: self.at,
            id: self.id,
        }
    }

    pub fn is_private_note(&self) -> bool {
        self.kind == "note" && !self.is_public
    }

    /// A text value of the entry's data, e.g. `text("reason")`.
    pub fn text(&self, key: &str) -> String {
        match self.data.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

/// The history of the given customers together (an account and its
/// contacts), newest first, from before `before`.
pub async fn customer_history(
    tx: &mut PgConnection,
    customers: &[Uuid],
    before: Option<TimeCursor>,
    limit: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    // Each customer's newest entries are one range of the history index; a
    // page of the merged list is the newest of those pages. Cases, names
    // and activities are then looked up for that page only, by key: the
    // `limit 1` keeps each lookup a probe, which the planner would
    // otherwise turn into a join reading every activity of the workspace.
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(
        "with page as (
           select e.* from unnest(",
    );
    sql.push_bind(customers.to_vec());
    sql.push(format_args!(
        "::uuid[]) as who(id)
           cross join lateral (
             select e.id, e.case_id, e.at, e.actor_id, e.kind, e.body, e.is_public, e.data
               from case_events e
              where e.customer_id = who.id and e.kind in {HISTORY_KINDS}"
    ));
    if let Some(cursor) = before {
        sql.push(" and (e.at, e.id) < (")
            .push_bind(cursor.at)
            .push(", ")
            .push_bind(cursor.id)
            .push(")");
    }
    sql.push(" order by e.at desc, e.id desc limit ")
        .push_bind(limit);
    sql.push(") e order by e.at desc, e.id desc limit ")
        .push_bind(limit);
    sql.push(format_args!(
        ")
         select e.id, e.at, e.kind, c.number as case_number, c.title as case_title,
                (select name from users where id = e.actor_id) as actor_name,
                left(e.body, {EXCERPT_CHARS}) as body, e.is_public, e.data,
                a.kind as activity_kind, a.subject as activity_subject,
                left(a.description, {EXCERPT_CHARS}) as activity_description
           from page e
           cross join lateral (select number, title from cases where id = e.case_id limit 1) c
           left join lateral (
                select kind, subject, description from case_activities
                 where e.kind = 'activity' and id = (e.data->>'activity_id')::uuid limit 1
           ) a on true
          order by e.at desc, e.id desc"
    ));
    sql.build_query_as().fetch_all(tx).await
}

#[derive(Debug, Clone, FromRow)]
pub struct AgendaEntry {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub case_number: i64,
    pub case_title: String,
    /// Who recorded it: the agent who is to do it.
    pub author: String,
    /// The person it is with (pessoa), when one was named.
    pub person_name: Option<String>,
}

impl AgendaEntry {
    pub fn number(&self) -> CaseNumber {
        CaseNumber(self.case_number)
    }

    pub fn cursor(&self) -> TimeCursor {
        TimeCursor {
            at: self.started_at,
            id: self.id,
        }
    }

    /// Whether it ends on the day it starts, in `tz` (then the end shows as a time only).
    pub fn ends_same_day(&self, tz: &chrono_tz::Tz) -> bool {
        self.ended_at.is_some_and(|end| {
            end.with_timezone(tz).date_naive() == self.started_at.with_timezone(tz).date_naive()
        })
    }
}

/// Activities scheduled on the given customers' cases from `from` on,
/// soonest first, after `after`.
pub async fn customer_agenda(
    tx: &mut PgConnection,
    customers: &[Uuid],
    from: DateTime<Utc>,
    after: Option<TimeCursor>,
    limit: i64,
) -> Result<Vec<AgendaEntry>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(
        "with page as (
           select a.* from unnest(",
    );
    sql.push_bind(customers.to_vec());
    sql.push(
        "::uuid[]) as who(id)
           cross join lateral (
             select a.id, a.case_id, a.kind, a.subject, a.started_at, a.ended_at, a.created_by, a.person_id
               from case_activities a
              where a.customer_id = who.id and a.started_at >= ",
    )
    .push_bind(from);
    if let Some(cursor) = after {
        sql.push(" and (a.started_at, a.id) > (")
            .push_bind(cursor.at)
            .push(", ")
            .push_bind(cursor.id)
            .push(")");
    }
    sql.push(" order by a.started_at, a.id limit ")
        .push_bind(limit);
    sql.push(") a order by a.started_at, a.id limit ")
        .push_bind(limit);
    sql.push(
        ")
         select a.id, a.kind, a.subject, a.started_at, a.ended_at,
                c.number as case_number, c.title as case_title,
                coalesce((select name from users where id = a.created_by), '') as author,
                (select name from customer_refs where id = a.person_id) as person_name
           from page a
           cross join lateral (select number, title from cases where id = a.case_id limit 1) c
          order by a.started_at, a.id",
    );
    sql.build_query_as().fetch_all(tx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_refuses_anything_else() {
        let cursor = TimeCursor {
            at: DateTime::parse_from_rfc3339("2026-05-01T10:11:12.123456Z")
                .expect("instant")
                .with_timezone(&Utc),
            id: Uuid::now_v7(),
        };
        assert_eq!(TimeCursor::parse(&cursor.text()), Some(cursor));
        for bad in [
            "",
            "yesterday|x",
            "2026-05-01T10:11:12Z",
            "2026-05-01T10:11:12Z|nope",
        ] {
            assert_eq!(TimeCursor::parse(bad), None, "{bad}");
        }
    }
}
