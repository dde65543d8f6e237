//! A customer's history and agenda: what happened on its cases (an
//! account's, with its contacts'), newest first, and what is scheduled on
//! them, soonest first. The customer page shows the first few of each; these
//! pages list them all, a page at a time. Private notes are shown, marked as
//! such: the pages are the workspace's own, never the customer's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum_htmx::HxRequest;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::model::ActivityKind;
use crate::cases::store::{self as cases, AgendaEntry, HistoryEntry, TimeCursor};
use crate::customers::store::{self, CustomerRow};
use crate::error::{Result, not_found};
use crate::web::form::{Query, parse_id};
use crate::web::page::PageCtx;

/// Entries of each list on the customer page.
pub const CARD_ROWS: i64 = 6;
/// Entries of a page of the full lists.
pub const PAGE_ROWS: i64 = 30;

/// The first entries of both lists, for the customer page. One more than
/// shown is read, to know whether to offer the rest.
pub struct Glance {
    pub history: Vec<HistoryEntry>,
    pub history_more: bool,
    pub agenda: Vec<AgendaEntry>,
    pub agenda_more: bool,
}

pub async fn glance(s: &mut SignedIn, customer: &CustomerRow) -> Result<Glance> {
    let ids = store::with_contacts(&mut s.tx, customer).await?;
    let mut history = cases::customer_history(&mut s.tx, &ids, None, CARD_ROWS + 1).await?;
    let mut agenda = cases::customer_agenda(&mut s.tx, &ids, s.now, None, CARD_ROWS + 1).await?;
    let history_more = trim(&mut history, CARD_ROWS);
    let agenda_more = trim(&mut agenda, CARD_ROWS);
    Ok(Glance {
        history,
        history_more,
        agenda,
        agenda_more,
    })
}

/// Keeps the first `rows`; whether there were more.
fn trim<T>(list: &mut Vec<T>, rows: i64) -> bool {
    let rows = usize::try_from(rows).unwrap_or(0);
    let more = list.len() > rows;
    list.truncate(rows);
    more
}

/// What an entry of the history is called: the kind of activity, or what
/// happened to the case.
pub fn entry_key(e: &HistoryEntry) -> &'static str {
    match (e.kind.as_str(), e.activity_kind.as_deref()) {
        ("activity", Some(kind)) => activity_key(kind),
        ("created", _) => "customer-history-opened",
        ("resolved", _) => "customer-history-resolved",
        ("cancelled", _) => "customer-history-cancelled",
        ("reactivated", _) => "customer-history-reactivated",
        ("activity", None) => "event-activity",
        ("note", _) => "event-note",
        _ => "event-other",
    }
}

pub fn activity_key(kind: &str) -> &'static str {
    ActivityKind::parse(kind)
        .map(ActivityKind::label_key)
        .unwrap_or("activity-task")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    /// The last entry shown, as "rfc3339|uuid": the page starts after it.
    after: String,
}

impl PageQuery {
    fn cursor(&self) -> Result<Option<TimeCursor>> {
        if self.after.is_empty() {
            return Ok(None);
        }
        // A cursor nobody could have been given is a bad link, not a page.
        TimeCursor::parse(&self.after)
            .map(Some)
            .ok_or_else(not_found)
    }
}

fn next_link(base: &str, cursor: Option<TimeCursor>) -> Option<String> {
    cursor.map(|c| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("after", &c.text())
            .finish();
        format!("{base}?{query}")
    })
}

async fn customer(s: &mut SignedIn, id: &str) -> Result<(CustomerRow, Vec<Uuid>)> {
    let row = store::find_row(&mut s.tx, parse_id(id)?)
        .await?
        .ok_or_else(not_found)?;
    let ids = store::with_contacts(&mut s.tx, &row).await?;
    Ok((row, ids))
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/history.html")]
pub struct HistoryPage {
    ctx: PageCtx,
    customer: CustomerRow,
    history: Vec<HistoryEntry>,
    next_page: Option<String>,
    /// The first page (the list's heading and help), or a page htmx appends.
    first: bool,
}

#[derive(Template)]
#[template(path = "customers/_history_page.html")]
pub struct HistoryItems<'a> {
    ctx: &'a PageCtx,
    history: &'a [HistoryEntry],
    next_page: &'a Option<String>,
}

pub async fn show_history(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let cursor = query.cursor()?;
    let (customer, ids) = customer(&mut s, &id).await?;
    let mut history = cases::customer_history(&mut s.tx, &ids, cursor, PAGE_ROWS + 1).await?;
    s.tx.commit().await?;
    let more = trim(&mut history, PAGE_ROWS);
    let base = format!("/customers/{}/history", customer.id);
    let page = HistoryPage {
        next_page: next_link(
            &base,
            more.then(|| history.last().map(HistoryEntry::cursor))
                .flatten(),
        ),
        ctx: s.page,
        customer,
        history,
        first: cursor.is_none(),
    };
    if htmx && !page.first {
        return fragment(HistoryItems {
            ctx: &page.ctx,
            history: &page.history,
            next_page: &page.next_page,
        });
    }
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/agenda.html")]
pub struct AgendaPage {
    ctx: PageCtx,
    customer: CustomerRow,
    agenda: Vec<AgendaEntry>,
    next_page: Option<String>,
    first: bool,
}

#[derive(Template)]
#[template(path = "customers/_agenda_page.html")]
pub struct AgendaItems<'a> {
    ctx: &'a PageCtx,
    agenda: &'a [AgendaEntry],
    next_page: &'a Option<String>,
}

pub async fn show_agenda(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let cursor = query.cursor()?;
    let (customer, ids) = customer(&mut s, &id).await?;
    let mut agenda = cases::customer_agenda(&mut s.tx, &ids, s.now, cursor, PAGE_ROWS + 1).await?;
    s.tx.commit().await?;
    let more = trim(&mut agenda, PAGE_ROWS);
    let base = format!("/customers/{}/agenda", customer.id);
    let page = AgendaPage {
        next_page: next_link(
            &base,
            more.then(|| agenda.last().map(AgendaEntry::cursor))
                .flatten(),
        ),
        ctx: s.page,
        customer,
        agenda,
        first: cursor.is_none(),
    };
    if htmx && !page.first {
        return fragment(AgendaItems {
            ctx: &page.ctx,
            agenda: &page.agenda,
            next_page: &page.next_page,
        });
    }
    Ok(page.into_response())
}

/// A further page for htmx: its entries and the link to the one after, to
/// take the place of the link that asked for them.
fn fragment(items: impl Template) -> Result<Response> {
    let html = items.render().map_err(anyhow::Error::from)?;
    Ok(axum::response::Html(html).into_response())
}
