//! What agents do to a case: start execution, take, assign, follow, forward,
//! resolve and cancel (reactivating is in `reactivate`). Each locks the case
//! row, checks the move with the pure rules of `model`, writes it and
//! records it on the timeline.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::cases::command::{Command, Named};
use crate::cases::handlers::{case_path, find, load, run};
use crate::cases::model::{self, CaseNumber, Owner, Refusal};
use crate::cases::store::{self, CaseRecord};
use crate::catalog::defaults::status;
use crate::catalog::model::{ListKind, optional_id};
use crate::catalog::store::{self as catalog, Choice};
use crate::core::duration::{self, DurationField};
use crate::error::{Result, forbidden};
use crate::web::form::{self, FieldErrors, Form, Query};
use crate::web::page::PageCtx;
use crate::web::session::{FlashKind, push_flash};

/// Loads and locks the case, so a move is checked against what is stored now.
pub(super) async fn load_locked(s: &mut SignedIn, number: &str) -> Result<CaseRecord> {
    let case = load(s, number).await?;
    store::lock(&mut s.tx, case.id).await?;
    Ok(find(s, case.id).await?.unwrap_or(case))
}

/// Explains a refused move on the case page.
pub(super) async fn refuse(s: &SignedIn, case: &CaseRecord, refusal: &Refusal) -> Response {
    if *refusal == Refusal::NotAllowed {
        return forbidden().into_response();
    }
    let text = match refusal {
        Refusal::OpenChildren(children) => s.page.t1(
            refusal.key(),
            "cases",
            children
                .iter()
                .map(CaseNumber::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => s.page.t(other.key()),
    };
    push_flash(&s.session, FlashKind::Error, text).await;
    Redirect::to(&case_path(case.number())).into_response()
}

pub async fn start_execution(mut s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    let in_progress = s
        .lists
        .system_status(&mut s.tx, status::IN_PROGRESS)
        .await?;
    if let Err(refusal) = run(&mut s, &case, Command::StartExecution { in_progress }).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

/// An agent takes an unassigned case (supervisors assign any case).
pub async fn take_case(mut s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    if let Err(refusal) = run(&mut s, &case, Command::Take).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    owner: String,
}

pub async fn assign_case(
    s: SignedIn<Supervisor>,
    Path(number): Path<String>,
    Form(input): Form<AssignForm>,
) -> Result<Response> {
    let mut s = s.as_agent();
    let case = load_locked(&mut s, &number).await?;
    let owner = Owner::parse(&input.owner).unwrap_or(Owner::Nobody);
    let name = match owner {
        Owner::User(id) => crate::users::store::find(&mut s.tx, id)
            .await?
            .filter(|u| u.active)
            .map(|u| u.name),
        Owner::Team(id) => catalog::find_team(&mut s.tx, id)
            .await?
            .filter(|(_, active)| *active)
            .map(|(name, _)| name),
        Owner::Nobody => Some(String::new()),
    };
    let Some(name) = name else {
        push_flash(
            &s.session,
            FlashKind::Error,
            s.page.t("assign-choose-owner"),
        )
        .await;
        return Ok(Redirect::to(&case_path(case.number())).into_response());
    };
    if let Err(refusal) = run(&mut s, &case, Command::Assign { owner, name }).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

pub async fn follow_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    follow: bool,
) -> Result<Response> {
    let case = load(&mut s, &number).await?;
    if follow {
        store::follow(&mut s.tx, case.id, s.user.id).await?;
    } else {
        store::unfollow(&mut s.tx, case.id, s.user.id).await?;
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

// Resolve and cancel: a small form each ---------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    status_reason_id: String,
    text: String,
    billable: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/close.html")]
pub struct ClosePage {
    ctx: PageCtx,
    case: CaseRecord,
    /// "resolve" or "cancel".
    mode: &'static str,
    reasons: Vec<Choice>,
    input: CloseForm,
    errors: FieldErrors,
    refusal: Option<String>,
}

impl ClosePage {
    pub fn selected(&self, id: &Uuid) -> bool {
        self.input.status_reason_id == id.to_string()
    }
}

async fn close_page(
    s: &mut SignedIn,
    case: CaseRecord,
    mode: &'static str,
    input: Option<CloseForm>,
    errors: FieldErrors,
) -> Result<ClosePage> {
    let reasons = if mode == "resolve" {
        s.lists.statuses(&mut s.tx, "resolved").await?
    } else {
        catalog::status_choices_except(&mut s.tx, "cancelled", status::MERGED).await?
    };
    let situation = store::situation(&mut s.tx, &case).await?;
    let check = if mode == "resolve" {
        model::check_resolve(&situation)
    } else {
        model::check_cancel(&situation)
    };
    let refusal = check.err().map(|refusal| match &refusal {
        Refusal::OpenChildren(children) => s.page.t1(
            refusal.key(),
            "cases",
            children
                .iter()
                .map(CaseNumber::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => s.page.t(other.key()),
    });
    let input = input.unwrap_or_else(|| CloseForm {
        status_reason_id: reasons
            .first()
            .map(|r| r.id.to_string())
            .unwrap_or_default(),
        text: String::new(),
        billable: duration::format(i64::from(case.billable_minutes), s.page.lang),
    });
    Ok(ClosePage {
        ctx: s.page.clone(),
        case,
        mode,
        reasons,
        input,
        errors,
        refusal,
    })
}

pub async fn close_form(
    mut s: SignedIn,
    Path(number): Path<String>,
    mode: &'static str,
) -> Result<ClosePage> {
    let case = load(&mut s, &number).await?;
    let page = close_page(&mut s, case, mode, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

pub async fn resolve_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<CloseForm>,
) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    let reasons = s.lists.statuses(&mut s.tx, "resolved").await?;
    let mut errors = FieldErrors::default();
    let reason = errors.check(
        "status_reason_id",
        chosen(&reasons, &input.status_reason_id),
    );
    let text = errors.check(
        "text",
        form::multiline(&input.text, 20_000).and_then(|t| {
            if t.is_empty() {
                Err("error-required")
            } else {
                Ok(t)
            }
        }),
    );
    let billable = errors.check(
        "billable",
        DurationField::BILLABLE
            .read(&input.billable)
            .map(|m| m.unwrap_or(0)),
    );
    let (Some(status), Some(text), Some(billable)) = (reason, text, billable) else {
        let page = close_page(&mut s, case, "resolve", Some(input), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let command = Command::Resolve {
        status,
        text,
        billable_minutes: billable,
        billable_shown: duration::format(i64::from(billable), s.page.lang),
    };
    if run(&mut s, &case, command).await?.is_err() {
        // The page explains why (the open children are listed there).
        let page = close_page(&mut s, case, "resolve", Some(input), FieldErrors::default()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page.t1("case-resolved-flash", "case", case.number()),
    )
    .await;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

/// The status reason chosen among `offered`, with the name it shows.
fn chosen(offered: &[Choice], text: &str) -> std::result::Result<Named, &'static str> {
    optional_id(text)
        .ok()
        .flatten()
        .and_then(|id| offered.iter().find(|r| r.id == id))
        .map(|r| Named {
            id: r.id,
            name: r.name.clone(),
        })
        .ok_or("error-choose-option")
}

pub async fn cancel_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<CloseForm>,
) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    let reasons = catalog::status_choices_except(&mut s.tx, "cancelled", status::MERGED).await?;
    let mut errors = FieldErrors::default();
    let reason = errors.check(
        "status_reason_id",
        chosen(&reasons, &input.status_reason_id),
    );
    let text = errors.check("text", form::multiline(&input.text, 20_000));
    let (Some(status), Some(text)) = (reason, text) else {
        let page = close_page(&mut s, case, "cancel", Some(input), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if run(&mut s, &case, Command::Cancel { status, text })
        .await?
        .is_err()
    {
        let page = close_page(&mut s, case, "cancel", Some(input), FieldErrors::default()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

// Forward (Encaminhar) --------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ForwardForm {
    reason_id: String,
    team_id: String,
    user_id: String,
    request_type_id: String,
    note: String,
    action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/forward.html")]
pub struct ForwardPage {
    ctx: PageCtx,
    case: CaseRecord,
    reasons: Vec<Choice>,
    teams: Vec<Choice>,
    members: Vec<Choice>,
    request_types: Vec<Choice>,
    input: ForwardForm,
    errors: FieldErrors,
}

impl ForwardPage {
    pub fn is(&self, value: &str, id: &Uuid) -> bool {
        value == id.to_string()
    }
}

async fn forward_page(
    s: &mut SignedIn,
    case: CaseRecord,
    input: ForwardForm,
    errors: FieldErrors,
) -> Result<ForwardPage> {
    let members = match optional_id(&input.team_id).ok().flatten() {
        Some(team) => catalog::active_members(&mut s.tx, team).await?,
        None => Vec::new(),
    };
    Ok(ForwardPage {
        ctx: s.page.clone(),
        case,
        reasons: s.lists.choices(&mut s.tx, ListKind::ForwardReasons).await?,
        teams: s.lists.teams(&mut s.tx).await?,
        request_types: s.lists.choices(&mut s.tx, ListKind::RequestTypes).await?,
        members,
        input,
        errors,
    })
}

pub async fn forward_form(mut s: SignedIn, Path(number): Path<String>) -> Result<ForwardPage> {
    let case = load(&mut s, &number).await?;
    let input = ForwardForm {
        request_type_id: case
            .request_type_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        ..ForwardForm::default()
    };
    let page = forward_page(&mut s, case, input, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MembersQuery {
    team_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/_options.html")]
pub struct MemberOptions {
    ctx: PageCtx,
    choices: Vec<Choice>,
    selected: Option<Uuid>,
    reset_causes: bool,
}

/// The users of a team, for the "to" select once the team is chosen.
pub async fn team_members(mut s: SignedIn, Query(q): Query<MembersQuery>) -> Result<MemberOptions> {
    let choices = match optional_id(&q.team_id).ok().flatten() {
        Some(team) => catalog::active_members(&mut s.tx, team).await?,
        None => Vec::new(),
    };
    s.tx.commit().await?;
    Ok(MemberOptions {
        ctx: s.page,
        choices,
        selected: None,
        reset_causes: false,
    })
}

/// Forwarding needs a reason, a team, a member of that team and a request
/// type; the note is optional. The new owner is notified.
pub async fn forward_case(
    mut s: SignedIn,
    Path(number): Path<String>,
    Form(input): Form<ForwardForm>,
) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    if input.action == "refresh" {
        let page = forward_page(&mut s, case, input, FieldErrors::default()).await?;
        return Ok(page.into_response());
    }
    let mut errors = FieldErrors::default();
    let required = |e: &mut FieldErrors, field: &'static str, text: &str| {
        e.check(
            field,
            optional_id(text).and_then(|id| id.ok_or("error-required")),
        )
    };
    let reason = required(&mut errors, "reason_id", &input.reason_id);
    let team = required(&mut errors, "team_id", &input.team_id);
    let user = required(&mut errors, "user_id", &input.user_id);
    let request_type = required(&mut errors, "request_type_id", &input.request_type_id);
    let note = errors
        .check("note", form::multiline(&input.note, 20_000))
        .unwrap_or_default();
    let reasons = s.lists.choices(&mut s.tx, ListKind::ForwardReasons).await?;
    let request_types = s.lists.choices(&mut s.tx, ListKind::RequestTypes).await?;
    let teams = s.lists.teams(&mut s.tx).await?;
    let members = match team {
        Some(team) => catalog::active_members(&mut s.tx, team).await?,
        None => Vec::new(),
    };
    let name = |list: &[Choice], id: Option<Uuid>| {
        id.and_then(|id| list.iter().find(|c| c.id == id).map(|c| c.name.clone()))
    };
    let (reason_name, team_name, user_name, type_name) = (
        name(&reasons, reason),
        name(&teams, team),
        name(&members, user),
        name(&request_types, request_type),
    );
    if reason.is_some() && reason_name.is_none() {
        errors.add("reason_id", "error-choose-option");
    }
    if team.is_some() && team_name.is_none() {
        errors.add("team_id", "error-choose-option");
    }
    if user.is_some() && user_name.is_none() {
        errors.add("user_id", "error-not-team-member");
    }
    if request_type.is_some() && type_name.is_none() {
        errors.add("request_type_id", "error-choose-option");
    }
    let (Some(team), Some(user), Some(request_type), true) =
        (team, user, request_type, errors.is_empty())
    else {
        let page = forward_page(&mut s, case, input, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let named = |id: Uuid, name: Option<String>| Named {
        id,
        name: name.unwrap_or_default(),
    };
    let command = Command::Forward {
        reason: named(reason.unwrap_or_default(), reason_name),
        team: named(team, team_name),
        user: named(user, user_name.clone()),
        request_type: named(request_type, type_name),
        note,
    };
    if let Err(refusal) = run(&mut s, &case, command).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    push_flash(
        &s.session,
        FlashKind::Success,
        s.page
            .t1("forward-done", "name", user_name.unwrap_or_default()),
    )
    .await;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}

// "Não diminuir os termos do direito" -------------------------------------------

/// Switches the case's exemption from its entitlement's terms; whatever the
/// case had taken goes back at once, and switching it off takes it anew.
pub async fn toggle_terms_exempt(mut s: SignedIn, Path(number): Path<String>) -> Result<Response> {
    let case = load_locked(&mut s, &number).await?;
    let command = Command::SetTermsExempt {
        exempt: !case.terms_exempt,
        on: s.page.t("entitlement-terms-exempt-on"),
        off: s.page.t("entitlement-terms-exempt-off"),
    };
    if let Err(refusal) = run(&mut s, &case, command).await? {
        return Ok(refuse(&s, &case, &refusal).await);
    }
    s.tx.commit().await?;
    Ok(Redirect::to(&case_path(case.number())).into_response())
}
