//! A real browser closing cases: resolving with the billable time the form
//! fills in (over an hour, "1 h 10 min"), and merging a duplicate through
//! the page that says what the merge will do. Screenshots under target/e2e/.

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::browser::{leave_with, shot, sign_in, start_browser, text_comes_to};
use crate::support::{ACME, Browser, TestApp, see_other};

async fn open_case(agent: &Browser, app: &TestApp, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = uuid::Uuid::now_v7().to_string();
    let response = agent
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_resolves_with_the_prefilled_time_and_merges_after_reading_what_moves() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.serve_http().await;
    let agent = app.signed_in(Role::Agent).await;
    let billed = open_case(&agent, &app, "Manutenção demorada").await;
    let logged = agent
        .upload_form(
            &format!("{billed}/activities"),
            &[
                ("kind", "technician_report"),
                ("description", "Troca da resistência"),
                ("duration", "1 h 10 min"),
                ("billable", "on"),
            ],
        )
        .await;
    see_other(&logged);
    let primary = open_case(&agent, &app, "Balança não pesa").await;
    let duplicate = open_case(&agent, &app, "Balança não pesa (de novo)").await;
    let result = journey(&browser, &base, &billed, &primary, &duplicate).await;
    if result.is_err() {
        shot(&browser, "closing-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the journey completes");
    let (state, minutes): (String, Option<i32>) = sqlx::query_as(
        "select state, resolved_billable_minutes from cases where title = 'Manutenção demorada'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("case");
    assert_eq!((state.as_str(), minutes), ("resolved", Some(70)));
    let merged: String =
        sqlx::query_scalar("select state from cases where title = 'Balança não pesa (de novo)'")
            .fetch_one(&app.pool)
            .await
            .expect("case");
    assert_eq!(merged, "cancelled");
}

async fn journey(
    browser: &WebDriver,
    base: &str,
    billed: &str,
    primary: &str,
    duplicate: &str,
) -> WebDriverResult<()> {
    sign_in(browser, base, ACME, Role::Agent).await?;

    browser.goto(format!("{base}{billed}/resolve")).await?;
    let billable = browser.find(By::Css("#f-billable")).await?;
    assert_eq!(
        billable.value().await?.as_deref(),
        Some("1 h 10 min"),
        "the form starts from the billable time"
    );
    browser
        .find(By::Css("#f-text"))
        .await?
        .send_keys("Resistência trocada; forno aquecendo.")
        .await?;
    shot(browser, "closing-01-resolve").await;
    leave_with(browser.find(By::Css("form button.button-primary")).await?).await?;
    browser
        .query(By::Css("#case-state.badge-case-resolved"))
        .first()
        .await?;

    browser
        .goto(format!("{base}{primary}?tab=relationships"))
        .await?;
    let number = duplicate.trim_start_matches("/cases/");
    browser
        .find(By::Css(format!(
            "#merge input[name=cases][value='{number}']"
        )))
        .await?
        .click()
        .await?;
    leave_with(browser.find(By::Css("#merge button[type=submit]")).await?).await?;
    shot(browser, "closing-02-merge-question").await;
    // The question names what stays and what goes, and says it is final
    // (in the browser's language).
    assert!(
        text_comes_to(browser, "#confirm-items", number).await?,
        "the merged case is named"
    );
    assert!(
        text_comes_to(browser, "#confirm-consequences", number).await?,
        "and what happens to it"
    );
    browser
        .query(By::Css("#confirm-irreversible"))
        .first()
        .await?;
    leave_with(
        browser
            .find(By::Css("#confirm button[type=submit]"))
            .await?,
    )
    .await?;
    assert!(
        text_comes_to(browser, ".flash-success", number).await?,
        "the merge is done"
    );
    assert!(browser.current_url().await?.as_str().ends_with(primary));
    shot(browser, "closing-03-merged").await;
    Ok(())
}
