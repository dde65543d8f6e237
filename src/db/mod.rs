//! The database: pool, migrations, the embedded cluster, the one way
//! handlers reach tenant data (`TenantTx`), the worker's way in (claiming
//! due rows across tenants, then entering one) and the request's list cache.

pub mod claim;
mod conflict;
pub mod embedded;
pub mod list_cache;
mod tenant_tx;

use std::str::FromStr;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use conflict::{Conflict, WriteError, violates};
pub use embedded::{EmbeddedCluster, EmbeddedError};
pub use tenant_tx::{
    TenantTx, begin_detached, begin_provisioning_tx, begin_tenant_tx, begin_tenant_tx_planned,
};

use crate::config::Config;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where the service's database lives: the server at `DATABASE_URL`, or the
/// embedded cluster (which the caller must stop on shutdown).
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedCluster>,
}

impl Database {
    pub async fn open(config: &Config) -> Result<Self, EmbeddedError> {
        let (options, embedded) = match &config.database_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret())
                    .context("DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let cluster = EmbeddedCluster::start(&config.data_dir).await?;
                (cluster.connect_options(), Some(cluster))
            }
        };
        // No JIT: a generic plan reads `limit $1` as ten thousand rows, and
        // above that estimate PostgreSQL compiled the customer list for 43 ms
        // on every execution to show 26 rows read in 2 ms.
        let options = options.application_name("atende").options([("jit", "off")]);
        let pool = pool_options(config).connect_lazy_with(options);
        Ok(Self { pool, embedded })
    }

    /// Stops the embedded cluster, if this process runs one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.embedded
            && let Err(err) = cluster.stop().await
        {
            tracing::error!(error = %err, "stopping the embedded PostgreSQL failed");
        }
    }
}

/// A pool that fails fast: a request waits at most `acquire_timeout` for a
/// connection, then the caller answers 503; the pool reconnects by itself
/// once the database is back.
pub fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.db_pool_size)
        .min_connections(0)
        .acquire_timeout(config.acquire_timeout())
        // A connection that sat idle is pinged before reuse, so one that died
        // with a database restart is replaced instead of failing a request.
        // Busy connections skip the ping (a round trip per request); sqlx
        // already pings every connection when it comes back to the pool.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > std::time::Duration::from_millis(250) {
                    use sqlx::Connection;
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("running migrations")
}

/// Whether an error means the database is unreachable or saturated, as opposed
/// to a query that went wrong.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    ) || matches!(err, sqlx::Error::Database(db) if db.code().is_some_and(|c| {
        // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
        matches!(c.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
    }))
}

/// Whether a statement failed because its pooled connection had died with a
/// database restart. Connections used within the last moments skip the ping
/// (see `pool_options`), so the first statement of a request can meet one;
/// the pool drops it, and a read or a BEGIN can simply run again.
pub fn died_with_the_database(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Io(_))
}

/// How PostgreSQL plans a transaction's prepared statements. The settings
/// are transaction-local: they end with the transaction, and a connection
/// goes back to the pool planning as PostgreSQL chooses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Plans {
    /// PostgreSQL's own choice between custom and generic plans.
    #[default]
    Chosen,
    /// Generic plans. PostgreSQL plans a prepared statement anew for its
    /// bound values until it trusts a generic plan, which for statements
    /// full of `$n is null or ...` it never does; where every plan is the
    /// same index probes whatever the values, that planning is most of the
    /// statement's cost.
    Generic,
    /// Generic plans with bitmap scans off, for searches that read a page
    /// from an index range in the index's own order. A generic plan cannot
    /// see how many names a typed prefix starts, guesses a handful, and then
    /// weighs reading them all through a bitmap and sorting them the same as
    /// reading them in order up to the page: for "Mari" (4,030 names in a
    /// workspace of 100,000) the bitmap took 12 ms where the ordered read
    /// took 0.6, and for a word found in no name, 92 ms against 6.
    Search,
}

impl Plans {
    /// The settings as `set_config` calls, to follow a `select`.
    fn settings(self) -> &'static str {
        match self {
            Plans::Chosen => {
                "set_config('plan_cache_mode', 'auto', true), set_config('enable_bitmapscan', 'on', true)"
            }
            Plans::Generic => {
                "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_bitmapscan', 'on', true)"
            }
            Plans::Search => {
                "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_bitmapscan', 'off', true)"
            }
        }
    }
}

/// Runs a statement that may violate a constraint inside a savepoint, so a
/// violation leaves the surrounding transaction usable: the handler can still
/// read what it needs to show the form again with the error.
pub async fn execute_guarded<'q>(
    conn: &mut sqlx::PgConnection,
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> Result<sqlx::postgres::PgQueryResult, sqlx::Error> {
    use sqlx::Connection;
    let mut savepoint = conn.begin().await?;
    match query.execute(&mut *savepoint).await {
        Ok(done) => {
            savepoint.commit().await?;
            Ok(done)
        }
        Err(err) => {
            savepoint.rollback().await?;
            Err(err)
        }
    }
}
