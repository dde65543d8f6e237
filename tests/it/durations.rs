//! Durations typed into the pages: what a page prints is accepted back, and
//! the forms people type are read the same everywhere.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{Browser, TestApp, html, see_other};

async fn open_case(browser: &Browser, app: &TestApp, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = uuid::Uuid::now_v7().to_string();
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

async fn log_work(browser: &Browser, path: &str, duration: &str) -> axum_test::TestResponse {
    browser
        .upload_form(
            &format!("{path}/activities"),
            &[
                ("kind", "phone_call"),
                ("description", "Ligação com o cliente"),
                ("duration", duration),
                ("billable", "on"),
            ],
        )
        .await
}

#[tokio::test]
async fn the_resolve_form_takes_back_the_billable_time_it_prefilled() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Uma hora e dez").await;
    let logged = log_work(&agent, &path, "1h10").await;
    assert_eq!(
        logged.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        logged.text()
    );
    let form = agent.get(&format!("{path}/resolve")).await.text();
    let prefilled = html::input_value(&form, "billable").expect("billable field");
    assert_eq!(prefilled, "1 h 10 min");
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let response = agent
        .post_form(
            &format!("{path}/resolve"),
            &[
                ("status_reason_id", solved.as_str()),
                ("text", "Resolvido por telefone"),
                ("billable", prefilled.as_str()),
            ],
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        html::field_error(&response.text(), "billable").unwrap_or_default()
    );
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-state").contains("Resolvido"));
    let confirmed: Option<i32> = sqlx::query_scalar(
        "select resolved_billable_minutes from cases where title = 'Uma hora e dez'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("case");
    assert_eq!(confirmed, Some(70));
}

#[tokio::test]
async fn activities_take_the_durations_people_type() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Formas de digitar").await;
    // 70 + 70 + 70 + 90 + 120 + 90 + 15 minutes.
    for typed in [
        "1 h 10 min",
        "1:10",
        "70",
        "1,5 h",
        "2 horas",
        "90 minutos",
        "15 min",
    ] {
        let response = log_work(&agent, &path, typed).await;
        assert_eq!(
            response.status_code(),
            StatusCode::SEE_OTHER,
            "{typed}: {}",
            html::field_error(&response.text(), "duration").unwrap_or_default()
        );
    }
    let billable: i32 =
        sqlx::query_scalar("select billable_minutes from cases where title = 'Formas de digitar'")
            .fetch_one(&app.pool)
            .await
            .expect("case");
    assert_eq!(billable, 525);
}

#[tokio::test]
async fn a_duration_that_is_nonsense_negative_or_huge_says_so_next_to_the_field() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Durações ruins").await;
    for (typed, message) in [
        ("um tempão", "Informe a duração"),
        ("-30", "não pode ser negativa"),
        ("2000 h", "no máximo"),
    ] {
        let response = log_work(&agent, &path, typed).await;
        assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text();
        let error = html::field_error(&page, "duration").unwrap_or_default();
        assert!(error.contains(message), "{typed}: {error}");
        assert_eq!(
            html::input_value(&page, "duration").as_deref(),
            Some(typed),
            "what was typed is kept"
        );
    }
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let response = agent
        .post_form(
            &format!("{path}/resolve"),
            &[
                ("status_reason_id", solved.as_str()),
                ("text", "Feito"),
                ("billable", "1 h 75 min"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html::field_error(&response.text(), "billable")
            .unwrap_or_default()
            .contains("Informe a duração")
    );
    let count = app
        .count("select count(*) from case_activities where description = 'Ligação com o cliente'")
        .await;
    assert_eq!(count, 0, "nothing refused was written");
}
