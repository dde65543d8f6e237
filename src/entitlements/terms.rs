//! Moving remaining terms with the case events that cause them.
