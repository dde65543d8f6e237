//! Relationships between cases: attaching an existing case as a child
//! (merging duplicates is in `merge`).

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Command;
use crate::cases::handlers::{case_path, find, load, run};
use crate::cases::model::CaseNumber;
use crate::cases::store;
use crate::error::Result;
use crate::web::form::Form;
use crate::web::session::{FlashKind, push_flash};

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
    let command = Command::SetParent {
        parent: parent.id,
        parent_number: parent.number().to_string(),
        number: child.number().to_string(),
        old_parent: child.parent().map(|n| n.to_string()).unwrap_or_default(),
    };
    if let Err(refusal) = run(&mut s, &child, command).await? {
        push_flash(&s.session, FlashKind::Error, s.page.t(refusal.key())).await;
        return Ok(Redirect::to(&back).into_response());
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&back).into_response())
}
