//! Business-hours calendars: time zone, working intervals per weekday and
//! holidays, typed as text and read back with a message per wrong line.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::admin::{self, Switch, Switched};
use crate::auth::signed_in::{Admin, SignedIn};
use crate::error::{Result, not_found};
use crate::sla::calendar::{Calendar, CalendarError, Holiday, Interval, MINUTES_PER_DAY};
use crate::sla::calendar_store::{self as store, CalendarData, CalendarRow};
use crate::users::model::Role;
use crate::web::form::{self, Arg, FieldError, FieldErrors, Form, parse_id};
use crate::web::page::PageCtx;
use crate::web::routes::{Access, ObjectKind, Route};

pub fn routes() -> Vec<Route> {
    let admin = Access::Role(Role::Admin);
    let one = Access::TenantObject(Role::Admin, ObjectKind::Row("calendars"));
    vec![
        Route::get("/admin/calendars", admin, list_calendars),
        Route::post("/admin/calendars", admin, create_calendar),
        Route::get("/admin/calendars/{id}", one, show_calendar),
        Route::post("/admin/calendars/{id}", one, save_calendar),
        Route::post(
            "/admin/calendars/{id}/deactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Calendars, s, id, false),
        ),
        Route::post(
            "/admin/calendars/{id}/reactivate",
            one,
            |s: SignedIn<Admin>, Path(id): Path<String>| admin::set_active(Calendars, s, id, true),
        ),
    ]
}

/// The zones offered; a stored zone outside the list is offered as well.
pub const TIME_ZONES: [&str; 11] = [
    "America/Sao_Paulo",
    "America/Manaus",
    "America/Fortaleza",
    "America/Recife",
    "America/Belem",
    "America/Cuiaba",
    "America/Rio_Branco",
    "America/Noronha",
    "Europe/Madrid",
    "Atlantic/Canary",
    "UTC",
];

/// Form field and label of each weekday, Monday first like `Calendar::week`.
const DAYS: [(&str, &str); 7] = [
    ("mon", "calendar-monday"),
    ("tue", "calendar-tuesday"),
    ("wed", "calendar-wednesday"),
    ("thu", "calendar-thursday"),
    ("fri", "calendar-friday"),
    ("sat", "calendar-saturday"),
    ("sun", "calendar-sunday"),
];

const OFFICE_DAY: &str = "08:00-12:00, 13:00-18:00";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarForm {
    name: String,
    time_zone: String,
    always_open: String,
    mon: String,
    tue: String,
    wed: String,
    thu: String,
    fri: String,
    sat: String,
    sun: String,
    holidays: String,
}

impl CalendarForm {
    fn days(&self) -> [&str; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }
}

/// One weekday's text field as shown.
pub struct DayInput {
    pub name: &'static str,
    pub label_key: &'static str,
    pub value: String,
}

/// What the form shows: the stored calendar or what the user typed.
pub struct CalendarInput {
    pub name: String,
    pub time_zone: String,
    pub always_open: bool,
    pub days: Vec<DayInput>,
    pub holidays: String,
}

impl CalendarInput {
    fn from_form(form: &CalendarForm) -> CalendarInput {
        CalendarInput {
            name: form.name.clone(),
            time_zone: form.time_zone.clone(),
            always_open: !form.always_open.is_empty(),
            days: DAYS
                .iter()
                .zip(form.days())
                .map(|(&(name, label_key), value)| DayInput {
                    name,
                    label_key,
                    value: value.to_owned(),
                })
                .collect(),
            holidays: form.holidays.clone(),
        }
    }

    fn blank(time_zone: String) -> CalendarInput {
        CalendarInput {
            name: String::new(),
            time_zone,
            always_open: false,
            days: DAYS
                .iter()
                .enumerate()
                .map(|(i, &(name, label_key))| DayInput {
                    name,
                    label_key,
                    value: if i < 5 {
                        OFFICE_DAY.to_owned()
                    } else {
                        String::new()
                    },
                })
                .collect(),
            holidays: String::new(),
        }
    }

    fn from_row(row: &CalendarRow) -> CalendarInput {
        let week: [Vec<Interval>; 7] = serde_json::from_value(row.week.clone()).unwrap_or_default();
        CalendarInput {
            name: row.name.clone(),
            time_zone: row.time_zone.clone(),
            always_open: row.always_open,
            days: DAYS
                .iter()
                .zip(week.iter())
                .map(|(&(name, label_key), intervals)| DayInput {
                    name,
                    label_key,
                    value: format_day(intervals),
                })
                .collect(),
            holidays: format_holidays(&row.holidays),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/calendars.html")]
pub struct CalendarsPage {
    ctx: PageCtx,
    calendars: Vec<CalendarRow>,
    input: CalendarInput,
    zones: Vec<String>,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/calendar.html")]
pub struct CalendarPage {
    ctx: PageCtx,
    id: Uuid,
    name: String,
    active: bool,
    /// Active SLAs counting time with this calendar.
    used_by: Vec<String>,
    input: CalendarInput,
    zones: Vec<String>,
    errors: FieldErrors,
}

/// A problem of one line or interval, named by its place and its text.
fn placed(key: &'static str, place: (&'static str, usize), text: &str) -> FieldError {
    FieldError {
        key,
        args: vec![(place.0, Arg::text(place.1)), ("text", Arg::text(text))],
    }
}

/// `8`, `08:00`, `8:30` or `24:00`, as minutes since midnight.
fn parse_time(text: &str) -> Option<u16> {
    let text = text.trim();
    let (hours, minutes) = match text.split_once([':', 'h', 'H']) {
        Some((h, m)) => (h.trim(), if m.trim().is_empty() { "0" } else { m.trim() }),
        None => (text, "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(hours) || !digits(minutes) {
        return None;
    }
    let (h, m): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = h * 60 + m;
    (m < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn format_day(intervals: &[Interval]) -> String {
    intervals
        .iter()
        .map(|iv| format!("{}-{}", format_time(iv.start), format_time(iv.end)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `08:00-12:00, 13:00-18:00`: intervals separated by commas or semicolons.
fn parse_day(text: &str) -> std::result::Result<Vec<Interval>, FieldError> {
    let mut intervals = Vec::new();
    for (index, part) in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let problem = |key| placed(key, ("index", index + 1), part);
        let Some((start, end)) = part.split_once(['-', '–', '—']) else {
            return Err(problem("calendar-error-interval"));
        };
        let (Some(start), Some(end)) = (parse_time(start), parse_time(end)) else {
            return Err(problem("calendar-error-interval-time"));
        };
        if start >= end {
            return Err(problem("calendar-error-interval-order"));
        }
        intervals.push(Interval { start, end });
    }
    Ok(intervals)
}

/// One holiday per line: `2026-12-25 Natal` (that day) or `12-25 Natal` (every year).
fn parse_holidays(text: &str) -> std::result::Result<Vec<(Holiday, String, usize)>, FieldError> {
    let mut holidays = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let number = number + 1;
        let problem = |key| placed(key, ("line", number), line);
        let (date, name) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(d, n)| (d, n.trim()));
        let parts: Vec<&str> = date.split('-').collect();
        let numeric = parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        let holiday = match parts.as_slice() {
            [y, m, d] if numeric && y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
                let (y, m, d) = (y.parse(), m.parse(), d.parse());
                match (y, m, d) {
                    (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d)
                        .map(Holiday::Once)
                        .ok_or_else(|| problem("calendar-error-holiday-date"))?,
                    _ => return Err(problem("calendar-error-holiday")),
                }
            }
            [m, d] if numeric && m.len() <= 2 && d.len() <= 2 => {
                let (Ok(month), Ok(day)) = (m.parse::<u32>(), d.parse::<u32>()) else {
                    return Err(problem("calendar-error-holiday"));
                };
                if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                    return Err(problem("calendar-error-holiday-date"));
                }
                Holiday::Yearly { month, day }
            }
            _ => return Err(problem("calendar-error-holiday")),
        };
        let name = form::line(name, 120).map_err(|_| problem("calendar-error-holiday-name"))?;
        holidays.push((holiday, name, number));
    }
    Ok(holidays)
}

fn format_holidays(stored: &serde_json::Value) -> String {
    let Some(all) = stored.as_array() else {
        return String::new();
    };
    all.iter()
        .filter_map(|h| {
            let day = h.get("day").cloned().unwrap_or_else(|| h.clone());
            let name = h.get("name").and_then(|n| n.as_str()).unwrap_or_default();
            let date = match serde_json::from_value::<Holiday>(day).ok()? {
                Holiday::Once(date) => date.format("%Y-%m-%d").to_string(),
                Holiday::Yearly { month, day } => format!("{month:02}-{day:02}"),
            };
            Some(format!("{date} {name}").trim_end().to_owned())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the form; every field with a problem gets its message.
fn read_form(input: &CalendarForm) -> std::result::Result<CalendarData, FieldErrors> {
    let mut problems = FieldErrors::default();
    let name = problems.check("name", form::required_line(&input.name, 120));
    let time_zone = input.time_zone.trim();
    let tz = time_zone
        .parse::<chrono_tz::Tz>()
        .map_err(|_| problems.add("time_zone", "calendar-error-time-zone"))
        .ok();
    let mut week: [Vec<Interval>; 7] = Default::default();
    for (day, (text, &(field, _))) in input.days().into_iter().zip(DAYS.iter()).enumerate() {
        match parse_day(text) {
            Ok(intervals) => week[day] = intervals,
            Err(error) => problems.add_with(field, error.key, error.args),
        }
    }
    let holidays = parse_holidays(&input.holidays)
        .map_err(|error| problems.add_with("holidays", error.key, error.args))
        .unwrap_or_default();
    let always_open = !input.always_open.is_empty();
    if let (Some(tz), true) = (tz, problems.is_empty()) {
        let calendar = Calendar {
            time_zone: tz,
            always_open,
            week: week.clone(),
            holidays: holidays.iter().map(|(h, _, _)| *h).collect(),
        };
        match calendar.validate() {
            Ok(()) => {}
            Err(CalendarError::NoWorkingTime) => {
                problems.add("week", "calendar-error-no-working-time");
            }
            Err(CalendarError::OverlappingIntervals { weekday }) => {
                problems.add(DAYS[weekday].0, "calendar-error-overlap");
            }
            Err(CalendarError::BadInterval { weekday, index }) => {
                let error = placed(
                    "calendar-error-interval-order",
                    ("index", index + 1),
                    &format_day(&week[weekday][index..=index]),
                );
                problems.add_with(DAYS[weekday].0, error.key, error.args);
            }
            Err(CalendarError::BadHoliday { index }) => {
                let line = holidays.get(index).map_or(index + 1, |(_, _, n)| *n);
                let error = placed("calendar-error-holiday-date", ("line", line), "");
                problems.add_with("holidays", error.key, error.args);
            }
            Err(_) => problems.add("week", "calendar-error-no-working-time"),
        }
    }
    match name {
        Some(name) if problems.is_empty() => Ok(CalendarData {
            name,
            time_zone: time_zone.to_owned(),
            always_open,
            week: json!(week),
            holidays: holidays
                .into_iter()
                .map(|(day, name, _)| json!({ "name": name, "day": day }))
                .collect(),
        }),
        _ => Err(problems),
    }
}

fn zones_with(current: &str) -> Vec<String> {
    let mut zones: Vec<String> = TIME_ZONES.iter().map(|z| (*z).to_owned()).collect();
    if !current.is_empty()
        && current.parse::<chrono_tz::Tz>().is_ok()
        && !zones.iter().any(|z| z == current)
    {
        zones.push(current.to_owned());
    }
    zones
}

async fn list_page(
    s: &mut SignedIn<Admin>,
    input: Option<CalendarInput>,
    errors: FieldErrors,
) -> Result<CalendarsPage> {
    let calendars = store::all_calendars(&mut s.tx).await?;
    let input = match input {
        Some(input) => input,
        None => {
            // The workspace's zone, as the signed-in reader carries it.
            CalendarInput::blank(s.page.tz.name().to_owned())
        }
    };
    Ok(CalendarsPage {
        ctx: s.page.clone(),
        calendars,
        zones: zones_with(&input.time_zone),
        input,
        errors,
    })
}

async fn list_calendars(mut s: SignedIn<Admin>) -> Result<CalendarsPage> {
    let page = list_page(&mut s, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn create_calendar(
    mut s: SignedIn<Admin>,
    Form(input): Form<CalendarForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    if let Ok(data) = read_form(&input).map_err(|e| errors = e) {
        let written = store::create_calendar(&mut s.tx, &data).await;
        if let Some(id) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/calendars/{id}");
            return admin::saved(s, "catalog-item-created", &data.name, &to).await;
        }
    }
    let page = list_page(&mut s, Some(CalendarInput::from_form(&input)), errors).await?;
    admin::unprocessable(page)
}

async fn calendar_page(
    s: &mut SignedIn<Admin>,
    id: Uuid,
    input: Option<CalendarInput>,
    errors: FieldErrors,
) -> Result<CalendarPage> {
    let row = store::find_calendar(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let used_by = store::used_by(&mut s.tx, id).await?;
    let input = input.unwrap_or_else(|| CalendarInput::from_row(&row));
    Ok(CalendarPage {
        ctx: s.page.clone(),
        id,
        name: row.name,
        active: row.active,
        used_by,
        zones: zones_with(&input.time_zone),
        input,
        errors,
    })
}

async fn show_calendar(mut s: SignedIn<Admin>, Path(id): Path<String>) -> Result<CalendarPage> {
    let page = calendar_page(&mut s, parse_id(&id)?, None, FieldErrors::default()).await?;
    s.tx.commit().await?;
    Ok(page)
}

async fn save_calendar(
    mut s: SignedIn<Admin>,
    Path(id): Path<String>,
    Form(input): Form<CalendarForm>,
) -> Result<Response> {
    let id = parse_id(&id)?;
    store::find_calendar(&mut s.tx, id)
        .await?
        .ok_or_else(not_found)?;
    let mut errors = FieldErrors::default();
    if let Ok(data) = read_form(&input).map_err(|e| errors = e) {
        let written = store::update_calendar(&mut s.tx, id, &data).await;
        if let Some(()) = admin::unless_taken(written, &mut errors, "name", "error-name-taken")? {
            let to = format!("/admin/calendars/{id}");
            return admin::saved(s, "catalog-item-saved", &data.name, &to).await;
        }
    }
    let page = calendar_page(&mut s, id, Some(CalendarInput::from_form(&input)), errors).await?;
    admin::unprocessable(page)
}

struct Calendars;

/// A calendar some active SLA counts time with stays active.
impl Switch for Calendars {
    async fn switch(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
        active: bool,
    ) -> sqlx::Result<Switched> {
        let Some(row) = store::find_calendar(tx, id).await? else {
            return Ok(Switched::Missing);
        };
        let users = store::used_by(tx, id).await?;
        if !active && !users.is_empty() {
            return Ok(Switched::Refused(FieldError {
                key: "calendar-error-in-use",
                args: vec![
                    ("name", Arg::Text(row.name)),
                    ("slas", Arg::Text(users.join(", "))),
                ],
            }));
        }
        store::set_calendar_active(tx, id, active).await?;
        Ok(Switched::Done(row.name))
    }

    fn back(&self, id: Uuid) -> String {
        format!("/admin/calendars/{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_with_24_00_as_the_end_of_the_day() {
        let day = parse_day("08:00-12:00, 13:00 - 24:00;")
            .ok()
            .unwrap_or_default();
        assert_eq!(
            day,
            vec![
                Interval {
                    start: 480,
                    end: 720
                },
                Interval {
                    start: 780,
                    end: 1440
                }
            ]
        );
        assert_eq!(format_day(&day), "08:00-12:00, 13:00-24:00");
        assert!(parse_day("08:00-25:00").is_err());
        assert!(parse_day("12:00-08:00").is_err());
        assert!(parse_day("8 to 12").is_err());
    }

    #[test]
    fn holidays_are_once_or_yearly_and_wrong_lines_are_named() {
        let holidays = parse_holidays("2026-12-24 Véspera\n\n12-25 Natal")
            .ok()
            .unwrap_or_default();
        assert_eq!(holidays.len(), 2);
        assert_eq!(holidays[1].0, Holiday::Yearly { month: 12, day: 25 });
        assert_eq!(holidays[1].2, 3);
        let wrong = parse_holidays("12-25 Natal\n02-30 Nada")
            .err()
            .map(|e| e.args);
        assert_eq!(
            wrong,
            Some(vec![
                ("line", Arg::text(2)),
                ("text", Arg::text("02-30 Nada"))
            ])
        );
    }
}
