//! The case row's side of its entitlement's terms.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::entitlements::terms::CaseTerms;

/// What the terms read of the case, as its row stands in the transaction.
pub async fn terms_of(tx: &mut PgConnection, case_id: Uuid) -> Result<CaseTerms, sqlx::Error> {
    sqlx::query_as(
        "select entitlement_id, terms_exempt, terms_round, state, channel_id, billable_minutes,
                resolved_billable_minutes
           from cases where id = $1",
    )
    .bind(case_id)
    .fetch_one(tx)
    .await
}

/// Terms given back close a round: the case's next takes are new ones.
pub async fn next_terms_round(tx: &mut PgConnection, case_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("update cases set terms_round = terms_round + 1 where id = $1")
        .bind(case_id)
        .execute(tx)
        .await?;
    Ok(())
}
