//! A supervisor's routine in a real browser: the queue page, a case picked
//! from it, routed by the rules to another queue, and the dashboard whose
//! count of that queue leads back to the case. Screenshots under
//! target/e2e/.

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::browser::{shot, sign_in, start_browser, text_comes_to};
use crate::support::{ACME, TestApp, see_other};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_picks_from_a_queue_routes_the_case_and_finds_it_on_the_dashboard() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.serve_http().await;
    let agent = app.signed_in(Role::Agent).await;
    let admin = app.signed_in(Role::Admin).await;
    let n1 = app.named("queues", "Suporte N1").await.to_string();
    let finance = app.named("queues", "Financeiro").await.to_string();
    let set = app.named("routing_rule_sets", "Padrão").await.to_string();
    admin
        .post_form(&format!("/admin/routing/{set}/activate"), &[])
        .await;
    admin
        .post_form(
            &format!("/admin/routing/{set}/rules"),
            &[
                ("name", "Boletos"),
                ("group_0", "1"),
                ("field_0", "title"),
                ("op_0", "contains"),
                ("words_0", "boleto"),
                ("target", &format!("queue:{finance}")),
                ("assign", "none"),
            ],
        )
        .await;
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let mut cases = Vec::new();
    for title in ["Boleto em duplicidade", "Senha do portal"] {
        let key = uuid::Uuid::now_v7().to_string();
        let case = see_other(
            &agent
                .post_form(
                    "/cases",
                    &[
                        ("title", title),
                        ("customer_id", &customer),
                        ("idempotency_key", &key),
                    ],
                )
                .await,
        );
        agent
            .post_form(&format!("{case}/queue"), &[("queue", &n1)])
            .await;
        cases.push(case);
    }
    let result = routine(&browser, &base, &n1, &cases[0]).await;
    if result.is_err() {
        shot(&browser, "queues-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the routine completes");
    let (queue, owner): (Option<uuid::Uuid>, Option<uuid::Uuid>) = sqlx::query_as(
        "select queue_id, owner_user_id from cases where title = 'Boleto em duplicidade'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("case");
    assert_eq!(queue.map(|q| q.to_string()), Some(finance));
    assert_eq!(
        owner, None,
        "routed to a queue, nobody works on it until picked"
    );
}

async fn routine(browser: &WebDriver, base: &str, n1: &str, case: &str) -> WebDriverResult<()> {
    sign_in(browser, base, ACME, Role::Supervisor).await?;
    browser.goto(&format!("{base}/queues/{n1}")).await?;
    let rows = browser.find_all(By::Css("#cases .case-title")).await?;
    assert_eq!(rows.len(), 2, "both items wait in the queue");
    shot(browser, "queues-n1").await;
    browser
        .find(By::Css(format!("#cases a[href='{case}']")))
        .await?
        .click()
        .await?;
    browser
        .find(By::Css("form[action$='/queue/pick'] button.button-primary"))
        .await?
        .click()
        .await?;
    assert!(text_comes_to(browser, "#case-owner", "supervisor").await?);
    browser
        .find(By::Css("form[action$='/route'] button"))
        .await?
        .click()
        .await?;
    assert!(text_comes_to(browser, ".flash-success", "Boletos").await?);
    assert!(text_comes_to(browser, "#case-queue", "Financeiro").await?);
    shot(browser, "queues-routed").await;
    browser.goto(&format!("{base}/dashboard")).await?;
    shot(browser, "queues-dashboard").await;
    let link = browser
        .find(By::XPath(
            "//section[.//h2[@id='dash-1']]//tr[th[contains(., 'Financeiro')]]//a",
        ))
        .await?;
    assert_eq!(link.text().await?, "1");
    link.click().await?;
    assert!(text_comes_to(browser, "#cases", "Boleto em duplicidade").await?);
    Ok(())
}
