//! The session records this instance served last, kept in memory.
//!
//! Reading the session row was a statement, a connection drawn from the
//! pool and a round trip to hand it back on every page view, about a fifth
//! of a case list's cost. A copy is only a guess, though: another instance
//! may have written the row since. Each copy therefore carries the row's
//! revision (`REVISION_KEY`), and `SignedIn` compares it with the row's
//! current one, read in the statement that loads the user, before the
//! request relies on anything in the session.

use std::collections::HashMap;
use std::sync::Mutex;

use tower_sessions::session::{Id, Record};

/// Where a record carries the revision of the row it was read from. The
/// store adds it on reading and strips it on writing.
pub const REVISION_KEY: &str = "revision";

/// Enough for every session a busy instance serves in a working day; past
/// it the copies start over, and the next page of each reads its row.
const MAX_COPIES: usize = 50_000;

#[derive(Debug, Default)]
pub struct SessionCopies {
    records: Mutex<HashMap<Id, Record>>,
}

impl SessionCopies {
    /// The copy of a session still live by its own expiry; a row another
    /// instance extended is read again rather than taken as expired.
    pub fn get(&self, id: &Id) -> Option<Record> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records
            .get(id)
            .filter(|record| record.expiry_date > time::OffsetDateTime::now_utc())
            .cloned()
    }

    pub fn keep(&self, record: Record) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records.len() >= MAX_COPIES && !records.contains_key(&record.id) {
            records.clear();
        }
        records.insert(record.id, record);
    }

    pub fn forget(&self, id: &Id) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_in: time::Duration) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::new(),
            expiry_date: time::OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[test]
    fn an_expired_copy_is_read_from_the_row_again() {
        let copies = SessionCopies::default();
        let live = record(time::Duration::hours(1));
        let expired = record(time::Duration::seconds(-1));
        copies.keep(live.clone());
        copies.keep(expired.clone());
        assert!(copies.get(&live.id).is_some());
        assert!(copies.get(&expired.id).is_none());
    }

    #[test]
    fn a_forgotten_copy_is_gone() {
        let copies = SessionCopies::default();
        let live = record(time::Duration::hours(1));
        copies.keep(live.clone());
        copies.forget(&live.id);
        assert!(copies.get(&live.id).is_none());
    }

    #[test]
    fn copies_start_over_past_their_limit() {
        let copies = SessionCopies::default();
        let first = record(time::Duration::hours(1));
        copies.keep(first.clone());
        for _ in 1..MAX_COPIES {
            copies.keep(record(time::Duration::hours(1)));
        }
        assert!(copies.get(&first.id).is_some(), "dropped before the limit");
        let last = record(time::Duration::hours(1));
        copies.keep(last.clone());
        assert!(copies.get(&first.id).is_none());
        assert!(copies.get(&last.id).is_some());
    }
}
