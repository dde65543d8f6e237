//! The "nearing" view: the cases about to miss a deadline, soonest first;
//! not those already past it.

use atende::users::model::Role;
use axum::http::StatusCode;
use chrono::Duration;

use crate::sla_cases::{configure_sla, open_case, spawn, status_id, titles};
use crate::support::{ACME, Browser, TestApp};

async fn note_with_status(agent: &Browser, path: &str, status: &str) {
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Mudança de situação"),
                ("status_reason_id", status),
            ],
        )
        .await;
    assert_eq!(
        noted.status_code(),
        StatusCode::SEE_OTHER,
        "{}",
        noted.text()
    );
}

async fn nearing(agent: &Browser) -> Vec<String> {
    titles(&agent.get("/cases?view=nearing").await.text())
}

async fn tick(app: &TestApp) {
    atende::worker::sla::run_due(&app.pool, app.clock().now())
        .await
        .expect("worker");
}

#[tokio::test]
async fn the_nearing_view_lists_cases_past_their_warning_soonest_deadline_first_without_breached_ones()
 {
    // First responses are warned at 30 minutes and breached at 60.
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let waiting = status_id(&app, "waiting_details").await;
    let working = status_id(&app, "in_progress").await;

    let paused_once = open_case(&agent, &app, "Pausado vinte minutos").await;
    app.clock().advance(Duration::minutes(1));
    open_case(&agent, &app, "Sem pausa").await;
    app.clock().advance(Duration::minutes(1));
    note_with_status(&agent, &paused_once, &waiting).await;
    app.clock().advance(Duration::minutes(20));
    note_with_status(&agent, &paused_once, &working).await;
    // Deadlines: "Sem pausa" at 61 minutes, "Pausado vinte minutos" at 80.
    assert!(
        nearing(&agent).await.is_empty(),
        "{:?}",
        nearing(&agent).await
    );
    app.clock().advance(Duration::minutes(18));
    open_case(&agent, &app, "Aberto depois").await;

    // 55 minutes in: both older cases are past their warning; the newest is not.
    app.clock().advance(Duration::minutes(15));
    assert_eq!(
        nearing(&agent).await,
        ["Sem pausa", "Pausado vinte minutos"],
        "soonest deadline first, not the order they were opened in"
    );
    tick(&app).await;
    assert_eq!(
        nearing(&agent).await,
        ["Sem pausa", "Pausado vinte minutos"]
    );

    // 65 minutes in: "Sem pausa" is breached and leaves the view, before
    // and after the worker records the breach.
    app.clock().advance(Duration::minutes(10));
    assert_eq!(nearing(&agent).await, ["Pausado vinte minutos"]);
    tick(&app).await;
    assert_eq!(nearing(&agent).await, ["Pausado vinte minutos"]);

    // 75 minutes in: the newest case nears its own deadline (at 100).
    app.clock().advance(Duration::minutes(10));
    assert_eq!(
        nearing(&agent).await,
        ["Pausado vinte minutos", "Aberto depois"]
    );
}
