//! The customer page (ficha): who the customer is, how to reach them,
//! their alerts and entitlements, and their cases, history and agenda. It
//! shows several features at once, so it is composed here, above them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::customers::model::{AlertPriority, EcontactKind};
use crate::customers::store::{self, Address, Alert, CustomerDetail, CustomerRow, Econtact, Phone};
use crate::error::{Result, not_found};
use crate::web::form::parse_id;
use crate::web::page::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "customers/show.html")]
pub struct CustomerPage {
    ctx: PageCtx,
    customer: CustomerDetail,
    roles: Vec<(Uuid, String)>,
    alerts: Vec<Alert>,
    addresses: Vec<Address>,
    phones: Vec<Phone>,
    econtacts: Vec<Econtact>,
    contacts: Vec<CustomerRow>,
    alert_priorities: [AlertPriority; 3],
    econtact_kinds: [EcontactKind; 5],
    cases: Vec<crate::cases::store::CaseRow>,
    worked_minutes: i64,
    billable_minutes: i64,
    entitlements: Vec<crate::entitlements::store::EntitlementRow>,
    history: Vec<crate::cases::store::HistoryEntry>,
    history_more: bool,
    agenda: Vec<crate::cases::store::AgendaEntry>,
    agenda_more: bool,
}

impl CustomerPage {
    pub fn minutes(&self, minutes: &i64) -> String {
        crate::core::duration::format(*minutes, self.ctx.lang)
    }
}

pub async fn show_customer(mut s: SignedIn, Path(id): Path<String>) -> Result<CustomerPage> {
    let id = parse_id(&id)?;
    let customer = store::find(&mut s.tx, id).await?.ok_or_else(not_found)?;
    let now = s.now;
    let (worked_minutes, billable_minutes) =
        crate::cases::store::customer_time(&mut s.tx, id).await?;
    let names = s.lists.case_names(&mut s.tx).await?;
    let glance = crate::pages::customer_history::glance(&mut s, &customer.row).await?;
    let page = CustomerPage {
        history: glance.history,
        history_more: glance.history_more,
        agenda: glance.agenda,
        agenda_more: glance.agenda_more,
        cases: crate::cases::store::customer_cases(&mut s.tx, &names, id, 20).await?,
        entitlements: crate::entitlements::store::for_customer(&mut s.tx, id).await?,
        worked_minutes,
        billable_minutes,
        roles: store::role_names(&mut s.tx, id).await?,
        alerts: store::current_alerts(&mut s.tx, id, now).await?,
        addresses: store::addresses(&mut s.tx, id).await?,
        phones: store::phones(&mut s.tx, id).await?,
        econtacts: store::econtacts(&mut s.tx, id).await?,
        contacts: if customer.row.is_account() {
            store::account_contacts(&mut s.tx, id).await?
        } else {
            Vec::new()
        },
        customer,
        alert_priorities: AlertPriority::ALL,
        econtact_kinds: EcontactKind::ALL,
        ctx: s.page.clone(),
    };
    s.tx.commit().await?;
    Ok(page)
}
