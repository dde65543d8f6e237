//! Text PostgreSQL cannot hold, bytes that are not UTF-8, dates beyond any
//! calendar and numbers beyond any column, sent to every route: in the query
//! string of every page, and in every field of every form the pages show,
//! the rest of the form filled as the page printed it. Nothing answers 5xx.

use std::collections::{BTreeMap, BTreeSet};

use atende::app;
use atende::users::model::Role;
use atende::web::routes::{Access, ObjectKind, Route};
use axum::http::{Method, StatusCode};
use scraper::{ElementRef, Html, Selector};

use crate::support::{ACME, Browser, TestApp, html};

/// Raw values, percent-encoded byte by byte, so they can be invalid UTF-8.
const HOSTILE: &[&[u8]] = &[
    b"nul\0byte",
    b"\0",
    b"\xff\xfe not utf-8 \xc3\x28",
    b"ends with an escape\\",
    b"%_\\%",
    b"-200000-01-01",
    b"99999-12-31T23:59",
    b"2026-02-30",
    b"99999999999999999999",
    b"-2147483649",
    b"\xef\xbf\xbf\xe2\x80\xae",
];

/// Query keys the pages read; the names the pages themselves print are added.
const KNOWN_KEYS: &[&str] = &[
    "q",
    "view",
    "sort",
    "dir",
    "after",
    "before",
    "from",
    "to",
    "page",
    "status",
    "priority",
    "owner",
    "customer",
    "channel",
    "subject",
    "product",
    "kind",
    "state",
    "lang",
    "next",
    "workspace",
    "expired",
    "customer_id",
    "entitlement_id",
    "columns",
];

fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(*b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn encoded_form<'a>(fields: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    fields
        .into_iter()
        .map(|(name, value)| format!("{}={}", encode(name.as_bytes()), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn concrete_path(app: &TestApp, route: &Route) -> String {
    match route.access {
        Access::TenantObject(_, ObjectKind::Row(table)) => {
            let id = app.any_row(table, ACME).await;
            route.path.replace("{id}", &id.to_string())
        }
        Access::TenantObject(_, ObjectKind::Case) => route
            .path
            .replace("{number}", &app.any_case_number(ACME).await),
        _ => route.path.to_owned(),
    }
}

/// A form as the page printed it: where it posts, how, and its fields' values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PrintedForm {
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
}

fn printed_forms(page: &str, page_path: &str) -> Vec<PrintedForm> {
    let doc = Html::parse_document(page);
    let form_selector = Selector::parse("form").expect("selector");
    let field_selector = Selector::parse("input[name], select[name], textarea[name], button[name]")
        .expect("selector");
    let mut forms = Vec::new();
    for form in doc.select(&form_selector) {
        let method = form.value().attr("method").unwrap_or("get");
        if !method.eq_ignore_ascii_case("post") {
            continue;
        }
        let action = form
            .value()
            .attr("action")
            .filter(|a| !a.is_empty())
            .unwrap_or(page_path)
            .to_owned();
        let multipart = form.value().attr("enctype") == Some("multipart/form-data");
        let mut fields: Vec<(String, String)> = Vec::new();
        for field in form.select(&field_selector) {
            let name = field.value().attr("name").unwrap_or_default().to_owned();
            if fields.iter().any(|(n, _)| *n == name) && field.value().name() == "button" {
                continue;
            }
            if let Some(value) = printed_value(&field) {
                fields.push((name, value));
            }
        }
        forms.push(PrintedForm {
            action,
            multipart,
            fields,
        });
    }
    forms
}

/// What a browser would send for a field left as the page printed it.
fn printed_value(field: &ElementRef) -> Option<String> {
    let element = field.value();
    match element.name() {
        "textarea" => Some(field.text().collect()),
        "select" => {
            let options = Selector::parse("option").expect("selector");
            let mut chosen = None;
            for option in field.select(&options) {
                let value = option
                    .value()
                    .attr("value")
                    .map(str::to_owned)
                    .unwrap_or_else(|| option.text().collect());
                if option.value().attr("selected").is_some() {
                    return Some(value);
                }
                chosen.get_or_insert(value);
            }
            chosen
        }
        "button" => element.attr("value").map(str::to_owned),
        _ => match element.attr("type").unwrap_or("text") {
            "checkbox" | "radio" => element
                .attr("checked")
                .map(|_| element.attr("value").unwrap_or("on").to_owned()),
            "file" | "submit" | "image" | "reset" => None,
            _ => Some(element.attr("value").unwrap_or_default().to_owned()),
        },
    }
}

fn multipart_body(fields: &[(String, Vec<u8>)], file_name: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----atende-hostile-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
            .as_bytes(),
    );
    body.extend_from_slice(file_name);
    body.extend_from_slice(b"\"\r\nContent-Type: text/csv\r\n\r\ntipo;nome\r\nconta;Ana\0\xff\r\n");
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Fails with every request that answered 5xx, not only the first.
fn assert_none_failed(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} requests answered 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn still_signed_in(browser: &Browser) {
    let page = browser.get("/cases").await;
    assert_eq!(page.status_code(), StatusCode::OK, "the session survived");
}

#[tokio::test]
async fn hostile_text_in_any_query_string_or_form_field_never_answers_5xx() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin).await;
    let token = admin.csrf.clone().expect("csrf token");
    let routes = app::routes();

    let mut keys: BTreeSet<String> = KNOWN_KEYS.iter().map(|k| (*k).to_owned()).collect();
    let mut forms: BTreeMap<(String, Vec<String>), PrintedForm> = BTreeMap::new();
    let mut pages = Vec::new();
    for route in routes.iter().filter(|r| r.method == Method::GET) {
        let path = concrete_path(&app, route).await;
        let page = admin.get(&path).await;
        if page.status_code() != StatusCode::OK {
            continue;
        }
        let text = page.text();
        for form in printed_forms(&text, &path) {
            keys.extend(form.fields.iter().map(|(name, _)| name.clone()));
            let shape = (
                form.action.clone(),
                form.fields.iter().map(|(n, _)| n.clone()).collect(),
            );
            forms.entry(shape).or_insert(form);
        }
        let doc = Html::parse_document(&text);
        let inputs = Selector::parse("form input[name], form select[name]").expect("selector");
        keys.extend(
            doc.select(&inputs)
                .filter_map(|e| e.value().attr("name").map(str::to_owned)),
        );
        pages.push(path);
    }
    assert!(pages.len() > 30, "the pages were read: {pages:?}");
    keys.remove("csrf_token");

    let mut failures = Vec::new();
    let mut answered = BTreeMap::<u16, usize>::new();
    for path in &pages {
        for value in HOSTILE {
            let query = encoded_form(keys.iter().map(|k| (k.as_str(), *value)));
            for htmx in [false, true] {
                let mut request = admin.server.get(&format!("{path}?{query}"));
                if htmx {
                    request = request.add_header("hx-request", "true");
                }
                let response = request.await;
                let status = response.status_code();
                *answered.entry(status.as_u16()).or_default() += 1;
                if status.is_server_error() {
                    failures.push(format!(
                        "GET {path} htmx={htmx} {}: {status}",
                        String::from_utf8_lossy(value)
                    ));
                }
            }
        }
    }
    still_signed_in(&admin).await;

    let logout_like = |action: &str| action == "/logout";
    let mut posted_actions = BTreeSet::new();
    for form in forms.values().filter(|f| !logout_like(&f.action)) {
        posted_actions.insert(form.action.clone());
        for (index, (name, _)) in form.fields.iter().enumerate() {
            if name == "csrf_token" {
                continue;
            }
            for value in HOSTILE {
                let fields: Vec<(String, Vec<u8>)> = form
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, (n, v))| {
                        let value = if i == index {
                            value.to_vec()
                        } else if n == "csrf_token" {
                            token.clone().into_bytes()
                        } else {
                            v.clone().into_bytes()
                        };
                        (n.clone(), value)
                    })
                    .collect();
                let response = if form.multipart {
                    let (content_type, body) = multipart_body(&fields, value);
                    admin
                        .server
                        .post(&form.action)
                        .content_type(&content_type)
                        .bytes(body.into())
                        .await
                } else {
                    let body = encoded_form(fields.iter().map(|(n, v)| (n.as_str(), v.as_slice())));
                    admin
                        .server
                        .post(&form.action)
                        .content_type("application/x-www-form-urlencoded")
                        .bytes(body.into_bytes().into())
                        .await
                };
                let status = response.status_code();
                *answered.entry(status.as_u16()).or_default() += 1;
                if status.is_server_error() {
                    failures.push(format!(
                        "POST {} {name}={}: {status}",
                        form.action,
                        String::from_utf8_lossy(value)
                    ));
                }
            }
        }
    }
    still_signed_in(&admin).await;

    // State-changing routes no page shows a form for get every field name at once.
    for route in routes.iter().filter(|r| r.is_state_changing()) {
        let path = concrete_path(&app, route).await;
        if posted_actions.contains(&path) || logout_like(&path) {
            continue;
        }
        for value in HOSTILE {
            let fields = std::iter::once(("csrf_token", token.as_bytes()))
                .chain(keys.iter().map(|k| (k.as_str(), *value)));
            let response = admin
                .server
                .post(&path)
                .content_type("application/x-www-form-urlencoded")
                .bytes(encoded_form(fields).into_bytes().into())
                .await;
            let status = response.status_code();
            *answered.entry(status.as_u16()).or_default() += 1;
            if status.is_server_error() {
                failures.push(format!(
                    "POST {path} (every field) {}: {status}",
                    String::from_utf8_lossy(value)
                ));
            }
        }
    }
    still_signed_in(&admin).await;
    assert!(
        forms.len() > 40,
        "the pages' forms were found: {}",
        forms.len()
    );
    assert!(
        answered.get(&422).copied().unwrap_or_default() > 100,
        "forms refused the input field by field: {answered:?}"
    );
    eprintln!(
        "{} pages, {} forms, answers: {answered:?}",
        pages.len(),
        forms.len()
    );
    assert_none_failed(&failures);
}

#[tokio::test]
async fn a_nul_byte_in_a_form_field_is_refused_next_to_the_field_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let token = agent.csrf.clone().expect("csrf token");
    let body = encoded_form([
        ("csrf_token", token.as_bytes()),
        ("kind", b"contact".as_slice()),
        ("name", b"Ana\0 Souza".as_slice()),
        ("email", b"ana@example.com".as_slice()),
    ]);
    let response = agent
        .server
        .post("/customers")
        .content_type("application/x-www-form-urlencoded")
        .bytes(body.into_bytes().into())
        .await;
    assert_eq!(response.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text();
    assert!(
        html::field_error(&page, "name").is_some(),
        "the name field says what is wrong"
    );
    assert_eq!(
        html::input_value(&page, "email").as_deref(),
        Some("ana@example.com"),
        "the rest of the input is kept"
    );
    let kept = html::input_value(&page, "name").unwrap_or_default();
    assert!(
        kept.starts_with("Ana") && kept.ends_with("Souza"),
        "the field keeps what was typed around the byte: {kept:?}"
    );
    assert_eq!(
        app.count("select count(*) from customers where name like 'Ana%'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_nul_byte_in_a_search_finds_nothing_instead_of_failing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for path in [
        "/cases?q=Padaria%00",
        "/customers?q=Padaria%00",
        "/cases?view=nearing&q=%00x",
    ] {
        let response = agent.get(path).await;
        assert_eq!(response.status_code(), StatusCode::OK, "GET {path}");
    }
    let lookup = agent
        .server
        .get("/customers/lookup?q=Pad%00aria")
        .add_header("hx-request", "true")
        .await;
    assert_eq!(lookup.status_code(), StatusCode::OK);
}

#[tokio::test]
async fn a_date_beyond_the_calendar_in_a_filter_is_ignored_instead_of_failing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    for path in [
        "/cases?view=active&from=-200000-01-01",
        "/cases?view=resolved&to=262142-12-31",
    ] {
        let response = agent.get(path).await;
        assert_eq!(response.status_code(), StatusCode::OK, "GET {path}");
    }
}
