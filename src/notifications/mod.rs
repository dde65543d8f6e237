//! In-app notifications: a case assigned or forwarded to you, a note on a
//! case you own or follow. The bell in the header shows the unread count.

mod handlers;
pub mod store;

use crate::web::routes::{Access, Route};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assigned,
    Forwarded,
    Note,
    SlaWarning,
    SlaFailure,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assigned => "assigned",
            Kind::Forwarded => "forwarded",
            Kind::Note => "note",
            Kind::SlaWarning => "sla_warning",
            Kind::SlaFailure => "sla_failure",
        }
    }

    pub fn label_key(text: &str) -> &'static str {
        match text {
            "assigned" => "notification-assigned",
            "forwarded" => "notification-forwarded",
            "note" => "notification-note",
            "sla_warning" => "notification-sla-warning",
            "sla_failure" => "notification-sla-failure",
            _ => "notification-other",
        }
    }
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/notifications",
            Access::SignedIn,
            handlers::list_notifications,
        ),
        Route::post("/notifications/read", Access::SignedIn, handlers::mark_read),
    ]
}
