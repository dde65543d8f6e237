//! The supervisors' dashboard, counted: open cases by queue, owner,
//! priority and status; cases opened and resolved per day; the age of the
//! open ones; resolved cases that met or breached their SLA per week; each
//! agent's open cases and time logged. Each count reads the cases a case
//! view with the same filters lists, so a number and its view agree.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

/// Open cases grouped by a column of the case row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenBy {
    Queue,
    Owner,
    Priority,
    Status,
}

impl OpenBy {
    fn column(self) -> &'static str {
        match self {
            OpenBy::Queue => "c.queue_id",
            OpenBy::Owner => "c.owner_user_id",
            OpenBy::Priority => "c.priority_id",
            OpenBy::Status => "c.status_reason_id",
        }
    }
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

/// Active cases per value of the column (`None`: no queue, nobody).
pub async fn open_by(
    tx: &mut PgConnection,
    by: OpenBy,
    team: Option<Uuid>,
    hidden: &[Uuid],
) -> Result<Vec<(Option<Uuid>, i64)>, sqlx::Error> {
    let column = by.column();
    let mut sql = QueryBuilder::new(format!(
        "select {column} as key, count(*) from cases c where c.state = 'active'"
    ));
    push_team(&mut sql, team);
    push_hidden(&mut sql, hidden);
    sql.push(" group by 1 order by 2 desc");
    sql.build_query_as().fetch_all(tx).await
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

/// Instants from (inclusive) and to (exclusive); `None` is open-ended.
pub type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Active cases opened within each of `ranges`.
pub async fn open_in_ranges(
    tx: &mut PgConnection,
    ranges: &[Span],
    team: Option<Uuid>,
    hidden: &[Uuid],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = QueryBuilder::new("select ");
    for (i, (start, end)) in ranges.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("count(*) filter (where true");
        if let Some(start) = start {
            sql.push(" and c.opened_at >= ").push_bind(*start);
        }
        if let Some(end) = end {
            sql.push(" and c.opened_at < ").push_bind(*end);
        }
        sql.push(")");
    }
    sql.push(" from cases c where c.state = 'active'");
    push_team(&mut sql, team);
    push_hidden(&mut sql, hidden);
    let row: sqlx::postgres::PgRow = sql.build().fetch_one(tx).await?;
    use sqlx::Row;
    (0..ranges.len())
        .map(|i| row.try_get::<i64, _>(i))
        .collect()
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
