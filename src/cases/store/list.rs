//! The case views: one query built from the view, filters, sort and cursor,
//! reading one page plus one row (to know whether there is a next page).

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use crate::cases::model::{CaseNumber, State};
use crate::cases::views::{Cursor, CursorValue, Sort, SortType, View, ViewSpec};
use crate::catalog::names::{CaseNames, Named};
use crate::customers::name_search::push_customers_containing;
use crate::sla::case_timer::CaseTimer;
use crate::sla::model::KpiStatus;

/// Stands for "not resolved" in the resolved-time sort; matches the SQL side.
const NEVER: DateTime<Utc> = DateTime::from_timestamp_nanos(-2_208_988_800_000_000_000);

/// Stands for "no running deadline" in the deadline sort (2200-01-01, so
/// such cases come last); matches the deadline sort's fallback in SQL.
const NO_DEADLINE: DateTime<Utc> = DateTime::from_timestamp_nanos(7_258_118_400_000_000_000);

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub state: String,
    pub status_reason_id: Uuid,
    pub priority_id: Uuid,
    pub owner_user_id: Option<Uuid>,
    pub owner_team_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub worked_minutes: i32,
    /// The SLA column: the timer the case row carries.
    pub sla: CaseTimer,
    /// Whose calendar the timer counts working time in.
    pub sla_id: Option<Uuid>,
    pub queue_id: Option<Uuid>,
    pub queued_at: Option<DateTime<Utc>>,
    /// The place in the queue (`Sort::Queued`).
    pub queue_order: Option<DateTime<Utc>>,
    // Names come from the workspace's cached lists (`CaseNames`), not SQL.
    pub status_name: String,
    pub priority_name: String,
    pub priority_color: String,
    pub priority_order: i64,
    pub owner_name: Option<String>,
    pub channel_name: Option<String>,
}

/// The columns of `ROW_SELECT`, in its order.
const ROW_COLUMNS: [&str; 22] = [
    "id",
    "number",
    "title",
    "customer_id",
    "customer_name",
    "state",
    "status_reason_id",
    "priority_id",
    "owner_user_id",
    "owner_team_id",
    "channel_id",
    "opened_at",
    "updated_at",
    "resolved_at",
    "worked_minutes",
    "sla_timer_status",
    "sla_timer_deadline",
    "sla_timer_warning_at",
    "sla_id",
    "queue_id",
    "queued_at",
    "queue_order",
];

/// Read by position: by name, each of a page's 400 values cost a hash of
/// its column's name, nearly a third of reading the rows. Every view
/// selects `ROW_SELECT`'s columns in its order (checked in debug builds).
impl<'r> FromRow<'r, PgRow> for CaseRow {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        debug_assert!(
            row.columns()
                .iter()
                .map(sqlx::Column::name)
                .eq(ROW_COLUMNS.iter().copied()),
            "the case views' columns are ROW_SELECT's"
        );
        Ok(CaseRow {
            id: row.try_get(0)?,
            number: row.try_get(1)?,
            title: row.try_get(2)?,
            customer_id: row.try_get(3)?,
            customer_name: row.try_get(4)?,
            state: row.try_get(5)?,
            status_reason_id: row.try_get(6)?,
            priority_id: row.try_get(7)?,
            owner_user_id: row.try_get(8)?,
            owner_team_id: row.try_get(9)?,
            channel_id: row.try_get(10)?,
            opened_at: row.try_get(11)?,
            updated_at: row.try_get(12)?,
            resolved_at: row.try_get(13)?,
            worked_minutes: row.try_get(14)?,
            sla: CaseTimer {
                status: row
                    .try_get::<Option<&str>, _>(15)?
                    .and_then(KpiStatus::parse),
                deadline: row.try_get(16)?,
                warning_at: row.try_get(17)?,
            },
            sla_id: row.try_get(18)?,
            queue_id: row.try_get(19)?,
            queued_at: row.try_get(20)?,
            queue_order: row.try_get(21)?,
            status_name: String::new(),
            priority_name: String::new(),
            priority_color: String::new(),
            priority_order: 0,
            owner_name: None,
            channel_name: None,
        })
    }
}

impl CaseRow {
    pub fn number(&self) -> CaseNumber {
        CaseNumber(self.number)
    }

    pub fn state(&self) -> State {
        State::parse(&self.state)
    }

    /// The colour of the SLA chip at `now`: ok, warn or breached while a
    /// clock runs; paused; breached or done once the timers have ended.
    pub fn sla_tone(&self, now: &DateTime<Utc>) -> &'static str {
        self.sla.status_at(*now).map_or("done", KpiStatus::tone)
    }

    /// A paused timer, or how the case's timers ended, when none runs.
    pub fn sla_outcome(&self) -> Option<KpiStatus> {
        match self.sla.deadline {
            Some(_) => None,
            None => self.sla.status,
        }
    }

    /// The deadline as the ticking script reads it.
    pub fn sla_deadline_attr(&self) -> String {
        self.sla
            .deadline
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default()
    }

    /// The cursor that continues the list after this row.
    pub fn cursor(&self, spec: &ViewSpec) -> Cursor {
        let value = match spec.sort {
            Sort::Number => CursorValue::Int(self.number),
            Sort::Title => CursorValue::Text(self.title.to_lowercase()),
            Sort::Customer => CursorValue::Text(self.customer_name.to_lowercase()),
            Sort::Priority => CursorValue::Int(self.priority_order),
            Sort::Status => CursorValue::Text(self.status_name.to_lowercase()),
            Sort::Owner => {
                CursorValue::Text(self.owner_name.clone().unwrap_or_default().to_lowercase())
            }
            Sort::Deadline => CursorValue::Time(self.sla.deadline.unwrap_or(NO_DEADLINE)),
            Sort::Opened => CursorValue::Time(self.opened_at),
            Sort::Updated => CursorValue::Time(self.updated_at),
            Sort::Resolved => CursorValue::Time(self.resolved_at.unwrap_or(NEVER)),
            Sort::Queued => CursorValue::Time(self.queue_order.unwrap_or(NO_DEADLINE)),
        };
        Cursor { value, id: self.id }
    }
}

// Names shown come from the cached lists, and the customer's name from the
// case row, which carries it (migration 0014): a seven-table join made
// PostgreSQL spend most of a list request ordering joins, and a lookup per
// row was a third of the statement. A view sorted by a name or an order
// joins that one table (see `sort_source`).
const ROW_SELECT: &str = "select c.id, c.number, c.title, c.customer_id, c.customer_name,
        c.state, c.status_reason_id, c.priority_id, c.owner_user_id, c.owner_team_id, c.channel_id,
        c.opened_at, c.updated_at, c.resolved_at, c.worked_minutes,
        c.sla_timer_status, c.sla_timer_deadline, c.sla_timer_warning_at, c.sla_id,
        c.queue_id, c.queued_at, c.queue_order";

/// The cases, up to the conditions (the SLA cell is the row's own, migration 0017).
fn push_from(sql: &mut QueryBuilder<Postgres>) {
    sql.push(" from cases c where true");
}

/// Runs a row query and puts the names on its rows.
async fn fetch_rows(
    tx: &mut PgConnection,
    mut sql: QueryBuilder<Postgres>,
    names: &CaseNames,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let mut rows: Vec<CaseRow> = sql.build_query_as().fetch_all(tx).await?;
    for row in &mut rows {
        row.status_name = names.status(row.status_reason_id).to_owned();
        if let Some(priority) = names.priority(row.priority_id) {
            row.priority_name.clone_from(&priority.name);
            row.priority_color.clone_from(&priority.color);
            row.priority_order = priority.sort_order;
        }
        row.owner_name = names.owner(row.owner_user_id, row.owner_team_id);
        row.channel_name = names.of(Named::Channel, row.channel_id);
    }
    Ok(rows)
}

/// The SQL a view is ordered by (fixed text, never user input).
fn sort_expression(sort: Sort) -> String {
    match sort {
        Sort::Number => "c.number".into(),
        Sort::Title => "lower(c.title)".into(),
        Sort::Customer => "lower(cu.name)".into(),
        Sort::Priority => "pr.sort_order::bigint".into(),
        Sort::Status => "lower(catalog_name(st.name, st.names))".into(),
        Sort::Owner => "lower(coalesce(ou.name, catalog_name(ot.name, ot.names), ''))".into(),
        Sort::Deadline => {
            "coalesce(c.sla_timer_deadline, '2200-01-01T00:00:00Z'::timestamptz)".into()
        }
        Sort::Opened => "c.opened_at".into(),
        Sort::Updated => "c.updated_at".into(),
        Sort::Resolved => "coalesce(c.resolved_at, '1900-01-01T00:00:00Z'::timestamptz)".into(),
        Sort::Queued => "c.queue_order".into(),
    }
}

/// How a view's order is read.
enum SortSource {
    /// Along an index within the view's state: the first page is an index
    /// range.
    Index,
    /// Sorting every case of the view, by a key of the case row or of the
    /// table joined here.
    Sorted { join: &'static str },
}

/// Names and orders come from their table, joined rather than probed per
/// case: sorted by customer, PostgreSQL walks the customers in name order
/// and stops after a page (3.7 s to 8 ms over 127,000 resolved cases); the
/// few priorities, statuses and owners are hashed once. The deadline is
/// the running timer's on the case row, the one its SLA cell counts down;
/// the active cases are indexed in that order (migration 0019), so their
/// first page, and the "nearing" view's, is read from an index range.
fn sort_source(sort: Sort) -> SortSource {
    let join = match sort {
        Sort::Number | Sort::Title | Sort::Opened | Sort::Resolved | Sort::Queued => {
            return SortSource::Index;
        }
        Sort::Updated | Sort::Deadline => "",
        Sort::Customer => {
            " join customer_refs cu on cu.tenant_id = c.tenant_id and cu.id = c.customer_id"
        }
        Sort::Priority => {
            " join priorities pr on pr.tenant_id = c.tenant_id and pr.id = c.priority_id"
        }
        Sort::Status => {
            " join status_reasons st on st.tenant_id = c.tenant_id and st.id = c.status_reason_id"
        }
        Sort::Owner => {
            " left join users ou on ou.tenant_id = c.tenant_id and ou.id = c.owner_user_id
              left join teams ot on ot.tenant_id = c.tenant_id and ot.id = c.owner_team_id"
        }
    };
    SortSource::Sorted { join }
}

/// A sort by a key of a short catalog (the priorities' order, the statuses'
/// names) over a whole state: the cases of each priority or status are read
/// from the index (migration 0016) in id order, a page of each at most, and
/// only those few rows are sorted. Sorting every active case by its
/// priority read each of them from the table: 300 ms for 51,000 active
/// cases, 0.6 ms this way.
struct Grouped {
    /// The catalog's rows: `key_id` and the `sort_key` the view is ordered by.
    groups: &'static str,
    /// The case column that refers to them.
    column: &'static str,
}

/// Only views that are a whole state without other filters (but status and
/// priority) read each group this way: the index is (state, group, id), and
/// a view narrowed otherwise, by owner, customer or text, reads fewer cases
/// sorted than the groups' scans would step over.
fn grouped(spec: &ViewSpec) -> Option<Grouped> {
    let whole_state = matches!(spec.view, View::Active | View::Resolved | View::Cancelled)
        && spec.q.trim().is_empty()
        && [
            spec.subject,
            spec.owner,
            spec.team,
            spec.customer,
            spec.channel,
        ]
        .iter()
        .all(Option::is_none)
        && spec.from.is_none()
        && spec.to.is_none()
        && spec.closed_from.is_none()
        && spec.closed_to.is_none()
        && spec.sla.is_none();
    if !whole_state {
        return None;
    }
    match spec.sort {
        Sort::Priority => Some(Grouped {
            groups: "select pr.id as key_id, pr.sort_order::bigint as sort_key from priorities pr",
            column: "c.priority_id",
        }),
        Sort::Status => Some(Grouped {
            groups: "select st.id as key_id, lower(catalog_name(st.name, st.names)) as sort_key from status_reasons st",
            column: "c.status_reason_id",
        }),
        _ => None,
    }
}

/// The cursor's sort value, or null when it is of another sort's type (then
/// nothing follows it).
fn push_cursor_value(sql: &mut QueryBuilder<Postgres>, value: &CursorValue, kind: SortType) {
    match (value, kind) {
        (CursorValue::Int(n), SortType::Int) => sql.push_bind(*n),
        (CursorValue::Text(t), SortType::Text) => sql.push_bind(t.clone()),
        (CursorValue::Time(t), SortType::Time) => sql.push_bind(*t),
        _ => sql.push("null"),
    };
}

/// One page of a view sorted by a group's key (see `Grouped`).
async fn list_grouped(
    tx: &mut PgConnection,
    names: &CaseNames,
    spec: &ViewSpec,
    group: Grouped,
    me: Uuid,
    tz: chrono_tz::Tz,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let Grouped { groups, column } = group;
    let kind = spec.sort.kind();
    // Past the cursor: later cases of its group, every case of later groups
    // (an id beyond every id in the other direction stands for "from the start").
    let (cmp, dir, from_start) = if spec.descending {
        ("<", "desc", "ffffffff-ffff-ffff-ffff-ffffffffffff")
    } else {
        (">", "asc", "00000000-0000-0000-0000-000000000000")
    };
    let limit = spec.per_page + 1;
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "{ROW_SELECT} from (select g.sort_key, k.id from ({groups}) g
           cross join lateral (select c.id from cases c where {column} = g.key_id"
    ));
    push_conditions(&mut sql, spec, me, tz);
    if let Some(cursor) = &spec.after {
        sql.push(format!(" and c.id {cmp} case when g.sort_key = "));
        push_cursor_value(&mut sql, &cursor.value, kind);
        sql.push(" then ")
            .push_bind(cursor.id)
            .push(format!(" else '{from_start}'::uuid end"));
    }
    sql.push(format!(" order by c.id {dir} limit {limit}) k"));
    if let Some(cursor) = &spec.after {
        sql.push(format!(" where g.sort_key {cmp}= "));
        push_cursor_value(&mut sql, &cursor.value, kind);
    }
    sql.push(format!(
        " order by g.sort_key {dir}, k.id {dir} limit {limit}) page
          join cases c on c.id = page.id order by page.sort_key {dir}, c.id {dir}"
    ));
    fetch_rows(tx, sql, names).await
}

/// The comparison that finds the rows past a cursor, and the direction of
/// the view's order.
fn direction(spec: &ViewSpec) -> (&'static str, &'static str) {
    if spec.descending {
        ("<", "desc")
    } else {
        (">", "asc")
    }
}

/// Past the cursor, in the view's order.
fn push_after(sql: &mut QueryBuilder<Postgres>, spec: &ViewSpec, expression: &str, cmp: &str) {
    if let Some(cursor) = &spec.after {
        sql.push(format!(" and ({expression}, c.id) {cmp} ("));
        push_cursor_value(sql, &cursor.value, spec.sort.kind());
        sql.push(", ").push_bind(cursor.id).push(")");
    }
}

/// Cases walked along the sort's index before a view narrowed to an
/// opening-date range reads the range instead.
const WALKED_BEFORE_RANGE: i64 = 1000;

/// A case's number and its resolution follow its opening, so a view of a
/// past month sorted by either, walking that index, steps over every case
/// opened since before it reaches one: 120 to 150 ms for a month of
/// resolved cases almost two years back, among 130,000. PostgreSQL expects
/// the month's cases spread along the walk, and stops after a page in its
/// estimate only.
fn reads_opened_range_first(spec: &ViewSpec) -> bool {
    (spec.from.is_some() || spec.to.is_some()) && matches!(spec.sort, Sort::Number | Sort::Resolved)
}

/// One page of a view narrowed to an opening-date range (see
/// `reads_opened_range_first`). The first `WALKED_BEFORE_RANGE` cases along
/// the sort's index are kept when they hold a page of the range, as they do
/// for a range that reaches today; otherwise the range is read from the
/// opening-date index and sorted. The range is read only when the walk
/// fell short: a common table expression is computed when first read.
async fn list_opened_range(
    tx: &mut PgConnection,
    names: &CaseNames,
    spec: &ViewSpec,
    me: Uuid,
    tz: chrono_tz::Tz,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let expression = sort_expression(spec.sort);
    let (cmp, dir) = direction(spec);
    let limit = spec.per_page + 1;
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "with walked as materialized (select c.id, c.sort_key from
           (select c.id, {expression} as sort_key, c.opened_at from cases c where true"
    ));
    push_view_and_choices(&mut sql, spec, me);
    push_text(&mut sql, spec);
    push_after(&mut sql, spec, &expression, cmp);
    sql.push(format!(
        " order by {expression} {dir}, c.id {dir} limit {WALKED_BEFORE_RANGE}) c where true"
    ));
    push_opening_dates(&mut sql, spec, tz);
    sql.push(format!(
        " order by c.sort_key {dir}, c.id {dir} limit {limit}),
         in_range as materialized (select c.id, {expression} as sort_key from cases c where true"
    ));
    push_conditions(&mut sql, spec, me, tz);
    push_after(&mut sql, spec, &expression, cmp);
    sql.push(format!(
        ") {ROW_SELECT} from ((select id, sort_key from walked
           where (select count(*) from walked) = {limit})
         union all (select id, sort_key from in_range
           where (select count(*) from walked) < {limit}
           order by sort_key {dir}, id {dir} limit {limit})) page
          join cases c on c.id = page.id order by page.sort_key {dir}, c.id {dir}"
    ));
    fetch_rows(tx, sql, names).await
}

/// Adds the view's and the filters' conditions.
fn push_conditions(sql: &mut QueryBuilder<Postgres>, spec: &ViewSpec, me: Uuid, tz: chrono_tz::Tz) {
    push_view_and_choices(sql, spec, me);
    push_opening_dates(sql, spec, tz);
    push_text(sql, spec);
}

/// The view's own condition and the choices of its filters.
fn push_view_and_choices(sql: &mut QueryBuilder<Postgres>, spec: &ViewSpec, me: Uuid) {
    match spec.view {
        View::Mine => {
            sql.push(" and c.owner_user_id = ")
                .push_bind(me)
                .push(" and c.state = 'active'");
        }
        View::Active => {
            sql.push(" and c.state = 'active'");
        }
        View::Unassigned => {
            sql.push(" and c.owner_user_id is null and c.state = 'active'");
        }
        View::Resolved => {
            sql.push(" and c.state = 'resolved'");
        }
        View::Cancelled => {
            sql.push(" and c.state = 'cancelled'");
        }
        View::Created => {
            sql.push(" and c.created_by = ").push_bind(me);
        }
        View::Following => {
            sql.push(" and c.id in (select case_id from case_followers where user_id = ")
                .push_bind(me)
                .push(")");
        }
        View::Nearing => {
            // The timer its row shows is past its warning and short of its
            // deadline: a breached case is no longer nearing. Its instance
            // is one the worker marked nearing or one whose warning is due
            // (migration 0025): few, where the active cases are many.
            sql.push(" and c.state = 'active' and c.sla_timer_status <> 'non_compliant'")
                .push(" and c.sla_timer_warning_at <= ")
                .push_bind(spec.now)
                .push(" and coalesce(c.sla_timer_deadline, '2200-01-01T00:00:00Z'::timestamptz) > ")
                .push_bind(spec.now)
                .push(
                    " and c.id in (select i.case_id from kpi_refs i where i.status = 'nearing'
                       union all select i.case_id from kpi_refs i
                        where i.due_at <= ",
                )
                .push_bind(spec.now)
                .push(" and i.status = 'in_progress')");
        }
        View::All => {}
        View::Orphaned => {
            sql.push(
                " and c.state = 'active'
                  and c.owner_user_id in (select u.id from users u where not u.active)",
            );
        }
        View::Queued => {
            // Only active cases wait in a queue: closing takes them out. One
            // queue is named as such, so its page is a range of its index.
            match spec.queues.as_slice() {
                [one] => {
                    sql.push(" and c.queue_id = ").push_bind(*one);
                }
                many => {
                    sql.push(" and c.queue_id = any(")
                        .push_bind(many.to_vec())
                        .push(")");
                }
            }
        }
    }
    if let Some(end) = spec.sla {
        sql.push(" and c.sla_timer_status = ")
            .push_bind(end.status());
    }
    if !spec.hidden_queues.is_empty() {
        sql.push(" and (c.queue_id is null or c.queue_id <> all(")
            .push_bind(spec.hidden_queues.clone())
            .push("))");
    }
    for (column, value) in [
        ("c.status_reason_id", spec.status),
        ("c.priority_id", spec.priority),
        ("c.subject_id", spec.subject),
        ("c.owner_user_id", spec.owner),
        ("c.owner_team_id", spec.team),
        ("c.customer_id", spec.customer),
        ("c.channel_id", spec.channel),
    ] {
        if let Some(id) = value {
            sql.push(format!(" and {column} = ")).push_bind(id);
        }
    }
}

/// The view's cases opened within its date range, days of the agent's zone.
fn push_opening_dates(sql: &mut QueryBuilder<Postgres>, spec: &ViewSpec, tz: chrono_tz::Tz) {
    let day_start = |date: chrono::NaiveDate| {
        use chrono::TimeZone;
        tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Some(from) = spec.from.and_then(day_start) {
        sql.push(" and c.opened_at >= ").push_bind(from);
    }
    if let Some(to) = spec.to.and_then(|d| d.succ_opt()).and_then(day_start) {
        sql.push(" and c.opened_at < ").push_bind(to);
    }
    // The resolved view reads its closing days along its own index.
    let closed = if spec.view == View::Resolved {
        "c.resolved_at"
    } else {
        "coalesce(c.resolved_at, c.cancelled_at)"
    };
    if let Some(from) = spec.closed_from.and_then(day_start) {
        sql.push(format!(" and {closed} >= ")).push_bind(from);
    }
    if let Some(to) = spec
        .closed_to
        .and_then(|d| d.succ_opt())
        .and_then(day_start)
    {
        sql.push(format!(" and {closed} < ")).push_bind(to);
    }
}

/// The cases whose number is the text typed, or whose title or customer's
/// name contains it.
fn push_text(sql: &mut QueryBuilder<Postgres>, spec: &ViewSpec) {
    let q = spec.q.trim();
    if !q.is_empty() {
        match CaseNumber::parse(q) {
            Some(number) => {
                sql.push(" and c.number = ").push_bind(number.0);
            }
            None => {
                let pattern = format!(
                    "%{}%",
                    q.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                );
                sql.push(" and (c.search_title like search_text(")
                    .push_bind(pattern.clone())
                    .push(") or c.customer_id in (");
                push_customers_containing(sql, q, pattern);
                sql.push("))");
            }
        }
    }
}

/// A page of several queues' items in their queue order: each queue's
/// first page read from its range of the queue index, and those few rows
/// merged. Sorting every item of the queues took 400 ms for 40,000 items.
async fn list_queues_merged(
    tx: &mut PgConnection,
    names: &CaseNames,
    spec: &ViewSpec,
    me: Uuid,
    tz: chrono_tz::Tz,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let (cmp, dir) = direction(spec);
    let limit = spec.per_page + 1;
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "{ROW_SELECT} from (select k.id, k.queue_order from unnest("
    ));
    sql.push_bind(spec.queues.clone()).push(
        "::uuid[]) as q(id) cross join lateral (select c.id, c.queue_order from cases c
           where c.queue_id = q.id",
    );
    // The queues are the lateral's: naming them all again inside made
    // PostgreSQL read both queues whole and sort them (200 ms).
    let within = ViewSpec {
        view: View::All,
        ..spec.clone()
    };
    push_conditions(&mut sql, &within, me, tz);
    push_after(&mut sql, spec, "c.queue_order", cmp);
    sql.push(format!(
        " order by c.queue_order {dir}, c.id {dir} limit {limit}) k
          order by k.queue_order {dir}, k.id {dir} limit {limit}) page
          join cases c on c.id = page.id order by page.queue_order {dir}, c.id {dir}"
    ));
    fetch_rows(tx, sql, names).await
}

/// One page of the view (and one more row, if there is a next page).
pub async fn list(
    tx: &mut PgConnection,
    names: &CaseNames,
    spec: &ViewSpec,
    me: Uuid,
    tz: chrono_tz::Tz,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    if let Some(group) = grouped(spec) {
        return list_grouped(tx, names, spec, group, me, tz).await;
    }
    if spec.view == View::Queued && spec.sort == Sort::Queued && spec.queues.len() > 1 {
        return list_queues_merged(tx, names, spec, me, tz).await;
    }
    if reads_opened_range_first(spec) {
        return list_opened_range(tx, names, spec, me, tz).await;
    }
    let expression = sort_expression(spec.sort);
    let (cmp, dir) = direction(spec);
    // Without an index to walk, every case of the view is sorted: the
    // page's ids are chosen first, on narrow rows, and only they are read
    // whole (a status sort of 127,000 resolved cases spilled its sort of
    // whole rows to disk: 0.6 s to 0.19 s). The last update has no index:
    // every note changes it, and an index on it would make each of those
    // writes update every index of the case.
    let source = sort_source(spec.sort);
    let deferred = matches!(source, SortSource::Sorted { .. });
    let mut sql: QueryBuilder<Postgres> = match source {
        SortSource::Sorted { join } => QueryBuilder::new(format!(
            "{} from (select c.id, {expression} as sort_key from cases c{join} where true",
            ROW_SELECT,
        )),
        SortSource::Index => {
            let mut sql = QueryBuilder::new(ROW_SELECT);
            push_from(&mut sql);
            sql
        }
    };
    push_conditions(&mut sql, spec, me, tz);
    push_after(&mut sql, spec, &expression, cmp);
    // The page size is the server's, so it is written into the statement:
    // with no parameter left, PostgreSQL plans a view once per connection.
    sql.push(format!(
        " order by {expression} {dir}, c.id {dir} limit {}",
        spec.per_page + 1
    ));
    if deferred {
        sql.push(format!(
            ") page join cases c on c.id = page.id order by page.sort_key {dir}, c.id {dir}"
        ));
    }
    fetch_rows(tx, sql, names).await
}

/// How many cases the view holds, counted up to `cap` and no further: a
/// view of a few hundred thousand cases would be counted in full on every
/// page, for a figure nobody reads past "more than 10,000". The count
/// walks the view's rows until it has `cap` + 1 of them (the index of the
/// view's state, under its conditions), so it costs what a page of `cap`
/// ids would.
pub async fn count_capped(
    tx: &mut PgConnection,
    spec: &ViewSpec,
    me: Uuid,
    tz: chrono_tz::Tz,
    cap: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> =
        QueryBuilder::new("select count(*) from (select 1 from cases c where true");
    push_conditions(&mut sql, spec, me, tz);
    // The cap is the server's: written in, the statement keeps one plan.
    sql.push(format!(" limit {}) counted", cap + 1));
    sql.build_query_scalar().fetch_one(tx).await
}

/// Counts of the view (all its pages) grouped by status, priority or owner,
/// for the chart.
pub async fn chart(
    tx: &mut PgConnection,
    spec: &ViewSpec,
    me: Uuid,
    tz: chrono_tz::Tz,
    group: ChartGroup,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    // The cases are counted by id, and the few groups named afterwards: a
    // name looked up per case took 2.3 s over 127,000 resolved cases.
    let (keys, names, label, color) = match group {
        ChartGroup::Status => (
            "c.status_reason_id",
            " join status_reasons st on st.id = g.status_reason_id",
            "catalog_name(st.name, st.names)",
            "'#0b5cad'",
        ),
        ChartGroup::Priority => (
            "c.priority_id",
            " join priorities pr on pr.id = g.priority_id",
            "catalog_name(pr.name, pr.names)",
            "min(pr.color)",
        ),
        ChartGroup::Owner => (
            "c.owner_user_id, c.owner_team_id",
            " left join users ou on ou.id = g.owner_user_id left join teams ot on ot.id = g.owner_team_id",
            "coalesce(ou.name, catalog_name(ot.name, ot.names), '')",
            "'#5b6676'",
        ),
    };
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "select {label} as label, {color} as color, sum(g.total)::bigint as total
           from (select {keys}, count(*) as total from cases c where true"
    ));
    push_conditions(&mut sql, spec, me, tz);
    sql.push(format!(
        " group by {keys}) g{names} group by 1 order by 3 desc, 1 limit 20"
    ));
    sql.build_query_as().fetch_all(tx).await
}

/// KPI instances by status, over active cases and cases closed since
/// `closed_since`, for the supervisors' compliance panel.
pub async fn compliance_counts(
    tx: &mut PgConnection,
    closed_since: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "select i.status, count(*) as total
           from kpi_refs i
           join cases c on c.id = i.case_id
          where c.state = 'active' or coalesce(c.resolved_at, c.cancelled_at) >= $1
          group by i.status",
    )
    .bind(closed_since)
    .fetch_all(tx)
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartGroup {
    Status,
    Priority,
    Owner,
}

impl ChartGroup {
    pub const ALL: [ChartGroup; 3] = [ChartGroup::Status, ChartGroup::Priority, ChartGroup::Owner];

    pub fn parse(text: &str) -> Option<ChartGroup> {
        ChartGroup::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChartGroup::Status => "status",
            ChartGroup::Priority => "priority",
            ChartGroup::Owner => "owner",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ChartGroup::Status => "chart-by-status",
            ChartGroup::Priority => "chart-by-priority",
            ChartGroup::Owner => "chart-by-owner",
        }
    }
}

/// A customer's cases for the customer page and the case form: open first,
/// newest first.
pub async fn customer_cases(
    tx: &mut PgConnection,
    names: &CaseNames,
    customer: Uuid,
    limit: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(ROW_SELECT);
    push_from(&mut sql);
    sql.push(" and c.customer_id = ").push_bind(customer);
    sql.push(" order by (c.state = 'active') desc, c.opened_at desc limit ")
        .push_bind(limit);
    fetch_rows(tx, sql, names).await
}

/// Total and billable minutes worked for a customer, over all its cases.
pub async fn customer_time(
    tx: &mut PgConnection,
    customer: Uuid,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"select coalesce(sum(worked_minutes), 0)::bigint as "worked!", coalesce(sum(billable_minutes), 0)::bigint as "billable!"
             from cases where customer_id = $1"#,
        customer
    )
    .fetch_one(tx)
    .await?;
    Ok((row.worked, row.billable))
}

/// How many active cases draw on the entitlement.
pub async fn active_count_for_entitlement(
    tx: &mut PgConnection,
    entitlement: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from cases where entitlement_id = $1 and state = 'active'")
        .bind(entitlement)
        .fetch_one(tx)
        .await
}

/// How many active cases the customer has (as the case's customer).
pub async fn active_count_for_customer(
    tx: &mut PgConnection,
    customer: Uuid,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from cases where customer_id = $1 and state = 'active'")
        .bind(customer)
        .fetch_one(tx)
        .await
}

/// Cases listed by id (children, merged cases), in number order.
pub async fn rows_where(
    tx: &mut PgConnection,
    names: &CaseNames,
    column: Relation,
    case: Uuid,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(ROW_SELECT);
    push_from(&mut sql);
    sql.push(match column {
        Relation::Children => " and c.parent_case_id = ",
        Relation::Merged => " and c.merged_into_id = ",
        Relation::RelatedTo => " and c.related_case_id = ",
    });
    sql.push_bind(case).push(" order by c.number");
    fetch_rows(tx, sql, names).await
}

#[derive(Debug, Clone, Copy)]
pub enum Relation {
    Children,
    Merged,
    RelatedTo,
}

/// Active cases of a customer other than `except`, to merge with or attach.
pub async fn active_of_customer(
    tx: &mut PgConnection,
    names: &CaseNames,
    customer: Uuid,
    except: Uuid,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(ROW_SELECT);
    push_from(&mut sql);
    sql.push(" and c.customer_id = ").push_bind(customer);
    sql.push(" and c.state = 'active' and c.merged_into_id is null and c.id <> ")
        .push_bind(except);
    sql.push(" order by c.number desc limit 50");
    fetch_rows(tx, sql, names).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_without_a_running_deadline_sort_after_every_real_one() {
        assert_eq!(
            NO_DEADLINE.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "2200-01-01T00:00:00Z"
        );
        assert!(sort_expression(Sort::Deadline).contains("'2200-01-01T00:00:00Z'"));
        assert!(NEVER < NO_DEADLINE);
    }

    #[test]
    fn the_deadline_sort_is_the_expression_the_active_cases_are_indexed_by() {
        let index = include_str!("../../../migrations/0019_active_cases_by_deadline.sql");
        let sort = sort_expression(Sort::Deadline).replace("c.", "");
        assert!(
            index.contains(&sort),
            "{sort} is not what migration 0019 indexes"
        );
    }
}
