//! What the SLA worker tells people: one notification per breach, naming
//! the KPI and the case, and the steps of one case within a minute told
//! together.

use atende::sla::due::SlaTickReport;
use atende::users::model::Role;
use atende::worker::sla as worker;
use chrono::Duration;
use uuid::Uuid;

use crate::sla_cases::spawn;
use crate::support::{ACME, Browser, TestApp, html, see_other};

/// The default SLA ("Padrão": first response warned at 180 and breached at
/// 240 minutes, resolution at 810 and 1080, both notifying the owner),
/// counting every minute.
async fn around_the_clock(app: &TestApp) {
    sqlx::query(
        "update calendars set always_open = true
          where tenant_id = (select id from tenants where slug = 'acme')",
    )
    .execute(&app.pool)
    .await
    .expect("24x7 calendar");
}

/// A case owned by the fixture agent; its page path.
async fn agents_case(app: &TestApp, agent: &Browser, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let owner = format!("user:{}", app.user_id(ACME, Role::Agent).await);
    let key = Uuid::now_v7().to_string();
    let response = agent
        .post_form(
            "/cases",
            &[
                ("title", title),
                ("customer_id", customer.as_str()),
                ("owner", owner.as_str()),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
    see_other(&response)
}

async fn tick(app: &TestApp) -> SlaTickReport {
    worker::run_due(&app.pool, app.clock().now())
        .await
        .expect("tick")
}

/// The agent's notifications as the list shows them, newest first.
async fn notifications(agent: &Browser) -> Vec<String> {
    html::texts(
        &agent.get("/notifications").await.text(),
        ".notification-list li",
    )
}

async fn history(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "select i.kpi, h.event, h.from_status from sla_kpi_history h
           join sla_kpi_instances i on i.id = h.instance_id
          where h.event in ('warned', 'failed') order by h.at, i.kpi",
    )
    .fetch_all(&app.pool)
    .await
    .expect("history")
}

fn case_number(path: &str) -> &str {
    path.trim_start_matches("/cases/")
}

#[tokio::test]
async fn a_timer_first_seen_past_its_failure_time_gives_one_notification_naming_kpi_and_case() {
    let app = spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = agents_case(&app, &agent, "Balança não liga").await;

    app.clock().advance(Duration::minutes(250));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 0,
            failed: 1
        },
        "breached at once, not warned first"
    );
    assert_eq!(
        history(&app).await,
        [(
            "first_response".to_owned(),
            "failed".to_owned(),
            "in_progress".to_owned()
        )]
    );
    let shown = notifications(&agent).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    let number = case_number(&path);
    assert!(
        shown[0].starts_with(&format!(
            "Prazo de SLA vencido: Primeira resposta · {number} — Balança não liga"
        )),
        "{shown:?}"
    );
    assert!(!shown[0].contains("aviso"), "a single step: {shown:?}");
    let subjects: Vec<String> = sqlx::query_scalar("select subject from mail_outbox")
        .fetch_all(&app.pool)
        .await
        .expect("mail");
    assert_eq!(
        subjects,
        [format!(
            "[{number}] Prazo de SLA vencido: Primeira resposta"
        )]
    );
}

#[tokio::test]
async fn a_timer_first_seen_between_warning_and_failure_is_warned_then_breached_later() {
    let app = spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = agents_case(&app, &agent, "Gaveta emperrada").await;
    let number = case_number(&path);

    app.clock().advance(Duration::minutes(200));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 1,
            failed: 0
        }
    );
    let shown = notifications(&agent).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with(&format!(
            "Prazo de SLA próximo do vencimento: Primeira resposta · {number}"
        )),
        "{shown:?}"
    );

    app.clock().advance(Duration::minutes(50));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 0,
            failed: 1
        }
    );
    assert_eq!(
        history(&app).await,
        [
            (
                "first_response".to_owned(),
                "warned".to_owned(),
                "in_progress".to_owned()
            ),
            (
                "first_response".to_owned(),
                "failed".to_owned(),
                "nearing".to_owned()
            ),
        ]
    );
    let shown = notifications(&agent).await;
    assert_eq!(shown.len(), 2, "fifty minutes apart: {shown:?}");
    assert!(
        shown[0].starts_with(&format!(
            "Prazo de SLA vencido: Primeira resposta · {number}"
        )),
        "{shown:?}"
    );
}

#[tokio::test]
async fn two_timers_of_a_case_breaching_in_one_tick_give_one_notification_naming_both() {
    let app = spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = agents_case(&app, &agent, "Sistema fora do ar").await;

    app.clock().advance(Duration::minutes(1100));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 0,
            failed: 2
        }
    );
    // Sessions end after twelve hours; the agent signs in again.
    let agent = app.signed_in(Role::Agent).await;
    let shown = notifications(&agent).await;
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with(&format!(
            "Prazo de SLA vencido: Primeira resposta, Resolução · {}",
            case_number(&path)
        )),
        "{shown:?}"
    );
    assert!(shown[0].contains("2 avisos"), "{shown:?}");
    assert_eq!(app.count("select count(*) from mail_outbox").await, 1);
}

#[tokio::test]
async fn a_second_timer_of_a_case_breaching_within_a_minute_joins_the_unread_notification() {
    let app = spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = agents_case(&app, &agent, "Leitor de código de barras").await;
    let other = agents_case(&app, &agent, "Outro caso").await;
    // The resolution is due 30 seconds after the first response.
    sqlx::query(
        "update sla_kpi_instances r
            set warning_at = f.failure_at + interval '30 seconds',
                failure_at = f.failure_at + interval '30 seconds',
                due_at = f.failure_at + interval '30 seconds'
           from sla_kpi_instances f
          where r.case_id = f.case_id and r.kpi = 'resolve' and f.kpi = 'first_response'",
    )
    .execute(&app.pool)
    .await
    .expect("resolution due just after the first response");

    app.clock()
        .advance(Duration::minutes(240) + Duration::seconds(5));
    assert_eq!(tick(&app).await.failed, 2, "each case's first response");
    assert_eq!(notifications(&agent).await.len(), 2);
    app.clock().advance(Duration::seconds(30));
    assert_eq!(tick(&app).await.failed, 2, "each case's resolution");

    let shown = notifications(&agent).await;
    assert_eq!(shown.len(), 2, "one per case: {shown:?}");
    for path in [&path, &other] {
        let line = format!(
            "Prazo de SLA vencido: Primeira resposta, Resolução · {}",
            case_number(path)
        );
        assert!(
            shown.iter().any(|s| s.starts_with(&line)),
            "{line} in {shown:?}"
        );
    }
    let unread = app
        .count("select count(*) from notifications where read_at is null")
        .await;
    assert_eq!(unread, 2, "the bell counts two");
}
