//! The catalog's lists as the request cache (`db::list_cache`) holds them:
//! each list's name there, and the read that fills it on a miss.

use std::sync::Arc;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::catalog::model::{ListKind, SubjectNode};
use crate::catalog::store::{self, Choice};
pub use crate::db::list_cache::Lists;

impl Lists {
    /// Active entries of a simple list (channels, priorities ...).
    pub async fn choices(
        &self,
        tx: &mut PgConnection,
        kind: ListKind,
    ) -> Result<Vec<Choice>, sqlx::Error> {
        self.get(kind.table(), store::choices(tx, kind)).await
    }

    /// Active status reasons of a case state ("active", "resolved" or
    /// "cancelled").
    pub async fn statuses(
        &self,
        tx: &mut PgConnection,
        state: &'static str,
    ) -> Result<Vec<Choice>, sqlx::Error> {
        let name = match state {
            "active" => "status_reasons:active",
            "resolved" => "status_reasons:resolved",
            "cancelled" => "status_reasons:cancelled",
            _ => return store::status_choices(tx, state).await,
        };
        self.get(name, store::status_choices(tx, state)).await
    }

    /// The whole subject tree, inactive nodes included.
    pub async fn subjects(&self, tx: &mut PgConnection) -> Result<Vec<SubjectNode>, sqlx::Error> {
        self.get("subjects", store::subjects(tx)).await
    }

    pub async fn teams(&self, tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
        self.get("teams:active", store::active_teams(tx)).await
    }

    pub async fn reasons(&self, tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
        self.get("reasons:active", store::choices_of_reasons(tx))
            .await
    }

    pub async fn case_products(&self, tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
        self.get("products:for_cases", store::case_products(tx))
            .await
    }

    /// The priority a case gets when none is chosen.
    pub async fn default_priority(&self, tx: &mut PgConnection) -> Result<Uuid, sqlx::Error> {
        self.get("priorities:default", store::default_priority(tx))
            .await
    }

    /// The status reason with a fixed meaning (`cases::model::status`).
    pub async fn system_status(
        &self,
        tx: &mut PgConnection,
        key: &str,
    ) -> Result<Uuid, sqlx::Error> {
        self.get("status_reasons:system", store::system_statuses(tx))
            .await?
            .get(key)
            .copied()
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Active users, for owner and assignment lists.
    pub async fn users(&self, tx: &mut PgConnection) -> Result<Vec<Choice>, sqlx::Error> {
        self.get("users:active", crate::users::store::active_choices(tx))
            .await
    }

    /// The names a case shows for the ids it holds (`catalog::names`).
    pub async fn case_names(
        &self,
        tx: &mut PgConnection,
    ) -> Result<Arc<crate::catalog::names::CaseNames>, sqlx::Error> {
        self.get("case_names", async {
            crate::catalog::names::load(tx).await.map(Arc::new)
        })
        .await
    }
}
