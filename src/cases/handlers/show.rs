//! The case page (summary with timeline, details, relationships,
//! activities) and its printable report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::handlers::form::ChosenCustomer;
use crate::cases::handlers::load;
use crate::cases::model::{ActivityForm, ActivityKind, CaseNumber};
use crate::cases::store::{
    self, ActivityRow, AttachmentRow, CaseRecord, CaseRow, CaseSurroundings, EventRow, Relation,
    SlaChipRow, TimelineFilter,
};
use crate::catalog::model::ListKind;
use crate::catalog::store::Choice;
use crate::core::duration;
use crate::error::{Result, not_found};
use crate::queues::access::QueueAccess;
use crate::sla::calendar::Calendar;
use crate::sla::case_tab::{self, SlaHistoryRow, SlaInstance};
use crate::sla::model::{Kpi, KpiStatus};
use crate::sla::working_left::WorkingLeft;
use crate::web::form::{FieldErrors, Query};
use crate::web::page::PageCtx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Details,
    Relationships,
    Activities,
    Sla,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Summary,
        Tab::Details,
        Tab::Relationships,
        Tab::Activities,
        Tab::Sla,
    ];

    fn parse(text: &str) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .unwrap_or(Tab::Summary)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Summary => "summary",
            Tab::Details => "details",
            Tab::Relationships => "relationships",
            Tab::Activities => "activities",
            Tab::Sla => "sla",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Tab::Summary => "tab-summary",
            Tab::Details => "tab-details",
            Tab::Relationships => "tab-relationships",
            Tab::Activities => "tab-activities",
            Tab::Sla => "tab-sla",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    tab: String,
    timeline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/show.html")]
pub struct CasePage {
    pub ctx: PageCtx,
    pub case: CaseRecord,
    pub chosen_customer: ChosenCustomer,
    pub tab: Tab,
    pub tabs: [Tab; 5],
    /// The SLA timers of the header, on every tab.
    pub sla_chips: SlaChips,
    /// Every KPI instance with its history and pauses, on the SLA tab only.
    pub sla_instances: Vec<SlaInstance>,
    pub filter: TimelineFilter,
    pub filters: [TimelineFilter; 4],
    pub timeline: Vec<EventRow>,
    pub activities: Vec<ActivityRow>,
    pub attachments: Vec<AttachmentRow>,
    pub children: Vec<CaseRow>,
    pub merged: Vec<CaseRow>,
    pub related_here: Vec<CaseRow>,
    pub mergeable: Vec<CaseRow>,
    pub following: bool,
    pub priorities: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub users: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub activity_kinds: [ActivityKind; 6],
    pub activity_forms: Vec<Choice>,
    pub reasons: Vec<Choice>,
    /// The signed-in user, for "assigned to me" and ownership checks.
    pub me_id: Uuid,
    /// A refused note or activity comes back as typed, errors beside it.
    pub note_body: String,
    pub note_errors: FieldErrors,
    pub activity_input: ActivityForm,
    pub activity_errors: FieldErrors,
    /// The queues the reader may put the case in (an active case's only).
    pub queues: Vec<QueueAccess>,
}

impl CasePage {
    pub fn minutes(&self, minutes: &i32) -> String {
        duration::format(i64::from(*minutes), self.ctx.lang)
    }

    pub fn attachments_of(&self, event: &Uuid) -> Vec<&AttachmentRow> {
        self.attachments
            .iter()
            .filter(|a| a.event_id.as_ref() == Some(event))
            .collect()
    }

    pub fn is_mine(&self) -> bool {
        self.case.owner_user_id == Some(self.me_id)
    }

    pub fn kind_key(&self, kind: &str) -> &'static str {
        ActivityKind::parse(kind)
            .map(ActivityKind::label_key)
            .unwrap_or("activity-task")
    }

    pub fn tab_link(&self, tab: &Tab) -> String {
        format!("/cases/{}?tab={}", self.case.number(), tab.as_str())
    }
}

pub async fn show_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<CasePage> {
    let number = CaseNumber::parse(&number).ok_or_else(not_found)?;
    let tab = Tab::parse(&q.tab);
    let names = s.lists.case_names(&mut s.tx).await?;
    let (case, around) = store::find_with_surroundings(
        &mut s.tx,
        &names,
        number,
        s.user.id,
        s.now,
        shows_attachments(tab),
    )
    .await?
    .ok_or_else(not_found)?;
    if super::hidden(&mut s, case.queue_id).await? {
        return Err(not_found());
    }
    let page = page_of(
        &mut s,
        case,
        around,
        tab,
        TimelineFilter::parse(&q.timeline),
    )
    .await?;
    s.tx.finish_reading();
    Ok(page)
}

/// The summary lists the case's files, the activities tab those of its
/// activities.
fn shows_attachments(tab: Tab) -> bool {
    matches!(tab, Tab::Summary | Tab::Activities)
}

/// The case page of a case already read (a refused form shows it again).
pub async fn case_page(
    s: &mut SignedIn,
    case: CaseRecord,
    tab: Tab,
    filter: TimelineFilter,
) -> Result<CasePage> {
    let around = store::surroundings(
        &mut s.tx,
        case.id,
        case.customer_id,
        s.user.id,
        s.now,
        shows_attachments(tab),
    )
    .await?;
    page_of(s, case, around, tab, filter).await
}

async fn page_of(
    s: &mut SignedIn,
    case: CaseRecord,
    mut around: CaseSurroundings,
    tab: Tab,
    filter: TimelineFilter,
) -> Result<CasePage> {
    let customer = around.customer.take().ok_or_else(not_found)?;
    // Each tab loads only what it shows: the case page is the most opened
    // page of the desk, and most cases on it are closed.
    let active = case.is_active();
    let summary = tab == Tab::Summary;
    let activities_tab = tab == Tab::Activities;
    let relationships = tab == Tab::Relationships;
    let family = around.family(case.id);
    let assigns = active && s.page.has_role("supervisor");
    let sla_tab = tab == Tab::Sla;
    let queues = if active {
        let supervises = s.page.has_role("supervisor");
        s.lists
            .queues(&mut s.tx)
            .await?
            .open_to(s.user.id, supervises)
    } else {
        Vec::new()
    };
    let sla_chips = to_chips(s, around.sla_chips, case.number().to_string()).await?;
    let sla_instances = if sla_tab {
        case_tab::instances(&mut s.tx, case.id).await?
    } else {
        Vec::new()
    };
    let names = if relationships || summary {
        s.lists.case_names(&mut s.tx).await?
    } else {
        Default::default()
    };
    let mut timeline = when(summary, store::timeline(&mut s.tx, &family, filter, 200)).await?;
    for entry in &mut timeline {
        entry.localize(&names);
    }
    Ok(CasePage {
        sla_chips,
        sla_instances,
        timeline,
        activities: when(activities_tab, store::activities(&mut s.tx, &family)).await?,
        attachments: around.attachments,
        children: when(
            relationships,
            store::rows_where(&mut s.tx, &names, Relation::Children, case.id),
        )
        .await?,
        merged: when(
            relationships,
            store::rows_where(&mut s.tx, &names, Relation::Merged, case.id),
        )
        .await?,
        related_here: when(
            relationships,
            store::rows_where(&mut s.tx, &names, Relation::RelatedTo, case.id),
        )
        .await?,
        mergeable: when(
            relationships && active,
            store::active_of_customer(&mut s.tx, &names, case.customer_id, case.id),
        )
        .await?,
        following: around.following,
        priorities: when(
            summary && active,
            s.lists.choices(&mut s.tx, ListKind::Priorities),
        )
        .await?,
        statuses: when(summary && active, s.lists.statuses(&mut s.tx, "active")).await?,
        users: when(assigns, s.lists.users(&mut s.tx)).await?,
        teams: when(assigns, s.lists.teams(&mut s.tx)).await?,
        activity_kinds: ActivityKind::ALL,
        activity_forms: when(
            activities_tab && active,
            s.lists.choices(&mut s.tx, ListKind::ActivityForms),
        )
        .await?,
        reasons: when(activities_tab && active, s.lists.reasons(&mut s.tx)).await?,
        chosen_customer: ChosenCustomer {
            row: customer,
            alerts: around.alerts,
        },
        ctx: s.page.clone(),
        me_id: s.user.id,
        note_body: String::new(),
        note_errors: FieldErrors::default(),
        activity_input: ActivityForm {
            kind: "phone_call".into(),
            billable: "on".into(),
            date: s
                .now
                .with_timezone(&s.page.tz)
                .format("%Y-%m-%d")
                .to_string(),
            ..ActivityForm::default()
        },
        activity_errors: FieldErrors::default(),
        queues,
        case,
        tab,
        tabs: Tab::ALL,
        filter,
        filters: TimelineFilter::ALL,
    })
}

/// Runs a list query only when the page shows the list.
async fn when<T>(
    needed: bool,
    query: impl std::future::Future<Output = std::result::Result<Vec<T>, sqlx::Error>>,
) -> std::result::Result<Vec<T>, sqlx::Error> {
    if needed { query.await } else { Ok(Vec::new()) }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/print.html")]
pub struct PrintPage {
    pub ctx: PageCtx,
    pub case: CaseRecord,
    pub timeline: Vec<EventRow>,
    pub activities: Vec<ActivityRow>,
    /// Whether private notes are printed (marked as internal).
    pub with_internal: bool,
}

impl PrintPage {
    pub fn minutes(&self, minutes: &i32) -> String {
        duration::format(i64::from(*minutes), self.ctx.lang)
    }

    pub fn kind_key(&self, kind: &str) -> &'static str {
        ActivityKind::parse(kind)
            .map(ActivityKind::label_key)
            .unwrap_or("activity-task")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PrintQuery {
    /// "0" leaves private notes out, for a report the customer will read.
    internal: String,
}

pub async fn print_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Query(query): Query<PrintQuery>,
) -> Result<PrintPage> {
    let case = load(&mut s, &number).await?;
    let family = store::with_merged(&mut s.tx, case.id).await?;
    let names = s.lists.case_names(&mut s.tx).await?;
    let with_internal = query.internal != "0";
    let mut timeline = store::timeline(&mut s.tx, &family, TimelineFilter::All, 1000).await?;
    if !with_internal {
        timeline.retain(|e| !is_private_note(e));
    }
    for entry in &mut timeline {
        entry.localize(&names);
    }
    let page = PrintPage {
        with_internal,
        timeline,
        activities: store::activities(&mut s.tx, &family).await?,
        ctx: s.page.clone(),
        case,
    };
    s.tx.commit().await?;
    Ok(page)
}

/// A note only the workspace sees: the printed report marks it, or leaves it out.
pub fn is_private_note(e: &EventRow) -> bool {
    e.kind == "note" && !e.is_public
}

/// The label of a timeline entry's kind.
pub fn event_key(kind: &str) -> &'static str {
    match kind {
        "created" => "event-created",
        "note" => "event-note",
        "activity" => "event-activity",
        "status" => "event-status",
        "assignment" => "event-assignment",
        "forward" => "event-forward",
        "field" => "event-field",
        "resolved" => "event-resolved",
        "cancelled" => "event-cancelled",
        "reactivated" => "event-reactivated",
        "merged" => "event-merged",
        "child" => "event-child",
        "attachment" => "event-attachment",
        "execution" => "event-execution",
        "sla" => "event-sla",
        "entitlement" => "event-entitlement",
        "queue" => "event-queue",
        _ => "event-other",
    }
}

/// What a queue entry says happened: added, picked, released, removed
/// or routed.
pub fn queue_action_key(action: &str) -> &'static str {
    match action {
        "added" => "queue-event-added",
        "picked" => "queue-event-picked",
        "released" => "queue-event-released",
        "removed" => "queue-event-removed",
        "routed" => "queue-event-routed",
        "routed_by_rule" => "queue-event-routed-by-rule",
        "rule_skipped" => "queue-event-rule-skipped",
        _ => "event-queue",
    }
}

/// One side ("old" or "new") of an audited change, as the reader's page
/// shows it; "—" when the field was empty.
pub fn change_value(ctx: &PageCtx, e: &EventRow, side: &str) -> String {
    use crate::cases::audit::{Kept, kept_as};
    let value = e.text(side);
    if value.is_empty() {
        return "—".to_owned();
    }
    match kept_as(&e.text("field")) {
        Kept::Instant => DateTime::parse_from_rfc3339(&value)
            .map(|at| ctx.datetime(&at.with_timezone(&Utc)))
            .unwrap_or(value),
        Kept::Date => chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
            .map(|day| ctx.date(&day))
            .unwrap_or(value),
        Kept::Text => value,
    }
}

pub fn activity_key(kind: &str) -> &'static str {
    ActivityKind::parse(kind)
        .map(ActivityKind::label_key)
        .unwrap_or("activity-task")
}

// SLA timers ----------------------------------------------------------------

/// A timer's working time left, in words: "faltam 3 h 58 min úteis",
/// "vencido há 5 min úteis" (see `crate::sla::working_left`).
pub fn left_text(ctx: &PageCtx, left: &WorkingLeft) -> String {
    let key = if left.overdue() {
        "sla-case-working-overdue"
    } else {
        "sla-case-working-left"
    };
    ctx.t1(key, "time", left.span())
}

/// The same words with `{}` where the time goes, for static/app.js to
/// fill in as the count moves.
pub fn left_template(ctx: &PageCtx, overdue: bool) -> String {
    let key = if overdue {
        "sla-case-working-overdue"
    } else {
        "sla-case-working-left"
    };
    ctx.t1(key, "time", "{}")
}

/// A timer whose SLA is gone counts every minute.
pub fn around_the_clock() -> Calendar {
    Calendar {
        time_zone: chrono_tz::UTC,
        always_open: true,
        week: Default::default(),
        holidays: Vec::new(),
    }
}

/// Working minutes as "h:mm".
pub fn hours_minutes(minutes: i64) -> String {
    duration::clock(minutes)
}

/// An instant as the ticking script parses it.
pub fn deadline_attr(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One KPI of the case header.
#[derive(Debug, Clone)]
pub struct SlaChip {
    pub kpi: Kpi,
    pub status: KpiStatus,
    pub failure_at: DateTime<Utc>,
    /// When a closed instance ended (succeeded or cancelled).
    pub ended_at: Option<DateTime<Utc>>,
    /// Working time left, standing still while paused.
    pub left: WorkingLeft,
    /// Not yet ended: a breach runs on until the case answers or closes.
    pub running: bool,
}

impl SlaChip {
    pub fn is_open(&self) -> bool {
        self.running
    }

    pub fn is_paused(&self) -> bool {
        self.status == KpiStatus::Paused
    }

    pub fn tone(&self) -> &'static str {
        self.status.tone()
    }

    /// The KPI's name without "until", for a closed timer.
    pub fn short_key(&self) -> &'static str {
        self.kpi.name_key()
    }

    pub fn deadline(&self) -> String {
        deadline_attr(&self.failure_at)
    }
}

/// The header's timers, and the case they belong to (for the refresh link).
#[derive(Debug, Clone, Default)]
pub struct SlaChips {
    pub number: String,
    pub chips: Vec<SlaChip>,
}

impl SlaChips {
    /// Only running timers need the periodic refresh.
    pub fn any_open(&self) -> bool {
        self.chips.iter().any(SlaChip::is_open)
    }

    /// The timer of a KPI that has not ended, for the SLA tab.
    pub fn open_of(&self, kpi: &Kpi) -> Option<&SlaChip> {
        self.chips.iter().find(|c| c.kpi == *kpi && c.is_open())
    }
}

/// The case's KPI instances as the header shows them.
async fn to_chips<R: crate::auth::signed_in::MinRole>(
    s: &mut SignedIn<R>,
    rows: Vec<SlaChipRow>,
    number: String,
) -> Result<SlaChips> {
    // Working time is the calendar's; the SLA book is cached per catalog
    // version.
    let book = if rows.iter().any(|r| r.ended_at.is_none()) {
        Some(crate::sla::store::book(&mut s.tx, Some(&s.lists)).await?)
    } else {
        None
    };
    let fallback = around_the_clock();
    let now = s.now;
    let chips = rows
        .into_iter()
        .filter_map(|row| {
            let kpi = Kpi::parse(&row.kpi)?;
            let status = KpiStatus::parse(&row.status)?;
            let calendar = row
                .sla_id
                .and_then(|id| book.as_ref()?.by_id.get(&id))
                .map_or(&fallback, |sla| &sla.calendar);
            let left = match (status, row.paused_at) {
                (KpiStatus::Paused, Some(paused_at)) => {
                    WorkingLeft::paused(calendar, paused_at, row.failure_at)
                }
                _ if row.ended_at.is_none() => WorkingLeft::running(calendar, now, row.failure_at),
                _ => WorkingLeft {
                    seconds: 0,
                    runs_for: 0,
                },
            };
            Some(SlaChip {
                kpi,
                status,
                failure_at: row.failure_at,
                ended_at: row.succeeded_at.or(row.ended_at),
                running: row.ended_at.is_none(),
                left,
            })
        })
        .collect();
    Ok(SlaChips { number, chips })
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/_sla_chips.html")]
pub struct SlaChipsFragment {
    pub ctx: PageCtx,
    pub sla_chips: SlaChips,
}

/// The header's timers alone, for htmx to refresh them every minute.
pub async fn sla_chips_fragment(
    mut s: SignedIn,
    Path(number): Path<String>,
) -> Result<SlaChipsFragment> {
    let case = load(&mut s, &number).await?;
    let rows = store::sla_chip_rows(&mut s.tx, case.id).await?;
    let sla_chips = to_chips(&mut s, rows, case.number().to_string()).await?;
    s.tx.commit().await?;
    Ok(SlaChipsFragment {
        ctx: s.page.clone(),
        sla_chips,
    })
}

/// The step's own facts, in words: time paused or closed, the deadline
/// it had before a re-evaluation, whether it was met late. Ids are left
/// out: the item and the pause reason have their own columns.
pub fn sla_step_details(ctx: &PageCtx, step: &SlaHistoryRow) -> Vec<String> {
    let detail = &step.detail;
    let minutes = |key: &str| detail.get(key).and_then(serde_json::Value::as_i64);
    let flag = |key: &str| detail.get(key).and_then(serde_json::Value::as_bool) == Some(true);
    let mut parts = Vec::new();
    if let Some(m) = minutes("paused_minutes") {
        parts.push(format!(
            "{}: {}",
            ctx.t("sla-case-detail-paused-minutes"),
            hours_minutes(m)
        ));
    }
    if let Some(m) = minutes("closed_minutes") {
        parts.push(format!(
            "{}: {}",
            ctx.t("sla-case-detail-closed-minutes"),
            hours_minutes(m)
        ));
    }
    if let Some(before) = detail
        .get("failure_before")
        .and_then(serde_json::Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    {
        parts.push(format!(
            "{}: {}",
            ctx.t("sla-case-detail-failure-before"),
            ctx.datetime(&before.with_timezone(&Utc))
        ));
    }
    if flag("late") {
        parts.push(ctx.t("sla-case-detail-late"));
    }
    if flag("no_item_applies") {
        parts.push(ctx.t("sla-case-detail-no-item"));
    }
    parts
}

#[cfg(test)]
mod sla_tests {
    use super::*;

    #[test]
    fn working_minutes_read_as_hours_and_minutes() {
        assert_eq!(hours_minutes(65), "1:05");
        assert_eq!(hours_minutes(0), "0:00");
    }
}
