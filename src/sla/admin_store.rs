//! SQL of the SLAs the admin keeps and of their ordered items.

use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::store::Choice;
use crate::catalog::translations::Names;
use crate::db::{WriteError, execute_guarded};
use crate::sla::condition::Condition;
use crate::sla::model::{Actions, FirstResponseBy, Kpi};

#[derive(Debug, Clone, FromRow)]
pub struct SlaRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub calendar_id: Uuid,
    pub calendar_name: String,
    pub pause_status_ids: Vec<Uuid>,
    pub is_default: bool,
    pub active: bool,
    pub items: i64,
}

/// What an SLA stores, already checked.
pub struct SlaData {
    pub name: String,
    pub description: String,
    pub calendar_id: Uuid,
    pub pause: Vec<Uuid>,
    pub is_default: bool,
}

const SLA_SELECT: &str =
    "select s.id, s.name, s.description, s.calendar_id, c.name as calendar_name,
        s.pause_status_ids, s.is_default, s.active,
        (select count(*) from sla_items i where i.sla_id = s.id) as items
   from slas s join calendars c on c.id = s.calendar_id";

pub async fn all_slas(tx: &mut PgConnection) -> Result<Vec<SlaRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SLA_SELECT} order by s.active desc, s.is_default desc, lower(s.name)"
    )))
    .fetch_all(tx)
    .await
}

pub async fn find_sla(tx: &mut PgConnection, id: Uuid) -> Result<Option<SlaRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SLA_SELECT} where s.id = $1")))
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Active calendars, plus `current` when it is no longer active.
pub async fn calendar_choices(
    tx: &mut PgConnection,
    current: Option<Uuid>,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as("select id, name from calendars where active or id = $1 order by lower(name)")
        .bind(current)
        .fetch_all(tx)
        .await
}

pub async fn create_sla(tx: &mut PgConnection, data: &SlaData) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into slas (tenant_id, id, name, description, calendar_id, pause_status_ids)
         values (app_tenant_id(), $1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(&data.name)
    .bind(&data.description)
    .bind(data.calendar_id)
    .bind(&data.pause);
    execute_guarded(tx, insert).await?;
    set_default(tx, id, data.is_default).await?;
    Ok(id)
}

pub async fn update_sla(tx: &mut PgConnection, id: Uuid, data: &SlaData) -> Result<(), WriteError> {
    let update = sqlx::query(
        "update slas set name = $2, description = $3, calendar_id = $4, pause_status_ids = $5
          where id = $1",
    )
    .bind(id)
    .bind(&data.name)
    .bind(&data.description)
    .bind(data.calendar_id)
    .bind(&data.pause);
    execute_guarded(tx, update).await?;
    set_default(tx, id, data.is_default).await?;
    Ok(())
}

/// Makes `id` the default SLA (clearing every other) or not the default.
async fn set_default(tx: &mut PgConnection, id: Uuid, is_default: bool) -> Result<(), sqlx::Error> {
    if is_default {
        sqlx::query("update slas set is_default = false where is_default and id <> $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("update slas set is_default = $2 where id = $1 and is_default <> $2")
        .bind(id)
        .bind(is_default)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn set_sla_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<(), sqlx::Error> {
    // An inactive SLA is no one's default.
    sqlx::query("update slas set active = $2, is_default = is_default and $2 where id = $1")
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(())
}

// Items ---------------------------------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct ItemRow {
    pub id: Uuid,
    pub name: String,
    pub names: sqlx::types::Json<Names>,
    pub kpi: String,
    pub condition: serde_json::Value,
    pub warn_after_minutes: i32,
    pub fail_after_minutes: i32,
    pub warning_actions: serde_json::Value,
    pub failure_actions: serde_json::Value,
    pub first_response_by: String,
}

impl ItemRow {
    pub fn condition(&self) -> Condition {
        serde_json::from_value(self.condition.clone()).unwrap_or_default()
    }

    pub fn actions(value: &serde_json::Value) -> Actions {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }
}

/// What an item stores, already checked.
pub struct ItemData {
    pub name: String,
    pub names: Names,
    pub kpi: Kpi,
    pub first_response_by: FirstResponseBy,
    pub condition: Condition,
    pub warn: i32,
    pub fail: i32,
    pub warning: Actions,
    pub failure: Actions,
}

pub async fn item_rows(tx: &mut PgConnection, sla: Uuid) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, names, kpi, condition, warn_after_minutes, fail_after_minutes, warning_actions,
                failure_actions, first_response_by
           from sla_items where sla_id = $1 order by position, id",
    )
    .bind(sla)
    .fetch_all(tx)
    .await
}

pub async fn find_item(
    tx: &mut PgConnection,
    sla: Uuid,
    item: Uuid,
) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, names, kpi, condition, warn_after_minutes, fail_after_minutes, warning_actions,
                failure_actions, first_response_by
           from sla_items where sla_id = $1 and id = $2",
    )
    .bind(sla)
    .bind(item)
    .fetch_optional(tx)
    .await
}

pub async fn update_item(
    tx: &mut PgConnection,
    sla: Uuid,
    item: Uuid,
    data: &ItemData,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sla_items set name = $3, kpi = $4, condition = $5, warn_after_minutes = $6,
                fail_after_minutes = $7, warning_actions = $8, failure_actions = $9,
                first_response_by = $10, names = $11
          where sla_id = $1 and id = $2",
    )
    .bind(sla)
    .bind(item)
    .bind(&data.name)
    .bind(data.kpi.as_str())
    .bind(serde_json::to_value(&data.condition).unwrap_or_default())
    .bind(data.warn)
    .bind(data.fail)
    .bind(serde_json::to_value(&data.warning).unwrap_or_default())
    .bind(serde_json::to_value(&data.failure).unwrap_or_default())
    .bind(data.first_response_by.as_str())
    .bind(data.names.to_json())
    .execute(tx)
    .await?;
    Ok(())
}

/// Adds the item after the SLA's last one.
pub async fn create_item(
    tx: &mut PgConnection,
    sla: Uuid,
    data: &ItemData,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sla_items (tenant_id, id, sla_id, position, name, kpi, condition,
                                warn_after_minutes, fail_after_minutes, warning_actions, failure_actions,
                                first_response_by, names)
         values (app_tenant_id(), $1, $2,
                 (select coalesce(max(position) + 1, 0) from sla_items where sla_id = $2),
                 $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(Uuid::now_v7())
    .bind(sla)
    .bind(&data.name)
    .bind(data.kpi.as_str())
    .bind(serde_json::to_value(&data.condition).unwrap_or_default())
    .bind(data.warn)
    .bind(data.fail)
    .bind(serde_json::to_value(&data.warning).unwrap_or_default())
    .bind(serde_json::to_value(&data.failure).unwrap_or_default())
    .bind(data.first_response_by.as_str())
    .bind(data.names.to_json())
    .execute(tx)
    .await?;
    Ok(())
}

/// Deletes the item and closes the gap it leaves in the positions.
pub async fn delete_item(tx: &mut PgConnection, sla: Uuid, item: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sla_items where sla_id = $1 and id = $2")
        .bind(sla)
        .bind(item)
        .execute(&mut *tx)
        .await?;
    let order: Vec<Uuid> = item_rows(tx, sla)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    renumber(tx, sla, &order).await
}

/// Writes positions 0, 1, 2 … in the given order.
pub async fn renumber(tx: &mut PgConnection, sla: Uuid, order: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sla_items i set position = o.n - 1
           from unnest($2::uuid[]) with ordinality as o(id, n)
          where i.sla_id = $1 and i.id = o.id and i.position <> o.n - 1",
    )
    .bind(sla)
    .bind(order)
    .execute(tx)
    .await?;
    Ok(())
}
