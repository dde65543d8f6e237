//! Cases: their number, states and the rules of every move between them.
//! Pure functions; handlers load, call these, then store.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::model::optional_id;
use crate::core::duration::DurationField;
use crate::web::form::{self, FieldErrors};

pub use crate::core::case::{CaseNumber, State};

/// What a case is at the moment a move is asked for.
#[derive(Debug, Clone)]
pub struct Situation {
    pub state: State,
    pub merged: bool,
    pub has_first_response: bool,
    pub owner: Option<Uuid>,
    /// Numbers of the case's children that are still active.
    pub open_children: Vec<CaseNumber>,
}

/// Why a move is refused, as a message key (with the open children for resolve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotActive,
    NotClosed,
    Merged,
    OpenChildren(Vec<CaseNumber>),
    /// The actor's role does not allow it (a 403, not a message).
    NotAllowed,
    /// Someone saved the case after the form was drawn: nothing is written,
    /// and the form shows both sides.
    Stale,
    /// A queue move on a case that waits in no queue.
    NotQueued,
}

impl Refusal {
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::NotActive => "case-refused-not-active",
            Refusal::NotClosed => "case-refused-not-closed",
            Refusal::Merged => "case-refused-merged",
            Refusal::OpenChildren(_) => "case-refused-open-children",
            Refusal::NotAllowed => "error-forbidden",
            Refusal::Stale => "case-conflict-save-again",
            Refusal::NotQueued => "case-refused-not-queued",
        }
    }
}

pub fn check_active(case: &Situation) -> Result<(), Refusal> {
    if case.state == State::Active {
        Ok(())
    } else {
        Err(Refusal::NotActive)
    }
}

/// Resolving needs an active case without active children.
pub fn check_resolve(case: &Situation) -> Result<(), Refusal> {
    check_active(case)?;
    if case.open_children.is_empty() {
        Ok(())
    } else {
        Err(Refusal::OpenChildren(case.open_children.clone()))
    }
}

pub fn check_cancel(case: &Situation) -> Result<(), Refusal> {
    check_active(case)
}

/// A resolved or cancelled case comes back; a merged one stays merged.
pub fn check_reactivate(case: &Situation) -> Result<(), Refusal> {
    if case.merged {
        return Err(Refusal::Merged);
    }
    if case.state == State::Active {
        Err(Refusal::NotClosed)
    } else {
        Ok(())
    }
}

/// What "Iniciar execução" changes: the first response time when unset, the
/// owner when nobody owns the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    pub set_first_response: bool,
    pub take_ownership: bool,
}

pub fn start_execution(case: &Situation) -> Result<Execution, Refusal> {
    check_active(case)?;
    Ok(Execution {
        set_first_response: !case.has_first_response,
        take_ownership: case.owner.is_none(),
    })
}

/// Merging: 2 to 10 active, unmerged cases of one customer, the primary among them.
pub fn check_merge(cases: &[(Uuid, State, bool, Uuid)], primary: Uuid) -> Result<(), &'static str> {
    if !(2..=10).contains(&cases.len()) {
        return Err("merge-refused-count");
    }
    if !cases.iter().any(|(id, ..)| *id == primary) {
        return Err("merge-refused-primary");
    }
    if cases
        .iter()
        .any(|(_, state, merged, _)| *state != State::Active || *merged)
    {
        return Err("merge-refused-state");
    }
    let customer = cases[0].3;
    if cases.iter().any(|(.., c)| *c != customer) {
        return Err("merge-refused-customer");
    }
    Ok(())
}

// The case form ------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CaseForm {
    pub title: String,
    pub customer_id: String,
    pub contact_id: String,
    pub subject_id: String,
    pub channel_id: String,
    pub direction: String,
    /// Local date and time (yyyy-mm-ddThh:mm) the message reached us.
    pub received_at: String,
    pub product_id: String,
    pub serial_number: String,
    pub lot_number: String,
    pub manufactured_on: String,
    pub expires_on: String,
    pub priority_id: String,
    pub status_reason_id: String,
    pub owner: String,
    pub reason_id: String,
    pub occurrence_id: String,
    pub cause_id: String,
    pub unit_id: String,
    pub location_id: String,
    pub location_note: String,
    pub request_type_id: String,
    pub related_case: String,
    pub parent_case: String,
    pub description: String,
    pub complementary_data: String,
    pub idempotency_key: String,
    /// The version of the case the edit form was drawn from.
    pub version: String,
    /// Set by the side-panel quick create.
    pub quick: String,
    /// The entitlement (direito) the case draws on; "none" when the agent
    /// chose none, empty when the customer's default applies.
    pub entitlement_id: String,
    /// Why a supervisor opens the case without the entitlement that restricts it.
    pub entitlement_reason: String,
    /// What the edit form showed when drawn (see `cases::stale`), so a save
    /// writes only the fields the person changed.
    #[serde(skip_serializing)]
    pub seen: String,
}

/// Who owns a case: a user, a team, or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Nobody,
    User(Uuid),
    Team(Uuid),
}

impl Owner {
    /// "user:<id>", "team:<id>" or empty.
    pub fn parse(text: &str) -> Result<Owner, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Owner::Nobody);
        }
        let (kind, id) = text.split_once(':').ok_or("error-choose-option")?;
        let id = Uuid::parse_str(id).map_err(|_| "error-choose-option")?;
        match kind {
            "user" => Ok(Owner::User(id)),
            "team" => Ok(Owner::Team(id)),
            _ => Err("error-choose-option"),
        }
    }

    pub fn encode(self) -> String {
        match self {
            Owner::Nobody => String::new(),
            Owner::User(id) => format!("user:{id}"),
            Owner::Team(id) => format!("team:{id}"),
        }
    }

    /// The owner as the case row stores it: (`owner_user_id`, `owner_team_id`).
    pub fn columns(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Owner::User(id) => (Some(id), None),
            Owner::Team(id) => (None, Some(id)),
            Owner::Nobody => (None, None),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseInput {
    pub title: String,
    pub customer_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub inbound: bool,
    pub received_at: Option<DateTime<Utc>>,
    pub product_id: Option<Uuid>,
    pub serial_number: String,
    pub lot_number: String,
    pub manufactured_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub priority_id: Option<Uuid>,
    pub status_reason_id: Option<Uuid>,
    pub owner: Owner,
    pub reason_id: Option<Uuid>,
    pub occurrence_id: Option<Uuid>,
    pub cause_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub location_note: String,
    pub request_type_id: Option<Uuid>,
    pub related_case: Option<CaseNumber>,
    pub parent_case: Option<CaseNumber>,
    pub description: String,
    pub complementary_data: String,
    pub idempotency_key: Option<Uuid>,
    pub entitlement_id: Option<Uuid>,
}

impl CaseInput {
    /// Shape of every field. Whether the references exist, are active and fit
    /// together (the customer's role, the product's state, the cascade) is
    /// checked against the database by the store.
    pub fn parse(input: &CaseForm, tz: Tz, now: DateTime<Utc>) -> Result<CaseInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.check("title", form::required_line(&input.title, 300));
        let customer_id = e.check(
            "customer_id",
            optional_id(&input.customer_id).and_then(|c| c.ok_or("error-customer-required")),
        );
        let id = |e: &mut FieldErrors, field: &'static str, text: &str| {
            e.check(field, optional_id(text)).flatten()
        };
        let contact_id = id(&mut e, "contact_id", &input.contact_id);
        let subject_id = id(&mut e, "subject_id", &input.subject_id);
        let channel_id = id(&mut e, "channel_id", &input.channel_id);
        let product_id = id(&mut e, "product_id", &input.product_id);
        let priority_id = id(&mut e, "priority_id", &input.priority_id);
        let status_reason_id = id(&mut e, "status_reason_id", &input.status_reason_id);
        let reason_id = id(&mut e, "reason_id", &input.reason_id);
        let occurrence_id = id(&mut e, "occurrence_id", &input.occurrence_id);
        let cause_id = id(&mut e, "cause_id", &input.cause_id);
        let unit_id = id(&mut e, "unit_id", &input.unit_id);
        let location_id = id(&mut e, "location_id", &input.location_id);
        let request_type_id = id(&mut e, "request_type_id", &input.request_type_id);
        let entitlement_id = if input.entitlement_id == "none" {
            None
        } else {
            id(&mut e, "entitlement_id", &input.entitlement_id)
        };
        let inbound = match input.direction.as_str() {
            "" | "inbound" => true,
            "outbound" => false,
            _ => {
                e.add("direction", "error-choose-option");
                true
            }
        };
        let received_at = e
            .check("received_at", optional_local_time(&input.received_at, tz))
            .flatten()
            .filter(|at| {
                // A message cannot reach us from the future (a minute of clock skew aside).
                let future = *at > now + chrono::Duration::minutes(1);
                if future {
                    e.add("received_at", "error-received-future");
                }
                !future
            });
        let manufactured_on = e
            .check("manufactured_on", optional_date(&input.manufactured_on))
            .flatten();
        let expires_on = e
            .check("expires_on", optional_date(&input.expires_on))
            .flatten();
        if let (Some(made), Some(expires)) = (manufactured_on, expires_on)
            && expires < made
        {
            e.add("expires_on", "error-expiry-before-manufacture");
        }
        if occurrence_id.is_some() && reason_id.is_none() {
            e.add("reason_id", "error-reason-first");
        }
        if cause_id.is_some() && occurrence_id.is_none() {
            e.add("occurrence_id", "error-occurrence-first");
        }
        let owner = e.check("owner", Owner::parse(&input.owner));
        let related_case = e
            .check("related_case", optional_number(&input.related_case))
            .flatten();
        let parent_case = e
            .check("parent_case", optional_number(&input.parent_case))
            .flatten();
        let serial_number = e.check("serial_number", form::line(&input.serial_number, 100));
        let lot_number = e.check("lot_number", form::line(&input.lot_number, 100));
        let location_note = e.check("location_note", form::line(&input.location_note, 500));
        let description = e.check("description", form::multiline(&input.description, 20_000));
        let complementary_data = e.check(
            "complementary_data",
            form::multiline(&input.complementary_data, 5_000),
        );
        let idempotency_key = Uuid::parse_str(input.idempotency_key.trim()).ok();
        if !e.is_empty() {
            return Err(e);
        }
        match (
            title,
            customer_id,
            owner,
            serial_number,
            lot_number,
            location_note,
            description,
            complementary_data,
        ) {
            (
                Some(title),
                Some(customer_id),
                Some(owner),
                Some(serial_number),
                Some(lot_number),
                Some(location_note),
                Some(description),
                Some(complementary_data),
            ) => Ok(CaseInput {
                title,
                customer_id,
                contact_id,
                subject_id,
                channel_id,
                inbound,
                received_at,
                product_id,
                serial_number,
                lot_number,
                manufactured_on,
                expires_on,
                priority_id,
                status_reason_id,
                owner,
                reason_id,
                occurrence_id,
                cause_id,
                unit_id,
                location_id,
                location_note,
                request_type_id,
                entitlement_id,
                related_case,
                parent_case,
                description,
                complementary_data,
                idempotency_key,
            }),
            _ => Err(e),
        }
    }
}

fn optional_number(text: &str) -> Result<Option<CaseNumber>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    CaseNumber::parse(text).map(Some).ok_or("error-case-number")
}

pub fn optional_date(text: &str) -> Result<Option<NaiveDate>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    form::date(text).map(Some)
}

/// A local "yyyy-mm-ddThh:mm" (as a datetime-local input sends it) in the
/// user's time zone. A time skipped by a DST change reads as the next valid one.
pub fn optional_local_time(text: &str, tz: Tz) -> Result<Option<DateTime<Utc>>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let local = form::local_datetime(text)?;
    let resolved = tz
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .ok_or("error-datetime")?;
    Ok(Some(resolved.with_timezone(&Utc)))
}

/// A local date and time for a datetime-local input.
pub fn local_input(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

// Activities ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    PhoneCall,
    Email,
    Task,
    Appointment,
    TechnicianReport,
    ServiceRecord,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::PhoneCall,
        ActivityKind::Email,
        ActivityKind::Task,
        ActivityKind::Appointment,
        ActivityKind::TechnicianReport,
        ActivityKind::ServiceRecord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::PhoneCall => "phone_call",
            ActivityKind::Email => "email",
            ActivityKind::Task => "task",
            ActivityKind::Appointment => "appointment",
            ActivityKind::TechnicianReport => "technician_report",
            ActivityKind::ServiceRecord => "service_record",
        }
    }

    pub fn parse(text: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ActivityKind::PhoneCall => "activity-phone-call",
            ActivityKind::Email => "activity-email",
            ActivityKind::Task => "activity-task",
            ActivityKind::Appointment => "activity-appointment",
            ActivityKind::TechnicianReport => "activity-technician-report",
            ActivityKind::ServiceRecord => "activity-service-record",
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    pub kind: String,
    pub subject: String,
    pub description: String,
    pub direction: String,
    pub person_id: String,
    pub contact_id: String,
    pub reason_id: String,
    pub activity_form_id: String,
    /// yyyy-mm-dd, with start and end times (hh:mm) of that day.
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    /// A duration as typed (see `core::duration`), when not given by start and end.
    pub duration: String,
    pub billable: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub subject: String,
    pub description: String,
    pub inbound: Option<bool>,
    pub person_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub reason_id: Option<Uuid>,
    pub activity_form_id: Option<Uuid>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_minutes: i32,
    pub billable: bool,
}

impl ActivityInput {
    /// The duration comes from start and end when both are given, else from
    /// the minutes typed. A service record (Novo registro de atividades)
    /// needs its date, start and end; every activity needs a description.
    pub fn parse(input: &ActivityForm, tz: Tz) -> Result<ActivityInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = e.check(
            "kind",
            ActivityKind::parse(&input.kind).ok_or("error-choose-option"),
        );
        let subject = e.check("subject", form::line(&input.subject, 300));
        let description = e.check("description", form::multiline(&input.description, 20_000));
        if description.as_deref().is_some_and(str::is_empty) {
            e.add("description", "error-required");
        }
        let inbound = match input.direction.as_str() {
            "inbound" => Some(true),
            "outbound" => Some(false),
            _ => None,
        };
        let id = |e: &mut FieldErrors, field: &'static str, text: &str| {
            e.check(field, optional_id(text)).flatten()
        };
        let person_id = id(&mut e, "person_id", &input.person_id);
        let contact_id = id(&mut e, "contact_id", &input.contact_id);
        let reason_id = id(&mut e, "reason_id", &input.reason_id);
        let activity_form_id = id(&mut e, "activity_form_id", &input.activity_form_id);
        let date = e.check("date", optional_date(&input.date)).flatten();
        let start = e
            .check("start_time", optional_time(&input.start_time))
            .flatten();
        let end = e
            .check("end_time", optional_time(&input.end_time))
            .flatten();
        let (started_at, ended_at) = match (date, start, end) {
            (Some(day), Some(start), Some(end)) => {
                if end <= start {
                    e.add("end_time", "error-end-before-start");
                }
                (local(day, start, tz), local(day, end, tz))
            }
            (Some(day), Some(start), None) => (local(day, start, tz), None),
            (None, Some(_), _) | (None, _, Some(_)) => {
                e.add("date", "error-required");
                (None, None)
            }
            _ => (None, None),
        };
        if kind == Some(ActivityKind::ServiceRecord) {
            for (field, missing) in [
                ("date", date.is_none()),
                ("start_time", start.is_none()),
                ("end_time", end.is_none()),
            ] {
                if missing {
                    e.add(field, "error-required");
                }
            }
            if person_id.is_none() {
                e.add("person_id", "error-required");
            }
        }
        let duration_minutes = match (started_at, ended_at) {
            (Some(s), Some(t)) if t > s => {
                Some(((t - s).num_seconds() as f64 / 60.0).ceil() as i32)
            }
            _ => e.check(
                "duration",
                DurationField::ACTIVITY
                    .read(&input.duration)
                    .map(|m| m.unwrap_or(0)),
            ),
        };
        if !e.is_empty() {
            return Err(e);
        }
        match (kind, subject, description, duration_minutes) {
            (Some(kind), Some(subject), Some(description), Some(duration_minutes)) => {
                Ok(ActivityInput {
                    kind,
                    subject,
                    description,
                    inbound,
                    person_id,
                    contact_id,
                    reason_id,
                    activity_form_id,
                    started_at,
                    ended_at,
                    duration_minutes,
                    billable: !input.billable.is_empty(),
                })
            }
            _ => Err(e),
        }
    }
}

fn optional_time(text: &str) -> Result<Option<NaiveTime>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(text, "%H:%M")
        .map(Some)
        .map_err(|_| "error-time")
}

fn local(day: NaiveDate, time: NaiveTime, tz: Tz) -> Option<DateTime<Utc>> {
    optional_local_time(&day.and_time(time).format("%Y-%m-%dT%H:%M").to_string(), tz)
        .ok()
        .flatten()
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
