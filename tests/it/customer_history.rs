//! A customer's history (its cases opened and closed, notes and activities,
//! newest first, a page at a time) and agenda (what is scheduled on its
//! cases, soonest first), and the printed case report with and without the
//! internal notes.

use atende::users::model::Role;
use axum::http::StatusCode;
use chrono::{Datelike, Duration, Utc};

use crate::support::{ACME, Browser, GLOBEX, TestApp, html, see_other};

/// Opens a case for `customer` through the form; its page's path.
async fn open_case(browser: &Browser, customer: uuid::Uuid, title: &str) -> String {
    let key = uuid::Uuid::now_v7().to_string();
    let customer = customer.to_string();
    see_other(
        &browser
            .post_form(
                "/cases",
                &[
                    ("title", title),
                    ("customer_id", &customer),
                    ("idempotency_key", &key),
                ],
            )
            .await,
    )
}

async fn note(browser: &Browser, case: &str, body: &str, visibility: &str) {
    let response = browser
        .upload_form(
            &format!("{case}/notes"),
            &[("body", body), ("visibility", visibility)],
        )
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
}

async fn activity(browser: &Browser, case: &str, fields: &[(&str, &str)]) {
    let response = browser
        .upload_form(&format!("{case}/activities"), fields)
        .await;
    assert_eq!(
        response.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
}

/// "CAS-000123" of a case page's path.
fn number(case: &str) -> &str {
    case.trim_start_matches("/cases/")
}

/// The entries of a history or agenda list, each as its visible text.
fn entries(page: &str, list: &str) -> Vec<String> {
    html::texts(page, &format!("{list} li.history-entry"))
}

fn times(page: &str, list: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(page);
    let selector =
        scraper::Selector::parse(&format!("{list} li.history-entry time")).expect("selector");
    doc.select(&selector)
        .filter_map(|t| t.value().attr("datetime").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_history_lists_cases_notes_and_activities_of_the_account_and_its_contacts_newest_first()
{
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let contact = app.any_row_named("José da Silva").await;
    let solved = app
        .named("status_reasons", "Problema resolvido")
        .await
        .to_string();

    let first = open_case(&agent, account, "Forno não aquece").await;
    note(&agent, &first, "Cliente pediu visita", "public").await;
    activity(
        &agent,
        &first,
        &[
            ("kind", "phone_call"),
            ("subject", "Retorno ao cliente"),
            ("description", "Expliquei o prazo"),
            ("duration", "10"),
        ],
    )
    .await;
    note(
        &agent,
        &first,
        "Cliente costuma atrasar pagamentos",
        "private",
    )
    .await;
    see_other(
        &agent
            .post_form(
                &format!("{first}/resolve"),
                &[
                    ("status_reason_id", &solved),
                    ("text", "Resistência trocada"),
                ],
            )
            .await,
    );
    let by_contact = open_case(&agent, contact, "Pedido do José").await;

    let page = agent.get(&format!("/customers/{account}")).await.text();
    let shown = entries(&page, "#customer-history");
    let expected = [
        ("Caso aberto", number(&by_contact)),
        ("Caso resolvido", number(&first)),
        ("Relato", number(&first)),
        ("Ligação telefônica", number(&first)),
        ("Relato", number(&first)),
        ("Caso aberto", number(&first)),
    ];
    for (entry, (what, case)) in shown.iter().zip(expected) {
        assert!(
            entry.contains(what) && entry.contains(case),
            "{entry} is not {what} of {case}: {shown:#?}"
        );
    }
    assert!(shown[1].contains("Resistência trocada"), "{}", shown[1]);
    assert!(shown[3].contains("Retorno ao cliente") && shown[3].contains("Expliquei o prazo"));
    assert!(
        shown[2].contains("Privado") && shown[2].contains("Cliente costuma atrasar"),
        "a private note is shown to the team, marked: {}",
        shown[2]
    );
    assert!(
        !shown[4].contains("Privado"),
        "a public note is not marked: {}",
        shown[4]
    );
    let mut sorted = times(&page, "#customer-history");
    assert!(!sorted.is_empty());
    let shown_times = sorted.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(shown_times, sorted, "newest first");
    assert!(
        html::text(&page, "#customer-history").contains("Ver histórico completo"),
        "more than a card's worth: a link to all of it"
    );
    // Each entry links to its case.
    let links = html::texts(&page, "#customer-history li.history-entry a");
    assert!(links.iter().any(|l| l == number(&by_contact)), "{links:?}");

    // The contact's own history holds only its own case.
    let page = agent
        .get(&format!("/customers/{contact}/history"))
        .await
        .text();
    let shown = entries(&page, "#history");
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].contains(number(&by_contact)));
}

/// Where the history's "older" link leads (its `attribute`), if it has one.
fn more_link(page: &str, attribute: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse("#history li.history-more a").expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|a| a.value().attr(attribute))
        .map(str::to_owned)
}

#[tokio::test]
async fn the_history_comes_a_page_at_a_time_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let case = open_case(&agent, account, "Muitos relatos").await;
    // Seventy notes, a minute apart, two of them at the very same moment.
    sqlx::query(
        "insert into case_events (tenant_id, id, case_id, at, kind, body, is_public)
         select c.tenant_id, gen_random_uuid(), c.id,
                now() - make_interval(mins => least(g, 69)), 'note', 'Relato ' || g, true
           from cases c, generate_series(1, 70) g
          where c.number = $1 and c.tenant_id = (select id from tenants where slug = $2)",
    )
    .bind(
        number(&case)
            .trim_start_matches("CAS-")
            .parse::<i64>()
            .expect("number"),
    )
    .bind(ACME)
    .execute(&app.pool)
    .await
    .expect("notes");
    let total: i64 = app
        .count(&format!(
            "select count(*) from case_events where customer_id = '{account}'
               and kind in ('created', 'resolved', 'cancelled', 'reactivated', 'note', 'activity')"
        ))
        .await;

    let mut seen: Vec<String> = Vec::new();
    let mut all_times: Vec<String> = Vec::new();
    let mut next = Some(format!("/customers/{account}/history"));
    let mut pages = 0;
    while let Some(path) = next {
        pages += 1;
        assert!(pages < 10, "the pages never end");
        let page = agent.get(&path).await.text();
        seen.extend(entries(&page, "#history"));
        all_times.extend(times(&page, "#history"));
        next = more_link(&page, "href");
    }
    assert_eq!(seen.len() as i64, total, "every entry once");
    assert_eq!(pages, 3, "thirty a page");
    for n in 1..=70 {
        let wanted = format!("Relato {n} ");
        assert_eq!(
            seen.iter()
                .filter(|e| format!("{e} ").contains(&wanted))
                .count(),
            1,
            "Relato {n}"
        );
    }
    let mut sorted = all_times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(all_times, sorted, "newest first across pages");

    // With htmx, a further page is its entries only, to append in place.
    let first = agent
        .get(&format!("/customers/{account}/history"))
        .await
        .text();
    let more = more_link(&first, "hx-get").expect("an htmx link to the next page");
    let fragment = agent.htmx_get(&more).await.text();
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    assert_eq!(fragment.matches("class=\"history-entry").count(), 30);
}

#[tokio::test]
async fn another_workspaces_customer_has_no_history_or_agenda_here() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let ours = app.any_row_named("Padaria São João Ltda").await;
    for path in [
        format!("/customers/{ours}/history"),
        format!("/customers/{ours}/agenda"),
    ] {
        assert_eq!(
            agent.get(&path).await.status_code(),
            StatusCode::OK,
            "{path}"
        );
    }
    let theirs = app.any_row("customers", GLOBEX).await;
    for path in [
        format!("/customers/{theirs}/history"),
        format!("/customers/{theirs}/agenda"),
        format!("/customers/{theirs}/history?after=2026-01-01T00:00:00Z%7C{theirs}"),
    ] {
        assert_eq!(
            agent.get(&path).await.status_code(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        agent
            .get(&format!("/customers/{ours}/history?after=yesterday"))
            .await
            .status_code(),
        StatusCode::NOT_FOUND,
        "a cursor nobody was given"
    );
}

#[tokio::test]
async fn the_agenda_shows_what_is_scheduled_from_now_on_soonest_first_in_the_users_time_zone() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let contact = app.any_row_named("José da Silva").await;
    let case = open_case(&agent, account, "Manutenção do forno").await;
    let contact_case = open_case(&agent, contact, "Pedido do José").await;
    let today = Utc::now()
        .with_timezone(&chrono_tz::America::Sao_Paulo)
        .date_naive();
    let day = |offset: i64| {
        (today + Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    let shown_day = |offset: i64| {
        let d = today + Duration::days(offset);
        format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
    };
    let contact_id = contact.to_string();
    for (case, kind, subject, date, start, end) in [
        (
            &case,
            "appointment",
            "Visita técnica",
            day(2),
            "14:00",
            "15:30",
        ),
        (
            &case,
            "appointment",
            "Visita passada",
            day(-1),
            "10:00",
            "11:00",
        ),
        (
            &contact_case,
            "task",
            "Ligar para o José",
            day(1),
            "09:00",
            "",
        ),
        (&case, "phone_call", "Sem data", String::new(), "", ""),
    ] {
        let mut fields = vec![
            ("kind", kind),
            ("subject", subject),
            ("description", "Agendado"),
            ("date", date.as_str()),
            ("start_time", start),
            ("end_time", end),
        ];
        if subject == "Visita técnica" {
            fields.push(("person_id", contact_id.as_str()));
        }
        if date.is_empty() {
            fields.push(("duration", "5"));
        }
        activity(&agent, case, &fields).await;
    }
    let agent_name: String = sqlx::query_scalar("select name from users where id = $1")
        .bind(app.user_id(ACME, Role::Agent).await)
        .fetch_one(&app.pool)
        .await
        .expect("agent");

    let page = agent.get(&format!("/customers/{account}")).await.text();
    let shown = entries(&page, "#customer-agenda");
    assert_eq!(shown.len(), 2, "only what is still to come: {shown:#?}");
    assert!(
        shown[0].contains(&format!("{} 09:00", shown_day(1)))
            && shown[0].contains("Ligar para o José")
            && shown[0].contains(number(&contact_case))
            && shown[0].contains(&agent_name),
        "soonest first, with when, what, who and the case: {}",
        shown[0]
    );
    assert!(
        shown[1].contains(&format!("{} 14:00 – 15:30", shown_day(2)))
            && shown[1].contains("Visita técnica")
            && shown[1].contains("com José da Silva")
            && shown[1].contains(number(&case)),
        "{}",
        shown[1]
    );
    let full = agent
        .get(&format!("/customers/{account}/agenda"))
        .await
        .text();
    assert_eq!(
        entries(&full, "#agenda"),
        shown,
        "the agenda page lists the same"
    );
    let contacts = agent
        .get(&format!("/customers/{contact}/agenda"))
        .await
        .text();
    assert_eq!(
        entries(&contacts, "#agenda").len(),
        1,
        "the contact's own only"
    );

    // Once its time has passed, it leaves the agenda: a day and nine hours
    // on from any time today is past tomorrow 09:00, before 14:00 the day after.
    app.clock().advance(Duration::hours(33));
    let agent = app.signed_in(Role::Agent).await;
    let page = agent
        .get(&format!("/customers/{account}/agenda"))
        .await
        .text();
    let shown = entries(&page, "#agenda");
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].contains("Visita técnica"));
}

#[tokio::test]
async fn the_printed_report_marks_internal_notes_and_can_leave_them_out() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let case = open_case(&agent, account, "Relatório ao cliente").await;
    note(&agent, &case, "Peça enviada pelos Correios", "public").await;
    note(&agent, &case, "Cliente é difícil, cuidado", "private").await;

    let page = agent.get(&format!("{case}/print")).await.text();
    let entries = html::texts(&page, ".print-timeline li");
    let internal = entries
        .iter()
        .find(|e| e.contains("Cliente é difícil"))
        .expect("the internal note is printed by default");
    assert!(internal.contains("Nota interna"), "{internal}");
    let public = entries
        .iter()
        .find(|e| e.contains("Peça enviada"))
        .expect("public note");
    assert!(!public.contains("Nota interna"), "{public}");

    let doc = scraper::Html::parse_document(&page);
    let selector = scraper::Selector::parse(".print-options a").expect("selector");
    let leave_out = doc
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .find(|href| href.contains("internal=0"))
        .expect("a link that leaves the internal notes out")
        .to_owned();
    let page = agent.get(&leave_out).await.text();
    let text = html::text(&page, ".print-timeline");
    assert!(text.contains("Peça enviada pelos Correios"), "{text}");
    assert!(!page.contains("Cliente é difícil"), "left out");
    assert!(!text.contains("Nota interna"));
    assert!(
        html::text(&page, ".print-options").contains("Sem notas internas"),
        "the page says which report it is"
    );

    let globex = app.signed_in_to(GLOBEX, Role::Agent).await;
    assert_eq!(
        globex
            .get(&format!("{case}/print?internal=0"))
            .await
            .status_code(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_case_moved_to_another_customer_takes_its_history_and_agenda_along() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let contact = app.any_row_named("José da Silva").await;
    let case = open_case(&agent, contact, "Aberto no contato errado").await;
    note(&agent, &case, "Relato antes da troca", "public").await;
    let tomorrow = (Utc::now() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    activity(
        &agent,
        &case,
        &[
            ("kind", "appointment"),
            ("description", "Visita"),
            ("date", &tomorrow),
            ("start_time", "10:00"),
        ],
    )
    .await;
    // Another contact of nobody: the case moves to a customer outside the account.
    let other = see_other(
        &agent
            .post_form(
                "/customers",
                &[
                    ("kind", "contact"),
                    ("name", "Marta Ribeiro"),
                    (
                        "roles",
                        &app.named("customer_roles", "Cliente").await.to_string(),
                    ),
                ],
            )
            .await,
    );
    let other_id = other.trim_start_matches("/customers/");
    sqlx::query("update cases set customer_id = $1::uuid where number = $2 and tenant_id = (select id from tenants where slug = $3)")
        .bind(other_id)
        .bind(number(&case).trim_start_matches("CAS-").parse::<i64>().expect("number"))
        .bind(ACME)
        .execute(&app.pool)
        .await
        .expect("move the case");

    for gone in [contact, account] {
        let page = agent.get(&format!("/customers/{gone}")).await.text();
        let history = html::text(&page, "#customer-history");
        assert!(
            !history.contains("Relato antes da troca"),
            "{gone}: {history}"
        );
        assert!(
            !html::text(&page, "#customer-agenda").contains(number(&case)),
            "{gone}"
        );
    }
    let page = agent.get(&other).await.text();
    assert!(html::text(&page, "#customer-history").contains("Relato antes da troca"));
    assert!(html::text(&page, "#customer-agenda").contains(number(&case)));
}
