//! Pages travel compressed in an encoding the browser offered, and read
//! the same once decoded.

use std::io::Read;

use atende::users::model::Role;
use axum::http::StatusCode;
use axum_test::TestResponse;

use crate::support::{ACME, Browser, TestApp};

/// What Chrome and Firefox send, and what browsers without zstd send.
const CURRENT_BROWSER: &str = "gzip, deflate, br, zstd";
const OLDER_BROWSER: &str = "gzip, deflate, br";

async fn get_accepting(browser: &Browser, path: &str, encodings: &str) -> TestResponse {
    browser
        .server
        .get(path)
        .add_header("accept-encoding", encodings)
        .await
}

fn encoding(response: &TestResponse) -> String {
    response
        .maybe_header("content-encoding")
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .unwrap_or_else(|| "identity".into())
}

fn decoded(response: &TestResponse) -> String {
    let bytes = response.as_bytes();
    let mut text = String::new();
    match encoding(response).as_str() {
        "zstd" => {
            text = String::from_utf8(zstd::decode_all(&bytes[..]).expect("valid zstd"))
                .expect("utf-8 page");
        }
        "gzip" => {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .expect("valid gzip");
        }
        "identity" => text = response.text(),
        other => panic!("an encoding no browser here offered: {other}"),
    }
    text
}

#[tokio::test]
async fn a_case_page_comes_compressed_in_an_offered_encoding() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let number = app.any_case_number(ACME).await;
    let path = format!("/cases/{number}");

    let plain = get_accepting(&agent, &path, "identity").await;
    assert_eq!(plain.status_code(), StatusCode::OK);
    assert_eq!(encoding(&plain), "identity");
    let plain_text = plain.text();
    assert!(
        plain_text.contains(&number),
        "the case page shows its number"
    );

    for (offered, expected) in [
        (CURRENT_BROWSER, "zstd"),
        (OLDER_BROWSER, "gzip"),
        ("br", "identity"),
    ] {
        let response = get_accepting(&agent, &path, offered).await;
        assert_eq!(response.status_code(), StatusCode::OK, "{offered}");
        assert_eq!(encoding(&response), expected, "offered {offered}");
        let text = decoded(&response);
        assert!(text.contains(&number), "offered {offered}: page unreadable");
        assert!(text.ends_with("</html>\n") || text.trim_end().ends_with("</html>"));
        if expected != "identity" {
            assert!(
                response.as_bytes().len() * 2 < text.len(),
                "offered {offered}: {} bytes for a page of {}",
                response.as_bytes().len(),
                text.len()
            );
        }
    }
}

#[tokio::test]
async fn an_encoding_the_browser_refuses_is_never_used() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let number = app.any_case_number(ACME).await;
    let path = format!("/cases/{number}");

    for (offered, expected) in [
        ("zstd;q=0, gzip", "gzip"),
        ("gzip;q=0.5, zstd;q=0.2", "gzip"),
        ("zstd;q=0, gzip;q=0", "identity"),
        ("*;q=0", "identity"),
        ("*", "zstd"),
    ] {
        let response = get_accepting(&agent, &path, offered).await;
        assert_eq!(response.status_code(), StatusCode::OK, "{offered}");
        assert_eq!(encoding(&response), expected, "offered {offered}");
        assert!(decoded(&response).contains(&number), "offered {offered}");
        // Caches between the browser and the service keep one copy per encoding.
        assert_eq!(response.header("vary"), "accept-encoding", "{offered}");
    }
}

#[tokio::test]
async fn text_files_come_compressed_and_documents_and_tiny_answers_as_they_are() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(Role::Agent).await;
    let number = app.any_case_number(ACME).await;
    let report = "linha de relatório repetida\n".repeat(400).into_bytes();
    let mut scan = b"%PDF-1.7\n".to_vec();
    scan.extend("0 0 0 rg 0 0 612 792 re f\n".repeat(200).into_bytes());

    for (file_name, mime, bytes, expected) in [
        ("relatorio.txt", "text/plain", &report, "zstd"),
        ("digitalizacao.pdf", "application/pdf", &scan, "identity"),
    ] {
        let uploaded = agent
            .upload_as(
                &format!("/cases/{number}/attachments"),
                "file",
                file_name,
                mime,
                bytes.clone(),
            )
            .await;
        assert_eq!(uploaded.status_code(), StatusCode::SEE_OTHER, "{file_name}");
        let page = agent.get(&format!("/cases/{number}")).await.text();
        let link = scraper::Html::parse_document(&page)
            .select(&scraper::Selector::parse("#attachments a").expect("selector"))
            .find(|a| a.text().any(|t| t.contains(file_name)))
            .and_then(|a| a.value().attr("href").map(str::to_owned))
            .expect("attachment link");

        let download = get_accepting(&agent, &link, CURRENT_BROWSER).await;
        assert_eq!(download.status_code(), StatusCode::OK, "{file_name}");
        assert_eq!(encoding(&download), expected, "{file_name}");
        let received = match expected {
            "zstd" => zstd::decode_all(download.as_bytes().as_ref()).expect("valid zstd"),
            _ => download.as_bytes().to_vec(),
        };
        assert_eq!(&received, bytes, "{file_name}: the file as uploaded");
    }

    let health = get_accepting(&agent, "/healthz", CURRENT_BROWSER).await;
    assert_eq!(health.status_code(), StatusCode::OK);
    assert_eq!(encoding(&health), "identity");
}
