//! Notes (relatos) and activities on a case, each with an optional file.

use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::signed_in::SignedIn;
use crate::cases::handlers::attachments::store_file;
use crate::cases::handlers::show::{Tab, case_page};
use crate::cases::handlers::{case_path, find, load, sync_sla};
use crate::cases::model::{ActivityForm, ActivityInput, CaseNumber};
use crate::cases::store::{
    self, CaseKey, CaseRecord, EventKind, NewEvent, TimelineFilter, UserEntry,
};
use crate::catalog::model::optional_id;
use crate::core::duration;
use crate::error::{Result, not_found};
use crate::notifications;
use crate::web::form::{self, FieldErrors};
use crate::web::session::{FlashKind, push_flash};
use crate::web::upload;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    body: String,
    /// "public" or "private"
    visibility: String,
    notify: String,
    priority_id: String,
    status_reason_id: String,
}

/// A note (relato): public or private, optionally notifying the owner and
/// followers, optionally changing the priority or the status on the way.
pub async fn add_note(
    mut s: SignedIn,
    Path(number): Path<String>,
    request: Request,
) -> Result<Response> {
    let number = CaseNumber::parse(&number).ok_or_else(not_found)?;
    let (input, file) = match upload::read_request::<NoteForm>(request).await {
        Ok(read) => read,
        Err(refused) => {
            // A case of another workspace is not there, whatever is sent to it.
            store::id_by_number(&mut s.tx, number)
                .await?
                .ok_or_else(not_found)?;
            return Err(refused);
        }
    };
    let body = match form::multiline(&input.body, 50_000) {
        Ok(body) if !body.is_empty() => body,
        refused => {
            let key = refused.err().unwrap_or("error-required");
            let record = find(&mut s, number).await?.ok_or_else(not_found)?;
            return refuse(&mut s, record, &input.body, key).await;
        }
    };
    let asked_priority = optional_id(&input.priority_id).ok().flatten();
    let asked_status = optional_id(&input.status_reason_id).ok().flatten();
    // A plain note only appends, and finds its case as it writes. A change
    // is applied against the case as the lock leaves it, one agent's move
    // after the other's.
    let mut change = None;
    if asked_priority.is_some() || asked_status.is_some() {
        let id = store::id_by_number(&mut s.tx, number)
            .await?
            .ok_or_else(not_found)?;
        store::lock(&mut s.tx, id).await?;
        let locked = find(&mut s, id).await?.ok_or_else(not_found)?;
        let priority = asked_priority.filter(|p| *p != locked.priority_id);
        let status_reason = asked_status.filter(|p| *p != locked.status_reason_id);
        if priority.is_some() || status_reason.is_some() {
            if !locked.is_active() {
                return refuse(&mut s, locked, &input.body, "case-refused-not-active").await;
            }
            change = Some((locked, priority, status_reason));
        }
    }
    let is_public = input.visibility == "public";
    let written = store::add_user_event(
        &mut s.tx,
        CaseKey::Number(number),
        UserEntry {
            at: s.now,
            author: s.user.id,
            kind: EventKind::Note,
            body: &body,
            is_public,
            data: json!({ "notified": !input.notify.is_empty() }),
        },
    )
    .await?
    .ok_or_else(not_found)?;
    let case_id = written.case_id;
    // The first public reply answers the customer: a first-response timer
    // that counts it stops (unless the change below syncs the timers anyway).
    if is_public
        && store::set_first_public_reply(&mut s.tx, case_id, s.now).await?
        && change.is_none()
    {
        sync_sla(&mut s, case_id).await?;
    }
    if let Some(file) = file {
        store_file(&mut s, case_id, Some(written.event_id), None, file).await?;
    }
    if let Some((before, priority, status_reason)) = change {
        if let Some(priority) = priority {
            store::set_priority(&mut s.tx, case_id, priority).await?;
        }
        if let Some(status_reason) = status_reason {
            store::set_status(&mut s.tx, case_id, status_reason).await?;
        }
        sync_sla(&mut s, case_id).await?;
        let after = find(&mut s, case_id).await?.ok_or_else(not_found)?;
        for change in crate::cases::audit::diff(&before, &after) {
            let kind = if change.field == "field-status-reason" {
                EventKind::Status
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
                    data: change.to_json(),
                },
            )
            .await?;
        }
    }
    if !input.notify.is_empty() {
        let audience = store::audience(&mut s.tx, case_id, s.user.id).await?;
        notifications::store::notify(
            &mut s.tx,
            &audience,
            Some(case_id),
            notifications::Kind::Note,
            s.user.id,
            s.now,
        )
        .await?;
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(number)).into_response())
}

/// Shows the case page again with the note as typed and the error beside it.
async fn refuse(
    s: &mut SignedIn,
    case: CaseRecord,
    typed: &str,
    key: &'static str,
) -> Result<Response> {
    let mut page = case_page(s, case, Tab::Summary, TimelineFilter::All).await?;
    page.note_errors.add("body", key);
    page.note_body = typed.to_owned();
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// An activity (call, e-mail, task, appointment, technician report, service
/// record) with its time; the case's totals grow with it.
pub async fn add_activity(
    mut s: SignedIn,
    Path(number): Path<String>,
    request: Request,
) -> Result<Response> {
    let case = load(&mut s, &number).await?;
    let (input, file) = upload::read_request::<ActivityForm>(request).await?;
    let parsed = ActivityInput::parse(&input, s.page.tz);
    let mut errors = FieldErrors::default();
    let activity = match parsed {
        Ok(activity) => {
            for field in store::activity_references_ok(&mut s.tx, &activity).await? {
                errors.add(field, "error-choose-option");
            }
            Some(activity)
        }
        Err(e) => {
            errors = e;
            None
        }
    };
    let Some(activity) = activity.filter(|_| errors.is_empty()) else {
        let mut page = case_page(&mut s, case, Tab::Activities, TimelineFilter::All).await?;
        page.activity_errors = errors;
        page.activity_input = input;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    store::lock(&mut s.tx, case.id).await?;
    let activity_id = store::add_activity(&mut s.tx, case.id, &activity, s.user.id, s.now).await?;
    let written = store::add_user_event(
        &mut s.tx,
        CaseKey::Id(case.id),
        UserEntry {
            at: s.now,
            author: s.user.id,
            kind: EventKind::Activity,
            body: "",
            is_public: false,
            data: json!({ "activity_id": activity_id, "minutes": duration::format(i64::from(activity.duration_minutes), s.page.lang) }),
        },
    )
    .await?
    .ok_or_else(not_found)?;
    if let Some(file) = file {
        store_file(
            &mut s,
            case.id,
            Some(written.event_id),
            Some(activity_id),
            file,
        )
        .await?;
    }
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t("activity-recorded"),
    )
    .await;
    Ok(Redirect::to(&format!("{}?tab=activities", case_path(case.number()))).into_response())
}
