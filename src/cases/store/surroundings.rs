//! What the case page shows around the case itself, read with the case in
//! one round trip.
//!
//! The case page is the most opened page of the desk. The case, its
//! customer card, the customer's alerts, the merged cases, "following", the
//! SLA timers and the attachments were seven statements, each a probe of an
//! index doing almost no work: on a busy desk the page's time went to the
//! round trips and the per-statement overhead, not to reading. Here they
//! are one statement, with the lists (and the customer) as JSON.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::{AttachmentRow, CaseRecord, RECORD_COLUMNS, put_names};
use crate::cases::model::CaseNumber;
use crate::catalog::names::CaseNames;
use crate::customers::store::{Alert, CustomerRow, ROW_COLUMNS, ROW_SOURCE, current_alerts_json};

/// One KPI instance of the case, as the header's timers show it.
#[derive(Debug, Clone, FromRow, Deserialize)]
pub struct SlaChipRow {
    pub kpi: String,
    pub status: String,
    pub failure_at: DateTime<Utc>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub sla_id: Option<Uuid>,
}

#[derive(Debug, FromRow)]
pub struct CaseSurroundings {
    /// `None` when the customer is not in this workspace (it always is:
    /// the case refers to it).
    #[sqlx(json(nullable))]
    pub customer: Option<CustomerRow>,
    /// Current alerts of the customer, most urgent first.
    #[sqlx(json)]
    pub alerts: Vec<Alert>,
    /// The cases merged into this one.
    pub merged: Vec<Uuid>,
    pub following: bool,
    #[sqlx(json)]
    pub sla_chips: Vec<SlaChipRow>,
    /// Of the case and the cases merged into it, newest first; empty unless
    /// asked for.
    #[sqlx(json)]
    pub attachments: Vec<AttachmentRow>,
}

impl CaseSurroundings {
    /// The case and every case merged into it, as `with_merged` gives it.
    pub fn family(&self, case_id: Uuid) -> Vec<Uuid> {
        let mut family = Vec::with_capacity(self.merged.len() + 1);
        family.push(case_id);
        family.extend_from_slice(&self.merged);
        family
    }
}

const SLA_CHIP_COLUMNS: &str =
    "i.kpi, i.status, i.failure_at, i.succeeded_at, i.ended_at, i.paused_at,
        (select it.sla_id from sla_items it where it.id = i.sla_item_id) as sla_id";

/// The columns of `CaseSurroundings`, each a sub-select, of the case and
/// customer ids, the user, the time and whether attachments are wanted as
/// the statement names them (parameters, or columns of the case read).
fn surroundings_columns(case: &str, customer: &str, user: &str, now: &str, files: &str) -> String {
    let alerts = current_alerts_json(customer, now);
    // `= any(array(...))` rather than `or case_id in (...)`: row-level
    // security keeps an `or` from reaching the index, an array does not.
    format!(
        "(select row_to_json(cu) from (select {ROW_COLUMNS} from {ROW_SOURCE} where c.id = {customer}) cu) as customer,
         {alerts} as alerts,
         array(select m.id from cases m where m.merged_into_id = {case}) as merged,
         exists (select from case_followers f where f.case_id = {case} and f.user_id = {user}) as following,
         (select coalesce(json_agg(k order by k.kpi), '[]')
            from (select {SLA_CHIP_COLUMNS} from kpi_refs i where i.case_id = {case}) k) as sla_chips,
         (select coalesce(json_agg(f order by f.created_at desc), '[]')
            from (select f.id, f.case_id, f.event_id, f.activity_id, f.file_name, f.size_bytes, f.sha256,
                         f.created_at, u.name as author
                    from attachments f join users u on u.tenant_id = f.tenant_id and u.id = f.uploaded_by
                   where {files} and f.case_id = any(array(
                         select {case} union all select m.id from cases m where m.merged_into_id = {case}))) f) as attachments"
    )
}

/// What the case page shows around a case already read.
pub async fn surroundings(
    tx: &mut PgConnection,
    case_id: Uuid,
    customer_id: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
    with_attachments: bool,
) -> Result<CaseSurroundings, sqlx::Error> {
    let columns = surroundings_columns("$1::uuid", "$2::uuid", "$3", "$4", "$5");
    sqlx::query_as(sqlx::AssertSqlSafe(format!("select {columns}")))
        .bind(case_id)
        .bind(customer_id)
        .bind(user)
        .bind(now)
        .bind(with_attachments)
        .fetch_one(tx)
        .await
}

#[derive(FromRow)]
struct CaseAndSurroundings {
    #[sqlx(flatten)]
    case: CaseRecord,
    #[sqlx(flatten)]
    around: CaseSurroundings,
}

/// The case by its number with what the page shows around it, in one
/// statement: the case page as most requests open it.
pub async fn find_with_surroundings(
    tx: &mut PgConnection,
    names: &CaseNames,
    number: CaseNumber,
    user: Uuid,
    now: DateTime<Utc>,
    with_attachments: bool,
) -> Result<Option<(CaseRecord, CaseSurroundings)>, sqlx::Error> {
    // The case's ids are named through `here`: inside the customer's
    // sub-select, `c` is the customer.
    let columns = surroundings_columns("here.id", "here.customer_id", "$2", "$3", "$4");
    let sql = format!(
        "select {RECORD_COLUMNS}, {columns}
           from cases c cross join lateral (select c.id, c.customer_id) here
          where c.number = $1"
    );
    let found: Option<CaseAndSurroundings> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(number.0)
        .bind(user)
        .bind(now)
        .bind(with_attachments)
        .fetch_optional(tx)
        .await?;
    Ok(found.map(|CaseAndSurroundings { mut case, around }| {
        put_names(&mut case, names);
        (case, around)
    }))
}
/// The header's timers alone, for their periodic refresh.
pub async fn sla_chip_rows(
    tx: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<SlaChipRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {SLA_CHIP_COLUMNS} from kpi_refs i where i.case_id = $1 order by i.kpi"
    )))
    .bind(case_id)
    .fetch_all(tx)
    .await
}
