//! Asking once before an action that is hard or impossible to take back
//! (merging cases, reactivating one, deactivating a customer, cancelling an
//! entitlement). The action's button leads to a page (GET) that says in the
//! page's own words what will happen; its confirm button posts the action
//! with `confirm=yes`. A post without it (a stray form, a page drawn before
//! the question existed, a replayed request) changes nothing and gets the
//! question back with a message, so no path skips it.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::web::page::PageCtx;

/// The field the confirmation page's button sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Confirmation {
    confirm: String,
}

impl Confirmation {
    pub fn given(&self) -> bool {
        is_given(&self.confirm)
    }
}

/// Whether a form's `confirm` field says the person answered the question.
pub fn is_given(value: &str) -> bool {
    value == "yes"
}

#[derive(Template, WebTemplate)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub ctx: PageCtx,
    pub title: String,
    /// The page the person came from: breadcrumb and cancel link.
    pub back: String,
    pub back_label: String,
    /// One sentence: what the action does to what.
    pub lead: String,
    /// The records involved, one line each.
    pub items: Vec<String>,
    /// What follows from it, one line each.
    pub consequences: Vec<String>,
    /// Said apart, when the action cannot be undone.
    pub irreversible: Option<String>,
    pub action: String,
    /// Fields the action posts again (a merge's chosen cases).
    pub hidden: Vec<(&'static str, String)>,
    pub confirm_label: String,
    /// Set when a post came without the confirmation.
    pub refused: bool,
}

impl ConfirmPage {
    /// The page as the answer to a post that skipped the question.
    pub fn refusal(mut self) -> Response {
        self.refused = true;
        (StatusCode::UNPROCESSABLE_ENTITY, self).into_response()
    }
}
