//! The references of a case form, checked together in one round trip.

use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::CaseRecord;
use crate::cases::model::CaseInput;
use crate::catalog::model::{ProductKind, ProductState, case_refusal};
use crate::web::form::FieldErrors;

/// References of a case form, checked together in one round trip: each must
/// exist in this workspace, be active, and fit the others.
#[derive(Debug, FromRow)]
struct ReferenceCheck {
    customer_found: bool,
    customer_active: bool,
    customer_has_role: bool,
    contact_ok: bool,
    subject_ok: bool,
    channel_ok: bool,
    product_kind: Option<String>,
    product_state: Option<String>,
    priority_ok: bool,
    status_ok: bool,
    owner_user_ok: bool,
    owner_team_ok: bool,
    reason_ok: bool,
    occurrence_ok: bool,
    cause_ok: bool,
    unit_ok: bool,
    location_ok: bool,
    request_type_ok: bool,
    related_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    service_level_id: Option<Uuid>,
    entitlement_sla_id: Option<Uuid>,
}

/// The reference check's statement, one column per reference.
struct ReferenceSql(QueryBuilder<Postgres>);

impl ReferenceSql {
    fn new() -> Self {
        Self(QueryBuilder::new(""))
    }

    fn push(&mut self, sql: &str) -> &mut QueryBuilder<Postgres> {
        self.0.push(sql)
    }

    /// `column` is true when there is no value or it is kept from the case;
    /// otherwise it is what `probe` writes.
    fn ok_unless<T>(
        &mut self,
        column: &str,
        value: Option<T>,
        kept: bool,
        probe: impl FnOnce(&mut QueryBuilder<Postgres>, T),
    ) {
        self.0.push(", ");
        match value {
            Some(value) if !kept => probe(&mut self.0, value),
            _ => {
                self.0.push("true");
            }
        }
        self.0.push(format_args!(" as {column}"));
    }

    /// `column` is true unless the row chosen in `table` is missing or inactive.
    fn ok_unless_inactive(&mut self, column: &str, table: &str, value: Option<Uuid>, kept: bool) {
        self.ok_unless(column, value, kept, |sql, id| {
            sql.push(format_args!(
                "exists (select from {table} where active and id = "
            ))
            .push_bind(id)
            .push(")");
        });
    }

    /// `column` is the id that `lookup` (`select … where key`) finds, if any.
    fn id_of<T>(&mut self, column: &str, lookup: &str, key: Option<T>)
    where
        T: for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres> + Send + 'static,
    {
        match key {
            Some(key) => {
                self.0
                    .push(format_args!(", ({lookup} = "))
                    .push_bind(key)
                    .push(format_args!(") as {column}"));
            }
            None => {
                self.0.push(format_args!(", null::uuid as {column}"));
            }
        }
    }
}

/// What the references resolve to when every check passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub related_case_id: Option<Uuid>,
    pub parent_case_id: Option<Uuid>,
    /// The customer's service level and the chosen entitlement's SLA, which
    /// a new case's SLA timers read.
    pub service_level_id: Option<Uuid>,
    pub entitlement_sla_id: Option<Uuid>,
}

/// Files a field error for every reference that does not hold. `editing` is
/// the case being edited: its current references stay acceptable even if
/// they were deactivated since (deactivating keeps items on old records).
pub async fn check_references(
    tx: &mut PgConnection,
    input: &CaseInput,
    editing: Option<&CaseRecord>,
    errors: &mut FieldErrors,
) -> Result<Resolved, sqlx::Error> {
    let keep = |current: Option<Uuid>, chosen: Option<Uuid>| editing.is_some() && current == chosen;
    let (owner_user, owner_team) = input.owner.columns();
    // Only the references the form holds are probed, and those kept from the
    // case being edited pass as they are: a statement naming fewer tables
    // binds fewer locks, and most forms leave most references empty.
    let mut sql = ReferenceSql::new();
    sql.push("select exists (select from customer_refs where id = ")
        .push_bind(input.customer_id)
        .push(") as customer_found, exists (select from customer_refs where active and id = ")
        .push_bind(input.customer_id)
        .push(") as customer_active, exists (select from customer_role_refs where customer_id = ")
        .push_bind(input.customer_id)
        .push(") as customer_has_role, (select service_level_id from customer_refs where id = ")
        .push_bind(input.customer_id)
        .push(") as service_level_id");
    sql.ok_unless("contact_ok", input.contact_id, false, |sql, contact| {
        let kept = editing.is_some_and(|c| c.contact_id == input.contact_id);
        sql.push("exists (select from customer_refs k where k.kind = 'contact' and k.id = ")
            .push_bind(contact)
            .push(" and (k.active or ")
            .push_bind(kept)
            .push(") and (k.id = ")
            .push_bind(input.customer_id)
            .push(" or k.account_id = ")
            .push_bind(input.customer_id)
            .push(" or k.account_id = (select account_id from customer_refs where id = ")
            .push_bind(input.customer_id)
            .push(")))");
    });
    sql.ok_unless(
        "subject_ok",
        input.subject_id,
        keep(editing.and_then(|c| c.subject_id), input.subject_id),
        |sql, subject| {
            sql.push(
                "exists (with recursive up as (select id, parent_id, active from subjects where id = ",
            )
            .push_bind(subject)
            .push(
                " union all select s.id, s.parent_id, s.active from subjects s join up on s.id = up.parent_id)
                 select from up having bool_and(active))",
            );
        },
    );
    sql.ok_unless_inactive(
        "channel_ok",
        "channels",
        input.channel_id,
        keep(editing.and_then(|c| c.channel_id), input.channel_id),
    );
    match input.product_id {
        Some(product) => {
            sql.push(", (select kind from products where id = ")
                .push_bind(product)
                .push(") as product_kind, (select state from products where id = ")
                .push_bind(product)
                .push(") as product_state");
        }
        None => {
            sql.push(", null::text as product_kind, null::text as product_state");
        }
    }
    sql.ok_unless_inactive(
        "priority_ok",
        "priorities",
        input.priority_id,
        keep(editing.map(|c| c.priority_id), input.priority_id),
    );
    sql.ok_unless(
        "status_ok",
        input.status_reason_id,
        keep(editing.map(|c| c.status_reason_id), input.status_reason_id),
        |sql, status| {
            // A status of the case's own state: an edit never moves a
            // case between states (resolving and reactivating do).
            let state = editing.map_or("active", |c| c.state.as_str()).to_owned();
            sql.push("exists (select from status_reasons where active and state = ")
                .push_bind(state)
                .push(" and id = ")
                .push_bind(status)
                .push(")");
        },
    );
    sql.ok_unless_inactive("owner_user_ok", "users", owner_user, false);
    sql.ok_unless_inactive("owner_team_ok", "teams", owner_team, false);
    let reason_kept = editing.is_some_and(|c| {
        c.reason_id == input.reason_id
            && c.occurrence_id == input.occurrence_id
            && c.cause_id == input.cause_id
    });
    sql.ok_unless_inactive("reason_ok", "reasons", input.reason_id, reason_kept);
    sql.ok_unless(
        "occurrence_ok",
        input.occurrence_id,
        reason_kept,
        |sql, occurrence| {
            sql.push("exists (select from occurrences where active and id = ")
                .push_bind(occurrence)
                .push(" and reason_id = ")
                .push_bind(input.reason_id)
                .push(")");
        },
    );
    sql.ok_unless("cause_ok", input.cause_id, reason_kept, |sql, cause| {
        sql.push("exists (select from causes where active and id = ")
            .push_bind(cause)
            .push(" and occurrence_id = ")
            .push_bind(input.occurrence_id)
            .push(")");
    });
    sql.ok_unless_inactive(
        "unit_ok",
        "units",
        input.unit_id,
        keep(editing.and_then(|c| c.unit_id), input.unit_id),
    );
    sql.ok_unless("location_ok", input.location_id, false, |sql, location| {
        sql.push(
            "exists (select from customer_refs c join customer_role_refs l on l.tenant_id = c.tenant_id and l.customer_id = c.id
                       join customer_roles r on r.tenant_id = l.tenant_id and r.id = l.role_id
                      where r.system_key = 'partner' and c.id = ",
        )
        .push_bind(location)
        .push(")");
    });
    sql.ok_unless_inactive(
        "request_type_ok",
        "request_types",
        input.request_type_id,
        keep(
            editing.and_then(|c| c.request_type_id),
            input.request_type_id,
        ),
    );
    let case_by_number = "select id from cases where number";
    sql.id_of(
        "related_id",
        case_by_number,
        input.related_case.map(|n| n.0),
    );
    sql.id_of("parent_id", case_by_number, input.parent_case.map(|n| n.0));
    sql.id_of(
        "entitlement_sla_id",
        "select sla_id from entitlement_refs where id",
        input.entitlement_id,
    );
    let row: ReferenceCheck = sql.0.build_query_as().fetch_one(tx).await?;

    let same_customer = editing.is_some_and(|c| c.customer_id == input.customer_id);
    if !row.customer_found {
        errors.add("customer_id", "error-customer-required");
    } else if !row.customer_active && !same_customer {
        errors.add("customer_id", "error-customer-inactive");
    } else if !row.customer_has_role {
        errors.add("customer_id", "error-customer-without-role");
    }
    let product_changed = editing.is_none_or(|c| c.product_id != input.product_id);
    if let (Some(kind), Some(state)) = (row.product_kind.as_deref(), row.product_state.as_deref()) {
        let kind = ProductKind::parse(kind).unwrap_or(ProductKind::Family);
        let state = ProductState::parse(state).unwrap_or(ProductState::Draft);
        if let Some(key) = case_refusal(kind, state).filter(|_| product_changed) {
            errors.add("product_id", key);
        }
    } else if input.product_id.is_some() {
        errors.add("product_id", "error-choose-option");
    }
    for (field, ok) in [
        ("contact_id", row.contact_ok),
        ("subject_id", row.subject_ok),
        ("channel_id", row.channel_ok),
        ("priority_id", row.priority_ok),
        ("status_reason_id", row.status_ok),
        ("owner", row.owner_user_ok && row.owner_team_ok),
        ("reason_id", row.reason_ok),
        ("occurrence_id", row.occurrence_ok),
        ("cause_id", row.cause_ok),
        ("unit_id", row.unit_ok),
        ("location_id", row.location_ok),
        ("request_type_id", row.request_type_ok),
    ] {
        if !ok {
            errors.add(
                field,
                if field == "location_id" {
                    "error-location-partner"
                } else {
                    "error-choose-option"
                },
            );
        }
    }
    if input.related_case.is_some() && row.related_id.is_none() {
        errors.add("related_case", "error-case-not-found");
    }
    if input.parent_case.is_some() && row.parent_id.is_none() {
        errors.add("parent_case", "error-case-not-found");
    }
    if let Some(case) = editing
        && (row.parent_id == Some(case.id) || row.related_id == Some(case.id))
    {
        errors.add(
            if row.parent_id == Some(case.id) {
                "parent_case"
            } else {
                "related_case"
            },
            "error-case-itself",
        );
    }
    Ok(Resolved {
        related_case_id: row.related_id,
        parent_case_id: row.parent_id,
        service_level_id: row.service_level_id,
        entitlement_sla_id: row.entitlement_sla_id,
    })
}
