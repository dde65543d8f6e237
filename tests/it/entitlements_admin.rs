//! Entitlements (direitos) and their templates in the admin pages, the
//! customer page's section, and the worker that moves them in time.

use atende::users::model::Role;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, location};

const ACCOUNT: &str = "Padaria São João Ltda";

async fn acme_tz(app: &TestApp) -> Tz {
    let name: String = sqlx::query_scalar("select time_zone from tenants where slug = 'acme'")
        .fetch_one(&app.pool)
        .await
        .expect("tenant time zone");
    name.parse().expect("a time zone")
}

async fn today(app: &TestApp) -> NaiveDate {
    app.clock()
        .now()
        .with_timezone(&acme_tz(app).await)
        .date_naive()
}

fn id_from(response: &axum_test::TestResponse) -> Uuid {
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let to = location(response);
    Uuid::parse_str(to.rsplit('/').next().unwrap_or_default())
        .unwrap_or_else(|_| panic!("redirect to a record, got {to}"))
}

async fn create(
    admin: &Browser,
    customer: Uuid,
    name: &str,
    starts: NaiveDate,
    ends: NaiveDate,
    extra: &[(&str, &str)],
) -> Uuid {
    let (customer, starts, ends) = (customer.to_string(), starts.to_string(), ends.to_string());
    let mut fields = vec![
        ("customer_id", customer.as_str()),
        ("name", name),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("allocation", "cases"),
        ("total", "5"),
        ("decrease_on", "creation"),
    ];
    for (k, v) in extra {
        fields.retain(|(name, _)| name != k);
        fields.push((k, v));
    }
    id_from(&admin.post_form("/admin/entitlements", &fields).await)
}

#[derive(sqlx::FromRow, Debug)]
struct Stored {
    status: String,
    total_units: i32,
    remaining_units: i32,
    allocation: String,
    template_id: Option<Uuid>,
    is_default: bool,
    status_due_at: Option<chrono::DateTime<Utc>>,
}

async fn stored(app: &TestApp, id: Uuid) -> Stored {
    sqlx::query_as(
        "select status, total_units, remaining_units, allocation, template_id, is_default, status_due_at
           from entitlements where id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("stored entitlement")
}

#[tokio::test]
async fn an_entitlement_is_created_by_hand_and_a_bad_form_comes_back_with_its_errors() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let customer = app.any_row_named(ACCOUNT).await;
    let response = admin
        .post_form(
            "/admin/entitlements",
            &[
                ("customer_id", &customer.to_string()),
                ("name", "Contrato 2026"),
                ("starts_on", "2026-06-01"),
                ("ends_on", "2026-05-31"),
                ("allocation", "hours"),
                ("total", "10:30"),
                ("decrease_on", "resolution"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(
        html::field_error(&page, "ends_on").is_some(),
        "error next to the end date"
    );
    assert_eq!(
        html::form_value(&page, "/admin/entitlements", "name").as_deref(),
        Some("Contrato 2026")
    );
    assert_eq!(
        html::form_value(&page, "/admin/entitlements", "ends_on").as_deref(),
        Some("2026-05-31")
    );
    assert_eq!(
        html::form_value(&page, "/admin/entitlements", "total").as_deref(),
        Some("10:30")
    );

    let start = today(&app).await;
    let id = create(
        &admin,
        customer,
        "Contrato 2026",
        start,
        start + Duration::days(30),
        &[("allocation", "hours"), ("total", "10:30")],
    )
    .await;
    let row = stored(&app, id).await;
    assert_eq!(row.status, "draft");
    assert_eq!(row.allocation, "hours");
    assert_eq!((row.total_units, row.remaining_units), (630, 630));
    let page = admin.get(&format!("/admin/entitlements/{id}")).await;
    assert_eq!(page.status_code(), StatusCode::OK);
    let text = page.text();
    assert!(html::text(&text, "h1").contains("Contrato 2026"));
    let remaining = html::text(&text, ".remaining-terms");
    assert!(remaining.contains("10:30"), "{remaining}");

    // Raising the total moves what remains by as much.
    let starts = start.to_string();
    let ends = (start + Duration::days(30)).to_string();
    let saved = admin
        .post_form(
            &format!("/admin/entitlements/{id}"),
            &[
                ("name", "Contrato 2026"),
                ("starts_on", &starts),
                ("ends_on", &ends),
                ("allocation", "hours"),
                ("total", "12"),
                ("decrease_on", "creation"),
            ],
        )
        .await;
    assert_eq!(
        saved.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text()
    );
    let row = stored(&app, id).await;
    assert_eq!((row.total_units, row.remaining_units), (720, 720));
}

#[tokio::test]
async fn an_entitlement_is_created_from_a_template() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let customer = app.any_row_named(ACCOUNT).await;
    let template = id_from(
        &admin
            .post_form(
                "/admin/entitlements/templates",
                &[
                    ("name", "Ouro"),
                    ("allocation", "hours"),
                    ("total", "40"),
                    ("decrease_on", "resolution"),
                    ("restrict_creation", "1"),
                    ("duration_days", "30"),
                ],
            )
            .await,
    );
    let list = admin.get("/admin/entitlements/templates").await.text();
    assert!(html::texts(&list, "table.data tbody td a").contains(&"Ouro".to_owned()));
    // A second template of the same name is refused, the form kept.
    let again = admin
        .post_form(
            "/admin/entitlements/templates",
            &[
                ("name", "ouro"),
                ("allocation", "cases"),
                ("total", "3"),
                ("decrease_on", "creation"),
                ("duration_days", "30"),
            ],
        )
        .await;
    assert_eq!(again.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&again.text(), "name").is_some());

    let form = admin
        .get(&format!(
            "/admin/entitlements/new?customer={customer}&template={template}"
        ))
        .await
        .text();
    let value =
        |name: &str| html::form_value(&form, "/admin/entitlements", name).unwrap_or_default();
    let start = today(&app).await;
    assert_eq!(value("name"), "Ouro");
    assert_eq!(value("total"), "40:00");
    assert_eq!(value("template_id"), template.to_string());
    assert_eq!(value("starts_on"), start.to_string());
    assert_eq!(value("ends_on"), (start + Duration::days(29)).to_string());
    assert!(form.contains(&format!("<option value=\"{customer}\" selected")));

    let (starts, ends, template_id) = (value("starts_on"), value("ends_on"), value("template_id"));
    let id = id_from(
        &admin
            .post_form(
                "/admin/entitlements",
                &[
                    ("customer_id", &customer.to_string()),
                    ("template_id", &template_id),
                    ("name", "Ouro"),
                    ("starts_on", &starts),
                    ("ends_on", &ends),
                    ("allocation", "hours"),
                    ("total", "40:00"),
                    ("decrease_on", "resolution"),
                    ("restrict_creation", "1"),
                ],
            )
            .await,
    );
    let row = stored(&app, id).await;
    assert_eq!(row.template_id, Some(template));
    assert_eq!(row.total_units, 2400);

    // Deactivated templates are no longer offered.
    let off = admin
        .post_form(
            &format!("/admin/entitlements/templates/{template}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(off.status_code(), StatusCode::SEE_OTHER);
    let form = admin.get("/admin/entitlements/new").await.text();
    assert!(!form.contains(&template.to_string()));
}

#[tokio::test]
async fn activation_waits_for_the_start_and_the_worker_moves_time_along() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let customer = app.any_row_named(ACCOUNT).await;
    let tz = acme_tz(&app).await;
    let day = today(&app).await;
    let future = create(
        &admin,
        customer,
        "Futuro",
        day + Duration::days(10),
        day + Duration::days(40),
        &[],
    )
    .await;
    let current = create(
        &admin,
        customer,
        "Corrente",
        day - Duration::days(10),
        day + Duration::days(5),
        &[],
    )
    .await;
    for id in [future, current] {
        let response = admin
            .post_form(&format!("/admin/entitlements/{id}/activate"), &[])
            .await;
        assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    }
    let midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    };
    let waiting = stored(&app, future).await;
    assert_eq!(waiting.status, "waiting");
    assert_eq!(
        waiting.status_due_at,
        Some(midnight(day + Duration::days(10)))
    );
    let active = stored(&app, current).await;
    assert_eq!(active.status, "active");
    assert_eq!(
        active.status_due_at,
        Some(midnight(day + Duration::days(6)))
    );
    let page = admin
        .get(&format!("/admin/entitlements/{future}"))
        .await
        .text();
    assert!(html::text(&page, "h1").contains("Aguardando"));

    // Nothing is due yet.
    let now = app.clock().now();
    assert_eq!(
        atende::entitlements::worker::run_due(&app.pool, now)
            .await
            .expect("tick"),
        0
    );
    let later = midnight(day + Duration::days(10)) + Duration::minutes(1);
    let moved = atende::entitlements::worker::run_due(&app.pool, later)
        .await
        .expect("tick");
    assert_eq!(moved, 2);
    let now_active = stored(&app, future).await;
    assert_eq!(now_active.status, "active");
    assert_eq!(
        now_active.status_due_at,
        Some(midnight(day + Duration::days(41)))
    );
    let expired = stored(&app, current).await;
    assert_eq!(expired.status, "expired");
    assert_eq!(expired.status_due_at, None);
    let much_later = midnight(day + Duration::days(41));
    atende::entitlements::worker::run_due(&app.pool, much_later)
        .await
        .expect("tick");
    assert_eq!(stored(&app, future).await.status, "expired");

    // A draft whose end has passed expires at once; cancelling closes it.
    let past = create(
        &admin,
        customer,
        "Passado",
        day - Duration::days(30),
        day - Duration::days(1),
        &[],
    )
    .await;
    admin
        .post_form(&format!("/admin/entitlements/{past}/activate"), &[])
        .await;
    assert_eq!(stored(&app, past).await.status, "expired");
    let draft = create(&admin, customer, "Cancelável", day, day, &[]).await;
    admin
        .post_form(
            &format!("/admin/entitlements/{draft}/cancel"),
            &[("confirm", "yes")],
        )
        .await;
    let cancelled = stored(&app, draft).await;
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(cancelled.status_due_at, None);
}

#[tokio::test]
async fn one_default_per_customer_and_the_list_filters() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let customer = app.any_row_named(ACCOUNT).await;
    let day = today(&app).await;
    let first = create(
        &admin,
        customer,
        "Primeiro",
        day,
        day,
        &[("is_default", "1")],
    )
    .await;
    let second = create(
        &admin,
        customer,
        "Segundo",
        day,
        day,
        &[("is_default", "1")],
    )
    .await;
    assert!(!stored(&app, first).await.is_default);
    assert!(stored(&app, second).await.is_default);
    admin
        .post_form(
            &format!("/admin/entitlements/{second}/cancel"),
            &[("confirm", "yes")],
        )
        .await;
    let list = admin
        .get("/admin/entitlements?status=cancelled&q=padaria")
        .await
        .text();
    let names = html::texts(&list, "table.entitlements tbody td:nth-child(2) a");
    assert_eq!(names, vec!["Segundo".to_owned()]);
    let none = admin
        .get("/admin/entitlements?q=nobody-like-this")
        .await
        .text();
    assert!(html::texts(&none, "table.entitlements tbody td a").is_empty());
}

#[tokio::test]
async fn the_ledger_is_shown_on_the_entitlement_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let entitlement = app.any_row("entitlements", ACME).await;
    let number = app.any_case_number(ACME).await;
    let agent = app.user_id(ACME, Role::Agent).await;
    sqlx::query(
        "insert into entitlement_ledger (tenant_id, id, entitlement_id, case_id, direction, stage, round, event, units, actor_id, at)
         select c.tenant_id, $1, $2, c.id, 'take', 'creation', 0, 'created', 1, $3, now()
           from cases c join tenants t on t.id = c.tenant_id
          where t.slug = 'acme' and c.number = $4",
    )
    .bind(Uuid::now_v7())
    .bind(entitlement)
    .bind(agent)
    .bind(number.trim_start_matches("CAS-").parse::<i64>().unwrap())
    .execute(&app.pool)
    .await
    .expect("ledger row");
    let page = admin
        .get(&format!("/admin/entitlements/{entitlement}"))
        .await
        .text();
    let rows = html::texts(&page, "table.ledger tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains(&number), "{rows:?}");
    assert!(rows[0].contains("Débito"), "{rows:?}");
    assert!(rows[0].contains("agent acme"), "{rows:?}");
}

#[tokio::test]
async fn the_customer_page_lists_the_entitlements() {
    let app = TestApp::spawn().await;
    let customer = app.any_row_named(ACCOUNT).await;
    let admin = app.signed_in(Role::Admin).await;
    let page = admin.get(&format!("/customers/{customer}")).await.text();
    let section = html::text(&page, "#customer-entitlements");
    assert!(section.contains("Fixture entitlement"), "{section}");
    assert!(section.contains("Rascunho"), "{section}");
    assert!(page.contains(&format!("/admin/entitlements/new?customer={customer}")));
    let agent = app.signed_in(Role::Agent).await;
    let page = agent.get(&format!("/customers/{customer}")).await.text();
    assert!(html::text(&page, "#customer-entitlements").contains("Fixture entitlement"));
    assert!(!page.contains("/admin/entitlements/new"));
}

#[tokio::test]
async fn other_workspaces_and_agents_are_kept_out() {
    let app = TestApp::spawn().await;
    let entitlement = app.any_row("entitlements", ACME).await;
    let template = app.any_row("entitlement_templates", ACME).await;
    let outsider = app.signed_in_to(GLOBEX, Role::Admin).await;
    for path in [
        format!("/admin/entitlements/{entitlement}"),
        format!("/admin/entitlements/templates/{template}"),
    ] {
        assert_eq!(
            outsider.get(&path).await.status_code(),
            StatusCode::NOT_FOUND
        );
    }
    let list = outsider.get("/admin/entitlements").await.text();
    assert!(!list.contains(&entitlement.to_string()));
    let agent = app.signed_in(Role::Agent).await;
    for path in [
        "/admin/entitlements",
        "/admin/entitlements/new",
        "/admin/entitlements/templates",
    ] {
        assert_eq!(agent.get(path).await.status_code(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        agent
            .get(&format!("/admin/entitlements/{entitlement}"))
            .await
            .status_code(),
        StatusCode::FORBIDDEN
    );
}
