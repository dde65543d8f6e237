//! Deactivating a customer, after saying what it means: no new cases for
//! it, while the cases it has go on and its history stays.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::admin;
use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::customers::store::{self, CustomerRow};
use crate::customers::switch::Customers;
use crate::error::{Result, not_found};
use crate::web::confirm::{ConfirmPage, Confirmation};
use crate::web::form::{Form, parse_id};

async fn confirm_page(s: &mut SignedIn<Supervisor>, customer: &CustomerRow) -> Result<ConfirmPage> {
    let active_cases =
        crate::cases::store::active_count_for_customer(&mut s.tx, customer.id).await?;
    let lang = s.page.lang;
    let say = |key: &str| {
        lang.t_args(
            key,
            &[
                ("name", customer.name.clone()),
                ("count", active_cases.to_string()),
            ],
        )
    };
    let mut item = format!("{} · {}", customer.name, lang.t(customer.kind_key()));
    if customer.document.is_some() {
        item = format!("{item} · {}", customer.document_text());
    }
    let back = format!("/customers/{}", customer.id);
    Ok(ConfirmPage {
        ctx: s.page.clone(),
        title: say("customer-deactivate-confirm-title"),
        back_label: customer.name.clone(),
        lead: say("customer-deactivate-confirm-lead"),
        items: vec![item],
        consequences: vec![
            say("customer-deactivate-confirm-new-cases"),
            say("customer-deactivate-confirm-open-cases"),
            say("customer-deactivate-confirm-history"),
        ],
        irreversible: None,
        action: format!("{back}/deactivate"),
        back,
        hidden: Vec::new(),
        confirm_label: lang.t("customer-deactivate-confirm-button"),
        refused: false,
    })
}

async fn find(s: &mut SignedIn<Supervisor>, id: &str) -> Result<CustomerRow> {
    store::find_row(&mut s.tx, parse_id(id)?)
        .await?
        .ok_or_else(not_found)
}

/// GET /customers/{id}/deactivate: what deactivating will mean.
pub async fn confirm_deactivate(
    mut s: SignedIn<Supervisor>,
    Path(id): Path<String>,
) -> Result<Response> {
    let customer = find(&mut s, &id).await?;
    if !customer.active {
        return Ok(Redirect::to(&format!("/customers/{}", customer.id)).into_response());
    }
    let page = confirm_page(&mut s, &customer).await?;
    s.tx.commit().await?;
    Ok(page.into_response())
}

/// POST /customers/{id}/deactivate: only with the confirmation page's answer.
pub async fn deactivate_customer(
    mut s: SignedIn<Supervisor>,
    Path(id): Path<String>,
    Form(confirmation): Form<Confirmation>,
) -> Result<Response> {
    let customer = find(&mut s, &id).await?;
    if !confirmation.given() {
        return Ok(confirm_page(&mut s, &customer).await?.refusal());
    }
    admin::set_active(Customers, s, id, false).await
}
