//! Service-level agreements: business-hours calendars, SLAs with their KPI
//! items, and the KPI instances that time every case.

pub mod admin_store;
pub mod calendar;
pub mod calendar_store;
pub mod case_tab;
pub mod case_timer;
pub mod condition;
pub mod defaults;
pub mod due;
pub mod engine;
pub mod handlers;
pub mod model;
pub mod store;
pub mod sync;
pub mod working_left;
