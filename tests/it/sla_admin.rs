//! The admin pages of business-hours calendars and SLAs.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, GLOBEX, TestApp, html, location};

async fn item_id(app: &TestApp, sla: uuid::Uuid, name: &str) -> uuid::Uuid {
    sqlx::query_scalar("select id from sla_items where sla_id = $1 and name = $2")
        .bind(sla)
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("item {name}: {e}"))
}

fn week(days: [&str; 7]) -> Vec<(&'static str, &str)> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .zip(days)
        .collect()
}

#[tokio::test]
async fn a_calendar_with_intervals_and_holidays_is_stored_and_shown() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let mut fields = vec![
        ("name", "Plantão Manaus"),
        ("time_zone", "America/Manaus"),
        ("holidays", "2026-12-24 Véspera\n12-25 Natal"),
    ];
    fields.extend(week([
        "08:00-12:00, 13:00-18:00",
        "08:00-12:00",
        "",
        "",
        "",
        "20:00-24:00",
        "",
    ]));
    let response = admin.post_form("/admin/calendars", &fields).await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let id = app.named("calendars", "Plantão Manaus").await;
    assert_eq!(location(&response), format!("/admin/calendars/{id}"));
    let (zone, week, holidays): (String, serde_json::Value, serde_json::Value) =
        sqlx::query_as("select time_zone, week, holidays from calendars where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .expect("stored");
    assert_eq!(zone, "America/Manaus");
    assert_eq!(
        week,
        serde_json::json!([
            [{"start": 480, "end": 720}, {"start": 780, "end": 1080}],
            [{"start": 480, "end": 720}],
            [], [], [],
            [{"start": 1200, "end": 1440}],
            []
        ])
    );
    assert_eq!(
        holidays,
        serde_json::json!([
            {"name": "Véspera", "day": {"once": "2026-12-24"}},
            {"name": "Natal", "day": {"yearly": {"month": 12, "day": 25}}}
        ])
    );
    let page = admin.get(&format!("/admin/calendars/{id}")).await.text();
    assert_eq!(
        html::input_value(&page, "mon").as_deref(),
        Some("08:00-12:00, 13:00-18:00")
    );
    assert_eq!(
        html::input_value(&page, "sat").as_deref(),
        Some("20:00-24:00")
    );
    assert!(page.contains("2026-12-24 Véspera\n12-25 Natal"), "{page}");
    let list = admin.get("/admin/calendars").await.text();
    assert!(html::texts(&list, "table.data tbody td a").contains(&"Plantão Manaus".to_owned()));
}

#[tokio::test]
async fn a_calendar_without_working_time_is_refused_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let before = app.fingerprint().await;
    let mut fields = vec![
        ("name", "Nunca"),
        ("time_zone", "America/Recife"),
        ("holidays", "12-25 Natal"),
    ];
    fields.extend(week(["", "", "", "", "", "", ""]));
    let response = admin.post_form("/admin/calendars", &fields).await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    let error = html::field_error(&page, "week").expect("a message about the week");
    assert!(error.contains("horário de trabalho"), "{error}");
    assert_eq!(
        html::form_value(&page, "/admin/calendars", "name").as_deref(),
        Some("Nunca")
    );
    assert!(
        page.contains("<option value=\"America/Recife\" selected"),
        "zone kept"
    );
    assert!(page.contains("12-25 Natal"));
    assert_eq!(before, app.fingerprint().await, "nothing stored");
}

#[tokio::test]
async fn bad_interval_text_and_holiday_lines_get_field_errors() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let mut fields = vec![
        ("name", "Torto"),
        ("time_zone", "UTC"),
        ("holidays", "12-25 Natal\n31/12 Réveillon"),
    ];
    fields.extend(week([
        "08:00-12:00, 18:00-13:00",
        "9 às 18",
        "",
        "",
        "",
        "",
        "",
    ]));
    let response = admin.post_form("/admin/calendars", &fields).await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    let monday = html::field_error(&page, "mon").expect("monday error");
    assert!(
        monday.contains("Intervalo 2") && monday.contains("18:00-13:00"),
        "{monday}"
    );
    let tuesday = html::field_error(&page, "tue").expect("tuesday error");
    assert!(tuesday.contains("Intervalo 1"), "{tuesday}");
    let holidays = html::field_error(&page, "holidays").expect("holiday error");
    assert!(holidays.contains("Linha 2"), "{holidays}");
    assert_eq!(html::input_value(&page, "tue").as_deref(), Some("9 às 18"));
    // A bad zone is refused too.
    let mut fields = vec![("name", "Marte"), ("time_zone", "Mars/Olympus")];
    fields.extend(week(["08:00-18:00", "", "", "", "", "", ""]));
    let page = admin.post_form("/admin/calendars", &fields).await.text();
    assert!(html::field_error(&page, "time_zone").is_some());
}

#[tokio::test]
async fn calendar_names_are_unique_and_a_calendar_in_use_stays_active() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let mut fields = vec![("name", "horário COMERCIAL"), ("time_zone", "UTC")];
    fields.extend(week(["08:00-18:00", "", "", "", "", "", ""]));
    let response = admin.post_form("/admin/calendars", &fields).await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&response.text(), "name").is_some());
    let id = app.named("calendars", "Horário comercial").await;
    let response = admin
        .post_form(&format!("/admin/calendars/{id}/deactivate"), &[])
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let active: bool = sqlx::query_scalar("select active from calendars where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("calendar");
    assert!(active, "the default SLA counts with it");
}

async fn new_sla(app: &TestApp, admin: &crate::support::Browser, name: &str) -> uuid::Uuid {
    let calendar = app
        .named("calendars", "Horário comercial")
        .await
        .to_string();
    let response = admin
        .post_form("/admin/sla", &[("name", name), ("calendar_id", &calendar)])
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    app.named("slas", name).await
}

#[tokio::test]
async fn sla_items_keep_their_order_and_show_their_condition_in_words() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let form = admin.get("/admin/sla").await.text();
    let on_hold = app.named("status_reasons", "Em espera").await.to_string();
    assert!(
        form.contains(&format!("value=\"{on_hold}\" checked")),
        "pausing on hold is the default"
    );
    let sla = new_sla(&app, &admin, "Ouro").await;
    let high = app.named("priorities", "Alta").await.to_string();
    let phone = app.named("channels", "Telefone").await.to_string();
    let path = format!("/admin/sla/{sla}/items/edit");
    let blank = admin.get(&path).await;
    assert_eq!(blank.status_code(), StatusCode::OK);
    assert!(
        blank.text().contains("name=\"g0_r2_value\""),
        "one empty group"
    );
    let response = admin
        .post_form(
            &path,
            &[
                ("name", "Resposta rápida"),
                ("kpi", "first_response"),
                ("warn_after", "0:45"),
                ("fail_after", "1:00"),
                ("w_notify", "on"),
                ("f_escalate", "on"),
                ("g0_r0_field", "priority"),
                ("g0_r0_op", "is"),
                ("g0_r0_value", &high),
                ("g0_r1_field", ""),
                ("g0_r1_op", "is"),
                ("g0_r1_value", ""),
                ("g1_r0_field", "channel"),
                ("g1_r0_op", "is"),
                ("g1_r0_value", &phone),
                ("g1_r1_field", "product"),
                ("g1_r1_op", "is_empty"),
                ("g1_r1_value", ""),
            ],
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let response = admin
        .post_form(
            &path,
            &[
                ("name", "Resolução"),
                ("kpi", "resolve"),
                ("warn_after", "600"),
                ("fail_after", "18:00"),
            ],
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let rows: Vec<(String, i32, serde_json::Value, serde_json::Value, i32)> = sqlx::query_as(
        "select name, position, condition, failure_actions, fail_after_minutes from sla_items where sla_id = $1 order by position",
    )
    .bind(sla)
    .fetch_all(&app.pool)
    .await
    .expect("items");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "Resposta rápida");
    assert_eq!(
        rows[0].2,
        serde_json::json!([
            [{"field": "priority", "op": "is", "value": high}],
            [{"field": "channel", "op": "is", "value": phone}, {"field": "product", "op": "is_empty"}]
        ])
    );
    assert_eq!(rows[0].3["escalate"], serde_json::json!(true));
    assert_eq!((rows[1].0.as_str(), rows[1].4), ("Resolução", 1080));
    let page = admin.get(&format!("/admin/sla/{sla}")).await.text();
    let conditions = html::texts(&page, "td.sla-condition");
    assert_eq!(
        conditions,
        vec![
            "Prioridade é Alta ou Canal de origem é Telefone e Produto está vazio".to_owned(),
            "Sempre".to_owned()
        ]
    );
    // Moving the second up puts it first.
    let second = item_id(&app, sla, "Resolução").await.to_string();
    let response = admin
        .post_form(
            &format!("/admin/sla/{sla}/items/move"),
            &[("item", &second), ("direction", "up")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/admin/sla/{sla}")).await.text();
    let names = html::texts(&page, "table.sla-items tbody td:nth-child(2) a");
    assert_eq!(
        names,
        vec!["Resolução".to_owned(), "Resposta rápida".to_owned()]
    );
    // The item form shows the stored rules back.
    let first = item_id(&app, sla, "Resposta rápida").await;
    let edit = admin.get(&format!("{path}?item={first}")).await.text();
    assert!(
        edit.contains(&format!("value=\"{phone}\" selected")),
        "{edit}"
    );
    assert!(
        edit.contains("name=\"g2_r0_field\""),
        "an empty group after the two"
    );
    // Deleting one leaves the other.
    let response = admin
        .post_form(
            &format!("/admin/sla/{sla}/items/delete"),
            &[("item", &second)],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let left: Vec<(String, i32)> =
        sqlx::query_as("select name, position from sla_items where sla_id = $1")
            .bind(sla)
            .fetch_all(&app.pool)
            .await
            .expect("items");
    assert_eq!(left, vec![("Resposta rápida".to_owned(), 0)]);
}

#[tokio::test]
async fn fail_after_must_exceed_warn_after_and_rules_need_values() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let sla = new_sla(&app, &admin, "Prata").await;
    let path = format!("/admin/sla/{sla}/items/edit");
    let response = admin
        .post_form(
            &path,
            &[
                ("name", "Ao contrário"),
                ("kpi", "resolve"),
                ("warn_after", "2:00"),
                ("fail_after", "90"),
                ("g0_r0_field", "priority"),
                ("g0_r0_op", "is"),
                ("g0_r0_value", ""),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    let error = html::field_error(&page, "fail_after").expect("fail-after error");
    assert!(error.contains("2:00"), "{error}");
    let condition = html::field_error(&page, "condition").expect("condition error");
    assert!(condition.contains("Grupo 1, regra 1"), "{condition}");
    assert_eq!(
        html::input_value(&page, "fail_after").as_deref(),
        Some("90")
    );
    assert_eq!(
        html::input_value(&page, "name").as_deref(),
        Some("Ao contrário")
    );
    let response = admin
        .post_form(
            &path,
            &[
                ("name", "Zero"),
                ("kpi", "resolve"),
                ("warn_after", "0"),
                ("fail_after", "x"),
            ],
        )
        .await;
    let page = response.text();
    assert!(html::field_error(&page, "warn_after").is_some());
    assert!(html::field_error(&page, "fail_after").is_some());
    let count: i64 = sqlx::query_scalar("select count(*) from sla_items where sla_id = $1")
        .bind(sla)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_default_flag_moves_to_the_sla_that_takes_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let old = app.named("slas", "Padrão").await;
    let new = new_sla(&app, &admin, "Bronze").await;
    let calendar = app
        .named("calendars", "Horário comercial")
        .await
        .to_string();
    let response = admin
        .post_form(
            &format!("/admin/sla/{new}"),
            &[
                ("name", "Bronze"),
                ("calendar_id", &calendar),
                ("is_default", "on"),
            ],
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let defaults: Vec<uuid::Uuid> = sqlx::query_scalar(
        "select s.id from slas s join tenants t on t.id = s.tenant_id where t.slug = 'acme' and s.is_default",
    )
    .fetch_all(&app.pool)
    .await
    .expect("defaults");
    assert_eq!(defaults, vec![new]);
    let list = admin.get("/admin/sla").await.text();
    let rows = html::texts(&list, "table.data tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Bronze Horário comercial Padrão")),
        "{rows:?}"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.starts_with("Padrão Horário comercial Padrão")),
        "{rows:?}"
    );
    let _ = old;
}

#[tokio::test]
async fn another_workspace_gets_404_and_agents_get_403() {
    let app = TestApp::spawn().await;
    let outsider = app.signed_in_to(GLOBEX, Role::Admin).await;
    let calendar = app.any_row("calendars", ACME).await;
    let sla = app.any_row("slas", ACME).await;
    for path in [
        format!("/admin/calendars/{calendar}"),
        format!("/admin/sla/{sla}"),
        format!("/admin/sla/{sla}/items/edit"),
    ] {
        assert_eq!(
            outsider.get(&path).await.status_code(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // An item id of another SLA is not found under this one.
    let admin = app.signed_in(Role::Admin).await;
    let other = new_sla(&app, &admin, "Outro").await;
    let item: uuid::Uuid = sqlx::query_scalar("select id from sla_items where sla_id = $1 limit 1")
        .bind(sla)
        .fetch_one(&app.pool)
        .await
        .expect("seeded item");
    let response = admin
        .get(&format!("/admin/sla/{other}/items/edit?item={item}"))
        .await;
    assert_eq!(response.status_code(), StatusCode::NOT_FOUND);
    for role in [Role::Agent, Role::Supervisor] {
        let browser = app.signed_in(role).await;
        for path in ["/admin/calendars", "/admin/sla"] {
            assert_eq!(
                browser.get(path).await.status_code(),
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
    }
}
