//! The customer list and search, the customer page (ficha), and creating,
//! editing and deactivating customers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum_htmx::{HxRequest, HxRetarget};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::admin;
use crate::auth::signed_in::SignedIn;
use crate::catalog::model::ListKind;
use crate::catalog::store::Choice;
use crate::customers::model::{CustomerForm, CustomerInput, CustomerKind};
use crate::customers::store::{self, CustomerDetail, CustomerRow, SearchFilter, SearchText};
use crate::error::{Result, not_found};
use crate::web::form::{FieldErrors, Form, Query, parse_id};
use crate::web::page::PageCtx;

pub const PAGE_SIZE: i64 = 25;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub kind: String,
    pub inactive: String,
    /// Keyset cursor: "lowercased name|uuid" of the last row of the previous page.
    pub after: String,
}

impl ListQuery {
    pub fn filter(&self) -> SearchFilter {
        SearchFilter {
            kind: CustomerKind::parse(&self.kind),
            include_inactive: !self.inactive.is_empty(),
        }
    }

    fn cursor(&self) -> Option<(String, Uuid)> {
        let (name, id) = self.after.rsplit_once('|')?;
        Some((name.to_owned(), Uuid::parse_str(id).ok()?))
    }

    /// The query string of this search, for links that keep it (export, next page).
    pub fn query_string(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("inactive", &self.inactive),
        ] {
            if !v.is_empty() {
                pairs.append_pair(k, v);
            }
        }
        pairs.finish()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/list.html")]
pub struct CustomerListPage {
    ctx: PageCtx,
    query: ListQuery,
    rows: Vec<CustomerRow>,
    next_page: Option<String>,
    searched: bool,
}

pub async fn list_customers(
    mut s: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<CustomerListPage> {
    let text = SearchText::parse(&query.q);
    let browsing = text == SearchText::All;
    let mut rows = store::search(
        &mut s.tx,
        &text,
        &query.filter(),
        query.cursor(),
        PAGE_SIZE + 1,
    )
    .await?;
    s.tx.commit().await?;
    let next_page = if browsing && rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|last| {
            let mut q = query.query_string();
            let cursor = format!("{}|{}", last.name.to_lowercase(), last.id);
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .append_pair("after", &cursor)
                    .finish(),
            );
            format!("/customers?{q}")
        })
    } else {
        rows.truncate(PAGE_SIZE as usize);
        None
    };
    Ok(CustomerListPage {
        ctx: s.page,
        searched: !browsing,
        query,
        rows,
        next_page,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "customers/form.html")]
pub struct CustomerFormPage {
    ctx: PageCtx,
    /// The customer being edited; None when creating.
    editing: Option<CustomerDetail>,
    input: CustomerForm,
    errors: FieldErrors,
    service_levels: Vec<Choice>,
    roles: Vec<Choice>,
}

impl CustomerFormPage {
    /// Lets the shared field templates read this page as `page`, in the full
    /// page and in the side panel alike.
    pub fn page(&self) -> &Self {
        self
    }

    pub fn has_role(&self, id: &Uuid) -> bool {
        self.input.roles.iter().any(|r| r == &id.to_string())
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(customer) => format!("/customers/{}/edit", customer.row.id),
            None => "/customers".to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "customers/_inline_form.html")]
pub struct InlineForm<'a> {
    page: &'a CustomerFormPage,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    kind: String,
    name: String,
    account: String,
    inline: String,
}

async fn form_page(
    s: &mut SignedIn,
    editing: Option<CustomerDetail>,
    input: CustomerForm,
    errors: FieldErrors,
) -> Result<CustomerFormPage> {
    Ok(CustomerFormPage {
        service_levels: s.lists.choices(&mut s.tx, ListKind::ServiceLevels).await?,
        roles: s.lists.choices(&mut s.tx, ListKind::CustomerRoles).await?,
        ctx: s.page.clone(),
        editing,
        input,
        errors,
    })
}

pub async fn new_customer(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    Query(q): Query<NewQuery>,
) -> Result<Response> {
    let roles = s.lists.choices(&mut s.tx, ListKind::CustomerRoles).await?;
    // New customers start as "Cliente", the role nearly every case needs.
    let default_role = roles
        .first()
        .map(|r| r.id.to_string())
        .into_iter()
        .collect();
    let input = CustomerForm {
        kind: CustomerKind::parse(&q.kind)
            .unwrap_or(CustomerKind::Contact)
            .as_str()
            .into(),
        name: q.name,
        account_document: q.account,
        roles: default_role,
        inline: q.inline.clone(),
        ..CustomerForm::default()
    };
    let inline = htmx && !q.inline.is_empty();
    let page = form_page(&mut s, None, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    if inline {
        return Ok(InlineForm { page: &page }
            .render()
            .map(axum::response::Html)
            .map_err(anyhow::Error::from)?
            .into_response());
    }
    Ok(page.into_response())
}

/// Resolves the references of a parsed form (account by CNPJ, service level,
/// roles) and files errors for the ones that do not exist.
async fn references(
    s: &mut SignedIn,
    input: &CustomerInput,
    errors: &mut FieldErrors,
) -> Result<Option<Uuid>> {
    let account = match &input.account_document {
        Some(cnpj) => {
            let found = store::account_by_document(&mut s.tx, cnpj.normalized()).await?;
            if found.is_none() {
                errors.add("account_document", "error-account-not-found");
            }
            found
        }
        None => None,
    };
    let (level_ok, roles_ok) =
        store::valid_references(&mut s.tx, input.service_level_id, &input.roles).await?;
    if !level_ok {
        errors.add("service_level_id", "error-choose-option");
    }
    if !roles_ok {
        errors.add("roles", "error-choose-option");
    }
    Ok(account)
}

pub async fn create_customer(
    mut s: SignedIn,
    HxRequest(htmx): HxRequest,
    Form(input): Form<CustomerForm>,
) -> Result<Response> {
    let inline = htmx && !input.inline.is_empty();
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = CustomerInput::parse(&input).map_err(|e| errors = e) {
        let account = references(&mut s, &parsed, &mut errors).await?;
        if errors.is_empty() {
            let written = store::create(&mut s.tx, &parsed, account).await;
            if let Some(id) =
                admin::unless_taken(written, &mut errors, "document", "error-document-taken")?
            {
                tracing::info!(customer = %id, "customer created");
                if inline {
                    return crate::customers::picker::picked_response(s, id).await;
                }
                let to = format!("/customers/{id}");
                return admin::saved(s, "customer-created", &parsed.name, &to).await;
            }
        }
    }
    let mut s = s;
    let page = form_page(&mut s, None, input, errors).await?;
    if inline {
        let html = InlineForm { page: &page }
            .render()
            .map_err(anyhow::Error::from)?;
        let retarget = HxRetarget("#customer-inline".into());
        return admin::unprocessable((retarget, axum::response::Html(html)));
    }
    admin::unprocessable(page)
}

pub async fn edit_customer(mut s: SignedIn, Path(id): Path<String>) -> Result<CustomerFormPage> {
    let customer = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let roles = store::role_names(&mut s.tx, customer.row.id).await?;
    let account_document = match customer.row.account_id {
        Some(account) => store::find(&mut s.tx, account)
            .await?
            .map(|a| a.row.document_text())
            .unwrap_or_default(),
        None => String::new(),
    };
    let input = CustomerForm {
        kind: customer.row.kind.clone(),
        name: customer.row.name.clone(),
        trade_name: customer.row.trade_name.clone().unwrap_or_default(),
        document: customer.row.document_text(),
        account_document,
        service_level_id: customer
            .service_level
            .as_ref()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        roles: roles.iter().map(|(id, _)| id.to_string()).collect(),
        notes: customer.notes.clone(),
        ..CustomerForm::default()
    };
    let page = form_page(&mut s, Some(customer), input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

pub async fn update_customer(
    mut s: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<CustomerForm>,
) -> Result<Response> {
    let customer = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    // The kind is fixed: an account does not become a person.
    let input = CustomerForm {
        kind: customer.row.kind.clone(),
        ..input
    };
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = CustomerInput::parse(&input).map_err(|e| errors = e) {
        let account = references(&mut s, &parsed, &mut errors).await?;
        if account == Some(customer.row.id) {
            errors.add("account_document", "error-choose-option");
        }
        if errors.is_empty() {
            let written = store::update(&mut s.tx, customer.row.id, &parsed, account).await;
            if admin::unless_taken(written, &mut errors, "document", "error-document-taken")?
                .is_some()
            {
                let to = format!("/customers/{}", customer.row.id);
                return admin::saved(s, "customer-saved", &parsed.name, &to).await;
            }
        }
    }
    let mut s = s;
    let page = form_page(&mut s, Some(customer), input, errors).await?;
    admin::unprocessable(page)
}
