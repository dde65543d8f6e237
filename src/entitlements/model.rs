//! Entitlements and their templates as values: statuses, allocations, the
//! forms and their validation, and the dates at which time moves a status.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use crate::core::duration::{self, DurationField};
use crate::web::form::{self, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Active,
    Waiting,
    Expired,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Active,
        Status::Waiting,
        Status::Expired,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Waiting => "waiting",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Draft => "entitlement-status-draft",
            Status::Active => "entitlement-status-active",
            Status::Waiting => "entitlement-status-waiting",
            Status::Expired => "entitlement-status-expired",
            Status::Cancelled => "entitlement-status-cancelled",
        }
    }

    /// Whether the entitlement still counts (draft, waiting or active).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Draft | Status::Active | Status::Waiting)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    Cases,
    /// Stored in minutes, shown as h:mm.
    Hours,
}

impl Allocation {
    pub const ALL: [Allocation; 2] = [Allocation::Cases, Allocation::Hours];

    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::Cases => "cases",
            Allocation::Hours => "hours",
        }
    }

    pub fn parse(text: &str) -> Option<Allocation> {
        Allocation::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Allocation::Cases => "entitlement-allocation-cases",
            Allocation::Hours => "entitlement-allocation-hours",
        }
    }

    /// Units as shown and entered: a count of cases, or h:mm.
    pub fn format(self, units: i32) -> String {
        match self {
            Allocation::Cases => units.to_string(),
            Allocation::Hours => duration::clock(i64::from(units)),
        }
    }

    /// Reads units as entered: whole cases, or hours (a number alone, `h:mm`,
    /// "10 h 30 min", "10,5 h") into minutes.
    pub fn parse_units(self, text: &str) -> Result<i32, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Err("error-required");
        }
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 7 && s.chars().all(|c| c.is_ascii_digit());
        match self {
            Allocation::Cases => {
                if !digits(text) {
                    return Err("entitlement-error-units-cases");
                }
                text.parse().map_err(|_| "entitlement-error-units-cases")
            }
            Allocation::Hours => DurationField::ENTITLEMENT_HOURS
                .read(text)
                .and_then(|m| m.ok_or("error-required")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecreaseOn {
    Creation,
    Resolution,
}

impl DecreaseOn {
    pub const ALL: [DecreaseOn; 2] = [DecreaseOn::Creation, DecreaseOn::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            DecreaseOn::Creation => "creation",
            DecreaseOn::Resolution => "resolution",
        }
    }

    pub fn parse(text: &str) -> Option<DecreaseOn> {
        DecreaseOn::ALL.into_iter().find(|d| d.as_str() == text)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            DecreaseOn::Creation => "entitlement-decrease-creation",
            DecreaseOn::Resolution => "entitlement-decrease-resolution",
        }
    }
}

fn optional_id(text: &str) -> Result<Option<Uuid>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(text)
        .map(Some)
        .map_err(|_| "error-choose-option")
}

fn date(text: &str) -> Result<NaiveDate, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Err("error-required");
    }
    form::date(text)
}

fn checked(text: &str) -> bool {
    !text.trim().is_empty()
}

/// The entitlement form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EntitlementForm {
    pub customer_id: String,
    pub template_id: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub allocation: String,
    pub total: String,
    pub decrease_on: String,
    pub restrict_creation: String,
    pub sla_id: String,
    pub is_default: String,
    pub channel_id: Vec<String>,
    pub channel_total: Vec<String>,
    pub product_ids: Vec<String>,
}

impl EntitlementForm {
    pub fn has_product(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.product_ids.contains(&id)
    }

    pub fn restricts(&self) -> bool {
        checked(&self.restrict_creation)
    }

    pub fn defaults(&self) -> bool {
        checked(&self.is_default)
    }

    /// The channel rows to show: those typed, plus two empty ones to add more.
    pub fn channel_rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .channel_id
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.clone(),
                    self.channel_total.get(i).cloned().unwrap_or_default(),
                )
            })
            .filter(|(c, t)| !c.trim().is_empty() || !t.trim().is_empty())
            .collect();
        rows.push((String::new(), String::new()));
        rows.push((String::new(), String::new()));
        rows
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementInput {
    pub customer_id: Option<Uuid>,
    pub template_id: Option<Uuid>,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub allocation: Allocation,
    pub total_units: i32,
    pub decrease_on: DecreaseOn,
    pub restrict_creation: bool,
    pub sla_id: Option<Uuid>,
    pub is_default: bool,
    pub channels: Vec<(Uuid, i32)>,
    pub product_ids: Vec<Uuid>,
}

impl EntitlementInput {
    pub fn parse(form: &EntitlementForm) -> Result<EntitlementInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let customer_id = errors.check("customer_id", optional_id(&form.customer_id));
        let template_id = errors.check("template_id", optional_id(&form.template_id));
        let name = errors.check("name", form::required_line(&form.name, 120));
        let starts_on = errors.check("starts_on", date(&form.starts_on));
        let ends_on = errors.check("ends_on", date(&form.ends_on));
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errors.add("ends_on", "entitlement-error-end-before-start");
        }
        let allocation = errors.check(
            "allocation",
            Allocation::parse(&form.allocation).ok_or("error-choose-option"),
        );
        let total_units = allocation.and_then(|a| {
            errors.check(
                "total",
                a.parse_units(&form.total).and_then(|u| {
                    if u > 0 {
                        Ok(u)
                    } else {
                        Err("entitlement-error-total")
                    }
                }),
            )
        });
        let decrease_on = errors.check(
            "decrease_on",
            DecreaseOn::parse(&form.decrease_on).ok_or("error-choose-option"),
        );
        let sla_id = errors.check("sla_id", optional_id(&form.sla_id));
        let mut channels: Vec<(Uuid, i32)> = Vec::new();
        for (channel, total) in form.channel_rows() {
            if channel.trim().is_empty() && total.trim().is_empty() {
                continue;
            }
            let Some(id) = errors.check("channels", optional_id(&channel)).flatten() else {
                errors.add("channels", "error-choose-option");
                continue;
            };
            let Some(a) = allocation else { continue };
            let Some(units) = errors.check("channels", a.parse_units(&total)) else {
                continue;
            };
            if channels.iter().any(|(c, _)| *c == id) {
                errors.add("channels", "entitlement-error-channel-twice");
                continue;
            }
            channels.push((id, units));
        }
        let mut product_ids = Vec::new();
        for p in &form.product_ids {
            if let Some(Some(id)) = errors.check("product_ids", optional_id(p))
                && !product_ids.contains(&id)
            {
                product_ids.push(id);
            }
        }
        match (
            customer_id,
            template_id,
            name,
            starts_on,
            ends_on,
            allocation,
            total_units,
            decrease_on,
            sla_id,
        ) {
            (
                Some(customer_id),
                Some(template_id),
                Some(name),
                Some(starts_on),
                Some(ends_on),
                Some(allocation),
                Some(total_units),
                Some(decrease_on),
                Some(sla_id),
            ) if errors.is_empty() => Ok(EntitlementInput {
                customer_id,
                template_id,
                name,
                starts_on,
                ends_on,
                allocation,
                total_units,
                decrease_on,
                restrict_creation: form.restricts(),
                sla_id,
                is_default: form.defaults(),
                channels,
                product_ids,
            }),
            _ => Err(errors),
        }
    }
}

/// The template form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub name: String,
    pub allocation: String,
    pub total: String,
    pub decrease_on: String,
    pub restrict_creation: String,
    pub sla_id: String,
    pub duration_days: String,
}

impl TemplateForm {
    pub fn restricts(&self) -> bool {
        checked(&self.restrict_creation)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInput {
    pub name: String,
    pub allocation: Allocation,
    pub total_units: i32,
    pub decrease_on: DecreaseOn,
    pub restrict_creation: bool,
    pub sla_id: Option<Uuid>,
    pub duration_days: i32,
}

impl TemplateInput {
    pub fn parse(form: &TemplateForm) -> Result<TemplateInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", form::required_line(&form.name, 120));
        let allocation = errors.check(
            "allocation",
            Allocation::parse(&form.allocation).ok_or("error-choose-option"),
        );
        let total_units = allocation.and_then(|a| {
            errors.check(
                "total",
                a.parse_units(&form.total).and_then(|u| {
                    if u > 0 {
                        Ok(u)
                    } else {
                        Err("entitlement-error-total")
                    }
                }),
            )
        });
        let decrease_on = errors.check(
            "decrease_on",
            DecreaseOn::parse(&form.decrease_on).ok_or("error-choose-option"),
        );
        let sla_id = errors.check("sla_id", optional_id(&form.sla_id));
        let duration_days = errors.check(
            "duration_days",
            form.duration_days
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (1..=36_600).contains(d))
                .ok_or("entitlement-error-duration"),
        );
        match (
            name,
            allocation,
            total_units,
            decrease_on,
            sla_id,
            duration_days,
        ) {
            (
                Some(name),
                Some(allocation),
                Some(total_units),
                Some(decrease_on),
                Some(sla_id),
                Some(duration_days),
            ) if errors.is_empty() => Ok(TemplateInput {
                name,
                allocation,
                total_units,
                decrease_on,
                restrict_creation: form.restricts(),
                sla_id,
                duration_days,
            }),
            _ => Err(errors),
        }
    }
}

/// The last day of an entitlement that starts on `start` and lasts `days` days.
pub fn end_after(start: NaiveDate, days: i32) -> NaiveDate {
    let days = u64::try_from(days.max(1) - 1).unwrap_or(0);
    start.checked_add_days(Days::new(days)).unwrap_or(start)
}

/// Where activating leads, given today's date in the workspace's time zone.
pub fn activation(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Status {
    if ends_on < today {
        Status::Expired
    } else if starts_on > today {
        Status::Waiting
    } else {
        Status::Active
    }
}

/// The first instant of `day` in `tz` (the first one after a gap at midnight).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => (1..=3)
            .find_map(|h| {
                tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc)),
    }
}

/// When the worker must next look at an entitlement in `status`: the start
/// of the first day for one waiting, the day after the last for one active.
pub fn status_due_at(
    status: Status,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    tz: Tz,
) -> Option<DateTime<Utc>> {
    match status {
        Status::Waiting => Some(start_of_day(starts_on, tz)),
        Status::Active => ends_on
            .checked_add_days(Days::new(1))
            .map(|d| start_of_day(d, tz)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> EntitlementForm {
        EntitlementForm {
            customer_id: Uuid::nil().to_string(),
            name: "Contrato anual".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-12-31".into(),
            allocation: "cases".into(),
            total: "10".into(),
            decrease_on: "creation".into(),
            ..EntitlementForm::default()
        }
    }

    #[test]
    fn statuses_allocations_and_decreases_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert!(s.label_key().starts_with("entitlement-status-"));
        }
        for a in Allocation::ALL {
            assert_eq!(Allocation::parse(a.as_str()), Some(a));
        }
        for x in DecreaseOn::ALL {
            assert_eq!(DecreaseOn::parse(x.as_str()), Some(x));
        }
        assert_eq!(Status::parse("open"), None);
    }

    #[test]
    fn hours_are_entered_as_h_mm_or_whole_hours_and_shown_as_h_mm() {
        let h = Allocation::Hours;
        assert_eq!(h.parse_units("1:30"), Ok(90));
        assert_eq!(h.parse_units("10"), Ok(600));
        assert_eq!(h.parse_units(" 0:05 "), Ok(5));
        assert!(h.parse_units("1:60").is_err());
        assert_eq!(h.parse_units("1.5"), Ok(90));
        assert_eq!(h.parse_units("10 h 30 min"), Ok(630));
        assert!(h.parse_units("1.000").is_err());
        assert!(h.parse_units("-1").is_err());
        assert_eq!(h.format(90), "1:30");
        assert_eq!(h.format(-75), "-1:15");
        assert_eq!(Allocation::Cases.parse_units("12"), Ok(12));
        assert!(Allocation::Cases.parse_units("1:30").is_err());
        assert_eq!(Allocation::Cases.format(-2), "-2");
    }

    #[test]
    fn a_valid_form_parses() {
        let mut f = form();
        f.channel_id = vec![Uuid::nil().to_string(), String::new()];
        f.channel_total = vec!["3".into(), String::new()];
        f.restrict_creation = "1".into();
        let input = EntitlementInput::parse(&f).expect("valid");
        assert_eq!(input.total_units, 10);
        assert_eq!(input.channels, vec![(Uuid::nil(), 3)]);
        assert!(input.restrict_creation);
        assert!(!input.is_default);
    }

    #[test]
    fn the_end_may_not_come_before_the_start() {
        let mut f = form();
        f.ends_on = "2025-12-31".into();
        let errors = EntitlementInput::parse(&f).unwrap_err();
        assert_eq!(
            errors.get("ends_on"),
            Some("entitlement-error-end-before-start")
        );
        f.ends_on = f.starts_on.clone();
        assert!(EntitlementInput::parse(&f).is_ok());
    }

    #[test]
    fn name_total_and_channel_terms_are_checked() {
        let mut f = form();
        f.name = " ".into();
        f.total = "0".into();
        f.channel_id = vec![Uuid::nil().to_string()];
        f.channel_total = vec!["-1".into()];
        let errors = EntitlementInput::parse(&f).unwrap_err();
        assert_eq!(errors.get("name"), Some("error-required"));
        assert_eq!(errors.get("total"), Some("entitlement-error-total"));
        assert!(errors.get("channels").is_some());
        f = form();
        f.name = "x".repeat(121);
        assert_eq!(
            EntitlementInput::parse(&f).unwrap_err().get("name"),
            Some("error-too-long")
        );
        f = form();
        f.channel_id = vec![Uuid::nil().to_string(), Uuid::nil().to_string()];
        f.channel_total = vec!["1".into(), "0".into()];
        assert_eq!(
            EntitlementInput::parse(&f).unwrap_err().get("channels"),
            Some("entitlement-error-channel-twice")
        );
        f = form();
        f.starts_on = "31/01/2026".into();
        assert_eq!(
            EntitlementInput::parse(&f).unwrap_err().get("starts_on"),
            Some("error-date")
        );
    }

    #[test]
    fn templates_are_checked() {
        let f = TemplateForm {
            name: "Ouro".into(),
            allocation: "hours".into(),
            total: "40:00".into(),
            decrease_on: "resolution".into(),
            duration_days: "365".into(),
            ..TemplateForm::default()
        };
        let t = TemplateInput::parse(&f).expect("valid");
        assert_eq!(t.total_units, 2400);
        let bad = TemplateForm {
            duration_days: "0".into(),
            allocation: "weeks".into(),
            ..f
        };
        let errors = TemplateInput::parse(&bad).unwrap_err();
        assert_eq!(
            errors.get("duration_days"),
            Some("entitlement-error-duration")
        );
        assert_eq!(errors.get("allocation"), Some("error-choose-option"));
    }

    #[test]
    fn activation_depends_on_today() {
        let today = d("2026-03-10");
        assert_eq!(
            activation(d("2026-03-11"), d("2026-12-31"), today),
            Status::Waiting
        );
        assert_eq!(
            activation(d("2026-03-10"), d("2026-03-10"), today),
            Status::Active
        );
        assert_eq!(
            activation(d("2026-01-01"), d("2026-03-09"), today),
            Status::Expired
        );
        assert_eq!(end_after(d("2026-01-01"), 365), d("2026-12-31"));
    }

    #[test]
    fn due_instants_are_midnights_in_the_workspace_time_zone() {
        let tz = chrono_tz::America::Sao_Paulo;
        let start = d("2026-05-01");
        let end = d("2026-05-31");
        assert_eq!(
            status_due_at(Status::Waiting, start, end, tz)
                .unwrap()
                .to_rfc3339(),
            "2026-05-01T03:00:00+00:00"
        );
        assert_eq!(
            status_due_at(Status::Active, start, end, tz)
                .unwrap()
                .to_rfc3339(),
            "2026-06-01T03:00:00+00:00"
        );
        assert_eq!(status_due_at(Status::Draft, start, end, tz), None);
        assert_eq!(status_due_at(Status::Expired, start, end, tz), None);
    }
}
