//! Rows written in bulk for the benchmarks' data (`atende seed bulk`): a
//! batch of cases, and of timeline entries, each in one statement. Only the
//! seeding uses them; the service writes cases through the case commands.

use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Default)]
pub struct CaseBatch {
    pub ids: Vec<Uuid>,
    pub numbers: Vec<i64>,
    pub titles: Vec<String>,
    pub customers: Vec<Uuid>,
    pub subjects: Vec<Option<Uuid>>,
    pub channels: Vec<Option<Uuid>>,
    pub products: Vec<Option<Uuid>>,
    pub priorities: Vec<Uuid>,
    pub states: Vec<String>,
    pub statuses: Vec<Uuid>,
    pub owners: Vec<Option<Uuid>>,
    pub received: Vec<DateTime<Utc>>,
    pub opened: Vec<DateTime<Utc>>,
    pub first_response: Vec<Option<DateTime<Utc>>>,
    pub resolved: Vec<Option<DateTime<Utc>>>,
    pub cancelled: Vec<Option<DateTime<Utc>>>,
    pub worked: Vec<i32>,
    pub created_by: Vec<Uuid>,
    pub updated_at: Vec<DateTime<Utc>>,
}

pub async fn insert_cases(tx: &mut sqlx::PgConnection, b: &CaseBatch) -> Result<(), sqlx::Error> {
    sqlx::query(
        // The customer's name and the title's search form are written here, as
        // the trigger skipped with the key checks would have (see
        // `begin_bulk_tx`); the SLA timer comes from the instances written
        // before.
        "insert into cases (tenant_id, id, number, title, search_title, customer_id, customer_name, subject_id,
                            channel_id, product_id, priority_id, state, status_reason_id, owner_user_id, received_at,
                            opened_at, first_response_at, resolved_at, cancelled_at, worked_minutes, billable_minutes,
                            created_by, updated_by, updated_at, sla_timer_status, sla_timer_deadline,
                            sla_timer_warning_at)
         select app_tenant_id(), t.id, t.number, t.title, search_text(t.title), t.customer, coalesce(cu.name, ''),
                t.subject, t.channel, t.product, t.priority, t.state, t.status, t.owner, t.received, t.opened,
                t.first_response, t.resolved, t.cancelled, t.worked, t.worked, t.created_by, t.created_by,
                t.updated_at, timer.status, timer.deadline, timer.warning_at
           from unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[],
                       $9::text[], $10::uuid[], $11::uuid[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[],
                       $15::timestamptz[], $16::timestamptz[], $17::int[], $18::uuid[], $19::timestamptz[])
             as t(id, number, title, customer, subject, channel, product, priority, state, status, owner, received,
                  opened, first_response, resolved, cancelled, worked, created_by, updated_at)
           left join customer_refs cu on cu.tenant_id = app_tenant_id() and cu.id = t.customer
           left join lateral case_sla_timer(app_tenant_id(), t.id) timer on true",
    )
    .bind(&b.ids)
    .bind(&b.numbers)
    .bind(&b.titles)
    .bind(&b.customers)
    .bind(&b.subjects)
    .bind(&b.channels)
    .bind(&b.products)
    .bind(&b.priorities)
    .bind(&b.states)
    .bind(&b.statuses)
    .bind(&b.owners)
    .bind(&b.received)
    .bind(&b.opened)
    .bind(&b.first_response)
    .bind(&b.resolved)
    .bind(&b.cancelled)
    .bind(&b.worked)
    .bind(&b.created_by)
    .bind(&b.updated_at)
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Default)]
pub struct EventBatch {
    pub ids: Vec<Uuid>,
    pub cases: Vec<Uuid>,
    /// Each case's customer, written with the entry so that the trigger
    /// that would look it up has nothing to do.
    pub customers: Vec<Uuid>,
    pub ats: Vec<DateTime<Utc>>,
    pub actors: Vec<Uuid>,
    pub kinds: Vec<String>,
    pub bodies: Vec<String>,
    pub data: Vec<serde_json::Value>,
}

pub async fn insert_events(tx: &mut sqlx::PgConnection, b: &EventBatch) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into case_events (tenant_id, id, case_id, customer_id, at, actor_id, kind, body, data)
         select app_tenant_id(), id, case_id, customer_id, at, actor, kind, body, data
           from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[],
                       $7::jsonb[], $8::uuid[])
             as t(id, case_id, at, actor, kind, body, data, customer_id)",
    )
    .bind(&b.ids)
    .bind(&b.cases)
    .bind(&b.ats)
    .bind(&b.actors)
    .bind(&b.kinds)
    .bind(&b.bodies)
    .bind(&b.data)
    .bind(&b.customers)
    .execute(tx)
    .await?;
    Ok(())
}
