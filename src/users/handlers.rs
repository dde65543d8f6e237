use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::error::{Result, not_found};
use crate::users::model::{self, NewUser, NewUserForm, Role};
use crate::users::store::{self, UserRow};
use crate::web::form::{FieldError, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
pub struct UserListPage {
    ctx: PageCtx,
    users: Vec<UserRow>,
}

pub async fn list_users(mut s: SignedIn<Admin>) -> Result<UserListPage> {
    let users = store::list(&mut s.tx).await?;
    s.tx.commit().await?;
    Ok(UserListPage { ctx: s.page, users })
}

#[derive(Template, WebTemplate)]
#[template(path = "users/new.html")]
pub struct NewUserPage {
    ctx: PageCtx,
    input: NewUserForm,
    errors: FieldErrors,
    roles: [Role; 3],
}

pub async fn new_user(s: SignedIn<Admin>) -> NewUserPage {
    NewUserPage {
        ctx: s.page,
        input: NewUserForm {
            role: Role::Agent.as_str().to_owned(),
            ..NewUserForm::default()
        },
        errors: FieldErrors::default(),
        roles: Role::ALL,
    }
}

pub async fn create_user(
    mut s: SignedIn<Admin>,
    Form(input): Form<NewUserForm>,
) -> Result<Response> {
    let redisplay = |ctx: PageCtx, input: NewUserForm, errors: FieldErrors| {
        let input = NewUserForm {
            password: String::new(),
            ..input
        };
        admin::unprocessable(NewUserPage {
            ctx,
            input,
            errors,
            roles: Role::ALL,
        })
    };
    let user = match NewUser::parse(&input) {
        Ok(user) => user,
        Err(errors) => return redisplay(s.page, input, errors),
    };
    let hash = tokio::task::spawn_blocking(move || user.password.hash().map(|h| (user, h)))
        .await
        .map_err(anyhow::Error::from)??;
    let (user, hash) = hash;
    let tenant_id = s.tx.tenant_id();
    let written = store::create(
        &mut s.tx,
        tenant_id,
        &user.email,
        &user.name,
        user.role,
        &hash,
    )
    .await;
    let mut errors = FieldErrors::default();
    if admin::unless_taken(written, &mut errors, "email", "error-email-taken")?.is_none() {
        return redisplay(s.page, input, errors);
    }
    admin::saved(s, "user-created", &user.name, "/admin/users").await
}

#[derive(Template, WebTemplate)]
#[template(path = "users/show.html")]
pub struct UserPage {
    ctx: PageCtx,
    user: UserRow,
    roles: [Role; 3],
    is_me: bool,
}

pub async fn show_user(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<UserPage> {
    let user = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    s.tx.commit().await?;
    Ok(UserPage {
        is_me: user.id == s.user.id,
        ctx: s.page,
        user,
        roles: Role::ALL,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<RoleForm>,
) -> Result<Response> {
    let user = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let back = format!("/admin/users/{}", user.id);
    let Some(role) = Role::parse(&input.role) else {
        return Ok(admin::refused(&s, s.page.t("error-choose-option"), &back).await);
    };
    if role != Role::Admin {
        let admins = store::lock_active_admins(&mut s.tx).await?;
        if model::may_stop_being_admin(&admins, user.id).is_err() {
            return Ok(admin::refused(&s, s.page.t("user-last-admin"), &back).await);
        }
    }
    store::set_role(&mut s.tx, user.id, role).await?;
    tracing::info!(user = %user.id, role = %role, "role changed");
    admin::saved(s, "user-role-changed", &user.name, &back).await
}

pub async fn deactivate_user(s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let me = s.user.id;
    admin::set_active(Users { me }, s, id, false).await
}

pub async fn reactivate_user(s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let me = s.user.id;
    admin::set_active(Users { me }, s, id, true).await
}

/// Users as the signed-in admin `me` turns them off and on: never oneself,
/// and never the workspace's last active admin.
struct Users {
    me: Uuid,
}

impl Switch for Users {
    const SAID: (&'static str, &'static str) = ("user-reactivated", "user-deactivated");

    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(user) = store::find(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        if !active {
            if user.id == self.me {
                return Ok(Switched::Refused(FieldError::plain("user-not-yourself")));
            }
            let admins = store::lock_active_admins(tx).await?;
            if model::may_stop_being_admin(&admins, user.id).is_err() {
                return Ok(Switched::Refused(FieldError::plain("user-last-admin")));
            }
        }
        store::set_active(tx, user.id, active).await?;
        if !active {
            tracing::info!(user = %user.id, "user deactivated");
        }
        Ok(Switched::Done(user.name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/users/{id}")
    }
}
