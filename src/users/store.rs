//! SQL of users: the admin's list and edits, and account creation for the
//! CLI and seeding.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::core::choice::Choice;
use crate::core::lang::Lang;
use crate::users::model::Role;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

pub enum CreateError {
    EmailTaken,
    Db(sqlx::Error),
}

impl crate::db::Conflict for CreateError {
    fn into_failure(self) -> Option<sqlx::Error> {
        match self {
            CreateError::EmailTaken => None,
            CreateError::Db(err) => Some(err),
        }
    }
}

pub async fn list(tx: &mut PgConnection) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = sqlx::query!(
        "select id, email, name, role, active from users order by active desc, name, email"
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserRow {
            id: r.id,
            email: r.email,
            name: r.name,
            role: Role::parse(&r.role).unwrap_or(Role::Agent),
            active: r.active,
        })
        .collect())
}

pub async fn find(tx: &mut PgConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query!(
        "select id, email, name, role, active from users where id = $1",
        id
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| UserRow {
        id: r.id,
        email: r.email,
        name: r.name,
        role: Role::parse(&r.role).unwrap_or(Role::Agent),
        active: r.active,
    }))
}

/// Inserts a user into the tenant of the transaction. A duplicate e-mail is
/// reported by the unique constraint, not by a racy look-up first.
pub async fn create(
    tx: &mut PgConnection,
    tenant_id: Uuid,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
) -> Result<Uuid, CreateError> {
    let id = Uuid::now_v7();
    let result = crate::db::execute_guarded(
        tx,
        sqlx::query!(
            "insert into users (tenant_id, id, email, name, role, password_hash)
         values ($1, $2, $3, $4, $5, $6)",
            tenant_id,
            id,
            email,
            name,
            role.as_str(),
            password_hash
        ),
    )
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(sqlx::Error::Database(db)) if db.constraint() == Some("users_email_key") => {
            Err(CreateError::EmailTaken)
        }
        Err(err) => Err(CreateError::Db(err)),
    }
}

/// Active admins of the tenant, locked until the transaction ends so that
/// concurrent demotions see each other.
pub async fn lock_active_admins(tx: &mut PgConnection) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from users where role = 'admin' and active order by id for update"
    )
    .fetch_all(tx)
    .await
}

pub async fn set_role(tx: &mut PgConnection, id: Uuid, role: Role) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update users set role = $2, updated_at = now() where id = $1",
        id,
        role.as_str()
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update users set active = $2, updated_at = now() where id = $1",
        id,
        active
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_locale(tx: &mut PgConnection, id: Uuid, locale: Lang) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update users set locale = $2, updated_at = now() where id = $1",
        id,
        locale.code()
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn set_password_hash(
    tx: &mut PgConnection,
    id: Uuid,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update users set password_hash = $2, updated_at = now() where id = $1",
        id,
        hash
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn find_by_email(
    tx: &mut PgConnection,
    email: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select id from users where email = $1", email)
        .fetch_optional(tx)
        .await
}

/// Active users, for owner and assignee pickers.
pub async fn active_choices(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "select id, name from users where active order by lower(name)"
    )
    .fetch_all(tx)
    .await
}
