//! A real browser reading a customer's history: the older entries come in
//! place, under the ones already read, without leaving the page.

use std::time::Duration;

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::browser::{shot, sign_in, start_browser};
use crate::support::{ACME, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_history_entries_are_appended_in_place_in_a_real_browser() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    sqlx::query(
        "insert into case_events (tenant_id, id, case_id, at, kind, body, is_public)
         select c.tenant_id, gen_random_uuid(), c.id, now() - make_interval(mins => g), 'note',
                'Relato ' || g, g % 2 = 0
           from (select * from cases where customer_id = $1 limit 1) c, generate_series(1, 70) g",
    )
    .bind(account)
    .execute(&app.pool)
    .await
    .expect("notes");
    let base = app.serve_http().await;
    let result = journey(&browser, &base, account).await;
    if result.is_err() {
        shot(&browser, "history-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the older entries come in place");
}

async fn entries(browser: &WebDriver) -> WebDriverResult<usize> {
    Ok(browser
        .find_all(By::Css("#history li.history-entry"))
        .await?
        .len())
}

/// Waits up to ten seconds for the list to hold `count` entries.
async fn comes_to(browser: &WebDriver, count: usize) -> WebDriverResult<bool> {
    for _ in 0..100 {
        if entries(browser).await? == count {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

async fn journey(browser: &WebDriver, base: &str, account: uuid::Uuid) -> WebDriverResult<()> {
    sign_in(browser, base, ACME, Role::Agent).await?;
    let page = format!("{base}/customers/{account}/history");
    browser.goto(&page).await?;
    assert_eq!(entries(browser).await?, 30);
    // Two fixture cases and seventy notes: 72 entries, three pages.
    browser
        .find(By::Css("#history li.history-more a"))
        .await?
        .click()
        .await?;
    assert!(comes_to(browser, 60).await?, "the second page is appended");
    assert_eq!(
        browser.current_url().await?.as_str(),
        page,
        "still the same page"
    );
    shot(browser, "customer-history").await;
    browser
        .find(By::Css("#history li.history-more a"))
        .await?
        .click()
        .await?;
    assert!(comes_to(browser, 72).await?, "the last page is appended");
    assert!(
        browser
            .find_all(By::Css("#history li.history-more"))
            .await?
            .is_empty(),
        "nothing older to ask for"
    );
    Ok(())
}
