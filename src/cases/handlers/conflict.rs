//! The page an edit gets when someone saved the case after its form was
//! drawn: nothing is written; the form comes back holding the newest values
//! with the person's changes on top, the fields both changed side by side,
//! and the fields only the other person changed named (they keep that
//! person's values). See `cases::stale` for the rules.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::handlers::find;
use crate::cases::handlers::form::{form_of, form_page};
use crate::cases::model::{CaseForm, Owner};
use crate::cases::stale::{self, Seen};
use crate::catalog::names::{CaseNames, Named};
use crate::customers::store as customers;
use crate::error::{AppError, Result};
use crate::web::form::FieldErrors;

/// A field both changed: the label's key and both values as shown.
pub struct Conflict {
    pub field: &'static str,
    pub yours: String,
    pub theirs: String,
}

/// What the conflict page says above the form.
pub struct ConflictView {
    /// Who saved meanwhile.
    pub by: String,
    pub both: Vec<Conflict>,
    /// Labels of the fields only the other person changed.
    pub kept: Vec<&'static str>,
}

/// Answers a save drawn from an older version of the case (409).
pub async fn stale_edit(
    mut s: SignedIn,
    input: CaseForm,
    seen: Option<Seen>,
    case_id: Uuid,
) -> Result<Response> {
    let current = find(&mut s, case_id).await?.ok_or(AppError::NotFound)?;
    let theirs = form_of(&current, &s);
    let merged = stale::merge(&input, seen.as_ref(), &theirs);
    let names = s.lists.case_names(&mut s.tx).await?;
    let mut both = Vec::new();
    for field in &merged.conflicts {
        both.push(Conflict {
            field: field.label,
            yours: shown(
                &mut s,
                &names,
                field.name,
                &stale::value(&input, field.name),
            )
            .await?,
            theirs: shown(
                &mut s,
                &names,
                field.name,
                &stale::value(&theirs, field.name),
            )
            .await?,
        });
    }
    let view = ConflictView {
        by: current.updated_by_name.clone(),
        both,
        kept: merged.kept.iter().map(|f| f.label).collect(),
    };
    // The form now shows the newest values: they are what it showed.
    let page_input = CaseForm {
        version: current.version.to_string(),
        seen: Seen::of(&theirs).to_text(),
        ..merged.form
    };
    let mut page = form_page(&mut s, page_input, FieldErrors::default(), Some(current)).await?;
    page.conflict = Some(view);
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// A field's value as the person reads it: names, not ids.
async fn shown(s: &mut SignedIn, names: &CaseNames, field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || (field == "entitlement_id" && value == "none") {
        return Ok("—".to_owned());
    }
    let id = Uuid::parse_str(value).ok();
    let list = |named| names.of(named, id);
    let name = match field {
        "customer_id" | "contact_id" | "location_id" => match id {
            Some(id) => customers::find_row(&mut s.tx, id).await?.map(|c| c.name),
            None => None,
        },
        "entitlement_id" => match id {
            Some(id) => crate::entitlements::store::find(&mut s.tx, id)
                .await?
                .map(|e| e.name),
            None => None,
        },
        "subject_id" => list(Named::Subject),
        "channel_id" => list(Named::Channel),
        "product_id" => list(Named::Product),
        "reason_id" => list(Named::Reason),
        "occurrence_id" => list(Named::Occurrence),
        "cause_id" => list(Named::Cause),
        "unit_id" => list(Named::Unit),
        "request_type_id" => list(Named::RequestType),
        "priority_id" => id.and_then(|id| names.priority(id)).map(|p| p.name.clone()),
        "status_reason_id" => id
            .map(|id| names.status(id).to_owned())
            .filter(|n| !n.is_empty()),
        "owner" => match Owner::parse(value) {
            Ok(Owner::User(id)) => names.of(Named::User, Some(id)),
            Ok(Owner::Team(id)) => names.of(Named::Team, Some(id)),
            _ => None,
        },
        "direction" => Some(s.page.t(if value == "outbound" {
            "direction-outbound"
        } else {
            "direction-inbound"
        })),
        "received_at" => Some(value.replace('T', " ")),
        _ => None,
    };
    Ok(name.unwrap_or_else(|| value.to_owned()))
}
