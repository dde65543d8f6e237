//! SQL of the business-hours calendars the admin keeps.

use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::db::{WriteError, execute_guarded};
use crate::sla::calendar::Interval;

#[derive(Debug, Clone, FromRow)]
pub struct CalendarRow {
    pub id: Uuid,
    pub name: String,
    pub time_zone: String,
    pub always_open: bool,
    pub week: serde_json::Value,
    pub holidays: serde_json::Value,
    pub active: bool,
}

impl CalendarRow {
    /// Working hours in a week, for the list ("45").
    pub fn hours_per_week(&self) -> String {
        let week: [Vec<Interval>; 7] =
            serde_json::from_value(self.week.clone()).unwrap_or_default();
        let minutes: u32 = week
            .iter()
            .flatten()
            .map(|iv| u32::from(iv.end.saturating_sub(iv.start)))
            .sum();
        if minutes.is_multiple_of(60) {
            (minutes / 60).to_string()
        } else {
            format!("{}:{:02}", minutes / 60, minutes % 60)
        }
    }

    pub fn holiday_count(&self) -> usize {
        self.holidays.as_array().map_or(0, Vec::len)
    }
}

/// What a calendar stores, already checked.
pub struct CalendarData {
    pub name: String,
    pub time_zone: String,
    pub always_open: bool,
    pub week: serde_json::Value,
    pub holidays: serde_json::Value,
}

pub async fn all_calendars(tx: &mut PgConnection) -> Result<Vec<CalendarRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, time_zone, always_open, week, holidays, active
           from calendars order by active desc, lower(name)",
    )
    .fetch_all(tx)
    .await
}

pub async fn find_calendar(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<CalendarRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, time_zone, always_open, week, holidays, active from calendars where id = $1",
    )
    .bind(id)
    .fetch_optional(tx)
    .await
}

/// Names of the active SLAs counting time with the calendar.
pub async fn used_by(tx: &mut PgConnection, id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select name from slas where calendar_id = $1 and active order by lower(name)",
    )
    .bind(id)
    .fetch_all(tx)
    .await
}

pub async fn create_calendar(
    tx: &mut PgConnection,
    data: &CalendarData,
) -> Result<Uuid, WriteError> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into calendars (tenant_id, id, name, time_zone, always_open, week, holidays)
         values (app_tenant_id(), $1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(&data.name)
    .bind(&data.time_zone)
    .bind(data.always_open)
    .bind(&data.week)
    .bind(&data.holidays);
    execute_guarded(tx, insert).await?;
    Ok(id)
}

pub async fn update_calendar(
    tx: &mut PgConnection,
    id: Uuid,
    data: &CalendarData,
) -> Result<(), WriteError> {
    let update = sqlx::query(
        "update calendars set name = $2, time_zone = $3, always_open = $4, week = $5, holidays = $6
          where id = $1",
    )
    .bind(id)
    .bind(&data.name)
    .bind(&data.time_zone)
    .bind(data.always_open)
    .bind(&data.week)
    .bind(&data.holidays);
    execute_guarded(tx, update).await?;
    Ok(())
}

pub async fn set_calendar_active(
    tx: &mut PgConnection,
    id: Uuid,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("update calendars set active = $2 where id = $1")
        .bind(id)
        .bind(active)
        .execute(tx)
        .await?;
    Ok(())
}
