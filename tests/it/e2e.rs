//! A real browser through the agent's day: sign in, open a case for a
//! customer found by typing part of the name, note it, log a 15-minute call,
//! resolve it and find it among the resolved. Screenshots of the main pages
//! are kept under target/e2e/.

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::browser::{leave_with, shot, sign_in, start_browser, text_comes_to};
use crate::support::{ACME, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_opens_works_and_resolves_a_case_in_a_real_browser() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.serve_http().await;
    let result = journey(&browser, &base).await;
    if result.is_err() {
        shot(&browser, "failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the journey completes");
}

async fn journey(browser: &WebDriver, base: &str) -> WebDriverResult<()> {
    browser.goto(format!("{base}/login")).await?;
    shot(browser, "01-login").await;
    sign_in(browser, base, ACME, Role::Agent).await?;
    browser.query(By::Css("table#cases")).first().await?;
    shot(browser, "02-my-cases").await;

    browser.goto(format!("{base}/cases/new")).await?;
    browser
        .find(By::Css("#f-title"))
        .await?
        .send_keys("Forno não liga desde ontem")
        .await?;
    browser
        .find(By::Css("#customer-q"))
        .await?
        .send_keys("padaria joão")
        .await?;
    let option = browser
        .query(By::Css("#customer-results .picker-option"))
        .first()
        .await?;
    option.click().await?;
    browser
        .query(By::Css(".picker-chosen .customer-card-name"))
        .first()
        .await?;
    browser
        .find(By::Css("#f-description"))
        .await?
        .send_keys("Cliente relata que o forno não liga.")
        .await?;
    shot(browser, "03-new-case").await;
    leave_with(
        browser
            .find(By::Css(".sticky-actions button[type=submit]"))
            .await?,
    )
    .await?;
    let title = browser.query(By::Css(".case-header h1")).first().await?;
    assert_eq!(title.text().await?, "Forno não liga desde ontem");
    let case_url = browser.current_url().await?.to_string();

    browser
        .find(By::Css("#f-body"))
        .await?
        .send_keys("Orientado a verificar o disjuntor.")
        .await?;
    leave_with(
        browser
            .find(By::Css("#note-form button[type=submit]"))
            .await?,
    )
    .await?;
    browser
        .query(By::Css("#timeline .event-note"))
        .first()
        .await?;

    browser.goto(format!("{case_url}?tab=activities")).await?;
    browser
        .find(By::Css("#activity-form #f-description"))
        .await?
        .send_keys("Ligação de retorno ao cliente")
        .await?;
    let duration = browser.find(By::Css("#activity-form #f-duration")).await?;
    duration.clear().await?;
    duration.send_keys("15").await?;
    leave_with(
        browser
            .find(By::Css("#activity-form button[type=submit]"))
            .await?,
    )
    .await?;
    assert!(
        text_comes_to(browser, "#case-time", "15 min").await?,
        "the call's time counts"
    );
    shot(browser, "04-case").await;

    leave_with(
        browser
            .find(By::Css(".commands a[href$='/resolve']"))
            .await?,
    )
    .await?;
    browser
        .find(By::Css("#f-text"))
        .await?
        .send_keys("Disjuntor religado; forno funcionando.")
        .await?;
    leave_with(browser.find(By::Css("form button.button-primary")).await?).await?;
    browser
        .query(By::Css("#case-state.badge-case-resolved"))
        .first()
        .await?;

    browser.goto(format!("{base}/cases?view=resolved")).await?;
    let found = browser
        .query(By::Css("#cases .case-title"))
        .with_text("Forno não liga desde ontem")
        .first()
        .await?;
    assert!(found.is_displayed().await?);
    shot(browser, "05-resolved").await;
    Ok(())
}
