use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::signed_in::{Admin, SignedIn};
use crate::error::{Result, not_found};
use crate::users::model::{self, NewUser, NewUserForm, Role};
use crate::users::store::{self, CreateError, UserRow};
use crate::web::form::{FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::session::{FlashKind, push_flash};

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
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            NewUserPage {
                ctx,
                input,
                errors,
                roles: Role::ALL,
            },
        )
            .into_response()
    };
    let user = match NewUser::parse(&input) {
        Ok(user) => user,
        Err(errors) => return Ok(redisplay(s.page, input, errors)),
    };
    let hash = tokio::task::spawn_blocking(move || user.password.hash().map(|h| (user, h)))
        .await
        .map_err(anyhow::Error::from)??;
    let (user, hash) = hash;
    let tenant_id = s.tx.tenant_id();
    match store::create(
        &mut s.tx,
        tenant_id,
        &user.email,
        &user.name,
        user.role,
        &hash,
    )
    .await
    {
        Ok(_) => {}
        Err(CreateError::EmailTaken) => {
            let mut errors = FieldErrors::default();
            errors.add("email", "error-email-taken");
            return Ok(redisplay(s.page, input, errors));
        }
        Err(CreateError::Db(err)) => return Err(err.into()),
    }
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("user-created", "name", &user.name),
    )
    .await;
    Ok(Redirect::to("/admin/users").into_response())
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
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("error-choose-option"),
        )
        .await;
        return Ok(Redirect::to(&back).into_response());
    };
    if role != Role::Admin {
        let admins = store::lock_active_admins(&mut s.tx).await?;
        if model::may_stop_being_admin(&admins, user.id).is_err() {
            push_flash(&s.session, FlashKind::Error, s.page.t("user-last-admin")).await;
            return Ok(Redirect::to(&back).into_response());
        }
    }
    store::set_role(&mut s.tx, user.id, role).await?;
    s.tx.commit().await?;
    tracing::info!(user = %user.id, role = %role, "role changed");
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("user-role-changed", "name", &user.name),
    )
    .await;
    Ok(Redirect::to(&back).into_response())
}

pub async fn deactivate_user(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let user = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let back = format!("/admin/users/{}", user.id);
    if user.id == s.user.id {
        push_flash(&s.session, FlashKind::Error, s.page.t("user-not-yourself")).await;
        return Ok(Redirect::to(&back).into_response());
    }
    let admins = store::lock_active_admins(&mut s.tx).await?;
    if model::may_stop_being_admin(&admins, user.id).is_err() {
        push_flash(&s.session, FlashKind::Error, s.page.t("user-last-admin")).await;
        return Ok(Redirect::to(&back).into_response());
    }
    store::set_active(&mut s.tx, user.id, false).await?;
    s.tx.commit().await?;
    tracing::info!(user = %user.id, "user deactivated");
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("user-deactivated", "name", &user.name),
    )
    .await;
    Ok(Redirect::to(&back).into_response())
}

pub async fn reactivate_user(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<Response> {
    let user = store::find(&mut s.tx, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    store::set_active(&mut s.tx, user.id, true).await?;
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("user-reactivated", "name", &user.name),
    )
    .await;
    Ok(Redirect::to(&format!("/admin/users/{}", user.id)).into_response())
}
