mod support;

mod cases;
mod catalogs;
mod customers;
mod database_walls;
mod e2e;
mod edges;
mod embedded_cluster;
mod languages;
mod route_inventory;
mod sessions;
mod users_admin;
