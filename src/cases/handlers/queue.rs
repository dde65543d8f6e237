//! Queue moves of one case from its page (add, pick, release, remove,
//! route to another queue) and of the cases selected in a view (add to a
//! queue). Each is a case command: on the timeline, the SLA clocks re-read.

use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::{Command, Named};
use crate::cases::handlers::actions::{load_locked, refuse};
use crate::cases::handlers::{case_path, find, load, run};
use crate::cases::model::CaseNumber;
use crate::cases::store;
use crate::error::Result;
use crate::web::form::{self, Form};
use crate::web::session::{FlashKind, push_flash};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueChoice {
    queue: String,
    /// "1" when "Escolher" also takes the case out of its queue.
    remove: String,
}

/// The active queue `text` names, if the signed-in user may use it.
async fn chosen_queue(s: &mut SignedIn, text: &str) -> Result<Option<Named>> {
    let Ok(id) = Uuid::parse_str(text.trim()) else {
        return Ok(None);
    };
    let supervises = s.page.has_role("supervisor");
    let book = s.lists.queues(&mut s.tx).await?;
    Ok(book
        .get(id)
        .filter(|q| q.active && q.visible_to(s.user.id, supervises))
        .map(|q| Named {
            id: q.id,
            name: q.name.clone(),
        }))
}

/// Puts `command` to the case of the page and goes back to it.
async fn move_case(mut s: SignedIn, number: &str, command: Command) -> Result<Response> {
    let case = load_locked(&mut s, number).await?;
    if let Err(refusal) = run(&mut s, &case, command).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

/// Refuses a queue that is not offered: the page's own choice, gone meanwhile.
async fn no_such_queue(s: &SignedIn, number: &str) -> Response {
    push_flash(&s.session, FlashKind::Error, s.page.t("queue-choose")).await;
    let path = CaseNumber::parse(number).map_or_else(|| "/cases".to_owned(), case_path);
    Redirect::to(&path).into_response()
}

pub async fn add_to_queue(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<QueueChoice>,
) -> Result<Response> {
    // Another workspace's case is not there, whatever queue is named.
    load(&mut s, &number).await?;
    match chosen_queue(&mut s, &input.queue).await? {
        Some(queue) => move_case(s, &number, Command::AddToQueue { queue }).await,
        None => Ok(no_such_queue(&s, &number).await),
    }
}

pub async fn route_to_queue(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<QueueChoice>,
) -> Result<Response> {
    load(&mut s, &number).await?;
    match chosen_queue(&mut s, &input.queue).await? {
        Some(queue) => move_case(s, &number, Command::RouteToQueue { queue }).await,
        None => Ok(no_such_queue(&s, &number).await),
    }
}

pub async fn pick(
    s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<QueueChoice>,
) -> Result<Response> {
    let remove = input.remove == "1";
    move_case(s, &number, Command::Pick { remove }).await
}

pub async fn release(s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    move_case(s, &number, Command::Release).await
}

pub async fn remove_from_queue(s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    move_case(s, &number, Command::RemoveFromQueue).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BulkQueue {
    cases: Vec<String>,
    queue: String,
    next: String,
}

/// Cases one request moves at most: a whole page of the largest size, and
/// then some for selections carried across pages.
pub const BULK_LIMIT: usize = 1000;

/// "Adicionar à fila" on the cases selected in a view.
pub async fn add_selected_to_queue(mut s: SignedIn, body: Bytes) -> Result<Response> {
    let input: BulkQueue = form::parse(&body).unwrap_or_default();
    let back = crate::auth::model::safe_next(&input.next).unwrap_or_else(|| "/cases".to_owned());
    let numbers: Vec<CaseNumber> = input
        .cases
        .iter()
        .filter_map(|n| CaseNumber::parse(n))
        .take(BULK_LIMIT)
        .collect();
    let fail = |key: &'static str| (FlashKind::Error, key);
    let problem = if numbers.is_empty() {
        Some(fail("assign-choose-cases"))
    } else {
        None
    };
    let queue = chosen_queue(&mut s, &input.queue).await?;
    let problem = problem.or_else(|| queue.is_none().then(|| fail("queue-choose")));
    if let Some((kind, key)) = problem {
        push_flash(&s.session, kind, s.page.t(key)).await;
        return Ok(Redirect::to(&back).into_response());
    }
    let queue = queue.unwrap_or_else(|| unreachable!("checked above"));
    let supervises = s.page.has_role("supervisor");
    let book = s.lists.queues(&mut s.tx).await?;
    let mut moved = 0;
    for number in numbers {
        let Some(case) = find(&mut s, number).await? else {
            continue;
        };
        if !case.is_active()
            || case.queue_id == Some(queue.id)
            || book.hides(case.queue_id, s.user.id, supervises)
        {
            continue;
        }
        store::lock(&mut s.tx, case.id).await?;
        let Some(case) = find(&mut s, case.id).await? else {
            continue;
        };
        let command = Command::AddToQueue {
            queue: queue.clone(),
        };
        if run(&mut s, &case, command).await?.is_ok() {
            moved += 1;
        }
    }
    s.tx.commit().await?;
    let kind = if moved == 0 {
        FlashKind::Info
    } else {
        FlashKind::Success
    };
    let message = s.page.lang.t_args(
        "queue-added-many",
        &[("count", moved.to_string()), ("queue", queue.name)],
    );
    push_flash(&s.session, kind, message).await;
    Ok(Redirect::to(&back).into_response())
}
