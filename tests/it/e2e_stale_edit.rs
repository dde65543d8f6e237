//! Two real browser windows, two people, one case: the first sets a related
//! case and saves; the second, whose form is older, changes the title and
//! saves. The second is told what changed meanwhile, saves again, and the
//! related case set by the first is still there. Screenshots under
//! target/e2e/.

use atende::users::model::Role;
use thirtyfour::prelude::*;

use crate::support::browser::{leave_with, shot, sign_in, start_browser};
use crate::support::{ACME, TestApp, see_other};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_windows_editing_one_case_keep_each_others_changes() {
    let Some((_first_driver, first)) = start_browser(1280).await else {
        return;
    };
    let Some((_second_driver, second)) = start_browser(1280).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = app.serve_http().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let mut opened = Vec::new();
    for title in ["Forno com defeito", "Forno com defeito (ligação anterior)"] {
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
        opened.push(see_other(&response));
    }
    let (case, earlier) = (opened[0].clone(), opened[1].clone());
    let result = journey(&first, &second, &base, &case, &earlier).await;
    if result.is_err() {
        shot(&first, "stale-failure-first").await;
        shot(&second, "stale-failure-second").await;
    }
    first.quit().await.expect("quit");
    second.quit().await.expect("quit");
    result.expect("the journey completes");
    let related: Option<i64> = sqlx::query_scalar(
        "select (select number from cases r where r.id = c.related_case_id)
           from cases c where c.title = 'Forno com defeito e sem gás'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the second window's title was saved");
    let earlier_number: i64 = earlier
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("number");
    assert_eq!(related, Some(earlier_number), "the related case stayed");
}

async fn journey(
    first: &WebDriver,
    second: &WebDriver,
    base: &str,
    case: &str,
    earlier: &str,
) -> WebDriverResult<()> {
    sign_in(first, base, ACME, Role::Agent).await?;
    sign_in(second, base, ACME, Role::Supervisor).await?;
    let edit = format!("{base}{case}/edit");
    first.goto(&edit).await?;
    second.goto(&edit).await?;

    let related = first.find(By::Css("#f-related_case")).await?;
    related
        .send_keys(earlier.trim_start_matches("/cases/"))
        .await?;
    leave_with(
        first
            .find(By::Css(".sticky-actions button[type=submit]"))
            .await?,
    )
    .await?;
    first.query(By::Css(".case-header h1")).first().await?;

    let title = second.find(By::Css("#f-title")).await?;
    title.send_keys(" e sem gás").await?;
    leave_with(
        second
            .find(By::Css(".sticky-actions button[type=submit]"))
            .await?,
    )
    .await?;
    shot(second, "stale-01-conflict").await;
    // Told which field changed meanwhile (in the browser's language).
    second
        .query(By::Css("#conflict-kept strong"))
        .first()
        .await?;
    assert!(
        second
            .find_all(By::Css("#conflict-both tbody tr"))
            .await?
            .is_empty(),
        "nobody changed the same field: nothing to decide"
    );
    let shown = second
        .find(By::Css("#f-related_case"))
        .await?
        .value()
        .await?
        .unwrap_or_default();
    assert_eq!(shown, earlier.trim_start_matches("/cases/"));
    leave_with(
        second
            .find(By::Css(".sticky-actions button[type=submit]"))
            .await?,
    )
    .await?;
    let heading = second.query(By::Css(".case-header h1")).first().await?;
    assert_eq!(heading.text().await?, "Forno com defeito e sem gás");
    second
        .goto(format!("{base}{case}?tab=relationships"))
        .await?;
    // The relationships tab still names the related case.
    second
        .query(By::Css(format!(".facts a[href='{earlier}']")))
        .first()
        .await?;
    shot(second, "stale-02-saved").await;
    Ok(())
}
