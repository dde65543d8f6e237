//! A real browser on the case form's entitlement: the section follows the
//! channel chosen after the customer, the case is debited from the
//! entitlement of that channel, and a supervisor's reason to go without a
//! restricting entitlement is asked for only while "nenhum" is chosen.

use atende::users::model::Role;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::case_entitlements::{Contract, remaining};
use crate::support::browser::{leave_with, shot, sign_in, start_browser, text_comes_to};
use crate::support::{ACME, TestApp};

async fn open_form_for_the_bakery(
    browser: &WebDriver,
    base: &str,
    title: &str,
) -> WebDriverResult<()> {
    browser.goto(format!("{base}/cases/new")).await?;
    browser
        .find(By::Css("#f-title"))
        .await?
        .send_keys(title)
        .await?;
    browser
        .find(By::Css("#customer-q"))
        .await?
        .send_keys("padaria joão")
        .await?;
    browser
        .query(By::Css("#customer-results .picker-option"))
        .first()
        .await?
        .click()
        .await?;
    browser
        .query(By::Css(".picker-chosen .customer-card-name"))
        .first()
        .await?;
    Ok(())
}

async fn choose(browser: &WebDriver, select: &str, value: &str) -> WebDriverResult<()> {
    let element = browser.find(By::Css(select)).await?;
    SelectElement::new(&element)
        .await?
        .select_by_value(value)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_whatsapp_after_the_customer_offers_and_debits_the_whatsapp_entitlement() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let whatsapp = app.named("channels", "WhatsApp").await;
    let zap = Contract {
        channel: Some((whatsapp, 2)),
        default: true,
        ..Contract::new("Zap 2026")
    }
    .create(&app)
    .await;
    let base = app.serve_http().await;
    let result = async {
        sign_in(&browser, &base, ACME, Role::Agent).await?;
        open_form_for_the_bakery(&browser, &base, "Pedido de manutenção pelo WhatsApp").await?;
        let section = browser.find(By::Css("#entitlement-section")).await?;
        assert!(
            !section.text().await?.contains("Zap 2026"),
            "not offered before the channel"
        );
        choose(&browser, "#f-channel_id", &whatsapp.to_string()).await?;
        assert!(
            text_comes_to(&browser, "#f-entitlement_id option:checked", "Zap 2026").await?,
            "the channel's entitlement comes, preselected"
        );
        let offered = browser
            .find(By::Css("#f-entitlement_id option:checked"))
            .await?
            .text()
            .await?;
        assert!(
            offered.contains(": 2 ") && !offered.contains(": 5"),
            "what the channel has left, not the entitlement's 5: {offered}"
        );
        browser
            .find(By::Css("#entitlement-section"))
            .await?
            .scroll_into_view()
            .await?;
        shot(&browser, "entitlement-01-whatsapp").await;
        leave_with(
            browser
                .find(By::Css(".sticky-actions button[type=submit]"))
                .await?,
        )
        .await?;
        browser.query(By::Css(".case-header h1")).first().await?;
        assert!(
            text_comes_to(&browser, "#timeline .event-entitlement", "1").await?,
            "the debit is on the timeline"
        );
        shot(&browser, "entitlement-02-case").await;
        WebDriverResult::Ok(())
    }
    .await;
    if result.is_err() {
        shot(&browser, "entitlement-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the journey completes");
    assert_eq!(remaining(&app, zap).await, (4, Some(1)), "one case taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_is_asked_for_a_reason_only_while_no_entitlement_is_chosen() {
    let Some((_driver, browser)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let strict = Contract {
        restrict: true,
        remaining: 0,
        ..Contract::new("Ouro 2026")
    }
    .create(&app)
    .await;
    let base = app.serve_http().await;
    let result = async {
        sign_in(&browser, &base, ACME, Role::Supervisor).await?;
        open_form_for_the_bakery(&browser, &base, "Forno parado no sábado").await?;
        let reason = browser.find(By::Css("#f-entitlement_reason")).await?;
        assert!(reason.is_displayed().await?, "asked while none is chosen");
        choose(&browser, "#f-entitlement_id", &strict.to_string()).await?;
        assert!(
            !reason.is_displayed().await?,
            "not asked with an entitlement"
        );
        let field = browser.find(By::Css("#f-entitlement_id")).await?;
        SelectElement::new(&field).await?.select_by_index(0).await?;
        assert!(reason.is_displayed().await?);
        reason
            .send_keys("Cliente sem forno no fim de semana")
            .await?;
        reason.scroll_into_view().await?;
        shot(&browser, "entitlement-03-reason").await;
        leave_with(
            browser
                .find(By::Css(".sticky-actions button[type=submit]"))
                .await?,
        )
        .await?;
        assert!(
            text_comes_to(
                &browser,
                "#timeline .event-entitlement",
                "Cliente sem forno no fim de semana"
            )
            .await?,
            "the reason is on the timeline"
        );
        browser
            .find(By::Css("#timeline .event-entitlement"))
            .await?
            .scroll_into_view()
            .await?;
        shot(&browser, "entitlement-04-exception").await;
        WebDriverResult::Ok(())
    }
    .await;
    if result.is_err() {
        shot(&browser, "entitlement-failure").await;
    }
    browser.quit().await.expect("quit");
    result.expect("the journey completes");
}
