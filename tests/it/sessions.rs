//! Signing in and out, and how long a session lives.

use atende::app::SESSION_COOKIE;
use atende::users::model::Role;
use axum::http::StatusCode;
use chrono::Duration;

use crate::support::{
    ACME, Browser, GLOBEX, PASSWORD, TestApp, assert_redirect, email, html, location, see_other,
};

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_when_configured() {
    let app = TestApp::spawn_with(|c| c.cookie_secure = true).await;
    let mut browser = app.browser();
    let response = browser
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    let cookie = response.cookie(SESSION_COOKIE);
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(
        cookie.same_site(),
        Some(tower_sessions::cookie::SameSite::Lax)
    );
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.path(), Some("/"));
    let max_age = cookie.max_age().expect("a bounded lifetime").whole_hours();
    assert!((11..=12).contains(&max_age), "max-age {max_age}h");

    let plain = TestApp::spawn().await;
    let mut browser = plain.browser();
    let response = browser
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    assert_ne!(response.cookie(SESSION_COOKIE).secure(), Some(true));
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_every_time() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    browser
        .server
        .add_cookie(tower_sessions::cookie::Cookie::new(
            SESSION_COOKIE,
            "AAAAAAAAAAAAAAAAAAAAAA",
        ));
    let first = browser
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    let first_id = first.cookie(SESSION_COOKIE).value().to_owned();
    assert_ne!(
        first_id, "AAAAAAAAAAAAAAAAAAAAAA",
        "a planted id must not survive sign-in"
    );
    browser.post_form("/logout", &[]).await;
    let second = browser
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    assert_ne!(second.cookie(SESSION_COOKIE).value(), first_id);
}

#[tokio::test]
async fn signing_out_ends_the_session_even_for_a_copied_cookie() {
    let app = TestApp::spawn().await;
    let mut browser = app.browser();
    let response = browser
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    let stolen = response.cookie(SESSION_COOKIE);
    assert_eq!(browser.get("/cases").await.status_code(), StatusCode::OK);
    assert_redirect(&browser.post_form("/logout", &[]).await, "/login");

    let mut thief = app.browser();
    thief.server.add_cookie(stolen);
    let response = thief.get("/cases").await;
    assert!(
        location(&response).starts_with("/login"),
        "a signed-out session still works"
    );
}

#[tokio::test]
async fn a_deactivated_user_is_out_at_once() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    assert_eq!(agent.get("/cases").await.status_code(), StatusCode::OK);
    let admin = app.signed_in(Role::Admin).await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    admin
        .post_form(&format!("/admin/users/{agent_id}/deactivate"), &[])
        .await;
    let response = agent.get("/cases").await;
    assert!(location(&response).starts_with("/login"));
    let mut again = app.browser();
    let response = again
        .sign_in(ACME, &email(ACME, Role::Agent), PASSWORD)
        .await;
    assert_eq!(response.status_code(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    app.clock().advance(Duration::minutes(29));
    assert_eq!(agent.get("/cases").await.status_code(), StatusCode::OK);
    app.clock().advance(Duration::minutes(29));
    assert_eq!(
        agent.get("/cases").await.status_code(),
        StatusCode::OK,
        "activity restarts the idle timer"
    );
    app.clock().advance(Duration::minutes(31));
    let response = agent.get("/cases").await;
    assert_eq!(location(&response), "/login?next=%2Fcases&expired=1");
}

#[tokio::test]
async fn a_session_ends_after_12_hours_however_active() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for _ in 0..(11 * 3 + 2) {
        app.clock().advance(Duration::minutes(20));
        assert_eq!(agent.get("/cases").await.status_code(), StatusCode::OK);
    }
    app.clock().advance(Duration::minutes(21));
    let response = agent.get("/cases").await;
    assert!(
        location(&response).contains("expired=1"),
        "still signed in after 12h"
    );
}

#[tokio::test]
async fn signed_in_pages_are_not_cached() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent.get("/cases").await;
    assert_eq!(response.header("cache-control"), "no-store");
}

#[tokio::test]
async fn wrong_workspace_email_or_password_look_exactly_the_same() {
    let app = TestApp::spawn().await;
    let attempts = [
        ("nope", email(ACME, Role::Agent), PASSWORD.to_owned()),
        (ACME, "nobody@acme.test".to_owned(), PASSWORD.to_owned()),
        (
            ACME,
            email(ACME, Role::Agent),
            "wrong-password-123".to_owned(),
        ),
    ];
    let mut seen = Vec::new();
    for (workspace, email, password) in attempts {
        let mut browser = app.browser();
        let response = browser.sign_in(workspace, &email, &password).await;
        let page = response.text();
        seen.push((
            response.status_code(),
            html::text(&page, "#sign-in-notice"),
            html::texts(&page, ".field-error"),
            html::input_value(&page, "password").unwrap_or_default(),
        ));
    }
    assert_eq!(seen[0].0, StatusCode::UNAUTHORIZED);
    assert!(!seen[0].1.is_empty());
    assert!(seen.iter().all(|s| *s == seen[0]), "{seen:#?}");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_the_window_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    let agent = email(ACME, Role::Agent);
    for _ in 0..5 {
        let response = app
            .browser()
            .sign_in(ACME, &agent, "wrong-password-123")
            .await;
        assert_eq!(response.status_code(), StatusCode::UNAUTHORIZED);
    }
    let mut browser = app.browser();
    let response = browser.sign_in(ACME, &agent, PASSWORD).await;
    assert_eq!(response.status_code(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.maybe_header("retry-after").is_some());
    assert!(
        html::text(&response.text(), "#sign-in-notice").contains("15"),
        "says how long to wait"
    );
    // Another account is unaffected.
    let response = app
        .browser()
        .sign_in(ACME, &email(ACME, Role::Admin), PASSWORD)
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    app.clock().advance(Duration::minutes(15));
    let response = app.browser().sign_in(ACME, &agent, PASSWORD).await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn twenty_concurrent_wrong_passwords_verify_at_most_five() {
    let app = TestApp::spawn().await;
    let agent = email(ACME, Role::Agent);
    let attempts = (0..20).map(|_| {
        let agent = agent.clone();
        let mut browser = app.browser();
        async move {
            browser
                .sign_in(ACME, &agent, "wrong-password-123")
                .await
                .status_code()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(verified <= 5, "{verified} passwords were checked");
    assert_eq!(verified + throttled, 20, "{statuses:?}");
}

#[tokio::test]
async fn passwords_must_have_12_to_128_characters() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    for (password, ok) in [
        ("x".repeat(11), false),
        ("x".repeat(12), true),
        ("y".repeat(128), true),
        ("z".repeat(129), false),
    ] {
        let mail = format!("p{}@acme.test", password.len());
        let response = admin
            .post_form(
                "/admin/users",
                &[
                    ("name", "P"),
                    ("email", &mail),
                    ("role", "agent"),
                    ("password", &password),
                ],
            )
            .await;
        if ok {
            assert_eq!(
                response.status_code(),
                StatusCode::SEE_OTHER,
                "{} chars",
                password.len()
            );
            let signed = app.browser().sign_in(ACME, &mail, &password).await;
            assert_eq!(signed.status_code(), StatusCode::SEE_OTHER);
        } else {
            assert_eq!(
                response.status_code(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{} chars",
                password.len()
            );
            assert!(html::field_error(&response.text(), "password").is_some());
        }
    }
}

#[tokio::test]
async fn next_only_leads_to_local_pages() {
    let app = TestApp::spawn().await;
    for hostile in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "%2F%2Fevil.example",
    ] {
        let mut browser = app.browser();
        let response = browser
            .sign_in_with_next(ACME, &email(ACME, Role::Agent), PASSWORD, hostile)
            .await;
        assert_redirect(&response, "/cases");
    }
    let mut browser = app.browser();
    let response = browser
        .sign_in_with_next(ACME, &email(ACME, Role::Admin), PASSWORD, "/admin/users")
        .await;
    assert_redirect(&response, "/admin/users");
}

#[tokio::test]
async fn the_sign_in_page_prefills_the_workspace_and_remembers_where_to_return() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    let response = visitor.get("/admin/users").await;
    assert_redirect(&response, "/login?next=%2Fadmin%2Fusers");
    let page = visitor
        .get("/login?workspace=acme&next=%2Fadmin%2Fusers")
        .await
        .text();
    assert_eq!(
        html::form_value(&page, "/login", "workspace").as_deref(),
        Some("acme")
    );
    assert_eq!(
        html::form_value(&page, "/login", "next").as_deref(),
        Some("/admin/users")
    );
}

/// Saves a new priority, which puts a message in the session, and returns
/// the page it leads to.
async fn save_a_priority(admin: &Browser) -> String {
    let response = admin
        .post_form(
            "/admin/priorities",
            &[
                ("name", "Crítica"),
                ("sort_order", "5"),
                ("color", "#7f1d1d"),
            ],
        )
        .await;
    see_other(&response)
}

#[tokio::test]
async fn a_message_shows_on_the_next_page_only() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let list = save_a_priority(&admin).await;
    let page = admin.get(&list).await.text();
    assert!(
        html::text(&page, ".flash-success").contains("Crítica"),
        "no message after saving: {page}"
    );
    let again = admin.get(&list).await.text();
    assert_eq!(html::text(&again, ".flash-success"), "", "shown twice");
}

#[tokio::test]
async fn a_session_rewritten_to_name_another_workspace_opens_nothing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    assert_eq!(agent.get("/cases").await.status_code(), StatusCode::OK);
    let globex: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
        .bind(GLOBEX)
        .fetch_one(&app.pool)
        .await
        .expect("globex");
    sqlx::query(
        "update sessions set data = jsonb_set(data, '{auth,tenant_id}', to_jsonb($1::text))",
    )
    .bind(globex.to_string())
    .execute(&app.pool)
    .await
    .expect("rewrite sessions");
    let response = agent.get("/cases").await;
    assert!(
        location(&response).starts_with("/login"),
        "an ACME user opened a page in GLOBEX: {}",
        response.status_code()
    );
}

/// The same signed-in session in two browsers' hands, one on each of two
/// instances of the service behind a balancer.
async fn one_session_on_two_instances(app: &TestApp, role: Role) -> (Browser, Browser) {
    let mut here = app.browser();
    let response = here.sign_in(ACME, &email(ACME, role), PASSWORD).await;
    let mut there = app.browser_on_another_instance();
    there.server.add_cookie(response.cookie(SESSION_COOKIE));
    there.csrf = here.csrf.clone();
    assert_eq!(here.get("/cases").await.status_code(), StatusCode::OK);
    assert_eq!(there.get("/cases").await.status_code(), StatusCode::OK);
    (here, there)
}

#[tokio::test]
async fn signing_out_on_one_instance_ends_the_session_on_every_other() {
    let app = TestApp::spawn().await;
    let (here, there) = one_session_on_two_instances(&app, Role::Agent).await;
    assert_redirect(&there.post_form("/logout", &[]).await, "/login");
    let response = here.get("/cases").await;
    assert!(
        location(&response).starts_with("/login"),
        "the other instance still served the signed-out session: {}",
        response.status_code()
    );
    assert_eq!(
        here.get("/login").await.status_code(),
        StatusCode::OK,
        "the sign-in page sent a signed-out session back to the app"
    );
}

#[tokio::test]
async fn a_message_taken_on_one_instance_does_not_show_again_on_another() {
    let app = TestApp::spawn().await;
    let (here, there) = one_session_on_two_instances(&app, Role::Admin).await;
    let list = save_a_priority(&here).await;
    let page = there.get(&list).await.text();
    assert!(
        html::text(&page, ".flash-success").contains("Crítica"),
        "the message written on one instance did not reach the other: {page}"
    );
    let again = here.get(&list).await.text();
    assert_eq!(html::text(&again, ".flash-success"), "", "shown twice");
}

#[tokio::test]
async fn activity_on_one_instance_keeps_the_session_alive_on_another() {
    let app = TestApp::spawn().await;
    let (here, there) = one_session_on_two_instances(&app, Role::Agent).await;
    app.clock().advance(Duration::minutes(20));
    assert_eq!(there.get("/cases").await.status_code(), StatusCode::OK);
    app.clock().advance(Duration::minutes(20));
    let response = here.get("/cases").await;
    assert_eq!(
        response.status_code(),
        StatusCode::OK,
        "idle for 20 minutes, yet signed out: {}",
        location(&response)
    );
}
