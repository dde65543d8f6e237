//! Routing rules (regras de roteamento): which queue, team or user a case
//! goes to, decided from its fields by the workspace's active rule set.
//! The decision is this module's; the move itself is a case command.

pub mod admin;
pub mod condition;
pub mod engine;
pub mod model;
pub mod store;

pub use admin::routes;
