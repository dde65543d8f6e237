//! Catalog entries (statuses, priorities, reasons, SLA items ...) named in
//! each reader's language: the default name for pt-BR, the Galician or
//! English one where the workspace gave it, in pages, the timeline and CSV.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, see_other};

async fn open_case(browser: &Browser, customer: &str, title: &str) -> String {
    let key = uuid::Uuid::now_v7().to_string();
    let response = browser
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

async fn in_language(browser: &Browser, lang: &str) {
    let response = browser
        .post_form("/language", &[("lang", lang), ("next", "/cases")])
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
}

async fn status_named(app: &TestApp, workspace: &str, name: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(
        "select s.id from status_reasons s join tenants t on t.id = s.tenant_id
          where t.slug = $1 and s.name = $2",
    )
    .bind(workspace)
    .bind(name)
    .fetch_one(&app.pool)
    .await
    .expect("status reason")
    .to_string()
}

#[tokio::test]
async fn a_galician_team_reads_the_default_statuses_in_galician_on_the_case_and_the_list() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in_to(GLOBEX, Role::Agent).await;
    let customer = app
        .any_row_named("Conservas Galegas S.A.")
        .await
        .to_string();
    let path = open_case(&agent, &customer, "Lata amolgada").await;
    let page = agent.get(&path).await.text();
    assert!(
        html::text(&page, "#case-state").contains("En curso"),
        "{}",
        html::text(&page, "#case-state")
    );
    let list = agent.get("/cases?view=active").await.text();
    assert!(
        list.contains("En curso"),
        "the list names the status in Galician"
    );
    assert!(!list.contains("Em andamento"));
}

#[tokio::test]
async fn a_status_change_on_the_timeline_reads_in_each_readers_language() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let path = open_case(&agent, &customer, "Forno desligando").await;
    let on_hold = status_named(&app, ACME, "Em espera").await;
    let response = agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Aguardando peça."),
                ("visibility", "private"),
                ("status_reason_id", on_hold.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);

    let portuguese = agent.get(&path).await.text();
    let change = html::text(&portuguese, "#timeline .event-change");
    assert!(
        change.contains("Em andamento") && change.contains("Em espera"),
        "{change}"
    );

    let reader = app.signed_in(Role::Supervisor).await;
    in_language(&reader, "en").await;
    let english = reader.get(&path).await.text();
    let change = html::text(&english, "#timeline .event-change");
    assert!(
        change.contains("In progress") && change.contains("On hold"),
        "the writer's Portuguese is not what an English reader sees: {change}"
    );
}

#[tokio::test]
async fn an_admin_names_a_priority_in_english_and_only_english_readers_see_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let alta: uuid::Uuid = sqlx::query_scalar(
        "select p.id from priorities p join tenants t on t.id = p.tenant_id
          where t.slug = $1 and p.name = 'Alta'",
    )
    .bind(ACME)
    .fetch_one(&app.pool)
    .await
    .expect("priority");
    let item = format!("/admin/priorities/{alta}");
    let edit = admin.get(&item).await.text();
    assert_eq!(html::input_value(&edit, "name").as_deref(), Some("Alta"));
    assert_eq!(html::input_value(&edit, "name_en").as_deref(), Some("High"));
    let color = html::input_value(&edit, "color").unwrap_or_default();
    let refused = admin
        .post_form(
            &item,
            &[
                ("name", "Alta"),
                ("name_gl", "Alta"),
                ("name_en", &"x".repeat(121)),
                ("color", color.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text();
    assert!(
        html::field_error(&page, "name_en").is_some(),
        "next to the field"
    );
    assert_eq!(html::input_value(&page, "name_gl").as_deref(), Some("Alta"));

    let saved = admin
        .post_form(
            &item,
            &[
                ("name", "Alta"),
                ("name_gl", ""),
                ("name_en", "Pressing"),
                ("color", color.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status_code(), StatusCode::SEE_OTHER);

    let english = app.signed_in(Role::Agent).await;
    in_language(&english, "en").await;
    let form = english.get("/cases/new").await.text();
    assert!(html::texts(&form, "select[name=priority_id] option").contains(&"Pressing".to_owned()));
    let galician = app.signed_in(Role::Supervisor).await;
    in_language(&galician, "gl").await;
    let form = galician.get("/cases/new").await.text();
    let options = html::texts(&form, "select[name=priority_id] option");
    assert!(
        options.contains(&"Alta".to_owned()) && !options.contains(&"Pressing".to_owned()),
        "without a Galician name the default is shown: {options:?}"
    );
}

#[tokio::test]
async fn the_customer_export_names_roles_in_the_exporters_language_and_imports_back() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    in_language(&supervisor, "en").await;
    let csv = supervisor.get("/customers/export.csv").await.text();
    assert!(csv.contains("Customer"), "roles in English: {csv}");
    assert!(!csv.contains(";Cliente"), "{csv}");

    let portuguese = app.signed_in(Role::Supervisor).await;
    let file = "tipo;nome;documento;papeis\nconta;Mercado Bom Preço Ltda;45.723.174/0001-10;Customer|Partner\n";
    let response = portuguese
        .upload(
            "/customers/import",
            "file",
            "customers.csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let roles: Vec<String> = sqlx::query_scalar(
        "select r.name from customer_role_links l
           join customer_roles r on r.tenant_id = l.tenant_id and r.id = l.role_id
           join customers c on c.tenant_id = l.tenant_id and c.id = l.customer_id
          where c.name = 'Mercado Bom Preço Ltda' order by r.name",
    )
    .fetch_all(&app.pool)
    .await
    .expect("roles");
    assert_eq!(
        roles,
        ["Cliente", "Parceiro"],
        "English names read back into the roles"
    );
}

#[tokio::test]
async fn a_new_workspace_starts_with_its_catalogs_named_in_galician_and_english() {
    let app = TestApp::spawn().await;
    let names: serde_json::Value = sqlx::query_scalar(
        "select s.names from status_reasons s join tenants t on t.id = s.tenant_id
          where t.slug = $1 and s.system_key = 'waiting_details'",
    )
    .bind(GLOBEX)
    .fetch_one(&app.pool)
    .await
    .expect("names");
    assert_eq!(
        names,
        serde_json::json!({"gl": "Agardando detalles", "en": "Waiting for details"})
    );
}

#[tokio::test]
async fn an_sla_item_takes_names_in_other_languages_and_refuses_an_overlong_one_beside_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let sla: uuid::Uuid = sqlx::query_scalar(
        "select s.id from slas s join tenants t on t.id = s.tenant_id where t.slug = $1 limit 1",
    )
    .bind(ACME)
    .fetch_one(&app.pool)
    .await
    .expect("sla");
    let path = format!("/admin/sla/{sla}/items/edit");
    let too_long = "x".repeat(121);
    let refused = admin
        .post_form(
            &path,
            &[
                ("name", "Retorno em 2 horas"),
                ("name_gl", "Resposta en 2 horas"),
                ("name_en", too_long.as_str()),
                ("kpi", "first_response"),
                ("warn_after", "1:30"),
                ("fail_after", "2:00"),
            ],
        )
        .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text();
    assert!(
        !html::text(&page, "#f-name_en-error").is_empty(),
        "beside the field"
    );
    assert_eq!(
        html::input_value(&page, "name_gl").as_deref(),
        Some("Resposta en 2 horas"),
        "what was typed stays"
    );
    let saved = admin
        .post_form(
            &path,
            &[
                ("name", "Retorno em 2 horas"),
                ("name_gl", "Resposta en 2 horas"),
                ("name_en", "Answer within 2 hours"),
                ("kpi", "first_response"),
                ("warn_after", "1:30"),
                ("fail_after", "2:00"),
            ],
        )
        .await;
    assert_eq!(
        saved.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text()
    );
    let names: serde_json::Value =
        sqlx::query_scalar("select names from sla_items where name = 'Retorno em 2 horas'")
            .fetch_one(&app.pool)
            .await
            .expect("item");
    assert_eq!(
        names,
        serde_json::json!({"gl": "Resposta en 2 horas", "en": "Answer within 2 hours"})
    );
}

#[tokio::test]
async fn an_sla_e_mail_names_the_item_in_its_recipients_language() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "update calendars set always_open = true
          where tenant_id = (select id from tenants where slug = 'acme')",
    )
    .execute(&app.pool)
    .await
    .expect("24x7 calendar");
    sqlx::query(
        "update sla_items set names = '{\"en\": \"Answer within four hours\"}'
          where name = 'Primeira resposta'
            and tenant_id = (select id from tenants where slug = 'acme')",
    )
    .execute(&app.pool)
    .await
    .expect("english item name");
    let agent = app.signed_in(Role::Agent).await;
    in_language(&agent, "en").await;
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let owner = format!("user:{}", app.user_id(ACME, Role::Agent).await);
    let key = uuid::Uuid::now_v7().to_string();
    let response = agent
        .post_form(
            "/cases",
            &[
                ("title", "Balança não liga"),
                ("customer_id", customer.as_str()),
                ("owner", owner.as_str()),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
    see_other(&response);
    app.clock().advance(chrono::Duration::minutes(250));
    atende::worker::sla::run_due(&app.pool, app.clock().now())
        .await
        .expect("tick");
    let bodies: Vec<String> = sqlx::query_scalar("select body from mail_outbox")
        .fetch_all(&app.pool)
        .await
        .expect("mail");
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(
        bodies[0].contains("(Answer within four hours)"),
        "{}",
        bodies[0]
    );
}
