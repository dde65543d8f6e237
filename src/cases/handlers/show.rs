//! The case page (summary with timeline, details, relationships,
//! activities) and its printable report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use serde::Deserialize;
use uuid::Uuid;

use crate::cases::handlers::form::ChosenCustomer;
use crate::cases::handlers::load;
use crate::cases::model::{ActivityForm, ActivityKind, format_minutes};
use crate::cases::store::{
    self, ActivityRow, AttachmentRow, CaseRecord, CaseRow, EventRow, Relation, TimelineFilter,
};
use crate::catalog::model::ListKind;
use crate::catalog::store::Choice;
use crate::customers::store as customers;
use crate::error::Result;
use crate::web::form::FieldErrors;
use crate::web::page::PageCtx;
use crate::web::signed_in::SignedIn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Summary,
    Details,
    Relationships,
    Activities,
}

impl Tab {
    pub const ALL: [Tab; 4] = [
        Tab::Summary,
        Tab::Details,
        Tab::Relationships,
        Tab::Activities,
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
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Tab::Summary => "tab-summary",
            Tab::Details => "tab-details",
            Tab::Relationships => "tab-relationships",
            Tab::Activities => "tab-activities",
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
    pub tabs: [Tab; 4],
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
}

impl CasePage {
    pub fn minutes(&self, minutes: &i32) -> String {
        format_minutes(*minutes)
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
    let case = load(&mut s.tx, &number).await?;
    let page = case_page(
        &mut s,
        case,
        Tab::parse(&q.tab),
        TimelineFilter::parse(&q.timeline),
    )
    .await?;
    s.tx.commit().await?;
    Ok(page)
}

pub async fn case_page(
    s: &mut SignedIn,
    case: CaseRecord,
    tab: Tab,
    filter: TimelineFilter,
) -> Result<CasePage> {
    let customer = customers::find(&mut s.tx, case.customer_id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let alerts = customers::current_alerts(&mut s.tx, case.customer_id, s.now).await?;
    // Each tab loads only what it shows: the case page is the most opened
    // page of the desk, and most cases on it are closed.
    let active = case.is_active();
    let summary = tab == Tab::Summary;
    let activities_tab = tab == Tab::Activities;
    let relationships = tab == Tab::Relationships;
    let family = if summary || activities_tab {
        store::with_merged(&mut s.tx, case.id).await?
    } else {
        Vec::new()
    };
    let assigns = active && s.page.has_role("supervisor");
    Ok(CasePage {
        timeline: when(summary, store::timeline(&mut s.tx, &family, filter, 200)).await?,
        activities: when(activities_tab, store::activities(&mut s.tx, &family)).await?,
        attachments: when(
            summary || activities_tab,
            store::attachments(&mut s.tx, &family),
        )
        .await?,
        children: when(
            relationships,
            store::rows_where(&mut s.tx, Relation::Children, case.id),
        )
        .await?,
        merged: when(
            relationships,
            store::rows_where(&mut s.tx, Relation::Merged, case.id),
        )
        .await?,
        related_here: when(
            relationships,
            store::rows_where(&mut s.tx, Relation::RelatedTo, case.id),
        )
        .await?,
        mergeable: when(
            relationships && active,
            store::active_of_customer(&mut s.tx, case.customer_id, case.id),
        )
        .await?,
        following: store::is_following(&mut s.tx, case.id, s.user.id).await?,
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
            row: customer.row,
            alerts,
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
}

impl PrintPage {
    pub fn minutes(&self, minutes: &i32) -> String {
        format_minutes(*minutes)
    }

    pub fn kind_key(&self, kind: &str) -> &'static str {
        ActivityKind::parse(kind)
            .map(ActivityKind::label_key)
            .unwrap_or("activity-task")
    }
}

pub async fn print_case(mut s: SignedIn, Path(number): Path<String>) -> Result<PrintPage> {
    let case = load(&mut s.tx, &number).await?;
    let family = store::with_merged(&mut s.tx, case.id).await?;
    let page = PrintPage {
        timeline: store::timeline(&mut s.tx, &family, TimelineFilter::All, 1000).await?,
        activities: store::activities(&mut s.tx, &family).await?,
        ctx: s.page.clone(),
        case,
    };
    s.tx.commit().await?;
    Ok(page)
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
        _ => "event-other",
    }
}

pub fn activity_key(kind: &str) -> &'static str {
    ActivityKind::parse(kind)
        .map(ActivityKind::label_key)
        .unwrap_or("activity-task")
}
