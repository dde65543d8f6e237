//! What the case page shows around the case itself, read in one round trip.
//!
//! The case page is the most opened page of the desk. Its customer card,
//! the customer's alerts, the merged cases, "following", the SLA timers and
//! the attachments were six statements, each a probe of an index doing
//! almost no work: on a busy desk the page's time went to the round trips and
//! the per-statement overhead, not to reading. Here they are one statement,
//! with the lists as JSON arrays.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use super::AttachmentRow;
use crate::customers::store::{Alert, CustomerRow, ROW_COLUMNS, ROW_SOURCE};

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
    #[sqlx(flatten)]
    pub customer: CustomerRow,
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

/// `None` when the customer is not in this workspace (it always is: the
/// case refers to it).
pub async fn surroundings(
    tx: &mut PgConnection,
    case_id: Uuid,
    customer_id: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
    with_attachments: bool,
) -> Result<Option<CaseSurroundings>, sqlx::Error> {
    // `= any(array(...))` rather than `or case_id in (...)`: row-level
    // security keeps an `or` from reaching the index, an array does not.
    let sql = format!(
        "select {ROW_COLUMNS},
                (select coalesce(json_agg(al order by al.rank, al.created_at desc), '[]')
                   from (select al.id, al.text, al.priority, al.expires_at, al.created_at, u.name as author,
                                case al.priority when 'high' then 0 when 'medium' then 1 else 2 end as rank
                           from customer_alerts al
                           left join users u on u.tenant_id = al.tenant_id and u.id = al.created_by
                          where al.customer_id = $2 and al.active
                            and (al.expires_at is null or al.expires_at > $4)) al) as alerts,
                array(select m.id from cases m where m.merged_into_id = $1) as merged,
                exists (select from case_followers f where f.case_id = $1 and f.user_id = $3) as following,
                (select coalesce(json_agg(k order by k.kpi), '[]')
                   from (select {SLA_CHIP_COLUMNS} from sla_kpi_instances i where i.case_id = $1) k) as sla_chips,
                (select coalesce(json_agg(f order by f.created_at desc), '[]')
                   from (select f.id, f.case_id, f.event_id, f.activity_id, f.file_name, f.size_bytes, f.sha256,
                                f.created_at, u.name as author
                           from attachments f join users u on u.tenant_id = f.tenant_id and u.id = f.uploaded_by
                          where $5 and f.case_id = any(array(
                                select $1 union all select m.id from cases m where m.merged_into_id = $1))) f) as attachments
           from {ROW_SOURCE}
          where c.id = $2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .bind(customer_id)
        .bind(user)
        .bind(now)
        .bind(with_attachments)
        .fetch_optional(tx)
        .await
}

/// The header's timers alone, for their periodic refresh.
pub async fn sla_chip_rows(
    tx: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<SlaChipRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {SLA_CHIP_COLUMNS} from sla_kpi_instances i where i.case_id = $1 order by i.kpi"
    )))
    .bind(case_id)
    .fetch_all(tx)
    .await
}
