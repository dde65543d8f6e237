//! Queues: cases added, picked, released, removed and routed, each on the
//! timeline; the counts the pages show follow; a private queue's items are
//! not there for whoever is not in it.

use atende::users::model::Role;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, location, see_other};

async fn open_case(browser: &Browser, app: &TestApp, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = uuid::Uuid::now_v7().to_string();
    let response = browser
        .post_form(
            "/cases",
            &[
                ("title", title),
                ("customer_id", customer.as_str()),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
    see_other(&response)
}

async fn queue(app: &TestApp, name: &str) -> String {
    app.named("queues", name).await.to_string()
}

/// (items, nobody on them) as the queue keeps them.
async fn counts(app: &TestApp, name: &str) -> (i64, i64) {
    let items = app
        .count(&format!(
            "select items::bigint from queues q join tenants t on t.id = q.tenant_id where t.slug = '{ACME}' and q.name = '{name}'"
        ))
        .await;
    let unassigned = app
        .count(&format!(
            "select unassigned::bigint from queues q join tenants t on t.id = q.tenant_id where t.slug = '{ACME}' and q.name = '{name}'"
        ))
        .await;
    (items, unassigned)
}

async fn queue_entries(app: &TestApp, path: &str) -> Vec<String> {
    let number = path.trim_start_matches("/cases/");
    let rows: Vec<String> = sqlx::query_scalar(
        "select e.data ->> 'action' from case_events e join cases c on c.id = e.case_id
          where c.number = $1 and e.kind = 'queue' order by e.at, e.id",
    )
    .bind(
        number
            .trim_start_matches("CAS-")
            .parse::<i64>()
            .expect("number"),
    )
    .fetch_all(&app.pool)
    .await
    .expect("entries");
    rows
}

#[tokio::test]
async fn an_item_added_picked_released_and_removed_leaves_each_move_on_the_timeline() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let case = open_case(&agent, &app, "Impressora não imprime").await;
    let n1 = queue(&app, "Suporte N1").await;

    let response = agent
        .post_form(&format!("{case}/queue"), &[("queue", &n1)])
        .await;
    assert_eq!(location(&response), case);
    assert_eq!(
        counts(&app, "Suporte N1").await,
        (1, 1),
        "waiting, nobody on it"
    );

    // Twice: the second changes nothing.
    agent.post_form(&format!("{case}/queue/pick"), &[]).await;
    agent.post_form(&format!("{case}/queue/pick"), &[]).await;
    assert_eq!(counts(&app, "Suporte N1").await, (1, 0));
    let page = agent.get(&case).await.text();
    assert!(
        html::text(&page, "#case-owner").contains("agent"),
        "{}",
        html::text(&page, "#case-owner")
    );
    assert!(html::text(&page, "#case-queue").contains("Suporte N1"));

    agent.post_form(&format!("{case}/queue/release"), &[]).await;
    assert_eq!(counts(&app, "Suporte N1").await, (1, 1));
    agent.post_form(&format!("{case}/queue/remove"), &[]).await;
    assert_eq!(counts(&app, "Suporte N1").await, (0, 0));

    assert_eq!(
        queue_entries(&app, &case).await,
        ["added", "picked", "released", "removed"]
    );
    let page = agent.get(&case).await.text();
    let timeline = html::texts(&page, "#timeline .event-queue .event-change");
    assert!(
        timeline
            .iter()
            .any(|t| t.contains("Escolhido na fila") && t.contains("Suporte N1")),
        "{timeline:?}"
    );
    assert!(
        timeline
            .iter()
            .any(|t| t.contains("Liberado de volta para a fila")),
        "{timeline:?}"
    );
}

#[tokio::test]
async fn the_queue_page_lists_what_nobody_works_on_first_and_the_navigation_counts_it() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let n1 = queue(&app, "Suporte N1").await;
    let first = open_case(&agent, &app, "Primeiro a chegar").await;
    let second = open_case(&agent, &app, "Segundo a chegar").await;
    let third = open_case(&agent, &app, "Terceiro a chegar").await;
    for case in [&first, &second, &third] {
        agent
            .post_form(&format!("{case}/queue"), &[("queue", &n1)])
            .await;
        app.clock().advance(chrono::Duration::minutes(5));
    }
    // The agent works on the first: it goes after the others.
    agent.post_form(&format!("{first}/queue/pick"), &[]).await;

    let page = agent.get(&format!("/queues/{n1}")).await.text();
    let titles = html::texts(&page, "#cases .case-title");
    assert_eq!(
        titles,
        ["Segundo a chegar", "Terceiro a chegar", "Primeiro a chegar"]
    );
    let nav = html::text(&page, ".nav-count");
    assert_eq!(nav, "2", "two items nobody works on in the agent's queue");
    let mine = agent.get("/queues").await.text();
    assert_eq!(html::texts(&mine, "#cases .case-title").len(), 3);
    assert!(html::text(&mine, ".queue-tabs").contains("2/3"));
}

#[tokio::test]
async fn a_private_queue_and_its_cases_are_not_there_for_an_agent_outside_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let finance = queue(&app, "Financeiro").await;
    let case = open_case(&agent, &app, "Reembolso em dobro").await;
    let other = open_case(&agent, &app, "Dúvida comum").await;
    admin
        .post_form(&format!("{case}/queue"), &[("queue", &finance)])
        .await;
    assert_eq!(counts(&app, "Financeiro").await, (1, 1));

    assert_eq!(
        agent.get(&format!("/queues/{finance}")).await.status_code(),
        404
    );
    assert_eq!(agent.get(&case).await.status_code(), 404);
    let note = agent
        .upload_form(
            &format!("{case}/notes"),
            &[("body", "posso ver?"), ("visibility", "private")],
        )
        .await;
    assert_eq!(
        note.status_code(),
        404,
        "a note to a hidden case is refused"
    );
    let active = agent.get("/cases?view=active").await.text();
    let titles = html::texts(&active, "#cases .case-title");
    assert!(titles.contains(&"Dúvida comum".to_owned()), "{titles:?}");
    assert!(
        !titles.contains(&"Reembolso em dobro".to_owned()),
        "{titles:?}"
    );
    // An agent cannot put a case in a queue they cannot see.
    agent
        .post_form(&format!("{other}/queue"), &[("queue", &finance)])
        .await;
    assert_eq!(counts(&app, "Financeiro").await, (1, 1));

    for member in [&admin, &supervisor] {
        assert_eq!(
            member
                .get(&format!("/queues/{finance}"))
                .await
                .status_code(),
            200
        );
        assert_eq!(member.get(&case).await.status_code(), 200);
    }
}

#[tokio::test]
async fn an_agent_cannot_pick_a_case_someone_else_works_on() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let n1 = queue(&app, "Suporte N1").await;
    let case = open_case(&agent, &app, "Já tem dono").await;
    supervisor
        .post_form(&format!("{case}/queue"), &[("queue", &n1)])
        .await;
    supervisor
        .post_form(&format!("{case}/queue/pick"), &[])
        .await;

    let response = agent.post_form(&format!("{case}/queue/pick"), &[]).await;
    assert_eq!(response.status_code(), 403);
    let response = agent.post_form(&format!("{case}/queue/release"), &[]).await;
    assert_eq!(response.status_code(), 403);
    assert_eq!(queue_entries(&app, &case).await, ["added", "picked"]);
}

#[tokio::test]
async fn closing_a_case_takes_it_out_of_its_queue() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let n1 = queue(&app, "Suporte N1").await;
    let case = open_case(&agent, &app, "Resolvido na hora").await;
    agent
        .post_form(&format!("{case}/queue"), &[("queue", &n1)])
        .await;
    let status = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let response = agent
        .post_form(
            &format!("{case}/resolve"),
            &[
                ("status_reason_id", &status),
                ("text", "Trocado o cabo."),
                ("billable", "0"),
            ],
        )
        .await;
    assert_eq!(location(&response), case);
    assert_eq!(counts(&app, "Suporte N1").await, (0, 0));
    assert_eq!(
        app.count(
            "select count(*) from cases where title = 'Resolvido na hora' and queue_id is null"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn two_hundred_selected_cases_go_to_a_queue_in_one_request() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let n1 = queue(&app, "Suporte N1").await;
    let mut numbers = Vec::new();
    for i in 0..200 {
        let path = open_case(&agent, &app, &format!("Lote {i}")).await;
        numbers.push(path.trim_start_matches("/cases/").to_owned());
    }
    let mut fields: Vec<(&str, &str)> = numbers.iter().map(|n| ("cases", n.as_str())).collect();
    fields.push(("queue", &n1));
    fields.push(("next", "/cases?view=active"));
    let response = agent.post_form("/cases/queue", &fields).await;
    assert_eq!(location(&response), "/cases?view=active");
    assert_eq!(counts(&app, "Suporte N1").await, (200, 200));
    assert_eq!(
        app.count(
            "select count(*) from case_events where kind = 'queue' and data ->> 'action' = 'added'"
        )
        .await,
        200
    );
    let page = agent.get("/cases?view=active").await.text();
    assert!(html::text(&page, ".flash-success").contains("200"));

    // The queue's export holds every item, not the page shown.
    let export = agent
        .get(&format!("/cases/export.csv?view=queued&queue={n1}"))
        .await;
    assert!(
        export
            .header("content-type")
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let csv = export.text();
    assert_eq!(csv.lines().count(), 201, "a header and 200 cases");
    assert!(csv.lines().skip(1).all(|line| line.contains("Suporte N1")));

    // Sent again (a double click): nothing moves twice.
    agent.post_form("/cases/queue", &fields).await;
    assert_eq!(
        app.count("select count(*) from case_events where kind = 'queue'")
            .await,
        200
    );
}

#[tokio::test]
async fn a_queue_without_a_name_comes_back_with_the_message_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/queues",
            &[
                ("name", "  "),
                ("description", "Para casos urgentes"),
                ("is_private", "on"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), 422);
    let page = response.text();
    assert!(html::field_error(&page, "name").is_some());
    assert!(page.contains("Para casos urgentes"));

    let taken = admin
        .post_form("/admin/queues", &[("name", "suporte n1")])
        .await;
    assert_eq!(taken.status_code(), 422);
    assert!(html::field_error(&taken.text(), "name").is_some());

    let created = admin
        .post_form(
            "/admin/queues",
            &[("name", "Urgências"), ("is_private", "on")],
        )
        .await;
    let path = see_other(&created);
    assert!(admin.get(&path).await.text().contains("Urgências"));
    let agent = app.signed_in(Role::Agent).await;
    assert_eq!(agent.get("/admin/queues").await.status_code(), 403);
}

#[tokio::test]
async fn the_cases_of_a_deactivated_user_are_listed_for_supervisors_to_give_away() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let case = open_case(&agent, &app, "Ficou sem dono").await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    supervisor
        .post_form(
            &format!("{case}/assign"),
            &[("owner", &format!("user:{agent_id}"))],
        )
        .await;
    let before = supervisor.get("/cases?view=orphaned").await.text();
    assert!(html::texts(&before, "#cases .case-title").is_empty());
    sqlx::query("update users set active = false where id = $1")
        .bind(agent_id)
        .execute(&app.pool)
        .await
        .expect("deactivate");
    let page = supervisor.get("/cases?view=orphaned").await.text();
    assert_eq!(html::texts(&page, "#cases .case-title"), ["Ficou sem dono"]);
    assert!(
        page.contains("bulk-owner"),
        "offered for reassignment in bulk"
    );
    let other = app.signed_in_to(GLOBEX, Role::Agent).await;
    let tabs = html::text(&other.get("/cases").await.text(), ".view-tabs");
    assert!(
        !tabs.contains("desactivados"),
        "agents are offered no such tab: {tabs}"
    );
}

#[tokio::test]
async fn the_items_of_several_queues_come_in_one_queue_order_page_after_page() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let n1 = queue(&app, "Suporte N1").await;
    let finance = queue(&app, "Financeiro").await;
    let mut expected = Vec::new();
    for i in 0..30 {
        let title = format!("Fila {i:02}");
        let case = open_case(&agent, &app, &title).await;
        let queue = if i % 2 == 0 { &n1 } else { &finance };
        supervisor
            .post_form(&format!("{case}/queue"), &[("queue", queue)])
            .await;
        app.clock().advance(chrono::Duration::minutes(1));
        expected.push(title);
    }
    // The supervisor is in no queue: "my queues" are all they see, merged.
    let mut seen = Vec::new();
    let mut next = Some("/queues".to_owned());
    while let Some(path) = next {
        let page = supervisor.get(&path).await.text();
        seen.extend(html::texts(&page, "#cases .case-title"));
        let doc = scraper::Html::parse_document(&page);
        let rel = scraper::Selector::parse("a[rel=next]").expect("selector");
        next = doc
            .select(&rel)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.replace("&amp;", "&"));
    }
    assert_eq!(seen, expected, "oldest first across both queues, each once");
}
