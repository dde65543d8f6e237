//! SLA timers following their cases, the worker that ticks them, and the
//! entitlement terms that case events move.

use atende::db::claim::{DueCursor, claim};
use atende::sla::due::SlaTickReport;
use atende::users::model::Role;
use atende::worker::sla as worker;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::sla_cases::assert_rows_carry_their_timers;
use crate::support::{Browser, TestApp, location};

/// ACME's default SLA counts every minute, so deadlines do not depend on
/// the hour the suite runs at.
async fn around_the_clock(app: &TestApp) {
    sqlx::query(
        "update calendars set always_open = true
          where tenant_id = (select id from tenants where slug = 'acme')",
    )
    .execute(&app.pool)
    .await
    .expect("24x7 calendar");
}

async fn open_case(browser: &Browser, app: &TestApp, extra: &[(&str, &str)]) -> StatusAndPath {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = Uuid::now_v7().to_string();
    let mut fields = vec![
        ("title", "Balança não liga"),
        ("customer_id", customer.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    fields.extend_from_slice(extra);
    let response = browser.post_form("/cases", &fields).await;
    let path = if response.status_code() == StatusCode::SEE_OTHER {
        location(&response)
    } else {
        String::new()
    };
    StatusAndPath {
        status: response.status_code(),
        body: response.text(),
        path,
    }
}

struct StatusAndPath {
    status: StatusCode,
    body: String,
    path: String,
}

async fn opened(browser: &Browser, app: &TestApp, extra: &[(&str, &str)]) -> String {
    let case = open_case(browser, app, extra).await;
    assert_eq!(case.status, StatusCode::SEE_OTHER, "{}", case.body);
    case.path
}

fn number_of(path: &str) -> i64 {
    path.trim_start_matches("/cases/CAS-")
        .parse()
        .expect("case number")
}

#[derive(Debug, sqlx::FromRow)]
struct Kpi {
    kpi: String,
    status: String,
    started_at: DateTime<Utc>,
    failure_at: DateTime<Utc>,
    paused_minutes: i32,
    item: Option<String>,
}

async fn kpis(app: &TestApp, path: &str) -> Vec<Kpi> {
    sqlx::query_as(
        "select i.kpi, i.status, i.started_at, i.failure_at, i.paused_minutes,
                (select name from sla_items where id = i.sla_item_id) as item
           from sla_kpi_instances i join cases c on c.id = i.case_id join tenants t on t.id = c.tenant_id
          where t.slug = 'acme' and c.number = $1 order by i.kpi",
    )
    .bind(number_of(path))
    .fetch_all(&app.pool)
    .await
    .expect("kpi instances")
}

fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes()
}

#[tokio::test]
async fn a_new_case_carries_first_response_and_resolve_timers_of_the_default_sla() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = opened(&agent, &app, &[]).await;
    let timers = kpis(&app, &path).await;
    assert_eq!(timers.len(), 2, "{timers:?}");
    let first = &timers[0];
    assert_eq!(
        (first.kpi.as_str(), first.status.as_str()),
        ("first_response", "in_progress")
    );
    assert_eq!(minutes(first.started_at, first.failure_at), 240);
    assert_eq!(first.item.as_deref(), Some("Primeira resposta"));
    let resolve = &timers[1];
    assert_eq!(resolve.kpi, "resolve");
    assert_eq!(minutes(resolve.started_at, resolve.failure_at), 1080);

    // Starting execution is the first response: that promise is kept.
    agent.post_form(&format!("{path}/start"), &[]).await;
    let after = kpis(&app, &path).await;
    assert_eq!(after[0].status, "succeeded");
    assert_eq!(after[1].status, "in_progress");
}

#[tokio::test]
async fn waiting_on_the_customer_pauses_the_clock_and_resuming_moves_the_deadline() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = opened(&agent, &app, &[]).await;
    let before = kpis(&app, &path).await;
    let on_hold = app.named("status_reasons", "Em espera").await.to_string();
    let working = app
        .named("status_reasons", "Em andamento")
        .await
        .to_string();

    let note = |status: &str| {
        vec![
            ("body".to_owned(), "Aguardando o cliente".to_owned()),
            ("visibility".to_owned(), "private".to_owned()),
            ("status_reason_id".to_owned(), status.to_owned()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let app = &app;
        let path = path.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            // Sessions end after 30 idle minutes: sign in afresh each time.
            let agent = app.signed_in(Role::Agent).await;
            let response = agent.upload_form(&format!("{path}/notes"), &pairs).await;
            assert_eq!(
                response.status_code(),
                StatusCode::SEE_OTHER,
                "{}",
                response.text()
            );
        }
    };
    post(note(&on_hold)).await;
    assert!(kpis(&app, &path).await.iter().all(|k| k.status == "paused"));
    assert_rows_carry_their_timers(&app, app.clock().now()).await;

    app.clock().advance(Duration::minutes(90));
    post(note(&working)).await;
    let after = kpis(&app, &path).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(new.status, "in_progress");
        assert!((89..=91).contains(&new.paused_minutes), "{new:?}");
        let moved = minutes(old.failure_at, new.failure_at);
        assert_eq!(
            moved,
            i64::from(new.paused_minutes),
            "the deadline moved by the pause"
        );
    }
    let (reason, paused): (String, i32) = sqlx::query_as(
        "select (select name from status_reasons where id = p.status_reason_id), p.paused_minutes
           from sla_kpi_pauses p join sla_kpi_instances i on i.id = p.instance_id
           join cases c on c.id = i.case_id
          where c.number = $1 and i.kpi = 'resolve' and c.tenant_id = (select id from tenants where slug = 'acme')",
    )
    .bind(number_of(&path))
    .fetch_one(&app.pool)
    .await
    .expect("pause ledger");
    assert_eq!(reason, "Em espera");
    assert_eq!(paused, after[1].paused_minutes);
}

#[tokio::test]
async fn raising_the_priority_re_evaluates_the_timers_and_says_so_on_the_timeline() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = opened(&agent, &app, &[]).await;
    let urgent = app.named("priorities", "Urgente").await.to_string();
    agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Cliente parado"),
                ("visibility", "private"),
                ("priority_id", &urgent),
            ],
        )
        .await;
    let timers = kpis(&app, &path).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    assert_eq!(
        timers[0].item.as_deref(),
        Some("Primeira resposta — urgente")
    );
    assert_eq!(minutes(timers[0].started_at, timers[0].failure_at), 60);
    assert_eq!(minutes(timers[1].started_at, timers[1].failure_at), 480);
    let history: i64 = sqlx::query_scalar(
        "select count(*) from sla_kpi_history h join sla_kpi_instances i on i.id = h.instance_id
           join cases c on c.id = i.case_id
          where c.number = $1 and h.event = 'reevaluated' and c.tenant_id = (select id from tenants where slug = 'acme')",
    )
    .bind(number_of(&path))
    .fetch_one(&app.pool)
    .await
    .expect("history");
    assert_eq!(history, 2);
    let page = agent.get(&path).await.text();
    assert!(
        page.contains("Primeira resposta — urgente"),
        "the timeline names the new item"
    );
}

async fn tick(app: &TestApp) -> SlaTickReport {
    worker::run_due(&app.pool, app.clock().now())
        .await
        .expect("tick")
}

#[tokio::test]
async fn the_worker_warns_then_breaches_once_notifying_the_owner_in_app_and_by_mail() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let me = app.user_id("acme", Role::Agent).await;
    let owner = format!("user:{me}");
    let path = opened(&agent, &app, &[("owner", &owner)]).await;

    assert_eq!(
        tick(&app).await,
        SlaTickReport::default(),
        "nothing is due yet"
    );
    app.clock().advance(Duration::minutes(185));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 1,
            failed: 0
        }
    );
    assert_eq!(
        tick(&app).await,
        SlaTickReport::default(),
        "a warning happens once"
    );
    assert_eq!(kpis(&app, &path).await[0].status, "nearing");
    let notified = "select count(*) from notifications where kind = 'sla_warning'";
    assert_eq!(app.count(notified).await, 1);
    assert_eq!(
        app.count("select count(*) from mail_outbox where to_address = 'agent@acme.test'")
            .await,
        1
    );

    app.clock().advance(Duration::minutes(60));
    assert_eq!(
        tick(&app).await,
        SlaTickReport {
            warned: 0,
            failed: 1
        }
    );
    assert_eq!(kpis(&app, &path).await[0].status, "non_compliant");
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let escalated: bool = sqlx::query_scalar("select escalated from cases where number = $1 and tenant_id = (select id from tenants where slug = 'acme')")
        .bind(number_of(&path))
        .fetch_one(&app.pool)
        .await
        .expect("case");
    assert!(escalated, "the failure action marked the case escalated");
    // Sessions end after 30 idle minutes; the agent signs in again.
    let agent = app.signed_in(Role::Agent).await;
    let page = agent.get(&path).await.text();
    let timeline = crate::support::html::text(&page, "#timeline");
    assert!(
        timeline.contains("vencido"),
        "the breach is on the timeline: {timeline}"
    );
}

/// Every KPI instance of ACME's cases made due long ago.
async fn many_overdue_cases(app: &TestApp, agent: &Browser, cases: usize) {
    for _ in 0..cases {
        opened(agent, app, &[]).await;
    }
    app.clock().advance(Duration::minutes(2000));
}

async fn transitions_recorded(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("select count(*) from sla_kpi_history where event in ('warned', 'failed')")
            .await,
        app.count("select count(*) from case_events where kind = 'sla'")
            .await,
        app.count("select count(*) from sla_kpi_instances where due_at is not null")
            .await,
    )
}

#[tokio::test]
async fn two_workers_at_once_apply_every_transition_exactly_once() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let open_before = app
        .count("select count(*) from sla_kpi_instances where status = 'in_progress'")
        .await;
    many_overdue_cases(&app, &agent, 12).await;
    let instances = open_before + 24;

    let now = app.clock().now();
    let (one, two) = tokio::join!(
        worker::run_due(&app.pool, now),
        worker::run_due(&app.pool, now)
    );
    let (one, two) = (one.expect("worker one"), two.expect("worker two"));
    // Long overdue: each is breached at once, without a warning first.
    assert_eq!(one.warned + two.warned, 0);
    assert_eq!(one.failed + two.failed, instances as u64);
    let (history, timeline, still_due) = transitions_recorded(&app).await;
    assert_eq!(history, instances);
    assert_eq!(timeline, instances);
    assert_eq!(still_due, 0);
    assert_eq!(tick(&app).await, SlaTickReport::default());
}

#[tokio::test]
async fn a_worker_killed_in_the_middle_of_a_claim_loses_and_doubles_nothing() {
    let app = TestApp::spawn().await;
    around_the_clock(&app).await;
    let agent = app.signed_in(Role::Agent).await;
    let open_before = app
        .count("select count(*) from sla_kpi_instances where status = 'in_progress'")
        .await;
    many_overdue_cases(&app, &agent, 6).await;
    let instances = open_before + 12;
    let now = app.clock().now();

    // A worker claims half the due rows and dies before committing.
    let mut doomed = app.pool.begin().await.expect("begin");
    let claimed = claim(
        &mut doomed,
        &worker::DUE_INSTANCES,
        now,
        instances / 2,
        &mut DueCursor::default(),
    )
    .await
    .expect("claim");
    assert_eq!(claimed.len() as i64, instances / 2);

    // Meanwhile another worker skips the locked rows and does the rest.
    let other = worker::run_due(&app.pool, now).await.expect("other worker");
    assert_eq!(other.failed as i64, instances - instances / 2);
    doomed
        .rollback()
        .await
        .expect("the dead worker's transaction ends");

    let after = worker::run_due(&app.pool, now).await.expect("next tick");
    assert_eq!(
        after.failed as i64,
        instances / 2,
        "the dead worker's rows were claimed again"
    );
    let (history, timeline, still_due) = transitions_recorded(&app).await;
    assert_eq!(history, instances);
    assert_eq!(timeline, instances);
    assert_eq!(still_due, 0);
}

// Entitlement terms -----------------------------------------------------------

struct Entitlement {
    id: Uuid,
}

async fn entitlement(
    app: &TestApp,
    allocation: &str,
    total: i32,
    decrease_on: &str,
    restrict: bool,
) -> Entitlement {
    let id = Uuid::now_v7();
    let customer = app.any_row_named("Padaria São João Ltda").await;
    sqlx::query(
        "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, status, allocation,
                                   total_units, remaining_units, decrease_on, restrict_creation)
         values ((select id from tenants where slug = 'acme'), $1, $2, $3, current_date - 10, current_date + 30,
                 'active', $4, $5, $5, $6, $7)",
    )
    .bind(id)
    .bind(customer)
    .bind(format!("Suporte {}", &id.to_string()[30..]))
    .bind(allocation)
    .bind(total)
    .bind(decrease_on)
    .bind(restrict)
    .execute(&app.pool)
    .await
    .expect("entitlement");
    Entitlement { id }
}

impl Entitlement {
    async fn remaining(&self, app: &TestApp) -> i32 {
        sqlx::query_scalar("select remaining_units from entitlements where id = $1")
            .bind(self.id)
            .fetch_one(&app.pool)
            .await
            .expect("remaining")
    }

    async fn ledger(&self, app: &TestApp) -> Vec<(String, String, i32)> {
        sqlx::query_as(
            "select direction, event, units from entitlement_ledger where entitlement_id = $1 order by at, id",
        )
        .bind(self.id)
        .fetch_all(&app.pool)
        .await
        .expect("ledger")
    }
}

#[tokio::test]
async fn two_agents_racing_for_the_last_term_under_restrict_get_exactly_one_case() {
    let app = TestApp::spawn().await;
    let last = entitlement(&app, "cases", 1, "creation", true).await;
    let first_agent = app.signed_in(Role::Agent).await;
    let second_agent = app.signed_in(Role::Supervisor).await;
    let id = last.id.to_string();
    let fields = [("entitlement_id", id.as_str())];
    let (a, b) = tokio::join!(
        open_case(&first_agent, &app, &fields),
        open_case(&second_agent, &app, &fields)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    let refused = if a.status == StatusCode::UNPROCESSABLE_ENTITY {
        &a
    } else {
        &b
    };
    assert!(
        refused.body.contains("não tem mais termos"),
        "the refusal explains itself"
    );
    assert!(
        refused.body.contains("Balança não liga"),
        "nothing typed is lost"
    );
    assert_eq!(last.remaining(&app).await, 0);
    assert_eq!(last.ledger(&app).await.len(), 1);

    // Cancelling the case gives its term back; the entitlement is usable again.
    let winner = if a.status == StatusCode::SEE_OTHER {
        &a
    } else {
        &b
    };
    let cancelled = app.named("status_reasons", "Cancelado").await.to_string();
    first_agent
        .post_form(
            &format!("{}/cancel", winner.path),
            &[
                ("status_reason_id", &cancelled),
                ("text", "Aberto por engano"),
            ],
        )
        .await;
    assert_eq!(last.remaining(&app).await, 1);
    assert_eq!(
        last.ledger(&app).await,
        vec![
            ("take".into(), "created".into(), 1),
            ("give_back".into(), "cancelled".into(), 1)
        ]
    );
    opened(&first_agent, &app, &fields).await;
    assert_eq!(last.remaining(&app).await, 0);
}

#[tokio::test]
async fn hours_are_taken_at_resolution_given_back_on_reactivation_and_taken_anew() {
    let app = TestApp::spawn().await;
    let hours = entitlement(&app, "hours", 600, "resolution", false).await;
    let agent = app.signed_in(Role::Agent).await;
    let id = hours.id.to_string();
    let path = opened(&agent, &app, &[("entitlement_id", &id)]).await;
    assert_eq!(
        hours.remaining(&app).await,
        600,
        "hours are taken at resolution"
    );

    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let resolve = |billable: &'static str| {
        let agent = &agent;
        let path = path.clone();
        let solved = solved.clone();
        async move {
            let response = agent
                .post_form(
                    &format!("{path}/resolve"),
                    &[
                        ("status_reason_id", &solved),
                        ("text", "Trocado o cabo"),
                        ("billable", billable),
                    ],
                )
                .await;
            assert_eq!(
                response.status_code(),
                StatusCode::SEE_OTHER,
                "{}",
                response.text()
            );
        }
    };
    resolve("1:05").await;
    assert_eq!(hours.remaining(&app).await, 535);
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    agent
        .post_form(&format!("{path}/reactivate"), &[("confirm", "yes")])
        .await;
    assert_eq!(hours.remaining(&app).await, 600);
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    resolve("0:30").await;
    assert_eq!(hours.remaining(&app).await, 570);

    // "Não diminuir os termos do direito" gives back what the case took.
    agent.post_form(&format!("{path}/terms-exempt"), &[]).await;
    assert_eq!(hours.remaining(&app).await, 600);
    let events: Vec<String> = hours
        .ledger(&app)
        .await
        .into_iter()
        .map(|(d, e, _)| format!("{d}:{e}"))
        .collect();
    assert_eq!(
        events,
        [
            "take:resolved",
            "give_back:reactivated",
            "take:resolved",
            "give_back:exempted"
        ]
    );
}

#[tokio::test]
async fn moving_a_case_to_another_entitlement_moves_its_usage() {
    let app = TestApp::spawn().await;
    let first = entitlement(&app, "cases", 5, "creation", false).await;
    let second = entitlement(&app, "cases", 5, "creation", false).await;
    let agent = app.signed_in(Role::Agent).await;
    let id = first.id.to_string();
    let path = opened(&agent, &app, &[("entitlement_id", &id)]).await;
    assert_eq!(
        (first.remaining(&app).await, second.remaining(&app).await),
        (4, 5)
    );

    let edit = agent.get(&format!("{path}/edit")).await.text();
    let action = format!("{path}/edit");
    let mut fields: Vec<(String, String)> = ["customer_id", "version", "received_at", "title"]
        .iter()
        .map(|name| {
            let value = crate::support::html::form_value(&edit, &action, name).unwrap_or_default();
            ((*name).to_owned(), value)
        })
        .collect();
    fields.push(("entitlement_id".into(), second.id.to_string()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = agent.post_form(&format!("{path}/edit"), &pairs).await;
    assert_eq!(
        saved.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text()
    );
    assert_eq!(
        (first.remaining(&app).await, second.remaining(&app).await),
        (5, 4)
    );
}

#[tokio::test]
async fn the_form_offers_the_customers_active_entitlements_with_the_default_preselected() {
    let app = TestApp::spawn().await;
    let plain = entitlement(&app, "cases", 5, "creation", false).await;
    let preferred = entitlement(&app, "cases", 3, "creation", false).await;
    sqlx::query("update entitlements set is_default = true where id = $1")
        .bind(preferred.id)
        .execute(&app.pool)
        .await
        .expect("default");
    let agent = app.signed_in(Role::Agent).await;
    let customer = app.any_row_named("Padaria São João Ltda").await;
    let picked = agent
        .htmx_get(&format!("/cases/pick-customer/{customer}"))
        .await
        .text();
    let doc = scraper::Html::parse_document(&picked);
    let option = scraper::Selector::parse("#f-entitlement_id option[selected]").expect("selector");
    let selected: Vec<&str> = doc
        .select(&option)
        .filter_map(|o| o.value().attr("value"))
        .collect();
    assert_eq!(selected, [preferred.id.to_string().as_str()]);
    assert!(picked.contains(&plain.id.to_string()));
    assert!(
        !picked.contains("Fixture entitlement"),
        "a draft is not offered"
    );
}
