//! Customers: finding them the way agents type, creating them (also without
//! leaving a form), their page, deactivation, and CSV import and export.

use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, Browser, TestApp, html, location, see_other};

async fn role_id(app: &TestApp, workspace: &str, name: &str) -> String {
    let id: uuid::Uuid = sqlx::query_scalar(
        "select r.id from customer_roles r join tenants t on t.id = r.tenant_id where t.slug = $1 and r.name = $2",
    )
    .bind(workspace)
    .bind(name)
    .fetch_one(&app.pool)
    .await
    .expect("role");
    id.to_string()
}

async fn create_contact(
    agent: &Browser,
    app: &TestApp,
    name: &str,
    cpf: &str,
    extra: &[(&str, &str)],
) -> String {
    let role = role_id(app, ACME, "Cliente").await;
    let mut fields = vec![
        ("kind", "contact"),
        ("name", name),
        ("document", cpf),
        ("roles", role.as_str()),
    ];
    fields.extend_from_slice(extra);
    let response = agent.post_form("/customers", &fields).await;
    see_other(&response)
}

/// Saves the customer at `path` with `fields`, which must be accepted.
async fn edit(agent: &Browser, path: &str, fields: &[(&str, &str)]) {
    let response = agent.post_form(&format!("{path}/edit"), fields).await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
}

fn names_in(page: &str) -> Vec<String> {
    html::texts(page, "#customers tbody td:first-child a")
}

#[tokio::test]
async fn search_ignores_accents_case_and_finds_partial_words() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for q in ["padaria sao joao", "PADARIA", "pad joão", "SÃO JOÃO"] {
        let page = agent
            .get(&format!("/customers?q={}", urlencode(q)))
            .await
            .text();
        assert_eq!(names_in(&page), ["Padaria São João Ltda"], "{q}");
    }
    let page = agent.get("/customers?q=jose").await.text();
    assert_eq!(names_in(&page), ["José da Silva"]);
}

#[tokio::test]
async fn search_finds_cpf_and_cnpj_typed_with_or_without_punctuation() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for q in [
        "529.982.247-25",
        "52998224725",
        "529.982",
        "11.222.333/0001-81",
        "11222333",
    ] {
        let page = agent
            .get(&format!("/customers?q={}", urlencode(q)))
            .await
            .text();
        assert_eq!(names_in(&page).len(), 1, "{q}: {:?}", names_in(&page));
    }
    let page = agent.get("/customers?q=529.982.247-25").await.text();
    assert_eq!(names_in(&page), ["José da Silva"]);
    assert_eq!(
        html::text(&page, "#customers tbody td.nowrap"),
        "529.982.247-25",
        "shown formatted"
    );
}

#[tokio::test]
async fn search_finds_by_email_start_and_phone_end() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    create_contact(
        &agent,
        &app,
        "Marta Ribeiro",
        "",
        &[
            ("email", "marta.ribeiro@padaria.example"),
            ("phone", "(11) 98765-1234"),
        ],
    )
    .await;
    let page = agent.get("/customers?q=marta.ribeiro%40pad").await.text();
    assert_eq!(names_in(&page), ["Marta Ribeiro"]);
    for q in ["98765-1234", "(11) 98765-1234", "987651234"] {
        let page = agent
            .get(&format!("/customers?q={}", urlencode(q)))
            .await
            .text();
        assert_eq!(names_in(&page), ["Marta Ribeiro"], "{q}");
    }
}

#[tokio::test]
async fn the_type_ahead_mixes_accounts_and_contacts_marked_as_which() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let role = role_id(&app, ACME, "Cliente").await;
    agent
        .post_form(
            "/customers",
            &[
                ("kind", "account"),
                ("name", "Silva Transportes Ltda"),
                ("document", "45.723.174/0001-10"),
                ("roles", &role),
            ],
        )
        .await;
    let fragment = agent.htmx_get("/customers/lookup?q=silva").await;
    assert_eq!(fragment.status_code(), StatusCode::OK);
    let text = fragment.text();
    assert!(!text.contains("<html"), "a fragment, not a page");
    let kinds = scraper::Html::parse_fragment(&text)
        .select(&scraper::Selector::parse(".picker-option").expect("selector"))
        .map(|e| e.value().attr("data-kind").unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert!(
        kinds.contains(&"account".to_owned()) && kinds.contains(&"contact".to_owned()),
        "{kinds:?}"
    );
    let labels = html::texts(&text, ".picker-option .badge");
    assert!(
        labels.iter().any(|l| l == "Conta") && labels.iter().any(|l| l == "Contato"),
        "{labels:?}"
    );
    // Without JavaScript the same question goes to the search page.
    let plain = agent.get("/customers/lookup?q=silva").await;
    assert_eq!(location(&plain), "/customers?q=silva");
}

#[tokio::test]
async fn best_match_comes_first_in_the_type_ahead() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for (name, cpf) in [
        ("Joana Paula Souza", "111.444.777-35"),
        ("Paula Souza", "390.533.447-05"),
        ("Ana Paula Souza Lima", "248.438.034-80"),
    ] {
        create_contact(&agent, &app, name, cpf, &[]).await;
    }
    let text = agent
        .htmx_get("/customers/lookup?q=paula%20souza")
        .await
        .text();
    let names = html::texts(&text, ".picker-name");
    assert_eq!(
        names.first().map(String::as_str),
        Some("Paula Souza"),
        "{names:?}"
    );
    assert_eq!(names.len(), 3);
}

#[tokio::test]
async fn the_type_ahead_lists_names_starting_with_the_text_then_words_starting_with_it_then_the_rest()
 {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for (name, cpf) in [
        ("Amaral Costa", "314.159.265-90"),
        ("Ana Marques", "271.828.182-05"),
        ("Márcia Lima", "161.803.398-05"),
        ("Marta Lima", "141.421.356-51"),
        ("Carlos Pereira", "173.205.080-52"),
    ] {
        create_contact(&agent, &app, name, cpf, &[]).await;
    }
    let text = agent.htmx_get("/customers/lookup?q=MAR").await.text();
    assert_eq!(
        html::texts(&text, ".picker-name"),
        ["Márcia Lima", "Marta Lima", "Ana Marques", "Amaral Costa"]
    );
}

#[tokio::test]
async fn an_invalid_cpf_is_a_field_error_naming_the_problem_with_the_form_kept() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for (cpf, says) in [
        ("529.982.247-24", "verificadores"),
        ("111.111.111-11", "iguais"),
        ("5299822", "11 dígitos"),
    ] {
        let response = agent
            .post_form(
                "/customers",
                &[
                    ("kind", "contact"),
                    ("name", "Rita Lee"),
                    ("document", cpf),
                    ("email", "rita@example.com"),
                ],
            )
            .await;
        assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text();
        let error = html::field_error(&page, "document").unwrap_or_default();
        assert!(error.contains(says), "{cpf}: {error}");
        assert_eq!(
            html::form_value(&page, "/customers", "name").as_deref(),
            Some("Rita Lee")
        );
        assert_eq!(
            html::form_value(&page, "/customers", "document").as_deref(),
            Some(cpf)
        );
        assert_eq!(
            html::form_value(&page, "/customers", "email").as_deref(),
            Some("rita@example.com")
        );
    }
}

#[tokio::test]
async fn a_document_belongs_to_one_active_customer_and_is_free_again_once_inactive() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent
        .post_form(
            "/customers",
            &[
                ("kind", "contact"),
                ("name", "Outro José"),
                ("document", "52998224725"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&response.text(), "document").is_some());

    let supervisor = app.signed_in(Role::Supervisor).await;
    let jose = app.any_row_named("José da Silva").await;
    supervisor
        .post_form(
            &format!("/customers/{jose}/deactivate"),
            &[("confirm", "yes")],
        )
        .await;
    let again = create_contact(&agent, &app, "Outro José", "529.982.247-25", &[]).await;
    assert!(again.starts_with("/customers/"));
    // The first José cannot come back while the document is in use.
    supervisor
        .post_form(&format!("/customers/{jose}/reactivate"), &[])
        .await;
    let page = supervisor.get(&format!("/customers/{jose}")).await.text();
    assert!(!html::text(&page, ".flash-error").is_empty());
    assert!(
        !html::texts(&page, "h1 .badge").is_empty(),
        "still inactive"
    );
}

#[tokio::test]
async fn inactive_customers_keep_their_page_but_leave_the_type_ahead() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let jose = app.any_row_named("José da Silva").await;
    supervisor
        .post_form(
            &format!("/customers/{jose}/deactivate"),
            &[("confirm", "yes")],
        )
        .await;
    let text = supervisor.htmx_get("/customers/lookup?q=jose").await.text();
    assert!(
        html::texts(&text, ".picker-name").is_empty(),
        "not offered for new cases"
    );
    assert_eq!(
        supervisor
            .get(&format!("/customers/{jose}"))
            .await
            .status_code(),
        StatusCode::OK
    );
    let page = supervisor.get("/customers?q=jose&inactive=1").await.text();
    assert_eq!(names_in(&page), ["José da Silva"]);
    let agent = app.signed_in(Role::Agent).await;
    assert_eq!(
        agent
            .post_form(&format!("/customers/{jose}/reactivate"), &[])
            .await
            .status_code(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_customer_without_a_role_is_flagged_where_cases_would_be_opened() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let response = agent
        .post_form(
            "/customers",
            &[("kind", "contact"), ("name", "Sem Papel Souza")],
        )
        .await;
    let id = location(&response)
        .trim_start_matches("/customers/")
        .to_owned();
    let text = agent
        .htmx_get("/customers/lookup?q=sem%20papel")
        .await
        .text();
    assert!(html::text(&text, ".picker-option").contains("sem papel"));
    let picked = agent
        .htmx_get(&format!("/customers/{id}/pick"))
        .await
        .text();
    assert!(
        html::text(&picked, ".field-error").contains("papel"),
        "{picked}"
    );
}

#[tokio::test]
async fn creating_inline_returns_the_customer_chosen_in_place_of_the_picker() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let panel = agent
        .htmx_get("/customers/new?inline=1&name=Rui%20Barbosa")
        .await;
    assert_eq!(panel.status_code(), StatusCode::OK);
    let panel = panel.text();
    assert!(!panel.contains("<html"), "the side panel is a fragment");
    assert_eq!(
        html::input_value(&panel, "name").as_deref(),
        Some("Rui Barbosa"),
        "what was typed in the search is kept"
    );

    let role = role_id(&app, ACME, "Cliente").await;
    let refused = agent
        .htmx_post(
            "/customers",
            &[
                ("inline", "1"),
                ("kind", "contact"),
                ("name", "Rui Barbosa"),
                ("document", "123"),
                ("roles", &role),
            ],
        )
        .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.header("hx-retarget"),
        "#customer-inline",
        "errors stay in the panel"
    );
    assert!(html::field_error(&refused.text(), "document").is_some());
    assert_eq!(
        html::input_value(&refused.text(), "name").as_deref(),
        Some("Rui Barbosa")
    );

    let created = agent
        .htmx_post(
            "/customers",
            &[
                ("inline", "1"),
                ("kind", "contact"),
                ("name", "Rui Barbosa"),
                ("document", "390.533.447-05"),
                ("roles", &role),
            ],
        )
        .await;
    assert_eq!(created.status_code(), StatusCode::OK);
    assert_eq!(
        created.header("hx-retarget"),
        "#customer-picker",
        "only the picker changes; the rest of the form stays"
    );
    let fragment = created.text();
    assert!(!fragment.contains("<form"), "no form is replaced");
    let chosen = html::input_value(&fragment, "customer_id").unwrap_or_default();
    assert!(!chosen.is_empty(), "the new customer is selected");
    assert!(html::text(&fragment, ".customer-card-name").contains("Rui Barbosa"));
}

#[tokio::test]
async fn alerts_show_on_the_card_until_they_expire() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let jose = app.any_row_named("José da Silva").await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    agent
        .post_form(
            &format!("/customers/{jose}/alerts"),
            &[
                ("text", "Inadimplente: falar com o financeiro"),
                ("priority", "high"),
                ("expires_on", &tomorrow),
            ],
        )
        .await;
    let page = agent.get(&format!("/customers/{jose}")).await.text();
    assert!(html::text(&page, ".alert-banner.alert-high").contains("Inadimplente"));
    let picked = agent
        .htmx_get(&format!("/customers/{jose}/pick"))
        .await
        .text();
    assert!(
        html::text(&picked, ".alert-banner").contains("Inadimplente"),
        "shown wherever the customer appears"
    );
    app.clock().advance(chrono::Duration::days(3));
    // Three idle days end the session: the agent signs in again.
    let agent = app.signed_in(Role::Agent).await;
    let page = agent.get(&format!("/customers/{jose}")).await.text();
    assert!(html::text(&page, "h1").contains("José da Silva"), "{page}");
    assert!(
        html::texts(&page, ".alert-banner").is_empty(),
        "expired alerts are gone"
    );
}

#[tokio::test]
async fn one_principal_of_each_kind_and_the_card_shows_it() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let jose = app.any_row_named("José da Silva").await;
    for (kind, value, principal) in [
        ("email", "jose@pessoal.example", ""),
        ("email", "jose@trabalho.example", "1"),
        ("phone", "(11) 3333-2222", "1"),
        ("phone", "11 99999-0000", ""),
    ] {
        let response = agent
            .post_form(
                &format!("/customers/{jose}/points"),
                &[("kind", kind), ("value", value), ("principal", principal)],
            )
            .await;
        assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    }
    let (emails, phones): (i64, i64) = sqlx::query_as(
        "select (select count(*) from customer_econtacts where customer_id = $1 and is_principal and kind = 'email'),
                (select count(*) from customer_phones where customer_id = $1 and is_principal)",
    )
    .bind(jose)
    .fetch_one(&app.pool)
    .await
    .expect("counts");
    assert_eq!((emails, phones), (1, 1));
    let card = agent
        .htmx_get(&format!("/customers/{jose}/pick"))
        .await
        .text();
    let card_text = html::text(&card, ".customer-card");
    assert!(
        card_text.contains("jose@trabalho.example") && card_text.contains("(11) 3333-2222"),
        "{card_text}"
    );
    let bad = agent
        .post_form(
            &format!("/customers/{jose}/points"),
            &[("kind", "email"), ("value", "não é email")],
        )
        .await;
    assert_eq!(bad.status_code(), StatusCode::SEE_OTHER);
    let page = agent.get(&format!("/customers/{jose}")).await.text();
    assert!(
        !html::text(&page, ".flash-error").is_empty(),
        "the refusal is explained"
    );
}

#[tokio::test]
async fn a_csv_with_bad_rows_imports_nothing_and_lists_every_problem() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let before: i64 = sqlx::query_scalar("select count(*) from customers")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    let file = "tipo;nome;documento;email;papeis\n\
                conta;Mercado Bom Preço Ltda;45.723.174/0001-10;;Cliente\n\
                contato;Ana Lima;123.456.789-00;;Cliente\n\
                contato;;;ana@x;Cliente\n\
                fornecedor;Beto;;;\n";
    let response = supervisor
        .upload(
            "/customers/import",
            "file",
            "clientes.csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    let rows = html::texts(&page, ".import-errors tbody tr");
    assert!(
        rows.iter().any(|r| r.starts_with("3 documento")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r.starts_with("4 nome")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("4 email")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("5 tipo")), "{rows:?}");
    let after: i64 = sqlx::query_scalar("select count(*) from customers")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(before, after, "nothing applied");
}

#[tokio::test]
async fn a_clean_csv_imports_every_row_and_links_contacts_to_accounts() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let file = "tipo;nome;nome_fantasia;documento;email;telefone;cnpj_conta;nivel_servico;papeis\n\
                contato;Ana Lima;;248.438.034-80;ana@mercado.example;(21) 99888-7766;45.723.174/0001-10;Silver;Cliente\n\
                conta;Mercado Bom Preço Ltda;Bom Preço;45.723.174/0001-10;;;;Gold;Cliente|Parceiro\n";
    let response = supervisor
        .upload(
            "/customers/import",
            "file",
            "clientes.csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let page = supervisor.get("/customers?q=ana%20lima").await.text();
    assert_eq!(names_in(&page), ["Ana Lima"]);
    assert!(
        html::text(&page, "#customers tbody td:first-child").contains("Mercado Bom Preço Ltda"),
        "linked to its account"
    );
}

#[tokio::test]
async fn the_export_honours_the_search_and_reads_back_in() {
    let app = TestApp::spawn().await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let response = supervisor.get("/customers/export.csv?q=padaria").await;
    assert_eq!(response.status_code(), StatusCode::OK);
    assert!(
        response
            .header("content-disposition")
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    let text = response.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "header and one customer: {text}");
    assert!(
        lines[1].contains("Padaria São João Ltda")
            && lines[1].contains("11.222.333/0001-81")
            && lines[1].contains("Cliente")
    );
    let all = supervisor.get("/customers/export.csv").await.text();
    assert_eq!(all.lines().count(), 3, "both fixture customers");
    let agent = app.signed_in(Role::Agent).await;
    assert_eq!(
        agent.get("/customers/export.csv").await.status_code(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_account_lists_its_contacts_and_its_primary_contact() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let padaria = app.any_row_named("Padaria São João Ltda").await;
    let maria = create_contact(
        &agent,
        &app,
        "Maria Padeira",
        "",
        &[("account_document", "11.222.333/0001-81")],
    )
    .await;
    let page = agent.get(&format!("/customers/{padaria}")).await.text();
    let contacts = html::text(&page, "#contacts");
    assert!(contacts.contains("José da Silva") && contacts.contains("Maria Padeira"));
    assert!(html::text(&page, "#contacts li:first-child").contains("José da Silva"));
    let maria_id = maria.trim_start_matches("/customers/");
    agent
        .post_form(
            &format!("/customers/{padaria}/primary-contact"),
            &[("contact_id", maria_id)],
        )
        .await;
    let page = agent.get(&format!("/customers/{padaria}")).await.text();
    let primary = html::texts(&page, "#contacts li")
        .into_iter()
        .find(|li| li.contains("Contato principal"))
        .unwrap_or_default();
    assert!(primary.contains("Maria Padeira"), "{primary}");
    let unknown = agent
        .post_form(
            "/customers",
            &[
                ("kind", "contact"),
                ("name", "Sem Conta"),
                ("account_document", "45.723.174/0001-10"),
            ],
        )
        .await;
    assert_eq!(unknown.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&unknown.text(), "account_document").is_some());
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_type_ahead_finds_rare_words_far_down_a_large_workspace_and_follows_renames() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    // More names than the type-ahead walks in name order, all before the
    // ones sought and none of them matching.
    sqlx::query(
        "insert into customers (tenant_id, id, kind, name)
         select t.id, gen_random_uuid(), 'contact', 'Aa Cliente ' || lpad(g::text, 5, '0')
           from tenants t, generate_series(1, 6000) g where t.slug = $1",
    )
    .bind(ACME)
    .execute(&app.pool)
    .await
    .expect("many customers");
    let mut shops = Vec::new();
    for (n, cpf) in [
        "714.602.380-01",
        "123.456.789-09",
        "111.444.777-35",
        "390.533.447-05",
        "248.438.034-80",
        "314.159.265-90",
        "271.828.182-05",
        "161.803.398-05",
        "141.421.356-51",
        "173.205.080-52",
        "987.654.321-00",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("Pet Shop {}", char::from(b'A' + n as u8));
        shops.push(create_contact(&agent, &app, &name, cpf, &[]).await);
    }
    let names = |text: String| html::texts(&text, ".picker-name");
    let expected: Vec<String> = ('A'..='J').map(|c| format!("Pet Shop {c}")).collect();
    assert_eq!(
        names(agent.htmx_get("/customers/lookup?q=sho").await.text()),
        expected,
        "the first ten in name order, none missing"
    );
    let fillers: Vec<String> = (1..=10).map(|n| format!("Aa Cliente {n:05}")).collect();
    assert_eq!(
        names(agent.htmx_get("/customers/lookup?q=cliente").await.text()),
        fillers,
        "a common word: the first ten of the names walked"
    );

    // Renamed: found by its new words, no longer by its old ones.
    let filler: uuid::Uuid =
        sqlx::query_scalar("select id from customers where name = 'Aa Cliente 00042'")
            .fetch_one(&app.pool)
            .await
            .expect("filler");
    let role = role_id(&app, ACME, "Cliente").await;
    edit(
        &agent,
        &format!("/customers/{filler}"),
        &[("name", "Aa Shopping Center"), ("roles", &role)],
    )
    .await;
    edit(
        &agent,
        &shops[0],
        &[
            ("name", "Loja de Animais"),
            ("document", "714.602.380-01"),
            ("roles", &role),
        ],
    )
    .await;
    let mut expected: Vec<String> = vec!["Aa Shopping Center".to_owned()];
    expected.extend(('B'..='J').map(|c| format!("Pet Shop {c}")));
    assert_eq!(
        names(agent.htmx_get("/customers/lookup?q=sho").await.text()),
        expected
    );
    assert_eq!(
        names(agent.htmx_get("/customers/lookup?q=animais").await.text()),
        ["Loja de Animais"]
    );
}

#[tokio::test]
async fn the_case_list_shows_a_customers_new_name_and_a_moved_case_its_new_customer() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let shop = create_contact(&agent, &app, "Oficina do Zé", "714.602.380-01", &[]).await;
    let shop_id = shop.trim_start_matches("/customers/");
    let key = uuid::Uuid::now_v7().to_string();
    let case = see_other(
        &agent
            .post_form(
                "/cases",
                &[
                    ("title", "Freio rangendo"),
                    ("customer_id", shop_id),
                    ("idempotency_key", key.as_str()),
                ],
            )
            .await,
    );
    let number = case.trim_start_matches("/cases/").to_owned();
    let customer_in_list = |page: String| -> String {
        let rows = html::texts(&page, "tbody tr");
        let row = rows
            .iter()
            .find(|row| row.contains(&number))
            .unwrap_or_else(|| panic!("{number} not in the list: {rows:?}"));
        row.clone()
    };
    let list = format!("/cases?view=active&q={number}");
    assert!(customer_in_list(agent.get(&list).await.text()).contains("Oficina do Zé"));

    let role = role_id(&app, ACME, "Cliente").await;
    edit(
        &agent,
        &shop,
        &[("name", "Oficina Mecânica do Zé"), ("roles", &role)],
    )
    .await;
    let row = customer_in_list(agent.get(&list).await.text());
    assert!(row.contains("Oficina Mecânica do Zé"), "{row}");

    // Moved to another customer, as the case's edit form does.
    sqlx::query(
        "update cases c set customer_id = cu.id
           from customers cu
          where cu.name = 'Padaria São João Ltda' and c.tenant_id = cu.tenant_id and c.number = $1",
    )
    .bind(
        number
            .trim_start_matches("CAS-")
            .parse::<i64>()
            .expect("number"),
    )
    .execute(&app.pool)
    .await
    .expect("case moved");
    let row = customer_in_list(agent.get(&list).await.text());
    assert!(row.contains("Padaria São João Ltda"), "{row}");
    assert!(!row.contains("Zé"), "{row}");
}
