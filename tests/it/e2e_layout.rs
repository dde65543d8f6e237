//! Pages fit their screen. On a phone (360 and 390 px) every page of the
//! route table, as the admin sees it in the demo workspace, fits without
//! scrolling the page sideways (a wide table may scroll inside its own box),
//! and the compact menu reaches every section. At 1280 px the case list
//! fits too. Screenshots of the case page and the case list on a phone are
//! kept under target/e2e/.

use atende::app;
use atende::web::routes::{Access, ObjectKind};
use axum::http::Method;
use thirtyfour::prelude::*;

use crate::support::TestApp;
use crate::support::browser::{leave_with, shot, start_browser, start_phone};

const DEMO: &str = "demo";

/// What reaches past the right edge of the page, or `None` when the page
/// fits. Culprits inside a box that scrolls or clips (a table's wrapper)
/// are that box's business, not the page's.
const OVERFLOW: &str = r#"
const d = document.documentElement;
if (d.scrollWidth <= d.clientWidth) return null;
const culprits = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el.getBoundingClientRect().right <= d.clientWidth + 0.5) continue;
  let p = el.parentElement, boxed = false;
  while (p && p !== document.body) {
    if (getComputedStyle(p).overflowX !== 'visible') { boxed = true; break; }
    p = p.parentElement;
  }
  if (boxed) continue;
  const cls = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\s+/).join('.') : '';
  culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls);
  if (culprits.length >= 6) break;
}
return d.scrollWidth + 'px in ' + d.clientWidth + 'px: ' + culprits.join(', ');
"#;

async fn overflow(browser: &WebDriver) -> WebDriverResult<Option<String>> {
    let ret = browser.execute(OVERFLOW, Vec::new()).await?;
    Ok(ret.json().as_str().map(str::to_owned))
}

async fn sign_in_demo(browser: &WebDriver, base: &str, email: &str) -> WebDriverResult<()> {
    browser.goto(format!("{base}/login")).await?;
    for (field, value) in [
        ("#f-workspace", DEMO),
        ("#f-email", email),
        ("#f-password", "demo-password"),
    ] {
        browser.find(By::Css(field)).await?.send_keys(value).await?;
    }
    leave_with(
        browser
            .find(By::Css("form[action='/login'] button[type=submit]"))
            .await?,
    )
    .await
}

/// A case of the demo workspace as busy as they come: active, owned, with
/// a running SLA timer (chips, commands and the assign box all shown).
async fn busy_case(app: &TestApp) -> String {
    let number: i64 = sqlx::query_scalar(
        "select c.number from cases c join tenants t on t.id = c.tenant_id
          where t.slug = $1 and c.state = 'active' and c.owner_user_id is not null
          order by (c.sla_timer_deadline is null), c.number limit 1",
    )
    .bind(DEMO)
    .fetch_one(&app.pool)
    .await
    .expect("an active demo case");
    format!("CAS-{number:06}")
}

async fn some_row(app: &TestApp, table: &str) -> Option<uuid::Uuid> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select r.id from {table} r join tenants t on t.id = r.tenant_id
          where t.slug = $1 order by r.id limit 1"
    )))
    .bind(DEMO)
    .fetch_optional(&app.pool)
    .await
    .expect("look up a record")
}

async fn one(app: &TestApp, sql: &str) -> String {
    let id: uuid::Uuid = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(DEMO)
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    id.to_string()
}

/// Every page a signed-in admin can open: each GET route of the table (a
/// record of the demo workspace in its path), every case view, and the
/// records whose pages hold the most.
async fn every_page(app: &TestApp) -> Vec<String> {
    let case = busy_case(app).await;
    let mut paths = Vec::new();
    for route in app::routes() {
        if route.method != Method::GET || route.access == Access::Public {
            continue;
        }
        let path = match route.access {
            Access::TenantObject(_, ObjectKind::Row(table)) => {
                // The demo holds no attachment (a download, not a page).
                let Some(id) = some_row(app, table).await else {
                    continue;
                };
                route.path.replace("{id}", &id.to_string())
            }
            Access::TenantObject(_, ObjectKind::Case) => route.path.replace("{number}", &case),
            _ => route.path.to_owned(),
        };
        paths.push(path);
    }
    for view in atende::cases::views::View::ALL {
        paths.push(format!("/cases?view={}", view.as_str()));
    }
    paths.push("/cases?view=active&chart=owner".to_owned());
    paths.push("/cases/CAS-000001".to_owned());
    for tab in ["details", "relationships", "activities", "sla"] {
        paths.push(format!("/cases/{case}?tab={tab}"));
    }
    let ledger = "select e.id from entitlements e join tenants t on t.id = e.tenant_id
         where t.slug = $1
         order by (select count(*) from entitlement_ledger l where l.entitlement_id = e.id) desc
         limit 1";
    paths.push(format!("/admin/entitlements/{}", one(app, ledger).await));
    let item = "select i.sla_id from sla_items i join tenants t on t.id = i.tenant_id
         where t.slug = $1 limit 1";
    let sla = one(app, item).await;
    let item = one(
        app,
        "select i.id from sla_items i join tenants t on t.id = i.tenant_id
          where t.slug = $1 order by i.id limit 1",
    )
    .await;
    paths.push(format!("/admin/sla/{sla}/items/edit?item={item}"));
    // The customer with the longest e-mail address, which must wrap.
    let long_contact =
        "select e.customer_id from customer_econtacts e join tenants t on t.id = e.tenant_id
         where t.slug = $1 order by length(e.value) desc limit 1";
    paths.push(format!("/customers/{}", one(app, long_contact).await));
    paths
}

/// Whether the page at `path` is a page a browser shows (not a download,
/// not a fragment only htmx asks for, not an error).
async fn is_a_page(admin: &crate::support::Browser, path: &str) -> bool {
    let response = admin.get(path).await;
    response.status_code().is_success()
        && response
            .maybe_header("content-type")
            .is_some_and(|t| t.to_str().unwrap_or_default().starts_with("text/html"))
        && response.text().contains("<html")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_without_scrolling_sideways() {
    let app = TestApp::spawn().await;
    atende::seed::demo(&app.pool).await.expect("demo data");
    let mut admin = app.browser();
    admin
        .sign_in(DEMO, "admin@demo.test", "demo-password")
        .await;
    let mut pages = Vec::new();
    for path in every_page(&app).await {
        if is_a_page(&admin, &path).await {
            pages.push(path);
        }
    }
    assert!(pages.len() > 40, "only {} pages walked", pages.len());
    let base = app.serve_http().await;
    let case = busy_case(&app).await;
    let mut too_wide = Vec::new();
    for width in [360, 390] {
        let Some((_driver, browser)) = start_phone(width).await else {
            return;
        };
        sign_in_demo(&browser, &base, "admin@demo.test")
            .await
            .expect("sign in");
        for path in &pages {
            browser.goto(format!("{base}{path}")).await.expect("open");
            if let Some(what) = overflow(&browser).await.expect("measure") {
                too_wide.push(format!("{path} at {width} px: {what}"));
            }
        }
        if width == 390 {
            browser
                .goto(format!("{base}/cases/{case}"))
                .await
                .expect("case");
            shot(&browser, "case-390").await;
            browser
                .goto(format!("{base}/cases?view=active"))
                .await
                .expect("list");
            shot(&browser, "cases-390").await;
        }
        browser.quit().await.expect("quit");
    }
    assert!(
        too_wide.is_empty(),
        "pages wider than the phone:\n{}",
        too_wide.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_menu_reaches_every_section() {
    let Some((_driver, browser)) = start_phone(360).await else {
        return;
    };
    let app = TestApp::spawn().await;
    atende::seed::demo(&app.pool).await.expect("demo data");
    let base = app.serve_http().await;
    let result = async {
        sign_in_demo(&browser, &base, "admin@demo.test").await?;
        browser.goto(format!("{base}/cases")).await?;
        browser.find(By::Css(".navmenu > summary")).await?.click().await?;
        let mut reached = Vec::new();
        for link in browser.find_all(By::Css(".navmenu a")).await? {
            let inside: bool = browser
                .execute(
                    "const r = arguments[0].getBoundingClientRect();
                     return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;",
                    vec![link.to_json()?],
                )
                .await?
                .convert()?;
            if inside && link.is_displayed().await? {
                reached.push(link.attr("href").await?.unwrap_or_default());
            }
        }
        shot(&browser, "menu-360").await;
        WebDriverResult::Ok(reached)
    }
    .await;
    browser.quit().await.expect("quit");
    let reached = result.expect("the menu opens");
    for section in [
        "/cases",
        "/customers",
        "/queues",
        "/knowledge",
        "/dashboard",
        "/admin",
    ] {
        assert!(
            reached.iter().any(|href| href == section),
            "{section} is not reachable from the phone's menu: {reached:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_list_fits_1280_px_without_scrolling_sideways() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    atende::seed::demo(&app.pool).await.expect("demo data");
    let base = app.serve_http().await;
    let result = async {
        sign_in_demo(&browser, &base, "supervisor@demo.test").await?;
        let mut too_wide = Vec::new();
        for view in atende::cases::views::View::ALL {
            browser
                .goto(format!("{base}/cases?view={}", view.as_str()))
                .await?;
            if let Some(what) = overflow(&browser).await? {
                too_wide.push(format!("{}: {what}", view.as_str()));
            }
            // With the view's own columns the table needs no scrolling either.
            let table_scrolls: bool = browser
                .execute(
                    "const w = document.querySelector('.table-wrap');
                     return w.scrollWidth > w.clientWidth;",
                    Vec::new(),
                )
                .await?
                .convert()?;
            if table_scrolls {
                too_wide.push(format!("{}: the table scrolls", view.as_str()));
            }
        }
        browser.goto(format!("{base}/cases?view=active")).await?;
        shot(&browser, "cases-1280").await;
        WebDriverResult::Ok(too_wide)
    }
    .await;
    browser.quit().await.expect("quit");
    let too_wide = result.expect("the lists open");
    assert!(too_wide.is_empty(), "{}", too_wide.join("\n"));
}
