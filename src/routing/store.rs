//! Rule sets and their rules: the only SQL on `routing_rule_sets` and
//! `routing_rules`.

use sqlx::types::Json;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::db::WriteError;
use crate::routing::condition::Condition;
use crate::routing::model::{Assign, RuleInput, Target};

#[derive(Debug, Clone, FromRow)]
pub struct RuleSetRow {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub auto_channels: Vec<Uuid>,
    pub rules: i64,
}

#[derive(Debug, Clone)]
pub struct RuleRow {
    pub id: Uuid,
    pub position: i32,
    pub name: String,
    pub condition: Condition,
    pub target: Target,
    pub assign: Assign,
}

#[derive(FromRow)]
struct RawRule {
    id: Uuid,
    position: i32,
    name: String,
    condition: Json<Condition>,
    target_kind: String,
    target_id: Uuid,
    assign: String,
}

impl RawRule {
    fn into_row(self) -> Option<RuleRow> {
        Some(RuleRow {
            id: self.id,
            position: self.position,
            name: self.name,
            condition: self.condition.0,
            target: Target::of(&self.target_kind, self.target_id)?,
            assign: Assign::parse(&self.assign)?,
        })
    }
}

const SET_COLUMNS: &str = "s.id, s.name, s.active, s.auto_channels,
        (select count(*) from routing_rules r where r.rule_set_id = s.id) as rules";

pub async fn sets(tx: &mut PgConnection) -> Result<Vec<RuleSetRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {SET_COLUMNS} from routing_rule_sets s order by s.active desc, lower(s.name)"
    )))
    .fetch_all(tx)
    .await
}

pub async fn find_set(tx: &mut PgConnection, id: Uuid) -> Result<Option<RuleSetRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {SET_COLUMNS} from routing_rule_sets s where s.id = $1"
    )))
    .bind(id)
    .fetch_optional(tx)
    .await
}

pub async fn active_set(tx: &mut PgConnection) -> Result<Option<RuleSetRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {SET_COLUMNS} from routing_rule_sets s where s.active"
    )))
    .fetch_optional(tx)
    .await
}

pub async fn create_set(tx: &mut PgConnection, name: &str) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into routing_rule_sets (tenant_id, id, name) values (app_tenant_id(), $1, $2)",
    )
    .bind(id)
    .bind(name);
    crate::db::execute_guarded(tx, insert).await?;
    Ok(id)
}

pub async fn rename_set(tx: &mut PgConnection, id: Uuid, name: &str) -> Result<bool, WriteError> {
    let update = sqlx::query("update routing_rule_sets set name = $2 where id = $1")
        .bind(id)
        .bind(name);
    Ok(crate::db::execute_guarded(tx, update)
        .await?
        .rows_affected()
        == 1)
}

/// Makes `id` the one active set (or none, with `active` false).
pub async fn set_active(tx: &mut PgConnection, id: Uuid, active: bool) -> Result<(), sqlx::Error> {
    if active {
        sqlx::query("update routing_rule_sets set active = false where active and id <> $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("update routing_rule_sets set active = $2 where id = $1")
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(())
}

pub async fn set_auto_channels(
    tx: &mut PgConnection,
    id: Uuid,
    channels: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query("update routing_rule_sets set auto_channels = $2 where id = $1")
        .bind(id)
        .bind(channels)
        .execute(tx)
        .await?;
    Ok(())
}

/// The rules of a set, in the order they run.
pub async fn rules(tx: &mut PgConnection, set: Uuid) -> Result<Vec<RuleRow>, sqlx::Error> {
    let raw: Vec<RawRule> = sqlx::query_as(
        "select id, position, name, condition, target_kind, target_id, assign
           from routing_rules where rule_set_id = $1 order by position, id",
    )
    .bind(set)
    .fetch_all(tx)
    .await?;
    Ok(raw.into_iter().filter_map(RawRule::into_row).collect())
}

pub async fn find_rule(
    tx: &mut PgConnection,
    set: Uuid,
    id: Uuid,
) -> Result<Option<RuleRow>, sqlx::Error> {
    let raw: Option<RawRule> = sqlx::query_as(
        "select id, position, name, condition, target_kind, target_id, assign
           from routing_rules where rule_set_id = $1 and id = $2",
    )
    .bind(set)
    .bind(id)
    .fetch_optional(tx)
    .await?;
    Ok(raw.and_then(RawRule::into_row))
}

/// Adds a rule after the set's last one.
pub async fn add_rule(
    tx: &mut PgConnection,
    set: Uuid,
    rule: &RuleInput,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into routing_rules (tenant_id, id, rule_set_id, position, name, condition, target_kind, target_id, assign)
         select app_tenant_id(), $1, $2,
                coalesce((select max(position) from routing_rules where rule_set_id = $2), 0) + 1,
                $3, $4, $5, $6, $7",
    )
    .bind(id)
    .bind(set)
    .bind(&rule.name)
    .bind(Json(&rule.condition))
    .bind(rule.target.kind())
    .bind(rule.target.id())
    .bind(rule.assign.as_str())
    .execute(tx)
    .await?;
    Ok(id)
}

pub async fn update_rule(
    tx: &mut PgConnection,
    set: Uuid,
    id: Uuid,
    rule: &RuleInput,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update routing_rules set name = $3, condition = $4, target_kind = $5, target_id = $6, assign = $7
          where rule_set_id = $1 and id = $2",
    )
    .bind(set)
    .bind(id)
    .bind(&rule.name)
    .bind(Json(&rule.condition))
    .bind(rule.target.kind())
    .bind(rule.target.id())
    .bind(rule.assign.as_str())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_rule(tx: &mut PgConnection, set: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("delete from routing_rules where rule_set_id = $1 and id = $2")
        .bind(set)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Swaps the rule with its neighbour above (`up`) or below.
pub async fn move_rule(
    tx: &mut PgConnection,
    set: Uuid,
    id: Uuid,
    up: bool,
) -> Result<(), sqlx::Error> {
    let (cmp, dir) = if up { ("<", "desc") } else { (">", "asc") };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "with me as (select id, position from routing_rules where rule_set_id = $1 and id = $2),
              other as (select r.id, r.position from routing_rules r, me
                         where r.rule_set_id = $1 and r.position {cmp} me.position
                         order by r.position {dir} limit 1)
         update routing_rules r set position = case when r.id = me.id then other.position else me.position end
           from me, other where r.id in (me.id, other.id)"
    )))
    .bind(set)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// The member whose turn it is after the last one, and records it: the row
/// lock makes two cases routed at once take two turns.
pub async fn next_turn(
    tx: &mut PgConnection,
    rule: Uuid,
    members: &[Uuid],
) -> Result<Option<Uuid>, sqlx::Error> {
    if members.is_empty() {
        return Ok(None);
    }
    let last: Option<Uuid> =
        sqlx::query_scalar("select last_assigned from routing_rules where id = $1 for update")
            .bind(rule)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
    let next = match last.and_then(|l| members.iter().position(|m| *m == l)) {
        Some(at) => members[(at + 1) % members.len()],
        None => members[0],
    };
    sqlx::query("update routing_rules set last_assigned = $2 where id = $1")
        .bind(rule)
        .bind(next)
        .execute(tx)
        .await?;
    Ok(Some(next))
}
