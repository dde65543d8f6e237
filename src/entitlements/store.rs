//! Reading and writing entitlements, their channels, products, ledger and
//! templates, inside the tenant's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::store::{Choice, WriteError};
use crate::entitlements::model::{Allocation, DecreaseOn, EntitlementInput, Status, TemplateInput};

#[derive(Debug, Clone, FromRow)]
pub struct EntitlementRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub allocation: String,
    pub total_units: i32,
    pub remaining_units: i32,
    pub decrease_on: String,
    pub restrict_creation: bool,
    pub sla_id: Option<Uuid>,
    pub sla_name: Option<String>,
    pub is_default: bool,
    pub template_id: Option<Uuid>,
    pub template_name: Option<String>,
    pub status_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl EntitlementRow {
    pub fn state(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }

    pub fn alloc(&self) -> Allocation {
        Allocation::parse(&self.allocation).unwrap_or(Allocation::Cases)
    }

    pub fn decrease(&self) -> DecreaseOn {
        DecreaseOn::parse(&self.decrease_on).unwrap_or(DecreaseOn::Creation)
    }

    pub fn status_key(&self) -> &'static str {
        self.state().label_key()
    }

    pub fn remaining_text(&self) -> String {
        self.alloc().format(self.remaining_units)
    }

    pub fn total_text(&self) -> String {
        self.alloc().format(self.total_units)
    }

    pub fn units(&self, units: &i32) -> String {
        self.alloc().format(*units)
    }
}

const SELECT: &str = "select e.id, e.customer_id, c.name as customer_name, e.name, e.starts_on, e.ends_on,
        e.status, e.allocation, e.total_units, e.remaining_units, e.decrease_on, e.restrict_creation,
        e.sla_id, s.name as sla_name, e.is_default, e.template_id, t.name as template_name,
        e.status_due_at, e.created_at
   from entitlements e
   join customer_refs c on c.id = e.customer_id
   left join slas s on s.id = e.sla_id
   left join entitlement_templates t on t.id = e.template_id";

/// Entitlements of the workspace, optionally of one status and of customers
/// whose name matches `customer`.
pub async fn list(
    tx: &mut PgConnection,
    status: Option<Status>,
    customer: &str,
) -> Result<Vec<EntitlementRow>, sqlx::Error> {
    let like = format!(
        "%{}%",
        customer
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT}
          where ($1::text is null or e.status = $1)
            and ($2 = '%%' or c.search_name like search_text($2))
          order by e.ends_on desc, lower(c.name), lower(e.name) limit 500"
    )))
    .bind(status.map(Status::as_str))
    .bind(like)
    .fetch_all(tx)
    .await
}

/// The customer's entitlements, open ones first.
pub async fn for_customer(
    tx: &mut PgConnection,
    customer_id: Uuid,
) -> Result<Vec<EntitlementRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT}
          where e.customer_id = $1
          order by e.status in ('expired', 'cancelled'), e.ends_on desc, lower(e.name)"
    )))
    .bind(customer_id)
    .fetch_all(tx)
    .await
}

pub async fn find(tx: &mut PgConnection, id: Uuid) -> Result<Option<EntitlementRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} where e.id = $1")))
        .bind(id)
        .fetch_optional(tx)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ChannelTerms {
    pub channel_id: Uuid,
    pub name: String,
    pub total_units: i32,
    pub remaining_units: i32,
}

pub async fn channels(
    tx: &mut PgConnection,
    entitlement: Uuid,
) -> Result<Vec<ChannelTerms>, sqlx::Error> {
    sqlx::query_as(
        "select ec.channel_id, catalog_name(ch.name, ch.names) as name, ec.total_units, ec.remaining_units
           from entitlement_channels ec join channels ch on ch.id = ec.channel_id
          where ec.entitlement_id = $1 order by lower(catalog_name(ch.name, ch.names))",
    )
    .bind(entitlement)
    .fetch_all(tx)
    .await
}

pub async fn products(
    tx: &mut PgConnection,
    entitlement: Uuid,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as(
        "select p.id, catalog_name(p.name, p.names) as name
           from entitlement_products ep join products p on p.id = ep.product_id
          where ep.entitlement_id = $1 order by lower(catalog_name(p.name, p.names))",
    )
    .bind(entitlement)
    .fetch_all(tx)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct LedgerRow {
    pub at: DateTime<Utc>,
    pub case_number: i64,
    pub direction: String,
    pub event: String,
    pub units: i32,
    pub channel_name: Option<String>,
    pub actor_name: Option<String>,
}

impl LedgerRow {
    pub fn case_ref(&self) -> String {
        crate::core::case::CaseNumber(self.case_number).to_string()
    }

    pub fn direction_key(&self) -> &'static str {
        if self.direction == "take" {
            "entitlement-ledger-take"
        } else {
            "entitlement-ledger-give-back"
        }
    }

    pub fn event_key(&self) -> &'static str {
        match self.event.as_str() {
            "created" => "entitlement-event-created",
            "resolved" => "entitlement-event-resolved",
            "cancelled" => "entitlement-event-cancelled",
            "reactivated" => "entitlement-event-reactivated",
            "moved" => "entitlement-event-moved",
            "exempted" => "entitlement-event-exempted",
            _ => "entitlement-event-other",
        }
    }
}

pub async fn ledger(
    tx: &mut PgConnection,
    entitlement: Uuid,
) -> Result<Vec<LedgerRow>, sqlx::Error> {
    sqlx::query_as(
        "select l.at, c.number as case_number, l.direction, l.event, l.units,
                catalog_name(ch.name, ch.names) as channel_name, u.name as actor_name
           from entitlement_ledger l
           join case_refs c on c.id = l.case_id
           left join channels ch on ch.id = l.channel_id
           left join users u on u.id = l.actor_id
          where l.entitlement_id = $1
          order by l.at desc, l.id desc limit 500",
    )
    .bind(entitlement)
    .fetch_all(tx)
    .await
}

/// Active customers whose name matches `q` (all of them, by name, when empty).
pub async fn active_customers(tx: &mut PgConnection, q: &str) -> Result<Vec<Choice>, sqlx::Error> {
    let like = format!(
        "%{}%",
        q.trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_as(
        "select id, name from customer_refs
          where active and search_name like search_text($1)
          order by lower(name) limit 50",
    )
    .bind(like)
    .fetch_all(tx)
    .await
}

pub async fn find_active_customer(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Choice>, sqlx::Error> {
    sqlx::query_as("select id, name from customer_refs where id = $1 and active")
        .bind(id)
        .fetch_optional(tx)
        .await
}

pub async fn active_slas(tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as("select id, name from slas where active order by lower(name)")
        .fetch_all(tx)
        .await
}

/// Why a write was refused, beyond the form's own checks.
pub enum SaveError {
    /// The SLA, a channel or a product is not an active choice.
    Choice(&'static str),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(err: sqlx::Error) -> Self {
        SaveError::Db(err)
    }
}

/// Checks the SLA, channels and products against the active choices.
async fn check_choices(tx: &mut PgConnection, input: &EntitlementInput) -> Result<(), SaveError> {
    if let Some(sla) = input.sla_id {
        let ok: bool =
            sqlx::query_scalar("select exists (select from slas where id = $1 and active)")
                .bind(sla)
                .fetch_one(&mut *tx)
                .await?;
        if !ok {
            return Err(SaveError::Choice("sla_id"));
        }
    }
    let channels: Vec<Uuid> = input.channels.iter().map(|(c, _)| *c).collect();
    let known: i64 =
        sqlx::query_scalar("select count(*) from channels where id = any($1) and active")
            .bind(&channels)
            .fetch_one(&mut *tx)
            .await?;
    if known != channels.len() as i64 {
        return Err(SaveError::Choice("channels"));
    }
    let known: i64 = sqlx::query_scalar(
        "select count(*) from products where id = any($1) and state = 'active' and kind <> 'family'",
    )
    .bind(&input.product_ids)
    .fetch_one(&mut *tx)
    .await?;
    if known != input.product_ids.len() as i64 {
        return Err(SaveError::Choice("product_ids"));
    }
    Ok(())
}

async fn clear_other_default(
    tx: &mut PgConnection,
    customer: Uuid,
    id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update entitlements set is_default = false, version = version + 1
          where customer_id = $1 and id <> $2 and is_default",
    )
    .bind(customer)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

async fn put_products(
    tx: &mut PgConnection,
    id: Uuid,
    products: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "delete from entitlement_products where entitlement_id = $1 and product_id <> all($2)",
    )
    .bind(id)
    .bind(products)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into entitlement_products (tenant_id, entitlement_id, product_id)
         select app_tenant_id(), $1, p from unnest($2::uuid[]) p on conflict do nothing",
    )
    .bind(id)
    .bind(products)
    .execute(tx)
    .await?;
    Ok(())
}

/// Sets the channels' terms: a changed total moves what remains by as much.
async fn put_channels(
    tx: &mut PgConnection,
    id: Uuid,
    channels: &[(Uuid, i32)],
) -> Result<(), sqlx::Error> {
    let ids: Vec<Uuid> = channels.iter().map(|(c, _)| *c).collect();
    let totals: Vec<i32> = channels.iter().map(|(_, t)| *t).collect();
    sqlx::query(
        "delete from entitlement_channels where entitlement_id = $1 and channel_id <> all($2)",
    )
    .bind(id)
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into entitlement_channels (tenant_id, entitlement_id, channel_id, total_units, remaining_units)
         select app_tenant_id(), $1, u.channel_id, u.total, u.total
           from unnest($2::uuid[], $3::int[]) as u(channel_id, total)
         on conflict (tenant_id, entitlement_id, channel_id) do update
            set remaining_units = entitlement_channels.remaining_units
                                  + excluded.total_units - entitlement_channels.total_units,
                total_units = excluded.total_units",
    )
    .bind(id)
    .bind(&ids)
    .bind(&totals)
    .execute(tx)
    .await?;
    Ok(())
}

/// Creates a draft entitlement for `customer`.
pub async fn create(
    tx: &mut PgConnection,
    customer: Uuid,
    input: &EntitlementInput,
) -> Result<Uuid, SaveError> {
    check_choices(tx, input).await?;
    let id = Uuid::now_v7();
    if input.is_default {
        clear_other_default(tx, customer, id).await?;
    }
    sqlx::query(
        "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, status, allocation,
                                   total_units, remaining_units, decrease_on, restrict_creation, sla_id,
                                   is_default, template_id)
         values (app_tenant_id(), $1, $2, $3, $4, $5, 'draft', $6, $7, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(customer)
    .bind(&input.name)
    .bind(input.starts_on)
    .bind(input.ends_on)
    .bind(input.allocation.as_str())
    .bind(input.total_units)
    .bind(input.decrease_on.as_str())
    .bind(input.restrict_creation)
    .bind(input.sla_id)
    .bind(input.is_default)
    .bind(input.template_id)
    .execute(&mut *tx)
    .await?;
    put_channels(tx, id, &input.channels).await?;
    put_products(tx, id, &input.product_ids).await?;
    Ok(id)
}

/// Saves the edit form: the remaining terms move by as much as the total.
/// `status` and `due` are the (re)computed status and its next instant.
pub async fn update(
    tx: &mut PgConnection,
    current: &EntitlementRow,
    input: &EntitlementInput,
    status: Status,
    due: Option<DateTime<Utc>>,
) -> Result<(), SaveError> {
    check_choices(tx, input).await?;
    if input.is_default {
        clear_other_default(tx, current.customer_id, current.id).await?;
    }
    sqlx::query(
        "update entitlements set name = $2, starts_on = $3, ends_on = $4, allocation = $5,
                remaining_units = remaining_units + $6 - total_units, total_units = $6,
                decrease_on = $7, restrict_creation = $8, sla_id = $9, is_default = $10,
                status = $11, status_due_at = $12, version = version + 1
          where id = $1",
    )
    .bind(current.id)
    .bind(&input.name)
    .bind(input.starts_on)
    .bind(input.ends_on)
    .bind(input.allocation.as_str())
    .bind(input.total_units)
    .bind(input.decrease_on.as_str())
    .bind(input.restrict_creation)
    .bind(input.sla_id)
    .bind(input.is_default)
    .bind(status.as_str())
    .bind(due)
    .execute(&mut *tx)
    .await?;
    put_channels(tx, current.id, &input.channels).await?;
    put_products(tx, current.id, &input.product_ids).await?;
    Ok(())
}

pub async fn set_status(
    tx: &mut PgConnection,
    id: Uuid,
    status: Status,
    due: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update entitlements set status = $2, status_due_at = $3, version = version + 1 where id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(due)
    .execute(tx)
    .await?;
    Ok(())
}

// Templates ------------------------------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct TemplateRow {
    pub id: Uuid,
    pub name: String,
    pub allocation: String,
    pub total_units: i32,
    pub decrease_on: String,
    pub restrict_creation: bool,
    pub sla_id: Option<Uuid>,
    pub sla_name: Option<String>,
    pub duration_days: i32,
    pub active: bool,
}

impl TemplateRow {
    pub fn alloc(&self) -> Allocation {
        Allocation::parse(&self.allocation).unwrap_or(Allocation::Cases)
    }

    pub fn decrease(&self) -> DecreaseOn {
        DecreaseOn::parse(&self.decrease_on).unwrap_or(DecreaseOn::Creation)
    }

    pub fn total_text(&self) -> String {
        self.alloc().format(self.total_units)
    }
}

const SELECT_TEMPLATE: &str = "select t.id, t.name, t.allocation, t.total_units, t.decrease_on,
        t.restrict_creation, t.sla_id, s.name as sla_name, t.duration_days, t.active
   from entitlement_templates t left join slas s on s.id = t.sla_id";

pub async fn templates(tx: &mut PgConnection) -> Result<Vec<TemplateRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_TEMPLATE} order by not t.active, lower(t.name)"
    )))
    .fetch_all(tx)
    .await
}

pub async fn find_template(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<TemplateRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_TEMPLATE} where t.id = $1"
    )))
    .bind(id)
    .fetch_optional(tx)
    .await
}

async fn sla_is_active(tx: &mut PgConnection, sla: Option<Uuid>) -> Result<bool, sqlx::Error> {
    match sla {
        None => Ok(true),
        Some(sla) => {
            sqlx::query_scalar("select exists (select from slas where id = $1 and active)")
                .bind(sla)
                .fetch_one(tx)
                .await
        }
    }
}

pub enum TemplateError {
    NameTaken,
    Sla,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for TemplateError {
    fn from(err: sqlx::Error) -> Self {
        match WriteError::from(err) {
            WriteError::NameTaken => TemplateError::NameTaken,
            WriteError::Db(err) => TemplateError::Db(err),
        }
    }
}

pub async fn create_template(
    tx: &mut PgConnection,
    input: &TemplateInput,
) -> Result<Uuid, TemplateError> {
    if !sla_is_active(tx, input.sla_id).await? {
        return Err(TemplateError::Sla);
    }
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into entitlement_templates (tenant_id, id, name, allocation, total_units, decrease_on,
                                            restrict_creation, sla_id, duration_days)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&input.name)
    .bind(input.allocation.as_str())
    .bind(input.total_units)
    .bind(input.decrease_on.as_str())
    .bind(input.restrict_creation)
    .bind(input.sla_id)
    .bind(input.duration_days);
    crate::db::execute_guarded(tx, insert).await?;
    Ok(id)
}

pub async fn update_template(
    tx: &mut PgConnection,
    id: Uuid,
    input: &TemplateInput,
) -> Result<(), TemplateError> {
    if !sla_is_active(tx, input.sla_id).await? {
        return Err(TemplateError::Sla);
    }
    let update = sqlx::query(
        "update entitlement_templates set name = $2, allocation = $3, total_units = $4, decrease_on = $5,
                restrict_creation = $6, sla_id = $7, duration_days = $8
          where id = $1",
    )
    .bind(id)
    .bind(&input.name)
    .bind(input.allocation.as_str())
    .bind(input.total_units)
    .bind(input.decrease_on.as_str())
    .bind(input.restrict_creation)
    .bind(input.sla_id)
    .bind(input.duration_days);
    crate::db::execute_guarded(tx, update).await?;
    Ok(())
}

pub async fn set_template_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("update entitlement_templates set active = $2 where id = $1")
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(())
}
