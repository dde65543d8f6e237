//! The SLA figures a case shows: the deadline a re-evaluation replaced,
//! and the working time left, the same running or paused, in the header,
//! the SLA tab and the lists.

use atende::users::model::Role;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::sla_cases::{open_case, spawn, status_id, stored_deadlines};
use crate::support::{ACME, Browser, TestApp, html, see_other};

/// An SLA whose calendar works 09:00–12:00 and 13:00–18:00 on weekdays
/// (São Paulo), first response due in 5 working hours, becomes ACME's
/// default; "waiting for details" pauses it.
async fn office_hours_sla(app: &TestApp) {
    let tenant: Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(ACME)
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
    let day = serde_json::json!([{"start": 540, "end": 720}, {"start": 780, "end": 1080}]);
    let week = serde_json::json!([day, day, day, day, day, [], []]);
    let calendar = Uuid::now_v7();
    sqlx::query(
        "insert into calendars (tenant_id, id, name, time_zone, always_open, week)
         values (app_tenant_id(), $1, 'Escritório com almoço', 'America/Sao_Paulo', false, $2)",
    )
    .bind(calendar)
    .bind(week)
    .execute(&mut *tx)
    .await
    .expect("calendar");
    let sla = Uuid::now_v7();
    sqlx::query(
        "insert into slas (tenant_id, id, name, calendar_id, is_default, pause_status_ids)
         values (app_tenant_id(), $1, 'Horário de escritório', $2, true,
                 array(select id from status_reasons where system_key = 'waiting_details'))",
    )
    .bind(sla)
    .bind(calendar)
    .execute(&mut *tx)
    .await
    .expect("sla");
    for (position, name, kpi, warn, fail) in [
        (
            0,
            "Primeira resposta (escritório)",
            "first_response",
            240,
            300,
        ),
        (1, "Resolução (escritório)", "resolve", 1200, 1800),
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

/// Moves the app's clock to next Monday, 10:00 in São Paulo.
fn next_monday_at_ten(app: &TestApp) -> DateTime<Utc> {
    let now = app.clock().now();
    let local = now.with_timezone(&Sao_Paulo);
    let ahead = 7 - u64::from(local.weekday().num_days_from_monday());
    let monday = local.date_naive() + chrono::Days::new(ahead);
    let target = Sao_Paulo
        .from_local_datetime(&monday.and_hms_opt(10, 0, 0).expect("10:00"))
        .single()
        .expect("a plain Monday morning")
        .with_timezone(&Utc);
    app.clock().advance(target - now);
    target
}

/// Text and attributes of the first-response figure in `selector`.
fn figure(page: &str, selector: &str) -> (String, Option<i64>, bool) {
    let doc = Html::parse_document(page);
    let found = doc
        .select(&Selector::parse(selector).expect("selector"))
        .next()
        .unwrap_or_else(|| panic!("no {selector} in the page"));
    (
        found
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        found.value().attr("data-runs").and_then(|r| r.parse().ok()),
        found.value().attr("data-frozen").is_some(),
    )
}

const HEADER: &str = "#sla-chips [data-kpi=\"first_response\"] .sla-countdown";
const TAB: &str = "#sla-instances tbody[data-kpi=\"first_response\"] .sla-left .sla-countdown";
const LIST: &str = "#cases tbody tr .sla-cell .sla-countdown";

async fn note_with_status(agent: &Browser, path: &str, status: &str) {
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[("body", "Situação nova"), ("status_reason_id", status)],
        )
        .await;
    see_other(&noted);
}

#[tokio::test]
async fn a_timer_shows_the_working_time_left_running_or_paused_in_header_tab_and_list() {
    let app = spawn().await;
    office_hours_sla(&app).await;
    next_monday_at_ten(&app);
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Balança com defeito").await;
    // Due at 16:00: two working hours before lunch, three after.
    let due = stored_deadlines(&app, &path).await[0].1;
    assert_eq!(
        due.with_timezone(&Sao_Paulo).format("%H:%M").to_string(),
        "16:00"
    );

    // 11:01:30. By the clock, 4 h 58 min are left; the SLA counts 3 h 58 min.
    app.clock().advance(Duration::seconds(61 * 60 + 30));
    let working = "vence em 3 h 58 min de tempo útil";
    let page = agent.get(&path).await.text();
    let (header, runs, frozen) = figure(&page, HEADER);
    assert!(header.ends_with(working), "{header}");
    assert!(!header.contains("4 h 58"), "{header}");
    assert!(!frozen);
    let runs = runs.expect("a running figure says how long it runs");
    assert!(
        (58 * 60..=58 * 60 + 30).contains(&runs),
        "it moves until lunch: {runs}"
    );
    let tab = agent.get(&format!("{path}?tab=sla")).await.text();
    assert_eq!(figure(&tab, TAB).0, working);
    assert!(
        html::texts(&tab, "#sla-instances thead th").contains(&"Tempo útil restante".to_owned())
    );
    let list = agent.get("/cases?view=active").await.text();
    assert_eq!(figure(&list, LIST).0, working);

    // Waiting on the customer: the same amount, standing still.
    let waiting = status_id(&app, "waiting_details").await;
    note_with_status(&agent, &path, &waiting).await;
    let page = agent.get(&path).await.text();
    let chip = html::text(&page, "#sla-chips [data-kpi=\"first_response\"]");
    assert!(
        chip.ends_with(&format!("Pausado · {working}")),
        "no hour vanishes when paused: {chip}"
    );
    let (header, _, frozen) = figure(&page, HEADER);
    assert_eq!(header, working);
    assert!(frozen, "a paused figure does not move");
    let tab = agent.get(&format!("{path}?tab=sla")).await.text();
    assert_eq!(figure(&tab, TAB), (working.to_owned(), Some(0), true));

    // Over lunch, back at work: nothing was counted while paused or at lunch.
    app.clock().advance(Duration::minutes(90));
    let in_progress = status_id(&app, "in_progress").await;
    note_with_status(&agent, &path, &in_progress).await;
    let page = agent.get(&path).await.text();
    let (header, runs, _) = figure(&page, HEADER);
    assert_eq!(header, working, "12:31: still at lunch");
    assert_eq!(runs, Some(0), "nothing moves over lunch");
}

#[tokio::test]
async fn a_re_evaluation_on_resuming_shows_the_deadline_it_replaced() {
    let app = spawn().await;
    // ACME's default SLA, every minute counted: first response due in 240
    // minutes, or 60 when urgent.
    sqlx::query(
        "update calendars set always_open = true
          where tenant_id = (select id from tenants where slug = 'acme')",
    )
    .execute(&app.pool)
    .await
    .expect("24x7 calendar");
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Senha bloqueada").await;
    let first = stored_deadlines(&app, &path).await[0].1;
    app.clock().advance(Duration::minutes(10));
    note_with_status(&agent, &path, &status_id(&app, "waiting_details").await).await;
    app.clock().advance(Duration::minutes(20));

    // One note: back to work, and urgent.
    let urgent = app.named("priorities", "Urgente").await.to_string();
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Cliente respondeu; é urgente"),
                ("status_reason_id", &status_id(&app, "in_progress").await),
                ("priority_id", &urgent),
            ],
        )
        .await;
    see_other(&noted);
    let now = stored_deadlines(&app, &path).await[0].1;
    let shown = |at: DateTime<Utc>| {
        at.with_timezone(&Sao_Paulo)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    let before = first + Duration::minutes(20);
    assert_eq!(now, before - Duration::minutes(180), "urgent: 60, not 240");

    let tab = agent.get(&format!("{path}?tab=sla")).await.text();
    let history = html::texts(
        &tab,
        "#sla-instances tbody[data-kpi=\"first_response\"] .sla-history tbody tr",
    );
    let reevaluated = history
        .iter()
        .find(|h| h.contains("Reavaliado"))
        .unwrap_or_else(|| panic!("no re-evaluation in {history:?}"));
    assert!(
        reevaluated.contains(&format!("Prazo anterior: {}", shown(before))),
        "the deadline before, pause included: {reevaluated}"
    );
    assert!(
        !reevaluated.contains(&shown(now)),
        "not the new deadline: {reevaluated}"
    );
    let row = html::text(
        &tab,
        "#sla-instances tbody[data-kpi=\"first_response\"] tr.sla-instance-row",
    );
    assert!(row.contains(&shown(now)), "{row}");
}

/// The state of the case's first-response timer and when it was met.
async fn first_response(app: &TestApp, path: &str) -> (String, Option<DateTime<Utc>>) {
    let number: i64 = path
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("case number");
    sqlx::query_as(
        "select i.status, i.succeeded_at from sla_kpi_instances i
           join cases c on c.tenant_id = i.tenant_id and c.id = i.case_id
           join tenants t on t.id = c.tenant_id
          where t.slug = 'acme' and c.number = $1 and i.kpi = 'first_response'",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .expect("first-response timer")
}

async fn note(agent: &Browser, path: &str, body: &str, visibility: &str) {
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[("body", body), ("visibility", visibility)],
        )
        .await;
    see_other(&noted);
}

#[tokio::test]
async fn a_public_reply_answers_a_first_response_item_set_to_count_it() {
    let app = spawn().await;
    crate::sla_cases::configure_sla(&app, ACME).await;
    // The admin says so on the first-response item.
    let admin = app.signed_in(Role::Admin).await;
    let (sla, item): (Uuid, Uuid) = sqlx::query_as(
        "select i.sla_id, i.id from sla_items i where i.name = 'Primeira resposta (teste)'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("item");
    let form = format!("/admin/sla/{sla}/items/edit");
    let edit = admin.get(&format!("{form}?item={item}")).await.text();
    assert!(
        edit.contains("<option value=\"execution\" selected>Iniciar execução</option>"),
        "an existing item keeps counting the start of execution"
    );
    let saved = admin
        .post_form(
            &form,
            &[
                ("item", &item.to_string()),
                ("name", "Primeira resposta (teste)"),
                ("kpi", "first_response"),
                ("first_response_by", "public_reply"),
                ("warn_after", "0:30"),
                ("fail_after", "1:00"),
            ],
        )
        .await;
    see_other(&saved);
    let listed = admin.get(&format!("/admin/sla/{sla}")).await.text();
    assert!(listed.contains("Primeira resposta pública ao cliente"));

    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Pedido de segunda via").await;
    app.clock().advance(Duration::minutes(5));
    agent.post_form(&format!("{path}/start"), &[]).await;
    assert_eq!(
        first_response(&app, &path).await.0,
        "in_progress",
        "starting execution does not answer the customer"
    );
    note(&agent, &path, "Anotação interna", "private").await;
    assert_eq!(first_response(&app, &path).await.0, "in_progress");

    app.clock().advance(Duration::minutes(5));
    let replied_at = app.clock().now();
    note(&agent, &path, "Olá! Já estamos verificando.", "public").await;
    let (status, at) = first_response(&app, &path).await;
    assert_eq!(status, "succeeded");
    let at = at.expect("when it was met");
    assert!(
        (at - replied_at).num_seconds().abs() < 5,
        "{at} {replied_at}"
    );
    let page = agent.get(&path).await.text();
    assert!(
        html::text(&page, "#sla-chips [data-kpi=\"first_response\"]")
            .starts_with("Primeira resposta: Cumprido"),
        "{}",
        html::text(&page, "#sla-chips")
    );
}

#[tokio::test]
async fn a_first_response_item_counting_the_start_of_execution_ignores_public_replies() {
    let app = spawn().await;
    crate::sla_cases::configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Nota fiscal rejeitada").await;
    note(&agent, &path, "Recebemos seu pedido.", "public").await;
    assert_eq!(first_response(&app, &path).await.0, "in_progress");
    agent.post_form(&format!("{path}/start"), &[]).await;
    assert_eq!(first_response(&app, &path).await.0, "succeeded");
}

#[tokio::test]
async fn a_new_workspaces_sla_counts_a_public_reply_as_the_first_response() {
    let app = spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Dúvida sobre o boleto").await;
    assert_eq!(first_response(&app, &path).await.0, "in_progress");
    note(&agent, &path, "Segue o boleto atualizado.", "public").await;
    assert_eq!(first_response(&app, &path).await.0, "succeeded");
}
