//! The client's address behind a load balancer: taken from the proxy's
//! headers only when the proxy is trusted, so people behind one balancer
//! each have their own sign-in budget and nobody can choose their address.

use std::net::SocketAddr;

use axum::Extension;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum_test::TestServer;

use crate::support::{ACME, TestApp, html};

/// More than the per-address burst of sign-in attempts.
const FLOOD: usize = 35;

/// A browser whose every connection comes from `peer`.
fn browser_from(app: &TestApp, peer: &str) -> TestServer {
    let peer: SocketAddr = peer.parse().expect("socket address");
    TestServer::builder()
        .save_cookies()
        .build(app.router().layer(Extension(ConnectInfo(peer))))
}

/// Sign-in attempts for accounts that do not exist (so no account's own
/// limit applies), all claiming to come from `forwarded_for`.
async fn sign_in_attempts(
    server: &TestServer,
    forwarded_for: &str,
    count: usize,
) -> Vec<StatusCode> {
    let page = server.get("/login").await;
    let token = html::csrf_token(&page.text()).expect("token");
    let mut statuses = Vec::new();
    for attempt in 0..count {
        let email = format!("nobody-{forwarded_for}-{attempt}@acme.test");
        let response = server
            .post("/login")
            .add_header("x-forwarded-for", forwarded_for)
            .form(&[
                ("csrf_token", token.as_str()),
                ("workspace", ACME),
                ("email", email.as_str()),
                ("password", "wrong-password-123"),
            ])
            .await;
        statuses.push(response.status_code());
    }
    statuses
}

fn throttled(statuses: &[StatusCode]) -> usize {
    statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_person_has_their_own_sign_in_budget() {
    let app = TestApp::spawn_with(|config| {
        config.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")];
    })
    .await;
    let through_the_balancer = browser_from(&app, "10.0.0.2:40000");
    let flood = sign_in_attempts(&through_the_balancer, "203.0.113.1", FLOOD).await;
    assert!(throttled(&flood) > 0, "one address is limited: {flood:?}");
    let colleague = sign_in_attempts(&through_the_balancer, "203.0.113.2", 3).await;
    assert_eq!(
        colleague,
        vec![StatusCode::UNAUTHORIZED; 3],
        "a colleague behind the same balancer still signs in"
    );
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address_with_a_forwarded_header() {
    let app = TestApp::spawn_with(|config| {
        config.trusted_proxies = vec!["10.0.0.0/8".parse().expect("net")];
    })
    .await;
    let attacker = browser_from(&app, "198.51.100.7:40000");
    let mut statuses = Vec::new();
    for round in 0..FLOOD {
        let forged = format!("203.0.113.{round}");
        statuses.extend(sign_in_attempts(&attacker, &forged, 1).await);
    }
    assert!(
        throttled(&statuses) > 0,
        "a new forged address per attempt does not escape the limit: {statuses:?}"
    );
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_headers_are_ignored() {
    let app = TestApp::spawn().await;
    let proxy = browser_from(&app, "10.0.0.2:40000");
    let flood = sign_in_attempts(&proxy, "203.0.113.1", FLOOD).await;
    assert!(throttled(&flood) > 0, "{flood:?}");
    let other = sign_in_attempts(&proxy, "203.0.113.2", 1).await;
    assert_eq!(
        other,
        vec![StatusCode::TOO_MANY_REQUESTS],
        "the header names no one when the peer is not trusted"
    );
}
