//! The supervisors' dashboard, counted: open cases by queue, owner,
//! priority and status; cases opened and resolved per day; the age of the
//! open ones; resolved cases that met or breached their SLA per week; each
//! agent's open cases and time logged. Each count reads the cases a case
//! view with the same filters lists, so a number and its view agree.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

/// The groupings of open cases the dashboard draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenBy {
    Queue,
    Owner,
    Priority,
    Status,
}

fn push_team(sql: &mut QueryBuilder<Postgres>, team: Option<Uuid>) {
    if let Some(team) = team {
        sql.push(" and c.owner_team_id = ").push_bind(team);
    }
}

fn push_hidden(sql: &mut QueryBuilder<Postgres>, hidden: &[Uuid]) {
    if !hidden.is_empty() {
        sql.push(" and (c.queue_id is null or c.queue_id <> all(")
            .push_bind(hidden.to_vec())
            .push("))");
    }
}

/// Cases opened and cases resolved on each day of `[from, to]` (days of
/// `tz`), as (day, opened, resolved).
pub async fn per_day(
    tx: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
    tz: &str,
    bounds: (DateTime<Utc>, DateTime<Utc>),
    team: Option<Uuid>,
    hidden: &[Uuid],
) -> Result<Vec<(NaiveDate, i64, i64)>, sqlx::Error> {
    let mut sql = QueryBuilder::new("with opened as (select (c.opened_at at time zone ");
    sql.push_bind(tz.to_owned())
        .push(
            ")::date as day, count(*) as n from cases c
               where c.state = any(array['active', 'resolved', 'cancelled']) and c.opened_at >= ",
        )
        .push_bind(bounds.0)
        .push(" and c.opened_at < ")
        .push_bind(bounds.1);
    push_team(&mut sql, team);
    push_hidden(&mut sql, hidden);
    sql.push(" group by 1), resolved as (select (c.resolved_at at time zone ")
        .push_bind(tz.to_owned())
        .push(")::date as day, count(*) as n from cases c where c.state = 'resolved' and c.resolved_at >= ")
        .push_bind(bounds.0)
        .push(" and c.resolved_at < ")
        .push_bind(bounds.1);
    push_team(&mut sql, team);
    push_hidden(&mut sql, hidden);
    sql.push(
        " group by 1) select d::date, coalesce(o.n, 0), coalesce(r.n, 0) from generate_series(",
    )
    .push_bind(from)
    .push("::date, ")
    .push_bind(to)
    .push(
        "::date, interval '1 day') d
          left join opened o on o.day = d::date left join resolved r on r.day = d::date order by 1",
    );
    sql.build_query_as().fetch_all(tx).await
}

/// Resolved cases whose SLA timer ended met and breached, per week of
/// `weeks` (start inclusive, end exclusive).
pub async fn sla_per_week(
    tx: &mut PgConnection,
    weeks: &[(DateTime<Utc>, DateTime<Utc>)],
    team: Option<Uuid>,
    hidden: &[Uuid],
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return Ok(Vec::new());
    };
    let mut sql = QueryBuilder::new("select ");
    for (i, (start, end)) in weeks.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        for (j, status) in ["succeeded", "non_compliant"].iter().enumerate() {
            if j > 0 {
                sql.push(", ");
            }
            sql.push("count(*) filter (where c.resolved_at >= ")
                .push_bind(*start)
                .push(" and c.resolved_at < ")
                .push_bind(*end)
                .push(format!(" and c.sla_timer_status = '{status}')"));
        }
    }
    sql.push(" from cases c where c.state = 'resolved' and c.resolved_at >= ")
        .push_bind(first.0)
        .push(" and c.resolved_at < ")
        .push_bind(last.1);
    push_team(&mut sql, team);
    push_hidden(&mut sql, hidden);
    let row: sqlx::postgres::PgRow = sql.build().fetch_one(tx).await?;
    use sqlx::Row;
    (0..weeks.len())
        .map(|i| {
            Ok((
                row.try_get::<i64, _>(2 * i)?,
                row.try_get::<i64, _>(2 * i + 1)?,
            ))
        })
        .collect()
}

/// Minutes each user logged in activities since `since`.
pub async fn minutes_logged(
    tx: &mut PgConnection,
    since: DateTime<Utc>,
) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    sqlx::query_as(
        "select a.created_by, sum(a.duration_minutes)::bigint from case_activities a
          where a.created_at >= $1 group by 1",
    )
    .bind(since)
    .fetch_all(tx)
    .await
}

/// Active cases counted once per combination of queue, owner, priority,
/// status and age bucket: every "open cases" figure of the dashboard from
/// one read of the active cases (six reads took a second at 60,000).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenCount {
    pub queue_id: Option<Uuid>,
    pub owner_user_id: Option<Uuid>,
    pub priority_id: Uuid,
    pub status_reason_id: Uuid,
    /// The index of the first of `bucket_starts` the case opened at or
    /// after; their number when it opened before all of them.
    pub bucket: i32,
    pub count: i64,
}

pub async fn open_counts(
    tx: &mut PgConnection,
    bucket_starts: &[DateTime<Utc>],
    team: Option<Uuid>,
) -> Result<Vec<OpenCount>, sqlx::Error> {
    let mut sql = QueryBuilder::new(
        "select c.queue_id, c.owner_user_id, c.priority_id, c.status_reason_id, case",
    );
    for (i, start) in bucket_starts.iter().enumerate() {
        sql.push(" when c.opened_at >= ")
            .push_bind(*start)
            .push(format!(" then {i}"));
    }
    sql.push(format!(
        " else {} end as bucket, count(*) as count from cases c where c.state = 'active'",
        bucket_starts.len()
    ));
    push_team(&mut sql, team);
    sql.push(" group by 1, 2, 3, 4, 5");
    sql.build_query_as().fetch_all(tx).await
}
