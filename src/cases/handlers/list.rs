//! The case views: filters, sort, keyset pages, quick search, bulk assign and
//! the chart of the current view.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::cases::handlers::find;
use crate::cases::model::{CaseNumber, Owner};
use crate::cases::store::{self, CaseRow, ChartGroup, EventKind, NewEvent};
use crate::cases::views::{PAGE_SIZES, Sort, View, ViewQuery, ViewSpec};
use crate::catalog::model::{ListKind, TreeRow, subject_tree};
use crate::catalog::store::{self as catalog, Choice};
use crate::error::Result;
use crate::notifications;
use crate::sla::working_left::WorkingLeft;
use crate::web::form::{self, Query};
use crate::web::page::PageCtx;
use crate::web::session::{FlashKind, push_flash};
use crate::web::signed_in::{SignedIn, Supervisor};

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
    pub next_page: Option<String>,
    pub chart: Option<Chart>,
    /// KPI instances by status, for supervisors and admins only.
    pub compliance: bool,
    /// The request's "now", for the SLA column's first rendering.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Working time left of each row's running timer, by case.
    pub lefts: Vec<(Uuid, WorkingLeft)>,
    pub views: [View; 8],
    pub sorts: [Sort; 10],
    pub groups: [ChartGroup; 3],
    pub page_sizes: [i64; 3],
    pub statuses: Vec<Choice>,
    pub priorities: Vec<Choice>,
    pub subjects: Vec<TreeRow>,
    pub users: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub channels: Vec<Choice>,
}

impl CaseListPage {
    /// This view's URL with some parameters changed (and the cursor dropped:
    /// a new sort or filter starts from the first page).
    pub fn link(&self, changes: &[(&str, &str)]) -> String {
        let q = &self.query;
        let current = [
            ("view", self.spec.view.as_str()),
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
        format!("/cases?{}", pairs.finish())
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

pub async fn list_cases(mut s: SignedIn, Query(query): Query<ViewQuery>) -> Result<CaseListPage> {
    let spec = ViewSpec::parse(&query).at(s.now);
    let names = s.lists.case_names(&mut s.tx).await?;
    let mut rows = store::list(&mut s.tx, &names, &spec, s.user.id, s.page.tz).await?;
    let has_more = rows.len() as i64 > spec.per_page;
    rows.truncate(spec.per_page as usize);
    let chart = match ChartGroup::parse(&query.chart) {
        Some(group) => Some(chart(
            store::chart(&mut s.tx, &spec, s.user.id, s.page.tz, group).await?,
            group,
        )),
        None => None,
    };
    let lefts = working_left(&mut s, &rows).await?;
    let mut page = CaseListPage {
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
        spec,
        query,
        rows,
        next_page: None,
        chart,
        // Counted apart (`compliance`): every KPI instance of the active
        // cases and of a month's closed ones is too many to hold the list for.
        compliance: s.page.has_role("supervisor"),
        now: s.now,
        lefts,
        views: View::ALL,
        sorts: Sort::ALL,
        groups: ChartGroup::ALL,
        page_sizes: PAGE_SIZES,
    };
    s.tx.finish_reading();
    if has_more && let Some(last) = page.rows.last() {
        let cursor = last.cursor(&page.spec).encode();
        page.next_page = Some(page.link(&[("after", &cursor)]));
    }
    Ok(page)
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
    let owner_ok = match owner {
        Owner::User(id) => crate::users::store::find(&mut s.tx, id)
            .await?
            .is_some_and(|u| u.active),
        Owner::Team(id) => catalog::find_team(&mut s.tx, id)
            .await?
            .is_some_and(|(_, active)| active),
        Owner::Nobody => false,
    };
    if !owner_ok {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("assign-choose-owner"),
        )
        .await;
        return Ok(Redirect::to(&back).into_response());
    }
    let mut assigned = 0;
    for number in numbers {
        let Some(case) = find(&mut s, number).await? else {
            continue;
        };
        if !case.is_active() || case.owner() == owner {
            continue;
        }
        store::lock(&mut s.tx, case.id).await?;
        store::set_owner(&mut s.tx, case.id, owner).await?;
        store::touch(&mut s.tx, case.id, s.user.id, s.now).await?;
        let after = find(&mut s, case.id).await?;
        let new_owner = after
            .as_ref()
            .and_then(|a| {
                a.owner_user_name
                    .clone()
                    .or_else(|| a.owner_team_name.clone())
            })
            .unwrap_or_default();
        let old_owner = case
            .owner_user_name
            .clone()
            .or_else(|| case.owner_team_name.clone())
            .unwrap_or_default();
        store::add_event(
            &mut s.tx,
            NewEvent {
                case_id: case.id,
                at: s.now,
                actor: Some(s.user.id),
                kind: EventKind::Assignment,
                body: "",
                is_public: false,
                data: json!({ "field": "field-owner", "old": old_owner, "new": new_owner }),
            },
        )
        .await?;
        if let Owner::User(user) = owner {
            notifications::store::notify(
                &mut s.tx,
                &[user],
                Some(case.id),
                notifications::Kind::Assigned,
                s.user.id,
                s.now,
            )
            .await?;
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
    }
}
