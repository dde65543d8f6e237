//! The demo workspace's service promises: a 24×7 calendar and a Gold SLA
//! beside the default ones, entitlements on demo customers in every status,
//! and every demo case timed, so its KPIs show every state.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::cases::command::follow;
use crate::entitlements::terms::{self, CaseEvent};
use crate::sla::condition::Condition;
use crate::sla::defaults::{
    NewItem, add_item, create_calendar, create_sla, priority_named, when_priority,
};
use crate::sla::model::{Actions, Kpi};
use crate::worker::sla::run_due_in_tenant;

async fn gold_sla(tx: &mut PgConnection) -> anyhow::Result<Uuid> {
    let calendar = create_calendar(
        tx,
        "24 horas",
        true,
        serde_json::json!([[], [], [], [], [], [], []]),
        serde_json::json!([]),
    )
    .await?;
    let sla = create_sla(tx, "Ouro", calendar, false).await?;
    let urgent = priority_named(tx, "Urgente").await?;
    let warn = Actions {
        notify: true,
        ..Actions::default()
    };
    let fail = Actions {
        notify: true,
        raise_priority: true,
        escalate: true,
        ..Actions::default()
    };
    let items = [
        (
            "Ouro — primeira resposta urgente",
            Kpi::FirstResponse,
            when_priority(urgent),
            10,
            15,
        ),
        (
            "Ouro — primeira resposta",
            Kpi::FirstResponse,
            Condition::always(),
            45,
            60,
        ),
        (
            "Ouro — resolução urgente",
            Kpi::Resolve,
            when_priority(urgent),
            180,
            240,
        ),
        (
            "Ouro — resolução",
            Kpi::Resolve,
            Condition::always(),
            600,
            720,
        ),
    ];
    for (name, kpi, condition, warn_after, fail_after) in items {
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
    Ok(sla)
}

struct DemoEntitlement<'a> {
    customer: Uuid,
    name: &'a str,
    status: &'a str,
    starts_in_days: i64,
    ends_in_days: i64,
    allocation: &'a str,
    total: i32,
    decrease_on: &'a str,
    restrict: bool,
    sla: Option<Uuid>,
    is_default: bool,
}

async fn entitlement(
    tx: &mut PgConnection,
    e: DemoEntitlement<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    let today = now.date_naive();
    let starts = today + Duration::days(e.starts_in_days);
    let ends = today + Duration::days(e.ends_in_days);
    let due = match e.status {
        "waiting" => Some(starts),
        "active" => ends.succ_opt(),
        _ => None,
    }
    .and_then(|d| d.and_hms_opt(3, 0, 0))
    .map(|d| d.and_utc());
    sqlx::query(
        "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, status, allocation,
                                   total_units, remaining_units, decrease_on, restrict_creation, sla_id, is_default,
                                   status_due_at)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(e.customer)
    .bind(e.name)
    .bind(starts)
    .bind(ends)
    .bind(e.status)
    .bind(e.allocation)
    .bind(e.total)
    .bind(e.decrease_on)
    .bind(e.restrict)
    .bind(e.sla)
    .bind(e.is_default)
    .bind(due)
    .execute(tx)
    .await?;
    Ok(id)
}

pub async fn seed(tx: &mut PgConnection, actor: Uuid, now: DateTime<Utc>) -> anyhow::Result<()> {
    let seeded: bool = sqlx::query_scalar("select exists (select from slas where name = 'Ouro')")
        .fetch_one(&mut *tx)
        .await?;
    if seeded {
        return Ok(());
    }
    let gold = gold_sla(tx).await?;
    for (name, allocation, total, decrease_on, restrict, sla) in [
        (
            "Contrato Ouro anual",
            "hours",
            40 * 60,
            "resolution",
            false,
            Some(gold),
        ),
        (
            "Pacote 10 atendimentos",
            "cases",
            10,
            "creation",
            true,
            None,
        ),
    ] {
        sqlx::query(
            "insert into entitlement_templates (tenant_id, id, name, allocation, total_units, decrease_on,
                                                restrict_creation, sla_id)
             values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(name)
        .bind(allocation)
        .bind(total)
        .bind(decrease_on)
        .bind(restrict)
        .bind(sla)
        .execute(&mut *tx)
        .await?;
    }
    // The customers with the most cases get the contracts, so they show on cases.
    let customers: Vec<Uuid> = sqlx::query_scalar(
        "select customer_id from cases group by customer_id order by count(*) desc, customer_id limit 3",
    )
    .fetch_all(&mut *tx)
    .await?;
    let [gold_customer, package_customer, other] = customers[..] else {
        return Ok(());
    };
    let contract = entitlement(
        tx,
        DemoEntitlement {
            customer: gold_customer,
            name: "Contrato Ouro 2026",
            status: "active",
            starts_in_days: -120,
            ends_in_days: 245,
            allocation: "hours",
            total: 40 * 60,
            decrease_on: "resolution",
            restrict: false,
            sla: Some(gold),
            is_default: true,
        },
        now,
    )
    .await?;
    let package = entitlement(
        tx,
        DemoEntitlement {
            customer: package_customer,
            name: "Pacote 10 atendimentos",
            status: "active",
            starts_in_days: -120,
            ends_in_days: 60,
            allocation: "cases",
            total: 10,
            decrease_on: "creation",
            restrict: true,
            sla: None,
            is_default: true,
        },
        now,
    )
    .await?;
    for (status, starts, ends, name) in [
        ("waiting", 20, 385, "Renovação 2027"),
        ("expired", -400, -35, "Contrato 2025"),
        ("draft", 0, 365, "Proposta de suporte estendido"),
    ] {
        let e = DemoEntitlement {
            customer: other,
            name,
            status,
            starts_in_days: starts,
            ends_in_days: ends,
            allocation: "cases",
            total: 12,
            decrease_on: "resolution",
            restrict: false,
            sla: None,
            is_default: false,
        };
        entitlement(tx, e, now).await?;
    }
    // Each customer's recent cases draw on its contract; the package only has room for a few.
    for (customer, entitlement, limit) in [
        (gold_customer, contract, 12_i64),
        (package_customer, package, 6),
    ] {
        let cases: Vec<Uuid> = sqlx::query_scalar(
            "select id from cases where customer_id = $1 and state <> 'cancelled' order by opened_at desc limit $2",
        )
        .bind(customer)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        for case in cases {
            crate::cases::store::set_entitlement(tx, case, Some(entitlement)).await?;
            let moved = CaseEvent::Moved { from: None };
            if let Err(terms::Error::Db(err)) =
                follow::move_terms(tx, case, moved, Some(actor), now).await
            {
                return Err(err.into());
            }
        }
    }
    // The contract customer's newest active cases came in just now, under the
    // 24×7 Gold SLA: one still in time, one nearing its first-response deadline.
    for (minutes_ago, rank) in [(20_i64, 1_i64), (50, 2)] {
        let received_at = now - Duration::minutes(minutes_ago);
        crate::cases::store::demo_rows::bring_in(tx, gold_customer, rank - 1, received_at).await?;
    }
    let all: Vec<Uuid> = sqlx::query_scalar("select id from cases order by opened_at")
        .fetch_all(&mut *tx)
        .await?;
    for case in all {
        follow::resync_clocks(tx, None, case, None, now).await?;
    }
    run_due_in_tenant(tx, now).await?;
    Ok(())
}
