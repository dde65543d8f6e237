//! The case views: filters, sort, keyset pages, quick search, bulk assign and
//! the chart of the current view.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::cases::command::Command;
use crate::cases::handlers::{find, run};
use crate::cases::model::{CaseNumber, Owner};
use crate::cases::store::{self, CaseRow, ChartGroup};
use crate::cases::views::{self, PAGE_SIZES, Sort, View, ViewQuery, ViewSpec};
use crate::catalog::model::{ListKind, TreeRow, subject_tree};
use crate::catalog::names::CaseNames;
use crate::catalog::store::{self as catalog, Choice};
use crate::core::lang::Lang;
use crate::error::Result;
use crate::queues::access::QueueAccess;
use crate::sla::working_left::WorkingLeft;
use crate::web::form::{self, Form, Query};
use crate::web::page::PageCtx;
use crate::web::session::{FlashKind, push_flash};

/// One bar of the chart, with its geometry worked out here so the SVG
/// template stays a plain drawing.
pub struct Bar {
    pub label: String,
    pub color: String,
    pub total: i64,
    pub y: i64,
    pub width: i64,
}

pub struct Chart {
    pub group: ChartGroup,
    pub bars: Vec<Bar>,
    pub height: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
pub struct CaseListPage {
    pub ctx: PageCtx,
    pub spec: ViewSpec,
    pub query: ViewQuery,
    pub rows: Vec<CaseRow>,
    /// The columns shown, in order (`views::columns`).
    pub columns: Vec<Sort>,
    /// Whether the user chose them (else they are the view's own).
    pub columns_chosen: bool,
    /// "1–25 de 980", "… de mais de 1.000" past the count's cap, or "1–25".
    pub range: Option<String>,
    pub previous_page: Option<String>,
    pub next_page: Option<String>,
    pub chart: Option<Chart>,
    /// KPI instances by status, for supervisors and admins only.
    pub compliance: bool,
    /// The request's "now", for the SLA column's first rendering.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Working time left of each row's running timer, by case.
    pub lefts: Vec<(Uuid, WorkingLeft)>,
    pub views: [View; 10],
    pub groups: [ChartGroup; 3],
    pub page_sizes: [i64; 3],
    pub statuses: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub subjects: Vec<TreeRow>,
    pub users: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub channels: Vec<Choice>,
    /// Where this list lives: `/cases`, `/queues` or `/queues/{id}`.
    pub base: String,
    /// The queue pages' tabs: my queues, then each queue the reader sees.
    pub queue_tabs: Vec<QueueTab>,
    /// The queues the reader may put the selected cases in.
    pub queues: Vec<QueueAccess>,
}

/// A tab of the queue pages, with its counts (kept by the queues, never
/// counted here).
pub struct QueueTab {
    pub href: String,
    pub name: String,
    pub items: i64,
    pub unassigned: i64,
    pub current: bool,
    pub private: bool,
}

impl CaseListPage {
    /// This view's URL with some parameters changed (and the cursor dropped:
    /// a new sort or filter starts from the first page).
    pub fn link(&self, changes: &[(&str, &str)]) -> String {
        let q = &self.query;
        // A queue page's path says its view.
        let view = if self.spec.view == View::Queued {
            ""
        } else {
            self.spec.view.as_str()
        };
        let current = [
            ("view", view),
            ("q", q.q.as_str()),
            ("status", q.status.as_str()),
            ("priority", q.priority.as_str()),
            ("subject", q.subject.as_str()),
            ("owner", q.owner.as_str()),
            ("team", q.team.as_str()),
            ("customer", q.customer.as_str()),
            ("channel", q.channel.as_str()),
            ("from", q.from.as_str()),
            ("to", q.to.as_str()),
            ("sort", q.sort.as_str()),
            ("dir", q.dir.as_str()),
            ("per", q.per.as_str()),
            ("chart", q.chart.as_str()),
            ("closed_from", q.closed_from.as_str()),
            ("closed_to", q.closed_to.as_str()),
            ("sla", q.sla.as_str()),
        ];
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (key, value) in current {
            let value = changes
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
                .unwrap_or(value);
            if !value.is_empty() {
                pairs.append_pair(key, value);
            }
        }
        for (key, value) in changes {
            if !current.iter().any(|(k, _)| k == key) && !value.is_empty() {
                pairs.append_pair(key, value);
            }
        }
        let query = pairs.finish();
        if query.is_empty() {
            self.base.clone()
        } else {
            format!("{}?{query}", self.base)
        }
    }

    /// The same view as a CSV file: every case of it, not just this page.
    pub fn export_link(&self) -> String {
        let link = self.link(&[]);
        let query = link.split_once('?').map_or("", |(_, q)| q);
        let mut export = format!("/cases/export.csv?{query}");
        if self.on_queue_page() {
            let queue = self.base.strip_prefix("/queues/").unwrap_or_default();
            export.push_str(&format!("&view=queued&queue={queue}"));
        }
        export
    }

    /// How long a queue item has waited, in working words ("3 h 20 min").
    pub fn waited(&self, row: &CaseRow) -> String {
        row.queued_at.map_or_else(String::new, |at| {
            crate::core::duration::format((self.now - at).num_minutes().max(0), self.ctx.lang)
        })
    }

    /// Whether rows can be selected: for assigning, or for a queue.
    pub fn can_select(&self) -> bool {
        self.can_assign() || !self.queues.is_empty()
    }

    /// The deactivated users' cases are the supervisors' to give away.
    pub fn offers_tab(&self, view: &View) -> bool {
        *view != View::Orphaned || self.can_assign()
    }

    pub fn on_queue_page(&self) -> bool {
        self.spec.view == View::Queued
    }

    /// The link a column header points to: sort by it, or flip the direction.
    pub fn sort_link(&self, sort: &Sort) -> String {
        let dir = if self.spec.sort == *sort && !self.spec.descending {
            "desc"
        } else if self.spec.sort == *sort {
            "asc"
        } else {
            ""
        };
        self.link(&[("sort", sort.as_str()), ("dir", dir)])
    }

    pub fn sortable(&self, sort: &Sort) -> bool {
        self.spec.view.offers(*sort)
    }

    pub fn sort_mark(&self, sort: &Sort) -> &'static str {
        match (self.spec.sort == *sort, self.spec.descending) {
            (false, _) => "",
            (true, true) => "▼",
            (true, false) => "▲",
        }
    }

    pub fn aria_sort(&self, sort: &Sort) -> &'static str {
        match (self.spec.sort == *sort, self.spec.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        }
    }

    pub fn chart_link(&self, group: &str) -> String {
        self.link(&[("chart", group)])
    }

    pub fn here(&self) -> String {
        self.link(&[])
    }

    pub fn shows(&self, column: &Sort) -> bool {
        self.columns.contains(column)
    }

    /// Every column but the number and title, which are always shown: the
    /// column chooser's boxes (a queue's place only on the queue pages).
    pub fn optional_columns(&self) -> impl Iterator<Item = Sort> {
        let view = self.spec.view;
        Sort::ALL
            .into_iter()
            .filter(move |c| !c.always_shown() && (*c != Sort::Queued || view == View::Queued))
    }

    /// Cells in a row: the columns and the selection box.
    pub fn width(&self) -> usize {
        self.columns.len() + usize::from(self.can_select())
    }

    /// The working time left of a row's running timer.
    pub fn left_of(&self, row: &CaseRow) -> WorkingLeft {
        self.lefts.iter().find(|(id, _)| *id == row.id).map_or(
            WorkingLeft {
                seconds: 0,
                runs_for: 0,
            },
            |(_, left)| *left,
        )
    }

    pub fn can_assign(&self) -> bool {
        self.ctx.has_role("supervisor")
    }

    pub fn selected(&self, value: &str, id: &Uuid) -> bool {
        // Asked for every option of every filter: compared without allocating.
        value == id.hyphenated().encode_lower(&mut Uuid::encode_buffer())
    }
}

/// Cases counted for the pager's total; past it the pager says "more than".
/// Counting is reading the view's index entries: 1,000 of them take 0.2 ms
/// (100,000 cases, 15,000 active), 10,000 took 2 to 8 ms, more than the
/// page itself, on every request of the busiest list.
pub const COUNT_CAP: i64 = 1_000;

pub async fn list_cases(s: SignedIn, Query(query): Query<ViewQuery>) -> Result<CaseListPage> {
    let spec = ViewSpec::parse(&query).at(s.now);
    view_page(s, query, spec, "/cases".to_owned(), Vec::new()).await
}

/// A view of cases (a tab of `/cases`, or a queue page): its page of rows,
/// the pager, the chart and what the filters offer.
pub async fn view_page(
    mut s: SignedIn,
    query: ViewQuery,
    spec: ViewSpec,
    base: String,
    queue_tabs: Vec<QueueTab>,
) -> Result<CaseListPage> {
    let supervises = s.page.has_role("supervisor");
    let book = s.lists.queues(&mut s.tx).await?;
    let mut spec = spec.hiding(book.hidden_from(s.user.id, supervises));
    let queues = book.open_to(s.user.id, supervises);
    let names = s.lists.case_names(&mut s.tx).await?;
    let page = read_page(&mut s, &names, &mut spec).await?;
    // A text search is not counted: its matches are found through the
    // title index as a whole (40 to 70 ms for a common word over 100,000
    // cases), where its page walks the view's order and stops at 26.
    let total = if spec.searches_text() {
        None
    } else {
        Some(store::count_capped(&mut s.tx, &spec, s.user.id, s.page.tz, COUNT_CAP).await?)
    };
    let chosen = store::chosen_columns(&mut s.tx, s.user.id, spec.view.as_str()).await?;
    let chart = match ChartGroup::parse(&query.chart) {
        Some(group) => Some(chart(
            store::chart(&mut s.tx, &spec, s.user.id, s.page.tz, group).await?,
            group,
        )),
        None => None,
    };
    let lefts = working_left(&mut s, &page.rows).await?;
    let mut list = CaseListPage {
        statuses: s
            .lists
            .statuses(
                &mut s.tx,
                match spec.view {
                    View::Resolved => "resolved",
                    View::Cancelled => "cancelled",
                    _ => "active",
                },
            )
            .await?,
        priorities: s.lists.choices(&mut s.tx, ListKind::Priorities).await?,
        subjects: subject_tree(&s.lists.subjects(&mut s.tx).await?),
        users: s.lists.users(&mut s.tx).await?,
        teams: s.lists.teams(&mut s.tx).await?,
        channels: s.lists.choices(&mut s.tx, ListKind::Channels).await?,
        ctx: s.page.clone(),
        columns: views::columns(spec.view, chosen.as_deref()),
        columns_chosen: chosen.is_some(),
        range: None,
        previous_page: None,
        next_page: None,
        spec,
        query,
        rows: page.rows,
        chart,
        // Counted apart (`compliance`): every KPI instance of the active
        // cases and of a month's closed ones is too many to hold the list for.
        compliance: s.page.has_role("supervisor"),
        now: s.now,
        lefts,
        views: View::ALL,
        groups: ChartGroup::ALL,
        page_sizes: PAGE_SIZES,
        base,
        queue_tabs,
        queues,
    };
    s.tx.finish_reading();
    let shown = list.rows.len() as i64;
    // Positions travel in the links; the last page of a view counted in
    // full ends at its total, whatever drift the links carried.
    let mut first = list.spec.start;
    if let Some(total) = total.filter(|t| *t <= COUNT_CAP)
        && !page.has_next
        && shown > 0
    {
        first = (total - shown + 1).max(1);
    }
    if shown > 0 {
        list.range = Some(range_text(list.ctx.lang, first, first + shown - 1, total));
    }
    let per_page = list.spec.per_page;
    if page.has_previous
        && let Some(row) = list.rows.first()
    {
        list.previous_page = Some(if first - per_page <= 1 {
            list.link(&[])
        } else {
            let cursor = row.cursor(&list.spec).encode();
            let start = (first - per_page).to_string();
            list.link(&[("before", &cursor), ("start", &start)])
        });
    }
    if page.has_next
        && let Some(row) = list.rows.last()
    {
        let cursor = row.cursor(&list.spec).encode();
        let start = (first + shown).to_string();
        list.next_page = Some(list.link(&[("after", &cursor), ("start", &start)]));
    }
    Ok(list)
}

/// "1–25 de 980", "1–25 de mais de 1.000" when the count stopped at its
/// cap, or just "1–25" when the view was not counted.
pub fn range_text(lang: Lang, from: i64, to: i64, total: Option<i64>) -> String {
    let mut args = vec![("from", lang.number(from)), ("to", lang.number(to))];
    let key = match total {
        None => "cases-range-uncounted",
        Some(total) if total > COUNT_CAP => "cases-range-more-than",
        Some(_) => "cases-range",
    };
    if let Some(total) = total {
        args.push(("total", lang.number(total.min(COUNT_CAP))));
    }
    lang.t_args(key, &args)
}

struct Page {
    rows: Vec<CaseRow>,
    has_previous: bool,
    has_next: bool,
}

/// One page of the view: after the `after` cursor, before the `before`
/// cursor (read backwards, then turned round), or the first. A page read
/// backwards that reaches the view's start is the first page, read again
/// as such, so it is full and starts at 1.
async fn read_page(s: &mut SignedIn, names: &CaseNames, spec: &mut ViewSpec) -> Result<Page> {
    let per_page = spec.per_page as usize;
    if spec.before.is_some() {
        let mut rows =
            store::list(&mut s.tx, names, &spec.backwards(), s.user.id, s.page.tz).await?;
        if rows.len() > per_page {
            rows.truncate(per_page);
            rows.reverse();
            spec.start = spec.start.max(2);
            return Ok(Page {
                rows,
                has_previous: true,
                has_next: true,
            });
        }
        spec.before = None;
        spec.start = 1;
    }
    let mut rows = store::list(&mut s.tx, names, spec, s.user.id, s.page.tz).await?;
    let has_next = rows.len() > per_page;
    rows.truncate(per_page);
    if spec.after.is_some() {
        spec.start = spec.start.max(2);
    }
    Ok(Page {
        rows,
        has_previous: spec.after.is_some(),
        has_next,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ColumnChoice {
    view: String,
    col: Vec<String>,
    next: String,
    /// Back to the view's own columns.
    reset: String,
}

/// Keeps the columns a user ticked for a view, for every later visit.
pub async fn choose_columns(mut s: SignedIn, Form(input): Form<ColumnChoice>) -> Result<Response> {
    let view = View::parse(&input.view);
    if input.reset.is_empty() {
        let chosen: Vec<&str> = Sort::ALL
            .into_iter()
            .filter(|c| !c.always_shown() && input.col.iter().any(|v| v == c.as_str()))
            .map(Sort::as_str)
            .collect();
        store::choose_columns(&mut s.tx, s.user.id, view.as_str(), &chosen).await?;
    } else {
        store::forget_columns(&mut s.tx, s.user.id, view.as_str()).await?;
    }
    s.tx.commit().await?;
    let back = crate::auth::model::safe_next(&input.next)
        .filter(|next| next.starts_with("/cases") || next.starts_with("/queues"))
        .unwrap_or_else(|| format!("/cases?view={}", view.as_str()));
    Ok(Redirect::to(&back).into_response())
}

/// Each running timer's working time left, in its SLA's calendar (the SLA
/// book is cached per catalog version).
async fn working_left(s: &mut SignedIn, rows: &[CaseRow]) -> Result<Vec<(Uuid, WorkingLeft)>> {
    if rows.iter().all(|r| r.sla.deadline.is_none()) {
        return Ok(Vec::new());
    }
    let book = crate::sla::store::book(&mut s.tx, Some(&s.lists)).await?;
    let fallback = crate::cases::handlers::show::around_the_clock();
    Ok(rows
        .iter()
        .filter_map(|row| {
            let deadline = row.sla.deadline?;
            let calendar = row
                .sla_id
                .and_then(|id| book.by_id.get(&id))
                .map_or(&fallback, |sla| &sla.calendar);
            Some((row.id, WorkingLeft::running(calendar, s.now, deadline)))
        })
        .collect())
}

const BAR_HEIGHT: i64 = 28;
const BAR_WIDTH: i64 = 420;

fn chart(groups: Vec<(String, String, i64)>, group: ChartGroup) -> Chart {
    let max = groups.iter().map(|(_, _, n)| *n).max().unwrap_or(1).max(1);
    let bars: Vec<Bar> = groups
        .into_iter()
        .enumerate()
        .map(|(i, (label, color, total))| Bar {
            label,
            color,
            total,
            y: i as i64 * BAR_HEIGHT,
            width: (total * BAR_WIDTH / max).max(2),
        })
        .collect();
    Chart {
        group,
        height: (bars.len() as i64 * BAR_HEIGHT).max(BAR_HEIGHT),
        bars,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BulkAssign {
    cases: Vec<String>,
    owner: String,
    next: String,
}

/// Supervisors select cases in a view and give them to a user or a team.
pub async fn assign_cases(mut s: SignedIn<Supervisor>, body: Bytes) -> Result<Response> {
    let input: BulkAssign = form::parse(&body).unwrap_or_default();
    let back = crate::auth::model::safe_next(&input.next).unwrap_or_else(|| "/cases".to_owned());
    let numbers: Vec<CaseNumber> = input
        .cases
        .iter()
        .filter_map(|n| CaseNumber::parse(n))
        .take(100)
        .collect();
    if numbers.is_empty() {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("assign-choose-cases"),
        )
        .await;
        return Ok(Redirect::to(&back).into_response());
    }
    let owner = match Owner::parse(&input.owner) {
        Ok(owner) if owner != Owner::Nobody => owner,
        _ => {
            push_flash(
                &s.session,
                FlashKind::Error,
                s.page.t("assign-choose-owner"),
            )
            .await;
            return Ok(Redirect::to(&back).into_response());
        }
    };
    let owner_name = match owner {
        Owner::User(id) => crate::users::store::find(&mut s.tx, id)
            .await?
            .filter(|u| u.active)
            .map(|u| u.name),
        Owner::Team(id) => catalog::find_team(&mut s.tx, id)
            .await?
            .filter(|(_, active)| *active)
            .map(|(name, _)| name),
        Owner::Nobody => None,
    };
    let Some(owner_name) = owner_name else {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("assign-choose-owner"),
        )
        .await;
        return Ok(Redirect::to(&back).into_response());
    };
    let mut assigned = 0;
    for number in numbers {
        let Some(case) = find(&mut s, number).await? else {
            continue;
        };
        if !case.is_active() || case.owner() == owner {
            continue;
        }
        store::lock(&mut s.tx, case.id).await?;
        let Some(case) = find(&mut s, case.id).await? else {
            continue;
        };
        if run(
            &mut s,
            &case,
            Command::Assign {
                owner,
                name: owner_name.clone(),
            },
        )
        .await?
        .is_err()
        {
            continue;
        }
        assigned += 1;
    }
    s.tx.commit().await?;
    // Every chosen case may already be the owner's, or closed meanwhile.
    let kind = if assigned == 0 {
        FlashKind::Info
    } else {
        FlashKind::Success
    };
    push_flash(
        &s.session,
        kind,
        s.page.t1("assign-done", "count", assigned),
    )
    .await;
    Ok(Redirect::to(&back).into_response())
}

/// The column label of a sort.
pub fn sort_key(sort: &Sort) -> &'static str {
    match sort {
        Sort::Number => "field-number-case",
        Sort::Title => "field-title",
        Sort::Customer => "field-customer",
        Sort::Priority => "field-priority",
        Sort::Status => "field-status-reason",
        Sort::Owner => "field-owner",
        Sort::Deadline => "sla-case-column",
        Sort::Opened => "field-opened-at",
        Sort::Updated => "field-updated-at",
        Sort::Resolved => "field-resolved-at",
        Sort::Queued => "field-queued-for",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_counts_in_the_languages_numbers_and_says_more_than_past_the_cap() {
        assert_eq!(
            range_text(Lang::PtBr, 1, 25, Some(14_980)),
            "1–25 de mais de 1.000"
        );
        assert_eq!(range_text(Lang::PtBr, 26, 50, Some(980)), "26–50 de 980");
        assert_eq!(range_text(Lang::En, 1, 25, Some(1_000)), "1–25 of 1,000");
        assert_eq!(
            range_text(Lang::Gl, 1, 25, Some(1_001)),
            "1–25 de máis de 1.000"
        );
        assert_eq!(range_text(Lang::En, 1_001, 1_025, None), "1,001–1,025");
    }
}
