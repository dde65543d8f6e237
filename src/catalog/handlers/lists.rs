//! Pages of the simple catalog lists: one set of handlers for every list.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::{CaseState, ListItemForm, ListItemInput, ListKind};
use crate::catalog::store::{self, ListItem};
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    ListKind::ALL
        .into_iter()
        .flat_map(|kind| {
            let paths = kind.paths();
            let item = Access::TenantObject(Role::Admin, ObjectKind::Row(kind.table()));
            [
                Route::get(paths.list, admin, move |s: SignedIn<Admin>| {
                    list_items(kind, s)
                }),
                Route::post(
                    paths.list,
                    admin,
                    move |s: SignedIn<Admin>, f: Form<ListItemForm>| create_item(kind, s, f),
                ),
                Route::get(
                    paths.item,
                    item,
                    move |s: SignedIn<Admin>, p: Path<String>| show_item(kind, s, p),
                ),
                Route::post(
                    paths.item,
                    item,
                    move |s: SignedIn<Admin>, p: Path<String>, f: Form<ListItemForm>| {
                        update_item(kind, s, p, f)
                    },
                ),
                Route::post(
                    paths.deactivate,
                    item,
                    move |s: SignedIn<Admin>, Path(id): Path<String>| {
                        admin::set_active(kind, s, id, false)
                    },
                ),
                Route::post(
                    paths.reactivate,
                    item,
                    move |s: SignedIn<Admin>, Path(id): Path<String>| {
                        admin::set_active(kind, s, id, true)
                    },
                ),
            ]
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/list.html")]
pub struct ListPage {
    ctx: PageCtx,
    kind: ListKind,
    items: Vec<ListItem>,
    input: ListItemForm,
    errors: FieldErrors,
    states: [CaseState; 3],
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/item.html")]
pub struct ItemPage {
    ctx: PageCtx,
    kind: ListKind,
    item: ListItem,
    input: ListItemForm,
    errors: FieldErrors,
    states: [CaseState; 3],
}

fn blank_form(kind: ListKind) -> ListItemForm {
    ListItemForm {
        color: if kind.has_color() {
            "#0b5cad".into()
        } else {
            String::new()
        },
        state: CaseState::Active.as_str().into(),
        ..ListItemForm::default()
    }
}

fn form_of(item: &ListItem) -> ListItemForm {
    let (name_gl, name_en) = item.names.fields();
    ListItemForm {
        name: item.name.clone(),
        name_gl,
        name_en,
        sort_order: item.sort_order.to_string(),
        color: item.color.clone().unwrap_or_default(),
        state: item.state.clone().unwrap_or_default(),
        is_default: if item.is_default == Some(true) {
            "on".into()
        } else {
            String::new()
        },
    }
}

async fn list_items(kind: ListKind, mut s: SignedIn<Admin>) -> Result<ListPage> {
    let items = store::list_items(&mut s.tx, kind).await?;
    s.tx.commit().await?;
    Ok(ListPage {
        ctx: s.page,
        kind,
        items,
        input: blank_form(kind),
        errors: FieldErrors::default(),
        states: CaseState::ALL,
    })
}

async fn create_item(
    kind: ListKind,
    mut s: SignedIn<Admin>,
    Form(input): Form<ListItemForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Ok(item) = ListItemInput::parse(kind, &input).map_err(|e| errors = e) {
        let written = store::create_item(&mut s.tx, kind, &item).await;
        if admin::unless_taken(written, &mut errors, "name", "error-name-taken")?.is_some() {
            return admin::saved(s, "catalog-item-created", &item.name, kind.paths().list).await;
        }
    }
    let mut s = s;
    let items = store::list_items(&mut s.tx, kind).await?;
    let page = ListPage {
        ctx: s.page,
        kind,
        items,
        input,
        errors,
        states: CaseState::ALL,
    };
    admin::unprocessable(page)
}

async fn show_item(
    kind: ListKind,
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
) -> Result<ItemPage> {
    let item = store::find_item(&mut s.tx, kind, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    s.tx.commit().await?;
    Ok(ItemPage {
        ctx: s.page,
        kind,
        input: form_of(&item),
        item,
        errors: FieldErrors::default(),
        states: CaseState::ALL,
    })
}

async fn update_item(
    kind: ListKind,
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<ListItemForm>,
) -> Result<Response> {
    let item = store::find_item(&mut s.tx, kind, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let mut errors = FieldErrors::default();
    if let Ok(parsed) = ListItemInput::parse(kind, &input).map_err(|e| errors = e) {
        let written = store::update_item(&mut s.tx, kind, item.id, &parsed).await;
        if admin::unless_taken(written, &mut errors, "name", "error-name-taken")?.is_some() {
            return admin::saved(s, "catalog-item-saved", &parsed.name, kind.paths().list).await;
        }
    }
    let page = ItemPage {
        ctx: s.page,
        kind,
        item,
        input,
        errors,
        states: CaseState::ALL,
    };
    admin::unprocessable(page)
}

/// A list's entries are turned off and on in place; the list shows both.
impl Switch for ListKind {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(item) = store::find_item(tx, *self, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_item_active(tx, *self, item.id, active).await?;
        Ok(Switched::Done(item.name))
    }

    fn back(&self, _: Uuid) -> String {
        self.paths().list.to_owned()
    }
}
