//! The entitlement a case draws on: offered by channel, with the channel's
//! remaining terms, decided again when the case is saved, and "restrict"
//! holding even when "nenhum" is chosen.

use atende::users::model::Role;
use axum::http::StatusCode;
use uuid::Uuid;

use crate::support::{Browser, TestApp, html, location};

const CUSTOMER: &str = "Padaria São João Ltda";

/// An active entitlement of the bakery, in cases taken at creation.
pub struct Contract {
    pub name: &'static str,
    pub remaining: i32,
    pub restrict: bool,
    pub default: bool,
    /// The only channel it covers, with that channel's own remaining terms.
    pub channel: Option<(Uuid, i32)>,
}

impl Contract {
    pub fn new(name: &'static str) -> Contract {
        Contract {
            name,
            remaining: 5,
            restrict: false,
            default: false,
            channel: None,
        }
    }

    pub async fn create(self, app: &TestApp) -> Uuid {
        let id = Uuid::now_v7();
        let customer = app.any_row_named(CUSTOMER).await;
        sqlx::query(
            "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, status, allocation,
                                       total_units, remaining_units, decrease_on, restrict_creation, is_default)
             values ((select id from tenants where slug = 'acme'), $1, $2, $3, current_date - 10, current_date + 30,
                     'active', 'cases', 10, $4, 'creation', $5, $6)",
        )
        .bind(id)
        .bind(customer)
        .bind(self.name)
        .bind(self.remaining)
        .bind(self.restrict)
        .bind(self.default)
        .execute(&app.pool)
        .await
        .expect("entitlement");
        if let Some((channel, remaining)) = self.channel {
            sqlx::query(
                "insert into entitlement_channels (tenant_id, entitlement_id, channel_id, total_units, remaining_units)
                 values ((select id from tenants where slug = 'acme'), $1, $2, 10, $3)",
            )
            .bind(id)
            .bind(channel)
            .bind(remaining)
            .execute(&app.pool)
            .await
            .expect("entitlement channel");
        }
        id
    }
}

/// What remains on the entitlement, and on its channel when it has one.
pub async fn remaining(app: &TestApp, id: Uuid) -> (i32, Option<i32>) {
    sqlx::query_as(
        "select e.remaining_units, (select remaining_units from entitlement_channels where entitlement_id = e.id)
           from entitlements e where e.id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("remaining")
}

async fn case_entitlement(app: &TestApp, path: &str) -> Option<Uuid> {
    let number: i64 = path
        .trim_start_matches("/cases/CAS-")
        .parse()
        .expect("case number");
    sqlx::query_scalar(
        "select c.entitlement_id from cases c join tenants t on t.id = c.tenant_id
          where t.slug = 'acme' and c.number = $1",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .expect("case")
}

async fn cases_of_title(app: &TestApp, title: &str) -> i64 {
    sqlx::query_scalar("select count(*) from cases where title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// The new-case form for the bakery, as the page draws it, with `changes`
/// made on top of what the page holds, posted as the browser would.
async fn submit_new_case(
    agent: &Browser,
    app: &TestApp,
    changes: &[(&str, &str)],
) -> axum_test::TestResponse {
    let customer = app.any_row_named(CUSTOMER).await;
    let page = agent
        .get(&format!("/cases/new?customer={customer}"))
        .await
        .text();
    let mut fields: Vec<(String, String)> = [
        "customer_id",
        "idempotency_key",
        "received_at",
        "direction",
        "entitlement_id",
    ]
    .iter()
    .map(|name| ((*name).to_owned(), submitted(&page, "/cases", name)))
    .collect();
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    agent.post_form("/cases", &pairs).await
}

/// What the browser sends for the field `name` of the form posting to
/// `action`: a select sends its selected option, else its first.
fn submitted(page: &str, action: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    let select = scraper::Selector::parse(&format!(
        "form[action=\"{action}\"] select[name=\"{name}\"]"
    ))
    .expect("selector");
    let option = scraper::Selector::parse("option").expect("selector");
    match doc.select(&select).next() {
        Some(select) => {
            let options: Vec<_> = select.select(&option).collect();
            options
                .iter()
                .find(|o| o.value().attr("selected").is_some())
                .or(options.first())
                .and_then(|o| o.value().attr("value"))
                .unwrap_or_default()
                .to_owned()
        }
        None => html::form_value(page, action, name).unwrap_or_default(),
    }
}

fn selected_entitlement(page: &str) -> Vec<String> {
    html::texts(page, "#f-entitlement_id option[selected]")
}

fn offered(page: &str) -> Vec<String> {
    html::texts(page, "#f-entitlement_id option")
}

#[tokio::test]
async fn a_whatsapp_only_entitlement_is_offered_for_whatsapp_with_what_remains_on_that_channel() {
    let app = TestApp::spawn().await;
    let whatsapp = app.named("channels", "WhatsApp").await;
    let phone = app.named("channels", "Telefone").await;
    Contract {
        remaining: 5,
        channel: Some((whatsapp, 2)),
        default: true,
        ..Contract::new("Zap 2026")
    }
    .create(&app)
    .await;
    Contract {
        remaining: 1,
        channel: Some((phone, 0)),
        ..Contract::new("Fone 2026")
    }
    .create(&app)
    .await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = app.any_row_named(CUSTOMER).await;

    let section = |channel: Uuid| {
        format!(
            "/cases/entitlement-section?customer_id={customer}&channel_id={channel}&entitlement_id="
        )
    };
    let on_whatsapp = agent.htmx_get(&section(whatsapp)).await.text();
    assert_eq!(
        selected_entitlement(&on_whatsapp),
        ["Zap 2026 — restam neste canal: 2 · padrão"],
        "offered, preselected, with the channel's remaining"
    );
    let on_phone = agent.htmx_get(&section(phone)).await.text();
    assert!(
        !on_phone.contains("Zap 2026"),
        "not offered on another channel"
    );
    assert!(
        offered(&on_phone).contains(&"Fone 2026 — restam neste canal: 0".to_owned()),
        "what remains on the phone, not the entitlement's 1: {:?}",
        offered(&on_phone)
    );
    let no_channel = agent
        .htmx_get(&format!(
            "/cases/entitlement-section?customer_id={customer}"
        ))
        .await
        .text();
    assert!(!no_channel.contains("Zap 2026"));

    // Choosing the customer after the channel offers it at once too.
    let picked = agent
        .htmx_get(&format!(
            "/cases/pick-customer/{customer}?channel_id={whatsapp}"
        ))
        .await
        .text();
    assert_eq!(
        selected_entitlement(&picked),
        ["Zap 2026 — restam neste canal: 2 · padrão"]
    );
}

#[tokio::test]
async fn a_case_opened_on_whatsapp_is_debited_from_the_whatsapp_entitlement_the_page_never_showed()
{
    let app = TestApp::spawn().await;
    let whatsapp = app.named("channels", "WhatsApp").await.to_string();
    let phone = app.named("channels", "Telefone").await.to_string();
    let zap = Contract {
        channel: Some((whatsapp.parse().expect("id"), 2)),
        default: true,
        ..Contract::new("Zap 2026")
    }
    .create(&app)
    .await;
    let agent = app.signed_in(Role::Agent).await;

    // The form was drawn before the channel was chosen: nothing was offered.
    let response = submit_new_case(
        &agent,
        &app,
        &[("title", "Pedido pelo WhatsApp"), ("channel_id", &whatsapp)],
    )
    .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let path = location(&response);
    assert_eq!(case_entitlement(&app, &path).await, Some(zap));
    assert_eq!(remaining(&app, zap).await, (4, Some(1)));

    // On another channel it is neither offered nor taken.
    let response = submit_new_case(
        &agent,
        &app,
        &[("title", "Pedido por telefone"), ("channel_id", &phone)],
    )
    .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    assert_eq!(case_entitlement(&app, &location(&response)).await, None);
    assert_eq!(remaining(&app, zap).await, (4, Some(1)));
    let chosen_anyway = submit_new_case(
        &agent,
        &app,
        &[
            ("title", "Telefone com direito do WhatsApp"),
            ("channel_id", &phone),
            ("entitlement_id", &zap.to_string()),
        ],
    )
    .await;
    assert_eq!(
        chosen_anyway.status_code(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(
        html::field_error(&chosen_anyway.text(), "entitlement_id")
            .is_some_and(|e| e.contains("não cobre")),
        "the error sits next to the entitlement"
    );
    assert_eq!(remaining(&app, zap).await, (4, Some(1)));
}

#[tokio::test]
async fn after_a_refresh_without_javascript_the_channels_default_entitlement_is_preselected() {
    let app = TestApp::spawn().await;
    let whatsapp = app.named("channels", "WhatsApp").await.to_string();
    Contract::new("Geral 2026").create(&app).await;
    Contract {
        channel: Some((whatsapp.parse().expect("id"), 2)),
        default: true,
        ..Contract::new("Zap 2026")
    }
    .create(&app)
    .await;
    let agent = app.signed_in(Role::Agent).await;
    let customer = app.any_row_named(CUSTOMER).await;
    let page = agent
        .get(&format!("/cases/new?customer={customer}"))
        .await
        .text();
    assert_eq!(
        selected_entitlement(&page),
        Vec::<String>::new(),
        "no default covers a case without channel"
    );
    assert!(
        page.contains("Atualizar direitos"),
        "the refresh without JavaScript"
    );
    let shown = submitted(&page, "/cases", "entitlement_id");

    let refreshed = agent
        .post_form(
            "/cases",
            &[
                ("action", "refresh"),
                ("title", "Pedido pelo WhatsApp"),
                ("customer_id", &customer.to_string()),
                ("channel_id", &whatsapp),
                ("entitlement_id", &shown),
            ],
        )
        .await;
    assert_eq!(refreshed.status_code(), StatusCode::OK);
    let page = refreshed.text();
    assert_eq!(
        selected_entitlement(&page),
        ["Zap 2026 — restam neste canal: 2 · padrão"]
    );
    assert_eq!(
        html::form_value(&page, "/cases", "title").as_deref(),
        Some("Pedido pelo WhatsApp")
    );
}

#[tokio::test]
async fn an_agent_cannot_open_a_case_without_the_entitlement_that_restricts_creation() {
    let app = TestApp::spawn().await;
    let strict = Contract {
        restrict: true,
        ..Contract::new("Ouro 2026")
    }
    .create(&app)
    .await;
    let agent = app.signed_in(Role::Agent).await;
    let refused = submit_new_case(
        &agent,
        &app,
        &[
            ("title", "Sem direito, por favor"),
            ("entitlement_id", "none"),
        ],
    )
    .await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text();
    let error = html::field_error(&page, "entitlement_id").unwrap_or_default();
    assert!(error.contains("restringe"), "{error}");
    assert_eq!(
        html::form_value(&page, "/cases", "title").as_deref(),
        Some("Sem direito, por favor")
    );
    assert!(
        html::texts(&page, "#f-entitlement_reason").is_empty(),
        "an agent is not offered the exception"
    );
    assert_eq!(cases_of_title(&app, "Sem direito, por favor").await, 0);

    // With nothing left, neither the entitlement nor "nenhum" opens a case.
    sqlx::query("update entitlements set remaining_units = 0 where id = $1")
        .bind(strict)
        .execute(&app.pool)
        .await
        .expect("exhausted");
    let exhausted = submit_new_case(
        &agent,
        &app,
        &[
            ("title", "Sem direito, por favor"),
            ("entitlement_id", &strict.to_string()),
        ],
    )
    .await;
    assert_eq!(exhausted.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html::field_error(&exhausted.text(), "entitlement_id")
            .is_some_and(|e| e.contains("não tem mais termos"))
    );
    let without = submit_new_case(
        &agent,
        &app,
        &[
            ("title", "Sem direito, por favor"),
            ("entitlement_id", "none"),
        ],
    )
    .await;
    assert_eq!(without.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html::field_error(&without.text(), "entitlement_id")
            .is_some_and(|e| e.contains("restringe"))
    );
    assert_eq!(cases_of_title(&app, "Sem direito, por favor").await, 0);
}

#[tokio::test]
async fn a_supervisor_opens_it_without_the_entitlement_only_with_a_reason_kept_on_the_timeline() {
    let app = TestApp::spawn().await;
    let strict = Contract {
        restrict: true,
        remaining: 0,
        ..Contract::new("Ouro 2026")
    }
    .create(&app)
    .await;
    let supervisor = app.signed_in(Role::Supervisor).await;
    let no_reason = submit_new_case(
        &supervisor,
        &app,
        &[("title", "Forno parado"), ("entitlement_id", "none")],
    )
    .await;
    assert_eq!(no_reason.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = no_reason.text();
    assert!(
        html::field_error(&page, "entitlement_reason").is_some_and(|e| e.contains("motivo")),
        "the error sits next to the reason"
    );
    assert!(html::field_error(&page, "entitlement_id").is_none());
    assert_eq!(cases_of_title(&app, "Forno parado").await, 0);

    let opened = submit_new_case(
        &supervisor,
        &app,
        &[
            ("title", "Forno parado"),
            ("entitlement_id", "none"),
            ("entitlement_reason", "Cortesia: contrato em renovação"),
        ],
    )
    .await;
    assert_eq!(
        opened.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        opened.text()
    );
    let path = location(&opened);
    assert_eq!(case_entitlement(&app, &path).await, None);
    assert_eq!(remaining(&app, strict).await, (0, None));
    let case = supervisor.get(&path).await.text();
    let entries = html::texts(&case, "#timeline .event-entitlement");
    assert!(
        entries
            .iter()
            .any(|e| e.contains("Ouro 2026") && e.contains("Cortesia: contrato em renovação")),
        "{entries:?}"
    );
}

/// The case's edit form as the page draws it, with `changes`, saved.
async fn edit_case(
    browser: &Browser,
    path: &str,
    changes: &[(&str, &str)],
) -> axum_test::TestResponse {
    let action = format!("{path}/edit");
    let page = browser.get(&action).await.text();
    let mut fields: Vec<(String, String)> = [
        "customer_id",
        "version",
        "received_at",
        "title",
        "entitlement_id",
    ]
    .iter()
    .map(|name| ((*name).to_owned(), submitted(&page, &action, name)))
    .collect();
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post_form(&action, &pairs).await
}

#[tokio::test]
async fn taking_a_case_off_its_restricting_entitlement_later_follows_the_same_rule() {
    let app = TestApp::spawn().await;
    let strict = Contract {
        restrict: true,
        default: true,
        ..Contract::new("Ouro 2026")
    }
    .create(&app)
    .await;
    let agent = app.signed_in(Role::Agent).await;
    let opened = submit_new_case(&agent, &app, &[("title", "Balança descalibrada")]).await;
    assert_eq!(opened.status_code(), StatusCode::SEE_OTHER);
    let path = location(&opened);
    assert_eq!(case_entitlement(&app, &path).await, Some(strict));
    assert_eq!(remaining(&app, strict).await, (4, None));

    let refused = edit_case(&agent, &path, &[("entitlement_id", "none")]).await;
    assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html::field_error(&refused.text(), "entitlement_id").is_some());
    assert_eq!(case_entitlement(&app, &path).await, Some(strict));

    let supervisor = app.signed_in(Role::Supervisor).await;
    let moved = edit_case(
        &supervisor,
        &path,
        &[
            ("entitlement_id", "none"),
            ("entitlement_reason", "Garantia do fabricante"),
        ],
    )
    .await;
    assert_eq!(
        moved.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        moved.text()
    );
    assert_eq!(case_entitlement(&app, &path).await, None);
    assert_eq!(
        remaining(&app, strict).await,
        (5, None),
        "its term came back"
    );
    let case = supervisor.get(&path).await.text();
    assert!(
        html::texts(&case, "#timeline .event-entitlement")
            .iter()
            .any(|e| e.contains("Garantia do fabricante"))
    );

    // Editing something else leaves the case as it is, without asking again.
    let retitled = edit_case(&agent, &path, &[("title", "Balança descalibrada de novo")]).await;
    assert_eq!(
        retitled.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        retitled.text()
    );
    assert_eq!(case_entitlement(&app, &path).await, None);
}
