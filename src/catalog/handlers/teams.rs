//! Teams (perfis): who works together, and who a case can be forwarded to.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::optional_id;
use crate::catalog::store::{self, Member, WriteError};
use crate::catalog::translations::Names;
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::users::store::UserRow;
use crate::web::form::{self, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};
use crate::web::session::{FlashKind, push_flash};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("teams"));
    vec![
        Route::get("/admin/teams", admin, list_teams),
        Route::post("/admin/teams", admin, create_team),
        Route::get("/admin/teams/{id}", one, show_team),
        Route::post("/admin/teams/{id}", one, rename_team),
        Route::post("/admin/teams/{id}/members", one, add_member),
        Route::post("/admin/teams/{id}/members/remove", one, remove_member),
        Route::post(
            "/admin/teams/{id}/deactivate",
            one,
            |s: SignedIn<Admin>, p: Path<String>| set_active(s, p, false),
        ),
        Route::post(
            "/admin/teams/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, p: Path<String>| set_active(s, p, true),
        ),
    ]
}

pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub members: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/teams.html")]
pub struct TeamsPage {
    ctx: PageCtx,
    teams: Vec<TeamRow>,
    input_name: String,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/team.html")]
pub struct TeamPage {
    ctx: PageCtx,
    id: Uuid,
    name: String,
    active: bool,
    members: Vec<Member>,
    /// Active users not yet in the team.
    candidates: Vec<UserRow>,
    input: TeamForm,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamForm {
    name: String,
    name_gl: String,
    name_en: String,
    user_id: String,
}

async fn team_rows(s: &mut SignedIn<Admin>) -> Result<Vec<TeamRow>> {
    let sizes = store::team_sizes(&mut s.tx).await?;
    Ok(store::teams(&mut s.tx)
        .await?
        .into_iter()
        .map(|(id, name, active)| TeamRow {
            members: sizes
                .iter()
                .find(|(t, _)| *t == id)
                .map(|(_, n)| *n)
                .unwrap_or(0),
            id,
            name,
            active,
        })
        .collect())
}

async fn list_teams(mut s: SignedIn<Admin>) -> Result<TeamsPage> {
    let teams = team_rows(&mut s).await?;
    s.tx.commit().await?;
    Ok(TeamsPage {
        ctx: s.page,
        teams,
        input_name: String::new(),
        errors: FieldErrors::default(),
    })
}

async fn create_team(mut s: SignedIn<Admin>, Form(input): Form<TeamForm>) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Some(name) = errors.check("name", form::required_line(&input.name, 120)) {
        match store::create_team(&mut s.tx, &name).await {
            Ok(id) => {
                s.tx.commit().await?;
                push_flash(
                    &s.session,
                    FlashKind::Success,
                    s.page.t1("catalog-item-created", "name", &name),
                )
                .await;
                return Ok(Redirect::to(&format!("/admin/teams/{id}")).into_response());
            }
            Err(WriteError::NameTaken) => errors.add("name", "error-name-taken"),
            Err(WriteError::Db(err)) => return Err(err.into()),
        }
    }
    let teams = team_rows(&mut s).await?;
    let page = TeamsPage {
        ctx: s.page,
        teams,
        input_name: input.name,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn team_page(
    s: &mut SignedIn<Admin>,
    id: Uuid,
    input: Option<TeamForm>,
    errors: FieldErrors,
) -> Result<TeamPage> {
    let (name, names, active) = store::team_with_names(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let members = store::team_members(&mut s.tx, id).await?;
    let candidates = crate::users::store::list(&mut s.tx)
        .await?
        .into_iter()
        .filter(|u| u.active && !members.iter().any(|m| m.user_id == u.id))
        .collect();
    Ok(TeamPage {
        ctx: s.page.clone(),
        id,
        input: input.unwrap_or_else(|| {
            let (name_gl, name_en) = names.fields();
            TeamForm {
                name: name.clone(),
                name_gl,
                name_en,
                user_id: String::new(),
            }
        }),
        name,
        active,
        members,
        candidates,
        errors,
    })
}

async fn show_team(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<TeamPage> {
    let page = team_page(&mut s, parse_id(&id)?, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn rename_team(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<TeamForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::find_team(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", form::required_line(&input.name, 120));
    let names = Names::parse(&input.name_gl, &input.name_en, &mut errors);
    if let (Some(name), true) = (name, errors.is_empty()) {
        match store::rename_team(&mut s.tx, id, &name, &names).await {
            Ok(_) => {
                s.tx.commit().await?;
                push_flash(
                    &s.session,
                    FlashKind::Success,
                    s.page.t1("catalog-item-saved", "name", &name),
                )
                .await;
                return Ok(Redirect::to(&format!("/admin/teams/{id}")).into_response());
            }
            Err(WriteError::NameTaken) => errors.add("name", "error-name-taken"),
            Err(WriteError::Db(err)) => return Err(err.into()),
        }
    }
    let page = team_page(&mut s, id, Some(input), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn add_member(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<TeamForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::find_team(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let user = match optional_id(&input.user_id) {
        Ok(Some(user_id)) => crate::users::store::find(&mut s.tx, user_id).await?,
        _ => None,
    };
    match user {
        Some(user) if user.active => {
            store::add_member(&mut s.tx, id, user.id).await?;
            s.tx.commit().await?;
            push_flash(
                &s.session,
                FlashKind::Success,
                s.page.t1("team-member-added", "name", &user.name),
            )
            .await;
        }
        _ => {
            push_flash(
                &s.session,
                FlashKind::Error,
                s.page.t("error-choose-option"),
            )
            .await
        }
    }
    Ok(Redirect::to(&format!("/admin/teams/{id}")).into_response())
}

async fn remove_member(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<TeamForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::find_team(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    if let Ok(Some(user_id)) = optional_id(&input.user_id) {
        store::remove_member(&mut s.tx, id, user_id).await?;
        s.tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/admin/teams/{id}")).into_response())
}

async fn set_active(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    active: bool,
) -> Result<Response> {
    let id = parse_id(&id)?;
    let (name, _) = store::find_team(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    store::set_team_active(&mut s.tx, id, active).await?;
    s.tx.commit().await?;
    let key = if active {
        "catalog-item-reactivated"
    } else {
        "catalog-item-deactivated"
    };
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1(key, "name", &name),
    )
    .await;
    Ok(Redirect::to(&format!("/admin/teams/{id}")).into_response())
}
