//! Teams (perfis): who works together, and who a case can be forwarded to.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::optional_id;
use crate::catalog::store::{self, Member};
use crate::catalog::translations::Names;
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::users::store::UserRow;
use crate::web::form::{self, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

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
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Teams, s, id, false),
        ),
        Route::post(
            "/admin/teams/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Teams, s, id, true),
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
        let written = store::create_team(&mut s.tx, &name).await;
        if let Some(id) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/teams/{id}");
            return admin::saved(s, "catalog-item-created", &name, &to).await;
        }
    }
    let teams = team_rows(&mut s).await?;
    let page = TeamsPage {
        ctx: s.page,
        teams,
        input_name: input.name,
        errors,
    };
    admin::unprocessable(page)
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
        let written = store::rename_team(&mut s.tx, id, &name, &names).await;
        if admin::unless_taken(written, &mut errors, "name", "error-name-taken")?.is_some() {
            let to = format!("/admin/teams/{id}");
            return admin::saved(s, "catalog-item-saved", &name, &to).await;
        }
    }
    let page = team_page(&mut s, id, Some(input), errors).await?;
    admin::unprocessable(page)
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
    let back = format!("/admin/teams/{id}");
    match user {
        Some(user) if user.active => {
            store::add_member(&mut s.tx, id, user.id).await?;
            admin::saved(s, "team-member-added", &user.name, &back).await
        }
        _ => Ok(admin::refused(&s, s.page.t("error-choose-option"), &back).await),
    }
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

struct Teams;

impl Switch for Teams {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some((name, _)) = store::find_team(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_team_active(tx, id, active).await?;
        Ok(Switched::Done(name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/teams/{id}")
    }
}
