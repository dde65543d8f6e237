//! The customer picker of forms: type a few letters, a CPF/CNPJ, an e-mail or
//! a phone; pick from accounts and contacts together; or, when nobody is
//! found, create the customer in a side panel without leaving the form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum_htmx::{HxRequest, HxReswap, HxRetarget, SwapOption};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::customers::store::{self, Alert, CustomerRow, SearchFilter, SearchText};
use crate::error::{Result, not_found};
use crate::web::form::{Query, parse_id};
use crate::web::page::PageCtx;

const LOOKUP_LIMIT: i64 = 10;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupQuery {
    q: String,
    /// "case" when the picker sits on the case form (choosing also fills the
    /// contacts and shows recent cases there).
    context: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/_lookup.html")]
pub struct LookupFragment {
    ctx: PageCtx,
    q: String,
    rows: Vec<CustomerRow>,
    pick_base: &'static str,
}

/// Type-ahead results: active accounts and contacts together, best match first.
pub async fn lookup(
    s: SignedIn,
    HxRequest(htmx): HxRequest,
    Query(query): Query<LookupQuery>,
) -> Result<Response> {
    if !htmx {
        // Without JavaScript the full search page answers the same question.
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query.q)
            .finish();
        return Ok(Redirect::to(&format!("/customers?{q}")).into_response());
    }
    let text = SearchText::parse(&query.q);
    let rows = if text == SearchText::All {
        s.tx.finish_reading();
        Vec::new()
    } else {
        store::search_and_finish(s.tx, &text, &SearchFilter::default(), LOOKUP_LIMIT).await?
    };
    Ok(LookupFragment {
        ctx: s.page,
        q: query.q,
        rows,
        pick_base: if query.context == "case" {
            "/cases/pick-customer"
        } else {
            "/customers"
        },
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/_picked.html")]
pub struct PickedFragment {
    ctx: PageCtx,
    customer: CustomerRow,
    alerts: Vec<Alert>,
    roles: Vec<(Uuid, String)>,
}

async fn picked(s: &mut SignedIn, id: Uuid) -> Result<PickedFragment> {
    let customer = store::find_row(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(PickedFragment {
        alerts: store::current_alerts(&mut s.tx, id, s.now).await?,
        roles: store::role_names(&mut s.tx, id).await?,
        ctx: s.page.clone(),
        customer,
    })
}

/// The picker with a customer chosen: its card (alerts first) and the hidden
/// field the form submits.
pub async fn pick(mut s: SignedIn, Path(id): Path<String>) -> Result<PickedFragment> {
    let fragment = picked(&mut s, parse_id(&id)?).await?;
    s.tx.commit().await?;
    Ok(fragment)
}

/// After an inline creation: the new customer, chosen, in place of the picker.
pub async fn picked_response(mut s: SignedIn, id: Uuid) -> Result<Response> {
    let fragment = picked(&mut s, id).await?;
    s.tx.commit().await?;
    Ok((
        HxRetarget("#customer-picker".into()),
        HxReswap(SwapOption::OuterHtml),
        fragment,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/_picker.html")]
pub struct PickerFragment {
    ctx: PageCtx,
    context: String,
}

/// The empty picker, to choose another customer. On the case form it also
/// empties the contact list: a new customer means a new contact.
pub async fn empty_picker(s: SignedIn, Query(query): Query<LookupQuery>) -> PickerFragment {
    PickerFragment {
        ctx: s.page,
        context: query.context,
    }
}
