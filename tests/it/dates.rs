//! Dates read one way per language on every page that shows them: day,
//! month and a four-digit year, in the reader's time zone; ISO dates only
//! where a machine reads them (input values, attributes).

use atende::users::model::Role;
use regex::Regex;
use scraper::{Html, Node};

use crate::support::{ACME, Browser, TestApp, see_other};

/// The text a person sees: every text node, except inside the fields that
/// hold values for the browser (textarea) and the page's code.
fn visible_text(page: &str) -> String {
    let doc = Html::parse_document(page);
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "textarea" | "script" | "style" | "head"))
        });
        if !hidden {
            out.push_str(text);
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn switch_language(browser: &Browser, lang: &str) {
    see_other(
        &browser
            .post_form("/language", &[("lang", lang), ("next", "/cases")])
            .await,
    );
}

#[tokio::test]
async fn every_page_with_dates_writes_them_one_way_in_each_language() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let account = app.any_row_named("Padaria São João Ltda").await;
    let entitlement = app.any_row("entitlements", ACME).await;
    let number = app.any_case_number(ACME).await;
    // Days above twelve, so that a month-first date cannot pass for one.
    sqlx::query(
        "update entitlements set starts_on = '2026-03-15', ends_on = '2027-03-14' where id = $1",
    )
    .bind(entitlement)
    .execute(&app.pool)
    .await
    .expect("entitlement dates");
    sqlx::query(
        "update cases set manufactured_on = '2026-03-25', expires_on = '2027-01-31',
                          opened_at = '2026-02-13T12:00:00Z'
          where number = $1 and tenant_id = (select id from tenants where slug = $2)",
    )
    .bind(
        number
            .trim_start_matches("CAS-")
            .parse::<i64>()
            .expect("number"),
    )
    .bind(ACME)
    .execute(&app.pool)
    .await
    .expect("case dates");
    // An edit of the receiving time and of a product date, as the audit keeps them.
    sqlx::query(
        "insert into case_events (tenant_id, id, case_id, at, kind, data)
         select c.tenant_id, gen_random_uuid(), c.id, now(), 'field', x.data
           from cases c, (values
                  (jsonb_build_object('field', 'field-received-at',
                                      'old', '2026-03-26T01:30:00+00:00', 'new', '2026-03-27T15:45:00+00:00')),
                  (jsonb_build_object('field', 'field-expires-on', 'old', '', 'new', '2027-01-31'))) x(data)
          where c.number = $1 and c.tenant_id = (select id from tenants where slug = $2)",
    )
    .bind(number.trim_start_matches("CAS-").parse::<i64>().expect("number"))
    .bind(ACME)
    .execute(&app.pool)
    .await
    .expect("audited edits");

    let pages: Vec<(String, Vec<&str>)> = vec![
        (
            "/admin/entitlements".into(),
            vec!["15/03/2026", "14/03/2027"],
        ),
        (
            format!("/admin/entitlements/{entitlement}"),
            vec!["15/03/2026", "14/03/2027"],
        ),
        (
            format!("/customers/{account}"),
            vec!["15/03/2026", "14/03/2027"],
        ),
        (format!("/customers/{account}/history"), vec![]),
        ("/admin/products".into(), vec![]),
        ("/cases?view=active".into(), vec!["13/02/2026 09:00"]),
        (
            format!("/cases/{number}"),
            // São Paulo is three hours behind UTC.
            vec!["25/03/2026 22:30", "27/03/2026 12:45", "31/01/2027"],
        ),
        (
            format!("/cases/{number}?tab=details"),
            vec!["25/03/2026", "31/01/2027", "13/02/2026 09:00"],
        ),
        (
            format!("/cases/{number}/print"),
            vec!["13/02/2026 09:00", "25/03/2026 22:30"],
        ),
    ];
    let iso = Regex::new(r"\b\d{4}-\d{2}-\d{2}\b").expect("regex");
    let short_year = Regex::new(r"\b\d{1,2}/\d{1,2}/\d{2}\b").expect("regex");
    let any_date = Regex::new(r"\b(\d{2})/(\d{2})/(\d{4})\b").expect("regex");
    for lang in ["pt-BR", "gl", "en"] {
        switch_language(&admin, lang).await;
        for (path, expected) in &pages {
            let response = admin.get(path).await;
            assert_eq!(response.status_code(), 200, "{lang} {path}");
            let page = response.text();
            assert!(
                page.contains(&format!("lang=\"{lang}\"")),
                "{lang} {path}: page in another language"
            );
            let text = visible_text(&page);
            assert!(
                !iso.is_match(&text),
                "{lang} {path}: an ISO date shown: {:?}",
                iso.find(&text).map(|m| m.as_str())
            );
            assert!(
                !short_year.is_match(&text),
                "{lang} {path}: a two-digit year: {:?}",
                short_year.find(&text).map(|m| m.as_str())
            );
            for found in any_date.captures_iter(&text) {
                let (day, month) = (&found[1], &found[2]);
                let valid = (1..=31).contains(&day.parse::<u32>().unwrap_or(0))
                    && (1..=12).contains(&month.parse::<u32>().unwrap_or(0));
                assert!(valid, "{lang} {path}: {} is not day/month/year", &found[0]);
            }
            for date in expected {
                assert!(
                    text.contains(date),
                    "{lang} {path}: {date} missing in {text}"
                );
            }
        }
    }
}
