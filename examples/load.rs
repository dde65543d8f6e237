//! A small load driver for the workloads a generic HTTP tool cannot express:
//! form posts that need the session's CSRF token and vary per request (a new
//! case for a random customer, a note on a random case). It signs in like a
//! browser, runs for a fixed time at a fixed concurrency, and prints one JSON
//! object: requests/s, latency percentiles, errors, and what was acknowledged.
//!
//!   cargo run --release --example load -- login BASE WORKSPACE EMAIL PASSWORD
//!   cargo run --release --example load -- create BASE WORKSPACE EMAIL PASSWORD SECONDS CONCURRENCY CUSTOMERS_FILE
//!   cargo run --release --example load -- note BASE WORKSPACE EMAIL PASSWORD SECONDS CONCURRENCY NUMBERS_FILE

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Session {
    client: reqwest::Client,
    cookie: String,
    csrf: String,
}

async fn sign_in(base: &str, workspace: &str, email: &str, password: &str) -> Session {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let pre = cookie_of(&page, "atende_csrf").expect("pre-session cookie");
    let form = [
        ("csrf_token", pre.as_str()),
        ("workspace", workspace),
        ("email", email),
        ("password", password),
    ];
    let response = client
        .post(format!("{base}/login"))
        .header("cookie", format!("atende_csrf={pre}"))
        .form(&form)
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "sign-in failed");
    let session = cookie_of(&response, "atende_session").expect("session cookie");
    let cookie = format!("atende_session={session}");
    let page = client
        .get(format!("{base}/cases"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("a page")
        .text()
        .await
        .expect("page text");
    let csrf = page
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf meta")
        .to_owned();
    Session {
        client,
        cookie,
        csrf,
    }
}

fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|value| {
            let text = value.to_str().ok()?;
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_owned())
        })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |i: usize| args.get(i).cloned().unwrap_or_default();
    let (mode, base, workspace, email, password) = (get(0), get(1), get(2), get(3), get(4));
    let session = Arc::new(sign_in(&base, &workspace, &email, &password).await);
    if mode == "login" {
        println!("{}", session.cookie);
        return;
    }
    let seconds: u64 = get(5).parse().expect("seconds");
    let concurrency: usize = get(6).parse().expect("concurrency");
    let items: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(get(7))
            .expect("items file")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    );
    assert!(!items.is_empty(), "no items to pick from");
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (session, items, errors, base, mode) = (
            session.clone(),
            items.clone(),
            errors.clone(),
            base.clone(),
            mode.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies: Vec<u64> = Vec::new();
            let mut acknowledged: Vec<String> = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let pick = items[rand::random_range(0..items.len())].clone();
                let begin = Instant::now();
                let request = if mode == "create" {
                    let key = uuid::Uuid::now_v7().to_string();
                    let title = format!("Carga {worker}-{n}");
                    let form = [
                        ("csrf_token", session.csrf.as_str()),
                        ("title", title.as_str()),
                        ("customer_id", pick.as_str()),
                        ("idempotency_key", key.as_str()),
                        ("description", "Aberto pelo teste de carga."),
                    ];
                    session.client.post(format!("{base}/cases")).form(&form)
                } else {
                    let form = reqwest::multipart::Form::new()
                        .text("csrf_token", session.csrf.clone())
                        .text("body", format!("Nota de carga {worker}-{n}"))
                        .text("visibility", "private");
                    session
                        .client
                        .post(format!("{base}/cases/{pick}/notes"))
                        .multipart(form)
                };
                let response = request.header("cookie", &session.cookie).send().await;
                match response {
                    Ok(r) if r.status().as_u16() == 303 => {
                        latencies.push(begin.elapsed().as_micros() as u64);
                        if mode == "create"
                            && let Some(location) =
                                r.headers().get("location").and_then(|v| v.to_str().ok())
                        {
                            acknowledged.push(location.trim_start_matches("/cases/").to_owned());
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            (latencies, acknowledged)
        }));
    }
    let mut latencies = Vec::new();
    let mut acknowledged = Vec::new();
    for worker in workers {
        let (l, a) = worker.await.expect("worker");
        latencies.extend(l);
        acknowledged.extend(a);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let ack_file = std::env::var("ACK_FILE").unwrap_or_default();
    if !ack_file.is_empty() {
        std::fs::write(&ack_file, acknowledged.join("\n")).expect("ack file");
    }
    println!(
        "{{\"requests\": {}, \"errors\": {}, \"seconds\": {:.2}, \"rps\": {:.1}, \"p50_ms\": {:.2}, \"p95_ms\": {:.2}, \"p99_ms\": {:.2}, \"acknowledged\": {}}}",
        latencies.len(),
        errors.load(Ordering::Relaxed),
        elapsed,
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        acknowledged.len()
    );
}
