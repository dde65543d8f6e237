//! The case form: new case (full page and side-panel quick create), editing
//! with stale-edit conflicts, and everything the form does without
//! JavaScript (finding a customer, creating one, refreshing the cascade).

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_htmx::{HxRedirect, HxRequest};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::{Command, Context, Edit, Opening, decide_open, follow, open};
use crate::cases::handlers::conflict::{ConflictView, stale_edit};
use crate::cases::handlers::entitlement::{self, EntitlementField};
use crate::cases::handlers::{FormChoices, actor, case_path, find, form_choices, is, load, run};
use crate::cases::model::{CaseForm, CaseInput, CaseNumber, Owner, Refusal, local_input};
use crate::cases::stale::{self, Seen};
use crate::cases::store::{self, CaseRecord, CaseRow, Created, NewCase};
use crate::catalog::defaults::status;
use crate::catalog::model::{ListKind, optional_id};
use crate::catalog::store::Choice;
use crate::customers::model::{CustomerForm, CustomerInput};
use crate::customers::store::{self as customers, Alert, CustomerRow, SearchFilter, SearchText};
use crate::error::{AppError, Result};
use crate::sla::sync::{NewCaseClocks, plan_new_case};
use crate::web::form::{self, FieldErrors, Query};
use crate::web::page::PageCtx;
use crate::web::session::push_flash;

/// The customer chosen on the form, with what the agent must see at once.
pub struct ChosenCustomer {
    pub row: CustomerRow,
    pub alerts: Vec<Alert>,
}

/// The short customer form inside the case form (no-JS inline creation).
pub struct NewCustomerSection {
    pub input: CustomerForm,
    pub errors: FieldErrors,
    pub roles: Vec<Choice>,
}

impl NewCustomerSection {
    pub fn has_role(&self, id: &Uuid) -> bool {
        self.input.roles.iter().any(|r| r == &id.to_string())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/form.html")]
pub struct CaseFormPage {
    pub ctx: PageCtx,
    pub input: CaseForm,
    pub errors: FieldErrors,
    pub choices: FormChoices,
    pub editing: Option<CaseRecord>,
    /// Set when someone saved the case after this form was drawn.
    pub conflict: Option<ConflictView>,
    pub customer: Option<ChosenCustomer>,
    pub customer_q: String,
    pub customer_results: Option<Vec<CustomerRow>>,
    pub new_customer: Option<NewCustomerSection>,
    pub entitlement: EntitlementField,
}

impl CaseFormPage {
    pub fn is(&self, value: &str, id: &Uuid) -> bool {
        is(value, id)
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(case) => format!("{}/edit", case_path(case.number())),
            None => "/cases".to_owned(),
        }
    }

    pub fn owner_user(&self, id: &Uuid) -> bool {
        self.input.owner == Owner::User(*id).encode()
    }

    pub fn owner_team(&self, id: &Uuid) -> bool {
        self.input.owner == Owner::Team(*id).encode()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/_quick.html")]
pub struct QuickPanel {
    pub ctx: PageCtx,
    pub input: CaseForm,
    pub choices: FormChoices,
}

impl QuickPanel {
    pub fn is(&self, value: &str, id: &Uuid) -> bool {
        is(value, id)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewCaseQuery {
    customer: String,
    parent: String,
    quick: String,
}

/// Fields of a new case before anything is typed.
fn fresh_form(s: &SignedIn) -> CaseForm {
    CaseForm {
        direction: "inbound".into(),
        received_at: local_input(s.now, s.page.tz),
        idempotency_key: Uuid::now_v7().to_string(),
        ..CaseForm::default()
    }
}

pub async fn new_case(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    Query(q): Query<NewCaseQuery>,
) -> Result<Response> {
    let mut input = fresh_form(&s);
    input.priority_id = s.lists.default_priority(&mut s.tx).await?.to_string();
    if let Ok(Some(customer)) = optional_id(&q.customer) {
        input.customer_id = customer.to_string();
    }
    // A child case starts with its parent's customer, contact, product, subject and channel.
    if let Some(parent) = CaseNumber::parse(&q.parent)
        && let Some(parent) = find(&mut s, parent).await?
    {
        input.parent_case = parent.number().to_string();
        input.customer_id = parent.customer_id.to_string();
        input.contact_id = id_text(parent.contact_id);
        input.product_id = id_text(parent.product_id);
        input.subject_id = id_text(parent.subject_id);
        input.channel_id = id_text(parent.channel_id);
    }
    if htmx && !q.quick.is_empty() {
        let choices = form_choices(&s.lists, &mut s.tx, &input, "active").await?;
        s.tx.commit().await?;
        return Ok(QuickPanel {
            ctx: s.page,
            input,
            choices,
        }
        .into_response());
    }
    let page = form_page(&mut s, input, FieldErrors::default(), None).await?;
    s.tx.commit().await?;
    Ok(page.into_response())
}

fn id_text(id: Option<Uuid>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

pub(super) async fn form_page(
    s: &mut SignedIn,
    input: CaseForm,
    errors: FieldErrors,
    editing: Option<CaseRecord>,
) -> Result<CaseFormPage> {
    let state = editing
        .as_ref()
        .map_or("active", |case| case.state.as_str());
    let choices = form_choices(&s.lists, &mut s.tx, &input, state).await?;
    let entitlement = entitlement::field(s, &input, editing.as_ref(), &errors).await?;
    let customer = match optional_id(&input.customer_id).ok().flatten() {
        Some(id) => match customers::find_row(&mut s.tx, id).await? {
            Some(row) => Some(ChosenCustomer {
                alerts: customers::current_alerts(&mut s.tx, id, s.now).await?,
                row,
            }),
            None => None,
        },
        None => None,
    };
    Ok(CaseFormPage {
        ctx: s.page.clone(),
        input,
        errors,
        choices,
        editing,
        conflict: None,
        customer,
        customer_q: String::new(),
        customer_results: None,
        new_customer: None,
        entitlement,
    })
}

/// The submit buttons of the form: saving, or one of the no-JS helpers.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FormAction {
    action: String,
    /// The customer search typed into the picker.
    q: String,
}

/// The inline customer fields, prefixed so they never mix with the case's.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PrefixedCustomer {
    nc_kind: String,
    nc_name: String,
    nc_document: String,
    nc_email: String,
    nc_phone: String,
    nc_roles: Vec<String>,
}

impl PrefixedCustomer {
    fn form(self) -> CustomerForm {
        CustomerForm {
            kind: if self.nc_kind.is_empty() {
                "contact".into()
            } else {
                self.nc_kind
            },
            name: self.nc_name,
            document: self.nc_document,
            email: self.nc_email,
            phone: self.nc_phone,
            roles: self.nc_roles,
            ..CustomerForm::default()
        }
    }
}

/// POST /cases: saves the case, or serves one of the no-JS helpers.
pub async fn create_case(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    body: Bytes,
) -> Result<Response> {
    let input: CaseForm = form::parse(&body).ok_or(AppError::NotFound)?;
    let action: FormAction = form::parse(&body).unwrap_or_default();
    match action.action.as_str() {
        "refresh" => Ok(form_page(&mut s, input, FieldErrors::default(), None)
            .await?
            .into_response()),
        "change_customer" => {
            let input = CaseForm {
                customer_id: String::new(),
                contact_id: String::new(),
                entitlement_id: String::new(),
                ..input
            };
            Ok(form_page(&mut s, input, FieldErrors::default(), None)
                .await?
                .into_response())
        }
        "find_customer" => {
            let mut page = form_page(&mut s, input, FieldErrors::default(), None).await?;
            let text = SearchText::parse(&action.q);
            page.customer_results = Some(if text == SearchText::All {
                Vec::new()
            } else {
                customers::search(&mut s.tx, &text, &SearchFilter::default(), None, 20).await?
            });
            page.customer_q = action.q;
            Ok(page.into_response())
        }
        "new_customer" => {
            let mut page = form_page(&mut s, input, FieldErrors::default(), None).await?;
            let roles = s.lists.choices(&mut s.tx, ListKind::CustomerRoles).await?;
            page.new_customer = Some(NewCustomerSection {
                input: CustomerForm {
                    kind: "contact".into(),
                    name: action.q,
                    roles: roles
                        .first()
                        .map(|r| r.id.to_string())
                        .into_iter()
                        .collect(),
                    ..CustomerForm::default()
                },
                errors: FieldErrors::default(),
                roles,
            });
            Ok(page.into_response())
        }
        "create_customer" => create_customer_inline(s, input, &body).await,
        _ => save_new(s, htmx, input).await,
    }
}

async fn create_customer_inline(
    mut s: SignedIn,
    mut input: CaseForm,
    body: &[u8],
) -> Result<Response> {
    let fields: PrefixedCustomer = form::parse(body).unwrap_or_default();
    let customer_form = fields.form();
    let roles = s.lists.choices(&mut s.tx, ListKind::CustomerRoles).await?;
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = CustomerInput::parse(&customer_form).map_err(|e| errors = e) {
        let (level_ok, roles_ok) =
            customers::valid_references(&mut s.tx, None, &parsed.roles).await?;
        if !level_ok || !roles_ok {
            errors.add("roles", "error-choose-option");
        } else {
            match customers::create(&mut s.tx, &parsed, None).await {
                Ok(id) => {
                    input.customer_id = id.to_string();
                    input.contact_id = String::new();
                    let page = form_page(&mut s, input, FieldErrors::default(), None).await?;
                    s.tx.commit().await?;
                    return Ok(page.into_response());
                }
                Err(customers::SaveError::DocumentTaken) => {
                    errors.add("document", "error-document-taken")
                }
                Err(customers::SaveError::Db(err)) => return Err(err.into()),
            }
        }
    }
    let mut page = form_page(&mut s, input, FieldErrors::default(), None).await?;
    page.new_customer = Some(NewCustomerSection {
        input: customer_form,
        errors,
        roles,
    });
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn save_new(mut s: SignedIn, htmx: bool, input: CaseForm) -> Result<Response> {
    // A new case is a dozen key probes and inserts, the same plan whatever
    // was typed; planning them anew each time cost as much as running them.
    // The route begins its transaction so; this costs a round trip only
    // when something before it planned otherwise.
    s.tx.use_plans(crate::db::Plans::Generic).await?;
    let mut errors = FieldErrors::default();
    let mut parsed = CaseInput::parse(&input, s.page.tz, s.now)
        .map_err(|e| errors = e)
        .ok();
    let exception = match parsed.as_mut() {
        Some(parsed) => entitlement::decide(&mut s, &input, parsed, None, &mut errors).await?,
        None => None,
    };
    let resolved = match &parsed {
        Some(parsed) => Some(store::check_references(&mut s.tx, parsed, None, &mut errors).await?),
        None => None,
    };
    let (Some(parsed), Some(resolved), true) = (parsed, resolved, errors.is_empty()) else {
        let page = form_page(&mut s, input, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let priority_id = match parsed.priority_id {
        Some(id) => id,
        None => s.lists.default_priority(&mut s.tx).await?,
    };
    let status_reason_id = match parsed.status_reason_id {
        Some(id) => id,
        None => {
            s.lists
                .system_status(&mut s.tx, status::IN_PROGRESS)
                .await?
        }
    };
    let mut new_case = NewCase {
        id: Uuid::now_v7(),
        input: &parsed,
        priority_id,
        status_reason_id,
        related_case_id: resolved.related_case_id,
        parent_case_id: resolved.parent_case_id,
        now: s.now,
        author: s.user.id,
        clocks: NewCaseClocks::default(),
    };
    new_case.clocks = plan_new_case(
        &mut s.tx,
        Some(&s.lists),
        &follow::sla_view_of_new_case(&new_case, &resolved),
    )
    .await?;
    let channel = parsed.channel_id;
    let opening = Opening {
        owner: parsed.owner,
        entitlement: parsed.entitlement_id,
        exception,
    };
    let change = decide_open(&opening, &actor(&s));
    let at = Context {
        case: store::CaseKey::Id(new_case.id),
        actor: s.user.id,
        now: s.now,
        lists: Some(&s.lists),
        before: None,
    };
    let number = match open(&mut s.tx, at, &new_case, resolved.parent_case_id, change).await? {
        Created::Existing(number) => {
            // The same form came twice: one case, and the agent lands on it.
            s.tx.commit().await?;
            return Ok(to_case(htmx, number));
        }
        Created::New(number) => number,
    };
    // New cases of the channels the active rule set names are routed as
    // they come in.
    if s.lists
        .routing_rules(&mut s.tx)
        .await?
        .routes_new_cases_of(channel)
    {
        super::routing::route(&mut s, new_case.id).await?;
    }
    s.tx.commit().await?;
    tracing::info!(case = %number, "case created");
    Ok(to_case(htmx, number))
}

fn to_case(htmx: bool, number: CaseNumber) -> Response {
    let path = case_path(number);
    if htmx {
        return (HxRedirect(path.clone()), StatusCode::OK).into_response();
    }
    Redirect::to(&path).into_response()
}

/// The form's fields as the case holds them now.
pub(super) fn form_of(case: &CaseRecord, s: &SignedIn) -> CaseForm {
    CaseForm {
        title: case.title.clone(),
        customer_id: case.customer_id.to_string(),
        contact_id: id_text(case.contact_id),
        subject_id: id_text(case.subject_id),
        channel_id: id_text(case.channel_id),
        direction: case.direction.clone(),
        received_at: local_input(case.received_at, s.page.tz),
        product_id: id_text(case.product_id),
        serial_number: case.serial_number.clone(),
        lot_number: case.lot_number.clone(),
        manufactured_on: case
            .manufactured_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        expires_on: case.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        priority_id: case.priority_id.to_string(),
        status_reason_id: case.status_reason_id.to_string(),
        owner: case.owner().encode(),
        reason_id: id_text(case.reason_id),
        occurrence_id: id_text(case.occurrence_id),
        cause_id: id_text(case.cause_id),
        unit_id: id_text(case.unit_id),
        location_id: id_text(case.location_id),
        location_note: case.location_note.clone(),
        request_type_id: id_text(case.request_type_id),
        related_case: case.related().map(|n| n.to_string()).unwrap_or_default(),
        parent_case: case.parent().map(|n| n.to_string()).unwrap_or_default(),
        description: case.description.clone(),
        complementary_data: case.complementary_data.clone(),
        idempotency_key: String::new(),
        version: case.version.to_string(),
        quick: String::new(),
        entitlement_id: case
            .entitlement_id
            .map_or_else(|| "none".to_owned(), |id| id.to_string()),
        entitlement_reason: String::new(),
        seen: String::new(),
    }
}

pub async fn edit_case(mut s: SignedIn, Path(number): Path<String>) -> Result<CaseFormPage> {
    let case = load(&mut s, &number).await?;
    let mut input = form_of(&case, &s);
    input.seen = Seen::of(&input).to_text();
    let page = form_page(&mut s, input, FieldErrors::default(), Some(case)).await?;
    s.tx.commit().await?;
    Ok(page)
}

pub async fn update_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let before = load(&mut s, &number).await?;
    let input: CaseForm = form::parse(&body).ok_or(AppError::NotFound)?;
    let action: FormAction = form::parse(&body).unwrap_or_default();
    if action.action == "refresh" {
        return Ok(
            form_page(&mut s, input, FieldErrors::default(), Some(before))
                .await?
                .into_response(),
        );
    }
    let seen = Seen::parse(&input.seen);
    let version: i32 = input.version.trim().parse().unwrap_or(0);
    if version != before.version {
        return stale_edit(s, input, seen, before.id).await;
    }
    // Only what the person changed is written; the rest stays as stored.
    let stored = form_of(&before, &s);
    let edit = stale::merge(
        &input,
        Some(&seen.unwrap_or_else(|| Seen::of(&stored))),
        &stored,
    )
    .form;
    let mut errors = FieldErrors::default();
    let mut parsed = CaseInput::parse(&edit, s.page.tz, s.now)
        .map_err(|e| errors = e)
        .ok();
    // The form shows the time received to the minute: left as shown, the
    // stored time keeps its seconds.
    if edit.received_at == stored.received_at
        && let Some(parsed) = parsed.as_mut()
    {
        parsed.received_at = None;
    }
    let exception = match parsed.as_mut() {
        Some(parsed) => {
            entitlement::decide(&mut s, &edit, parsed, Some(&before), &mut errors).await?
        }
        None => None,
    };
    let resolved = match &parsed {
        Some(parsed) => {
            Some(store::check_references(&mut s.tx, parsed, Some(&before), &mut errors).await?)
        }
        None => None,
    };
    if let Some(parent) = resolved.as_ref().and_then(|r| r.parent_case_id)
        && parent != before.parent_case_id.unwrap_or_default()
        && store::is_ancestor(&mut s.tx, before.id, parent).await?
    {
        errors.add("parent_case", "error-parent-loop");
    }
    let (Some(parsed), Some(resolved), true) = (parsed, resolved, errors.is_empty()) else {
        let page = form_page(&mut s, input, errors, Some(before)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    store::lock(&mut s.tx, before.id).await?;
    let command = Command::EditFields {
        entitlement: parsed.entitlement_id,
        edit: Box::new(Edit {
            version,
            priority_id: parsed.priority_id.unwrap_or(before.priority_id),
            status_reason_id: parsed.status_reason_id.unwrap_or(before.status_reason_id),
            input: parsed,
            refs: resolved,
        }),
        entitlement_before: before.entitlement_id,
        exception,
    };
    match run(&mut s, &before, command).await? {
        Ok(_) => {}
        Err(Refusal::Stale) => {
            let seen = Seen::parse(&input.seen);
            return stale_edit(s, input, seen, before.id).await;
        }
        Err(refusal) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "an edit refused: {refusal:?}"
            )));
        }
    }
    // "Salvar e encaminhar": the rules read the case as just saved.
    let routed = if action.action == "save_route" {
        Some(super::routing::route(&mut s, before.id).await?)
    } else {
        None
    };
    s.tx.commit().await?;
    if let Some(outcome) = routed {
        let (kind, text) = super::routing::message(&s.page, &outcome);
        push_flash(&s.session, kind, text).await;
    }
    Ok(Redirect::to(&case_path(before.number())).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/_picked_customer.html")]
pub struct PickedForCase {
    ctx: PageCtx,
    chosen: ChosenCustomer,
    contacts: Vec<Choice>,
    recent_cases: Vec<CaseRow>,
    entitlement: EntitlementField,
}

/// The case form's picker after choosing a customer: the card with alerts,
/// and (out of band) the customer's contacts and recent cases. Choosing a
/// new customer clears the contact.
pub async fn pick_customer(
    mut s: SignedIn,
    Path(id): Path<String>,
    Query(form): Query<CaseForm>,
) -> Result<PickedForCase> {
    let id = crate::web::form::parse_id(&id)?;
    let found = customers::find_row(&mut s.tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The entitlements offered also depend on the channel, product and date
    // already on the form; the new customer's default is preselected.
    let input = CaseForm {
        customer_id: id.to_string(),
        entitlement_id: String::new(),
        ..form
    };
    let mut entitlement = entitlement::field(&mut s, &input, None, &FieldErrors::default()).await?;
    entitlement.oob = true;
    let names = s.lists.case_names(&mut s.tx).await?;
    let fragment = PickedForCase {
        entitlement,
        chosen: ChosenCustomer {
            alerts: customers::current_alerts(&mut s.tx, id, s.now).await?,
            row: found,
        },
        contacts: customers::contacts_for(&mut s.tx, id).await?,
        recent_cases: store::customer_cases(&mut s.tx, &names, id, 5).await?,
        ctx: s.page.clone(),
    };
    s.tx.commit().await?;
    Ok(fragment)
}
