//! The values an SLA item's condition row offers and accepts belong to the
//! field chosen in that row.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{Browser, TestApp, html};

async fn new_sla(app: &TestApp, admin: &Browser) -> uuid::Uuid {
    let calendar = app
        .named("calendars", "Horário comercial")
        .await
        .to_string();
    let response = admin
        .post_form(
            "/admin/sla",
            &[("name", "Condições"), ("calendar_id", &calendar)],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    app.named("slas", "Condições").await
}

/// The names a catalog's active rows show, in the workspace ACME.
async fn names(app: &TestApp, table: &str) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select x.name from {table} x join tenants t on t.id = x.tenant_id
          where t.slug = 'acme' and x.active"
    )))
    .fetch_all(&app.pool)
    .await
    .expect("names");
    names.sort();
    names
}

/// The options of the select named `name`, placeholder left out.
fn options(page: &str, name: &str) -> Vec<String> {
    let mut shown: Vec<String> = html::texts(page, &format!("select[name={name}] option"))
        .into_iter()
        .filter(|t| !t.starts_with('—'))
        .collect();
    shown.sort();
    shown
}

#[tokio::test]
async fn a_value_of_another_field_is_refused_beside_its_row_and_the_row_offers_its_fields_values() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let sla = new_sla(&app, &admin).await;
    let urgent = app.named("priorities", "Urgente").await.to_string();
    let response = admin
        .post_form(
            &format!("/admin/sla/{sla}/items/edit"),
            &[
                ("name", "Telefone"),
                ("kpi", "resolve"),
                ("warn_after", "1:00"),
                ("fail_after", "2:00"),
                ("g0_r0_field", "channel"),
                ("g0_r0_op", "is"),
                ("g0_r0_value", &urgent),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    let beside = html::field_error(&page, "g0_r0_value").expect("an error beside the row");
    assert!(beside.contains("Canal"), "{beside}");
    assert_eq!(
        options(&page, "g0_r0_value"),
        names(&app, "channels").await,
        "the row offers the channels only"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from sla_items where sla_id = '{sla}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn choosing_a_field_brings_that_fields_values_and_no_field_brings_each_under_its_name() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let sla = new_sla(&app, &admin).await;
    let editor = admin
        .get(&format!("/admin/sla/{sla}/items/edit"))
        .await
        .text();
    let asks = html::texts(&editor, "select[name=g0_r0_field][hx-get]");
    assert_eq!(asks.len(), 1, "the field select asks for its values");

    let values = format!("/admin/sla/{sla}/items/values");
    let priorities = admin
        .htmx_get(&format!("{values}?g0_r1_field=priority"))
        .await;
    assert_eq!(priorities.status_code(), StatusCode::OK);
    let fragment = format!("<select name=v>{}</select>", priorities.text());
    assert_eq!(options(&fragment, "v"), names(&app, "priorities").await);
    assert!(html::texts(&fragment, "optgroup").is_empty());

    let none = admin
        .htmx_get(&format!("{values}?g0_r1_field="))
        .await
        .text();
    let fragment = format!("<select name=v>{none}</select>");
    let groups = scraper::Html::parse_document(&fragment)
        .select(&scraper::Selector::parse("optgroup").expect("selector"))
        .filter_map(|g| g.value().attr("label").map(str::to_owned))
        .collect::<Vec<_>>();
    assert!(
        groups.contains(&"Prioridade".to_owned()) && groups.contains(&"Canal de origem".to_owned()),
        "{groups:?}"
    );

    let outsider = app.signed_in_to(crate::support::GLOBEX, Role::Admin).await;
    assert_eq!(
        outsider
            .htmx_get(&format!("{values}?g0_r1_field=priority"))
            .await
            .status_code(),
        StatusCode::NOT_FOUND
    );
}
