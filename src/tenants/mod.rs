//! Workspaces (tenants). Creating one is cross-tenant work: it runs on the
//! owner's connection, outside any tenant's session, from the CLI or seeding.

pub mod store;

use anyhow::{Context, bail};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::model::NewPassword;
use crate::catalog;
use crate::db::begin_provisioning_tx;
use crate::users;
use crate::users::model::Role;
use crate::web::form;

pub struct NewTenant<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub admin_email: &'a str,
    pub admin_name: &'a str,
    pub admin_password: &'a str,
}

/// Creates a workspace with its first admin, in one transaction.
pub async fn create(pool: &PgPool, new: NewTenant<'_>) -> anyhow::Result<Uuid> {
    let slug = new.slug.trim().to_lowercase();
    if !store::is_valid_slug(&slug) {
        bail!("workspace slug must be 2-63 lowercase letters, digits or dashes: {slug:?}");
    }
    let email =
        form::email(new.admin_email).map_err(|_| anyhow::anyhow!("invalid admin e-mail"))?;
    let password = NewPassword::parse(new.admin_password)
        .map_err(|_| anyhow::anyhow!("the admin password must have 12 to 128 characters"))?;
    let hash = tokio::task::spawn_blocking(move || password.hash()).await??;

    let id = Uuid::now_v7();
    let mut tx = begin_provisioning_tx(pool, id).await?;
    if !store::insert(&mut tx, id, &slug, new.name.trim()).await? {
        bail!("workspace {slug:?} already exists");
    }
    store::create_case_number_sequence(&mut tx, id).await?;
    tx.enter_tenant_role().await?;
    users::store::create(&mut tx, id, &email, new.admin_name, Role::Admin, &hash)
        .await
        .map_err(|e| match e {
            users::store::CreateError::EmailTaken => anyhow::anyhow!("e-mail already taken"),
            users::store::CreateError::Db(err) => anyhow::Error::new(err),
        })?;
    catalog::defaults::seed(&mut tx)
        .await
        .context("seeding the default catalogs")?;
    crate::sla::defaults::seed(&mut tx)
        .await
        .context("seeding the default SLA")?;
    catalog::defaults::name_in_other_languages(&mut tx)
        .await
        .context("naming the default catalogs in Galician and English")?;
    tx.commit().await.context("committing the new workspace")?;
    Ok(id)
}

/// Creates a user in the workspace named by its slug, from the command line
/// or a test (cross-tenant path: the workspace is looked up first).
pub async fn create_user(
    pool: &PgPool,
    workspace: &str,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<()> {
    let input = users::model::NewUserForm {
        name: name.to_owned(),
        email: email.to_owned(),
        role: role.as_str().to_owned(),
        password: password.to_owned(),
    };
    let user = users::model::NewUser::parse(&input).map_err(|errors| {
        anyhow::anyhow!(
            "invalid user: {}",
            errors.fields().collect::<Vec<_>>().join(", ")
        )
    })?;
    let tenant_id = store::id_by_slug(pool, workspace)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no workspace {workspace:?}"))?;
    let hash =
        tokio::task::spawn_blocking(move || user.password.hash().map(|h| (user, h))).await??;
    let (user, hash) = hash;
    let mut tx = crate::db::begin_tenant_tx(pool, tenant_id).await?;
    users::store::create(
        &mut tx,
        tenant_id,
        &user.email,
        &user.name,
        user.role,
        &hash,
    )
    .await
    .map_err(|e| match e {
        users::store::CreateError::EmailTaken => {
            anyhow::anyhow!("e-mail {} already taken", user.email)
        }
        users::store::CreateError::Db(err) => anyhow::Error::new(err),
    })?;
    tx.commit().await?;
    Ok(())
}
