//! Pages of the simple catalog lists: one set of handlers for every list.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::{CaseState, ListItemForm, ListItemInput, ListKind};
use crate::catalog::store::{self, ListItem, WriteError};
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};
use crate::web::session::{FlashKind, push_flash};

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
                    move |s: SignedIn<Admin>, p: Path<String>| set_active(kind, s, p, false),
                ),
                Route::post(
                    paths.reactivate,
                    item,
                    move |s: SignedIn<Admin>, p: Path<String>| set_active(kind, s, p, true),
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
        match store::create_item(&mut s.tx, kind, &item).await {
            Ok(_) => {
                s.tx.commit().await?;
                push_flash(
                    &s.session,
                    FlashKind::Success,
                    s.page.t1("catalog-item-created", "name", &item.name),
                )
                .await;
                return Ok(Redirect::to(kind.paths().list).into_response());
            }
            Err(WriteError::NameTaken) => errors.add("name", "error-name-taken"),
            Err(WriteError::Db(err)) => return Err(err.into()),
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
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
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
        match store::update_item(&mut s.tx, kind, item.id, &parsed).await {
            Ok(_) => {
                s.tx.commit().await?;
                push_flash(
                    &s.session,
                    FlashKind::Success,
                    s.page.t1("catalog-item-saved", "name", &parsed.name),
                )
                .await;
                return Ok(Redirect::to(kind.paths().list).into_response());
            }
            Err(WriteError::NameTaken) => errors.add("name", "error-name-taken"),
            Err(WriteError::Db(err)) => return Err(err.into()),
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
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn set_active(
    kind: ListKind,
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    active: bool,
) -> Result<Response> {
    let item = store::find_item(&mut s.tx, kind, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    store::set_item_active(&mut s.tx, kind, item.id, active).await?;
    s.tx.commit().await?;
    let key = if active {
        "catalog-item-reactivated"
    } else {
        "catalog-item-deactivated"
    };
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1(key, "name", &item.name),
    )
    .await;
    Ok(Redirect::to(kind.paths().list).into_response())
}
