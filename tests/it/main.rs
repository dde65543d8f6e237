mod support;

mod case_views;
mod cases;
mod catalogs;
mod customers;
mod database_walls;
mod e2e;
mod edges;
mod embedded_cluster;
mod entitlements_admin;
mod languages;
mod route_inventory;
mod sessions;
mod sla_admin;
mod sla_cases;
mod sla_engine;
mod users_admin;
