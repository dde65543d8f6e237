//! The leaf types every layer uses: languages and their messages, field
//! problems and the rules of typed text, durations, dates, a case's number,
//! state and timeline kinds, users' roles and the entry of a pick list.
//! Nothing here imports another module of the crate, so any module may
//! import these without making a cycle (a test of the module graph holds it).

pub mod case;
pub mod choice;
pub mod dates;
pub mod duration;
pub mod field_errors;
pub mod lang;
pub mod role;
pub mod text;
