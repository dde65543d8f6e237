//! The interface speaks pt-BR, English and Galician: chosen by the user,
//! else the browser, else the workspace.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, GLOBEX, TestApp, html};

#[tokio::test]
async fn the_sign_in_page_follows_accept_language_and_defaults_to_portuguese() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for (header, lang, heading) in [
        (None, "pt-BR", "Entrar no Atende"),
        (Some("gl-ES,gl;q=0.9"), "gl", "Entrar en Atende"),
        (Some("en-US,en;q=0.9,pt;q=0.5"), "en", "Sign in to Atende"),
        (
            Some("fr-FR,pt-BR;q=0.8,en;q=0.5"),
            "pt-BR",
            "Entrar no Atende",
        ),
    ] {
        let mut request = browser.server.get("/login");
        if let Some(value) = header {
            request = request.add_header("accept-language", value);
        }
        let page = request.await.text();
        assert_eq!(html::lang(&page), lang, "{header:?}");
        assert_eq!(html::text(&page, "h1"), heading, "{header:?}");
    }
}

#[tokio::test]
async fn a_signed_in_user_without_preference_gets_the_browser_language_then_the_workspace_default()
{
    let app = TestApp::spawn().await;
    let galician = app.signed_in_to(GLOBEX, Role::Agent).await;
    let page = galician.get("/cases").await.text();
    assert_eq!(html::lang(&page), "gl", "workspace default");
    let page = galician
        .server
        .get("/cases")
        .add_header("accept-language", "en")
        .await
        .text();
    assert_eq!(html::lang(&page), "en", "browser beats workspace");
}

#[tokio::test]
async fn the_users_choice_beats_the_browser_and_persists_across_sessions() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent
        .post_form("/language", &[("lang", "gl"), ("next", "/cases")])
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let page = agent
        .server
        .get("/cases")
        .add_header("accept-language", "en")
        .await
        .text();
    assert_eq!(html::lang(&page), "gl");
    assert_eq!(html::text(&page, "nav a[href='/knowledge']"), "Coñecemento");
    let fresh = app.signed_in(Role::Agent).await;
    let page = fresh
        .server
        .get("/cases")
        .add_header("accept-language", "en")
        .await
        .text();
    assert_eq!(html::lang(&page), "gl", "stored on the user");
}

#[tokio::test]
async fn error_pages_speak_the_visitors_language() {
    let app = TestApp::spawn().await;
    let response = app
        .browser()
        .server
        .get("/nowhere")
        .add_header("accept-language", "en")
        .await;
    assert_eq!(response.status_code(), StatusCode::NOT_FOUND);
    assert_eq!(html::text(&response.text(), "h1"), "Page not found");
    let agent = app.signed_in_to(ACME, Role::Agent).await;
    let page = agent.get("/admin").await.text();
    assert_eq!(html::lang(&page), "pt-BR");
    assert_eq!(html::text(&page, "h1"), "Sem permissão");
}
