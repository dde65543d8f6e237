//! The supervisor's dashboard: every number on it equals what the case view
//! it links to lists.

use atende::users::model::Role;

use crate::support::{ACME, Browser, TestApp, html, location, see_other};

async fn open_case(browser: &Browser, app: &TestApp, title: &str, priority: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let priority = app.named("priorities", priority).await.to_string();
    let key = uuid::Uuid::now_v7().to_string();
    see_other(
        &browser
            .post_form(
                "/cases",
                &[
                    ("title", title),
                    ("customer_id", &customer),
                    ("priority_id", &priority),
                    ("idempotency_key", &key),
                ],
            )
            .await,
    )
}

/// The (href, number) of every linked figure of the dashboard.
fn figures(page: &str) -> Vec<(String, i64)> {
    let doc = scraper::Html::parse_document(page);
    let link = scraper::Selector::parse("table a").expect("selector");
    doc.select(&link)
        .map(|a| {
            let href = a
                .value()
                .attr("href")
                .unwrap_or_default()
                .replace("&amp;", "&");
            let text: String = a
                .text()
                .collect::<String>()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            (href, text.parse().unwrap_or(-1))
        })
        .collect()
}

/// How many cases a view lists, page after page.
async fn listed(browser: &Browser, href: &str) -> i64 {
    let mut total = 0;
    let sep = if href.contains('?') { '&' } else { '?' };
    let mut next = Some(format!("{href}{sep}per=100"));
    while let Some(path) = next {
        let page = browser.get(&path).await.text();
        total += html::texts(&page, "#cases .case-title").len() as i64;
        let doc = scraper::Html::parse_document(&page);
        let rel = scraper::Selector::parse("a[rel=next]").expect("selector");
        next = doc
            .select(&rel)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.replace("&amp;", "&"));
    }
    total
}

#[tokio::test]
async fn every_number_on_the_dashboard_equals_what_its_view_lists() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let n1 = app.named("queues", "Suporte N1").await.to_string();
    let agent_id = app.user_id(ACME, Role::Agent).await;
    let resolved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    for i in 0..9 {
        let priority = ["Alta", "Normal", "Urgente"][i % 3];
        let case = open_case(&agent, &app, &format!("Caso {i}"), priority).await;
        if i % 2 == 0 {
            agent
                .post_form(&format!("{case}/queue"), &[("queue", &n1)])
                .await;
        }
        if i % 3 == 0 {
            supervisor
                .post_form(
                    &format!("{case}/assign"),
                    &[("owner", &format!("user:{agent_id}"))],
                )
                .await;
        }
        if i == 4 || i == 7 {
            let response = agent
                .post_form(
                    &format!("{case}/resolve"),
                    &[
                        ("status_reason_id", &resolved),
                        ("text", "Feito."),
                        ("billable", "0"),
                    ],
                )
                .await;
            assert_eq!(location(&response), case);
        }
    }
    let page = supervisor.get("/dashboard").await;
    assert_eq!(page.status_code(), 200);
    let page = page.text();
    let figures = figures(&page);
    assert!(figures.len() > 20, "{figures:?}");
    let active = app
        .count(&format!(
            "select count(*) from cases c join tenants t on t.id = c.tenant_id where t.slug = '{ACME}' and c.state = 'active'"
        ))
        .await;
    assert!(
        figures
            .iter()
            .any(|(href, n)| href.contains("from=") && *n == active),
        "the open cases opened today: {active} in {figures:?}"
    );
    for (href, shown) in &figures {
        assert_eq!(listed(&supervisor, href).await, *shown, "{href}");
    }

    let team = app.named("teams", "Nível 1").await;
    let filtered = supervisor
        .get(&format!("/dashboard?team={team}"))
        .await
        .text();
    for (href, shown) in figures_of_team(&filtered) {
        assert!(href.contains(&team.to_string()), "{href} keeps the team");
        assert_eq!(shown, 0, "no case is the team's");
    }
    assert_eq!(agent.get("/dashboard").await.status_code(), 403);
}

fn figures_of_team(page: &str) -> Vec<(String, i64)> {
    figures(page)
        .into_iter()
        .filter(|(href, _)| href.starts_with("/cases") || href.starts_with("/queues"))
        .collect()
}
