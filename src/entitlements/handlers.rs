//! The admin pages of entitlements (direitos) and their templates.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::ListKind;
use crate::catalog::store::{self as catalog, Choice};
use crate::entitlements::model::{
    self, Allocation, DecreaseOn, EntitlementForm, EntitlementInput, Status, TemplateForm,
    TemplateInput,
};
use crate::entitlements::store::{
    self, ChannelTerms, EntitlementRow, LedgerRow, SaveError, TemplateError, TemplateRow,
};
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{FieldErrors, Form, Query, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("entitlements"));
    let template = Access::TenantObject(Role::Admin, ObjectKind::Row("entitlement_templates"));
    vec![
        Route::get("/admin/entitlements", admin, list_entitlements),
        Route::post("/admin/entitlements", admin, create_entitlement),
        Route::get("/admin/entitlements/new", admin, new_entitlement),
        Route::get("/admin/entitlements/templates", admin, list_templates),
        Route::post("/admin/entitlements/templates", admin, create_template),
        Route::get(
            "/admin/entitlements/templates/{id}",
            template,
            show_template,
        ),
        Route::post(
            "/admin/entitlements/templates/{id}",
            template,
            update_template,
        ),
        Route::post(
            "/admin/entitlements/templates/{id}/deactivate",
            template,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Templates, s, id, false),
        ),
        Route::post(
            "/admin/entitlements/templates/{id}/reactivate",
            template,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Templates, s, id, true),
        ),
        Route::get("/admin/entitlements/{id}", one, show_entitlement),
        Route::post("/admin/entitlements/{id}", one, update_entitlement),
        Route::post("/admin/entitlements/{id}/activate", one, activate),
    ]
}

/// What every entitlement form needs to offer its choices.
pub struct Choices {
    slas: Vec<Choice>,
    channels: Vec<Choice>,
    products: Vec<Choice>,
    allocations: [Allocation; 2],
    decreases: [DecreaseOn; 2],
}

async fn choices(s: &mut SignedIn<Admin>) -> Result<Choices> {
    Ok(Choices {
        slas: store::active_slas(&mut s.tx).await?,
        channels: catalog::choices(&mut s.tx, ListKind::Channels).await?,
        products: catalog::case_products(&mut s.tx).await?,
        allocations: Allocation::ALL,
        decreases: DecreaseOn::ALL,
    })
}

fn today(s: &SignedIn<Admin>) -> NaiveDate {
    s.now.with_timezone(&s.user.time_zone).date_naive()
}

// The list ---------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "entitlements/list.html")]
pub struct EntitlementsPage {
    ctx: PageCtx,
    rows: Vec<EntitlementRow>,
    statuses: [Status; 5],
    query: ListQuery,
}

async fn list_entitlements(
    mut s: SignedIn<Admin>,
    Query(query): Query<ListQuery>,
) -> Result<EntitlementsPage> {
    let rows = store::list(&mut s.tx, Status::parse(&query.status), &query.q).await?;
    s.tx.commit().await?;
    Ok(EntitlementsPage {
        ctx: s.page,
        rows,
        statuses: Status::ALL,
        query,
    })
}

// Creating ---------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    customer: String,
    template: String,
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "entitlements/new.html")]
pub struct NewEntitlementPage {
    ctx: PageCtx,
    q: String,
    customers: Vec<Choice>,
    templates: Vec<TemplateRow>,
    choices: Choices,
    allocation_locked: bool,
    input: EntitlementForm,
    errors: FieldErrors,
}

/// Customers matching the search, with the chosen one always among them.
async fn customer_choices(s: &mut SignedIn<Admin>, q: &str, chosen: &str) -> Result<Vec<Choice>> {
    let mut customers = store::active_customers(&mut s.tx, q).await?;
    if let Ok(id) = Uuid::parse_str(chosen.trim())
        && !customers.iter().any(|c| c.id == id)
        && let Some(c) = store::find_active_customer(&mut s.tx, id).await?
    {
        customers.insert(0, c);
    }
    Ok(customers)
}

async fn new_page(
    s: &mut SignedIn<Admin>,
    q: String,
    input: EntitlementForm,
    errors: FieldErrors,
) -> Result<NewEntitlementPage> {
    let customers = customer_choices(s, &q, &input.customer_id).await?;
    let templates = store::templates(&mut s.tx)
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    Ok(NewEntitlementPage {
        ctx: s.page.clone(),
        q,
        customers,
        templates,
        choices: choices(s).await?,
        allocation_locked: false,
        input,
        errors,
    })
}

async fn new_entitlement(
    mut s: SignedIn<Admin>,
    Query(query): Query<NewQuery>,
) -> Result<NewEntitlementPage> {
    let today = today(&s);
    let mut input = EntitlementForm {
        customer_id: query.customer.trim().to_owned(),
        starts_on: today.to_string(),
        ends_on: model::end_after(today, 365).to_string(),
        allocation: Allocation::Cases.as_str().to_owned(),
        decrease_on: DecreaseOn::Creation.as_str().to_owned(),
        ..EntitlementForm::default()
    };
    if let Ok(id) = Uuid::parse_str(query.template.trim())
        && let Some(t) = store::find_template(&mut s.tx, id).await?
        && t.active
    {
        input.template_id = t.id.to_string();
        input.name = t.name.clone();
        input.allocation = t.allocation.clone();
        input.total = t.total_text();
        input.decrease_on = t.decrease_on.clone();
        input.restrict_creation = if t.restrict_creation {
            "1".into()
        } else {
            String::new()
        };
        input.sla_id = t.sla_id.map(|i| i.to_string()).unwrap_or_default();
        input.ends_on = model::end_after(today, t.duration_days).to_string();
    }
    let page = new_page(&mut s, query.q, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

fn choice_error(errors: &mut FieldErrors, field: &'static str) {
    errors.add(field, "error-choose-option");
}

async fn create_entitlement(
    mut s: SignedIn<Admin>,
    Form(input): Form<EntitlementForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let parsed = EntitlementInput::parse(&input).map_err(|e| errors = e);
    if input.customer_id.trim().is_empty() {
        errors.add("customer_id", "error-required");
    }
    if let Ok(mut parsed) = parsed
        && errors.is_empty()
    {
        let customer = match parsed.customer_id {
            Some(id) => store::find_active_customer(&mut s.tx, id).await?,
            None => None,
        };
        if let Some(t) = parsed.template_id
            && store::find_template(&mut s.tx, t).await?.is_none()
        {
            parsed.template_id = None;
        }
        match customer {
            None => choice_error(&mut errors, "customer_id"),
            Some(customer) => match store::create(&mut s.tx, customer.id, &parsed).await {
                Ok(id) => {
                    let to = format!("/admin/entitlements/{id}");
                    return admin::saved(s, "entitlement-created", &parsed.name, &to).await;
                }
                Err(SaveError::Choice(field)) => choice_error(&mut errors, field),
                Err(SaveError::Db(err)) => return Err(err.into()),
            },
        }
    }
    let page = new_page(&mut s, String::new(), input, errors).await?;
    admin::unprocessable(page)
}

// One entitlement -------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "entitlements/show.html")]
pub struct EntitlementPage {
    ctx: PageCtx,
    e: EntitlementRow,
    channel_terms: Vec<ChannelTerms>,
    covered: Vec<Choice>,
    ledger: Vec<LedgerRow>,
    choices: Choices,
    allocation_locked: bool,
    can_activate: bool,
    can_cancel: bool,
    input: EntitlementForm,
    errors: FieldErrors,
}

fn form_of(e: &EntitlementRow, channels: &[ChannelTerms], covered: &[Choice]) -> EntitlementForm {
    let alloc = e.alloc();
    EntitlementForm {
        customer_id: e.customer_id.to_string(),
        template_id: String::new(),
        name: e.name.clone(),
        starts_on: e.starts_on.to_string(),
        ends_on: e.ends_on.to_string(),
        allocation: e.allocation.clone(),
        total: e.total_text(),
        decrease_on: e.decrease_on.clone(),
        restrict_creation: if e.restrict_creation {
            "1".into()
        } else {
            String::new()
        },
        sla_id: e.sla_id.map(|i| i.to_string()).unwrap_or_default(),
        is_default: if e.is_default {
            "1".into()
        } else {
            String::new()
        },
        channel_id: channels.iter().map(|c| c.channel_id.to_string()).collect(),
        channel_total: channels
            .iter()
            .map(|c| alloc.format(c.total_units))
            .collect(),
        product_ids: covered.iter().map(|p| p.id.to_string()).collect(),
    }
}

async fn entitlement_page(
    s: &mut SignedIn<Admin>,
    e: EntitlementRow,
    input: Option<EntitlementForm>,
    errors: FieldErrors,
) -> Result<EntitlementPage> {
    let channel_terms = store::channels(&mut s.tx, e.id).await?;
    let covered = store::products(&mut s.tx, e.id).await?;
    let ledger = store::ledger(&mut s.tx, e.id).await?;
    let input = input.unwrap_or_else(|| form_of(&e, &channel_terms, &covered));
    let state = e.state();
    Ok(EntitlementPage {
        ctx: s.page.clone(),
        choices: choices(s).await?,
        allocation_locked: state != Status::Draft,
        can_activate: state == Status::Draft,
        can_cancel: state.is_open(),
        e,
        channel_terms,
        covered,
        ledger,
        input,
        errors,
    })
}

async fn find(s: &mut SignedIn<Admin>, id: &str) -> Result<EntitlementRow> {
    store::find(&mut s.tx, parse_id(id)?)
        .await?
        .ok_or_else(not_found)
}

async fn show_entitlement(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
) -> Result<EntitlementPage> {
    let e = find(&mut s, &id).await?;
    let page = entitlement_page(&mut s, e, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn update_entitlement(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<EntitlementForm>,
) -> Result<Response> {
    let current = find(&mut s, &id).await?;
    let state = current.state();
    // The customer never changes; the allocation only while a draft.
    let input = EntitlementForm {
        customer_id: current.customer_id.to_string(),
        template_id: String::new(),
        allocation: if state == Status::Draft {
            input.allocation.clone()
        } else {
            current.allocation.clone()
        },
        ..input
    };
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = EntitlementInput::parse(&input).map_err(|e| errors = e) {
        let remaining = i64::from(current.remaining_units) + i64::from(parsed.total_units)
            - i64::from(current.total_units);
        if parsed.restrict_creation && remaining < 0 {
            errors.add("total", "entitlement-error-below-used");
        } else {
            let (status, due) = match state {
                Status::Waiting | Status::Active => {
                    let next = model::activation(parsed.starts_on, parsed.ends_on, today(&s));
                    let due = model::status_due_at(
                        next,
                        parsed.starts_on,
                        parsed.ends_on,
                        s.user.time_zone,
                    );
                    (next, due)
                }
                other => (other, None),
            };
            match store::update(&mut s.tx, &current, &parsed, status, due).await {
                Ok(()) => {
                    let to = format!("/admin/entitlements/{}", current.id);
                    return admin::saved(s, "entitlement-saved", &parsed.name, &to).await;
                }
                Err(SaveError::Choice(field)) => choice_error(&mut errors, field),
                Err(SaveError::Db(err)) => return Err(err.into()),
            }
        }
    }
    let page = entitlement_page(&mut s, current, Some(input), errors).await?;
    admin::unprocessable(page)
}

async fn activate(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let e = find(&mut s, &id).await?;
    let back = format!("/admin/entitlements/{}", e.id);
    if e.state() != Status::Draft {
        let message = s.page.t("entitlement-error-not-draft");
        return Ok(admin::refused(&s, message, &back).await);
    }
    let status = model::activation(e.starts_on, e.ends_on, today(&s));
    let due = model::status_due_at(status, e.starts_on, e.ends_on, s.user.time_zone);
    store::set_status(&mut s.tx, e.id, status, due).await?;
    let message = s.page.t1(
        "entitlement-status-now",
        "status",
        s.page.t(status.label_key()),
    );
    admin::done(s, message, &back).await
}

// Templates --------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "entitlements/templates.html")]
pub struct TemplatesPage {
    ctx: PageCtx,
    templates: Vec<TemplateRow>,
    choices: Choices,
    input: TemplateForm,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "entitlements/template.html")]
pub struct TemplatePage {
    ctx: PageCtx,
    template: TemplateRow,
    choices: Choices,
    input: TemplateForm,
    errors: FieldErrors,
}

async fn templates_page(
    s: &mut SignedIn<Admin>,
    input: TemplateForm,
    errors: FieldErrors,
) -> Result<TemplatesPage> {
    Ok(TemplatesPage {
        ctx: s.page.clone(),
        templates: store::templates(&mut s.tx).await?,
        choices: choices(s).await?,
        input,
        errors,
    })
}

async fn list_templates(mut s: SignedIn<Admin>) -> Result<TemplatesPage> {
    let input = TemplateForm {
        allocation: Allocation::Cases.as_str().into(),
        decrease_on: DecreaseOn::Creation.as_str().into(),
        duration_days: "365".into(),
        ..TemplateForm::default()
    };
    let page = templates_page(&mut s, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

fn template_error(errors: &mut FieldErrors, err: TemplateError) -> Result<()> {
    match err {
        TemplateError::NameTaken => errors.add("name", "error-name-taken"),
        TemplateError::Sla => errors.add("sla_id", "error-choose-option"),
        TemplateError::Db(err) => return Err(err.into()),
    }
    Ok(())
}

async fn create_template(
    mut s: SignedIn<Admin>,
    Form(input): Form<TemplateForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = TemplateInput::parse(&input).map_err(|e| errors = e) {
        match store::create_template(&mut s.tx, &parsed).await {
            Ok(id) => {
                let to = format!("/admin/entitlements/templates/{id}");
                return admin::saved(s, "catalog-item-created", &parsed.name, &to).await;
            }
            Err(err) => template_error(&mut errors, err)?,
        }
    }
    let page = templates_page(&mut s, input, errors).await?;
    admin::unprocessable(page)
}

fn template_form(t: &TemplateRow) -> TemplateForm {
    TemplateForm {
        name: t.name.clone(),
        allocation: t.allocation.clone(),
        total: t.total_text(),
        decrease_on: t.decrease_on.clone(),
        restrict_creation: if t.restrict_creation {
            "1".into()
        } else {
            String::new()
        },
        sla_id: t.sla_id.map(|i| i.to_string()).unwrap_or_default(),
        duration_days: t.duration_days.to_string(),
    }
}

async fn find_template(s: &mut SignedIn<Admin>, id: &str) -> Result<TemplateRow> {
    store::find_template(&mut s.tx, parse_id(id)?)
        .await?
        .ok_or_else(not_found)
}

async fn show_template(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<TemplatePage> {
    let template = find_template(&mut s, &id).await?;
    let page = TemplatePage {
        ctx: s.page.clone(),
        input: template_form(&template),
        template,
        choices: choices(&mut s).await?,
        errors: FieldErrors::default(),
    };
    s.tx.commit().await?;
    Ok(page)
}

async fn update_template(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<TemplateForm>,
) -> Result<Response> {
    let template = find_template(&mut s, &id).await?;
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = TemplateInput::parse(&input).map_err(|e| errors = e) {
        match store::update_template(&mut s.tx, template.id, &parsed).await {
            Ok(()) => {
                let to = format!("/admin/entitlements/templates/{}", template.id);
                return admin::saved(s, "catalog-item-saved", &parsed.name, &to).await;
            }
            Err(err) => template_error(&mut errors, err)?,
        }
    }
    let page = TemplatePage {
        ctx: s.page.clone(),
        template,
        choices: choices(&mut s).await?,
        input,
        errors,
    };
    admin::unprocessable(page)
}

struct Templates;

impl Switch for Templates {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(template) = store::find_template(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_template_active(tx, template.id, active).await?;
        Ok(Switched::Done(template.name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/entitlements/templates/{id}")
    }
}
