//! Finding a customer by the first characters of an alphanumeric CNPJ, as
//! by the first digits of a numeric one: in any letter case, with or
//! without punctuation, in the search page and in the type-ahead.

use atende::users::model::Role;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, see_other};

/// Twelve letters or digits and their two check digits.
fn cnpj(base: &str) -> String {
    let values: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
    let check = |values: &[u32]| {
        let weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        let skip = weights.len() - values.len();
        let rest = values
            .iter()
            .zip(&weights[skip..])
            .map(|(v, w)| v * w)
            .sum::<u32>()
            % 11;
        if rest < 2 { 0 } else { 11 - rest }
    };
    let first = check(&values);
    let mut all = values;
    all.push(first);
    let second = check(&all);
    format!("{base}{first}{second}")
}

async fn create_account(app: &TestApp, browser: &Browser, workspace: &str, name: &str, doc: &str) {
    let role: uuid::Uuid = sqlx::query_scalar(
        "select r.id from customer_roles r join tenants t on t.id = r.tenant_id where t.slug = $1 and r.name = 'Cliente'",
    )
    .bind(workspace)
    .fetch_one(&app.pool)
    .await
    .expect("role");
    let role = role.to_string();
    see_other(
        &browser
            .post_form(
                "/customers",
                &[
                    ("kind", "account"),
                    ("name", name),
                    ("document", doc),
                    ("roles", &role),
                ],
            )
            .await,
    );
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn found_in_list(agent: &Browser, q: &str) -> Vec<String> {
    let page = agent.get(&format!("/customers?q={}", urlencode(q))).await;
    html::texts(
        &page.text(),
        "#customers tbody td:first-child:not(.empty) a",
    )
}

async fn found_in_type_ahead(agent: &Browser, q: &str) -> Vec<String> {
    let fragment = agent
        .htmx_get(&format!("/customers/lookup?q={}", urlencode(q)))
        .await;
    html::texts(&fragment.text(), ".picker-name")
}

#[tokio::test]
async fn the_start_of_an_alphanumeric_cnpj_finds_its_customer_typed_in_any_style() {
    assert_eq!(
        cnpj("12ABC34501DE"),
        "12ABC34501DE35",
        "the official example"
    );
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    create_account(&app, &agent, ACME, "Robótica Alfa", "12.ABC.345/01DE-35").await;
    // Shares the first characters, then parts.
    create_account(&app, &agent, ACME, "Beta Serviços", &cnpj("12ABD7770001")).await;
    // Another workspace holds the same root: never shown here.
    let globex = app.signed_in_to(GLOBEX, Role::Agent).await;
    create_account(
        &app,
        &globex,
        GLOBEX,
        "Robótica Galega",
        &cnpj("12ABC3450002"),
    )
    .await;

    for q in [
        "12ABC",
        "12abc",
        "12.ABC",
        "12.abc.345",
        "12 ABC 345",
        "12.ABC.345/01de",
        "12.ABC.345/01DE-35",
        "12abc34501de35",
    ] {
        assert_eq!(
            found_in_list(&agent, q).await,
            ["Robótica Alfa"],
            "list: {q}"
        );
        assert_eq!(
            found_in_type_ahead(&agent, q).await,
            ["Robótica Alfa"],
            "type-ahead: {q}"
        );
    }
    let both = found_in_list(&agent, "12AB").await;
    assert_eq!(
        both,
        ["Beta Serviços", "Robótica Alfa"],
        "every match, by name"
    );
    assert_eq!(
        found_in_type_ahead(&globex, "12.abc").await,
        ["Robótica Galega"],
        "each workspace finds its own"
    );
}

#[tokio::test]
async fn numeric_documents_are_still_found_by_their_first_digits_and_names_with_digits_by_name() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for (q, name) in [
        ("529.982", "José da Silva"),
        ("52998224725", "José da Silva"),
        ("11.222.333", "Padaria São João Ltda"),
        ("11222333000181", "Padaria São João Ltda"),
    ] {
        assert_eq!(found_in_list(&agent, q).await, [name], "list: {q}");
        assert_eq!(
            found_in_type_ahead(&agent, q).await,
            [name],
            "type-ahead: {q}"
        );
    }
    // A name with letters and digits is still found by name.
    create_account(&app, &agent, ACME, "R2D2 Robótica", "").await;
    assert_eq!(found_in_type_ahead(&agent, "r2d2").await, ["R2D2 Robótica"]);
    assert!(
        found_in_list(&agent, "111.444").await.is_empty(),
        "GLOBEX's contact"
    );
}
