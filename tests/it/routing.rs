//! Routing rules: the first rule that applies sends the case to its queue,
//! team or user, in order; no match leaves it; a rule pointing at an
//! inactive target is skipped with a note; conditions are checked on save.

use atende::users::model::Role;

use crate::support::{ACME, Browser, TestApp, html, location, see_other};

async fn open_case(browser: &Browser, app: &TestApp, title: &str, channel: Option<&str>) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = uuid::Uuid::now_v7().to_string();
    let mut fields = vec![
        ("title", title.to_owned()),
        ("customer_id", customer),
        ("idempotency_key", key),
    ];
    if let Some(channel) = channel {
        fields.push(("channel_id", channel.to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    see_other(&browser.post_form("/cases", &fields).await)
}

/// The fixture's rule set, activated, with no rule yet.
async fn active_set(app: &TestApp, admin: &Browser) -> String {
    let set = app.named("routing_rule_sets", "Padrão").await.to_string();
    admin
        .post_form(&format!("/admin/routing/{set}/activate"), &[])
        .await;
    set
}

/// Adds a rule of one condition row (none when `field` is empty).
async fn add_rule(
    admin: &Browser,
    set: &str,
    name: &str,
    row: (&str, &str, &str, &str),
    target: &str,
    assign: &str,
) -> axum_test::TestResponse {
    let (field, op, value, words) = row;
    admin
        .post_form(
            &format!("/admin/routing/{set}/rules"),
            &[
                ("name", name),
                ("group_0", "1"),
                ("field_0", field),
                ("op_0", op),
                ("value_0", value),
                ("words_0", words),
                ("target", target),
                ("assign", assign),
            ],
        )
        .await
}

async fn queue_of(app: &TestApp, title: &str) -> Option<String> {
    sqlx::query_scalar(
        "select q.name from cases c join queues q on q.id = c.queue_id where c.title = $1",
    )
    .bind(title)
    .fetch_optional(&app.pool)
    .await
    .expect("queue of")
}

#[tokio::test]
async fn rules_run_in_order_and_the_first_that_applies_routes_the_case() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let set = active_set(&app, &admin).await;
    let finance = app.named("queues", "Financeiro").await;
    let n1 = app.named("queues", "Suporte N1").await;
    add_rule(
        &admin,
        &set,
        "Boletos",
        ("title", "contains", "", "boleto"),
        &format!("queue:{finance}"),
        "none",
    )
    .await;
    add_rule(
        &admin,
        &set,
        "Todo o resto",
        ("", "", "", ""),
        &format!("queue:{n1}"),
        "none",
    )
    .await;
    let page = admin.get(&format!("/admin/routing/{set}")).await.text();
    assert_eq!(
        html::texts(&page, "#rules tbody tr td:nth-child(2)"),
        ["Boletos", "Todo o resto"]
    );

    let invoice = open_case(&agent, &app, "Segunda via do BOLETO de março", None).await;
    let printer = open_case(&agent, &app, "Impressora sem papel", None).await;
    for case in [&invoice, &printer] {
        let response = agent.post_form(&format!("{case}/route"), &[]).await;
        assert_eq!(location(&response), *case);
    }
    assert_eq!(
        queue_of(&app, "Segunda via do BOLETO de março")
            .await
            .as_deref(),
        Some("Financeiro")
    );
    assert_eq!(
        queue_of(&app, "Impressora sem papel").await.as_deref(),
        Some("Suporte N1")
    );
    let timeline = html::text(&agent.get(&printer).await.text(), "#timeline");
    assert!(
        timeline.contains("Encaminhado pela regra") && timeline.contains("Todo o resto"),
        "{timeline}"
    );

    // Reordered, the catch-all comes first and takes every case.
    let last = app.named("routing_rules", "Todo o resto").await.to_string();
    admin
        .post_form(
            &format!("/admin/routing/{set}/rules/move"),
            &[("rule_id", &last), ("dir", "up")],
        )
        .await;
    let another = open_case(&agent, &app, "Outro boleto", None).await;
    agent.post_form(&format!("{another}/route"), &[]).await;
    assert_eq!(
        queue_of(&app, "Outro boleto").await.as_deref(),
        Some("Suporte N1")
    );
}

#[tokio::test]
async fn a_case_no_rule_applies_to_stays_where_it_is() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let set = active_set(&app, &admin).await;
    let finance = app.named("queues", "Financeiro").await;
    add_rule(
        &admin,
        &set,
        "Boletos",
        ("title", "contains", "", "boleto"),
        &format!("queue:{finance}"),
        "none",
    )
    .await;
    let case = open_case(&agent, &app, "Impressora travada", None).await;
    let before = app.count("select count(*) from case_events").await;
    let response = agent.post_form(&format!("{case}/route"), &[]).await;
    let page = agent.get(&location(&response)).await.text();
    assert!(html::text(&page, ".flash-info").contains("Nenhuma regra se aplicou"));
    assert_eq!(app.count("select count(*) from case_events").await, before);
    assert_eq!(queue_of(&app, "Impressora travada").await, None);
}

#[tokio::test]
async fn a_rule_whose_target_is_inactive_is_flagged_and_skipped_with_a_note() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let set = active_set(&app, &admin).await;
    let finance = app.named("queues", "Financeiro").await;
    let n1 = app.named("queues", "Suporte N1").await;
    add_rule(
        &admin,
        &set,
        "Boletos",
        ("title", "contains", "", "boleto"),
        &format!("queue:{finance}"),
        "none",
    )
    .await;
    add_rule(
        &admin,
        &set,
        "Todo o resto",
        ("", "", "", ""),
        &format!("queue:{n1}"),
        "none",
    )
    .await;
    admin
        .post_form(&format!("/admin/queues/{finance}/deactivate"), &[])
        .await;

    let list = admin.get("/admin/routing").await.text();
    assert!(
        list.contains("1 regra com destino inativo"),
        "{}",
        html::text(&list, "table")
    );
    let set_page = admin.get(&format!("/admin/routing/{set}")).await.text();
    assert!(html::text(&set_page, "#rules tr.flagged").contains("Boletos"));

    let case = open_case(&agent, &app, "Boleto vencido", None).await;
    let response = agent.post_form(&format!("{case}/route"), &[]).await;
    assert_eq!(response.status_code(), 303, "never an error page");
    assert_eq!(
        queue_of(&app, "Boleto vencido").await.as_deref(),
        Some("Suporte N1")
    );
    let timeline = html::text(&agent.get(&case).await.text(), "#timeline");
    assert!(
        timeline.contains("Regra ignorada: destino inativo"),
        "{timeline}"
    );
}

#[tokio::test]
async fn a_condition_that_does_not_fit_its_field_comes_back_with_the_message_and_the_input() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let set = active_set(&app, &admin).await;
    let n1 = app.named("queues", "Suporte N1").await;
    let phone = app.named("channels", "Telefone").await.to_string();
    for (row, why) in [
        (
            ("title", "is", &phone[..], ""),
            "words compared as a record",
        ),
        (
            ("channel", "contains", "", "telefone"),
            "a record compared as words",
        ),
        (("no_such_field", "is", &phone[..], ""), "unknown field"),
        (("customer", "is", "", "000.000.000-00"), "no such customer"),
        (
            ("priority", "is", &phone[..], ""),
            "a channel given as a priority",
        ),
    ] {
        let response = add_rule(
            &admin,
            &set,
            "Com erro",
            row,
            &format!("queue:{n1}"),
            "none",
        )
        .await;
        assert_eq!(response.status_code(), 422, "{why}");
        let page = response.text();
        assert!(
            page.contains("f-rule_0-error"),
            "{why}: the message is next to the row"
        );
        assert!(
            page.contains("value=\"Com erro\""),
            "{why}: the input is kept"
        );
    }
    assert_eq!(app.count("select count(*) from routing_rules").await, 0);
}

#[tokio::test]
async fn round_robin_gives_each_active_member_a_case_in_turn() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let set = active_set(&app, &admin).await;
    let team = app.named("teams", "Nível 1").await;
    for role in [Role::Agent, Role::Supervisor] {
        let user = app.user_id(ACME, role).await.to_string();
        admin
            .post_form(
                &format!("/admin/teams/{team}/members"),
                &[("user_id", &user)],
            )
            .await;
    }
    add_rule(
        &admin,
        &set,
        "Nível 1",
        ("", "", "", ""),
        &format!("team:{team}"),
        "round_robin",
    )
    .await;
    let mut owners = Vec::new();
    for i in 0..4 {
        let case = open_case(&supervisor, &app, &format!("Rodízio {i}"), None).await;
        supervisor.post_form(&format!("{case}/route"), &[]).await;
        let owner: Option<uuid::Uuid> =
            sqlx::query_scalar("select owner_user_id from cases where title = $1")
                .bind(format!("Rodízio {i}"))
                .fetch_one(&app.pool)
                .await
                .expect("owner");
        owners.push(owner.expect("someone got it"));
    }
    assert_ne!(owners[0], owners[1]);
    assert_eq!(owners[0], owners[2]);
    assert_eq!(owners[1], owners[3]);
}

#[tokio::test]
async fn new_cases_of_a_channel_marked_for_it_are_routed_as_they_come_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let set = active_set(&app, &admin).await;
    let n1 = app.named("queues", "Suporte N1").await;
    let email = app.named("channels", "E-mail").await.to_string();
    let phone = app.named("channels", "Telefone").await.to_string();
    add_rule(
        &admin,
        &set,
        "Tudo",
        ("", "", "", ""),
        &format!("queue:{n1}"),
        "none",
    )
    .await;
    admin
        .post_form(
            &format!("/admin/routing/{set}/channels"),
            &[("channel", &email)],
        )
        .await;
    open_case(&agent, &app, "Chegou por e-mail", Some(&email)).await;
    open_case(&agent, &app, "Chegou por telefone", Some(&phone)).await;
    assert_eq!(
        queue_of(&app, "Chegou por e-mail").await.as_deref(),
        Some("Suporte N1")
    );
    assert_eq!(queue_of(&app, "Chegou por telefone").await, None);
}

#[tokio::test]
async fn two_hundred_selected_cases_are_routed_in_one_request_and_agents_may_not() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let set = active_set(&app, &admin).await;
    let n1 = app.named("queues", "Suporte N1").await;
    add_rule(
        &admin,
        &set,
        "Tudo",
        ("", "", "", ""),
        &format!("queue:{n1}"),
        "none",
    )
    .await;
    let mut numbers = Vec::new();
    for i in 0..200 {
        let path = open_case(&agent, &app, &format!("Lote {i}"), None).await;
        numbers.push(path.trim_start_matches("/cases/").to_owned());
    }
    let mut fields: Vec<(&str, &str)> = numbers.iter().map(|n| ("cases", n.as_str())).collect();
    fields.push(("next", "/cases?view=active"));
    assert_eq!(
        agent.post_form("/cases/route", &fields).await.status_code(),
        403
    );
    let response = supervisor.post_form("/cases/route", &fields).await;
    assert_eq!(location(&response), "/cases?view=active");
    assert_eq!(
        app.count("select count(*) from cases c join queues q on q.id = c.queue_id where q.name = 'Suporte N1' and c.title like 'Lote %'")
            .await,
        200
    );
    let page = supervisor.get("/cases?view=active").await.text();
    assert!(html::text(&page, ".flash-success").contains("200 casos encaminhados"));
}

#[tokio::test]
async fn save_and_route_saves_the_form_then_routes_the_case() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let agent = app.signed_in(Role::Agent).await;
    let set = active_set(&app, &admin).await;
    let finance = app.named("queues", "Financeiro").await;
    add_rule(
        &admin,
        &set,
        "Reembolsos",
        ("title", "contains", "", "reembolso"),
        &format!("queue:{finance}"),
        "none",
    )
    .await;
    let case = open_case(&agent, &app, "Dúvida", None).await;
    let form = agent.get(&format!("{case}/edit")).await.text();
    let mut fields = html::form_fields(&form, &format!("{case}/edit"));
    for (name, value) in &mut fields {
        if name == "title" {
            *value = "Pedido de reembolso".to_owned();
        }
    }
    fields.retain(|(name, _)| name != "action" && name != "csrf_token");
    fields.push(("action".to_owned(), "save_route".to_owned()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = agent.post_form(&format!("{case}/edit"), &fields).await;
    assert_eq!(location(&response), case);
    assert_eq!(
        queue_of(&app, "Pedido de reembolso").await.as_deref(),
        Some("Financeiro")
    );
}

#[tokio::test]
async fn agents_cannot_change_routing_rules() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let set = app.named("routing_rule_sets", "Padrão").await;
    assert_eq!(agent.get("/admin/routing").await.status_code(), 403);
    assert_eq!(
        agent
            .post_form(&format!("/admin/routing/{set}/activate"), &[])
            .await
            .status_code(),
        403
    );
}
