//! Reasons → occurrences → causes (motivo → ocorrência → causa): the admin
//! page of the three-level cascade and the filtered lists the case form asks for.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::optional_id;
use crate::catalog::store::{self, CascadeRow, Choice, Level, WriteError};
use crate::catalog::translations::Names;
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{self, FieldErrors, Form, Query, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let reason = Access::TenantObject(Role::Admin, ObjectKind::Row("reasons"));
    let occurrence = Access::TenantObject(Role::Admin, ObjectKind::Row("occurrences"));
    let cause = Access::TenantObject(Role::Admin, ObjectKind::Row("causes"));
    let mut routes = vec![
        Route::get("/admin/reasons", admin, show_cascade),
        Route::post(
            "/admin/reasons",
            admin,
            |s: SignedIn<Admin>, f: Form<NameForm>| add(Level::Reason, s, None, f),
        ),
        Route::post(
            "/admin/reasons/{id}/occurrences",
            reason,
            |s: SignedIn<Admin>, p: Path<String>, f: Form<NameForm>| {
                add(Level::Occurrence, s, Some(p), f)
            },
        ),
        Route::post(
            "/admin/occurrences/{id}/causes",
            occurrence,
            |s: SignedIn<Admin>, p: Path<String>, f: Form<NameForm>| {
                add(Level::Cause, s, Some(p), f)
            },
        ),
        Route::get("/catalog/occurrences", Access::SignedIn, occurrence_options),
        Route::get("/catalog/causes", Access::SignedIn, cause_options),
    ];
    for (level, base, access) in [
        (
            Level::Reason,
            (
                "/admin/reasons/{id}",
                "/admin/reasons/{id}/deactivate",
                "/admin/reasons/{id}/reactivate",
            ),
            reason,
        ),
        (
            Level::Occurrence,
            (
                "/admin/occurrences/{id}",
                "/admin/occurrences/{id}/deactivate",
                "/admin/occurrences/{id}/reactivate",
            ),
            occurrence,
        ),
        (
            Level::Cause,
            (
                "/admin/causes/{id}",
                "/admin/causes/{id}/deactivate",
                "/admin/causes/{id}/reactivate",
            ),
            cause,
        ),
    ] {
        routes.push(Route::get(
            base.0,
            access,
            move |s: SignedIn<Admin>, p: Path<String>| show_item(level, s, p),
        ));
        routes.push(Route::post(
            base.0,
            access,
            move |s: SignedIn<Admin>, p: Path<String>, f: Form<NameForm>| rename(level, s, p, f),
        ));
        routes.push(Route::post(
            base.1,
            access,
            move |s: SignedIn<Admin>, Path(id): Path<String>| {
                admin::set_active(level, s, id, false)
            },
        ));
        routes.push(Route::post(
            base.2,
            access,
            move |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(level, s, id, true),
        ));
    }
    routes
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Reason => "field-reason",
        Level::Occurrence => "field-occurrence",
        Level::Cause => "field-cause",
    }
}

fn level_path(level: Level) -> &'static str {
    match level {
        Level::Reason => "/admin/reasons",
        Level::Occurrence => "/admin/occurrences",
        Level::Cause => "/admin/causes",
    }
}

/// One reason with its occurrences, each with its causes.
pub struct ReasonBranch {
    pub reason: CascadeRow,
    pub occurrences: Vec<(CascadeRow, Vec<CascadeRow>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/reasons.html")]
pub struct CascadePage {
    ctx: PageCtx,
    branches: Vec<ReasonBranch>,
    /// The form that failed, if any: (where it posts, the name typed, the error).
    failed: Option<(String, String, &'static str)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameForm {
    name: String,
    name_gl: String,
    name_en: String,
}

async fn branches(s: &mut SignedIn<Admin>) -> Result<Vec<ReasonBranch>> {
    let reasons = store::reasons(&mut s.tx).await?;
    let occurrences = store::occurrences(&mut s.tx).await?;
    let causes = store::causes(&mut s.tx).await?;
    Ok(reasons
        .into_iter()
        .map(|reason| ReasonBranch {
            occurrences: occurrences
                .iter()
                .filter(|o| o.parent_id == Some(reason.id))
                .map(|o| {
                    (
                        o.clone(),
                        causes
                            .iter()
                            .filter(|c| c.parent_id == Some(o.id))
                            .cloned()
                            .collect(),
                    )
                })
                .collect(),
            reason,
        })
        .collect())
}

async fn show_cascade(mut s: SignedIn<Admin>) -> Result<CascadePage> {
    let branches = branches(&mut s).await?;
    s.tx.commit().await?;
    Ok(CascadePage {
        ctx: s.page,
        branches,
        failed: None,
    })
}

async fn add(
    level: Level,
    mut s: SignedIn<Admin>,
    parent: Option<Path<String>>,
    Form(input): Form<NameForm>,
) -> Result<Response> {
    let parent_level = match level {
        Level::Reason => None,
        Level::Occurrence => Some(Level::Reason),
        Level::Cause => Some(Level::Occurrence),
    };
    let parent_id = match (parent, parent_level) {
        (Some(Path(id)), Some(parent_level)) => {
            let row = store::find_level_item(&mut s.tx, parent_level, parse_id(&id)?).await?;
            Some(row.ok_or_else(not_found)?.0.id)
        }
        _ => None,
    };
    let action = match (level, parent_id) {
        (Level::Occurrence, Some(id)) => format!("/admin/reasons/{id}/occurrences"),
        (Level::Cause, Some(id)) => format!("/admin/occurrences/{id}/causes"),
        _ => "/admin/reasons".to_owned(),
    };
    let error = match form::required_line(&input.name, 120) {
        Err(key) => key,
        Ok(name) => match store::create_level_item(&mut s.tx, level, parent_id, &name).await {
            Ok(_) => return admin::saved(s, "catalog-item-created", &name, "/admin/reasons").await,
            Err(WriteError::NameTaken) => "error-name-taken",
            Err(WriteError::Db(err)) => return Err(err.into()),
        },
    };
    let branches = branches(&mut s).await?;
    let page = CascadePage {
        ctx: s.page,
        branches,
        failed: Some((action, input.name, error)),
    };
    admin::unprocessable(page)
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/cascade_item.html")]
pub struct CascadeItemPage {
    ctx: PageCtx,
    level_key: &'static str,
    path: &'static str,
    item: CascadeRow,
    input: NameForm,
    errors: FieldErrors,
}

async fn show_item(
    level: Level,
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
) -> Result<CascadeItemPage> {
    let (item, names) = store::find_level_item(&mut s.tx, level, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    s.tx.commit().await?;
    let (name_gl, name_en) = names.fields();
    Ok(CascadeItemPage {
        ctx: s.page,
        level_key: level_key(level),
        path: level_path(level),
        input: NameForm {
            name: item.name.clone(),
            name_gl,
            name_en,
        },
        item,
        errors: FieldErrors::default(),
    })
}

async fn rename(
    level: Level,
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<NameForm>,
) -> Result<Response> {
    let (item, _) = store::find_level_item(&mut s.tx, level, parse_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", form::required_line(&input.name, 120));
    let names = Names::parse(&input.name_gl, &input.name_en, &mut errors);
    if let (Some(name), true) = (name, errors.is_empty()) {
        let written = store::rename_level_item(&mut s.tx, level, item.id, &name, &names).await;
        if admin::unless_taken(written, &mut errors, "name", "error-name-taken")?.is_some() {
            return admin::saved(s, "catalog-item-saved", &name, "/admin/reasons").await;
        }
    }
    let page = CascadeItemPage {
        ctx: s.page,
        level_key: level_key(level),
        path: level_path(level),
        item,
        input,
        errors,
    };
    admin::unprocessable(page)
}

/// Each level's entries are turned off and on from the cascade page.
impl Switch for Level {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some((item, _)) = store::find_level_item(tx, *self, id).await? else {
            return Ok(Switched::Missing);
        };
        store::set_level_item_active(tx, *self, item.id, active).await?;
        Ok(Switched::Done(item.name))
    }

    fn back(&self, _: Uuid) -> String {
        "/admin/reasons".to_owned()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/_options.html")]
pub struct OptionsFragment {
    ctx: PageCtx,
    choices: Vec<Choice>,
    selected: Option<Uuid>,
    /// Empty the cause list too: a new reason means new occurrences and causes.
    reset_causes: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CascadeQuery {
    reason_id: String,
    occurrence_id: String,
    selected: String,
    reset: String,
}

/// The `<option>`s of the occurrences of one reason: the case form swaps them
/// in with htmx when the reason changes.
async fn occurrence_options(
    mut s: SignedIn,
    Query(q): Query<CascadeQuery>,
) -> Result<OptionsFragment> {
    let choices = match optional_id(&q.reason_id) {
        Ok(Some(reason)) => store::occurrence_choices(&mut s.tx, reason).await?,
        _ => Vec::new(),
    };
    s.tx.commit().await?;
    Ok(OptionsFragment {
        ctx: s.page,
        choices,
        selected: optional_id(&q.selected).ok().flatten(),
        reset_causes: !q.reset.is_empty(),
    })
}

async fn cause_options(mut s: SignedIn, Query(q): Query<CascadeQuery>) -> Result<OptionsFragment> {
    let choices = match optional_id(&q.occurrence_id) {
        Ok(Some(occurrence)) => store::cause_choices(&mut s.tx, occurrence).await?,
        _ => Vec::new(),
    };
    s.tx.commit().await?;
    Ok(OptionsFragment {
        ctx: s.page,
        choices,
        selected: optional_id(&q.selected).ok().flatten(),
        reset_causes: false,
    })
}
