//! Entitlements (direitos): how much support a customer is entitled to, and
//! the ledger of every term taken from or given back to it.

pub mod choice;
pub mod handlers;
pub mod model;
pub mod store;
pub mod terms;
pub mod worker;
