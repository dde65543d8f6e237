//! Merging duplicates of one customer into a primary case. The merge form
//! asks first (GET): which case stays, which are merged into it, what moves
//! and that it cannot be undone; only the confirmation page's post merges.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::SignedIn;
use crate::cases::command::Command;
use crate::cases::handlers::actions::refuse;
use crate::cases::handlers::{case_path, find, load, run};
use crate::cases::model::{self, CaseNumber};
use crate::cases::store::{self, CaseRecord};
use crate::catalog::defaults::status;
use crate::error::Result;
use crate::web::confirm::{ConfirmPage, is_given};
use crate::web::form::{Form, Query};
use crate::web::session::{FlashKind, push_flash};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    /// The other cases to merge with this one.
    cases: Vec<String>,
    /// The case that stays: this one or one of the others.
    primary: String,
    confirm: String,
}

/// The cases a merge names, as stored now, and the one that stays.
struct Chosen {
    cases: Vec<CaseRecord>,
    primary: Uuid,
}

impl Chosen {
    fn primary(&self) -> &CaseRecord {
        self.cases
            .iter()
            .find(|c| c.id == self.primary)
            .unwrap_or(&self.cases[0])
    }

    fn merged(&self) -> impl Iterator<Item = &CaseRecord> {
        self.cases.iter().filter(|c| c.id != self.primary)
    }

    fn merged_numbers(&self) -> String {
        self.merged()
            .map(|c| c.number().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads the cases the form names (this one included) and checks that they
/// may be merged; `Err` holds the message explaining why not. With `lock`,
/// the rows are locked in number order (so two merges of overlapping sets
/// cannot deadlock) and read again under the lock.
async fn choose(
    s: &mut SignedIn,
    this: &CaseRecord,
    input: &MergeForm,
    lock: bool,
) -> Result<std::result::Result<Chosen, String>> {
    let mut numbers: Vec<CaseNumber> = input
        .cases
        .iter()
        .filter_map(|n| CaseNumber::parse(n))
        .collect();
    numbers.push(this.number());
    numbers.sort();
    numbers.dedup();
    let mut cases = Vec::new();
    for n in &numbers {
        match find(s, *n).await? {
            Some(case) => cases.push(case),
            None => return Ok(Err(s.page.t("error-case-not-found"))),
        }
    }
    if lock {
        for case in &cases {
            store::lock(&mut s.tx, case.id).await?;
        }
        let mut fresh = Vec::new();
        for case in &cases {
            if let Some(current) = find(s, case.id).await? {
                fresh.push(current);
            }
        }
        cases = fresh;
    }
    let primary_number = CaseNumber::parse(&input.primary).unwrap_or(this.number());
    let primary = cases
        .iter()
        .find(|c| c.number() == primary_number)
        .map(|c| c.id);
    let facts: Vec<_> = cases
        .iter()
        .map(|c| (c.id, c.state(), c.merged_into_id.is_some(), c.customer_id))
        .collect();
    if let Err(key) = model::check_merge(&facts, primary.unwrap_or_default()) {
        return Ok(Err(s.page.t(key)));
    }
    Ok(Ok(Chosen {
        cases,
        primary: primary.unwrap_or(this.id),
    }))
}

fn relationships(case: &CaseRecord) -> String {
    format!("{}?tab=relationships", case_path(case.number()))
}

/// What the merge will do, in the words of the case page.
async fn confirm_page(s: &mut SignedIn, this: &CaseRecord, chosen: &Chosen) -> Result<ConfirmPage> {
    let merged_status = s.lists.system_status(&mut s.tx, status::MERGED).await?;
    let names = s.lists.case_names(&mut s.tx).await?;
    let primary = chosen.primary().number().to_string();
    let others = chosen.merged_numbers();
    let count = chosen.merged().count().to_string();
    let lang = s.page.lang;
    let say = |key: &str| {
        lang.t_args(
            key,
            &[
                ("primary", primary.clone()),
                ("others", others.clone()),
                ("count", count.clone()),
                ("state", lang.t(model::State::Cancelled.label_key())),
                ("status", names.status(merged_status).to_owned()),
            ],
        )
    };
    let items = chosen
        .cases
        .iter()
        .map(|c| {
            let role = if c.id == chosen.primary {
                "merge-confirm-stays"
            } else {
                "merge-confirm-goes"
            };
            format!("{} — {} · {}", c.number(), c.title, lang.t(role))
        })
        .collect();
    let mut consequences = vec![
        say("merge-confirm-state"),
        say("merge-confirm-moves"),
        say("merge-confirm-sla"),
    ];
    if chosen
        .merged()
        .any(|c| c.entitlement_id.is_some() && !c.terms_exempt)
    {
        consequences.push(say("merge-confirm-terms"));
    }
    let mut hidden: Vec<(&'static str, String)> = chosen
        .cases
        .iter()
        .filter(|c| c.id != this.id)
        .map(|c| ("cases", c.number().to_string()))
        .collect();
    hidden.push(("primary", primary.clone()));
    Ok(ConfirmPage {
        ctx: s.page.clone(),
        title: lang.t("case-merge"),
        back: relationships(this),
        back_label: this.number().to_string(),
        lead: say("merge-confirm-lead"),
        items,
        consequences,
        irreversible: Some(say("merge-confirm-irreversible")),
        action: format!("{}/merge", case_path(this.number())),
        hidden,
        confirm_label: lang.t("merge-confirm-button"),
        refused: false,
    })
}

/// GET /cases/{number}/merge: the merge form's choice, explained before
/// anything happens.
pub async fn confirm_merge(
    mut s: SignedIn,
    Path(number): Path<String>,
    Query(input): Query<MergeForm>,
) -> Result<Response> {
    let this = load(&mut s, &number).await?;
    let chosen = match choose(&mut s, &this, &input, false).await? {
        Ok(chosen) => chosen,
        Err(message) => {
            push_flash(&s.session, FlashKind::Error, message).await;
            return Ok(Redirect::to(&relationships(&this)).into_response());
        }
    };
    let page = confirm_page(&mut s, &this, &chosen).await?;
    s.tx.commit().await?;
    Ok(page.into_response())
}

/// Merges 2 to 10 active cases of one customer: the primary stays, the
/// others become Cancelled / Mesclado pointing at it, and their notes,
/// activities and attachments show on the primary's timeline.
pub async fn merge_cases(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<MergeForm>,
) -> Result<Response> {
    let this = load(&mut s, &number).await?;
    let chosen = match choose(&mut s, &this, &input, true).await? {
        Ok(chosen) => chosen,
        Err(message) => {
            push_flash(&s.session, FlashKind::Error, message).await;
            return Ok(Redirect::to(&relationships(&this)).into_response());
        }
    };
    if !is_given(&input.confirm) {
        return Ok(confirm_page(&mut s, &this, &chosen).await?.refusal());
    }
    let primary = chosen.primary;
    let primary_case = chosen.primary().number().to_string();
    let merged_status = s.lists.system_status(&mut s.tx, status::MERGED).await?;
    let mut merged = Vec::new();
    for case in chosen.merged() {
        let command = Command::MergeInto {
            merged: merged_status,
            primary,
            primary_number: primary_case.clone(),
        };
        if let Err(refusal) = run(&mut s, case, command).await? {
            return Ok(refuse(&s, &this, &refusal).await);
        }
        merged.push(case.number().to_string());
    }
    let taking_in = Command::TakeInMerged {
        numbers: merged.clone(),
    };
    if let Err(refusal) = run(&mut s, chosen.primary(), taking_in).await? {
        return Ok(refuse(&s, &this, &refusal).await);
    }
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("merge-done", "cases", merged.join(", ")),
    )
    .await;
    Ok(Redirect::to(&format!("/cases/{primary_case}")).into_response())
}
