//! Catalog rows that other features point at by id (an SLA's conditions,
//! actions and pause statuses), listed with their plain name and whether
//! they may still be chosen. Inactive rows are listed too, so a rule that
//! names one can still be shown.

use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::store::Choice;

#[derive(Debug, Clone, FromRow)]
pub struct NamedRow {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
}

/// The catalogs whose rows can be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referable {
    Priorities,
    ServiceLevels,
    Channels,
    RequestTypes,
    Subjects,
    Products,
    Teams,
}

/// Every row of a catalog, in the order its admin page lists them. A
/// product family is never a case's product, so it counts as inactive.
pub async fn named_rows(
    tx: &mut PgConnection,
    catalog: Referable,
) -> Result<Vec<NamedRow>, sqlx::Error> {
    let sql = match catalog {
        Referable::Priorities => {
            "select id, name, active from priorities order by sort_order, lower(name)"
        }
        Referable::ServiceLevels => {
            "select id, name, active from service_levels order by sort_order, lower(name)"
        }
        Referable::Channels => {
            "select id, name, active from channels order by sort_order, lower(name)"
        }
        Referable::RequestTypes => {
            "select id, name, active from request_types order by sort_order, lower(name)"
        }
        Referable::Subjects => "select id, name, active from subjects order by lower(name)",
        Referable::Products => {
            "select id, name, (state = 'active' and kind <> 'family') as active
               from products order by lower(name)"
        }
        Referable::Teams => "select id, name, active from teams order by sort_order, lower(name)",
    };
    sqlx::query_as(sql).fetch_all(tx).await
}

/// Active status reasons of active cases: the statuses a clock may pause on.
pub async fn pause_statuses(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select id, name from status_reasons where state = 'active' and active order by sort_order, lower(name)",
    )
    .fetch_all(tx)
    .await
}

/// The active status reasons of active cases that carry these system keys.
pub async fn active_statuses_by_key(
    tx: &mut PgConnection,
    keys: &[&str],
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "select id from status_reasons where state = 'active' and active and system_key = any($1)",
    )
    .bind(keys)
    .fetch_all(tx)
    .await
}
