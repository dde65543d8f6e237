//! Sign-in SQL: finding the workspace and the account, loading the user of a
//! session, and the failed-attempt counters.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::core::lang::Lang;
use crate::core::role::Role;
use crate::web::page::UNREAD_COUNT_CAP;

/// The workspace named at sign-in. This runs before any tenant is known, so it
/// is one of the few queries on the owner's (cross-tenant) connection.
pub async fn tenant_id_by_slug(pool: &PgPool, slug: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select id from tenants where slug = $1", slug)
        .fetch_optional(pool)
        .await
}

pub struct SignInAccount {
    pub id: Uuid,
    pub password_hash: String,
}

pub async fn active_account(
    tx: &mut PgConnection,
    email: &str,
) -> Result<Option<SignInAccount>, sqlx::Error> {
    sqlx::query_as!(
        SignInAccount,
        "select id, password_hash from users where email = $1 and active",
        email
    )
    .fetch_optional(tx)
    .await
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    tenant_id: Uuid,
    email: String,
    name: String,
    role: String,
    locale: Option<String>,
    slug: String,
    tenant_name: String,
    tenant_locale: String,
    time_zone: String,
    catalog_version: i64,
    unread: i64,
    queue_waiting: i64,
    session_revision: Option<i64>,
}

/// The user of a session, and the revision of the session's row (`None`
/// once it is gone or expired), read in the one statement every signed-in
/// request runs.
pub struct SessionUser {
    pub user: CurrentUser,
    pub session_revision: Option<i64>,
}

/// Also sets the transaction's `app.lang`, the language catalog entries are
/// named in (`catalog_name()` in SQL): the user's own, else the browser's
/// (`browser_lang`), else the workspace's, as the page chooses its own.
pub async fn current_user(
    tx: &mut PgConnection,
    user_id: Uuid,
    session_id: &str,
    browser_lang: Option<Lang>,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(
        "select u.id, u.tenant_id, u.email, u.name, u.role, u.locale,
                t.slug, t.name as tenant_name, t.locale as tenant_locale, t.time_zone, t.catalog_version,
                (select count(*) from (select from notification_refs n
                                        where n.user_id = u.id and n.read_at is null
                                        limit $2) unread) as unread,
                (select coalesce(sum(q.unassigned), 0) from queues q
                  where q.active and q.id in (select m.queue_id from queue_members m
                                               where m.user_id = u.id
                                                  or m.team_id in (select tm.team_id from team_members tm
                                                                    where tm.user_id = u.id))) as queue_waiting,
                session_revision($3) as session_revision,
                set_config('app.lang', coalesce(u.locale, $4, t.locale), true) as lang
           from users u join tenants t on t.id = u.tenant_id
          where u.id = $1 and u.active",
    )
    .bind(user_id)
    .bind(UNREAD_COUNT_CAP)
    .bind(session_id)
    .bind(browser_lang.map(Lang::code))
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| SessionUser {
        session_revision: r.session_revision,
        user: current_user_of(r),
    }))
}

fn current_user_of(r: UserRow) -> CurrentUser {
    CurrentUser {
        id: r.id,
        tenant_id: r.tenant_id,
        email: r.email,
        name: r.name,
        role: Role::parse(&r.role).unwrap_or(Role::Agent),
        locale: r.locale.as_deref().and_then(Lang::parse),
        tenant_slug: r.slug,
        tenant_name: r.tenant_name,
        tenant_locale: Lang::parse(&r.tenant_locale).unwrap_or_default(),
        time_zone: r.time_zone.parse().unwrap_or(chrono_tz::America::Sao_Paulo),
        unread_notifications: r.unread,
        queue_waiting: r.queue_waiting,
        catalog_version: r.catalog_version,
    }
}

/// Counts one attempt in `bucket` and returns the attempts in the current
/// window and when it started. The increment happens before the password is
/// checked and in one statement, so concurrent attempts cannot overshoot.
pub async fn count_attempt(
    pool: &PgPool,
    bucket: &str,
    now: DateTime<Utc>,
    window_secs: i64,
) -> Result<(i32, DateTime<Utc>), sqlx::Error> {
    let row = sqlx::query!(
        r#"insert into login_attempts as a (bucket, window_started_at, attempts)
           values ($1, $2, 1)
           on conflict (bucket) do update set
               attempts = case when a.window_started_at <= $2 - make_interval(secs => $3)
                               then 1 else a.attempts + 1 end,
               window_started_at = case when a.window_started_at <= $2 - make_interval(secs => $3)
                                        then $2 else a.window_started_at end
           returning attempts, window_started_at"#,
        bucket,
        now,
        window_secs as f64
    )
    .fetch_one(pool)
    .await?;
    Ok((row.attempts, row.window_started_at))
}

pub async fn clear_attempts(pool: &PgPool, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from login_attempts where bucket = $1", bucket)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_old_attempts(pool: &PgPool, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from login_attempts where window_started_at < $1",
        before
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
