//! The entitlement part of the case form: which of the customer's
//! entitlements are offered, which is chosen, and the terms they move.
//!
//! What is offered depends on the customer, the channel, the product and the
//! date, so the section is drawn again whenever one of them changes: by htmx
//! at once, or by the form's refresh button without JavaScript. Saving
//! decides again by the same rule (`entitlements::choice`), whatever the page
//! showed, so a case is debited from the entitlement that really applies.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Exception;
use crate::cases::handlers::{case_path, load};
use crate::cases::model::{CaseForm, CaseInput};
use crate::cases::store::CaseRecord;
use crate::catalog::model::optional_id;
use crate::entitlements::choice::{self, Asked, Without};
use crate::entitlements::terms::{self, Offered, TermsError};
use crate::error::Result;
use crate::users::model::Role;
use crate::web::form::{FieldErrors, Query};
use crate::web::page::PageCtx;

pub struct EntitlementField {
    pub offered: Vec<Offered>,
    /// The case's entitlement when it is no longer offered (expired, say): kept selectable.
    pub current: Option<(Uuid, String)>,
    pub selected: Option<Uuid>,
    pub error: Option<&'static str>,
    /// What "nenhum" sends: empty while nothing was chosen and the rule picks
    /// nothing, so that a later channel or product lets the rule pick again.
    pub none_value: &'static str,
    /// A supervisor's reason to open the case without the entitlement that restricts it.
    pub reason: Option<ReasonField>,
    /// Where htmx asks for the section again.
    pub refresh_path: String,
    /// Sent out of band with the customer picker's answer.
    pub oob: bool,
}

pub struct ReasonField {
    pub value: String,
    pub error: Option<&'static str>,
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

fn may_override(s: &SignedIn) -> bool {
    s.user.role >= Role::Supervisor
}

/// The section for the case as the form now describes it.
pub async fn field(
    s: &mut SignedIn,
    input: &CaseForm,
    editing: Option<&CaseRecord>,
    errors: &FieldErrors,
) -> Result<EntitlementField> {
    let on = case_date(input, s.page.tz, s.now);
    let offered = match optional_id(&input.customer_id).ok().flatten() {
        Some(customer) => {
            let channel = optional_id(&input.channel_id).ok().flatten();
            let product = optional_id(&input.product_id).ok().flatten();
            terms::offered(&mut s.tx, customer, on, channel, product).await?
        }
        None => Vec::new(),
    };
    let current = editing
        .filter(|c| c.customer_id.to_string() == input.customer_id)
        .and_then(|c| c.entitlement_id.zip(c.entitlement_name.clone()));
    let asked = Asked::parse(&input.entitlement_id);
    let selected = choice::preselected(asked, &offered, current.as_ref().map(|(id, _)| *id));
    let current = current.filter(|(id, _)| !offered.iter().any(|e| e.id == *id));
    let none_value = if asked == Asked::Nothing || choice::default_of(&offered).is_some() {
        "none"
    } else {
        ""
    };
    let reason =
        (may_override(s) && choice::restricting(&offered).next().is_some()).then(|| ReasonField {
            value: input.entitlement_reason.clone(),
            error: errors.get("entitlement_reason"),
        });
    let refresh_path = match editing {
        Some(case) => format!("{}/entitlement-section", case_path(case.number())),
        None => "/cases/entitlement-section".to_owned(),
    };
    Ok(EntitlementField {
        offered,
        current,
        selected,
        error: errors.get("entitlement_id"),
        none_value,
        reason,
        refresh_path,
        oob: false,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/_entitlement_section.html")]
pub struct EntitlementSection {
    ctx: PageCtx,
    entitlement: EntitlementField,
}

/// The new-case form's section, for the customer, channel, product and date chosen so far.
pub async fn new_case_section(
    mut s: SignedIn,
    Query(input): Query<CaseForm>,
) -> Result<EntitlementSection> {
    let entitlement = field(&mut s, &input, None, &FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(EntitlementSection {
        ctx: s.page,
        entitlement,
    })
}

/// The edit form's section: the same, keeping the case's own entitlement selectable.
pub async fn edit_case_section(
    mut s: SignedIn,
    Path(number): Path<String>,
    Query(input): Query<CaseForm>,
) -> Result<EntitlementSection> {
    let case = load(&mut s, &number).await?;
    let entitlement = field(&mut s, &input, Some(&case), &FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(EntitlementSection {
        ctx: s.page,
        entitlement,
    })
}

/// Decides which entitlement the case draws on and sets it on `parsed`: the
/// one chosen, else the customer's default when it covers the case. A
/// refusal goes into `errors` next to its field. Keeping the entitlement the
/// case already has is always allowed. Going without one while a covering
/// entitlement restricts creation is refused, unless a supervisor gives the
/// reason returned here, for the case's timeline.
pub async fn decide(
    s: &mut SignedIn,
    input: &CaseForm,
    parsed: &mut CaseInput,
    before: Option<&CaseRecord>,
    errors: &mut FieldErrors,
) -> Result<Option<Exception>> {
    let on = case_date(input, s.page.tz, s.now);
    let offered = terms::offered(
        &mut s.tx,
        parsed.customer_id,
        on,
        parsed.channel_id,
        parsed.product_id,
    )
    .await?;
    let kept = before
        .filter(|b| b.customer_id == parsed.customer_id)
        .and_then(|b| b.entitlement_id);
    let chosen = choice::applied(Asked::parse(&input.entitlement_id), &offered);
    parsed.entitlement_id = chosen;
    match chosen {
        Some(id) if kept == Some(id) => {}
        Some(id) if !offered.iter().any(|e| e.id == id) => {
            errors.add("entitlement_id", TermsError::NotOffered.key());
        }
        Some(id) => {
            if let Err(refusal) = terms::check_restrict(&mut s.tx, id, parsed.channel_id).await? {
                errors.add("entitlement_id", refusal.key());
            }
        }
        // An edit that leaves a case without entitlement as it was moves nothing.
        None if before.is_some_and(|b| !retargets(b, parsed, on, s.page.tz)) => {}
        None => match choice::without(&offered, may_override(s), &input.entitlement_reason) {
            Without::Free => {}
            Without::Overridden {
                entitlements,
                reason,
            } => {
                return Ok(Some(Exception {
                    entitlements,
                    reason,
                }));
            }
            Without::Refused { field, key } => errors.add(field, key),
        },
    }
    Ok(None)
}

/// Whether an edit takes the case's entitlement away or changes what its
/// entitlement depends on.
fn retargets(before: &CaseRecord, after: &CaseInput, on: NaiveDate, tz: Tz) -> bool {
    before.entitlement_id.is_some()
        || before.customer_id != after.customer_id
        || before.channel_id != after.channel_id
        || before.product_id != after.product_id
        || before.received_at.with_timezone(&tz).date_naive() != on
}
