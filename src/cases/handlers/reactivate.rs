//! Bringing a resolved or cancelled case back. The case page's button asks
//! first (GET): the status the case returns to, what happens to its SLA
//! clocks and entitlement terms; only the confirmation page's post acts.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Command;
use crate::cases::handlers::actions::{load_locked, refuse};
use crate::cases::handlers::{case_path, load, run};
use crate::cases::model;
use crate::cases::store::{self, CaseRecord};
use crate::catalog::defaults::status;
use crate::error::Result;
use crate::web::confirm::{ConfirmPage, Confirmation};
use crate::web::form::Form;

async fn confirm_page(s: &mut SignedIn, case: &CaseRecord) -> Result<ConfirmPage> {
    let in_progress = s
        .lists
        .system_status(&mut s.tx, status::IN_PROGRESS)
        .await?;
    let names = s.lists.case_names(&mut s.tx).await?;
    let lang = s.page.lang;
    let number = case.number().to_string();
    let from_resolved = case.state == "resolved";
    let say = |key: &str| {
        lang.t_args(
            key,
            &[
                ("case", number.clone()),
                ("state", lang.t(model::State::Active.label_key())),
                ("status", names.status(in_progress).to_owned()),
                (
                    "entitlement",
                    case.entitlement_name.clone().unwrap_or_default(),
                ),
            ],
        )
    };
    let mut consequences = vec![
        say(if from_resolved {
            "case-reactivate-confirm-resolution"
        } else {
            "case-reactivate-confirm-cancellation"
        }),
        say("case-reactivate-confirm-sla"),
    ];
    if case.entitlement_id.is_some() && !case.terms_exempt {
        consequences.push(say(if from_resolved {
            "case-reactivate-confirm-terms-back"
        } else {
            "case-reactivate-confirm-terms-again"
        }));
    }
    Ok(ConfirmPage {
        ctx: s.page.clone(),
        title: format!("{} {}", lang.t("case-reactivate"), case.number()),
        back: case_path(case.number()),
        back_label: case.number().to_string(),
        lead: say("case-reactivate-confirm-lead"),
        items: vec![format!(
            "{} — {} · {} · {}",
            case.number(),
            case.title,
            lang.t(case.state().label_key()),
            case.status_name
        )],
        consequences,
        irreversible: None,
        action: format!("{}/reactivate", case_path(case.number())),
        hidden: Vec::new(),
        confirm_label: lang.t("case-reactivate-confirm-button"),
        refused: false,
    })
}

/// GET /cases/{number}/reactivate: what reactivating will do.
pub async fn confirm_reactivate(mut s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    let case = load(&mut s, &number).await?;
    if let Err(refusal) = model::check_reactivate(&store::situation(&mut s.tx, &case).await?) {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    let page = confirm_page(&mut s, &case).await?;
    s.tx.commit().await?;
    Ok(page.into_response())
}

pub async fn reactivate_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(confirmation): Form<Confirmation>,
) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    if let Err(refusal) = model::check_reactivate(&store::situation(&mut s.tx, &case).await?) {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    if !confirmation.given() {
        return Ok(confirm_page(&mut s, &case).await?.refusal());
    }
    let in_progress = s
        .lists
        .system_status(&mut s.tx, status::IN_PROGRESS)
        .await?;
    if let Err(refusal) = run(&mut s, &case, Command::Reactivate { in_progress }).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}
