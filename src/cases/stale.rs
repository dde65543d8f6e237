//! Saving an edit when the case may have changed since the form was drawn.
//!
//! The edit form carries what it showed (`seen`: every field as drawn), so
//! a save knows which fields the person changed. Only those are written; a
//! field the person left alone keeps whatever is stored now, even if someone
//! else changed it meanwhile. When both changed the same field to different
//! values, the person decides: the conflict page shows both and its form
//! holds the person's value. The conflict page's form carries the newest
//! values as what it showed, and the person's changes on top of them, so
//! saving it again still writes exactly what the person changed.
//!
//! A field counts as changed by the person when its value differs from what
//! the form showed. A contact belongs to its customer and an occurrence to
//! its reason: a person who changed the customer also chose the contact and
//! the entitlement that go with it, and one who changed the reason chose its
//! occurrence and cause, so those follow the person's choice whole.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cases::model::{CaseForm, CaseNumber};
use crate::web::form;

/// One field of the case form: its name in the form, the Fluent key of its
/// label, and the field whose change carries it along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub parent: Option<&'static str>,
}

const fn field(name: &'static str, label: &'static str) -> Field {
    Field {
        name,
        label,
        parent: None,
    }
}

const fn child(name: &'static str, label: &'static str, parent: &'static str) -> Field {
    Field {
        name,
        label,
        parent: Some(parent),
    }
}

/// Every field the edit form writes, in form order (a parent before the
/// fields it carries). A test holds it to the fields of `CaseForm`.
pub const FIELDS: [Field; 27] = [
    field("title", "field-title"),
    field("customer_id", "field-customer"),
    child("contact_id", "field-contact", "customer_id"),
    field("subject_id", "field-subject"),
    field("channel_id", "field-channel"),
    field("direction", "field-direction"),
    field("received_at", "field-received-at"),
    field("priority_id", "field-priority"),
    field("status_reason_id", "field-status-reason"),
    field("owner", "field-owner"),
    field("description", "field-description"),
    field("reason_id", "field-reason"),
    child("occurrence_id", "field-occurrence", "reason_id"),
    child("cause_id", "field-cause", "occurrence_id"),
    field("unit_id", "field-unit"),
    field("request_type_id", "field-request-type"),
    field("location_id", "field-location"),
    field("location_note", "field-location-note"),
    field("product_id", "field-product"),
    field("serial_number", "field-serial-number"),
    field("lot_number", "field-lot-number"),
    field("manufactured_on", "field-manufactured-on"),
    field("expires_on", "field-expires-on"),
    field("related_case", "field-related-case"),
    field("parent_case", "field-parent-case"),
    field("complementary_data", "field-complementary-data"),
    child("entitlement_id", "field-entitlement", "customer_id"),
];

/// The form's fields by name.
fn values(form: &CaseForm) -> BTreeMap<String, String> {
    match serde_json::to_value(form) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(name, value)| Some((name, value.as_str()?.to_owned())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// One field's value, by its name in the form.
pub fn value(form: &CaseForm, name: &str) -> String {
    values(form).remove(name).unwrap_or_default()
}

fn from_values(values: BTreeMap<String, String>) -> CaseForm {
    let map = values
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    // Every field of `CaseForm` is a defaulted string: this cannot fail.
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

/// What an edit form showed, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen(BTreeMap<String, String>);

impl Seen {
    pub fn of(form: &CaseForm) -> Seen {
        let mut shown = values(form);
        shown.retain(|name, _| FIELDS.iter().any(|f| f.name == name));
        Seen(shown)
    }

    /// As the form's hidden field carries it.
    pub fn to_text(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// What a submitted form says it showed; `None` for a form without it
    /// (drawn before forms carried it) or with something unreadable.
    pub fn parse(text: &str) -> Option<Seen> {
        serde_json::from_str(text).ok().map(Seen)
    }
}

/// Two values of a field that mean the same: spaces around, line ends,
/// "CAS-12" and "12", a time with or without seconds.
fn same(field: &str, a: &str, b: &str) -> bool {
    canonical(field, a) == canonical(field, b)
}

fn canonical(field: &str, value: &str) -> String {
    let value = value.replace("\r\n", "\n");
    let value = value.trim();
    match field {
        "related_case" | "parent_case" => CaseNumber::parse(value)
            .map(|n| n.to_string())
            .unwrap_or_else(|| value.to_owned()),
        "direction" if value.is_empty() => "inbound".to_owned(),
        // The form's "— none —"; an empty value reads as none too.
        "entitlement_id" if value.is_empty() => "none".to_owned(),
        "received_at" => form::local_datetime(value)
            .map(|at| at.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_else(|_| value.to_owned()),
        "manufactured_on" | "expires_on" => form::date(value)
            .map(|day| day.to_string())
            .unwrap_or_else(|_| value.to_owned()),
        "owner" => value.to_lowercase(),
        name if name.ends_with("_id") => value.to_lowercase(),
        _ => value.to_owned(),
    }
}

/// An edit laid over what is stored now.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The person's changes over the stored values: what to write, or what
    /// the conflict page's form holds.
    pub form: CaseForm,
    /// Fields both changed, to different values; the form holds the person's.
    pub conflicts: Vec<Field>,
    /// Fields only the other person changed; the form holds their value.
    pub kept: Vec<Field>,
}

/// Lays the person's form (`yours`, drawn as `seen`) over what is stored
/// now (`current`). Without `seen` nothing tells which fields the person
/// touched: every field counts as theirs, and each that differs from what
/// is stored is a conflict.
pub fn merge(yours: &CaseForm, seen: Option<&Seen>, current: &CaseForm) -> Merged {
    let (yours_values, current_values) = (values(yours), values(current));
    let mut out = yours_values.clone();
    let mut changed_by_you: Vec<&str> = Vec::new();
    let mut conflicts = Vec::new();
    let mut kept = Vec::new();
    for field in FIELDS {
        let name = field.name;
        let mine = yours_values.get(name).map_or("", String::as_str);
        let now = current_values.get(name).map_or("", String::as_str);
        let shown = seen.and_then(|s| s.0.get(name)).map(String::as_str);
        let carried = field.parent.is_some_and(|p| changed_by_you.contains(&p));
        let yours_changed = carried || shown.is_none_or(|shown| !same(name, mine, shown));
        let theirs_changed = shown.is_none_or(|shown| !same(name, now, shown));
        if yours_changed {
            changed_by_you.push(name);
            if theirs_changed && !same(name, mine, now) {
                conflicts.push(field);
            }
        } else {
            out.insert(name.to_owned(), now.to_owned());
            if theirs_changed {
                kept.push(field);
            }
        }
    }
    Merged {
        form: from_values(out),
        conflicts,
        kept,
    }
}

#[cfg(test)]
#[path = "stale_tests.rs"]
mod tests;
