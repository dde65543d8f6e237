//! The queue pages: the items of my queues (`/queues`) and of one queue
//! (`/queues/{id}`), as a case view with the same filters, sorting, pages
//! and chart; tabs name each queue with its counts.

use axum::extract::Path;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::handlers::list::{CaseListPage, QueueTab, view_page};
use crate::cases::views::{View, ViewQuery, ViewSpec};
use crate::error::{Result, not_found};
use crate::queues::store::{self as queues, QueueRow};
use crate::web::form::{Query, parse_id};

pub async fn my_queues(mut s: SignedIn, Query(query): Query<ViewQuery>) -> Result<CaseListPage> {
    let visible = visible_queues(&mut s).await?;
    let ids = mine(&visible);
    let tabs = tabs(&visible, None);
    let spec = queue_spec(&query, ids, &s);
    view_page(s, query, spec, "/queues".to_owned(), tabs).await
}

pub async fn one_queue(
    mut s: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ViewQuery>,
) -> Result<CaseListPage> {
    let id = parse_id(&id)?;
    let visible = visible_queues(&mut s).await?;
    // A private queue is not there for whoever may not see its items.
    if !visible.iter().any(|q| q.id == id) {
        return Err(not_found());
    }
    let tabs = tabs(&visible, Some(id));
    let spec = queue_spec(&query, vec![id], &s);
    view_page(s, query, spec, format!("/queues/{id}"), tabs).await
}

/// Mine are those I am a member of; someone in none (a supervisor watching
/// every queue) has the items of all they may see.
fn mine(visible: &[QueueRow]) -> Vec<Uuid> {
    let mine: Vec<Uuid> = visible.iter().filter(|q| q.member).map(|q| q.id).collect();
    if mine.is_empty() {
        visible.iter().map(|q| q.id).collect()
    } else {
        mine
    }
}

/// The queues a queue view (or its export) names: one queue, if the reader
/// may see it (else 404), or the reader's own.
pub async fn queue_ids(s: &mut SignedIn, queue: &str) -> Result<Vec<Uuid>> {
    let visible = visible_queues(s).await?;
    if queue.trim().is_empty() {
        return Ok(mine(&visible));
    }
    let id = parse_id(queue.trim())?;
    if visible.iter().any(|q| q.id == id) {
        Ok(vec![id])
    } else {
        Err(not_found())
    }
}

async fn visible_queues(s: &mut SignedIn) -> Result<Vec<QueueRow>> {
    let supervises = s.page.has_role("supervisor");
    Ok(queues::visible(&mut s.tx, s.user.id, supervises).await?)
}

fn queue_spec(query: &ViewQuery, ids: Vec<Uuid>, s: &SignedIn) -> ViewSpec {
    let query = ViewQuery {
        view: View::Queued.as_str().to_owned(),
        ..query.clone()
    };
    let mut spec = ViewSpec::parse(&query).at(s.now);
    spec.queues = ids;
    spec
}

fn tabs(visible: &[QueueRow], current: Option<Uuid>) -> Vec<QueueTab> {
    let mine: Vec<&QueueRow> = visible.iter().filter(|q| q.member).collect();
    let counted = if mine.is_empty() {
        visible.iter().collect()
    } else {
        mine
    };
    let mut tabs = vec![QueueTab {
        href: "/queues".to_owned(),
        name: String::new(),
        items: counted.iter().map(|q| q.items).sum(),
        unassigned: counted.iter().map(|q| q.unassigned).sum(),
        current: current.is_none(),
        private: false,
    }];
    tabs.extend(visible.iter().map(|q| QueueTab {
        href: format!("/queues/{}", q.id),
        name: q.name.clone(),
        items: q.items,
        unassigned: q.unassigned,
        current: current == Some(q.id),
        private: q.is_private,
    }));
    tabs
}
