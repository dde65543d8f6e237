//! The names a case row shows for the ids it holds (status, priority, owner,
//! channel), every entry included, inactive ones too: a case keeps the
//! status or owner it had when that entry was retired. They are read in the
//! request's language (`catalog_name()`), and cached per language.
//!
//! Case pages and lists read these from the workspace's cached lists instead of
//! looking each one up in PostgreSQL: four lookups per row were most of what
//! a page of the case list cost the database.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct PriorityLook {
    pub name: String,
    pub color: String,
    pub sort_order: i64,
}

/// The lists whose names a case shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Named {
    Status,
    User,
    Team,
    Channel,
    Subject,
    Product,
    Reason,
    Occurrence,
    Cause,
    Unit,
    RequestType,
    ForwardReason,
    SlaItem,
}

impl Named {
    const ALL: [(Named, &'static str); 13] = [
        (Named::Status, "status_reasons"),
        (Named::User, "users"),
        (Named::Team, "teams"),
        (Named::Channel, "channels"),
        (Named::Subject, "subjects"),
        (Named::Product, "products"),
        (Named::Reason, "reasons"),
        (Named::Occurrence, "occurrences"),
        (Named::Cause, "causes"),
        (Named::Unit, "units"),
        (Named::RequestType, "request_types"),
        (Named::ForwardReason, "forward_reasons"),
        (Named::SlaItem, "sla_items"),
    ];
}

#[derive(Debug, Clone, Default)]
pub struct CaseNames {
    names: HashMap<(Named, Uuid), String>,
    priorities: HashMap<Uuid, PriorityLook>,
    status_keys: HashMap<Uuid, String>,
}

impl CaseNames {
    /// The name of the entry `id` of whichever list holds it (ids are unique
    /// across lists), for timeline entries that kept only the id.
    pub fn any(&self, id: Uuid) -> Option<&str> {
        Named::ALL
            .iter()
            .find_map(|(list, _)| self.names.get(&(*list, id)))
            .or_else(|| self.priorities.get(&id).map(|p| &p.name))
            .map(String::as_str)
    }

    /// The name of `id` in `list`, if it is there.
    pub fn of(&self, list: Named, id: Option<Uuid>) -> Option<String> {
        id.and_then(|id| self.names.get(&(list, id))).cloned()
    }

    pub fn status(&self, id: Uuid) -> &str {
        self.names
            .get(&(Named::Status, id))
            .map_or("", String::as_str)
    }

    /// The status reason's fixed meaning, for the few that have one.
    pub fn status_key(&self, id: Uuid) -> Option<String> {
        self.status_keys.get(&id).cloned()
    }

    pub fn priority(&self, id: Uuid) -> Option<&PriorityLook> {
        self.priorities.get(&id)
    }

    /// The owning user's name, else the owning team's.
    pub fn owner(&self, user: Option<Uuid>, team: Option<Uuid>) -> Option<String> {
        self.of(Named::User, user)
            .or_else(|| self.of(Named::Team, team))
    }
}

#[derive(sqlx::FromRow)]
struct NameRow {
    list: String,
    id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct PriorityRow {
    id: Uuid,
    name: String,
    color: String,
    sort_order: i64,
}

/// Every name of these lists, inactive entries too, in three round trips.
pub async fn load(tx: &mut PgConnection) -> Result<CaseNames, sqlx::Error> {
    let selects: Vec<String> = Named::ALL
        .iter()
        .map(|(list, table)| {
            // People's names are not catalog entries: they have one name.
            let name = if *list == Named::User {
                "name"
            } else {
                "catalog_name(name, names)"
            };
            format!("select '{table}' as list, id, {name} as name from {table}")
        })
        .collect();
    let rows: Vec<NameRow> = sqlx::query_as(sqlx::AssertSqlSafe(selects.join(" union all ")))
        .fetch_all(&mut *tx)
        .await?;
    let mut names = CaseNames::default();
    for row in rows {
        if let Some((list, _)) = Named::ALL.iter().find(|(_, table)| *table == row.list) {
            names.names.insert((*list, row.id), row.name);
        }
    }
    let priorities: Vec<PriorityRow> =
        sqlx::query_as("select id, catalog_name(name, names) as name, color, sort_order::bigint as sort_order from priorities")
            .fetch_all(&mut *tx)
            .await?;
    for p in priorities {
        names.priorities.insert(
            p.id,
            PriorityLook {
                name: p.name,
                color: p.color,
                sort_order: p.sort_order,
            },
        );
    }
    let keys = crate::catalog::store::system_statuses(tx).await?;
    names
        .status_keys
        .extend(keys.into_iter().map(|(key, id)| (id, key)));
    Ok(names)
}
