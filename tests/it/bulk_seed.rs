//! The benchmark workspaces' data (`atende seed bulk`): a desk's history up
//! to the moment it was seeded, with timers that ended when their cases
//! closed, breaches that still run on the cases nobody answered, and timers
//! paused on the cases that wait on their customer.

use atende::seed::bulk::{BulkOptions, bulk};

use crate::sla_cases::assert_rows_carry_their_timers;
use crate::support::TestApp;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn bulk_history_ends_at_the_moment_of_seeding_and_its_timers_follow_the_cases() {
    let app = TestApp::spawn().await;
    let options = BulkOptions {
        tenants: 2,
        customers: 300,
        cases: 3_000,
        seed: 7,
    };
    let report = bulk(&app.pool, options).await.expect("bulk seed");
    assert_eq!(report.cases, 3_000);

    let bulk_cases = "cases c join tenants t on t.id = c.tenant_id where t.slug like 'bulk-%'";
    assert_eq!(
        count(&app, &format!("select count(*) from {bulk_cases}")).await,
        3_000
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {bulk_cases}
                   and c.customer_name is distinct from
                       (select name from customers cu where cu.tenant_id = c.tenant_id and cu.id = c.customer_id)"
            )
        )
        .await,
        0,
        "the case list shows each case's own customer"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {bulk_cases}
                   and c.search_title is distinct from search_text(c.title)"
            )
        )
        .await,
        0,
        "a search finds each case by its own title"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {bulk_cases}
                   and greatest(c.opened_at, c.updated_at, c.first_response_at, c.resolved_at, c.cancelled_at) > now()"
            )
        )
        .await,
        0,
        "no case was touched after the moment of seeding"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from case_events e join cases c on c.id = e.case_id
               join tenants t on t.id = c.tenant_id
              where t.slug like 'bulk-%' and (e.at > now() or e.at > coalesce(c.resolved_at, c.cancelled_at, now()))"
        )
        .await,
        0,
        "no timeline entry after the case closed or after the seeding"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from case_events e join cases c on c.id = e.case_id
               join tenants t on t.id = c.tenant_id
              where t.slug like 'bulk-%' and e.kind in ('resolved', 'cancelled')
                and (e.data->>'reason' is distinct from
                         (select s.name from status_reasons s where s.id = c.status_reason_id)
                     or (e.kind = 'resolved') <> (e.data ? 'billable'))"
        )
        .await,
        0,
        "a closing entry that does not name its reason, or a resolution without its billable time"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {bulk_cases}
                   and c.first_response_at > coalesce(c.resolved_at, c.cancelled_at)"
            )
        )
        .await,
        0,
        "no first response after the case closed"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from customer_name_parts p join tenants t on t.id = p.tenant_id
              where t.slug like 'bulk-%'"
        )
        .await,
        count(
            &app,
            "select count(*) from customers c join tenants t on t.id = c.tenant_id,
                    name_parts(c.search_name) p
              where t.slug like 'bulk-%'"
        )
        .await,
        "the type-ahead finds the customers by the words inside their names"
    );
    let instances = "sla_kpi_instances i join cases c on c.id = i.case_id
                     join tenants t on t.id = c.tenant_id where t.slug like 'bulk-%'";
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {instances} and c.state <> 'active' and i.ended_at is null"
            )
        )
        .await,
        0,
        "a closed case's timers have ended"
    );
    assert!(
        count(
            &app,
            &format!(
                "select count(*) from {instances}
                   and c.state = 'active' and i.status = 'non_compliant' and i.ended_at is null"
            )
        )
        .await
            > 0,
        "old unanswered cases are breached and their timers run on"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {instances}
                   and i.status in ('in_progress', 'nearing') and i.ended_at is not null"
            )
        )
        .await,
        0,
        "a timer in progress has not ended"
    );
    let waiting = format!(
        "{instances} and c.state = 'active'
           and exists (select from slas s where s.tenant_id = c.tenant_id and s.is_default
                                            and c.status_reason_id = any(s.pause_status_ids))"
    );
    assert_eq!(
        count(
            &app,
            &format!("select count(*) from {waiting} and i.status in ('in_progress', 'nearing')")
        )
        .await,
        0,
        "a case waiting on its customer has a timer counting down"
    );
    assert!(
        count(
            &app,
            &format!(
                "select count(*) from {waiting}
                   and i.status = 'paused' and i.paused_at <= now() and i.due_at is null"
            )
        )
        .await
            > 0,
        "recent cases waiting on their customer have their timers paused"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from {waiting} and i.status = 'paused'
                   and not exists (select from sla_kpi_pauses p
                                    where p.instance_id = i.id and p.paused_at = i.paused_at
                                      and p.resumed_at is null)"
            )
        )
        .await,
        0,
        "a paused timer without its open pause in the ledger"
    );
    // The case views show each case's timer from its row.
    assert_rows_carry_their_timers(&app, chrono::Utc::now()).await;
}
