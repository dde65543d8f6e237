//! Field-by-field audit of case edits: what changed, from what to what, in
//! the words shown on screen (names, not ids), kept on the timeline.

use serde_json::json;

use crate::cases::model::CaseNumber;
use crate::cases::store::CaseRecord;

/// One changed field: the Fluent key of its label and both values as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

impl FieldChange {
    pub fn to_json(&self) -> serde_json::Value {
        json!({ "field": self.field, "old": self.old, "new": self.new })
    }
}

fn text<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn number(value: Option<i64>) -> String {
    value.map(|n| CaseNumber(n).to_string()).unwrap_or_default()
}

/// How an audited value is kept. Dates are kept in ISO 8601 (instants in
/// RFC 3339), not as one reader saw them, so that each reader sees them in
/// their own language and time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Instant,
    Date,
    Text,
}

pub fn kept_as(field: &str) -> Kept {
    match field {
        "field-received-at" => Kept::Instant,
        "field-manufactured-on" | "field-expires-on" => Kept::Date,
        _ => Kept::Text,
    }
}

/// The displayed values of the fields an edit can change, in form order.
fn shown(case: &CaseRecord) -> Vec<(&'static str, String)> {
    let owner = case
        .owner_user_name
        .clone()
        .or_else(|| case.owner_team_name.clone())
        .unwrap_or_default();
    vec![
        ("field-title", case.title.clone()),
        ("field-customer", case.customer_name.clone()),
        ("field-contact", text(&case.contact_name)),
        ("field-subject", text(&case.subject_name)),
        ("field-channel", text(&case.channel_name)),
        ("field-direction", case.direction.clone()),
        ("field-received-at", case.received_at.to_rfc3339()),
        ("field-product", text(&case.product_name)),
        ("field-serial-number", case.serial_number.clone()),
        ("field-lot-number", case.lot_number.clone()),
        ("field-manufactured-on", text(&case.manufactured_on)),
        ("field-expires-on", text(&case.expires_on)),
        ("field-priority", case.priority_name.clone()),
        ("field-status-reason", case.status_name.clone()),
        ("field-owner", owner),
        ("field-reason", text(&case.reason_name)),
        ("field-occurrence", text(&case.occurrence_name)),
        ("field-cause", text(&case.cause_name)),
        ("field-unit", text(&case.unit_name)),
        ("field-location", text(&case.location_name)),
        ("field-location-note", case.location_note.clone()),
        ("field-request-type", text(&case.request_type_name)),
        ("field-related-case", number(case.related_number)),
        ("field-parent-case", number(case.parent_number)),
        ("field-description", case.description.clone()),
        ("field-complementary-data", case.complementary_data.clone()),
    ]
}

/// Every field whose shown value differs between two readings of a case.
pub fn diff(before: &CaseRecord, after: &CaseRecord) -> Vec<FieldChange> {
    shown(before)
        .into_iter()
        .zip(shown(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange { field, old, new })
        .collect()
}
