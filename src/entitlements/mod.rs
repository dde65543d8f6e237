//! Entitlements (direitos): how much support a customer is entitled to, and
//! the ledger of every term taken from or given back to it.

pub mod terms;
