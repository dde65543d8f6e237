//! The case lifecycle through the pages an agent uses all day.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::sla_cases::assert_rows_carry_their_timers;
use crate::support::{ACME, Browser, GLOBEX, TestApp, html, location, see_other};

/// The id of a row of a catalog table of ACME, by name.
async fn padaria(app: &TestApp) -> String {
    app.any_row_named("Padaria São João Ltda").await.to_string()
}

/// Opens a case through the form and returns its page path.
async fn open_case(
    browser: &Browser,
    app: &TestApp,
    title: &str,
    extra: &[(&str, &str)],
) -> String {
    let customer = padaria(app).await;
    let key = uuid::Uuid::now_v7().to_string();
    let mut fields = vec![
        ("title", title),
        ("customer_id", customer.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    fields.extend_from_slice(extra);
    let response = browser.post_form("/cases", &fields).await;
    see_other(&response)
}

fn timeline_kinds(page: &str) -> Vec<String> {
    html::texts(page, "#timeline .event-kind")
}

#[tokio::test]
async fn a_new_case_opens_on_its_page_with_the_timeline_starting_at_creation() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(
        &agent,
        &app,
        "Forno não aquece",
        &[("description", "Desde ontem")],
    )
    .await;
    assert!(path.starts_with("/cases/CAS-"), "{path}");
    let page = agent.get(&path).await.text();
    assert_eq!(html::text(&page, "h1"), "Forno não aquece");
    assert_eq!(timeline_kinds(&page), ["Criação"]);
    let number = path.trim_start_matches("/cases/");
    assert_eq!(
        html::texts(&page, "#timeline .event-change"),
        [format!("Caso criado: {number}")]
    );
    assert!(html::text(&page, ".case-customer").contains("Padaria São João Ltda"));
    assert!(
        html::text(&page, "#case-state").contains("Em andamento"),
        "default status"
    );
}

#[tokio::test]
async fn every_missing_or_invalid_field_comes_back_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent
        .post_form(
            "/cases",
            &[
                ("title", ""),
                ("description", "Texto que não se perde"),
                ("received_at", "ontem"),
                ("related_case", "XYZ"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    for field in ["title", "customer_id", "received_at", "related_case"] {
        assert!(
            html::field_error(&page, field).is_some(),
            "no error next to {field}"
        );
    }
    assert_eq!(
        html::text(&page, "#f-description"),
        "Texto que não se perde"
    );
    assert_eq!(
        html::input_value(&page, "related_case").as_deref(),
        Some("XYZ")
    );
}

/// Some row of `table` in `workspace`, by the cross-tenant test connection.
#[tokio::test]
async fn choices_of_another_workspace_inactive_or_not_fitting_are_refused_next_to_their_field() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = padaria(&app).await;
    let refused = |field: &'static str, value: String| {
        let agent = &agent;
        let customer = customer.clone();
        async move {
            let response = agent
                .post_form(
                    "/cases",
                    &[
                        ("title", "Teste"),
                        ("customer_id", &customer),
                        (field, &value),
                    ],
                )
                .await;
            assert_eq!(
                response.status_code(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}"
            );
            assert!(
                html::field_error(&response.text(), field).is_some(),
                "no error next to {field}"
            );
        }
    };
    let before = app.count("select count(*) from cases").await;
    for (field, table) in [
        ("subject_id", "subjects"),
        ("channel_id", "channels"),
        ("priority_id", "priorities"),
        ("status_reason_id", "status_reasons"),
        ("reason_id", "reasons"),
        ("unit_id", "units"),
        ("request_type_id", "request_types"),
        ("contact_id", "customers"),
        ("location_id", "customers"),
    ] {
        refused(field, app.any_row(table, GLOBEX).await.to_string()).await;
    }
    // José da Silva is a contact of the Padaria; Uxía is nobody's here.
    refused(
        "contact_id",
        app.any_row_named("Uxía Castro").await.to_string(),
    )
    .await;
    // The Padaria is a customer, not a partner: no place of service.
    refused("location_id", customer.clone()).await;
    let high = app.named("priorities", "Alta").await.to_string();
    sqlx::query("update priorities set active = false where id = $1::uuid")
        .bind(&high)
        .execute(&app.pool)
        .await
        .expect("deactivate");
    refused("priority_id", high).await;
    let resolved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    refused("status_reason_id", resolved).await;
    // An occurrence is chosen under its reason, a cause under its occurrence.
    let response = agent
        .post_form(
            "/cases",
            &[
                ("title", "Teste"),
                ("customer_id", &customer),
                (
                    "reason_id",
                    &app.named("reasons", "Elogio").await.to_string(),
                ),
                (
                    "occurrence_id",
                    &app.named("occurrences", "Produto com defeito")
                        .await
                        .to_string(),
                ),
                ("cause_id", &app.named("causes", "Boleto").await.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(html::field_error(&page, "occurrence_id").is_some());
    assert!(html::field_error(&page, "cause_id").is_some());
    assert!(html::field_error(&page, "reason_id").is_none());
    assert_eq!(
        app.count("select count(*) from cases").await,
        before,
        "no case was opened"
    );
}

#[tokio::test]
async fn a_customer_without_a_role_cannot_have_a_case() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let created = agent
        .post_form("/customers", &[("kind", "contact"), ("name", "Sem Papel")])
        .await;
    let customer = location(&created)
        .trim_start_matches("/customers/")
        .to_owned();
    let response = agent
        .post_form("/cases", &[("title", "Teste"), ("customer_id", &customer)])
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = html::field_error(&response.text(), "customer_id").unwrap_or_default();
    assert!(error.contains("papel"), "{error}");
}

#[tokio::test]
async fn families_drafts_retired_products_and_draft_bundles_are_refused() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = padaria(&app).await;
    for (product, says) in [
        ("Equipamentos de panificação", "família"),
        ("Fatiadora F-10", "rascunho"),
        ("Cilindro Vitória (descontinuado)", "retirado"),
        ("Kit Padaria Completa", "pacote"),
    ] {
        let id = app.named("products", product).await.to_string();
        let response = agent
            .post_form(
                "/cases",
                &[
                    ("title", "Produto"),
                    ("customer_id", &customer),
                    ("product_id", &id),
                ],
            )
            .await;
        assert_eq!(
            response.status_code(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{product}"
        );
        let error = html::field_error(&response.text(), "product_id")
            .unwrap_or_default()
            .to_lowercase();
        assert!(error.contains(says), "{product}: {error}");
    }
    let forno = app.named("products", "Forno Turbo 450").await.to_string();
    open_case(&agent, &app, "Forno", &[("product_id", &forno)]).await;
}

#[tokio::test]
async fn submitting_the_same_form_twice_creates_one_case() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = padaria(&app).await;
    let key = uuid::Uuid::now_v7().to_string();
    let fields = [
        ("title", "Clique duplo"),
        ("customer_id", customer.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    let (first, second) = tokio::join!(
        agent.post_form("/cases", &fields),
        agent.post_form("/cases", &fields)
    );
    assert_eq!(
        location(&first),
        location(&second),
        "both land on the same case"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from cases where title = 'Clique duplo'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
    let page = agent.get(&location(&first)).await.text();
    assert_eq!(timeline_kinds(&page), ["Criação"], "one creation entry");
}

#[tokio::test]
async fn numbers_are_sequential_per_workspace_and_never_repeat_under_concurrency() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = padaria(&app).await;
    let creations = (0..20).map(|i| {
        let agent = &agent;
        let customer = customer.clone();
        async move {
            let key = uuid::Uuid::now_v7().to_string();
            let title = format!("Concorrente {i}");
            location(
                &agent
                    .post_form(
                        "/cases",
                        &[
                            ("title", title.as_str()),
                            ("customer_id", customer.as_str()),
                            ("idempotency_key", key.as_str()),
                        ],
                    )
                    .await,
            )
        }
    });
    let mut paths = futures::future::join_all(creations).await;
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 20, "no duplicate numbers");
    let numbers: Vec<i64> = sqlx::query_scalar("select c.number from cases c join tenants t on t.id = c.tenant_id where t.slug = 'acme' order by 1")
        .fetch_all(&app.pool)
        .await
        .expect("numbers");
    assert_eq!(
        numbers,
        (1..=22).collect::<Vec<_>>(),
        "two fixture cases, then 3..22 with no gaps"
    );
    let globex = app.signed_in_to(crate::support::GLOBEX, Role::Agent).await;
    let uxia = app
        .any_row_named("Conservas Galegas S.A.")
        .await
        .to_string();
    let response = globex
        .post_form(
            "/cases",
            &[("title", "Outro espaço"), ("customer_id", &uxia)],
        )
        .await;
    assert_eq!(
        location(&response),
        "/cases/CAS-000002",
        "each workspace counts on its own"
    );
}

#[tokio::test]
async fn three_fifteen_minute_calls_are_forty_five_billable_minutes() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Três ligações", &[]).await;
    for start in ["09:00", "10:00", "11:00"] {
        let end = format!("{}:15", &start[..2]);
        let response = agent
            .upload_form(
                &format!("{path}/activities"),
                &[
                    ("kind", "phone_call"),
                    ("description", "Ligação"),
                    ("date", "2026-11-20"),
                    ("start_time", start),
                    ("end_time", &end),
                    ("billable", "on"),
                ],
            )
            .await;
        assert_eq!(
            response.status_code(),
            StatusCode::SEE_OTHER,
            "{}",
            response.text()
        );
    }
    agent
        .upload_form(
            &format!("{path}/activities"),
            &[
                ("kind", "task"),
                ("description", "Conferir estoque"),
                ("duration", "20"),
            ],
        )
        .await;
    let page = agent.get(&path).await.text();
    let time = html::text(&page, "#case-time");
    assert!(
        time.contains("1 h 05 min") && time.contains("45 min"),
        "{time}"
    );
    let resolve = agent.get(&format!("{path}/resolve")).await.text();
    assert_eq!(
        html::input_value(&resolve, "billable").as_deref(),
        Some("45 min"),
        "resolution starts from the billable time"
    );
}

#[tokio::test]
async fn a_service_record_needs_person_date_and_hours_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Registro", &[]).await;
    let response = agent
        .upload_form(
            &format!("{path}/activities"),
            &[("kind", "service_record"), ("description", "Visita feita")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    for field in ["person_id", "date", "start_time", "end_time"] {
        assert!(html::field_error(&page, field).is_some(), "{field}");
    }
    assert_eq!(
        html::text(&page, "#activity-form #f-description"),
        "Visita feita"
    );
}

#[tokio::test]
async fn starting_execution_records_first_response_and_takes_the_case() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Executar", &[]).await;
    agent.post_form(&format!("{path}/start"), &[]).await;
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-owner").contains("agent acme"));
    assert!(html::text(&page, "#case-state").contains("Em andamento"));
    let (first, owner): (Option<chrono::DateTime<chrono::Utc>>, Option<uuid::Uuid>) =
        sqlx::query_as(
            "select first_response_at, owner_user_id from cases where title = 'Executar'",
        )
        .fetch_one(&app.pool)
        .await
        .expect("case");
    assert!(first.is_some());
    assert_eq!(owner, Some(app.user_id(ACME, Role::Agent).await));
}

#[tokio::test]
async fn forwarding_requires_every_field_and_a_member_of_the_team() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let team = app
        .named("teams", "Nível 2 — Especialistas")
        .await
        .to_string();
    let supervisor = app.user_id(ACME, Role::Supervisor).await.to_string();
    admin
        .post_form(
            &format!("/admin/teams/{team}/members"),
            &[("user_id", &supervisor)],
        )
        .await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Encaminhar", &[]).await;

    let response = agent
        .post_form(
            &format!("{path}/forward"),
            &[("note", "Precisa de especialista")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    for field in ["reason_id", "team_id", "user_id", "request_type_id"] {
        assert!(html::field_error(&page, field).is_some(), "{field}");
    }
    assert_eq!(html::text(&page, "#f-note"), "Precisa de especialista");

    let reason = app
        .named("forward_reasons", "Necessita especialista")
        .await
        .to_string();
    let request_type = app.named("request_types", "Reclamação").await.to_string();
    let outsider = app.user_id(ACME, Role::Admin).await.to_string();
    let wrong = agent
        .post_form(
            &format!("{path}/forward"),
            &[
                ("reason_id", &reason),
                ("team_id", &team),
                ("user_id", &outsider),
                ("request_type_id", &request_type),
            ],
        )
        .await;
    assert_eq!(wrong.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html::field_error(&wrong.text(), "user_id")
            .unwrap_or_default()
            .contains("equipe")
    );

    let done = agent
        .post_form(
            &format!("{path}/forward"),
            &[
                ("reason_id", &reason),
                ("team_id", &team),
                ("user_id", &supervisor),
                ("request_type_id", &request_type),
                ("note", "Veja o histórico"),
            ],
        )
        .await;
    assert_eq!(done.status_code(), StatusCode::SEE_OTHER);
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-owner").contains("supervisor acme"));
    assert!(timeline_kinds(&page).contains(&"Encaminhamento".to_owned()));
    let boss = app.signed_in(Role::Supervisor).await;
    let bell = boss.get("/cases").await.text();
    assert_eq!(
        html::text(&bell, ".bell-count"),
        "1",
        "the new owner is notified"
    );
    let list = boss.get("/notifications").await.text();
    assert!(html::text(&list, ".notification-list").contains("Encaminhar"));
}

#[tokio::test]
async fn a_parent_with_open_children_cannot_be_resolved_and_says_which() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let parent = open_case(&agent, &app, "Pai", &[]).await;
    let parent_number = parent.trim_start_matches("/cases/").to_owned();
    let child = open_case(&agent, &app, "Filho", &[("parent_case", &parent_number)]).await;
    let reasons = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let response = agent
        .post_form(
            &format!("{parent}/resolve"),
            &[("status_reason_id", &reasons), ("text", "Feito")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let child_number = child.trim_start_matches("/cases/");
    assert!(html::text(&response.text(), "#refusal").contains(child_number));
    agent
        .post_form(
            &format!("{child}/resolve"),
            &[("status_reason_id", &reasons), ("text", "Filho resolvido")],
        )
        .await;
    let response = agent
        .post_form(
            &format!("{parent}/resolve"),
            &[("status_reason_id", &reasons), ("text", "Pai resolvido")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let page = agent
        .get(&format!("{parent}?tab=relationships"))
        .await
        .text();
    assert!(html::text(&page, "#children").contains(child_number));
}

#[tokio::test]
async fn resolved_and_cancelled_cases_come_back_but_closed_ones_take_no_closing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Ciclo", &[]).await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let missing = agent
        .post_form(
            &format!("{path}/resolve"),
            &[("status_reason_id", &solved), ("text", "")],
        )
        .await;
    assert_eq!(
        missing.status_code(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a resolution needs its text"
    );
    agent
        .post_form(
            &format!("{path}/resolve"),
            &[
                ("status_reason_id", &solved),
                ("text", "OK"),
                ("billable", "10"),
            ],
        )
        .await;
    let again = agent
        .post_form(
            &format!("{path}/resolve"),
            &[("status_reason_id", &solved), ("text", "OK")],
        )
        .await;
    assert_eq!(
        again.status_code(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolving twice is refused"
    );
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-state").contains("Resolvido"));
    agent
        .post_form(&format!("{path}/reactivate"), &[("confirm", "yes")])
        .await;
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-state").contains("Ativo"));
    let cancelled = app.named("status_reasons", "Cancelado").await.to_string();
    agent
        .post_form(
            &format!("{path}/cancel"),
            &[("status_reason_id", &cancelled), ("text", "Duplicado")],
        )
        .await;
    let page = agent.get(&path).await.text();
    assert!(html::text(&page, "#case-state").contains("Cancelado"));
    let kinds = timeline_kinds(&page);
    for kind in ["Cancelamento", "Reativação", "Resolução", "Criação"] {
        assert!(kinds.contains(&kind.to_owned()), "{kind} in {kinds:?}");
    }
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let merged = app.named("status_reasons", "Mesclado").await.to_string();
    let by_hand = agent
        .post_form(&format!("{path}/reactivate"), &[("confirm", "yes")])
        .await;
    assert_eq!(by_hand.status_code(), StatusCode::SEE_OTHER);
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let sneaky = agent
        .post_form(&format!("{path}/cancel"), &[("status_reason_id", &merged)])
        .await;
    assert_eq!(
        sneaky.status_code(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "merged is for merging only"
    );
}

#[tokio::test]
async fn merging_cancels_the_others_and_gathers_their_timeline_on_the_primary() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let a = open_case(&agent, &app, "Duplicado A", &[]).await;
    let b = open_case(&agent, &app, "Duplicado B", &[]).await;
    agent
        .upload_form(&format!("{b}/notes"), &[("body", "Nota escrita no B")])
        .await;
    let (na, nb) = (
        a.trim_start_matches("/cases/").to_owned(),
        b.trim_start_matches("/cases/").to_owned(),
    );
    let response = agent
        .post_form(
            &format!("{a}/merge"),
            &[("cases", &nb), ("primary", &na), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&response), a);
    let primary = agent.get(&a).await.text();
    assert!(
        html::text(&primary, "#timeline").contains("Nota escrita no B"),
        "notes of merged cases show on the primary"
    );
    let secondary = agent.get(&b).await.text();
    assert!(html::text(&secondary, "#case-state").contains("Mesclado"));
    assert!(html::text(&secondary, ".case-facts").contains(&na));
    let relations = agent.get(&format!("{a}?tab=relationships")).await.text();
    assert!(html::text(&relations, "#merged").contains(&nb));
    // A merged case takes part in no further merge, nor comes back on its own.
    let c = open_case(&agent, &app, "Duplicado C", &[]).await;
    agent
        .post_form(
            &format!("{c}/merge"),
            &[
                ("cases", &nb),
                ("primary", c.trim_start_matches("/cases/")),
                ("confirm", "yes"),
            ],
        )
        .await;
    let still: String = sqlx::query_scalar("select state from cases where title = 'Duplicado C'")
        .fetch_one(&app.pool)
        .await
        .expect("c");
    assert_eq!(still, "active");
    agent
        .post_form(&format!("{b}/reactivate"), &[("confirm", "yes")])
        .await;
    let state: String = sqlx::query_scalar("select state from cases where title = 'Duplicado B'")
        .fetch_one(&app.pool)
        .await
        .expect("b");
    assert_eq!(state, "cancelled");
}

#[tokio::test]
async fn cases_of_different_customers_are_not_merged() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let a = open_case(&agent, &app, "Do cliente 1", &[]).await;
    let jose = app.any_row_named("José da Silva").await.to_string();
    let other = agent
        .post_form(
            "/cases",
            &[("title", "Do cliente 2"), ("customer_id", &jose)],
        )
        .await;
    let b = location(&other);
    agent
        .post_form(
            &format!("{a}/merge"),
            &[
                ("cases", b.trim_start_matches("/cases/")),
                ("primary", a.trim_start_matches("/cases/")),
                ("confirm", "yes"),
            ],
        )
        .await;
    let page = agent.get(&a).await.text();
    assert!(html::text(&page, ".flash-error").contains("mesmo cliente"));
}

/// Posts an edit form with exactly these fields (and the session's token).
async fn save_edit(
    browser: &Browser,
    action: &str,
    fields: Vec<(String, String)>,
) -> axum_test::TestResponse {
    let mut all = vec![(
        "csrf_token".to_owned(),
        browser.csrf.clone().unwrap_or_default(),
    )];
    all.extend(fields);
    browser.server.post(action).form(&all).await
}

/// The fields an edit saves, as the edit form at `action` holds them, with
/// a new title.
fn retitled(form: &str, action: &str, title: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        "customer_id",
        "version",
        "priority_id",
        "status_reason_id",
        "received_at",
    ]
    .iter()
    .map(|name| {
        (
            (*name).to_owned(),
            html::form_value(form, action, name).unwrap_or_default(),
        )
    })
    .collect();
    fields.push(("title".into(), title.into()));
    fields
}

#[tokio::test]
async fn a_stale_edit_shows_both_values_and_overwrites_nothing() {
    let app = TestApp::spawn().await;
    let first = app.signed_in(Role::Agent).await;
    let second = app.signed_in(Role::Supervisor).await;
    let path = open_case(&first, &app, "Título original", &[]).await;
    let form_a = first.get(&format!("{path}/edit")).await.text();
    let form_b = second.get(&format!("{path}/edit")).await.text();
    let action = format!("{path}/edit");
    let fields = |page: &str, title: &str| retitled(page, &action, title);
    let ok = save_edit(&first, &action, fields(&form_a, "Título do primeiro")).await;
    assert_eq!(ok.status_code(), StatusCode::SEE_OTHER);
    let stale = save_edit(&second, &action, fields(&form_b, "Título do segundo")).await;
    assert_eq!(stale.status_code(), StatusCode::CONFLICT);
    let page = stale.text();
    let conflict = html::text(&page, "#conflict");
    assert!(
        conflict.contains("Título do primeiro") && conflict.contains("Título do segundo"),
        "{conflict}"
    );
    assert_eq!(
        html::form_value(&page, &format!("{path}/edit"), "title").as_deref(),
        Some("Título do segundo"),
        "what was typed is kept"
    );
    let title: String = sqlx::query_scalar("select title from cases where title like 'Título%'")
        .fetch_one(&app.pool)
        .await
        .expect("case");
    assert_eq!(title, "Título do primeiro", "nothing silently overwritten");
    // Saving again from the conflict page applies the second agent's value deliberately.
    let retry = save_edit(&second, &action, fields(&page, "Título do segundo")).await;
    assert_eq!(retry.status_code(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn edits_are_audited_field_by_field() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Auditoria", &[]).await;
    let form = agent.get(&format!("{path}/edit")).await.text();
    let action = format!("{path}/edit");
    let alta = app.named("priorities", "Alta").await.to_string();
    let mut fields: Vec<(String, String)> =
        ["customer_id", "version", "status_reason_id", "received_at"]
            .iter()
            .map(|n| {
                (
                    (*n).to_owned(),
                    html::form_value(&form, &action, n).unwrap_or_default(),
                )
            })
            .collect();
    fields.push(("title".into(), "Auditoria revista".into()));
    fields.push(("priority_id".into(), alta));
    let mut all = vec![(
        "csrf_token".to_owned(),
        agent.csrf.clone().unwrap_or_default(),
    )];
    all.extend(fields);
    agent.server.post(&action).form(&all).await;
    let page = agent.get(&format!("{path}?timeline=changes")).await.text();
    let changes = html::texts(&page, "#timeline .event-change");
    assert!(
        changes
            .iter()
            .any(|c| c.contains("Auditoria") && c.contains("Auditoria revista")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.contains("Normal") && c.contains("Alta")),
        "{changes:?}"
    );
}

#[tokio::test]
async fn a_retitled_case_is_found_by_its_new_title_and_no_longer_by_the_old_one() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Impressora sem tôner", &[]).await;
    let titles = |page: &str| html::texts(page, "#cases .case-title");
    let before = agent.get("/cases?view=active&q=TONER").await.text();
    assert_eq!(titles(&before), ["Impressora sem tôner"]);

    let action = format!("{path}/edit");
    let form = agent.get(&action).await.text();
    let fields = retitled(&form, &action, "Câmera de segurança apagada");
    let saved = save_edit(&agent, &action, fields).await;
    assert_eq!(saved.status_code(), StatusCode::SEE_OTHER);

    let by_new = agent
        .get("/cases?view=active&q=camera%20de%20SEGURAN")
        .await;
    assert_eq!(titles(&by_new.text()), ["Câmera de segurança apagada"]);
    let by_old = agent.get("/cases?view=active&q=toner").await.text();
    assert_eq!(titles(&by_old), Vec::<String>::new());
}

#[tokio::test]
async fn notes_are_public_or_private_and_notify_owner_and_followers_when_asked() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Notas", &[]).await;
    agent.post_form(&format!("{path}/start"), &[]).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    supervisor.post_form(&format!("{path}/follow"), &[]).await;
    let urgent = app.named("priorities", "Urgente").await.to_string();
    supervisor
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Cliente ligou de novo"),
                ("visibility", "public"),
                ("notify", "1"),
                ("priority_id", &urgent),
            ],
        )
        .await;
    let supervisor_name: String = sqlx::query_scalar("select name from users where id = $1")
        .bind(app.user_id(ACME, Role::Supervisor).await)
        .fetch_one(&app.pool)
        .await
        .expect("supervisor");
    let details = agent.get(&format!("{path}?tab=details")).await.text();
    assert!(
        html::text(&details, ".facts").contains(&supervisor_name),
        "the note's author last changed the case"
    );
    agent
        .upload_form(&format!("{path}/notes"), &[("body", "Anotação interna")])
        .await;
    let page = agent.get(&path).await.text();
    let notes = html::texts(&page, "#timeline .event-note");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Cliente ligou de novo") && n.contains("Público"))
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Anotação interna") && n.contains("Privado"))
    );
    assert!(
        html::text(&page, ".case-facts").contains("Urgente"),
        "the note changed the priority"
    );
    assert_eq!(
        html::text(&page, ".bell-count"),
        "1",
        "the owner was notified"
    );
    let page = supervisor.get("/cases").await.text();
    assert!(
        html::text(&page, ".bell-count").is_empty(),
        "a note without 'notify' notifies nobody, and authors never themselves"
    );
    let empty = agent
        .upload_form(&format!("{path}/notes"), &[("body", "   ")])
        .await;
    assert_eq!(empty.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&empty.text(), "body").is_some());
}

#[tokio::test]
async fn a_note_changing_a_case_resolved_meanwhile_is_refused_with_the_text_kept() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Resolvido", &[]).await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let resolved = agent
        .post_form(
            &format!("{path}/resolve"),
            &[("status_reason_id", &solved), ("text", "Feito")],
        )
        .await;
    assert_eq!(resolved.status_code(), StatusCode::SEE_OTHER);
    let urgent = app.named("priorities", "Urgente").await.to_string();
    let refused = agent
        .upload_form(
            &format!("{path}/notes"),
            &[("body", "Subir a prioridade"), ("priority_id", &urgent)],
        )
        .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text();
    assert!(
        html::field_error(&page, "body").is_some_and(|e| e.contains("caso ativo")),
        "{:?}",
        html::field_error(&page, "body")
    );
    assert!(
        page.contains("Subir a prioridade"),
        "the note typed is kept"
    );
    let noted = agent
        .upload_form(&format!("{path}/notes"), &[("body", "Cliente agradeceu")])
        .await;
    assert_eq!(noted.status_code(), StatusCode::SEE_OTHER);
    let page = agent.get(&path).await.text();
    let notes = html::texts(&page, "#timeline .event-note");
    assert!(notes.iter().any(|n| n.contains("Cliente agradeceu")));
    assert!(!notes.iter().any(|n| n.contains("Subir a prioridade")));
    assert!(!html::text(&page, ".case-facts").contains("Urgente"));
}

#[tokio::test]
async fn a_note_on_another_workspaces_case_is_a_404_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Só da Acme", &[]).await;
    let outsider = app.signed_in_to(GLOBEX, Role::Agent).await;
    let urgent = app.any_row("priorities", GLOBEX).await.to_string();
    for fields in [
        vec![("body", "Nota de fora")],
        vec![("body", "Nota de fora"), ("priority_id", urgent.as_str())],
    ] {
        let response = outsider
            .upload_form(&format!("{path}/notes"), &fields)
            .await;
        assert_eq!(response.status_code(), StatusCode::NOT_FOUND, "{fields:?}");
    }
    let notes: i64 =
        sqlx::query_scalar("select count(*) from case_events where body = 'Nota de fora'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(notes, 0);
    let page = agent.get(&path).await.text();
    assert!(!page.contains("Nota de fora"));
    let last_changed_by: uuid::Uuid =
        sqlx::query_scalar("select updated_by from cases where title = 'Só da Acme'")
            .fetch_one(&app.pool)
            .await
            .expect("the case");
    assert_eq!(
        last_changed_by,
        app.user_id(ACME, Role::Agent).await,
        "the case was not marked as changed by the outsider"
    );
}

#[tokio::test]
async fn agents_take_unassigned_cases_and_supervisors_assign_in_bulk() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let a = open_case(&agent, &app, "Sem dono 1", &[]).await;
    let b = open_case(&agent, &app, "Sem dono 2", &[]).await;
    let unassigned = agent.get("/cases?view=unassigned").await.text();
    assert!(html::texts(&unassigned, "#cases .case-title").contains(&"Sem dono 1".to_owned()));
    agent.post_form(&format!("{a}/take"), &[]).await;
    let mine = agent.get("/cases?view=mine").await.text();
    assert_eq!(html::texts(&mine, "#cases .case-title"), ["Sem dono 1"]);
    let denied = agent
        .post_form(
            "/cases/assign",
            &[("cases", b.trim_start_matches("/cases/")), ("owner", "")],
        )
        .await;
    assert_eq!(denied.status_code(), StatusCode::FORBIDDEN);

    let supervisor = app.signed_in(Role::Supervisor).await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    let response = supervisor
        .post_form(
            "/cases/assign",
            &[
                ("cases", b.trim_start_matches("/cases/")),
                ("cases", a.trim_start_matches("/cases/")),
                ("owner", &format!("user:{agent_id}")),
                ("next", "/cases?view=active"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/cases?view=active");
    let mine = agent.get("/cases?view=mine").await.text();
    assert_eq!(html::texts(&mine, "#cases .case-title").len(), 2);
    // Someone else's case cannot be taken by an agent.
    let other = app.signed_in(Role::Admin).await;
    let c = open_case(
        &other,
        &app,
        "Do admin",
        &[(
            "owner",
            &format!("user:{}", app.user_id(ACME, Role::Admin).await),
        )],
    )
    .await;
    assert_eq!(
        agent
            .post_form(&format!("{c}/take"), &[])
            .await
            .status_code(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn views_filter_sort_search_and_draw_the_chart() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let alta = app.named("priorities", "Alta").await.to_string();
    open_case(&agent, &app, "Alfa urgente", &[("priority_id", &alta)]).await;
    let done = open_case(&agent, &app, "Beta resolvido", &[]).await;
    open_case(&agent, &app, "Gama comum", &[]).await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    agent
        .post_form(
            &format!("{done}/resolve"),
            &[("status_reason_id", &solved), ("text", "OK")],
        )
        .await;

    let titles = |page: &str| html::texts(page, "#cases .case-title");
    let active = agent
        .get("/cases?view=active&sort=title&dir=asc")
        .await
        .text();
    assert_eq!(
        titles(&active)[..2],
        ["Alfa urgente".to_owned(), "Fixture case of acme".to_owned()]
    );
    assert!(!titles(&active).contains(&"Beta resolvido".to_owned()));
    let resolved = agent.get("/cases?view=resolved").await.text();
    assert_eq!(titles(&resolved), ["Beta resolvido"]);
    let created = agent
        .get("/cases?view=created&sort=title&dir=desc")
        .await
        .text();
    let mine: Vec<String> = titles(&created)
        .into_iter()
        .filter(|t| !t.starts_with("Fixture"))
        .collect();
    assert_eq!(mine, ["Gama comum", "Beta resolvido", "Alfa urgente"]);
    let filtered = agent
        .get(&format!("/cases?view=active&priority={alta}"))
        .await
        .text();
    assert_eq!(titles(&filtered), ["Alfa urgente"]);
    let number = done.trim_start_matches("/cases/");
    let by_number = agent
        .get(&format!("/cases?view=resolved&q={number}"))
        .await
        .text();
    assert_eq!(titles(&by_number), ["Beta resolvido"]);
    let by_title = agent.get("/cases?view=active&q=gama").await.text();
    assert_eq!(titles(&by_title), ["Gama comum"]);
    let by_customer = agent.get("/cases?view=active&q=padaria%20sao").await.text();
    assert!(titles(&by_customer).len() >= 3);
    // Inside a word, in capitals, accented: the same customer's cases.
    let by_fragment = agent
        .get("/cases?view=active&q=ADARIA%20S%C3%83")
        .await
        .text();
    assert_eq!(titles(&by_fragment), titles(&by_customer));
    let by_short_fragment = agent.get("/cases?view=active&q=ad").await.text();
    assert!(titles(&by_short_fragment).len() >= titles(&by_customer).len());
    let by_unknown_word = agent.get("/cases?view=active&q=padaria%20zzz").await.text();
    assert_eq!(titles(&by_unknown_word), Vec::<String>::new());
    let chart = agent.get("/cases?view=active&chart=priority").await.text();
    let bars = html::texts(&chart, "figure.chart svg text");
    assert!(
        bars.contains(&"Alta".to_owned()) && bars.contains(&"Normal".to_owned()),
        "{bars:?}"
    );
    let sorted = agent.get("/cases?view=active&sort=priority").await.text();
    assert_eq!(
        titles(&sorted).first().map(String::as_str),
        Some("Alfa urgente"),
        "highest priority first"
    );
}

#[tokio::test]
async fn pages_continue_where_they_stopped_even_when_cases_arrive_meanwhile() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for i in 0..30 {
        open_case(&agent, &app, &format!("Caso {i:02}"), &[]).await;
    }
    let first = agent.get("/cases?view=active").await.text();
    let page_one = html::texts(&first, "#cases .case-title");
    assert_eq!(page_one.len(), 25);
    let next = scraper::Html::parse_document(&first)
        .select(&scraper::Selector::parse("a[rel=next]").expect("selector"))
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a next page");
    for i in 0..5 {
        open_case(&agent, &app, &format!("Novo {i}"), &[]).await;
    }
    let second = agent.get(&next).await.text();
    let page_two = html::texts(&second, "#cases .case-title");
    assert_eq!(page_two.len(), 32 - 25, "the rest, no more");
    assert!(
        page_two.iter().all(|t| !page_one.contains(t)),
        "nothing repeats"
    );
    assert!(
        page_two.iter().all(|t| !t.starts_with("Novo")),
        "new cases appear on page one, not in the middle"
    );
    let per_page = agent.get("/cases?view=active&per=50").await.text();
    assert_eq!(html::texts(&per_page, "#cases .case-title").len(), 37);
}

#[tokio::test]
async fn attachments_are_downloaded_never_rendered() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Com anexo", &[]).await;
    let html_file = b"<script>alert(1)</script>".to_vec();
    let response = agent
        .upload_as(
            &format!("{path}/attachments"),
            "file",
            "../../evil<page>.html",
            "text/html",
            html_file.clone(),
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let page = agent.get(&path).await.text();
    let link = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#attachments a").expect("selector"))
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("attachment link");
    let download = agent.get(&link).await;
    assert_eq!(download.status_code(), StatusCode::OK);
    assert_eq!(download.as_bytes().to_vec(), html_file);
    let disposition = download
        .header("content-disposition")
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("evil_page_.html")
            && !disposition.contains(".."),
        "{disposition}"
    );
    assert_eq!(download.header("content-type"), "application/octet-stream");
    assert_eq!(download.header("x-content-type-options"), "nosniff");
    let sha: String =
        sqlx::query_scalar("select sha256 from attachments where file_name like 'evil%'")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!(download.header("x-checksum-sha256"), sha.as_str());
    let outsider = app.signed_in_to(crate::support::GLOBEX, Role::Agent).await;
    assert_eq!(
        outsider.get(&link).await.status_code(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_attachment_over_the_limit_is_refused_with_413() {
    let app = TestApp::spawn_with(|c| c.upload_limit_bytes = 64 * 1024).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Grande", &[]).await;
    let response = agent
        .upload(
            &format!("{path}/attachments"),
            "file",
            "grande.bin",
            vec![7u8; 200 * 1024],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::PAYLOAD_TOO_LARGE);
    let count: i64 =
        sqlx::query_scalar("select count(*) from attachments where file_name = 'grande.bin'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_child_case_inherits_from_its_parent_and_loops_are_refused() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let forno = app.named("products", "Forno Turbo 450").await.to_string();
    let parent = open_case(&agent, &app, "Pai", &[("product_id", &forno)]).await;
    let number = parent.trim_start_matches("/cases/");
    let form = agent
        .get(&format!("/cases/new?parent={number}"))
        .await
        .text();
    assert_eq!(
        html::input_value(&form, "parent_case").as_deref(),
        Some(number)
    );
    assert!(
        html::text(&form, "#customer-picker").contains("Padaria São João Ltda"),
        "inherits the customer"
    );
    assert!(
        html::text(&form, "#f-product_id option[selected]").contains("Forno Turbo 450"),
        "inherits the product"
    );
    let child = open_case(&agent, &app, "Filho", &[("parent_case", number)]).await;
    let loop_back = agent
        .post_form(&format!("{child}/children"), &[("child", number)])
        .await;
    assert_eq!(loop_back.status_code(), StatusCode::SEE_OTHER);
    let parent_of_parent: Option<uuid::Uuid> =
        sqlx::query_scalar("select parent_case_id from cases where title = 'Pai'")
            .fetch_one(&app.pool)
            .await
            .expect("pai");
    assert_eq!(
        parent_of_parent, None,
        "a parent cannot become its child's child"
    );
    let orphan = open_case(&agent, &app, "Avulso", &[]).await;
    agent
        .post_form(
            &format!("{parent}/children"),
            &[("child", orphan.trim_start_matches("/cases/"))],
        )
        .await;
    let page = agent
        .get(&format!("{parent}?tab=relationships"))
        .await
        .text();
    assert!(html::text(&page, "#children").contains(orphan.trim_start_matches("/cases/")));
}

#[tokio::test]
async fn without_javascript_the_form_finds_and_creates_customers_and_keeps_everything_typed() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let typed = [
        ("title", "Sem JavaScript"),
        ("description", "Tudo que digitei"),
    ];
    let found = agent
        .post_form(
            "/cases",
            &[&typed[..], &[("action", "find_customer"), ("q", "padaria")]].concat(),
        )
        .await;
    assert_eq!(found.status_code(), StatusCode::OK);
    let page = found.text();
    assert_eq!(
        html::input_value(&page, "title").as_deref(),
        Some("Sem JavaScript")
    );
    assert!(html::text(&page, "#customer-results").contains("Padaria São João Ltda"));

    let role = app.named("customer_roles", "Cliente").await.to_string();
    let created = agent
        .post_form(
            "/cases",
            &[
                &typed[..],
                &[
                    ("action", "create_customer"),
                    ("nc_kind", "contact"),
                    ("nc_name", "Nova Cliente"),
                    ("nc_roles", &role),
                ],
            ]
            .concat(),
        )
        .await;
    assert_eq!(created.status_code(), StatusCode::OK);
    let page = created.text();
    assert!(
        html::text(&page, "#customer-picker").contains("Nova Cliente"),
        "chosen at once"
    );
    assert_eq!(html::text(&page, "#f-description"), "Tudo que digitei");
    let customer = html::input_value(&page, "customer_id").unwrap_or_default();
    let key = html::input_value(&page, "idempotency_key").unwrap_or_default();
    let saved = agent
        .post_form(
            "/cases",
            &[
                &typed[..],
                &[("customer_id", &customer), ("idempotency_key", &key)],
            ]
            .concat(),
        )
        .await;
    assert_eq!(saved.status_code(), StatusCode::SEE_OTHER);

    let reason = app.named("reasons", "Reclamação").await.to_string();
    let refreshed = agent
        .post_form("/cases", &[("action", "refresh"), ("reason_id", &reason)])
        .await;
    let options = html::texts(&refreshed.text(), "#f-occurrence_id option");
    assert!(
        options.contains(&"Produto com defeito".to_owned()),
        "{options:?}"
    );
}

#[tokio::test]
async fn the_case_picker_shows_alerts_recent_cases_and_the_customers_contacts() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let padaria = padaria(&app).await;
    agent
        .post_form(
            &format!("/customers/{padaria}/alerts"),
            &[("text", "Cliente Gold"), ("priority", "medium")],
        )
        .await;
    let fragment = agent
        .htmx_get(&format!("/cases/pick-customer/{padaria}"))
        .await
        .text();
    assert!(html::text(&fragment, ".alert-banner").contains("Cliente Gold"));
    assert!(html::text(&fragment, "#customer-recent").contains("Fixture case of acme"));
    assert!(html::texts(&fragment, "#f-contact_id option").contains(&"José da Silva".to_owned()));
}

#[tokio::test]
async fn the_customer_page_lists_its_cases_open_first_with_time_worked() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let old = open_case(&agent, &app, "Antigo resolvido", &[]).await;
    agent
        .upload_form(
            &format!("{old}/activities"),
            &[
                ("kind", "phone_call"),
                ("description", "Ligação"),
                ("duration", "30"),
                ("billable", "on"),
            ],
        )
        .await;
    agent
        .post_form(
            &format!("{old}/resolve"),
            &[("status_reason_id", &solved), ("text", "OK")],
        )
        .await;
    open_case(&agent, &app, "Novo aberto", &[]).await;
    let page = agent
        .get(&format!("/customers/{}", padaria(&app).await))
        .await
        .text();
    let cases = html::texts(&page, "#customer-cases li");
    let position = |t: &str| {
        cases
            .iter()
            .position(|c| c.contains(t))
            .unwrap_or(usize::MAX)
    };
    assert!(
        position("Novo aberto") < position("Antigo resolvido"),
        "{cases:?}"
    );
    assert!(html::text(&page, "#customer-cases").contains("30 min"));
}

#[tokio::test]
async fn the_printable_report_holds_details_timeline_and_totals() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Para imprimir", &[]).await;
    agent
        .upload_form(&format!("{path}/notes"), &[("body", "Relato impresso")])
        .await;
    let page = agent.get(&format!("{path}/print")).await.text();
    assert!(html::text(&page, "h1").contains("Para imprimir"));
    assert!(html::text(&page, ".print-timeline").contains("Relato impresso"));
    assert!(page.contains("print"), "uses the print stylesheet");
    let details = html::texts(&page, ".print-table tr");
    assert!(
        details
            .iter()
            .any(|row| row.contains("Proprietário") && row.contains("Não atribuído")),
        "an unassigned case says so on paper: {details:?}"
    );
}

#[tokio::test]
async fn a_note_written_meanwhile_does_not_make_an_open_edit_stale() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let path = open_case(&agent, &app, "Editando", &[]).await;
    let form = agent.get(&format!("{path}/edit")).await.text();
    supervisor
        .upload_form(&format!("{path}/notes"), &[("body", "Só uma nota")])
        .await;
    let action = format!("{path}/edit");
    let response = save_edit(&agent, &action, retitled(&form, &action, "Editado")).await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_bell_counts_unread_notifications_exactly_up_to_ninety_nine_and_then_says_99_plus() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let agent_id = app.user_id(ACME, Role::Agent).await;
    let notify = |count: i32, read: bool| {
        sqlx::query(
            "insert into notifications (tenant_id, id, user_id, kind, created_at, read_at)
             select u.tenant_id, gen_random_uuid(), u.id, 'assigned', now(),
                    case when $3 then now() end
               from users u, generate_series(1, $2)
              where u.id = $1",
        )
        .bind(agent_id)
        .bind(count)
        .bind(read)
        .execute(&app.pool)
    };

    notify(40, true).await.expect("read notifications");
    notify(3, false).await.expect("unread notifications");
    let page = agent.get("/cases").await.text();
    assert_eq!(
        html::text(&page, ".bell-count"),
        "3",
        "read ones do not count"
    );

    notify(96, false).await.expect("unread notifications");
    let page = agent.get("/cases").await.text();
    assert_eq!(html::text(&page, ".bell-count"), "99");

    notify(500, false).await.expect("unread notifications");
    let page = agent.get("/cases").await.text();
    assert_eq!(html::text(&page, ".bell-count"), "99+");
    let list = agent.get("/notifications").await;
    assert_eq!(list.status_code(), StatusCode::OK);
}

#[tokio::test]
async fn the_case_page_shows_the_customers_alerts_merged_attachments_and_following() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let padaria = padaria(&app).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    for (text, priority, expires_on) in [
        ("Prefere contato por e-mail", "low", ""),
        ("Inadimplente desde outubro", "high", tomorrow.as_str()),
    ] {
        agent
            .post_form(
                &format!("/customers/{padaria}/alerts"),
                &[
                    ("text", text),
                    ("priority", priority),
                    ("expires_on", expires_on),
                ],
            )
            .await;
    }
    let primary = open_case(&agent, &app, "Forno com defeito", &[]).await;
    let duplicate = open_case(&agent, &app, "Forno com defeito (de novo)", &[]).await;
    agent
        .upload_as(
            &format!("{duplicate}/attachments"),
            "file",
            "nota-fiscal.pdf",
            "application/pdf",
            b"%PDF-1.4 nota".to_vec(),
        )
        .await;
    agent
        .post_form(
            &format!("{primary}/merge"),
            &[
                ("cases", duplicate.trim_start_matches("/cases/")),
                ("primary", primary.trim_start_matches("/cases/")),
                ("confirm", "yes"),
            ],
        )
        .await;
    agent.post_form(&format!("{primary}/follow"), &[]).await;

    let page = agent.get(&primary).await.text();
    assert_eq!(
        html::texts(&page, ".case-alerts .alert-banner")
            .iter()
            .map(|alert| alert.contains("Inadimplente"))
            .collect::<Vec<_>>(),
        [true, false],
        "both alerts, the urgent one first"
    );
    assert!(
        html::text(&page, "#attachments").contains("nota-fiscal.pdf"),
        "the merged case's file is listed on the case it was merged into"
    );
    assert!(page.contains(&format!("action=\"{primary}/unfollow\"")));

    app.clock().advance(chrono::Duration::days(3));
    // Three idle days end the session: the agent signs in again.
    let agent = app.signed_in(Role::Agent).await;
    agent.post_form(&format!("{primary}/unfollow"), &[]).await;
    let later = agent.get(&primary).await.text();
    assert!(html::text(&later, ".case-alerts").contains("Prefere contato por e-mail"));
    assert_eq!(
        html::texts(&later, ".case-alerts .alert-banner").len(),
        1,
        "the expired alert is gone"
    );
    assert!(later.contains(&format!("action=\"{primary}/follow\"")));
}
