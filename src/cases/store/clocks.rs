//! The case row's side of its SLA clocks: what the SLA reads of a case,
//! the SLA it runs under and its timer (the soonest deadline of its KPIs,
//! which the case views sort and filter by).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, QueryBuilder};
use uuid::Uuid;

use crate::core::case::State;
use crate::sla::case_timer::CaseTimer;
use crate::sla::condition::CaseFacts;
use crate::sla::engine::{CaseMoment, Evolution};
use crate::sla::model::KpiStatus;
use crate::sla::store::{push_instance_writes, record_pauses};
use crate::sla::sync::CaseForSla;

#[derive(FromRow)]
struct CaseSlaRow {
    state: String,
    status_reason_id: Uuid,
    received_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    first_public_reply_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    priority_id: Uuid,
    channel_id: Option<Uuid>,
    subject_id: Option<Uuid>,
    product_id: Option<Uuid>,
    request_type_id: Option<Uuid>,
    service_level_id: Option<Uuid>,
    sla_id: Option<Uuid>,
    entitlement_sla_id: Option<Uuid>,
}

impl CaseSlaRow {
    fn into_case(self, now: DateTime<Utc>) -> CaseForSla {
        CaseForSla {
            moment: CaseMoment {
                state: State::parse(&self.state),
                status_reason_id: self.status_reason_id,
                received_at: self.received_at,
                first_response_at: self.first_response_at,
                first_public_reply_at: self.first_public_reply_at,
                resolved_at: self.resolved_at,
                now,
            },
            facts: CaseFacts {
                priority: Some(self.priority_id),
                service_level: self.service_level_id,
                channel: self.channel_id,
                subject: self.subject_id,
                product: self.product_id,
                request_type: self.request_type_id,
            },
            sla_id: self.sla_id,
            entitlement_sla_id: self.entitlement_sla_id,
        }
    }
}

/// The case as its SLA reads it at `now`; none when it is not there.
pub async fn sla_view(
    tx: &mut PgConnection,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<CaseForSla>, sqlx::Error> {
    let row = sqlx::query_as::<_, CaseSlaRow>(
        "select c.state, c.status_reason_id, c.received_at, c.first_response_at, c.first_public_reply_at,
                c.resolved_at, c.priority_id,
                c.channel_id, c.subject_id, c.product_id, c.request_type_id, c.sla_id,
                (select service_level_id from customer_refs where id = c.customer_id) as service_level_id,
                (select sla_id from entitlement_refs where id = c.entitlement_id) as entitlement_sla_id
           from cases c where c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|row| row.into_case(now)))
}

pub async fn set_sla(tx: &mut PgConnection, case_id: Uuid, sla: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("update cases set sla_id = $2 where id = $1")
        .bind(case_id)
        .bind(sla)
        .execute(tx)
        .await?;
    Ok(())
}

/// Writes the case's timer and the instances a change touched, with one
/// history row per step, in a single statement; then opens and closes
/// pause-ledger rows.
pub async fn save_clocks(
    tx: &mut PgConnection,
    case_id: Uuid,
    evolutions: &[&Evolution],
    timer: CaseTimer,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if evolutions.is_empty() {
        return Ok(());
    }
    let status = timer.status.map(KpiStatus::as_str);
    let mut sql = QueryBuilder::new(
        "with timer as (
           update cases set sla_timer_status = ",
    );
    sql.push_bind(status)
        .push(", sla_timer_deadline = ")
        .push_bind(timer.deadline)
        .push(", sla_timer_warning_at = ")
        .push_bind(timer.warning_at)
        .push(" where id = ")
        .push_bind(case_id)
        .push(
            " and (sla_timer_status, sla_timer_deadline, sla_timer_warning_at) is distinct from (",
        )
        .push_bind(status)
        .push("::text, ")
        .push_bind(timer.deadline)
        .push("::timestamptz, ")
        .push_bind(timer.warning_at)
        .push("::timestamptz)), ");
    push_instance_writes(&mut sql, case_id, evolutions, actor, now, "true");
    sql.push(" select");
    sql.build().execute(&mut *tx).await?;
    record_pauses(tx, evolutions, now).await
}
