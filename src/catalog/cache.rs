//! The workspace's lists (priorities, statuses, teams, users ...) kept in
//! memory between requests.
//!
//! Nearly every page offers some of these lists and they change a few times
//! a month, so reading them from PostgreSQL on every request was most of the
//! queries a page made. Each workspace has a `catalog_version` that every
//! change to a list bumps in the same transaction (a statement trigger, see
//! migration 0004); the signed-in request reads that number with the user,
//! and a cached list is used only under the number it was read with. Every
//! instance therefore sees a change on its next request, and a list is never
//! older than what the request's own transaction would read.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use sqlx::PgConnection;
use uuid::Uuid;

use crate::catalog::model::{ListKind, SubjectNode};
use crate::catalog::store::{self, Choice};

type Entry = (i64, Arc<dyn Any + Send + Sync>);

/// A workspace, the language its names are read in (catalog entries have a
/// name per language), and the list.
type Key = (Uuid, &'static str, &'static str);

#[derive(Default)]
pub struct ListCache {
    entries: Mutex<HashMap<Key, Entry>>,
}

/// The cache as one request sees it: its workspace and that workspace's
/// list version at the start of the request.
#[derive(Clone)]
pub struct Lists {
    cache: Arc<ListCache>,
    tenant: Uuid,
    lang: &'static str,
    version: i64,
}

impl ListCache {
    /// The lists of `tenant` as a request in language `lang` (a code such as
    /// "gl", the one its transaction set as `app.lang`) reads them.
    pub fn for_request(self: &Arc<Self>, tenant: Uuid, lang: &'static str, version: i64) -> Lists {
        Lists {
            cache: Arc::clone(self),
            tenant,
            lang,
            version,
        }
    }
}

impl Lists {
    /// The list called `name`, from memory when it was read under the same
    /// version, else from `load` (which only runs on a miss).
    pub async fn get<T, E>(
        &self,
        name: &'static str,
        load: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        if let Some(hit) = self.lookup::<T>(name) {
            return Ok(hit);
        }
        let fresh = load.await?;
        let mut entries = self.cache.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (self.tenant, self.lang, name);
        let newer_there = entries
            .get(&key)
            .is_some_and(|(version, _)| *version > self.version);
        if !newer_there {
            entries.insert(key, (self.version, Arc::new(fresh.clone())));
        }
        Ok(fresh)
    }

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

    fn lookup<T: Clone + 'static>(&self, name: &'static str) -> Option<T> {
        let entries = self.cache.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (version, value) = entries.get(&(self.tenant, self.lang, name))?;
        if *version != self.version {
            return None;
        }
        value.downcast_ref::<T>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn load(value: &str, calls: &mut u32) -> Result<Vec<String>, ()> {
        *calls += 1;
        Ok(vec![value.to_owned()])
    }

    #[tokio::test]
    async fn a_list_is_read_once_per_version_and_workspace() {
        let cache = Arc::new(ListCache::default());
        let acme = Uuid::now_v7();
        let globex = Uuid::now_v7();
        let mut calls = 0;
        let first = cache.for_request(acme, "pt-BR", 1);
        assert_eq!(
            first.get("teams", load("a", &mut calls)).await,
            Ok(vec!["a".into()])
        );
        assert_eq!(
            first.get("teams", load("b", &mut calls)).await,
            Ok(vec!["a".into()])
        );
        assert_eq!(calls, 1, "the second read came from memory");

        let other_workspace = cache.for_request(globex, "pt-BR", 1);
        assert_eq!(
            other_workspace.get("teams", load("g", &mut calls)).await,
            Ok(vec!["g".into()])
        );
        let changed = cache.for_request(acme, "pt-BR", 2);
        assert_eq!(
            changed.get("teams", load("c", &mut calls)).await,
            Ok(vec!["c".into()])
        );
        assert_eq!(calls, 3);
    }

    #[tokio::test]
    async fn each_language_has_its_own_copy_of_a_list() {
        let cache = Arc::new(ListCache::default());
        let acme = Uuid::now_v7();
        let mut calls = 0;
        let galician = cache.for_request(acme, "gl", 1);
        galician
            .get("statuses", load("En curso", &mut calls))
            .await
            .unwrap();
        let portuguese = cache.for_request(acme, "pt-BR", 1);
        assert_eq!(
            portuguese
                .get("statuses", load("Em andamento", &mut calls))
                .await,
            Ok(vec!["Em andamento".into()])
        );
        assert_eq!(
            galician.get("statuses", load("x", &mut calls)).await,
            Ok(vec!["En curso".into()])
        );
        assert_eq!(calls, 2);
    }

    #[tokio::test]
    async fn a_request_started_before_a_change_does_not_replace_the_newer_list() {
        let cache = Arc::new(ListCache::default());
        let acme = Uuid::now_v7();
        let mut calls = 0;
        let newer = cache.for_request(acme, "pt-BR", 5);
        newer.get("teams", load("new", &mut calls)).await.unwrap();
        let older = cache.for_request(acme, "pt-BR", 4);
        assert_eq!(
            older.get("teams", load("old", &mut calls)).await,
            Ok(vec!["old".into()])
        );
        assert_eq!(
            newer.get("teams", load("x", &mut calls)).await,
            Ok(vec!["new".into()])
        );
        assert_eq!(calls, 2);
    }
}
