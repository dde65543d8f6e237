//! Writes the database refuses because another row already holds a value
//! that must be unique (a name, a code, an e-mail, a document). The user can
//! fix those on the form, so they are told apart from every other failure:
//! the unique index decides, never a racy "check, then write".

/// A write refused because a unique name or code is already taken
/// (indexes named `*_name_key` or `*_code_key`), or failed otherwise.
#[derive(Debug)]
pub enum WriteError {
    NameTaken,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        if violates(&err, |c| {
            c.ends_with("_name_key") || c.ends_with("_code_key")
        }) {
            WriteError::NameTaken
        } else {
            WriteError::Db(err)
        }
    }
}

/// Whether the error is a violation of a constraint the test accepts.
pub fn violates(err: &sqlx::Error, constraint: impl Fn(&str) -> bool) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.constraint().is_some_and(constraint))
}

/// A store's write error that is either a clash with another row or a
/// failure of the database.
pub trait Conflict {
    /// `None` for the clash; the database's error for anything else.
    fn into_failure(self) -> Option<sqlx::Error>;
}

impl Conflict for WriteError {
    fn into_failure(self) -> Option<sqlx::Error> {
        match self {
            WriteError::NameTaken => None,
            WriteError::Db(err) => Some(err),
        }
    }
}
