//! Assigning cases in bulk from a view: the message says what happened,
//! and nothing chosen changes nothing.

use atende::users::model::Role;

use crate::support::{ACME, Browser, TestApp, html, location, see_other};

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

/// Assignment entries on every timeline, and the cases' last change.
async fn assignments(app: &TestApp) -> (i64, i64) {
    (
        app.count("select count(*) from case_events where kind = 'assignment'")
            .await,
        app.count("select count(*) from cases where owner_user_id is not null")
            .await,
    )
}

async fn flash(browser: &Browser, response: &axum_test::TestResponse) -> (String, String) {
    let page = browser.get(&location(response)).await.text();
    (
        html::text(&page, ".flash-error"),
        html::text(&page, ".flash-success, .flash-info"),
    )
}

#[tokio::test]
async fn assigning_with_no_case_selected_says_so_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    open_case(&agent, &app, "Ninguém escolheu").await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    let before = assignments(&app).await;

    let response = supervisor
        .post_form(
            "/cases/assign",
            &[
                ("owner", &format!("user:{agent_id}")),
                ("next", "/cases?view=active"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/cases?view=active");
    let (error, success) = flash(&supervisor, &response).await;
    assert_eq!(
        error,
        "Nenhum caso selecionado: marque os casos que quer atribuir."
    );
    assert!(success.is_empty(), "{success}");
    assert!(!error.contains("1 caso"), "{error}");
    assert_eq!(assignments(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn assigning_cases_that_already_have_that_owner_says_none_was_assigned() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Já é dele").await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let owner = format!("user:{}", app.user_id(ACME, Role::Agent).await);
    let number = path.trim_start_matches("/cases/");
    let assign = |owner: String| {
        let supervisor = &supervisor;
        async move {
            supervisor
                .post_form("/cases/assign", &[("cases", number), ("owner", &owner)])
                .await
        }
    };

    let first = assign(owner.clone()).await;
    assert_eq!(flash(&supervisor, &first).await.1, "1 caso atribuído.");
    let before = assignments(&app).await;
    let again = assign(owner).await;
    let (error, said) = flash(&supervisor, &again).await;
    assert!(error.is_empty(), "{error}");
    assert!(said.starts_with("Nenhum caso atribuído"), "{said}");
    assert_eq!(assignments(&app).await, before);
}
