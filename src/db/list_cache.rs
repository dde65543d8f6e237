//! The workspace's lists (priorities, statuses, teams, users ...) kept in
//! memory between requests. Which lists there are, and how each is read on
//! a miss, is up to the features that own them (`catalog::cache`).
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

use uuid::Uuid;

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
