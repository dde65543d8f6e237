//! The details kept on a customer's page: alerts, addresses, phones,
//! e-contacts (one principal of each), and an account's primary contact.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveTime, TimeZone};
use serde::Deserialize;

use crate::auth::admin;
use crate::auth::signed_in::SignedIn;
use crate::catalog::model::optional_id;
use crate::customers::document;
use crate::customers::model::{
    AddressForm, AddressInput, AlertForm, AlertInput, ContactPointForm, EcontactKind,
};
use crate::customers::store::{self, PointTable};
use crate::error::{Result, not_found};
use crate::web::form::{self, FieldErrors, Form, parse_id};

/// Flashes the first field error of a short form on the customer page (the
/// forms there are one-liners; the page itself is the redisplay).
async fn refuse(s: &SignedIn, errors: &FieldErrors, to: &str) -> Response {
    let text = errors
        .fields()
        .next()
        .and_then(|field| errors.message(field))
        .map(|error| s.page.say(error))
        .unwrap_or_default();
    admin::refused(s, text, to).await
}

async fn customer_id(s: &mut SignedIn, id: &str) -> Result<uuid::Uuid> {
    let id = parse_id(id)?;
    store::find(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)
        .map(|c| c.row.id)
}

fn back_to(id: uuid::Uuid, anchor: &str) -> String {
    format!("/customers/{id}#{anchor}")
}

fn back(id: uuid::Uuid, anchor: &str) -> Response {
    Redirect::to(&back_to(id, anchor)).into_response()
}

pub async fn add_alert(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<AlertForm>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    let today = s.now.with_timezone(&s.page.tz).date_naive();
    match AlertInput::parse(&input, today) {
        Ok(alert) => {
            // An alert set to expire on a date shows through the end of that day.
            let expires_at = alert.expires_on.and_then(|day| {
                let end = day.and_time(NaiveTime::MIN) + chrono::Duration::days(1);
                s.page
                    .tz
                    .from_local_datetime(&end)
                    .earliest()
                    .map(|t| t.with_timezone(&chrono::Utc))
            });
            store::add_alert(
                &mut s.tx,
                id,
                &alert.text,
                alert.priority,
                expires_at,
                s.user.id,
            )
            .await?;
            let message = s.page.t("alert-added");
            admin::done(s, message, &back_to(id, "alerts")).await
        }
        Err(errors) => Ok(refuse(&s, &errors, &back_to(id, "alerts")).await),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PointRef {
    /// address, phone or econtact
    table: String,
    point_id: String,
    alert_id: String,
    contact_id: String,
}

pub async fn end_alert(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<PointRef>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    if let Ok(Some(alert)) = optional_id(&input.alert_id) {
        store::end_alert(&mut s.tx, id, alert).await?;
        s.tx.commit().await?;
    }
    Ok(back(id, "alerts"))
}

pub async fn add_address(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<AddressForm>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    match AddressInput::parse(&input) {
        Ok(address) => {
            store::add_address(&mut s.tx, id, &address).await?;
            s.tx.commit().await?;
            Ok(back(id, "contact-points"))
        }
        Err(errors) => Ok(refuse(&s, &errors, &back_to(id, "contact-points")).await),
    }
}

/// Adds a phone or an e-contact (e-mail, WhatsApp, site, ...).
pub async fn add_point(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<ContactPointForm>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    let principal = !input.principal.is_empty();
    let mut errors = FieldErrors::default();
    if input.kind == "phone" {
        let label = errors.check("label", form::line(&input.label, 60));
        let number = errors.check("value", document::phone(&input.value));
        if let (Some(label), Some(number)) = (label, number) {
            store::add_phone(&mut s.tx, id, &label, &number, principal).await?;
        }
    } else {
        let kind = errors.check(
            "kind",
            EcontactKind::parse(&input.kind).ok_or("error-choose-option"),
        );
        let value = kind.and_then(|kind| errors.check("value", kind.parse_value(&input.value)));
        if let (Some(kind), Some(value)) = (kind, value) {
            store::add_econtact(&mut s.tx, id, kind, &value, principal).await?;
        }
    }
    if !errors.is_empty() {
        return Ok(refuse(&s, &errors, &back_to(id, "contact-points")).await);
    }
    s.tx.commit().await?;
    Ok(back(id, "contact-points"))
}

pub async fn make_principal(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<PointRef>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    if let (Some(table), Ok(Some(point))) = (
        PointTable::parse(&input.table),
        optional_id(&input.point_id),
    ) {
        store::make_principal(&mut s.tx, table, id, point).await?;
        s.tx.commit().await?;
    }
    Ok(back(id, "contact-points"))
}

pub async fn remove_point(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<PointRef>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    if let (Some(table), Ok(Some(point))) = (
        PointTable::parse(&input.table),
        optional_id(&input.point_id),
    ) {
        store::remove_point(&mut s.tx, table, id, point).await?;
        s.tx.commit().await?;
    }
    Ok(back(id, "contact-points"))
}

pub async fn set_primary_contact(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<PointRef>,
) -> Result<Response> {
    let id = customer_id(&mut s, &id).await?;
    if let Ok(Some(contact)) = optional_id(&input.contact_id)
        && store::set_primary_contact(&mut s.tx, id, contact).await?
    {
        let message = s.page.t("customer-primary-contact-set");
        return admin::done(s, message, &back_to(id, "contacts")).await;
    }
    Ok(back(id, "contacts"))
}
