//! Queues (filas): where cases wait to be picked up, public or private to
//! their members. This module keeps the queues and their members; which
//! cases are in a queue, and every move in or out, is the cases' own
//! (`cases::command`).

pub mod access;
pub mod admin;
pub mod store;

pub use admin::routes;
