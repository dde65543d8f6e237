//! Atende: a multi-tenant, server-rendered service desk.

pub mod app;
pub mod auth;
pub mod cases;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod core;
pub mod customers;
pub mod db;
pub mod entitlements;
pub mod error;
pub mod mail;
pub mod notifications;
pub mod ops;
pub mod pages;
pub mod queues;
pub mod routing;
pub mod seed;
pub mod server;
pub mod sla;
pub mod tenants;
pub mod users;
pub mod web;
pub mod worker;
