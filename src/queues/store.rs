//! Queues and their members: the only SQL on `queues` and `queue_members`.
//! Which cases are in a queue is the case's to say (`cases.queue_id`); the
//! counts on each queue follow the cases by trigger (migration 0028).

use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::translations::Names;
use crate::db::WriteError;

#[derive(Debug, Clone, FromRow)]
pub struct QueueRow {
    pub id: Uuid,
    /// In the reader's language.
    pub name: String,
    pub description: String,
    pub is_private: bool,
    pub active: bool,
    pub items: i64,
    pub unassigned: i64,
    /// Whether the reader is a member, directly or through a team.
    pub member: bool,
}

#[derive(Debug, Clone, FromRow)]
pub struct MemberRow {
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub name: String,
    pub active: bool,
}

/// A queue whose items `user` may see: every public queue, a private one
/// to its members (directly or through a team), and every queue to
/// supervisors and admins. `$1` is the user, `$2` whether they supervise.
const VISIBLE: &str = "(not q.is_private or $2 or q.member)";

/// `member`: the user is one of the queue's members, or in a team that is.
const WITH_MEMBER: &str = "select q.*, exists (select from queue_members m
        where m.queue_id = q.id
          and (m.user_id = $1
               or m.team_id in (select t.team_id from team_members t where t.user_id = $1))) as member
   from queues q";

const ROW: &str = "id, catalog_name(name, names) as name, description, is_private, active, items::bigint as items, unassigned::bigint as unassigned, member";

/// The active queues `user` may see, in name order.
pub async fn visible(
    tx: &mut PgConnection,
    user: Uuid,
    supervises: bool,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROW} from ({WITH_MEMBER}) q where q.active and {VISIBLE}
          order by lower(catalog_name(name, names))"
    )))
    .bind(user)
    .bind(supervises)
    .fetch_all(tx)
    .await
}

/// Every queue, for the admin list.
pub async fn all(tx: &mut PgConnection, user: Uuid) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROW} from ({WITH_MEMBER}) q
          order by q.active desc, lower(catalog_name(name, names))"
    )))
    .bind(user)
    .fetch_all(tx)
    .await
}

pub struct QueueInput<'a> {
    pub name: &'a str,
    pub names: &'a Names,
    pub description: &'a str,
    pub is_private: bool,
}

pub async fn create(tx: &mut PgConnection, input: &QueueInput<'_>) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into queues (tenant_id, id, name, names, description, is_private)
         values (app_tenant_id(), $1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(input.name)
    .bind(input.names.to_json())
    .bind(input.description)
    .bind(input.is_private);
    crate::db::execute_guarded(tx, insert).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut PgConnection,
    id: Uuid,
    input: &QueueInput<'_>,
) -> Result<bool, WriteError> {
    let update = sqlx::query(
        "update queues set name = $2, names = $3, description = $4, is_private = $5 where id = $1",
    )
    .bind(id)
    .bind(input.name)
    .bind(input.names.to_json())
    .bind(input.description)
    .bind(input.is_private);
    let done = crate::db::execute_guarded(tx, update).await?;
    Ok(done.rows_affected() == 1)
}

/// The queue as its form shows it: default name, other names, description,
/// private, active.
pub async fn for_form(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<(String, Names, String, bool, bool)>, sqlx::Error> {
    let row: Option<(String, sqlx::types::Json<Names>, String, bool, bool)> = sqlx::query_as(
        "select name, names, description, is_private, active from queues where id = $1",
    )
    .bind(id)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|(name, names, description, private, active)| {
        (name, names.0, description, private, active)
    }))
}

/// The queue's name in the reader's language and whether it is active.
pub async fn name_of(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    sqlx::query_as("select catalog_name(name, names), active from queues where id = $1")
        .bind(id)
        .fetch_optional(tx)
        .await
}

pub async fn set_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update queues set active = $2 where id = $1")
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Users first, then teams, each in name order.
pub async fn members(tx: &mut PgConnection, id: Uuid) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "select m.user_id, m.team_id, coalesce(u.name, catalog_name(t.name, t.names)) as name,
                coalesce(u.active, t.active) as active
           from queue_members m
           left join users u on u.tenant_id = m.tenant_id and u.id = m.user_id
           left join teams t on t.tenant_id = m.tenant_id and t.id = m.team_id
          where m.queue_id = $1
          order by m.user_id is null, lower(coalesce(u.name, catalog_name(t.name, t.names)))",
    )
    .bind(id)
    .fetch_all(tx)
    .await
}

/// Adds a user or a team; adding one twice changes nothing.
pub async fn add_member(
    tx: &mut PgConnection,
    id: Uuid,
    user: Option<Uuid>,
    team: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into queue_members (tenant_id, queue_id, user_id, team_id)
         values (app_tenant_id(), $1, $2, $3) on conflict do nothing",
    )
    .bind(id)
    .bind(user)
    .bind(team)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn remove_member(
    tx: &mut PgConnection,
    id: Uuid,
    user: Option<Uuid>,
    team: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "delete from queue_members where queue_id = $1
            and (user_id = $2 or team_id = $3)",
    )
    .bind(id)
    .bind(user)
    .bind(team)
    .execute(tx)
    .await?;
    Ok(())
}
