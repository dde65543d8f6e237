//! What the demo data does to cases beyond the commands: it dates their last
//! change in the past, and brings a few in "just now" so that every SLA
//! state is on show. Only the seeding uses these.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn date_last_change(
    tx: &mut PgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("update cases set updated_at = $2 where id = $1", id, at)
        .execute(tx)
        .await?;
    Ok(())
}

/// The customer's `rank`-th newest active case (from 0) came in at
/// `received_at`, unanswered and in progress.
pub async fn bring_in(
    tx: &mut PgConnection,
    customer: Uuid,
    rank: i64,
    received_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update cases set received_at = $1, first_response_at = null,
                status_reason_id = (select id from status_reasons where system_key = 'in_progress')
          where id = (select id from cases where customer_id = $2 and state = 'active'
                       order by opened_at desc offset $3 limit 1)",
    )
    .bind(received_at)
    .bind(customer)
    .bind(rank)
    .execute(tx)
    .await?;
    Ok(())
}
