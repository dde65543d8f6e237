//! The business-hours calendar and default SLA every new workspace starts
//! with, so cases carry first-response and resolution timers from day one.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::catalog::defaults::status;
use crate::sla::condition::{Condition, Field, Op, Rule};
use crate::sla::model::{Actions, Kpi};

/// Brazilian national holidays that fall on the same date every year.
const NATIONAL_HOLIDAYS: [(u32, u32, &str); 9] = [
    (1, 1, "Confraternização Universal"),
    (4, 21, "Tiradentes"),
    (5, 1, "Dia do Trabalho"),
    (9, 7, "Independência do Brasil"),
    (10, 12, "Nossa Senhora Aparecida"),
    (11, 2, "Finados"),
    (11, 15, "Proclamação da República"),
    (11, 20, "Dia da Consciência Negra"),
    (12, 25, "Natal"),
];

/// Monday to Friday, 08:00–12:00 and 13:00–18:00.
pub fn office_week() -> serde_json::Value {
    let day = json!([{ "start": 8 * 60, "end": 12 * 60 }, { "start": 13 * 60, "end": 18 * 60 }]);
    json!([day, day, day, day, day, [], []])
}

pub fn national_holidays() -> serde_json::Value {
    NATIONAL_HOLIDAYS
        .iter()
        .map(|(month, day, name)| json!({ "name": name, "day": { "yearly": { "month": month, "day": day } } }))
        .collect()
}

pub async fn create_calendar(
    tx: &mut PgConnection,
    name: &str,
    always_open: bool,
    week: serde_json::Value,
    holidays: serde_json::Value,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into calendars (tenant_id, id, name, time_zone, always_open, week, holidays)
         values (app_tenant_id(), $1, $2, (select time_zone from tenants where id = app_tenant_id()), $3, $4, $5)",
    )
    .bind(id)
    .bind(name)
    .bind(always_open)
    .bind(week)
    .bind(holidays)
    .execute(tx)
    .await?;
    Ok(id)
}

pub async fn create_sla(
    tx: &mut PgConnection,
    name: &str,
    calendar: Uuid,
    is_default: bool,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into slas (tenant_id, id, name, calendar_id, is_default, pause_status_ids)
         values (app_tenant_id(), $1, $2, $3, $4,
                 array(select id from status_reasons where system_key = any($5) order by sort_order))",
    )
    .bind(id)
    .bind(name)
    .bind(calendar)
    .bind(is_default)
    .bind(vec![status::ON_HOLD, status::WAITING_DETAILS])
    .execute(tx)
    .await?;
    Ok(id)
}

pub struct NewItem<'a> {
    pub name: &'a str,
    pub kpi: Kpi,
    pub condition: Condition,
    pub warn: i32,
    pub fail: i32,
    pub on_warning: Actions,
    pub on_failure: Actions,
}

pub async fn add_item(
    tx: &mut PgConnection,
    sla: Uuid,
    item: NewItem<'_>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    // A seeded first response is kept by starting execution or by replying
    // to the customer, whichever comes first.
    sqlx::query(
        "insert into sla_items (tenant_id, id, sla_id, position, name, kpi, condition, warn_after_minutes,
                                fail_after_minutes, warning_actions, failure_actions, first_response_by)
         values (app_tenant_id(), $1, $2, (select count(*) from sla_items where sla_id = $2), $3, $4, $5, $6, $7, $8, $9,
                 'either')",
    )
    .bind(id)
    .bind(sla)
    .bind(item.name)
    .bind(item.kpi.as_str())
    .bind(serde_json::to_value(&item.condition).unwrap_or_default())
    .bind(item.warn)
    .bind(item.fail)
    .bind(serde_json::to_value(&item.on_warning).unwrap_or_default())
    .bind(serde_json::to_value(&item.on_failure).unwrap_or_default())
    .execute(tx)
    .await?;
    Ok(id)
}

pub async fn priority_named(
    tx: &mut PgConnection,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select id from priorities where name = $1")
        .bind(name)
        .fetch_optional(tx)
        .await
}

pub fn when_priority(priority: Option<Uuid>) -> Condition {
    match priority {
        Some(id) => Condition(vec![vec![Rule {
            field: Field::Priority,
            op: Op::Is,
            value: Some(id),
        }]]),
        None => Condition::always(),
    }
}

/// "Horário comercial" and the default SLA "Padrão": urgent cases answered
/// within 1 working hour and solved within 8, the others within 4 and 18.
pub async fn seed(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
    let calendar = create_calendar(
        tx,
        "Horário comercial",
        false,
        office_week(),
        national_holidays(),
    )
    .await?;
    let sla = create_sla(tx, "Padrão", calendar, true).await?;
    let urgent = priority_named(tx, "Urgente").await?;
    let warn = Actions {
        notify: true,
        ..Actions::default()
    };
    let fail = Actions {
        notify: true,
        escalate: true,
        ..Actions::default()
    };
    let items = [
        (
            "Primeira resposta — urgente",
            Kpi::FirstResponse,
            when_priority(urgent),
            45,
            60,
        ),
        (
            "Primeira resposta",
            Kpi::FirstResponse,
            Condition::always(),
            180,
            240,
        ),
        (
            "Resolução — urgente",
            Kpi::Resolve,
            when_priority(urgent),
            360,
            480,
        ),
        ("Resolução", Kpi::Resolve, Condition::always(), 810, 1080),
    ];
    for (name, kpi, condition, warn_after, fail_after) in items {
        if urgent.is_none() && name.ends_with("urgente") {
            continue;
        }
        add_item(
            tx,
            sla,
            NewItem {
                name,
                kpi,
                condition,
                warn: warn_after,
                fail: fail_after,
                on_warning: warn.clone(),
                on_failure: fail.clone(),
            },
        )
        .await?;
    }
    Ok(())
}
