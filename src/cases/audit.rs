//! Field-by-field audit of case edits: what changed, from what to what, in
//! the words shown on screen, kept on the timeline. A value that is a
//! catalog entry also keeps the entry's id, so each reader sees it named in
//! their own language (`EventRow::localize`); the words are what is shown
//! when the entry is gone.

use serde_json::json;
use uuid::Uuid;

use crate::cases::model::CaseNumber;
use crate::cases::store::CaseRecord;

/// One changed field: the Fluent key of its label and both values as shown,
/// with the ids of catalog entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
    pub old_id: Option<Uuid>,
    pub new_id: Option<Uuid>,
}

impl FieldChange {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "old_id": self.old_id,
            "new_id": self.new_id,
        })
    }
}

/// A shown value, and the catalog entry it names if it is one.
type Shown = (&'static str, String, Option<Uuid>);

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
fn shown(case: &CaseRecord) -> Vec<Shown> {
    let owner = case
        .owner_user_name
        .clone()
        .or_else(|| case.owner_team_name.clone())
        .unwrap_or_default();
    let plain = |field, value| (field, value, None);
    vec![
        plain("field-title", case.title.clone()),
        plain("field-customer", case.customer_name.clone()),
        plain("field-contact", text(&case.contact_name)),
        ("field-subject", text(&case.subject_name), case.subject_id),
        ("field-channel", text(&case.channel_name), case.channel_id),
        plain("field-direction", case.direction.clone()),
        plain("field-received-at", case.received_at.to_rfc3339()),
        ("field-product", text(&case.product_name), case.product_id),
        plain("field-serial-number", case.serial_number.clone()),
        plain("field-lot-number", case.lot_number.clone()),
        plain("field-manufactured-on", text(&case.manufactured_on)),
        plain("field-expires-on", text(&case.expires_on)),
        (
            "field-priority",
            case.priority_name.clone(),
            Some(case.priority_id),
        ),
        (
            "field-status-reason",
            case.status_name.clone(),
            Some(case.status_reason_id),
        ),
        (
            "field-owner",
            owner,
            case.owner_user_id.or(case.owner_team_id),
        ),
        ("field-reason", text(&case.reason_name), case.reason_id),
        (
            "field-occurrence",
            text(&case.occurrence_name),
            case.occurrence_id,
        ),
        ("field-cause", text(&case.cause_name), case.cause_id),
        ("field-unit", text(&case.unit_name), case.unit_id),
        plain("field-location", text(&case.location_name)),
        plain("field-location-note", case.location_note.clone()),
        (
            "field-request-type",
            text(&case.request_type_name),
            case.request_type_id,
        ),
        plain("field-related-case", number(case.related_number)),
        plain("field-parent-case", number(case.parent_number)),
        plain("field-description", case.description.clone()),
        plain("field-complementary-data", case.complementary_data.clone()),
    ]
}

/// Every field whose shown value differs between two readings of a case.
pub fn diff(before: &CaseRecord, after: &CaseRecord) -> Vec<FieldChange> {
    shown(before)
        .into_iter()
        .zip(shown(after))
        .filter(|((_, old, old_id), (_, new, new_id))| old != new || old_id != new_id)
        .map(|((field, old, old_id), (_, new, new_id))| FieldChange {
            field,
            old,
            new,
            old_id,
            new_id,
        })
        .collect()
}
