//! Hostile and odd input: never a 500, always a clear answer, input kept.

use atende::users::model::Role;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum_test::TestResponse;

use crate::support::{ACME, TestApp, html};

const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("content-security-policy", "frame-ancestors 'none'"),
];

fn assert_security_headers(response: &TestResponse, what: &str) {
    for (name, expected) in SECURITY_HEADERS {
        let value = response
            .maybe_header(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"));
        assert!(
            value.to_str().unwrap_or_default().contains(expected),
            "{what}: {name} = {value:?}"
        );
    }
    let csp = response.header("content-security-policy");
    assert!(
        !csp.to_str().unwrap_or_default().contains("unsafe-inline"),
        "{what}: CSP allows inline code"
    );
}

async fn create_user(app: &TestApp, fields: &[(&str, &str)]) -> TestResponse {
    let admin = app.signed_in(Role::Admin).await;
    admin.post_form("/admin/users", fields).await
}

#[tokio::test]
async fn nul_and_control_characters_are_field_errors_with_input_kept() {
    let app = TestApp::spawn().await;
    for bad in ["Maria\0Silva", "Maria\u{7}Silva", "Maria\u{1b}[31mSilva"] {
        let response = create_user(
            &app,
            &[
                ("name", bad),
                ("email", "m@acme.test"),
                ("role", "agent"),
                ("password", "long-enough-password"),
            ],
        )
        .await;
        assert_eq!(
            response.status_code(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}"
        );
        let page = response.text();
        assert!(
            html::field_error(&page, "name").is_some(),
            "no error next to the name"
        );
        assert_eq!(
            html::input_value(&page, "email").as_deref(),
            Some("m@acme.test")
        );
    }
}

#[tokio::test]
async fn an_over_long_field_is_a_field_error_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    let long_name = "Ana ".repeat(300);
    let response = create_user(
        &app,
        &[
            ("name", &long_name),
            ("email", "ana@acme.test"),
            ("role", "agent"),
            ("password", "long-enough-password"),
        ],
    )
    .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(html::field_error(&page, "name").is_some());
    assert_eq!(
        html::input_value(&page, "name").as_deref(),
        Some(long_name.as_str())
    );
}

#[tokio::test]
async fn invalid_utf8_is_answered_without_a_server_error() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let token = admin.csrf.clone().unwrap_or_default();
    let body = format!(
        "csrf_token={token}&name=%FF%FE%FD&email=x%C3%28%40acme.test&role=agent&password=long-enough-password"
    );
    let response = admin
        .server
        .post("/admin/users")
        .content_type("application/x-www-form-urlencoded")
        .bytes(Bytes::from(body))
        .await;
    assert!(
        response.status_code().is_client_error() || response.status_code() == StatusCode::SEE_OTHER,
        "{}",
        response.status_code()
    );
    assert_ne!(response.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_repeated_parameter_keeps_its_first_value() {
    let app = TestApp::spawn().await;
    let response = create_user(
        &app,
        &[
            ("name", "Rita"),
            ("name", "Other"),
            ("email", "rita@acme.test"),
            ("role", "agent"),
            ("role", "admin"),
            ("password", "long-enough-password"),
        ],
    )
    .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let (name, role): (String, String) =
        sqlx::query_as("select name, role from users where email = 'rita@acme.test'")
            .fetch_one(&app.pool)
            .await
            .expect("created");
    assert_eq!((name.as_str(), role.as_str()), ("Rita", "agent"));
}

#[tokio::test]
async fn extra_fields_such_as_tenant_or_active_are_ignored() {
    let app = TestApp::spawn().await;
    let globex: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = 'globex'")
        .fetch_one(&app.pool)
        .await
        .expect("globex");
    let response = create_user(
        &app,
        &[
            ("name", "Extra"),
            ("email", "extra@acme.test"),
            ("role", "agent"),
            ("password", "long-enough-password"),
            ("tenant_id", &globex.to_string()),
            ("active", "false"),
            ("id", "00000000-0000-0000-0000-000000000001"),
        ],
    )
    .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let (slug, active, id): (String, bool, uuid::Uuid) = sqlx::query_as(
        "select t.slug, u.active, u.id from users u join tenants t on t.id = u.tenant_id where u.email = 'extra@acme.test'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("created");
    assert_eq!((slug.as_str(), active), (ACME, true));
    assert_ne!(id.to_string(), "00000000-0000-0000-0000-000000000001");
}

#[tokio::test]
async fn a_ten_megabyte_body_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let body = format!(
        "csrf_token={}&name={}",
        admin.csrf.clone().unwrap_or_default(),
        "a".repeat(10 * 1024 * 1024)
    );
    let response = admin
        .server
        .post("/admin/users")
        .content_type("application/x-www-form-urlencoded")
        .bytes(Bytes::from(body))
        .await;
    assert_eq!(response.status_code(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers(&response, "413");
    assert!(response.text().contains("<h1>"), "413 is a page");
}

#[tokio::test]
async fn security_headers_are_on_pages_errors_and_static_files() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    assert_security_headers(&agent.get("/cases").await, "page");
    let missing = agent.get("/no/such/page").await;
    assert_eq!(missing.status_code(), StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "404");
    assert!(missing.text().contains("<h1>"), "404 is a page");
    let forbidden = agent.get("/admin/users").await;
    assert_eq!(forbidden.status_code(), StatusCode::FORBIDDEN);
    assert_security_headers(&forbidden, "403");
    let login = app.browser().get("/login").await;
    let css_url = scraper::Html::parse_document(&login.text())
        .select(&scraper::Selector::parse("link[rel=stylesheet]").expect("selector"))
        .next()
        .and_then(|e| e.value().attr("href").map(str::to_owned))
        .expect("stylesheet link");
    let css = app.browser().get(&css_url).await;
    assert_eq!(css.status_code(), StatusCode::OK);
    assert_security_headers(&css, "static");
    assert!(
        css.header("cache-control")
            .to_str()
            .unwrap_or_default()
            .contains("max-age")
    );
    assert!(css.maybe_header("etag").is_some());
}

#[tokio::test]
async fn throttled_responses_carry_security_headers_and_retry_after() {
    let app = TestApp::spawn().await;
    let mut last = None;
    for _ in 0..6 {
        let mut browser = app.browser();
        last = Some(
            browser
                .sign_in(ACME, "agent@acme.test", "wrong-password-123")
                .await,
        );
    }
    let response = last.expect("six attempts");
    assert_eq!(response.status_code(), StatusCode::TOO_MANY_REQUESTS);
    assert_security_headers(&response, "429");
    assert!(response.maybe_header("retry-after").is_some());
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    assert_eq!(browser.get("/healthz").await.status_code(), StatusCode::OK);
    assert_eq!(browser.get("/readyz").await.status_code(), StatusCode::OK);
    browser.get("/login").await;
    let metrics = browser.get("/metrics").await.text();
    assert!(
        metrics.contains("axum_http_requests_total"),
        "request counts by route"
    );
    assert!(metrics.contains("endpoint=\"/login\""));
    assert!(metrics.contains("atende_db_pool_connections"));
}
