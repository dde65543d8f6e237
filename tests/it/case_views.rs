//! The case views sorted by the names they show (customer, status, owner,
//! priority), their charts, and the places of service the case form offers:
//! each read from a table joined to the cases, so each must keep every case
//! of the view and the order of the column the agent sees.

use atende::users::model::Role;

use crate::support::{Browser, TestApp, html, see_other};

/// Puts the case at `path` on hold, as an edit choosing that status would.
async fn hold(app: &TestApp, path: &str) {
    let number: i64 = path
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("case number");
    let on_hold = app.named("status_reasons", "Em espera").await;
    sqlx::query(
        "update cases c set status_reason_id = $1 from tenants t \
          where t.id = c.tenant_id and t.slug = 'acme' and c.number = $2",
    )
    .bind(on_hold)
    .bind(number)
    .execute(&app.pool)
    .await
    .expect("hold");
}

/// A new account with the role named `role` ("Cliente", "Parceiro"); its id.
async fn account(agent: &Browser, app: &TestApp, name: &str, role: &str) -> String {
    let role = app.named("customer_roles", role).await.to_string();
    let response = agent
        .post_form(
            "/customers",
            &[("kind", "account"), ("name", name), ("roles", &role)],
        )
        .await;
    see_other(&response)
        .trim_start_matches("/customers/")
        .to_owned()
}

async fn open_case(agent: &Browser, customer: &str, title: &str) -> String {
    let key = uuid::Uuid::now_v7().to_string();
    let response = agent
        .post_form(
            "/cases",
            &[
                ("title", title),
                ("customer_id", customer),
                ("idempotency_key", &key),
            ],
        )
        .await;
    see_other(&response)
}

/// Each row of the list: its number and the text of the column at `column`
/// (1-based, as the agent sees it), with "unassigned" read as empty.
fn rows(page: &str, column: usize) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(page);
    let row = scraper::Selector::parse("#cases tbody tr").expect("selector");
    let cell = scraper::Selector::parse("td:not(.check)").expect("selector");
    let muted = scraper::Selector::parse(".muted").expect("selector");
    doc.select(&row)
        .filter_map(|tr| {
            let cells: Vec<_> = tr.select(&cell).collect();
            let number = cells.first()?.text().collect::<String>().trim().to_owned();
            let shown = cells.get(column - 1)?;
            let text = if shown.select(&muted).next().is_some() {
                String::new()
            } else {
                shown.text().collect::<String>().trim().to_owned()
            };
            Some((number, text))
        })
        .collect()
}

fn next_page(page: &str) -> Option<String> {
    scraper::Html::parse_document(page)
        .select(&scraper::Selector::parse("a[rel=next]").expect("selector"))
        .next()
        .and_then(|a| {
            a.value()
                .attr("href")
                .map(|href| href.replace("&amp;", "&"))
        })
}

/// Every row of a view, following its pages.
async fn every_row(agent: &Browser, first: &str, column: usize) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut path = Some(first.to_owned());
    while let Some(next) = path {
        let page = agent.get(&next).await.text();
        all.extend(rows(&page, column));
        path = next_page(&page);
    }
    all
}

#[tokio::test]
async fn sorted_by_customer_status_or_owner_a_view_pages_through_every_case_in_that_order() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let first = account(&agent, &app, "Aa Primeira Comercial", "Cliente").await;
    let last = account(&agent, &app, "Zz Última Distribuidora", "Cliente").await;
    let padaria = app.any_row_named("Padaria São João Ltda").await.to_string();
    let urgent = app.named("priorities", "Urgente").await.to_string();
    for i in 0..12 {
        for customer in [&last, &padaria, &first] {
            let path = open_case(&agent, customer, &format!("Caso {i}")).await;
            // Started cases change owner, held ones status: the sorts
            // have something to order.
            if i % 3 == 0 {
                agent.post_form(&format!("{path}/start"), &[]).await;
            }
            if i % 4 == 1 {
                hold(&app, &path).await;
            }
            if i % 5 == 2 {
                agent
                    .upload_form(
                        &format!("{path}/notes"),
                        &[("body", "Subiu a prioridade"), ("priority_id", &urgent)],
                    )
                    .await;
            }
        }
    }
    // Priorities show their names but sort by the catalog's order.
    let priority_order: std::collections::HashMap<String, i64> = sqlx::query_as(
        "select lower(p.name), p.sort_order::bigint from priorities p \
           join tenants t on t.id = p.tenant_id where t.slug = 'acme'",
    )
    .fetch_all(&app.pool)
    .await
    .expect("priorities")
    .into_iter()
    .collect();
    let every_active = app
        .count(
            "select count(*) from cases c join tenants t on t.id = c.tenant_id \
              where t.slug = 'acme' and c.state = 'active'",
        )
        .await;
    assert!(every_active > 36);

    for (sort, column) in [
        ("customer", 3),
        ("priority", 4),
        ("status", 5),
        ("owner", 6),
    ] {
        for dir in ["asc", "desc"] {
            let all = every_row(
                &agent,
                &format!("/cases?view=active&sort={sort}&dir={dir}"),
                column,
            )
            .await;
            let mut numbers: Vec<&String> = all.iter().map(|(number, _)| number).collect();
            numbers.sort();
            numbers.dedup();
            assert_eq!(
                i64::try_from(numbers.len()).expect("count"),
                every_active,
                "sorted by {sort} {dir}: every active case once, across pages"
            );
            assert_eq!(
                numbers.len(),
                all.len(),
                "sorted by {sort} {dir}: none twice"
            );
            let shown: Vec<String> = all.iter().map(|(_, text)| text.to_lowercase()).collect();
            let mut ordered = shown.clone();
            if sort == "priority" {
                assert!(
                    shown.iter().all(|name| priority_order.contains_key(name)),
                    "{shown:?}"
                );
                ordered.sort_by_key(|name| priority_order.get(name).copied());
            } else {
                ordered.sort();
            }
            if dir == "desc" {
                ordered.reverse();
            }
            assert_eq!(shown, ordered, "sorted by {sort} {dir}");
            assert!(
                shown.first() != shown.last(),
                "sorted by {sort}: the view holds more than one {sort}"
            );
        }
    }
}

#[tokio::test]
async fn the_chart_counts_every_case_of_the_view_by_status_and_by_owner() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let padaria = app.any_row_named("Padaria São João Ltda").await.to_string();
    for i in 0..5 {
        let path = open_case(&agent, &padaria, &format!("Gráfico {i}")).await;
        if i < 3 {
            agent.post_form(&format!("{path}/start"), &[]).await;
        } else {
            hold(&app, &path).await;
        }
    }
    let count = |sql: &'static str| {
        let app = &app;
        async move { app.count(sql).await.to_string() }
    };
    let started = count(
        "select count(*) from cases c join status_reasons s on s.id = c.status_reason_id \
          where s.name = 'Em andamento' and c.state = 'active' and c.title like 'Gráfico%'",
    )
    .await;
    assert_eq!(started, "3");
    for (chart, label) in [("status", "Em andamento"), ("owner", "agent acme")] {
        let page = supervisor
            .get(&format!("/cases?view=active&q=Gr%C3%A1fico&chart={chart}"))
            .await
            .text();
        let texts = html::texts(&page, "figure.chart svg text");
        let at = texts
            .iter()
            .position(|text| text.contains(label))
            .unwrap_or_else(|| panic!("{label} in the {chart} chart: {texts:?}"));
        assert_eq!(
            texts.get(at + 1).map(|total| total.trim()),
            Some(started.as_str()),
            "{label} counts {started} cases in the {chart} chart: {texts:?}"
        );
    }
}

#[tokio::test]
async fn the_case_form_offers_the_active_partners_in_name_order_as_places_of_service() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    account(&agent, &app, "Oficina Zeta", "Parceiro").await;
    account(&agent, &app, "Assistência Alfa", "Parceiro").await;
    let closed = account(&agent, &app, "Oficina Beta", "Parceiro").await;
    supervisor
        .post_form(
            &format!("/customers/{closed}/deactivate"),
            &[("confirm", "yes")],
        )
        .await;

    let form = agent.get("/cases/new").await.text();
    let places = html::texts(&form, "#f-location_id option");
    assert_eq!(
        places[1..],
        ["Assistência Alfa".to_owned(), "Oficina Zeta".to_owned()],
        "active partners only, by name; the Padaria is a customer, not a partner"
    );
}

/// A view narrowed to the cases opened in a date range, sorted by number or
/// by resolution, walks a while and then reads the range: either way it
/// must page through exactly the range's cases in the order asked for.
#[tokio::test]
async fn resolved_cases_of_an_opening_date_range_page_by_number_and_by_resolution() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let padaria = app.any_row_named("Padaria São João Ltda").await.to_string();
    let solved = app.named("status_reasons", "Problema resolvido").await;
    for day in 0..40 {
        let path = open_case(&agent, &padaria, &format!("Aberto no dia {day}")).await;
        let number: i64 = path
            .trim_start_matches("/cases/CAS-")
            .parse()
            .expect("case number");
        // Resolved out of opening order: the two sorts differ.
        sqlx::query(
            "update cases c set state = 'resolved', status_reason_id = $1,
                    opened_at = '2025-01-01T12:00:00Z'::timestamptz + make_interval(days => $2),
                    resolved_at = '2025-01-01T12:00:00Z'::timestamptz
                                  + make_interval(days => $2 + ($2 * 7) % 5, hours => 1)
               from tenants t where t.id = c.tenant_id and t.slug = 'acme' and c.number = $3",
        )
        .bind(solved)
        .bind(day)
        .bind(number)
        .execute(&app.pool)
        .await
        .expect("resolve");
    }
    // More cases resolved later, with later numbers, than a view walks
    // before it reads the range: in descending order the page comes from
    // the range read, in ascending order from the walk.
    sqlx::query(
        "insert into cases
         select (jsonb_populate_record(null::cases, to_jsonb(c) || jsonb_build_object(
                    'id', gen_random_uuid(), 'number', c.number + g, 'idempotency_key', null,
                    'title', 'Resolvido depois ' || g,
                    'opened_at', '2026-03-01T12:00:00Z'::timestamptz + make_interval(mins => g),
                    'resolved_at', '2026-03-02T12:00:00Z'::timestamptz + make_interval(mins => g)))).*
           from cases c, generate_series(1, 1100) g
          where c.title = 'Aberto no dia 39'",
    )
    .execute(&app.pool)
    .await
    .expect("later cases");
    for (sort, order) in [("number", "c.number"), ("resolved", "c.resolved_at, c.id")] {
        for dir in ["asc", "desc"] {
            let expected: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select 'CAS-' || lpad(c.number::text, 6, '0') from cases c
                   join tenants t on t.id = c.tenant_id
                  where t.slug = 'acme' and c.state = 'resolved' and c.title like 'Aberto no dia %'
                    and c.opened_at >= '2025-01-05T03:00:00Z' and c.opened_at < '2025-02-04T03:00:00Z'
                  order by {}",
                order
                    .split(", ")
                    .map(|column| format!("{column} {dir}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
            .fetch_all(&app.pool)
            .await
            .expect("expected order");
            assert_eq!(expected.len(), 30, "days 4 to 33");
            let shown: Vec<String> = every_row(
                &agent,
                &format!(
                    "/cases?view=resolved&from=2025-01-05&to=2025-02-03&sort={sort}&dir={dir}"
                ),
                1,
            )
            .await
            .into_iter()
            .map(|(number, _)| number)
            .collect();
            assert_eq!(shown, expected, "sorted by {sort} {dir}, across pages");
        }
    }
}
