//! The admin catalogs: lists with unique names, the subject tree, products
//! and what a case may take, and the reason → occurrence → cause cascade.

use atende::catalog::store as catalog;
use atende::users::model::Role;
use axum::http::StatusCode;

use crate::support::{ACME, TestApp, html, location};

#[tokio::test]
async fn every_workspace_starts_with_the_portuguese_catalogs() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let channels = admin.get("/admin/channels").await.text();
    let names = html::texts(&channels, "table.data tbody td:first-child a");
    for expected in [
        "Telefone",
        "E-mail",
        "Web",
        "Chat",
        "WhatsApp",
        "Presencial",
        "Redes sociais",
    ] {
        assert!(
            names.contains(&expected.to_owned()),
            "{expected} in {names:?}"
        );
    }
    let reasons = admin.get("/admin/status-reasons").await.text();
    let rows = html::texts(&reasons, "table.data tbody tr");
    for (name, state) in [
        ("Em andamento", "Ativo"),
        ("Em espera", "Ativo"),
        ("Aguardando detalhes", "Ativo"),
        ("Em pesquisa", "Ativo"),
        ("Problema resolvido", "Resolvido"),
        ("Informação fornecida", "Resolvido"),
        ("Cancelado", "Cancelado"),
        ("Mesclado", "Cancelado"),
    ] {
        assert!(
            rows.iter()
                .any(|r| r.starts_with(name) && r.contains(&format!(" {state} "))),
            "{name} ({state}) in {rows:?}"
        );
    }
}

#[tokio::test]
async fn names_are_unique_within_a_list_and_the_form_comes_back_with_the_error() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/channels",
            &[("name", "whatsapp"), ("sort_order", "9")],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(html::field_error(&page, "name").is_some());
    assert_eq!(
        html::form_value(&page, "/admin/channels", "name").as_deref(),
        Some("whatsapp")
    );
    // The same name is fine in another list.
    let other = admin
        .post_form("/admin/request-types", &[("name", "WhatsApp")])
        .await;
    assert_eq!(other.status_code(), StatusCode::SEE_OTHER);
    let bad_order = admin
        .post_form(
            "/admin/units",
            &[("name", "Filial Sul"), ("sort_order", "primeiro")],
        )
        .await;
    assert_eq!(bad_order.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&bad_order.text(), "sort_order").is_some());
}

#[tokio::test]
async fn deactivated_items_leave_the_choices_but_stay_in_the_list() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let chat = app.named("channels", "Chat").await;
    admin
        .post_form(&format!("/admin/channels/{chat}/deactivate"), &[])
        .await;
    let page = admin.get("/admin/channels").await.text();
    assert!(html::texts(&page, "tr.inactive td:first-child a").contains(&"Chat".to_owned()));
    let tenant: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = 'acme'")
        .fetch_one(&app.pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(&app.pool, tenant)
        .await
        .expect("tx");
    let choices = catalog::choices(&mut tx, atende::catalog::model::ListKind::Channels)
        .await
        .expect("choices");
    assert!(!choices.iter().any(|c| c.name == "Chat"));
}

#[tokio::test]
async fn one_priority_is_the_default_and_colours_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/priorities",
            &[
                ("name", "Crítica"),
                ("sort_order", "5"),
                ("color", "#7f1d1d"),
                ("is_default", "on"),
            ],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let defaults: Vec<String> = sqlx::query_scalar("select p.name from priorities p join tenants t on t.id = p.tenant_id where t.slug = 'acme' and is_default")
        .fetch_all(&app.pool)
        .await
        .expect("defaults");
    assert_eq!(defaults, ["Crítica"]);
    let bad = admin
        .post_form("/admin/priorities", &[("name", "Azul"), ("color", "blue")])
        .await;
    assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&bad.text(), "color").is_some());
}

#[tokio::test]
async fn subjects_move_within_the_tree_but_never_under_their_own_branch() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let produtos = app.named("subjects", "Produtos").await;
    let defeito = app.named("subjects", "Defeito").await;
    let financeiro = app.named("subjects", "Financeiro").await;
    let response = admin
        .post_form(
            &format!("/admin/subjects/{defeito}"),
            &[("name", "Defeito"), ("parent_id", &financeiro.to_string())],
        )
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    let tree = admin.get("/admin/subjects").await.text();
    let rows = html::texts(&tree, ".tree-row a");
    let position = |name: &str| rows.iter().position(|r| r == name).unwrap_or(usize::MAX);
    assert_eq!(
        position("Defeito"),
        position("Financeiro")
            + 1
            + rows[position("Financeiro") + 1..]
                .iter()
                .take_while(|r| *r != "Defeito")
                .count()
    );
    assert!(html::texts(&tree, ".tree-row.depth-1 a").contains(&"Defeito".to_owned()));

    let refused = admin
        .post_form(
            &format!("/admin/subjects/{produtos}"),
            &[
                ("name", "Produtos"),
                (
                    "parent_id",
                    &app.named("subjects", "Garantia").await.to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&refused.text(), "parent_id").is_some());
    let itself = admin
        .post_form(
            &format!("/admin/subjects/{produtos}"),
            &[("name", "Produtos"), ("parent_id", &produtos.to_string())],
        )
        .await;
    assert_eq!(itself.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_subject_under_an_inactive_parent_is_not_offered() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let produtos = app.named("subjects", "Produtos").await;
    admin
        .post_form(&format!("/admin/subjects/{produtos}/deactivate"), &[])
        .await;
    let tree = admin.get("/admin/subjects").await.text();
    let hidden = html::texts(&tree, ".tree-row.inactive a");
    for name in ["Produtos", "Defeito", "Garantia"] {
        assert!(hidden.contains(&name.to_owned()), "{name} in {hidden:?}");
    }
    assert!(!hidden.contains(&"Financeiro".to_owned()));
}

#[tokio::test]
async fn a_case_takes_only_active_products_that_are_not_families() {
    let app = TestApp::spawn().await;
    let tenant: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = 'acme'")
        .fetch_one(&app.pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(&app.pool, tenant)
        .await
        .expect("tx");
    let offered: Vec<String> = catalog::case_products(&mut tx)
        .await
        .expect("products")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        offered,
        ["Amassadeira AM-20", "Forno Turbo 450"],
        "not the family, the draft, the retired or the draft bundle"
    );
    drop(tx);

    let admin = app.signed_in(Role::Admin).await;
    let kit = app.named("products", "Kit Padaria Completa").await;
    admin
        .post_form(
            &format!("/admin/products/{kit}/state"),
            &[("state", "active")],
        )
        .await;
    let mut tx = atende::db::begin_tenant_tx(&app.pool, tenant)
        .await
        .expect("tx");
    let offered: Vec<String> = catalog::case_products(&mut tx)
        .await
        .expect("products")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(
        offered.contains(&"Kit Padaria Completa".to_owned()),
        "a published bundle is offered"
    );
}

#[tokio::test]
async fn an_empty_bundle_cannot_be_published_and_states_move_in_order() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .post_form(
            "/admin/products",
            &[("kind", "bundle"), ("code", "KIT-2"), ("name", "Kit Vazio")],
        )
        .await;
    let bundle = location(&response);
    admin
        .post_form(&format!("{bundle}/state"), &[("state", "active")])
        .await;
    let page = admin.get(&bundle).await.text();
    assert!(!html::text(&page, ".flash-error").is_empty());
    assert!(html::text(&page, ".page-head").contains("Rascunho"));
    let retired = admin
        .post_form(&format!("{bundle}/state"), &[("state", "retired")])
        .await;
    assert_eq!(retired.status_code(), StatusCode::SEE_OTHER);
    assert!(
        html::text(&admin.get(&bundle).await.text(), ".page-head").contains("Rascunho"),
        "draft cannot be retired"
    );
    let forno = app.named("products", "Forno Turbo 450").await;
    admin
        .post_form(
            &format!("{bundle}/items"),
            &[("product_id", &forno.to_string()), ("quantity", "2")],
        )
        .await;
    admin
        .post_form(&format!("{bundle}/state"), &[("state", "active")])
        .await;
    assert!(html::text(&admin.get(&bundle).await.text(), ".page-head").contains("Ativo"));
}

#[tokio::test]
async fn the_cascade_lists_only_the_active_children_of_the_chosen_level() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let reclamacao = app.named("reasons", "Reclamação").await;
    let options = |text: &str| {
        html::texts(text, "option")
            .into_iter()
            .filter(|o| !o.ends_with('…'))
            .collect::<Vec<_>>()
    };
    let fragment = agent
        .htmx_get(&format!("/catalog/occurrences?reason_id={reclamacao}"))
        .await
        .text();
    assert_eq!(
        options(&fragment),
        [
            "Atraso na entrega",
            "Cobrança indevida",
            "Produto com defeito"
        ]
    );
    let defeito = app.named("occurrences", "Produto com defeito").await;
    let fragment = agent
        .htmx_get(&format!("/catalog/causes?occurrence_id={defeito}"))
        .await
        .text();
    assert_eq!(
        options(&fragment),
        ["Defeito de fabricação", "Desgaste natural", "Mau uso"]
    );

    let admin = app.signed_in(Role::Admin).await;
    let mau_uso = app.named("causes", "Mau uso").await;
    admin
        .post_form(&format!("/admin/causes/{mau_uso}/deactivate"), &[])
        .await;
    let fragment = agent
        .htmx_get(&format!("/catalog/causes?occurrence_id={defeito}"))
        .await
        .text();
    assert_eq!(
        options(&fragment),
        ["Defeito de fabricação", "Desgaste natural"]
    );
    admin
        .post_form(&format!("/admin/occurrences/{defeito}/deactivate"), &[])
        .await;
    let fragment = agent
        .htmx_get(&format!("/catalog/causes?occurrence_id={defeito}"))
        .await
        .text();
    assert!(
        options(&fragment).is_empty(),
        "causes of an inactive occurrence are not offered"
    );
    // Another tenant's reason yields nothing, not its children.
    let outsider = app.signed_in_to(crate::support::GLOBEX, Role::Agent).await;
    let fragment = outsider
        .htmx_get(&format!("/catalog/occurrences?reason_id={reclamacao}"))
        .await
        .text();
    assert!(options(&fragment).is_empty());
}

#[tokio::test]
async fn the_cascade_is_built_level_by_level_on_the_admin_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    assert_eq!(
        admin
            .post_form("/admin/reasons", &[("name", "Cancelamento")])
            .await
            .status_code(),
        StatusCode::SEE_OTHER
    );
    let reason = app.named("reasons", "Cancelamento").await;
    admin
        .post_form(
            &format!("/admin/reasons/{reason}/occurrences"),
            &[("name", "Desistência da compra")],
        )
        .await;
    let occurrence = app.named("occurrences", "Desistência da compra").await;
    admin
        .post_form(
            &format!("/admin/occurrences/{occurrence}/causes"),
            &[("name", "Preço")],
        )
        .await;
    let page = admin.get("/admin/reasons").await.text();
    let section = html::texts(&page, ".cascade-reason")
        .into_iter()
        .find(|s| s.contains("Cancelamento"))
        .unwrap_or_default();
    assert!(
        section.contains("Desistência da compra") && section.contains("Preço"),
        "{section}"
    );
    let duplicate = admin
        .post_form(
            &format!("/admin/occurrences/{occurrence}/causes"),
            &[("name", "preço")],
        )
        .await;
    assert_eq!(duplicate.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!html::texts(&duplicate.text(), ".field-error").is_empty());
}

#[tokio::test]
async fn team_members_are_users_of_the_workspace() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let team = app.named("teams", "Nível 1").await;
    let agent = app.user_id(ACME, Role::Agent).await;
    admin
        .post_form(
            &format!("/admin/teams/{team}/members"),
            &[("user_id", &agent.to_string())],
        )
        .await;
    let page = admin.get(&format!("/admin/teams/{team}")).await.text();
    assert!(html::text(&page, ".plain-list").contains("agent acme"));
    let foreign = app.user_id(crate::support::GLOBEX, Role::Agent).await;
    admin
        .post_form(
            &format!("/admin/teams/{team}/members"),
            &[("user_id", &foreign.to_string())],
        )
        .await;
    let members: i64 = sqlx::query_scalar("select count(*) from team_members where team_id = $1")
        .bind(team)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(members, 1, "a user of another workspace cannot join");
}

#[tokio::test]
async fn list_changes_reach_open_forms_at_once_even_from_another_instance() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let admin = app.signed_in(Role::Admin).await;
    let offered =
        |page: &str, select: &str| html::texts(page, &format!("select[name=\"{select}\"] option"));
    let before = agent.get("/cases/new").await.text();
    assert!(offered(&before, "channel_id").contains(&"Chat".to_owned()));

    admin
        .post_form(
            "/admin/priorities",
            &[
                ("name", "Crítica"),
                ("sort_order", "5"),
                ("color", "#7f1d1d"),
            ],
        )
        .await;
    let chat = app.named("channels", "Chat").await;
    admin
        .post_form(&format!("/admin/channels/{chat}/deactivate"), &[])
        .await;
    let after = agent.get("/cases/new").await.text();
    assert!(offered(&after, "priority_id").contains(&"Crítica".to_owned()));
    assert!(!offered(&after, "channel_id").contains(&"Chat".to_owned()));

    // Another server writing to the same database: no message reaches this
    // one, only the workspace's list version.
    let tenant: uuid::Uuid = sqlx::query_scalar("select id from tenants where slug = 'acme'")
        .fetch_one(&app.pool)
        .await
        .expect("tenant");
    let mut tx = atende::db::begin_tenant_tx(&app.pool, tenant)
        .await
        .expect("tx");
    sqlx::query("update priorities set name = 'Urgentíssima' where name = 'Crítica'")
        .execute(&mut *tx)
        .await
        .expect("rename");
    tx.commit().await.expect("commit");
    let renamed = agent.get("/cases/new").await.text();
    let priorities = offered(&renamed, "priority_id");
    assert!(
        priorities.contains(&"Urgentíssima".to_owned()),
        "{priorities:?}"
    );
    assert!(!priorities.contains(&"Crítica".to_owned()));
}
