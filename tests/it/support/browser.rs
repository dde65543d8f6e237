//! A real browser for end-to-end tests: Debian's chromium driven through
//! chromedriver, and the moves every journey makes (signing in, leaving a
//! page, waiting for text, keeping a screenshot under target/e2e/).
//!
//! Without chromium and chromedriver a browser test is skipped with a
//! message, unless ATENDE_E2E=required (as in CI).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::{PASSWORD, email};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Driver(Child);

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

/// A headless browser `width` pixels wide, or `None` when none is installed.
pub async fn start_browser(width: u32) -> Option<(Driver, WebDriver)> {
    start(width, false).await
}

/// A headless browser that shows pages as a phone `width` pixels wide
/// would: a headless window is never narrower than 500 px, so the phone's
/// viewport is emulated.
pub async fn start_phone(width: u32) -> Option<(Driver, WebDriver)> {
    start(width, true).await
}

async fn start(width: u32, phone: bool) -> Option<(Driver, WebDriver)> {
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
        "--lang=pt-BR",
    ] {
        caps.add_arg(arg).expect("arg");
    }
    caps.add_arg(&format!("--window-size={},900", width.max(500)))
        .expect("window size");
    if phone {
        caps.add_experimental_option(
            "mobileEmulation",
            serde_json::json!({
                "deviceMetrics": { "width": width, "height": 800, "pixelRatio": 1, "touch": true }
            }),
        )
        .expect("phone emulation");
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

pub async fn shot(browser: &WebDriver, name: &str) {
    let _ = browser
        .screenshot(&screenshots().join(format!("{name}.png")))
        .await;
}

/// Clicks what leaves the page (a link, a form's button) and waits until
/// the page is gone, so what is looked up next is on the page that follows
/// and not on the one being replaced.
pub async fn leave_with(element: WebElement) -> WebDriverResult<()> {
    element.click().await?;
    element.wait_until().stale().await
}

/// Whether the element at `css` comes to contain `needle` within ten
/// seconds. The element may be the one of the page being left, which a
/// submitted form replaces under our feet: it is looked up again each time.
pub async fn text_comes_to(browser: &WebDriver, css: &str, needle: &str) -> WebDriverResult<bool> {
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

/// Signs in through the sign-in page, as a person would.
pub async fn sign_in(
    browser: &WebDriver,
    base: &str,
    workspace: &str,
    role: Role,
) -> WebDriverResult<()> {
    browser.goto(format!("{base}/login")).await?;
    browser
        .find(By::Css("#f-workspace"))
        .await?
        .send_keys(workspace)
        .await?;
    browser
        .find(By::Css("#f-email"))
        .await?
        .send_keys(email(workspace, role))
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
    .await
}
