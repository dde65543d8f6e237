//! Cancelling an entitlement, after saying what is lost: the terms that
//! remain, and its offer to new cases, for good.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};

use crate::auth::admin;
use crate::auth::signed_in::{Admin, SignedIn};
use crate::entitlements::model::Status;
use crate::entitlements::store::{self, EntitlementRow};
use crate::error::{Result, not_found};
use crate::web::confirm::{ConfirmPage, Confirmation};
use crate::web::form::{Form, parse_id};

async fn find(s: &mut SignedIn<Admin>, id: &str) -> Result<EntitlementRow> {
    store::find(&mut s.tx, parse_id(id)?)
        .await?
        .ok_or_else(not_found)
}

async fn confirm_page(s: &mut SignedIn<Admin>, e: &EntitlementRow) -> Result<ConfirmPage> {
    let channels = store::channels(&mut s.tx, e.id).await?;
    let using = crate::cases::store::active_count_for_entitlement(&mut s.tx, e.id).await?;
    let lang = s.page.lang;
    let say = |key: &str| {
        lang.t_args(
            key,
            &[
                ("name", e.name.clone()),
                ("customer", e.customer_name.clone()),
                ("allocation", e.allocation.clone()),
                ("remaining", e.remaining_text()),
                ("total", e.total_text()),
                ("count", using.to_string()),
            ],
        )
    };
    let items = channels
        .iter()
        .map(|c| {
            lang.t_args(
                "entitlement-cancel-confirm-channel",
                &[
                    ("channel", c.name.clone()),
                    ("allocation", e.allocation.clone()),
                    ("remaining", e.units(&c.remaining_units)),
                    ("total", e.units(&c.total_units)),
                ],
            )
        })
        .collect();
    let back = format!("/admin/entitlements/{}", e.id);
    Ok(ConfirmPage {
        ctx: s.page.clone(),
        title: say("entitlement-cancel-confirm-title"),
        back_label: e.name.clone(),
        lead: say("entitlement-cancel-confirm-lead"),
        items,
        consequences: vec![
            say(if e.remaining_units > 0 {
                "entitlement-cancel-confirm-terms"
            } else {
                "entitlement-cancel-confirm-terms-none"
            }),
            say("entitlement-cancel-confirm-offer"),
            say("entitlement-cancel-confirm-cases"),
        ],
        irreversible: Some(say("entitlement-cancel-confirm-irreversible")),
        action: format!("{back}/cancel"),
        back,
        hidden: Vec::new(),
        confirm_label: lang.t("entitlement-cancel"),
        refused: false,
    })
}

/// Only an entitlement still open (draft, waiting or active) can be cancelled.
async fn refuse_closed(s: &SignedIn<Admin>, e: &EntitlementRow) -> Response {
    let message = s.page.t("entitlement-error-not-open");
    admin::refused(s, message, &format!("/admin/entitlements/{}", e.id)).await
}

/// GET /admin/entitlements/{id}/cancel: what cancelling will lose.
pub async fn confirm_cancel(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let e = find(&mut s, &id).await?;
    if !e.state().is_open() {
        return Ok(refuse_closed(&s, &e).await);
    }
    let page = confirm_page(&mut s, &e).await?;
    s.tx.commit().await?;
    Ok(page.into_response())
}

/// POST /admin/entitlements/{id}/cancel: only with the confirmation page's answer.
pub async fn cancel_entitlement(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(confirmation): Form<Confirmation>,
) -> Result<Response> {
    let e = find(&mut s, &id).await?;
    if !e.state().is_open() {
        return Ok(refuse_closed(&s, &e).await);
    }
    if !confirmation.given() {
        return Ok(confirm_page(&mut s, &e).await?.refusal());
    }
    store::set_status(&mut s.tx, e.id, Status::Cancelled, None).await?;
    let message = s.page.t1(
        "entitlement-status-now",
        "status",
        s.page.t(Status::Cancelled.label_key()),
    );
    admin::done(s, message, &format!("/admin/entitlements/{}", e.id)).await
}
