//! SLA timers in the browser: the case header's countdowns, the SLA tab, the
//! "nearing" view with its SLA column, and the supervisors' compliance panel.

use atende::sla::case_timer::CaseTimer;
use atende::sla::model::KpiStatus;
use atende::users::model::Role;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, see_other};

/// An app whose sessions outlive the hours the tests move the clock by.
pub(crate) async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| config.session_idle_minutes = 7 * 24 * 60).await
}

/// Makes an always-open calendar's SLA the workspace's default: first
/// response warned at 30 and breached at 60 minutes, resolution at 120 and
/// 240, so deadlines are plain clock arithmetic; "waiting for details"
/// stops the clocks.
pub(crate) async fn configure_sla(app: &TestApp, workspace: &str) {
    let tenant: Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(workspace)
        .fetch_one(&app.pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(&app.pool, tenant)
        .await
        .expect("tenant tx");
    sqlx::query("update slas set is_default = false where is_default")
        .execute(&mut *tx)
        .await
        .expect("retire the seeded default");
    let calendar = Uuid::now_v7();
    sqlx::query(
        "insert into calendars (tenant_id, id, name, time_zone, always_open)
         values (app_tenant_id(), $1, 'Sempre aberto (teste)', 'America/Sao_Paulo', true)",
    )
    .bind(calendar)
    .execute(&mut *tx)
    .await
    .expect("calendar");
    let sla = Uuid::now_v7();
    sqlx::query(
        "insert into slas (tenant_id, id, name, calendar_id, is_default, pause_status_ids)
         values (app_tenant_id(), $1, 'SLA de teste', $2, true,
                 array(select id from status_reasons where system_key = 'waiting_details'))",
    )
    .bind(sla)
    .bind(calendar)
    .execute(&mut *tx)
    .await
    .expect("sla");
    for (position, name, kpi, warn, fail) in [
        (0, "Primeira resposta (teste)", "first_response", 30, 60),
        (1, "Resolução (teste)", "resolve", 120, 240),
    ] {
        sqlx::query(
            "insert into sla_items (tenant_id, id, sla_id, position, name, kpi, warn_after_minutes, fail_after_minutes)
             values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(sla)
        .bind(position)
        .bind(name)
        .bind(kpi)
        .bind(warn)
        .bind(fail)
        .execute(&mut *tx)
        .await
        .expect("sla item");
    }
    tx.commit().await.expect("commit");
}

/// Opens a case for the fixture account through the form; its page path.
pub(crate) async fn open_case(browser: &Browser, app: &TestApp, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = Uuid::now_v7().to_string();
    let response = browser
        .post_form(
            "/cases",
            &[
                ("title", title),
                ("customer_id", customer.as_str()),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
    see_other(&response)
}

/// The stored failure time of each KPI of the case at `path`.
pub(crate) async fn stored_deadlines(app: &TestApp, path: &str) -> Vec<(String, DateTime<Utc>)> {
    let number: i64 = path
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("case number");
    sqlx::query_as(
        "select i.kpi, i.failure_at from sla_kpi_instances i
           join cases c on c.tenant_id = i.tenant_id and c.id = i.case_id
           join tenants t on t.id = c.tenant_id
          where t.slug = 'acme' and c.number = $1
          order by i.kpi",
    )
    .bind(number)
    .fetch_all(&app.pool)
    .await
    .expect("instances")
}

/// A case's timer as its row holds it, beside the one its instances give.
#[derive(sqlx::FromRow)]
struct TimerPair {
    number: i64,
    status: Option<String>,
    deadline: Option<DateTime<Utc>>,
    warning_at: Option<DateTime<Utc>>,
    want_status: Option<String>,
    want_deadline: Option<DateTime<Utc>>,
    want_warning_at: Option<DateTime<Utc>>,
}

/// Every case row carries the timer its instances give (`case_sla_timer`,
/// in SQL), as both stand at `now`: the worker's nearing and breach steps
/// are not written to the row, which works them out from its deadlines.
pub(crate) async fn assert_rows_carry_their_timers(app: &TestApp, now: DateTime<Utc>) {
    let rows: Vec<TimerPair> = sqlx::query_as(
        "select c.number, c.sla_timer_status as status, c.sla_timer_deadline as deadline,
                c.sla_timer_warning_at as warning_at, t.status as want_status,
                t.deadline as want_deadline, t.warning_at as want_warning_at
           from cases c left join lateral case_sla_timer(c.tenant_id, c.id) t on true",
    )
    .fetch_all(&app.pool)
    .await
    .expect("case timers");
    assert!(!rows.is_empty(), "no cases to compare");
    let at_now = |status: Option<String>, deadline, warning_at| {
        let timer = CaseTimer {
            status: status.as_deref().and_then(KpiStatus::parse),
            deadline,
            warning_at,
        };
        (timer.status_at(now), deadline, warning_at)
    };
    for row in rows {
        assert_eq!(
            at_now(row.status, row.deadline, row.warning_at),
            at_now(row.want_status, row.want_deadline, row.want_warning_at),
            "the timer on the row of case {}",
            row.number
        );
    }
}

/// (kpi, status, class, data-deadline, text) of every timer chip.
fn chips(page: &str) -> Vec<(String, String, String, String, String)> {
    let doc = Html::parse_document(page);
    let chip = Selector::parse("#sla-chips .sla-chip").expect("selector");
    let timer = Selector::parse("[data-deadline]").expect("selector");
    doc.select(&chip)
        .map(|c| {
            let attr = |name: &str| c.value().attr(name).unwrap_or_default().to_owned();
            let countdown = c.select(&timer).next();
            (
                attr("data-kpi"),
                attr("data-status"),
                attr("class"),
                countdown
                    .and_then(|t| t.value().attr("data-deadline"))
                    .unwrap_or_default()
                    .to_owned(),
                c.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .collect()
}

pub(crate) fn millis(text: &str) -> i64 {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339: {e}"))
        .timestamp_millis()
}

pub(crate) fn titles(page: &str) -> Vec<String> {
    html::texts(page, "#cases .case-title")
}

#[tokio::test]
async fn a_new_case_shows_both_timers_counting_down_to_the_stored_deadlines() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Impressora fiscal parada").await;

    let stored = stored_deadlines(&app, &path).await;
    assert_eq!(
        stored.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["first_response", "resolve"]
    );
    let page = agent.get(&path).await.text();
    let shown = chips(&page);
    assert_eq!(shown.len(), 2, "{shown:?}");
    for ((kpi, status, class, deadline, text), (stored_kpi, failure_at)) in
        shown.iter().zip(&stored)
    {
        assert_eq!(kpi, stored_kpi);
        assert_eq!(status, "in_progress");
        assert!(class.contains("sla-chip-ok"), "{class}");
        assert_eq!(millis(deadline), failure_at.timestamp_millis(), "{kpi}");
        assert!(!text.contains("vencido"), "{text}");
    }
    assert!(shown[0].4.starts_with("Primeira resposta até"), "{shown:?}");
    assert!(shown[1].4.starts_with("Resolver até"), "{shown:?}");
    let opened: DateTime<Utc> = sqlx::query_scalar(
        "select received_at from cases c join tenants t on t.id = c.tenant_id where t.slug = 'acme' and c.title = 'Impressora fiscal parada'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("received_at");
    assert_eq!(stored[0].1 - opened, Duration::minutes(60));
    assert_eq!(stored[1].1 - opened, Duration::minutes(240));

    // The same chips on their own, refreshing themselves every minute.
    let fragment = agent.htmx_get(&format!("{path}/sla-chips")).await;
    assert_eq!(fragment.status_code(), StatusCode::OK);
    let fragment = fragment.text();
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    let doc = Html::parse_fragment(&fragment);
    let container = doc
        .select(&Selector::parse("#sla-chips").expect("selector"))
        .next()
        .expect("chips container");
    assert_eq!(
        container.value().attr("hx-get"),
        Some(format!("{path}/sla-chips").as_str())
    );
    assert_eq!(container.value().attr("hx-trigger"), Some("every 60s"));
    assert_eq!(container.value().attr("hx-swap"), Some("outerHTML"));
    assert_eq!(chips(&fragment).len(), 2);

    // Every tab carries the header's chips; the SLA tab explains them.
    let details = agent.get(&format!("{path}?tab=details")).await.text();
    assert_eq!(chips(&details).len(), 2);
    let tab = agent.get(&format!("{path}?tab=sla")).await.text();
    assert!(
        html::texts(&tab, ".tabs a[aria-current]") == ["SLA"],
        "the SLA tab is current"
    );
    let rows = html::texts(&tab, "#sla-instances tr.sla-instance-row");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("Primeira resposta (teste)"), "{rows:?}");
    assert!(rows[0].contains("Em andamento"), "{rows:?}");
    assert!(rows[0].contains("0:00"), "no time paused: {rows:?}");
    assert!(rows[1].contains("Resolução (teste)"), "{rows:?}");
    let history = html::texts(&tab, "#sla-instances .sla-history tbody tr");
    assert!(
        history.iter().filter(|h| h.contains("Iniciado")).count() == 2,
        "{history:?}"
    );
    assert_eq!(
        html::texts(&tab, "#sla-instances .sla-pauses tbody tr"),
        ["Nenhuma pausa.", "Nenhuma pausa."]
    );
    // The other tabs do not load the SLA tables.
    assert!(html::texts(&details, "#sla-instances").is_empty());
}

#[tokio::test]
async fn time_moves_timers_to_nearing_then_breached_and_into_the_nearing_view() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let first = open_case(&agent, &app, "Primeiro a vencer").await;
    app.clock().advance(Duration::minutes(10));
    let second = open_case(&agent, &app, "Segundo a vencer").await;
    let calm = agent.get("/cases?view=nearing").await.text();
    assert!(titles(&calm).is_empty(), "{:?}", titles(&calm));

    // The SLA column of every view: the nearest running deadline, ticking.
    let active = agent.get("/cases?view=active").await.text();
    let doc = Html::parse_document(&active);
    let cell = Selector::parse("#cases tbody tr").expect("selector");
    let timer = Selector::parse(".sla-cell [data-deadline]").expect("selector");
    let link = Selector::parse(".case-title").expect("selector");
    let first_deadline = stored_deadlines(&app, &first).await[0].1;
    let row = doc
        .select(&cell)
        .find(|r| {
            r.select(&link)
                .next()
                .is_some_and(|a| a.text().collect::<String>() == "Primeiro a vencer")
        })
        .expect("the row of the first case");
    let deadline = row
        .select(&timer)
        .next()
        .and_then(|t| t.value().attr("data-deadline"))
        .expect("an SLA chip in the row");
    assert_eq!(millis(deadline), first_deadline.timestamp_millis());

    // 40 and 30 minutes in: both first responses are nearing.
    app.clock().advance(Duration::minutes(30));
    let report = atende::worker::sla::run_due(&app.pool, app.clock().now())
        .await
        .expect("worker");
    assert_eq!(report.warned, 2, "{report:?}");
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let nearing = agent.get("/cases?view=nearing").await.text();
    assert_eq!(
        titles(&nearing),
        ["Primeiro a vencer", "Segundo a vencer"],
        "soonest deadline first"
    );
    assert_eq!(
        html::texts(&nearing, ".view-tabs a[aria-current]"),
        ["Próximos do vencimento"]
    );
    assert_eq!(
        html::texts(&nearing, "#cases .sla-cell .sla-chip-warn").len(),
        2,
        "amber chips"
    );
    let page = agent.get(&first).await.text();
    let shown = chips(&page);
    assert_eq!(shown[0].1, "nearing", "{shown:?}");
    assert!(shown[0].2.contains("sla-chip-warn"), "{shown:?}");
    assert_eq!(shown[1].1, "in_progress", "{shown:?}");

    // 65 minutes in: the first case's first response is breached.
    app.clock().advance(Duration::minutes(25));
    let report = atende::worker::sla::run_due(&app.pool, app.clock().now())
        .await
        .expect("worker");
    assert_eq!(report.failed, 1, "{report:?}");
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let fragment = agent.htmx_get(&format!("{first}/sla-chips")).await.text();
    let shown = chips(&fragment);
    assert_eq!(shown[0].1, "non_compliant", "{shown:?}");
    assert!(shown[0].2.contains("sla-chip-breached"), "{shown:?}");
    assert!(
        shown[0].4.contains("vencido há 5 min de tempo útil"),
        "overdue by five minutes: {shown:?}"
    );
    let nearing = agent.get("/cases?view=nearing").await.text();
    assert_eq!(
        titles(&nearing),
        ["Segundo a vencer"],
        "a breached case is no longer nearing"
    );
    let tab = agent.get(&format!("{first}?tab=sla")).await.text();
    let history = html::texts(&tab, "#sla-instances .sla-history tbody tr");
    assert!(
        history.iter().any(|h| h.contains("Vencido")),
        "the breach is in the history: {history:?}"
    );

    // Closed cases leave the view.
    let solved = sqlx::query_scalar::<_, Uuid>(
        "select s.id from status_reasons s join tenants t on t.id = s.tenant_id where t.slug = 'acme' and s.name = 'Problema resolvido'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("status")
    .to_string();
    let resolved = agent
        .post_form(
            &format!("{second}/resolve"),
            &[("status_reason_id", solved.as_str()), ("text", "OK")],
        )
        .await;
    assert_eq!(resolved.status_code(), StatusCode::SEE_OTHER);
    let nearing = agent.get("/cases?view=nearing").await.text();
    assert!(titles(&nearing).is_empty(), "{:?}", titles(&nearing));
    let closed = chips(&agent.get(&second).await.text());
    assert!(
        closed
            .iter()
            .all(|c| c.3.is_empty() && c.2.contains("sla-chip-done")),
        "closed timers are static: {closed:?}"
    );
    assert!(closed[0].4.starts_with("Primeira resposta:"), "{closed:?}");
}

pub(crate) async fn status_id(app: &TestApp, key: &str) -> String {
    sqlx::query_scalar::<_, Uuid>(
        "select s.id from status_reasons s join tenants t on t.id = s.tenant_id where t.slug = 'acme' and s.system_key = $1",
    )
    .bind(key)
    .fetch_one(&app.pool)
    .await
    .expect("status reason")
    .to_string()
}

#[tokio::test]
async fn a_paused_timer_stands_still_and_the_sla_tab_explains_the_pushed_deadline() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Aguardando o cliente").await;
    let before = stored_deadlines(&app, &path).await;
    app.clock().advance(Duration::minutes(10));
    let waiting = status_id(&app, "waiting_details").await;
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Pedimos o número de série"),
                ("status_reason_id", &waiting),
            ],
        )
        .await;
    assert_eq!(
        noted.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        noted.text()
    );

    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let shown = chips(&agent.get(&path).await.text());
    assert!(
        shown
            .iter()
            .all(|c| c.1 == "paused" && c.2.contains("sla-chip-paused")),
        "{shown:?}"
    );
    // 50 working minutes were left of the first response's 60 (less the
    // milliseconds the requests took, counted in whole minutes).
    assert!(
        shown[0]
            .4
            .ends_with("Pausado · vence em 50 min de tempo útil")
            || shown[0]
                .4
                .ends_with("Pausado · vence em 49 min de tempo útil"),
        "{shown:?}"
    );
    let page = agent.get(&path).await.text();
    let doc = Html::parse_document(&page);
    let frozen = Selector::parse("#sla-chips [data-deadline][data-frozen]").expect("selector");
    assert_eq!(doc.select(&frozen).count(), 2, "paused timers do not tick");

    app.clock().advance(Duration::minutes(20));
    let working = status_id(&app, "in_progress").await;
    agent
        .upload_form(
            &format!("{path}/notes"),
            &[("body", "Recebido"), ("status_reason_id", &working)],
        )
        .await;
    let after = stored_deadlines(&app, &path).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    for ((kpi, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(
            *now - *was,
            Duration::minutes(20),
            "{kpi} pushed by the pause"
        );
    }
    let shown = chips(&agent.get(&path).await.text());
    assert_eq!(millis(&shown[0].3), after[0].1.timestamp_millis());
    assert_eq!(shown[0].1, "in_progress");

    let tab = agent.get(&format!("{path}?tab=sla")).await.text();
    let rows = html::texts(&tab, "#sla-instances tr.sla-instance-row");
    assert!(rows.iter().all(|r| r.contains("0:20")), "{rows:?}");
    let pauses = html::texts(&tab, "#sla-instances .sla-pauses tbody tr");
    assert_eq!(pauses.len(), 2, "{pauses:?}");
    assert!(
        pauses
            .iter()
            .all(|p| p.contains("0:20") && p.contains("Aguardando detalhes")),
        "{pauses:?}"
    );
    let history = html::texts(&tab, "#sla-instances .sla-history tbody tr");
    assert!(
        history
            .iter()
            .any(|h| h.contains("Retomado") && h.contains("Tempo pausado: 0:20")),
        "{history:?}"
    );
    assert!(
        history.iter().any(|h| h.contains("agent acme")),
        "the agent who paused it: {history:?}"
    );
}

/// (status, count) of each figure of the compliance panel.
fn compliance_counts(panel: &str) -> Vec<(String, i64)> {
    let doc = Html::parse_document(panel);
    let strong = Selector::parse("strong").expect("selector");
    doc.select(&Selector::parse("#sla-compliance [data-status]").expect("selector"))
        .map(|li| {
            let total = li
                .select(&strong)
                .next()
                .map(|s| s.text().collect::<String>())
                .unwrap_or_default();
            (
                li.value()
                    .attr("data-status")
                    .unwrap_or_default()
                    .to_owned(),
                total.trim().parse().expect("a count"),
            )
        })
        .collect()
}

#[tokio::test]
async fn supervisors_see_compliance_counts_and_agents_do_not() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    open_case(&agent, &app, "Conta a cumprir").await;
    let agents_list = agent.get("/cases?view=active").await.text();
    assert!(html::texts(&agents_list, "#sla-compliance").is_empty());
    let refused = agent.htmx_get("/cases/sla-compliance").await;
    assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);

    for role in [Role::Supervisor, Role::Admin] {
        let browser = app.signed_in(role).await;
        // The list holds the panel's place; the counts follow.
        let list = browser.get("/cases?view=active").await.text();
        assert_eq!(
            html::texts(&list, "#sla-compliance[hx-get='/cases/sla-compliance']").len(),
            1,
            "{role}"
        );
        let counts = compliance_counts(&browser.htmx_get("/cases/sla-compliance").await.text());
        let statuses: Vec<&str> = counts.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            statuses,
            [
                "in_progress",
                "nearing",
                "non_compliant",
                "succeeded",
                "paused"
            ],
            "{role}"
        );
        assert!(counts[0].1 >= 2, "{role}: {counts:?}");
    }

    // A workspace is counted at most once a minute, and the panel says when.
    let supervisor = app.signed_in(Role::Supervisor).await;
    let before = supervisor.htmx_get("/cases/sla-compliance").await.text();
    open_case(&agent, &app, "Outra conta").await;
    let kept = supervisor.htmx_get("/cases/sla-compliance").await.text();
    assert_eq!(compliance_counts(&kept), compliance_counts(&before));
    assert_eq!(
        html::texts(&kept, "#sla-compliance-title"),
        html::texts(&before, "#sla-compliance-title"),
        "the same time of counting"
    );
    app.clock().advance(Duration::seconds(61));
    let counted = supervisor.htmx_get("/cases/sla-compliance").await.text();
    assert_eq!(
        compliance_counts(&counted)[0].1,
        compliance_counts(&before)[0].1 + 2,
        "both timers of the new case, a minute later"
    );
    assert_ne!(
        html::texts(&counted, "#sla-compliance-title"),
        html::texts(&before, "#sla-compliance-title")
    );
}

#[tokio::test]
async fn another_workspaces_case_has_no_chips() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Só da ACME").await;
    let outsider = app.signed_in_to(GLOBEX, Role::Admin).await;
    let response = outsider.htmx_get(&format!("{path}/sla-chips")).await;
    assert_eq!(response.status_code(), StatusCode::NOT_FOUND);
    let response = outsider.get(&format!("{path}?tab=sla")).await;
    assert_eq!(response.status_code(), StatusCode::NOT_FOUND);
}
