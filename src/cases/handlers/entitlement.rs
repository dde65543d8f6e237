//! The entitlement part of the case form: which of the customer's
//! entitlements are offered, which is chosen, and the terms they move.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::cases::model::CaseForm;
use crate::catalog::model::optional_id;
use crate::entitlements::terms::{self, Error as TermsFailure, Offered};
use crate::error::{AppError, Result};

pub struct EntitlementField {
    pub offered: Vec<Offered>,
    /// The case's entitlement when it is no longer offered (expired, say): kept selectable.
    pub current: Option<(Uuid, String)>,
    pub selected: Option<Uuid>,
    pub error: Option<&'static str>,
    /// Sent out of band with the customer picker's answer.
    pub oob: bool,
}

impl EntitlementField {
    pub fn is_selected(&self, id: &Uuid) -> bool {
        self.selected == Some(*id)
    }
}

/// The date the case counts from for coverage: when the request reached us.
pub fn case_date(input: &CaseForm, tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    crate::cases::model::optional_local_time(&input.received_at, tz)
        .ok()
        .flatten()
        .unwrap_or(now)
        .with_timezone(&tz)
        .date_naive()
}

pub async fn field(
    tx: &mut PgConnection,
    input: &CaseForm,
    on: NaiveDate,
    current: Option<(Uuid, String)>,
    error: Option<&'static str>,
) -> Result<EntitlementField> {
    let offered = match optional_id(&input.customer_id).ok().flatten() {
        Some(customer) => {
            let channel = optional_id(&input.channel_id).ok().flatten();
            let product = optional_id(&input.product_id).ok().flatten();
            terms::offered(tx, customer, on, channel, product).await?
        }
        None => Vec::new(),
    };
    let selected = match input.entitlement_id.as_str() {
        "none" => None,
        "" => offered.iter().find(|e| e.is_default).map(|e| e.id),
        text => optional_id(text).ok().flatten(),
    };
    let current = current.filter(|(id, _)| !offered.iter().any(|e| e.id == *id));
    Ok(EntitlementField {
        offered,
        current,
        selected,
        error,
        oob: false,
    })
}

/// Terms errors that a request cannot explain to the user are server errors.
pub fn db_only(result: std::result::Result<(), TermsFailure>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(TermsFailure::Db(err)) => Err(err.into()),
        Err(TermsFailure::Refused(refusal)) => Err(AppError::Internal(anyhow::anyhow!(
            "terms refused outside creation: {refusal:?}"
        ))),
    }
}
