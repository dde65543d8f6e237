//! Notes (relatos) and activities on a case, each with an optional file.

use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Command;
use crate::cases::handlers::attachments::store_file;
use crate::cases::handlers::show::{Tab, case_page};
use crate::cases::handlers::{append, case_path, find, load, run};
use crate::cases::model::{ActivityForm, ActivityInput, CaseNumber};
use crate::cases::store::{self, CaseRecord, TimelineFilter};
use crate::catalog::model::optional_id;
use crate::core::duration;
use crate::error::{Result, not_found};
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
    // Only the statuses the note box offers: those of an active case.
    if let Some(status) = asked_status
        && !s
            .lists
            .statuses(&mut s.tx, "active")
            .await?
            .iter()
            .any(|offered| offered.id == status)
    {
        let record = find(&mut s, number).await?.ok_or_else(not_found)?;
        return refuse(&mut s, record, &input.body, "error-choose-option").await;
    }
    let mut note = Command::Note {
        body,
        public: input.visibility == "public",
        notify: !input.notify.is_empty(),
        priority: None,
        status: None,
    };
    // A plain note only appends, and finds its case as it writes. A change
    // is decided against the case as the lock leaves it, one agent's move
    // after the other's.
    let applied = if asked_priority.is_some() || asked_status.is_some() {
        let id = store::id_by_number(&mut s.tx, number)
            .await?
            .ok_or_else(not_found)?;
        store::lock(&mut s.tx, id).await?;
        let locked = find(&mut s, id).await?.ok_or_else(not_found)?;
        if let Command::Note {
            priority, status, ..
        } = &mut note
        {
            *priority = asked_priority.filter(|p| *p != locked.priority_id);
            *status = asked_status.filter(|p| *p != locked.status_reason_id);
        }
        match run(&mut s, &locked, note).await? {
            Ok(applied) => applied,
            Err(refusal) => return refuse(&mut s, locked, &input.body, refusal.key()).await,
        }
    } else {
        append(&mut s, number, note).await?
    };
    if let Some(file) = file {
        let note_entry = applied.entries.first().copied();
        store_file(&mut s, applied.case_id, note_entry, None, file).await?;
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
    let activity_id = Uuid::now_v7();
    let minutes = duration::format(i64::from(activity.duration_minutes), s.page.lang);
    let command = Command::RecordActivity {
        id: activity_id,
        input: Box::new(activity),
        minutes,
    };
    let applied = append(&mut s, case.id, command).await?;
    if let Some(file) = file {
        let entry = applied.entries.first().copied();
        store_file(&mut s, case.id, entry, Some(activity_id), file).await?;
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
