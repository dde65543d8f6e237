//! Two people edit the same case: the one who saves second writes only the
//! fields they changed, and is asked only about fields both changed.

use atende::users::model::Role;
use axum::http::StatusCode;
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::support::{Browser, TestApp, html, see_other};

async fn open_case(browser: &Browser, app: &TestApp, title: &str) -> String {
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let key = Uuid::now_v7().to_string();
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

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("the form has no {name}"));
    field.1 = value.to_owned();
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The options of the list `name` in the form, in order.
fn options(page: &str, name: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let selector = Selector::parse(&format!("select[name=\"{name}\"] option")).expect("selector");
    doc.select(&selector)
        .filter_map(|o| o.value().attr("value"))
        .filter(|v| !v.is_empty() && *v != "none")
        .map(str::to_owned)
        .collect()
}

async fn save(
    browser: &Browser,
    action: &str,
    fields: &[(String, String)],
) -> axum_test::TestResponse {
    let mut all: Vec<(String, String)> = fields
        .iter()
        .filter(|(name, _)| name != "csrf_token")
        .cloned()
        .collect();
    all.insert(
        0,
        (
            "csrf_token".to_owned(),
            browser.csrf.clone().unwrap_or_default(),
        ),
    );
    browser.server.post(action).form(&all).await
}

async fn stored(app: &TestApp, title_like: &str) -> (String, Option<i64>, String) {
    sqlx::query_as(
        "select c.title, (select number from cases r where r.id = c.related_case_id), c.description
           from cases c where c.title like $1",
    )
    .bind(title_like)
    .fetch_one(&app.pool)
    .await
    .expect("case")
}

#[tokio::test]
async fn a_stale_save_keeps_a_related_case_set_meanwhile_and_writes_only_the_title() {
    let app = TestApp::spawn().await;
    let first = app.signed_in(Role::Agent).await;
    let second = app.signed_in(Role::Supervisor).await;
    let other = open_case(&first, &app, "Outro caso").await;
    let path = open_case(&first, &app, "Vazamento na cozinha").await;
    let action = format!("{path}/edit");
    let form_a = first.get(&action).await.text();
    let form_b = second.get(&action).await.text();

    let mut a = html::form_fields(&form_a, &action);
    set(&mut a, "related_case", other.trim_start_matches("/cases/"));
    assert_eq!(
        save(&first, &action, &a).await.status_code(),
        StatusCode::SEE_OTHER
    );

    let mut b = html::form_fields(&form_b, &action);
    set(&mut b, "title", "Vazamento na cozinha e no banheiro");
    let stale = save(&second, &action, &b).await;
    assert_eq!(stale.status_code(), StatusCode::CONFLICT);
    let page = stale.text();
    assert!(
        html::texts(&page, "#conflict-both tbody tr").is_empty(),
        "nobody changed the same field: {}",
        html::text(&page, "#conflict")
    );
    assert!(html::text(&page, "#conflict-kept").contains("SAC relacionado"));
    assert_eq!(
        html::form_value(&page, &action, "related_case").as_deref(),
        Some(other.trim_start_matches("/cases/")),
        "the form shows the related case set meanwhile"
    );
    assert_eq!(
        html::form_value(&page, &action, "title").as_deref(),
        Some("Vazamento na cozinha e no banheiro"),
        "and keeps what this person typed"
    );
    let (title, _, _) = stored(&app, "Vazamento%").await;
    assert_eq!(title, "Vazamento na cozinha", "nothing written yet");

    let again = save(&second, &action, &html::form_fields(&page, &action)).await;
    assert_eq!(
        again.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        again.text()
    );
    let (title, related, _) = stored(&app, "Vazamento%").await;
    assert_eq!(title, "Vazamento na cozinha e no banheiro");
    let other_number: i64 = other
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("number");
    assert_eq!(
        related,
        Some(other_number),
        "the related case was not blanked"
    );
}

#[tokio::test]
async fn a_field_both_changed_is_shown_side_by_side_and_the_person_decides() {
    let app = TestApp::spawn().await;
    let first = app.signed_in(Role::Agent).await;
    let second = app.signed_in(Role::Supervisor).await;
    let path = open_case(&first, &app, "Título inicial").await;
    let action = format!("{path}/edit");
    let form_a = first.get(&action).await.text();
    let form_b = second.get(&action).await.text();
    let priorities = options(&form_a, "priority_id");

    let mut a = html::form_fields(&form_a, &action);
    set(&mut a, "title", "Título do primeiro");
    let other_priority = priorities
        .iter()
        .find(|p| p.as_str() != get(&a, "priority_id"))
        .expect("another priority")
        .clone();
    set(&mut a, "priority_id", &other_priority);
    assert_eq!(
        save(&first, &action, &a).await.status_code(),
        StatusCode::SEE_OTHER
    );

    let mut b = html::form_fields(&form_b, &action);
    set(&mut b, "title", "Título do segundo");
    set(&mut b, "description", "Descrição do segundo");
    let stale = save(&second, &action, &b).await;
    assert_eq!(stale.status_code(), StatusCode::CONFLICT);
    let page = stale.text();
    let rows = html::texts(&page, "#conflict-both tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("Título do primeiro") && rows[0].contains("Título do segundo"),
        "{rows:?}"
    );
    assert!(html::text(&page, "#conflict-kept").contains("Prioridade"));
    let mut decided = html::form_fields(&page, &action);
    assert_eq!(get(&decided, "title"), "Título do segundo");
    assert_eq!(get(&decided, "priority_id"), other_priority);
    // The second person takes the first one's title after all.
    set(&mut decided, "title", "Título do primeiro");
    let again = save(&second, &action, &decided).await;
    assert_eq!(again.status_code(), StatusCode::SEE_OTHER);
    let (title, _, description) = stored(&app, "Título%").await;
    assert_eq!(title, "Título do primeiro");
    assert_eq!(description, "Descrição do segundo");
    let priority: Uuid =
        sqlx::query_scalar("select priority_id from cases where title = 'Título do primeiro'")
            .fetch_one(&app.pool)
            .await
            .expect("case");
    assert_eq!(priority.to_string(), other_priority);
}

#[tokio::test]
async fn no_field_changed_meanwhile_is_overwritten_by_a_stale_save() {
    let app = TestApp::spawn().await;
    let first = app.signed_in(Role::Supervisor).await;
    let second = app.signed_in(Role::Agent).await;
    let partner = app.named("customer_roles", "Parceiro").await.to_string();
    see_other(
        &first
            .post_form(
                "/customers",
                &[
                    ("kind", "account"),
                    ("name", "Oficina Parceira"),
                    ("roles", &partner),
                ],
            )
            .await,
    );
    let related = open_case(&first, &app, "Relacionado").await;
    let parent = open_case(&first, &app, "Principal").await;
    let path = open_case(&first, &app, "Todos os campos").await;
    let action = format!("{path}/edit");
    let form_a = first.get(&action).await.text();
    let form_b = second.get(&action).await.text();

    // The first person changes every field but the title, each list to
    // another of its options.
    let mut a = html::form_fields(&form_a, &action);
    for list in [
        "contact_id",
        "subject_id",
        "channel_id",
        "priority_id",
        "status_reason_id",
        "owner",
        "reason_id",
        "unit_id",
        "request_type_id",
        "location_id",
        "product_id",
    ] {
        let current = get(&a, list).to_owned();
        let choice = options(&form_a, list)
            .into_iter()
            .rev()
            .find(|o| *o != current)
            .unwrap_or_else(|| panic!("{list} offers another option"));
        set(&mut a, list, &choice);
    }
    for (field, value) in [
        ("direction", "outbound"),
        ("received_at", "2026-01-05T08:30"),
        ("serial_number", "SN-778"),
        ("lot_number", "L-12"),
        ("manufactured_on", "2025-06-01"),
        ("expires_on", "2027-06-01"),
        ("location_note", "Portão dos fundos"),
        ("related_case", related.trim_start_matches("/cases/")),
        ("parent_case", parent.trim_start_matches("/cases/")),
        ("description", "Descrição do primeiro"),
        ("complementary_data", "Dados do primeiro"),
    ] {
        set(&mut a, field, value);
    }
    let first_save = save(&first, &action, &a).await;
    assert_eq!(
        first_save.status_code(),
        StatusCode::SEE_OTHER,
        "{:?}",
        html::texts(&first_save.text(), ".field-error")
    );
    let after_first = html::form_fields(&first.get(&action).await.text(), &action);

    let mut b = html::form_fields(&form_b, &action);
    set(&mut b, "title", "Título do segundo");
    let stale = save(&second, &action, &b).await;
    assert_eq!(stale.status_code(), StatusCode::CONFLICT);
    let page = stale.text();
    assert!(html::texts(&page, "#conflict-both tbody tr").is_empty());
    let again = save(&second, &action, &html::form_fields(&page, &action)).await;
    assert_eq!(
        again.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        again.text()
    );

    let now = html::form_fields(&first.get(&action).await.text(), &action);
    for (name, value) in &after_first {
        if ["csrf_token", "version", "seen", "idempotency_key"].contains(&name.as_str()) {
            continue;
        }
        let expected = if name == "title" {
            "Título do segundo"
        } else {
            value.as_str()
        };
        assert_eq!(get(&now, name), expected, "{name}");
    }
}

#[tokio::test]
async fn a_form_saved_twice_in_a_row_by_its_own_person_is_no_conflict() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Sem conflito").await;
    let action = format!("{path}/edit");
    let mut fields = html::form_fields(&agent.get(&action).await.text(), &action);
    set(&mut fields, "serial_number", "SN-1");
    assert_eq!(
        save(&agent, &action, &fields).await.status_code(),
        StatusCode::SEE_OTHER
    );
    let mut fields = html::form_fields(&agent.get(&action).await.text(), &action);
    set(&mut fields, "serial_number", "SN-2");
    assert_eq!(
        save(&agent, &action, &fields).await.status_code(),
        StatusCode::SEE_OTHER
    );
}
