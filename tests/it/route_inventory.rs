//! Every route is declared with an access class; these tests walk the whole
//! table and hold each route to its class.

use atende::app;
use atende::users::model::Role;
use atende::web::routes::{Access, ObjectKind, Route};
use axum::http::{Method, StatusCode};

use crate::support::{ACME, GLOBEX, TestApp};

/// The concrete path of a route: tenant objects are filled with a record of `workspace`.
async fn concrete_path(app: &TestApp, route: &Route, workspace: &str) -> String {
    match route.access {
        Access::TenantObject(_, ObjectKind::Row(table)) => {
            let id = app.any_row(table, workspace).await;
            route.path.replace("{id}", &id.to_string())
        }
        Access::TenantObject(_, ObjectKind::Case) => {
            let number = app.any_case_number(workspace).await;
            route.path.replace("{number}", &number)
        }
        _ => route.path.to_owned(),
    }
}

#[test]
fn every_route_with_a_path_parameter_is_a_tenant_object() {
    for route in app::routes() {
        if route.path.contains('{') {
            assert!(
                matches!(route.access, Access::TenantObject(..)),
                "{} {} takes a record from the path but is classed {:?}",
                route.method,
                route.path,
                route.access
            );
        }
    }
}

#[test]
fn routes_are_declared_once() {
    let mut seen = std::collections::HashSet::new();
    for route in app::routes() {
        assert!(
            seen.insert((route.method.clone(), route.path)),
            "{} {} declared twice",
            route.method,
            route.path
        );
    }
}

#[tokio::test]
async fn state_changes_without_a_valid_csrf_token_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let other = app.signed_in(Role::Admin).await;
    let foreign_token = other.csrf.clone().expect("token");
    let own_token = admin.csrf.clone().expect("token");
    assert_ne!(foreign_token, own_token, "each session has its own token");
    for route in app::routes().iter().filter(|r| r.is_state_changing()) {
        let path = concrete_path(&app, route, ACME).await;
        let before = app.fingerprint().await;
        let fields = [
            ("role", "agent"),
            ("name", "X"),
            ("lang", "en"),
            ("workspace", ACME),
        ];
        let attempts = [
            ("no token", admin.post_raw(&path, &fields).await),
            (
                "another session's token",
                admin
                    .post_raw(
                        &path,
                        &[&[("csrf_token", foreign_token.as_str())][..], &fields[..]].concat(),
                    )
                    .await,
            ),
            (
                "token in the query string",
                admin
                    .post_raw(&format!("{path}?csrf_token={own_token}"), &fields)
                    .await,
            ),
        ];
        for (what, response) in attempts {
            assert_eq!(
                response.status_code(),
                StatusCode::FORBIDDEN,
                "{} {path} with {what}",
                route.method
            );
        }
        assert_eq!(
            before,
            app.fingerprint().await,
            "{} {path} wrote despite the refusal",
            route.method
        );
    }
}

#[tokio::test]
async fn another_workspace_gets_404_for_every_tenant_object_on_every_verb() {
    let app = TestApp::spawn().await;
    let outsider = app.signed_in_to(GLOBEX, Role::Admin).await;
    for route in app::routes() {
        let Access::TenantObject(..) = route.access else {
            continue;
        };
        let path = concrete_path(&app, &route, ACME).await;
        let response = if route.method == Method::GET {
            outsider.get(&path).await
        } else {
            outsider.post_form(&path, &[("role", "agent")]).await
        };
        assert_eq!(
            response.status_code(),
            StatusCode::NOT_FOUND,
            "{} {path}",
            route.method
        );
    }
}

#[tokio::test]
async fn agents_get_403_on_supervisor_and_admin_routes() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let before = app.fingerprint().await;
    for route in app::routes() {
        let needed = match route.access {
            Access::Role(role) | Access::TenantObject(role, _) => role,
            _ => continue,
        };
        let path = concrete_path(&app, &route, ACME).await;
        for (role, browser) in [(Role::Agent, &agent), (Role::Supervisor, &supervisor)] {
            if role >= needed {
                continue;
            }
            let response = if route.method == Method::GET {
                browser.get(&path).await
            } else {
                browser.post_form(&path, &[("role", "admin")]).await
            };
            assert_eq!(
                response.status_code(),
                StatusCode::FORBIDDEN,
                "{role} on {} {path}",
                route.method
            );
        }
    }
    assert_eq!(before, app.fingerprint().await, "a refused request wrote");
}

#[tokio::test]
async fn signed_in_pages_send_visitors_to_sign_in() {
    let app = TestApp::spawn().await;
    let visitor = app.browser();
    for route in app::routes() {
        if route.access == Access::Public || route.method != Method::GET {
            continue;
        }
        let path = concrete_path(&app, &route, ACME).await;
        let response = visitor.get(&path).await;
        assert_eq!(response.status_code(), StatusCode::SEE_OTHER, "GET {path}");
        let location = crate::support::location(&response);
        assert!(
            location.starts_with("/login?next="),
            "GET {path} went to {location}"
        );
    }
}
