//! Users of a workspace and the admin pages that keep them.

mod handlers;
mod language;
pub mod model;
pub mod store;

use crate::users::model::Role;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one_user = Access::TenantObject(Role::Admin, ObjectKind::Row("users"));
    vec![
        Route::post("/language", Access::Public, language::set_language),
        Route::get("/admin/users", admin, handlers::list_users),
        Route::get("/admin/users/new", admin, handlers::new_user),
        Route::post("/admin/users", admin, handlers::create_user),
        Route::get("/admin/users/{id}", one_user, handlers::show_user),
        Route::post("/admin/users/{id}/role", one_user, handlers::change_role),
        Route::post(
            "/admin/users/{id}/deactivate",
            one_user,
            handlers::deactivate_user,
        ),
        Route::post(
            "/admin/users/{id}/reactivate",
            one_user,
            handlers::reactivate_user,
        ),
    ]
}

/// Creates a user from the command line (cross-tenant path: the workspace is
/// looked up by slug first).
pub async fn create_from_cli(
    pool: &sqlx::PgPool,
    workspace: &str,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<()> {
    let input = model::NewUserForm {
        name: name.to_owned(),
        email: email.to_owned(),
        role: role.as_str().to_owned(),
        password: password.to_owned(),
    };
    let user = model::NewUser::parse(&input).map_err(|errors| {
        anyhow::anyhow!(
            "invalid user: {}",
            errors.fields().collect::<Vec<_>>().join(", ")
        )
    })?;
    let tenant_id = crate::tenants::store::id_by_slug(pool, workspace)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no workspace {workspace:?}"))?;
    let hash =
        tokio::task::spawn_blocking(move || user.password.hash().map(|h| (user, h))).await??;
    let (user, hash) = hash;
    let mut tx = crate::db::begin_tenant_tx(pool, tenant_id).await?;
    store::create(
        &mut tx,
        tenant_id,
        &user.email,
        &user.name,
        user.role,
        &hash,
    )
    .await
    .map_err(|e| match e {
        store::CreateError::EmailTaken => anyhow::anyhow!("e-mail {} already taken", user.email),
        store::CreateError::Db(err) => anyhow::Error::new(err),
    })?;
    tx.commit().await?;
    Ok(())
}
