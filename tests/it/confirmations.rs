//! Actions that are hard or impossible to take back ask once, on a page of
//! their own that says what will happen; a post that skips the question
//! changes nothing, and another workspace's record stays a 404.

use atende::users::model::Role;
use axum::http::StatusCode;
use scraper::{Html, Selector};
use uuid::Uuid;

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, location, see_other};

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

/// The fields the confirmation page's form posts (its token aside: the
/// browser adds its own), and where it posts them.
fn confirmation_form(page: &str) -> (String, Vec<(String, String)>) {
    let doc = Html::parse_document(page);
    let form = Selector::parse("#confirm form").expect("selector");
    let inputs = Selector::parse("input").expect("selector");
    let form = doc.select(&form).next().expect("a confirmation form");
    let action = form.value().attr("action").unwrap_or_default().to_owned();
    let fields = form
        .select(&inputs)
        .filter_map(|i| Some((i.value().attr("name")?, i.value().attr("value")?)))
        .filter(|(name, _)| *name != "csrf_token")
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    (action, fields)
}

async fn answer(browser: &Browser, page: &str) -> axum_test::TestResponse {
    let (action, fields) = confirmation_form(page);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    browser.post_form(&action, &fields).await
}

async fn case_state(app: &TestApp, title: &str) -> (String, Option<Uuid>) {
    sqlx::query_as("select state, merged_into_id from cases where title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .expect("case")
}

#[tokio::test]
async fn a_merge_says_what_stays_what_moves_and_that_it_cannot_be_undone_before_merging() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let kept = open_case(&agent, &app, "Fica este").await;
    let gone = open_case(&agent, &app, "Some este").await;
    let (nk, ng) = (
        kept.trim_start_matches("/cases/"),
        gone.trim_start_matches("/cases/"),
    );
    // The merge form on the case page asks; it does not post.
    let relations = agent.get(&format!("{kept}?tab=relationships")).await.text();
    let doc = Html::parse_document(&relations);
    let form = Selector::parse("#merge form").expect("selector");
    let method = doc
        .select(&form)
        .next()
        .and_then(|f| f.value().attr("method"))
        .map(str::to_owned);
    assert_eq!(method.as_deref(), Some("get"));

    let asked = agent
        .get(&format!("{kept}/merge?cases={ng}&primary={nk}"))
        .await;
    assert_eq!(asked.status_code(), StatusCode::OK);
    let page = asked.text();
    let items = html::texts(&page, "#confirm-items li");
    assert!(
        items.iter().any(|i| i.contains(nk) && i.contains("fica")),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i.contains(ng) && i.contains("será mesclado")),
        "{items:?}"
    );
    let said = html::text(&page, "#confirm-consequences");
    for words in [
        "notas",
        "atividades",
        "anexos",
        "linha do tempo",
        "Mesclado",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(html::text(&page, "#confirm-irreversible").contains("Não é possível desfazer"));
    assert_eq!(
        case_state(&app, "Some este").await.0,
        "active",
        "asking merged nothing"
    );

    // The bare action, as an old page or a replay would send it, is refused.
    let skipped = agent
        .post_form(&format!("{kept}/merge"), &[("cases", ng), ("primary", nk)])
        .await;
    assert_eq!(skipped.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::text(&skipped.text(), "#confirm-refused").contains("Nada foi feito"));
    assert_eq!(case_state(&app, "Some este").await, ("active".into(), None));

    let done = answer(&agent, &page).await;
    assert_eq!(location(&done), kept);
    let (state, into) = case_state(&app, "Some este").await;
    assert_eq!(state, "cancelled");
    assert!(into.is_some());
}

#[tokio::test]
async fn a_refused_merge_choice_is_explained_before_any_question() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let alone = open_case(&agent, &app, "Sozinho").await;
    let response = agent
        .get(&format!(
            "{alone}/merge?primary={}",
            alone.trim_start_matches("/cases/")
        ))
        .await;
    assert_eq!(location(&response), format!("{alone}?tab=relationships"));
    let page = agent.get(&location(&response)).await.text();
    assert!(html::text(&page, ".flash-error").contains("Escolha de 2 a 10"));
}

#[tokio::test]
async fn reactivating_says_the_status_it_returns_to_and_what_happens_to_the_clocks() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Volta").await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();
    let resolved = agent
        .post_form(
            &format!("{path}/resolve"),
            &[("status_reason_id", solved.as_str()), ("text", "Feito")],
        )
        .await;
    assert_eq!(resolved.status_code(), StatusCode::SEE_OTHER);
    let case_page = agent.get(&path).await.text();
    assert!(
        !html::texts(&case_page, &format!("a[href=\"{path}/reactivate\"]")).is_empty(),
        "the case page's button leads to the question"
    );

    let page = agent.get(&format!("{path}/reactivate")).await.text();
    assert!(html::text(&page, "#confirm").contains("volta a Ativo · Em andamento"));
    let said = html::text(&page, "#confirm-consequences");
    assert!(said.contains("SLA") && said.contains("pausa"), "{said}");
    assert!(said.contains("tempo faturável"), "{said}");

    let skipped = agent.post_form(&format!("{path}/reactivate"), &[]).await;
    assert_eq!(skipped.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(case_state(&app, "Volta").await.0, "resolved");

    let done = answer(&agent, &page).await;
    assert_eq!(location(&done), path);
    assert_eq!(case_state(&app, "Volta").await.0, "active");
    // An active case has nothing to ask about.
    let again = agent.get(&format!("{path}/reactivate")).await;
    assert_eq!(location(&again), path);
}

#[tokio::test]
async fn deactivating_a_customer_says_what_it_means_for_new_and_open_cases() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    open_case(&agent, &app, "Caso aberto da padaria").await;
    let padaria = app.any_row_named("Padaria São João Ltda").await;
    let active = || async {
        sqlx::query_scalar::<_, bool>("select active from customers where id = $1")
            .bind(padaria)
            .fetch_one(&app.pool)
            .await
            .expect("customer")
    };

    let page = supervisor
        .get(&format!("/customers/{padaria}/deactivate"))
        .await
        .text();
    let said = html::text(&page, "#confirm-consequences");
    assert!(said.contains("caso novo"), "{said}");
    assert!(
        said.contains("casos ativos dele continuam abertos") || said.contains("caso ativo dele"),
        "{said}"
    );

    let skipped = supervisor
        .post_form(&format!("/customers/{padaria}/deactivate"), &[])
        .await;
    assert_eq!(skipped.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(active().await, "nothing changed");

    let done = answer(&supervisor, &page).await;
    assert_eq!(location(&done), format!("/customers/{padaria}"));
    assert!(!active().await);
}

#[tokio::test]
async fn cancelling_an_entitlement_says_which_terms_are_lost_for_good() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let customer = app.any_row_named("Padaria São João Ltda").await.to_string();
    let day = app.clock().now().date_naive().to_string();
    let created = admin
        .post_form(
            "/admin/entitlements",
            &[
                ("customer_id", customer.as_str()),
                ("name", "Suporte anual"),
                ("starts_on", day.as_str()),
                ("ends_on", day.as_str()),
                ("allocation", "hours"),
                ("total", "10:30"),
                ("decrease_on", "resolution"),
            ],
        )
        .await;
    let path = see_other(&created);
    let status = || async {
        sqlx::query_scalar::<_, String>(
            "select status from entitlements where name = 'Suporte anual'",
        )
        .fetch_one(&app.pool)
        .await
        .expect("entitlement")
    };
    let before = status().await;

    let page = admin.get(&format!("{path}/cancel")).await.text();
    let said = html::text(&page, "#confirm-consequences");
    assert!(
        said.contains("10:30 h"),
        "the remaining terms are named: {said}"
    );
    assert!(said.contains("casos novos"), "{said}");
    assert!(html::text(&page, "#confirm-irreversible").contains("Não é possível desfazer"));

    let skipped = admin.post_form(&format!("{path}/cancel"), &[]).await;
    assert_eq!(skipped.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status().await, before, "nothing changed");

    let done = answer(&admin, &page).await;
    assert_eq!(location(&done), path);
    assert_eq!(status().await, "cancelled");
}

#[tokio::test]
async fn another_workspace_gets_404_for_every_question_and_every_answer() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let admin = app.signed_in(Role::Admin).await;
    let a = open_case(&agent, &app, "Nosso A").await;
    let b = open_case(&agent, &app, "Nosso B").await;
    let (na, nb) = (
        a.trim_start_matches("/cases/"),
        b.trim_start_matches("/cases/"),
    );
    let customer = app.any_row("customers", ACME).await;
    let day = app.clock().now().date_naive().to_string();
    let customer_text = customer.to_string();
    let entitlement = see_other(
        &admin
            .post_form(
                "/admin/entitlements",
                &[
                    ("customer_id", customer_text.as_str()),
                    ("name", "Nosso direito"),
                    ("starts_on", day.as_str()),
                    ("ends_on", day.as_str()),
                    ("allocation", "cases"),
                    ("total", "5"),
                    ("decrease_on", "creation"),
                ],
            )
            .await,
    );
    let outsider = app.signed_in_to(GLOBEX, Role::Admin).await;
    let before = app.fingerprint().await;
    for path in [
        format!("{a}/merge?cases={nb}&primary={na}"),
        format!("{a}/reactivate"),
        format!("/customers/{customer}/deactivate"),
        format!("{entitlement}/cancel"),
    ] {
        assert_eq!(
            outsider.get(&path).await.status_code(),
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for (path, fields) in [
        (
            format!("{a}/merge"),
            vec![("cases", nb), ("primary", na), ("confirm", "yes")],
        ),
        (format!("{a}/reactivate"), vec![("confirm", "yes")]),
        (
            format!("/customers/{customer}/deactivate"),
            vec![("confirm", "yes")],
        ),
        (format!("{entitlement}/cancel"), vec![("confirm", "yes")]),
    ] {
        assert_eq!(
            outsider.post_form(&path, &fields).await.status_code(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }
    assert_eq!(before, app.fingerprint().await, "nothing was written");
}
