//! Relationships between cases: attaching an existing case as a child, and
//! merging duplicates of one customer into a primary case.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::cases::handlers::{case_path, find, load, sync_sla};
use crate::cases::model::{self, CaseNumber};
use crate::cases::store::{self, EventKind, NewEvent};
use crate::catalog::defaults::status;
use crate::error::Result;
use crate::web::form::Form;
use crate::web::session::{FlashKind, push_flash};
use crate::web::signed_in::SignedIn;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttachChildForm {
    child: String,
}

/// Makes an existing case a child of this one (never of itself or of its own
/// descendants).
pub async fn attach_child(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<AttachChildForm>,
) -> Result<Response> {
    let parent = load(&mut s, &number).await?;
    let back = format!("{}?tab=relationships", case_path(parent.number()));
    let child = match CaseNumber::parse(&input.child) {
        Some(n) => find(&mut s, n).await?,
        None => None,
    };
    let Some(child) = child else {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("error-case-not-found"),
        )
        .await;
        return Ok(Redirect::to(&back).into_response());
    };
    if child.id == parent.id || store::is_ancestor(&mut s.tx, child.id, parent.id).await? {
        push_flash(&s.session, FlashKind::Error, s.page.t("error-parent-loop")).await;
        return Ok(Redirect::to(&back).into_response());
    }
    store::lock(&mut s.tx, child.id).await?;
    store::set_parent(&mut s.tx, child.id, parent.id).await?;
    store::touch(&mut s.tx, child.id, s.user.id, s.now).await?;
    for (case_id, data) in [
        (parent.id, json!({ "child": child.number().to_string() })),
        (
            child.id,
            json!({ "field": "field-parent-case", "old": child.parent().map(|n| n.to_string()).unwrap_or_default(), "new": parent.number().to_string() }),
        ),
    ] {
        let kind = if case_id == parent.id {
            EventKind::Child
        } else {
            EventKind::Field
        };
        store::add_event(
            &mut s.tx,
            NewEvent {
                case_id,
                at: s.now,
                actor: Some(s.user.id),
                kind,
                body: "",
                is_public: false,
                data,
            },
        )
        .await?;
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    /// The other cases to merge with this one.
    cases: Vec<String>,
    /// The case that stays: this one or one of the others.
    primary: String,
}

/// Merges 2 to 10 active cases of one customer: the primary stays, the
/// others become Cancelled / Mesclado pointing at it, and their notes,
/// activities and attachments show on the primary's timeline.
pub async fn merge_cases(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<MergeForm>,
) -> Result<Response> {
    let this = load(&mut s, &number).await?;
    let back = format!("{}?tab=relationships", case_path(this.number()));
    let mut numbers: Vec<CaseNumber> = input
        .cases
        .iter()
        .filter_map(|n| CaseNumber::parse(n))
        .collect();
    numbers.push(this.number());
    numbers.sort();
    numbers.dedup();
    let mut cases = Vec::new();
    for n in &numbers {
        match find(&mut s, *n).await? {
            Some(case) => cases.push(case),
            None => {
                push_flash(
                    &s.session,
                    FlashKind::Error,
                    s.page.t("error-case-not-found"),
                )
                .await;
                return Ok(Redirect::to(&back).into_response());
            }
        }
    }
    // Lock in number order, so two merges of overlapping sets cannot deadlock.
    for case in &cases {
        store::lock(&mut s.tx, case.id).await?;
    }
    let mut fresh = Vec::new();
    for case in &cases {
        if let Some(current) = find(&mut s, case.id).await? {
            fresh.push(current);
        }
    }
    let primary_number = CaseNumber::parse(&input.primary).unwrap_or(this.number());
    let primary: Option<Uuid> = fresh
        .iter()
        .find(|c| c.number() == primary_number)
        .map(|c| c.id);
    let facts: Vec<_> = fresh
        .iter()
        .map(|c| (c.id, c.state(), c.merged_into_id.is_some(), c.customer_id))
        .collect();
    if let Err(key) = model::check_merge(&facts, primary.unwrap_or_default()) {
        push_flash(&s.session, FlashKind::Error, s.page.t(key)).await;
        return Ok(Redirect::to(&back).into_response());
    }
    let primary = primary.unwrap_or(this.id);
    let primary_case = fresh
        .iter()
        .find(|c| c.id == primary)
        .map(|c| c.number().to_string())
        .unwrap_or_default();
    let merged_status = s.lists.system_status(&mut s.tx, status::MERGED).await?;
    let mut merged = Vec::new();
    for case in fresh.iter().filter(|c| c.id != primary) {
        store::cancel(&mut s.tx, case.id, merged_status, s.now, Some(primary)).await?;
        crate::cases::handlers::actions::move_terms(
            &mut s,
            case.id,
            crate::entitlements::terms::CaseEvent::Cancelled,
        )
        .await?;
        sync_sla(&mut s, case.id).await?;
        store::touch(&mut s.tx, case.id, s.user.id, s.now).await?;
        store::add_event(
            &mut s.tx,
            NewEvent {
                case_id: case.id,
                at: s.now,
                actor: Some(s.user.id),
                kind: EventKind::Merged,
                body: "",
                is_public: false,
                data: json!({ "into": primary_case }),
            },
        )
        .await?;
        merged.push(case.number().to_string());
    }
    store::touch(&mut s.tx, primary, s.user.id, s.now).await?;
    store::add_event(
        &mut s.tx,
        NewEvent {
            case_id: primary,
            at: s.now,
            actor: Some(s.user.id),
            kind: EventKind::Merged,
            body: "",
            is_public: false,
            data: json!({ "cases": merged.join(", ") }),
        },
    )
    .await?;
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("merge-done", "cases", merged.join(", ")),
    )
    .await;
    Ok(Redirect::to(&format!("/cases/{primary_case}")).into_response())
}
