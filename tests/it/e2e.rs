//! A real browser through the agent's day: sign in, open a case for a
//! customer found by typing part of the name, note it, log a 15-minute call,
//! resolve it and find it among the resolved. Screenshots of the main pages
//! are kept under target/e2e/.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test is
//! skipped with a message, unless ATENDE_E2E=required (as in CI).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::{ACME, PASSWORD, TestApp, email};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("e2e");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn start_browser() -> Option<(Driver, WebDriver)> {
    let required = std::env::var("ATENDE_E2E").is_ok_and(|v| v == "required");
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        assert!(
            !required,
            "ATENDE_E2E=required but chromium/chromedriver are missing"
        );
        eprintln!(
            "skipping the browser test: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).expect("binary");
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,900",
        "--lang=pt-BR",
    ] {
        caps.add_arg(arg).expect("arg");
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.keep().display()))
        .expect("profile");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(browser) = WebDriver::new(&url, caps.clone()).await {
            return Some((driver, browser));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not answer");
}

async fn shot(browser: &WebDriver, name: &str) {
    let _ = browser
        .screenshot(&screenshots().join(format!("{name}.png")))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_opens_works_and_resolves_a_case_in_a_real_browser() {
    let Some((_driver, browser)) = start_browser().await else {
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
    let _ = Role::Agent;
}

/// Clicks what leaves the page (a link, a form's button) and waits until
/// the page is gone, so what is looked up next is on the page that follows
/// and not on the one being replaced.
async fn leave_with(element: WebElement) -> WebDriverResult<()> {
    element.click().await?;
    element.wait_until().stale().await
}

/// Whether the element at `css` comes to contain `needle` within ten
/// seconds. The element may be the one of the page being left, which a
/// submitted form replaces under our feet: it is looked up again each time.
async fn text_comes_to(browser: &WebDriver, css: &str, needle: &str) -> WebDriverResult<bool> {
    use thirtyfour::error::WebDriverErrorInner::{NoSuchElement, StaleElementReference};
    for _ in 0..100 {
        let text = match browser.find(By::Css(css)).await {
            Ok(element) => element.text().await,
            Err(err) => Err(err),
        };
        match text {
            Ok(text) if text.contains(needle) => return Ok(true),
            Ok(_) => {}
            Err(err) if matches!(&*err, NoSuchElement(_) | StaleElementReference(_)) => {}
            Err(err) => return Err(err),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

async fn journey(browser: &WebDriver, base: &str) -> WebDriverResult<()> {
    browser.goto(format!("{base}/login")).await?;
    shot(browser, "01-login").await;
    browser
        .find(By::Css("#f-workspace"))
        .await?
        .send_keys(ACME)
        .await?;
    browser
        .find(By::Css("#f-email"))
        .await?
        .send_keys(email(ACME, Role::Agent))
        .await?;
    browser
        .find(By::Css("#f-password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    leave_with(
        browser
            .find(By::Css("form[action='/login'] button[type=submit]"))
            .await?,
    )
    .await?;
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
