//! The SLA column of the case views: a breached timer ticks on until the
//! case answers, closed cases show how their timers ended, and the deadline
//! sort counts running timers only; the case's header shows the same.

use atende::users::model::Role;
use chrono::Duration;
use scraper::{Html, Selector};

use crate::sla_cases::{
    assert_rows_carry_their_timers, configure_sla, millis, open_case, spawn, status_id,
    stored_deadlines, titles,
};
use crate::support::{ACME, TestApp, see_other};

/// The SLA cell of the row titled `title`: its chip's class, the deadline
/// it counts down to (if it ticks) and its text.
fn sla_cell(page: &str, title: &str) -> (String, Option<String>, String) {
    let doc = Html::parse_document(page);
    let row = Selector::parse("#cases tbody tr").expect("selector");
    let link = Selector::parse(".case-title").expect("selector");
    let chip = Selector::parse(".sla-cell .sla-chip").expect("selector");
    let timer = Selector::parse("[data-deadline]").expect("selector");
    let row = doc
        .select(&row)
        .find(|r| {
            r.select(&link)
                .next()
                .is_some_and(|a| a.text().collect::<String>() == title)
        })
        .unwrap_or_else(|| panic!("no row titled {title:?}"));
    let chip = row
        .select(&chip)
        .next()
        .unwrap_or_else(|| panic!("no SLA chip in the row of {title:?}"));
    (
        chip.value().attr("class").unwrap_or_default().to_owned(),
        chip.select(&timer)
            .next()
            .and_then(|t| t.value().attr("data-deadline"))
            .map(str::to_owned),
        chip.text().collect::<String>().trim().to_owned(),
    )
}

/// The case header's chip of `kpi`: its class and whether it counts down.
fn header_chip(page: &str, kpi: &str) -> (String, bool) {
    let doc = Html::parse_document(page);
    let chip = Selector::parse(&format!("#sla-chips [data-kpi=\"{kpi}\"]")).expect("selector");
    let timer = Selector::parse("[data-deadline]").expect("selector");
    let chip = doc
        .select(&chip)
        .next()
        .unwrap_or_else(|| panic!("no {kpi} chip in the case header"));
    (
        chip.value().attr("class").unwrap_or_default().to_owned(),
        chip.select(&timer).next().is_some(),
    )
}

async fn resolve(app: &TestApp, browser: &crate::support::Browser, path: &str) {
    let solved = status_id(app, "problem_solved").await;
    let response = browser
        .post_form(
            &format!("{path}/resolve"),
            &[("status_reason_id", solved.as_str()), ("text", "OK")],
        )
        .await;
    see_other(&response);
}

#[tokio::test]
async fn a_breach_ticks_until_the_case_answers_and_closed_cases_show_how_their_timers_ended() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let late = open_case(&agent, &app, "Resposta atrasada").await;

    // 65 minutes in, nobody has answered: the first response is breached
    // and still running.
    app.clock().advance(Duration::minutes(65));
    atende::worker::sla::run_due(&app.pool, app.clock().now())
        .await
        .expect("worker");
    let deadlines = stored_deadlines(&app, &late).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let active = agent.get("/cases?view=active").await.text();
    let (class, deadline, _) = sla_cell(&active, "Resposta atrasada");
    assert!(class.contains("sla-chip-breached"), "{class}");
    assert_eq!(
        deadline.as_deref().map(millis),
        Some(deadlines[0].1.timestamp_millis()),
        "the breached first response"
    );
    let nearing = agent.get("/cases?view=nearing").await.text();
    assert!(
        titles(&nearing).is_empty(),
        "a breached case is no longer nearing: {:?}",
        titles(&nearing)
    );

    // The agent answers: the breach has ended, and the resolution's clock
    // is the one that ticks.
    agent.post_form(&format!("{late}/start"), &[]).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let active = agent.get("/cases?view=active").await.text();
    let (class, deadline, _) = sla_cell(&active, "Resposta atrasada");
    assert!(class.contains("sla-chip-ok"), "{class}");
    assert_eq!(
        deadline.as_deref().map(millis),
        Some(deadlines[1].1.timestamp_millis()),
        "the resolution's deadline"
    );
    let nearing = agent.get("/cases?view=nearing").await.text();
    assert!(titles(&nearing).is_empty(), "{:?}", titles(&nearing));
    // The case's header says so too: the late answer is a closed chip, the
    // resolution counts down.
    let page = agent.get(&late).await.text();
    let (class, ticks) = header_chip(&page, "first_response");
    assert!(
        class.contains("sla-chip-small sla-chip-breached"),
        "{class}"
    );
    assert!(
        !ticks,
        "the answered breach still counts down in the header"
    );
    let (_, ticks) = header_chip(&page, "resolve");
    assert!(ticks, "the resolution's clock does not count down");

    // A case opened now answers by 125 minutes, before the late one must be
    // resolved (240): the deadline sort reads running timers only.
    let fresh = open_case(&agent, &app, "Aberto agora").await;
    let by_deadline = agent
        .get("/cases?view=active&sort=deadline&dir=asc")
        .await
        .text();
    let order: Vec<String> = titles(&by_deadline)
        .into_iter()
        .filter(|t| t == "Aberto agora" || t == "Resposta atrasada")
        .collect();
    assert_eq!(order, ["Aberto agora", "Resposta atrasada"]);

    // Closed, neither ticks: one kept its promises, the other did not.
    app.clock().advance(Duration::minutes(5));
    resolve(&app, &agent, &fresh).await;
    resolve(&app, &agent, &late).await;
    assert_rows_carry_their_timers(&app, app.clock().now()).await;
    let resolved = agent.get("/cases?view=resolved").await.text();
    let (class, deadline, text) = sla_cell(&resolved, "Resposta atrasada");
    assert!(class.contains("sla-chip-breached"), "{class}");
    assert_eq!(deadline, None, "no countdown on a closed case");
    assert_eq!(text, "Não conforme");
    let (class, deadline, text) = sla_cell(&resolved, "Aberto agora");
    assert!(class.contains("sla-chip-done"), "{class}");
    assert_eq!(deadline, None, "no countdown on a closed case");
    assert_eq!(text, "Cumprido");

    // No deadline runs among closed cases: their SLA column is no sort, and
    // an old link sorting by it lists them as the view does by default.
    let headers = Selector::parse("#cases thead th").expect("selector");
    let doc = Html::parse_document(&resolved);
    let sla_header = doc
        .select(&headers)
        .find(|th| th.text().collect::<String>().trim() == "SLA")
        .expect("an SLA column");
    assert_eq!(
        sla_header
            .select(&Selector::parse("a").expect("selector"))
            .count(),
        0
    );
    let by_deadline = agent
        .get("/cases?view=resolved&sort=deadline&dir=asc")
        .await
        .text();
    assert_eq!(titles(&by_deadline), titles(&resolved));
    assert!(by_deadline.contains("aria-sort=\"descending\""));
}

#[tokio::test]
async fn a_case_waiting_on_its_customer_shows_its_timers_paused_not_kept() {
    let app = spawn().await;
    configure_sla(&app, ACME).await;
    let agent = app.signed_in(Role::Agent).await;
    let path = open_case(&agent, &app, "Aguardando o cliente").await;
    // Answered at once, so the first response is kept; then the case waits
    // on the customer and the resolution's clock stops.
    agent.post_form(&format!("{path}/start"), &[]).await;
    let waiting = status_id(&app, "waiting_details").await;
    let noted = agent
        .upload_form(
            &format!("{path}/notes"),
            &[
                ("body", "Pedimos o número de série"),
                ("status_reason_id", waiting.as_str()),
            ],
        )
        .await;
    see_other(&noted);

    let active = agent.get("/cases?view=active").await.text();
    let (class, deadline, text) = sla_cell(&active, "Aguardando o cliente");
    assert!(class.contains("sla-chip-paused"), "{class}");
    assert_eq!(deadline, None, "a paused clock does not count down");
    assert_eq!(text, "Pausado");
}
