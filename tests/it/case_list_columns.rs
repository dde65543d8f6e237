//! The case list's columns (each view's own, or the ones a user chose,
//! remembered per user and view) and its pager: where the page sits among
//! the view's cases, and a way back to the first page along the keyset
//! cursors.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, Browser, TestApp, html, see_other};

/// The column headings of the list, as shown (without the sort mark).
fn headings(page: &str) -> Vec<String> {
    html::texts(page, "#cases thead th:not(.check)")
        .into_iter()
        .map(|t| t.trim_end_matches(['▲', '▼']).trim().to_owned())
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn each_view_shows_its_own_columns_and_only_resolved_views_a_resolution_time() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let mine = agent.get("/cases?view=mine").await.text();
    assert_eq!(
        headings(&mine),
        strings(&[
            "Número",
            "Título",
            "Cliente",
            "Prioridade",
            "Status",
            "SLA",
            "Aberto em",
            "Atualizado em"
        ]),
        "my cases need no owner column and no resolution time"
    );
    let active = agent.get("/cases?view=active").await.text();
    assert!(headings(&active).contains(&"Proprietário".to_owned()));
    assert!(!headings(&active).contains(&"Resolvido em".to_owned()));
    let resolved = agent.get("/cases?view=resolved").await.text();
    assert_eq!(
        headings(&resolved),
        strings(&[
            "Número",
            "Título",
            "Cliente",
            "Status",
            "Proprietário",
            "SLA",
            "Aberto em",
            "Resolvido em"
        ])
    );
    // Every row has a cell per heading.
    let cells = html::texts(&active, "#cases tbody tr:first-child td:not(.check)").len();
    assert_eq!(cells, headings(&active).len());
}

#[tokio::test]
async fn chosen_columns_are_kept_for_that_user_and_view_until_put_back() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent
        .post_form(
            "/cases/columns",
            &[
                ("view", "active"),
                ("col", "resolved"),
                ("col", "customer"),
                ("col", "no-such-column"),
                ("next", "/cases?view=active&q=Fixture"),
            ],
        )
        .await;
    assert_eq!(see_other(&response), "/cases?view=active&q=Fixture");
    let chosen = strings(&["Número", "Título", "Cliente", "Resolvido em"]);
    let page = agent.get("/cases?view=active").await.text();
    assert_eq!(headings(&page), chosen);
    assert_eq!(
        html::texts(&page, "#cases tbody tr:first-child td:not(.check)").len(),
        chosen.len()
    );

    // Remembered in a new session of the same user, for that view only.
    let mut again = app.browser();
    again
        .sign_in(
            ACME,
            &crate::support::email(ACME, Role::Agent),
            crate::support::PASSWORD,
        )
        .await;
    assert_eq!(
        headings(&again.get("/cases?view=active").await.text()),
        chosen
    );
    assert!(
        headings(&again.get("/cases?view=mine").await.text()).contains(&"SLA".to_owned()),
        "another view keeps its own columns"
    );
    let supervisor = app.signed_in(Role::Supervisor).await;
    assert!(
        headings(&supervisor.get("/cases?view=active").await.text())
            .contains(&"Proprietário".to_owned()),
        "another user keeps the view's columns"
    );

    // Putting the view's own columns back.
    let response = agent
        .post_form("/cases/columns", &[("view", "active"), ("reset", "1")])
        .await;
    assert_eq!(see_other(&response), "/cases?view=active");
    let page = agent.get("/cases?view=active").await.text();
    assert!(headings(&page).contains(&"Proprietário".to_owned()));
    assert!(!headings(&page).contains(&"Resolvido em".to_owned()));
}

#[tokio::test]
async fn the_column_choice_leads_back_only_to_the_case_list() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for next in [
        "https://elsewhere.example/",
        "//elsewhere.example",
        "/admin",
    ] {
        let response = agent
            .post_form(
                "/cases/columns",
                &[("view", "mine"), ("col", "owner"), ("next", next)],
            )
            .await;
        assert_eq!(see_other(&response), "/cases?view=mine", "{next}");
    }
}

async fn open_cases(app: &TestApp, agent: &Browser, how_many: usize) {
    let customer = app.any_row("customers", ACME).await.to_string();
    for n in 0..how_many {
        let key = uuid::Uuid::now_v7().to_string();
        let response = agent
            .post_form(
                "/cases",
                &[
                    ("title", &format!("Caso de paginação {n}")),
                    ("customer_id", &customer),
                    ("idempotency_key", &key),
                ],
            )
            .await;
        assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    }
}

fn link(page: &str, rel: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse(&format!(".pager a[rel={rel}]")).expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

fn numbers(page: &str) -> Vec<String> {
    html::texts(page, "#cases tbody tr td.nowrap a")
}

#[tokio::test]
async fn the_pager_says_where_the_page_sits_and_walks_back_to_the_first_page() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    // Two fixture cases and 58 more: 60 active cases, three pages of 25.
    open_cases(&app, &agent, 58).await;
    let first = agent.get("/cases?view=active").await.text();
    assert_eq!(html::text(&first, ".pager-range"), "1–25 de 60");
    assert_eq!(link(&first, "prev"), None, "nothing before the first page");
    let second_url = link(&first, "next").expect("a second page");
    let second = agent.get(&second_url).await.text();
    assert_eq!(html::text(&second, ".pager-range"), "26–50 de 60");
    let third = agent
        .get(&link(&second, "next").expect("a third page"))
        .await
        .text();
    assert_eq!(html::text(&third, ".pager-range"), "51–60 de 60");
    assert_eq!(link(&third, "next"), None);
    assert_eq!(numbers(&third).len(), 10);

    // Back from the third page: the second page again, case for case.
    let back_url = link(&third, "prev").expect("a way back");
    assert!(back_url.contains("before="), "{back_url}");
    let back = agent.get(&back_url).await.text();
    assert_eq!(html::text(&back, ".pager-range"), "26–50 de 60");
    assert_eq!(numbers(&back), numbers(&second));
    assert!(link(&back, "next").is_some());

    // And back again: the first page itself, with no cursor left.
    let start_url = link(&back, "prev").expect("a way back to the start");
    assert!(!start_url.contains("before="), "{start_url}");
    let start = agent.get(&start_url).await.text();
    assert_eq!(html::text(&start, ".pager-range"), "1–25 de 60");
    assert_eq!(numbers(&start), numbers(&first));
    assert_eq!(link(&start, "prev"), None);
}

#[tokio::test]
async fn a_page_read_back_to_the_start_of_the_view_is_the_first_page() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    open_cases(&app, &agent, 30).await;
    let first = agent
        .get("/cases?view=active&sort=number&dir=asc")
        .await
        .text();
    let second = agent
        .get(&link(&first, "next").expect("a second page"))
        .await
        .text();
    // A link whose position says more cases lie before it than do (cases
    // closed meanwhile): read back, it is still the whole first page.
    let first_of_second = numbers(&second)[0].clone();
    let stale = agent
        .get(&format!(
            "/cases?view=active&sort=number&dir=asc&start=80&before={}",
            first_cursor(&app, &first_of_second).await
        ))
        .await
        .text();
    assert_eq!(numbers(&stale), numbers(&first));
    assert_eq!(html::text(&stale, ".pager-range"), "1–25 de 32");
    assert_eq!(link(&stale, "prev"), None);
}

/// The cursor of a case in the number sort: its number and id.
async fn first_cursor(app: &TestApp, number: &str) -> String {
    let n: i64 = number.trim_start_matches("CAS-").parse().expect("number");
    let id: uuid::Uuid = sqlx::query_scalar(
        "select c.id from cases c join tenants t on t.id = c.tenant_id
          where t.slug = $1 and c.number = $2",
    )
    .bind(ACME)
    .bind(n)
    .fetch_one(&app.pool)
    .await
    .expect("case id");
    format!("{n}~{id}")
}
