//! Which queue a case waits in: the one writer of `queue_id`, `queued_at`
//! and `queued_by` (the queue's counts follow by trigger, migration 0028).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Puts the case in `queue` (as put there by `by` at `at`), or takes it out.
pub async fn set_queue(
    tx: &mut PgConnection,
    id: Uuid,
    queue: Option<Uuid>,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update cases set queue_id = $2,
                queued_at = case when $2::uuid is null then null else $4 end,
                queued_by = case when $2::uuid is null then null else $3 end,
                version = version + 1
          where id = $1",
    )
    .bind(id)
    .bind(queue)
    .bind(by)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(())
}

/// The queue the case waits in, if any.
pub async fn queue_of(
    tx: &mut PgConnection,
    key: super::CaseKey,
) -> Result<Option<Uuid>, sqlx::Error> {
    let query = match key {
        super::CaseKey::Number(number) => {
            sqlx::query_scalar("select queue_id from cases where number = $1").bind(number.0)
        }
        super::CaseKey::Id(id) => {
            sqlx::query_scalar("select queue_id from cases where id = $1").bind(id)
        }
    };
    Ok(query.fetch_optional(tx).await?.flatten())
}

/// The service level of the case's customer, as routing rules read it.
pub async fn service_level_of(
    tx: &mut PgConnection,
    customer: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(
        sqlx::query_scalar("select service_level_id from customer_refs where id = $1")
            .bind(customer)
            .fetch_optional(tx)
            .await?
            .flatten(),
    )
}

/// The ids of the cases with these numbers, in number order (those of
/// another workspace are not there).
pub async fn ids_by_numbers(
    tx: &mut PgConnection,
    numbers: &[crate::cases::model::CaseNumber],
) -> Result<Vec<Uuid>, sqlx::Error> {
    let numbers: Vec<i64> = numbers.iter().map(|n| n.0).collect();
    sqlx::query_scalar("select id from cases where number = any($1) order by number")
        .bind(numbers)
        .fetch_all(tx)
        .await
}
