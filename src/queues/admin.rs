//! The admin pages of queues: the list with its counts, a queue's name,
//! description, privacy and members, and turning it off.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::store::Choice;
use crate::catalog::translations::Names;
use crate::error::{Result, not_found};
use crate::queues::store::{self, MemberRow, QueueInput, QueueRow};
use crate::users::model::Role;
use crate::web::form::{self, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("queues"));
    vec![
        Route::get("/admin/queues", admin, list_queues),
        Route::post("/admin/queues", admin, create_queue),
        Route::get("/admin/queues/{id}", one, show_queue),
        Route::post("/admin/queues/{id}", one, save_queue),
        Route::post("/admin/queues/{id}/members", one, add_member),
        Route::post("/admin/queues/{id}/members/remove", one, remove_member),
        Route::post(
            "/admin/queues/{id}/deactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Queues, s, id, false),
        ),
        Route::post(
            "/admin/queues/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Queues, s, id, true),
        ),
    ]
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueForm {
    name: String,
    name_gl: String,
    name_en: String,
    description: String,
    /// "on" when ticked.
    is_private: String,
    /// "user:<id>" or "team:<id>".
    member: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "queues/admin_list.html")]
pub struct QueuesPage {
    ctx: PageCtx,
    queues: Vec<QueueRow>,
    input: QueueForm,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "queues/admin_queue.html")]
pub struct QueuePage {
    ctx: PageCtx,
    id: Uuid,
    name: String,
    active: bool,
    members: Vec<MemberRow>,
    /// Active users and teams not yet members.
    users: Vec<Choice>,
    teams: Vec<Choice>,
    input: QueueForm,
    errors: FieldErrors,
}

/// The form's fields checked, with what the page needs to save them.
struct Checked {
    name: String,
    names: Names,
    description: String,
    is_private: bool,
}

fn check(input: &QueueForm, errors: &mut FieldErrors) -> Option<Checked> {
    let name = errors.check("name", form::required_line(&input.name, 120));
    let description = errors.check("description", form::multiline(&input.description, 500));
    let names = Names::parse(&input.name_gl, &input.name_en, errors);
    match (name, description) {
        (Some(name), Some(description)) if errors.is_empty() => Some(Checked {
            name,
            names,
            description,
            is_private: input.is_private == "on",
        }),
        _ => None,
    }
}

async fn list_page(
    s: &mut SignedIn<Admin>,
    input: QueueForm,
    errors: FieldErrors,
) -> Result<QueuesPage> {
    Ok(QueuesPage {
        queues: store::all(&mut s.tx, s.user.id).await?,
        ctx: s.page.clone(),
        input,
        errors,
    })
}

async fn list_queues(mut s: SignedIn<Admin>) -> Result<QueuesPage> {
    let page = list_page(&mut s, QueueForm::default(), FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn create_queue(mut s: SignedIn<Admin>, Form(input): Form<QueueForm>) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Some(checked) = check(&input, &mut errors) {
        let written = store::create(
            &mut s.tx,
            &QueueInput {
                name: &checked.name,
                names: &checked.names,
                description: &checked.description,
                is_private: checked.is_private,
            },
        )
        .await;
        if let Some(id) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/queues/{id}");
            return admin::saved(s, "catalog-item-created", &checked.name, &to).await;
        }
    }
    let page = list_page(&mut s, input, errors).await?;
    admin::unprocessable(page)
}

async fn queue_page(
    s: &mut SignedIn<Admin>,
    id: Uuid,
    input: Option<QueueForm>,
    errors: FieldErrors,
) -> Result<QueuePage> {
    let (name, names, description, is_private, active) = store::for_form(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let members = store::members(&mut s.tx, id).await?;
    let users = s
        .lists
        .users(&mut s.tx)
        .await?
        .into_iter()
        .filter(|u| !members.iter().any(|m| m.user_id == Some(u.id)))
        .collect();
    let teams = s
        .lists
        .teams(&mut s.tx)
        .await?
        .into_iter()
        .filter(|t| !members.iter().any(|m| m.team_id == Some(t.id)))
        .collect();
    Ok(QueuePage {
        ctx: s.page.clone(),
        id,
        input: input.unwrap_or_else(|| {
            let (name_gl, name_en) = names.fields();
            QueueForm {
                name: name.clone(),
                name_gl,
                name_en,
                description,
                is_private: if is_private {
                    "on".into()
                } else {
                    String::new()
                },
                member: String::new(),
            }
        }),
        name,
        active,
        members,
        users,
        teams,
        errors,
    })
}

async fn show_queue(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<QueuePage> {
    let page = queue_page(&mut s, parse_id(&id)?, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn save_queue(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<QueueForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::name_of(&mut s.tx, id).await?.ok_or_else(not_found)?;
    let mut errors = FieldErrors::default();
    if let Some(checked) = check(&input, &mut errors) {
        let written = store::update(
            &mut s.tx,
            id,
            &QueueInput {
                name: &checked.name,
                names: &checked.names,
                description: &checked.description,
                is_private: checked.is_private,
            },
        )
        .await;
        if admin::unless_taken(written, &mut errors, "name", "error-name-taken")?.is_some() {
            let to = format!("/admin/queues/{id}");
            return admin::saved(s, "catalog-item-saved", &checked.name, &to).await;
        }
    }
    let page = queue_page(&mut s, id, Some(input), errors).await?;
    admin::unprocessable(page)
}

/// "user:<id>" or "team:<id>", if that user or team is active.
async fn member_named(
    s: &mut SignedIn<Admin>,
    text: &str,
) -> Result<Option<(Option<Uuid>, Option<Uuid>, String)>> {
    let parsed = text
        .split_once(':')
        .and_then(|(kind, id)| Some((kind, Uuid::parse_str(id).ok()?)));
    Ok(match parsed {
        Some(("user", id)) => s
            .lists
            .users(&mut s.tx)
            .await?
            .into_iter()
            .find(|u| u.id == id)
            .map(|u| (Some(id), None, u.name)),
        Some(("team", id)) => s
            .lists
            .teams(&mut s.tx)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| (None, Some(id), t.name)),
        _ => None,
    })
}

async fn add_member(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<QueueForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::name_of(&mut s.tx, id).await?.ok_or_else(not_found)?;
    let back = format!("/admin/queues/{id}");
    match member_named(&mut s, &input.member).await? {
        Some((user, team, name)) => {
            store::add_member(&mut s.tx, id, user, team).await?;
            admin::saved(s, "queue-member-added", &name, &back).await
        }
        None => Ok(admin::refused(&s, s.page.t("error-choose-option"), &back).await),
    }
}

async fn remove_member(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<QueueForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::name_of(&mut s.tx, id).await?.ok_or_else(not_found)?;
    let parsed = input
        .member
        .split_once(':')
        .and_then(|(kind, id)| Some((kind, Uuid::parse_str(id).ok()?)));
    let (user, team) = match parsed {
        Some(("user", member)) => (Some(member), None),
        Some(("team", member)) => (None, Some(member)),
        _ => (None, None),
    };
    if user.is_some() || team.is_some() {
        store::remove_member(&mut s.tx, id, user, team).await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/queues/{id}")).into_response())
}

struct Queues;

impl Switch for Queues {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some((name, _)) = store::name_of(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_active(tx, id, active).await?;
        Ok(Switched::Done(name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/queues/{id}")
    }
}
