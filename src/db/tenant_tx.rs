//! The tenant-scoped transaction: the only door to tenant data.
//!
//! It switches to `atende_app` (no BYPASSRLS, owns nothing) and sets
//! `app.tenant_id`, both transaction-local, so row-level security holds even
//! when the pool connects as a superuser, and nothing of one tenant's context
//! survives on a pooled connection after commit or rollback.

use std::ops::{Deref, DerefMut};

use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::Plans;

pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant_id: Uuid,
    plans: Plans,
}

pub async fn begin_tenant_tx(pool: &PgPool, tenant_id: Uuid) -> Result<TenantTx, sqlx::Error> {
    begin_tenant_tx_planned(pool, tenant_id, Plans::Chosen).await
}

/// A tenant transaction whose statements are planned as `plans` says from
/// the first: a request whose route names its plans sets them with BEGIN
/// rather than in a round trip of their own.
pub async fn begin_tenant_tx_planned(
    pool: &PgPool,
    tenant_id: Uuid,
    plans: Plans,
) -> Result<TenantTx, sqlx::Error> {
    // One round trip instead of two: the settings ride with BEGIN. The id is
    // a parsed `Uuid`, so writing it into the text is as safe as binding it.
    // Should the settings fail, the transaction is aborted and every later
    // statement fails with it: it can never run without the tenant's walls.
    let planning = match plans {
        Plans::Chosen => String::new(),
        other => format!(", {}", other.settings()),
    };
    let begin = format!(
        "begin; select set_config('role', 'atende_app', true), set_config('app.tenant_id', '{tenant_id}', true){planning}"
    );
    let tx = begin_detached(pool, Some(begin)).await?;
    Ok(TenantTx {
        tx,
        tenant_id,
        plans,
    })
}

/// Begins on a task of its own. sqlx counts a transaction only once BEGIN
/// has answered, so a request dropped while BEGIN was in flight (the browser
/// went away) handed its connection back to the pool inside that transaction,
/// as `atende_app` of its tenant: the next request to draw it failed, and so
/// did every one after it on that connection. On its own task an abandoned
/// BEGIN runs to the end, and its transaction is then dropped, so rolled
/// back, like any other.
///
/// A BEGIN that fails on a connection the database dropped (it restarted
/// while the connection sat in the pool) runs once more, on a fresh one.
pub async fn begin_detached(
    pool: &PgPool,
    statement: Option<String>,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let pool = pool.clone();
    tokio::spawn(async move {
        let begin = || async {
            match &statement {
                Some(statement) => {
                    pool.begin_with(sqlx::AssertSqlSafe(statement.clone()))
                        .await
                }
                None => pool.begin().await,
            }
        };
        match begin().await {
            Err(err) if super::died_with_the_database(&err) => begin().await,
            done => done,
        }
    })
    .await
    .map_err(|_| sqlx::Error::WorkerCrashed)?
}

impl TenantTx {
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    pub fn plans(&self) -> Plans {
        self.plans
    }

    /// Plans the rest of the transaction's statements as `plans` says; no
    /// round trip when they already are.
    pub async fn use_plans(&mut self, plans: Plans) -> Result<(), sqlx::Error> {
        if plans != self.plans {
            set_plans(&mut self.tx, plans).await?;
            self.plans = plans;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Ends a transaction that only read. Dropping it queues its rollback,
    /// which goes out with the check the pool runs on every connection it
    /// takes back: one round trip, where a commit and that check took two.
    /// For a transaction that read, rollback and commit end it alike.
    pub fn finish_reading(self) {
        drop(self.tx);
    }

    /// Drops to `atende_app` for the rest of a provisioning transaction.
    pub async fn enter_tenant_role(&mut self) -> Result<(), sqlx::Error> {
        sqlx::query("select set_config('role', 'atende_app', true)")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Deref for TenantTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

/// A transaction that creates a tenant, on the cross-tenant path: it starts
/// with the owner's role, which alone may insert the tenant row, and names
/// the tenant so the policies' checks pass even for an owner without
/// BYPASSRLS. Call `TenantTx::enter_tenant_role` right after that insert, so
/// everything else runs under row-level security like any request.
pub async fn begin_provisioning_tx(
    pool: &PgPool,
    tenant_id: Uuid,
) -> Result<TenantTx, sqlx::Error> {
    let mut tx = begin_detached(pool, None).await?;
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(TenantTx {
        tx,
        tenant_id,
        plans: Plans::Chosen,
    })
}

/// Sets how the rest of a transaction's statements are planned (see `Plans`).
async fn set_plans(conn: &mut PgConnection, plans: Plans) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!("select {}", plans.settings())))
        .execute(conn)
        .await?;
    Ok(())
}
