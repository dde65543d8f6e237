//! Routing a case by the workspace's rules: "Aplicar regra de roteamento"
//! on a case or on the cases selected in a view, "Salvar e encaminhar" on
//! the case form, and new cases of the channels the active set names. The
//! rules decide (`routing::engine`); the move is a case command.

use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::cases::command::{Applied, Command, Named, RoutedTo};
use crate::cases::handlers::actions::refuse;
use crate::cases::handlers::{case_path, find, load, run};
use crate::cases::model::{CaseNumber, Refusal};
use crate::cases::store::{self, CaseRecord};
use crate::error::{Result, not_found};
use crate::routing::condition::CaseFacts;
use crate::routing::engine::{self, Routed};
use crate::routing::model::Target;
use crate::web::form;
use crate::web::page::PageCtx;
use crate::web::session::{FlashKind, push_flash};

/// What routing did to one case.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A rule routed it (its name).
    Routed(String),
    /// No rule of the active set matched: it stays where it is.
    NoMatch,
    /// The workspace has no active rule set.
    NoRules,
    /// Closed, or not the actor's to move.
    Refused(Refusal),
}

/// The case as the rules read it.
async fn facts_of(s: &mut SignedIn, case: &CaseRecord) -> Result<CaseFacts> {
    Ok(CaseFacts {
        channel: case.channel_id,
        subject: case.subject_id,
        product: case.product_id,
        priority: Some(case.priority_id),
        service_level: store::service_level_of(&mut s.tx, case.customer_id).await?,
        customer: Some(case.customer_id),
        request_type: case.request_type_id,
        reason: case.reason_id,
        unit: case.unit_id,
        title: case.title.clone(),
    })
}

fn routed_to(routed: Routed) -> RoutedTo {
    let target = Named {
        id: routed.target.id(),
        name: routed.target_name,
    };
    let assignee = routed.assignee.map(|(id, name)| Named { id, name });
    match routed.target {
        Target::Queue(_) => RoutedTo {
            rule: routed.rule,
            queue: Some(target),
            team: None,
            user: assignee,
        },
        Target::Team(_) => RoutedTo {
            rule: routed.rule,
            queue: None,
            team: Some(target),
            user: assignee,
        },
        Target::User(_) => RoutedTo {
            rule: routed.rule,
            queue: None,
            team: None,
            user: Some(target),
        },
    }
}

/// Routes the case `id` (locked here) by the active rules.
pub async fn route(s: &mut SignedIn, id: Uuid) -> Result<Outcome> {
    let rules = s.lists.routing_rules(&mut s.tx).await?;
    if rules.set.is_none() {
        return Ok(Outcome::NoRules);
    }
    store::lock(&mut s.tx, id).await?;
    let case = find(s, id).await?.ok_or_else(not_found)?;
    let facts = facts_of(s, &case).await?;
    let decision = engine::decide(&mut s.tx, &rules, &facts).await?;
    let rule = decision.routed.as_ref().map(|r| r.rule.clone());
    let command = Command::ApplyRouting {
        routed: decision.routed.map(routed_to),
        skipped: decision.skipped,
    };
    Ok(match run(s, &case, command).await? {
        Err(refusal) => Outcome::Refused(refusal),
        Ok(Applied { .. }) => rule.map_or(Outcome::NoMatch, Outcome::Routed),
    })
}

/// What routing did, in words for the person.
pub fn message(page: &PageCtx, outcome: &Outcome) -> (FlashKind, String) {
    match outcome {
        Outcome::Routed(rule) => (FlashKind::Success, page.t1("routing-routed", "name", rule)),
        Outcome::NoMatch => (FlashKind::Info, page.t("routing-no-match")),
        Outcome::NoRules => (FlashKind::Info, page.t("routing-no-rules-active")),
        Outcome::Refused(refusal) => (FlashKind::Error, page.t(refusal.key())),
    }
}

pub async fn route_case(mut s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    let case = load(&mut s, &number).await?;
    let outcome = route(&mut s, case.id).await?;
    if let Outcome::Refused(refusal) = &outcome
        && *refusal == Refusal::NotAllowed
    {
        return Ok(refuse(&s, &case, refusal).await);
    }
    s.tx.commit().await?;
    let (kind, text) = message(&s.page, &outcome);
    push_flash(&s.session, kind, text).await;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Selected {
    cases: Vec<String>,
    next: String,
}

/// Cases one request routes at most.
pub const BULK_LIMIT: usize = 1000;

/// "Aplicar regra de roteamento" on the cases selected in a view.
pub async fn route_selected(s: SignedIn<Supervisor>, body: Bytes) -> Result<Response> {
    let mut s = s.as_agent();
    let input: Selected = form::parse(&body).unwrap_or_default();
    let back = crate::auth::model::safe_next(&input.next).unwrap_or_else(|| "/cases".to_owned());
    let numbers: Vec<CaseNumber> = input
        .cases
        .iter()
        .filter_map(|n| CaseNumber::parse(n))
        .take(BULK_LIMIT)
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
    let ids = store::ids_by_numbers(&mut s.tx, &numbers).await?;
    let mut routed = 0;
    let mut unmatched = 0;
    for id in ids {
        match route(&mut s, id).await? {
            Outcome::Routed(_) => routed += 1,
            Outcome::NoMatch => unmatched += 1,
            Outcome::NoRules => {
                let (kind, text) = message(&s.page, &Outcome::NoRules);
                push_flash(&s.session, kind, text).await;
                return Ok(Redirect::to(&back).into_response());
            }
            Outcome::Refused(_) => {}
        }
    }
    s.tx.commit().await?;
    let text = s.page.lang.t_args(
        "routing-routed-many",
        &[
            ("count", routed.to_string()),
            ("unmatched", unmatched.to_string()),
        ],
    );
    let kind = if routed == 0 {
        FlashKind::Info
    } else {
        FlashKind::Success
    };
    push_flash(&s.session, kind, text).await;
    Ok(Redirect::to(&back).into_response())
}
