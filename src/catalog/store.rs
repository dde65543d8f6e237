//! SQL of the catalogs. The simple lists share statements built over their
//! table name, which comes only from `ListKind::table` (a fixed identifier);
//! every value is bound.

use sqlx::{AssertSqlSafe, FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::model::{
    CaseState, ListItemInput, ListKind, ProductKind, ProductState, SubjectNode,
};
use crate::catalog::translations::Names;
pub use crate::core::choice::Choice;
// Catalog writes are refused on a taken name or code; the type is the
// database's, shared by every store with such names.
pub use crate::db::WriteError;

#[derive(Debug, Clone, FromRow)]
pub struct ListItem {
    pub id: Uuid,
    pub name: String,
    pub names: sqlx::types::Json<Names>,
    pub sort_order: i32,
    pub active: bool,
    pub color: Option<String>,
    pub state: Option<String>,
    pub is_default: Option<bool>,
}

impl ListItem {
    /// The label key of the case state a status reason belongs to.
    pub fn state_key(&self) -> Option<&'static str> {
        self.state
            .as_deref()
            .and_then(CaseState::parse)
            .map(CaseState::label_key)
    }
}

fn extra_columns(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Priorities => "color, null::text as state, is_default",
        ListKind::StatusReasons => "null::text as color, state, null::boolean as is_default",
        _ => "null::text as color, null::text as state, null::boolean as is_default",
    }
}

pub async fn list_items(
    tx: &mut PgConnection,
    kind: ListKind,
) -> Result<Vec<ListItem>, sqlx::Error> {
    let order = if kind.has_state() { "state, " } else { "" };
    let sql = format!(
        "select id, name, names, sort_order, active, {} from {} order by active desc, {order}sort_order, lower(name)",
        extra_columns(kind),
        kind.table()
    );
    sqlx::query_as(AssertSqlSafe(sql)).fetch_all(tx).await
}

pub async fn find_item(
    tx: &mut PgConnection,
    kind: ListKind,
    id: Uuid,
) -> Result<Option<ListItem>, sqlx::Error> {
    let sql = format!(
        "select id, name, names, sort_order, active, {} from {} where id = $1",
        extra_columns(kind),
        kind.table()
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx)
        .await
}

/// Active entries, in the list's order, for a form's select.
pub async fn default_priority(tx: &mut PgConnection) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from priorities where active order by is_default desc, sort_order limit 1"
    )
    .fetch_one(tx)
    .await
}

/// Status reasons by their `system_key`.
pub async fn system_statuses(
    tx: &mut PgConnection,
) -> Result<std::collections::HashMap<String, Uuid>, sqlx::Error> {
    let rows: Vec<(String, Uuid)> =
        sqlx::query_as("select system_key, id from status_reasons where system_key is not null")
            .fetch_all(tx)
            .await?;
    Ok(rows.into_iter().collect())
}

pub async fn choices(tx: &mut PgConnection, kind: ListKind) -> Result<Vec<Choice>, sqlx::Error> {
    let sql = format!(
        "select id, catalog_name(name, names) as name from {} where active
          order by sort_order, lower(catalog_name(name, names))",
        kind.table()
    );
    sqlx::query_as(AssertSqlSafe(sql)).fetch_all(tx).await
}

pub async fn create_item(
    tx: &mut PgConnection,
    kind: ListKind,
    item: &ListItemInput,
) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let tenant_id = current_tenant(tx).await?;
    if item.is_default {
        clear_default(tx, kind).await?;
    }
    let sql = match kind {
        ListKind::Priorities => format!(
            "insert into {} (tenant_id, id, name, names, sort_order, color, is_default) values ($1, $2, $3, $4, $5, $6, $7)",
            kind.table()
        ),
        ListKind::StatusReasons => format!(
            "insert into {} (tenant_id, id, name, names, sort_order, state) values ($1, $2, $3, $4, $5, $6)",
            kind.table()
        ),
        _ => format!(
            "insert into {} (tenant_id, id, name, names, sort_order) values ($1, $2, $3, $4, $5)",
            kind.table()
        ),
    };
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(id)
        .bind(&item.name)
        .bind(item.names.to_json())
        .bind(item.sort_order);
    match kind {
        ListKind::Priorities => query = query.bind(&item.color).bind(item.is_default),
        ListKind::StatusReasons => query = query.bind(item.state.as_str()),
        _ => {}
    }
    crate::db::execute_guarded(tx, query).await?;
    Ok(id)
}

pub async fn update_item(
    tx: &mut PgConnection,
    kind: ListKind,
    id: Uuid,
    item: &ListItemInput,
) -> Result<bool, WriteError> {
    if item.is_default {
        clear_default(tx, kind).await?;
    }
    let sql = match kind {
        ListKind::Priorities => format!(
            "update {} set name = $2, names = $3, sort_order = $4, color = $5, is_default = $6 where id = $1",
            kind.table()
        ),
        ListKind::StatusReasons => format!(
            "update {} set name = $2, names = $3, sort_order = $4, state = $5 where id = $1",
            kind.table()
        ),
        _ => format!(
            "update {} set name = $2, names = $3, sort_order = $4 where id = $1",
            kind.table()
        ),
    };
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(&item.name)
        .bind(item.names.to_json())
        .bind(item.sort_order);
    match kind {
        ListKind::Priorities => query = query.bind(&item.color).bind(item.is_default),
        ListKind::StatusReasons => query = query.bind(item.state.as_str()),
        _ => {}
    }
    Ok(crate::db::execute_guarded(tx, query).await?.rows_affected() == 1)
}

async fn clear_default(tx: &mut PgConnection, kind: ListKind) -> Result<(), sqlx::Error> {
    if kind == ListKind::Priorities {
        sqlx::query!("update priorities set is_default = false where is_default")
            .execute(tx)
            .await?;
    }
    Ok(())
}

pub async fn set_item_active(
    tx: &mut PgConnection,
    kind: ListKind,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let sql = format!("update {} set active = $2 where id = $1", kind.table());
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant of the transaction, for inserts (the policy checks it anyway).
pub async fn current_tenant(tx: &mut PgConnection) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(r#"select app_tenant_id() as "id!""#)
        .fetch_one(tx)
        .await
}

// Subjects ------------------------------------------------------------------

pub async fn subjects(tx: &mut PgConnection) -> Result<Vec<SubjectNode>, sqlx::Error> {
    sqlx::query_as(
        "select id, parent_id, name, names, catalog_name(name, names) as shown, description, active
           from subjects",
    )
    .fetch_all(tx)
    .await
}

/// Serialises changes to the tree of one tenant, so two concurrent moves
/// cannot together make a cycle that each alone would not.
pub async fn lock_subject_tree(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('subjects:' || app_tenant_id()::text, 0))"
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn create_subject(
    tx: &mut PgConnection,
    parent_id: Option<Uuid>,
    name: &str,
    names: &Names,
    description: &str,
) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into subjects (tenant_id, id, parent_id, name, names, description)
         values (app_tenant_id(), $1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(parent_id)
    .bind(name)
    .bind(names.to_json())
    .bind(description);
    crate::db::execute_guarded(tx, insert).await?;
    Ok(id)
}

pub async fn update_subject(
    tx: &mut PgConnection,
    id: Uuid,
    parent_id: Option<Uuid>,
    name: &str,
    names: &Names,
    description: &str,
) -> Result<bool, WriteError> {
    let update = sqlx::query(
        "update subjects set parent_id = $2, name = $3, names = $4, description = $5 where id = $1",
    )
    .bind(id)
    .bind(parent_id)
    .bind(name)
    .bind(names.to_json())
    .bind(description);
    let done = crate::db::execute_guarded(tx, update).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_subject_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("update subjects set active = $2 where id = $1", id, active)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

// Products ------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct ProductRow {
    pub id: Uuid,
    pub kind: ProductKind,
    pub state: ProductState,
    pub code: String,
    pub name: String,
    pub description: String,
    pub family_id: Option<Uuid>,
    pub family_name: Option<String>,
}

pub async fn products(tx: &mut PgConnection) -> Result<Vec<ProductRow>, sqlx::Error> {
    let rows = sqlx::query!(
        "select p.id, p.kind, p.state, p.code, p.name, p.description, p.family_id, f.name as \"family_name?\"
           from products p left join products f on f.tenant_id = p.tenant_id and f.id = p.family_id
          order by case p.kind when 'family' then 0 when 'product' then 1 else 2 end, lower(p.name)"
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ProductRow {
            id: r.id,
            kind: ProductKind::parse(&r.kind).unwrap_or(ProductKind::Product),
            state: ProductState::parse(&r.state).unwrap_or(ProductState::Draft),
            code: r.code,
            name: r.name,
            description: r.description,
            family_id: r.family_id,
            family_name: r.family_name,
        })
        .collect())
}

pub async fn find_product(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<ProductRow>, sqlx::Error> {
    Ok(products(tx).await?.into_iter().find(|p| p.id == id))
}

/// Products a case may take: active, not families.
pub async fn case_products(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, catalog_name(name, names) as name from products
          where state = 'active' and kind <> 'family' order by lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}

pub async fn families(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "select id, name from products where kind = 'family' and state <> 'retired' order by lower(name)"
    )
    .fetch_all(tx)
    .await
}

pub async fn create_product(
    tx: &mut PgConnection,
    kind: ProductKind,
    code: &str,
    name: &str,
    description: &str,
    family_id: Option<Uuid>,
) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    crate::db::execute_guarded(
        tx,
        sqlx::query!(
            "insert into products (tenant_id, id, kind, code, name, description, family_id)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6)",
            id,
            kind.as_str(),
            code,
            name,
            description,
            family_id
        ),
    )
    .await?;
    Ok(id)
}

pub async fn update_product(
    tx: &mut PgConnection,
    id: Uuid,
    code: &str,
    name: &str,
    description: &str,
    family_id: Option<Uuid>,
) -> Result<bool, WriteError> {
    let done = crate::db::execute_guarded(tx, sqlx::query!(
        "update products set code = $2, name = $3, description = $4, family_id = $5 where id = $1",
        id,
        code,
        name,
        description,
        family_id
    )).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_product_state(
    tx: &mut PgConnection,
    id: Uuid,
    state: ProductState,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update products set state = $2 where id = $1",
        id,
        state.as_str()
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct BundleItem {
    pub product_id: Uuid,
    pub name: String,
    pub code: String,
    pub quantity: i32,
}

pub async fn bundle_items(
    tx: &mut PgConnection,
    bundle_id: Uuid,
) -> Result<Vec<BundleItem>, sqlx::Error> {
    sqlx::query_as!(
        BundleItem,
        "select i.product_id, p.name, p.code, i.quantity
           from product_bundle_items i join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
          where i.bundle_id = $1 order by lower(p.name)",
        bundle_id
    )
    .fetch_all(tx)
    .await
}

pub async fn put_bundle_item(
    tx: &mut PgConnection,
    bundle_id: Uuid,
    product_id: Uuid,
    quantity: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into product_bundle_items (tenant_id, bundle_id, product_id, quantity)
         values (app_tenant_id(), $1, $2, $3)
         on conflict (tenant_id, bundle_id, product_id) do update set quantity = excluded.quantity",
        bundle_id,
        product_id,
        quantity
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn remove_bundle_item(
    tx: &mut PgConnection,
    bundle_id: Uuid,
    product_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from product_bundle_items where bundle_id = $1 and product_id = $2",
        bundle_id,
        product_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

// Reasons → occurrences → causes ----------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct CascadeRow {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub active: bool,
}

pub async fn reasons(tx: &mut PgConnection) -> Result<Vec<CascadeRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, null::uuid as parent_id, catalog_name(name, names) as name, active from reasons
          order by active desc, sort_order, lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}

pub async fn occurrences(tx: &mut PgConnection) -> Result<Vec<CascadeRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, reason_id as parent_id, catalog_name(name, names) as name, active from occurrences
          order by active desc, sort_order, lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}

pub async fn causes(tx: &mut PgConnection) -> Result<Vec<CascadeRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, occurrence_id as parent_id, catalog_name(name, names) as name, active from causes
          order by active desc, sort_order, lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}

/// Active occurrences of an active reason, for the case form's cascade.
pub async fn occurrence_choices(
    tx: &mut PgConnection,
    reason_id: Uuid,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select o.id, catalog_name(o.name, o.names) as name
           from occurrences o join reasons r on r.tenant_id = o.tenant_id and r.id = o.reason_id
          where o.reason_id = $1 and o.active and r.active
          order by o.sort_order, lower(catalog_name(o.name, o.names))",
    )
    .bind(reason_id)
    .fetch_all(tx)
    .await
}

pub async fn cause_choices(
    tx: &mut PgConnection,
    occurrence_id: Uuid,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select c.id, catalog_name(c.name, c.names) as name
           from causes c join occurrences o on o.tenant_id = c.tenant_id and o.id = c.occurrence_id
          where c.occurrence_id = $1 and c.active and o.active
          order by c.sort_order, lower(catalog_name(c.name, c.names))",
    )
    .bind(occurrence_id)
    .fetch_all(tx)
    .await
}

/// The three levels of the cascade, for the admin page and the pickers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Reason,
    Occurrence,
    Cause,
}

impl Level {
    fn table(self) -> &'static str {
        match self {
            Level::Reason => "reasons",
            Level::Occurrence => "occurrences",
            Level::Cause => "causes",
        }
    }

    fn parent_column(self) -> Option<&'static str> {
        match self {
            Level::Reason => None,
            Level::Occurrence => Some("reason_id"),
            Level::Cause => Some("occurrence_id"),
        }
    }
}

pub async fn create_level_item(
    tx: &mut PgConnection,
    level: Level,
    parent: Option<Uuid>,
    name: &str,
) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let sql = match level.parent_column() {
        Some(column) => format!(
            "insert into {} (tenant_id, id, name, {column}) values (app_tenant_id(), $1, $2, $3)",
            level.table()
        ),
        None => format!(
            "insert into {} (tenant_id, id, name) values (app_tenant_id(), $1, $2)",
            level.table()
        ),
    };
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id).bind(name);
    if level.parent_column().is_some() {
        query = query.bind(parent);
    }
    crate::db::execute_guarded(tx, query).await?;
    Ok(id)
}

/// One entry of a level with its name in the default language (the one an
/// admin edits) and its names in the others.
pub async fn find_level_item(
    tx: &mut PgConnection,
    level: Level,
    id: Uuid,
) -> Result<Option<(CascadeRow, Names)>, sqlx::Error> {
    let parent = level.parent_column().unwrap_or("null::uuid");
    let sql = format!(
        "select id, {parent} as parent_id, name, active, names from {} where id = $1",
        level.table()
    );
    type Row = (Uuid, Option<Uuid>, String, bool, sqlx::types::Json<Names>);
    let row: Option<Row> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx)
        .await?;
    Ok(row.map(|(id, parent_id, name, active, names)| {
        let item = CascadeRow {
            id,
            parent_id,
            name,
            active,
        };
        (item, names.0)
    }))
}

pub async fn rename_level_item(
    tx: &mut PgConnection,
    level: Level,
    id: Uuid,
    name: &str,
    names: &Names,
) -> Result<bool, WriteError> {
    let sql = format!(
        "update {} set name = $2, names = $3 where id = $1",
        level.table()
    );
    let query = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(name)
        .bind(names.to_json());
    let done = crate::db::execute_guarded(tx, query).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_level_item_active(
    tx: &mut PgConnection,
    level: Level,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let sql = format!("update {} set active = $2 where id = $1", level.table());
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

// Teams ----------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
}

pub async fn team_members(
    tx: &mut PgConnection,
    team_id: Uuid,
) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        "select m.user_id, u.name, u.email from team_members m
           join users u on u.tenant_id = m.tenant_id and u.id = m.user_id
          where m.team_id = $1 order by lower(u.name)",
        team_id
    )
    .fetch_all(tx)
    .await
}

pub async fn team_sizes(tx: &mut PgConnection) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select team_id, count(*) as "members!" from team_members group by team_id"#
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.team_id, r.members)).collect())
}

pub async fn add_member(
    tx: &mut PgConnection,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into team_members (tenant_id, team_id, user_id) values (app_tenant_id(), $1, $2) on conflict do nothing",
        team_id,
        user_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn remove_member(
    tx: &mut PgConnection,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from team_members where team_id = $1 and user_id = $2",
        team_id,
        user_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Members of an active team who are active users, for "forward to" pickers.
pub async fn active_members(
    tx: &mut PgConnection,
    team_id: Uuid,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "select u.id, u.name from team_members m
           join users u on u.tenant_id = m.tenant_id and u.id = m.user_id
           join teams t on t.tenant_id = m.tenant_id and t.id = m.team_id
          where m.team_id = $1 and u.active and t.active order by lower(u.name)",
        team_id
    )
    .fetch_all(tx)
    .await
}

pub async fn active_teams(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, catalog_name(name, names) as name from teams where active
          order by sort_order, lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}

pub async fn find_team(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    Ok(team_with_names(tx, id)
        .await?
        .map(|(name, _, active)| (name, active)))
}

/// A team's name in the default language, its names in the others, and
/// whether it is active.
pub async fn team_with_names(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<(String, Names, bool)>, sqlx::Error> {
    let row: Option<(String, sqlx::types::Json<Names>, bool)> =
        sqlx::query_as("select name, names, active from teams where id = $1")
            .bind(id)
            .fetch_optional(tx)
            .await?;
    Ok(row.map(|(name, names, active)| (name, names.0, active)))
}

pub async fn teams(tx: &mut PgConnection) -> Result<Vec<(Uuid, String, bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        "select id, name, active from teams order by active desc, sort_order, lower(name)"
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.active)).collect())
}

pub async fn create_team(tx: &mut PgConnection, name: &str) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    crate::db::execute_guarded(
        tx,
        sqlx::query!(
            "insert into teams (tenant_id, id, name) values (app_tenant_id(), $1, $2)",
            id,
            name
        ),
    )
    .await?;
    Ok(id)
}

pub async fn rename_team(
    tx: &mut PgConnection,
    id: Uuid,
    name: &str,
    names: &Names,
) -> Result<bool, WriteError> {
    let update = sqlx::query("update teams set name = $2, names = $3 where id = $1")
        .bind(id)
        .bind(name)
        .bind(names.to_json());
    let done = crate::db::execute_guarded(tx, update).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_team_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("update teams set active = $2 where id = $1", id, active)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Status reasons of one case state, for forms (active ones only).
pub async fn status_choices(
    tx: &mut PgConnection,
    state: &str,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, catalog_name(name, names) as name from status_reasons where active and state = $1
          order by sort_order, lower(catalog_name(name, names))",
    )
    .bind(state)
    .fetch_all(tx)
    .await
}

/// The status reasons of a state, excluding one with a stable meaning
/// (cancelling by hand does not offer "merged").
pub async fn status_choices_except(
    tx: &mut PgConnection,
    state: &str,
    key: &str,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, catalog_name(name, names) as name from status_reasons
          where active and state = $1 and system_key is distinct from $2
          order by sort_order, lower(catalog_name(name, names))",
    )
    .bind(state)
    .bind(key)
    .fetch_all(tx)
    .await
}

/// Active reasons, for the first level of the case form's cascade.
pub async fn choices_of_reasons(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, catalog_name(name, names) as name from reasons where active
          order by sort_order, lower(catalog_name(name, names))",
    )
    .fetch_all(tx)
    .await
}
