//! The SLA timers in a real browser: the page's script writes the working
//! time left in the server's words and format, moves it, and says when it
//! is overdue; a paused timer stands still.

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::sla_cases::{configure_sla, open_case, spawn};
use crate::support::ACME;
use crate::support::browser::{shot, sign_in, start_browser, text_comes_to};

const FIRST: &str = "#sla-chips [data-kpi='first_response'] .sla-countdown";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timers_script_counts_working_time_in_the_servers_words() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Leitor fiscal sem resposta").await;
    let base = app.serve_http().await;
    let result = journey(&browser, &base, &path).await;
    if result.is_err() {
        shot(&browser, "sla-timers-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the timers read right");
}

/// The timer's words (in the browser's language) around `time`.
async fn words(browser: &WebDriver, overdue: bool, time: &str) -> WebDriverResult<String> {
    let attr = if overdue {
        "data-overdue-text"
    } else {
        "data-left-text"
    };
    let words = browser.find(By::Css(FIRST)).await?.attr(attr).await?;
    let words = words.unwrap_or_default();
    assert!(words.contains("{}"), "{attr}: {words}");
    Ok(words.replace("{}", time))
}

async fn journey(browser: &WebDriver, base: &str, path: &str) -> WebDriverResult<()> {
    sign_in(browser, base, ACME, Role::Agent).await?;
    browser.goto(format!("{base}{path}")).await?;
    // Due in an hour, less the moment the page took: the script's ticks
    // keep the server's text.
    let drawn = browser.find(By::Css(FIRST)).await?.text().await?;
    assert_eq!(drawn, words(browser, false, "59 min").await?);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        browser.find(By::Css(FIRST)).await?.text().await?,
        drawn,
        "the script writes what the server wrote"
    );
    shot(browser, "sla-timers-case").await;

    // Two minutes and five seconds left: the script writes them its way.
    browser
        .execute(
            "const t = document.querySelector(arguments[0]);
             t.setAttribute('data-left', '125'); t.atendeSeen = Date.now();",
            vec![serde_json::json!(FIRST)],
        )
        .await?;
    let two = words(browser, false, "2 min").await?;
    assert!(text_comes_to(browser, FIRST, &two).await?, "{two}");

    // Past the deadline by a minute and a bit: overdue, in the same words
    // as the server's.
    browser
        .execute(
            "const t = document.querySelector(arguments[0]);
             t.setAttribute('data-left', '-65'); t.atendeSeen = Date.now();",
            vec![serde_json::json!(FIRST)],
        )
        .await?;
    let late = words(browser, true, "1 min").await?;
    assert!(text_comes_to(browser, FIRST, &late).await?, "{late}");
    let class = browser
        .find(By::Css(FIRST))
        .await?
        .attr("class")
        .await?
        .unwrap_or_default();
    assert!(class.contains("is-overdue"), "{class}");

    // Outside working time nothing moves: what is left stays as drawn.
    browser
        .execute(
            "const t = document.querySelector(arguments[0]);
             t.setAttribute('data-left', '600'); t.setAttribute('data-runs', '0');
             t.atendeSeen = Date.now() - 120000;",
            vec![serde_json::json!(FIRST)],
        )
        .await?;
    let ten = words(browser, false, "10 min").await?;
    assert!(text_comes_to(browser, FIRST, &ten).await?, "{ten}");
    Ok(())
}
