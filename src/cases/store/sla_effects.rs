//! What the SLA's steps write on cases, set-based where the write allows:
//! a batch of the worker holds up to a thousand steps. A field the SLA
//! changes marks the case as changed at that moment; the person who last
//! changed it stays named, the entry itself has no author.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// The steps' timeline entries, one statement.
pub async fn add_sla_entries(
    tx: &mut PgConnection,
    entries: &[(Uuid, Value)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into case_events (tenant_id, id, case_id, at, kind, data)
         select app_tenant_id(), u.id, u.case_id, $4, 'sla', u.data
           from unnest($1::uuid[], $2::uuid[], $3::jsonb[]) as u(id, case_id, data)",
    )
    .bind(entries.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(entries.iter().map(|(case, _)| *case).collect::<Vec<_>>())
    .bind(
        entries
            .iter()
            .map(|(_, data)| data.clone())
            .collect::<Vec<_>>(),
    )
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn mark_escalated(
    tx: &mut PgConnection,
    cases: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if cases.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "update cases set escalated = true, updated_at = $2 where id = any($1) and not escalated",
    )
    .bind(cases)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// A priority as the timeline names it.
pub struct PriorityStep {
    pub old_id: Uuid,
    pub old_name: String,
    pub new_id: Uuid,
    pub new_name: String,
}

/// Raises the case one active priority; none when it is at the top.
pub async fn raise_priority(
    tx: &mut PgConnection,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PriorityStep>, sqlx::Error> {
    let raised: Option<(Uuid, String, Uuid, String)> = sqlx::query_as(
        "with next as (
             select p.id, p.name, c.priority_id as old_id,
                    (select name from priorities where id = c.priority_id) as old_name
               from cases c join priorities p
                 on p.active and p.sort_order > (select sort_order from priorities where id = c.priority_id)
              where c.id = $1
              order by p.sort_order limit 1)
         update cases c set priority_id = next.id, version = version + 1, updated_at = $2 from next
          where c.id = $1 returning next.old_id, next.old_name, next.id, next.name",
    )
    .bind(case_id)
    .bind(now)
    .fetch_optional(tx)
    .await?;
    Ok(
        raised.map(|(old_id, old_name, new_id, new_name)| PriorityStep {
            old_id,
            old_name,
            new_id,
            new_name,
        }),
    )
}

/// Gives the case to `team` (nobody in it); the team's name when the owner
/// changed.
pub async fn give_to_team(
    tx: &mut PgConnection,
    case_id: Uuid,
    team: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let moved: Option<(String,)> = sqlx::query_as(
        "update cases c set owner_team_id = $2, owner_user_id = null, version = version + 1, updated_at = $3
          where c.id = $1 and (owner_team_id is distinct from $2 or owner_user_id is not null)
          returning (select name from teams where id = $2)",
    )
    .bind(case_id)
    .bind(team)
    .bind(now)
    .fetch_optional(tx)
    .await?;
    Ok(moved.map(|(name,)| name))
}
