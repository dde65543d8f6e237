mod support;

mod database_walls;
mod edges;
mod embedded_cluster;
mod languages;
mod route_inventory;
mod sessions;
mod users_admin;
