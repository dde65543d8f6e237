//! Admins keep the workspace's users: create, change role, deactivate.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, TestApp, assert_redirect, html};

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/users",
            &[
                ("name", "Joana Prado"),
                ("email", "Joana@ACME.test"),
                ("role", "supervisor"),
                ("password", "joana-password-1"),
            ],
        )
        .await;
    assert_redirect(&response, "/admin/users");
    let list = admin.get("/admin/users").await.text();
    assert!(html::texts(&list, "table.data td").contains(&"joana@acme.test".to_owned()));
    assert!(html::text(&list, ".flash-success").contains("Joana Prado"));
    let mut joana = app.browser();
    let response = joana
        .sign_in(ACME, "joana@acme.test", "joana-password-1")
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    assert_eq!(
        joana.get("/dashboard").await.status_code(),
        StatusCode::OK,
        "supervisor sees the dashboard"
    );
}

#[tokio::test]
async fn a_taken_email_is_a_field_error_with_the_form_kept() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/users",
            &[
                ("name", "Outro Agente"),
                ("email", "agent@acme.test"),
                ("role", "agent"),
                ("password", "another-password"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(html::field_error(&page, "email").is_some());
    assert_eq!(
        html::input_value(&page, "name").as_deref(),
        Some("Outro Agente")
    );
    assert_eq!(
        html::input_value(&page, "password").as_deref(),
        Some(""),
        "passwords are never echoed"
    );
}

#[tokio::test]
async fn the_last_admin_can_be_neither_demoted_nor_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let admin_id = app.user_id(ACME, Role::Admin).await;
    let supervisor_id = app.user_id(ACME, Role::Supervisor).await;
    let response = admin
        .post_form(
            &format!("/admin/users/{admin_id}/role"),
            &[("role", "agent")],
        )
        .await;
    assert_redirect(&response, &format!("/admin/users/{admin_id}"));
    let page = admin.get(&format!("/admin/users/{admin_id}")).await.text();
    assert!(
        !html::text(&page, ".flash-error").is_empty(),
        "the refusal is explained"
    );
    let role: String = sqlx::query_scalar("select role from users where id = $1")
        .bind(admin_id)
        .fetch_one(&app.pool)
        .await
        .expect("role");
    assert_eq!(role, "admin");

    // With a second admin, the first may step down.
    admin
        .post_form(
            &format!("/admin/users/{supervisor_id}/role"),
            &[("role", "admin")],
        )
        .await;
    admin
        .post_form(
            &format!("/admin/users/{admin_id}/role"),
            &[("role", "agent")],
        )
        .await;
    let role: String = sqlx::query_scalar("select role from users where id = $1")
        .bind(admin_id)
        .fetch_one(&app.pool)
        .await
        .expect("role");
    assert_eq!(role, "agent");
}

#[tokio::test]
async fn concurrent_demotions_of_two_admins_leave_one_admin() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let admin_id = app.user_id(ACME, Role::Admin).await;
    let supervisor_id = app.user_id(ACME, Role::Supervisor).await;
    admin
        .post_form(
            &format!("/admin/users/{supervisor_id}/role"),
            &[("role", "admin")],
        )
        .await;
    let (first, second) = (
        format!("/admin/users/{admin_id}/role"),
        format!("/admin/users/{supervisor_id}/role"),
    );
    let (a, b) = tokio::join!(
        admin.post_form(&first, &[("role", "agent")]),
        admin.post_form(&second, &[("role", "agent")]),
    );
    // Whichever request runs second may find its author already demoted (403)
    // or be refused by the last-admin rule; either way one admin must remain.
    for status in [a.status_code(), b.status_code()] {
        assert!(
            matches!(status, StatusCode::SEE_OTHER | StatusCode::FORBIDDEN),
            "{status}"
        );
    }
    let admins: i64 = sqlx::query_scalar("select count(*) from users u join tenants t on t.id = u.tenant_id where t.slug = 'acme' and role = 'admin' and active")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn a_deactivated_user_can_be_reactivated() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    admin
        .post_form(&format!("/admin/users/{agent_id}/deactivate"), &[])
        .await;
    let page = admin.get("/admin/users").await.text();
    assert_eq!(html::texts(&page, "tr.inactive").len(), 1);
    admin
        .post_form(&format!("/admin/users/{agent_id}/reactivate"), &[])
        .await;
    let response = app
        .browser()
        .sign_in(ACME, "agent@acme.test", crate::support::PASSWORD)
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_admin_cannot_deactivate_themselves() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let supervisor_id = app.user_id(ACME, Role::Supervisor).await;
    admin
        .post_form(
            &format!("/admin/users/{supervisor_id}/role"),
            &[("role", "admin")],
        )
        .await;
    let admin_id = app.user_id(ACME, Role::Admin).await;
    admin
        .post_form(&format!("/admin/users/{admin_id}/deactivate"), &[])
        .await;
    let active: bool = sqlx::query_scalar("select active from users where id = $1")
        .bind(admin_id)
        .fetch_one(&app.pool)
        .await
        .expect("active");
    assert!(active);
}
