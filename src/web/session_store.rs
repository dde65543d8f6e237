//! Sessions kept in PostgreSQL, so any instance behind a balancer serves any
//! request, with this instance's copies in front (see `session_copies`).
//! No published store supports sqlx 0.9; this one is three queries.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::web::session_copies::{REVISION_KEY, SessionCopies};

#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
    copies: Arc<SessionCopies>,
}

impl PgSessionStore {
    pub fn new(pool: PgPool, copies: Arc<SessionCopies>) -> Self {
        Self { pool, copies }
    }

    /// Removes sessions whose absolute expiry has passed; the worker calls it.
    pub async fn delete_expired(pool: &PgPool) -> Result<u64, sqlx::Error> {
        let done = sqlx::query!("delete from sessions where expiry_date < now()")
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_chrono(at: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_default()
}

/// The record's data as stored: without the revision, which is the row's own.
fn stored_data(record: &Record) -> session_store::Result<serde_json::Value> {
    let mut data = record.data.clone();
    data.remove(REVISION_KEY);
    serde_json::to_value(&data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// Keeps a copy of the record as the row now is, revision included.
fn with_revision(record: &Record, revision: i64) -> Record {
    let mut copy = record.clone();
    copy.data.insert(REVISION_KEY.to_owned(), revision.into());
    copy
}

fn to_time(at: DateTime<Utc>) -> session_store::Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.timestamp_micros()) * 1000)
        .map_err(backend)
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let expiry = to_chrono(record.expiry_date);
        let data = stored_data(record)?;
        // A 128-bit random id collides practically never; if it does, draw again
        // rather than overwrite somebody else's session.
        loop {
            let inserted: Option<i64> = sqlx::query_scalar(
                "insert into sessions (id, data, expiry_date) values ($1, $2, $3)
                 on conflict (id) do nothing returning revision",
            )
            .bind(record.id.to_string())
            .bind(&data)
            .bind(expiry)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
            if let Some(revision) = inserted {
                self.copies.keep(with_revision(record, revision));
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let revision: i64 = sqlx::query_scalar(
            "insert into sessions (id, data, expiry_date) values ($1, $2, $3)
             on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date
             returning revision",
        )
        .bind(record.id.to_string())
        .bind(stored_data(record)?)
        .bind(to_chrono(record.expiry_date))
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        self.copies.keep(with_revision(record, revision));
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(copy) = self.copies.get(id) {
            return Ok(Some(copy));
        }
        let read = || {
            sqlx::query_as::<_, (serde_json::Value, DateTime<Utc>, i64)>(
                "select data, expiry_date, revision from sessions where id = $1 and expiry_date > now()",
            )
            .bind(id.to_string())
            .fetch_optional(&self.pool)
        };
        let row = match read().await {
            Err(err) if crate::db::died_with_the_database(&err) => read().await,
            done => done,
        }
        .map_err(backend)?;
        let Some((data, expiry_date, revision)) = row else {
            self.copies.forget(id);
            return Ok(None);
        };
        let data = serde_json::from_value(data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let record = with_revision(
            &Record {
                id: *id,
                data,
                expiry_date: to_time(expiry_date)?,
            },
            revision,
        );
        self.copies.keep(record.clone());
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.copies.forget(id);
        sqlx::query!("delete from sessions where id = $1", id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
