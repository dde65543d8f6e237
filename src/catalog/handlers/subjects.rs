//! The subject tree: shown as a tree, nodes added, renamed, moved and deactivated.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::catalog::model::{self, MoveRefusal, TreeRow, optional_id};
use crate::catalog::store;
use crate::catalog::translations::Names;
use crate::error::{Result, not_found};
use crate::users::model::Role;
use crate::web::form::{self, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("subjects"));
    vec![
        Route::get("/admin/subjects", admin, list_subjects),
        Route::post("/admin/subjects", admin, create_subject),
        Route::get("/admin/subjects/{id}", one, show_subject),
        Route::post("/admin/subjects/{id}", one, update_subject),
        Route::post(
            "/admin/subjects/{id}/deactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Subjects, s, id, false),
        ),
        Route::post(
            "/admin/subjects/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Subjects, s, id, true),
        ),
    ]
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SubjectForm {
    name: String,
    name_gl: String,
    name_en: String,
    description: String,
    parent_id: String,
}

struct SubjectInput {
    name: String,
    names: Names,
    description: String,
    parent_id: Option<Uuid>,
}

fn parse(input: &SubjectForm) -> std::result::Result<SubjectInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", form::required_line(&input.name, 120));
    let names = Names::parse(&input.name_gl, &input.name_en, &mut errors);
    let description = errors.check("description", form::multiline(&input.description, 1000));
    let parent_id = errors.check("parent_id", optional_id(&input.parent_id));
    match (name, description, parent_id, errors.is_empty()) {
        (Some(name), Some(description), Some(parent_id), true) => Ok(SubjectInput {
            name,
            names,
            description,
            parent_id,
        }),
        _ => Err(errors),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/subjects.html")]
pub struct SubjectsPage {
    ctx: PageCtx,
    tree: Vec<TreeRow>,
    input: SubjectForm,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/subject.html")]
pub struct SubjectPage {
    ctx: PageCtx,
    subject: TreeRow,
    /// Where the subject may move: anywhere but itself and its branch.
    parents: Vec<TreeRow>,
    input: SubjectForm,
    errors: FieldErrors,
}

async fn list_subjects(mut s: SignedIn<Admin>) -> Result<SubjectsPage> {
    let tree = model::subject_tree(&store::subjects(&mut s.tx).await?);
    s.tx.commit().await?;
    Ok(SubjectsPage {
        ctx: s.page,
        tree,
        input: SubjectForm::default(),
        errors: FieldErrors::default(),
    })
}

async fn create_subject(
    mut s: SignedIn<Admin>,
    Form(input): Form<SubjectForm>,
) -> Result<Response> {
    store::lock_subject_tree(&mut s.tx).await?;
    let nodes = store::subjects(&mut s.tx).await?;
    let mut errors = FieldErrors::default();
    if let Ok(subject) = parse(&input).map_err(|e| errors = e) {
        let parent_known = subject
            .parent_id
            .is_none_or(|p| nodes.iter().any(|n| n.id == p));
        if !parent_known {
            errors.add("parent_id", "error-choose-option");
        } else {
            let written = store::create_subject(
                &mut s.tx,
                subject.parent_id,
                &subject.name,
                &subject.names,
                &subject.description,
            )
            .await;
            if admin::unless_taken(written, &mut errors, "name", "error-name-taken-sibling")?
                .is_some()
            {
                let key = "catalog-item-created";
                return admin::saved(s, key, &subject.name, "/admin/subjects").await;
            }
        }
    }
    let page = SubjectsPage {
        ctx: s.page,
        tree: model::subject_tree(&nodes),
        input,
        errors,
    };
    admin::unprocessable(page)
}

fn subject_page(
    ctx: PageCtx,
    tree: Vec<TreeRow>,
    id: Uuid,
    input: Option<SubjectForm>,
    errors: FieldErrors,
    nodes: &[model::SubjectNode],
) -> Result<SubjectPage> {
    let subject = tree
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .ok_or_else(not_found)?;
    let node = nodes.iter().find(|n| n.id == id).ok_or_else(not_found)?;
    let parents = tree
        .into_iter()
        .filter(|row| model::check_move(nodes, id, Some(row.id)).is_ok())
        .collect();
    let input = input.unwrap_or_else(|| {
        let (name_gl, name_en) = node.names.fields();
        SubjectForm {
            name: node.name.clone(),
            name_gl,
            name_en,
            description: node.description.clone(),
            parent_id: node.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    });
    Ok(SubjectPage {
        ctx,
        subject,
        parents,
        input,
        errors,
    })
}

async fn show_subject(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<SubjectPage> {
    let id = parse_id(&id)?;
    let nodes = store::subjects(&mut s.tx).await?;
    s.tx.commit().await?;
    subject_page(
        s.page,
        model::subject_tree(&nodes),
        id,
        None,
        FieldErrors::default(),
        &nodes,
    )
}

async fn update_subject(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<SubjectForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::lock_subject_tree(&mut s.tx).await?;
    let nodes = store::subjects(&mut s.tx).await?;
    if !nodes.iter().any(|n| n.id == id) {
        return Err(not_found());
    }
    let mut errors = FieldErrors::default();
    if let Ok(subject) = parse(&input).map_err(|e| errors = e) {
        let parent_known = subject
            .parent_id
            .is_none_or(|p| nodes.iter().any(|n| n.id == p));
        match model::check_move(&nodes, id, subject.parent_id) {
            _ if !parent_known => errors.add("parent_id", "error-choose-option"),
            Err(MoveRefusal::UnderItself) => errors.add("parent_id", "error-subject-under-itself"),
            Err(MoveRefusal::UnderDescendant) => {
                errors.add("parent_id", "error-subject-under-descendant")
            }
            Ok(()) => {
                let written = store::update_subject(
                    &mut s.tx,
                    id,
                    subject.parent_id,
                    &subject.name,
                    &subject.names,
                    &subject.description,
                )
                .await;
                if admin::unless_taken(written, &mut errors, "name", "error-name-taken-sibling")?
                    .is_some()
                {
                    let key = "catalog-item-saved";
                    return admin::saved(s, key, &subject.name, "/admin/subjects").await;
                }
            }
        }
    }
    let page = subject_page(
        s.page,
        model::subject_tree(&nodes),
        id,
        Some(input),
        errors,
        &nodes,
    )?;
    admin::unprocessable(page)
}

struct Subjects;

/// A subject is turned off with its place in the tree kept; the messages
/// say "subject", not its name.
impl Switch for Subjects {
    const SAID: (&'static str, &'static str) = ("subject-reactivated", "subject-deactivated");

    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        Ok(if store::set_subject_active(tx, id, active).await? {
            Switched::Done(String::new())
        } else {
            Switched::Missing
        })
    }

    fn back(&self, _: Uuid) -> String {
        "/admin/subjects".to_owned()
    }
}
