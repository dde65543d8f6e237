//! Who may see which queue, from the request's cached lists: the queues
//! change when an admin edits them, and every case page and view asks.

use std::sync::Arc;

use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::db::list_cache::Lists;

#[derive(Debug, Clone, FromRow)]
pub struct QueueAccess {
    pub id: Uuid,
    /// In the request's language.
    pub name: String,
    pub is_private: bool,
    pub active: bool,
    /// Its members, and the members of its member teams.
    pub members: Vec<Uuid>,
}

impl QueueAccess {
    pub fn has_member(&self, user: Uuid) -> bool {
        self.members.contains(&user)
    }

    /// A private queue's items are its members' and the supervisors'.
    pub fn visible_to(&self, user: Uuid, supervises: bool) -> bool {
        !self.is_private || supervises || self.has_member(user)
    }
}

/// Every queue of the workspace with the people in it.
#[derive(Debug, Clone, Default)]
pub struct QueueBook {
    pub queues: Arc<Vec<QueueAccess>>,
}

impl QueueBook {
    pub fn get(&self, id: Uuid) -> Option<&QueueAccess> {
        self.queues.iter().find(|q| q.id == id)
    }

    /// The active queues `user` may put cases in and see.
    pub fn open_to(&self, user: Uuid, supervises: bool) -> Vec<QueueAccess> {
        self.queues
            .iter()
            .filter(|q| q.active && q.visible_to(user, supervises))
            .cloned()
            .collect()
    }

    /// The queues whose items `user` may not see, for the case views.
    pub fn hidden_from(&self, user: Uuid, supervises: bool) -> Vec<Uuid> {
        self.queues
            .iter()
            .filter(|q| !q.visible_to(user, supervises))
            .map(|q| q.id)
            .collect()
    }

    /// Whether a case in `queue` is hidden from `user` (a 404 to them).
    pub fn hides(&self, queue: Option<Uuid>, user: Uuid, supervises: bool) -> bool {
        queue
            .and_then(|id| self.get(id))
            .is_some_and(|q| !q.visible_to(user, supervises))
    }
}

async fn load(tx: &mut PgConnection) -> Result<QueueBook, sqlx::Error> {
    let queues: Vec<QueueAccess> = sqlx::query_as(
        "select q.id, catalog_name(q.name, q.names) as name, q.is_private, q.active,
                array(select m.user_id from queue_members m where m.queue_id = q.id and m.user_id is not null
                      union
                      select t.user_id from queue_members m
                        join team_members t on t.tenant_id = m.tenant_id and t.team_id = m.team_id
                       where m.queue_id = q.id) as members
           from queues q order by lower(catalog_name(q.name, q.names))",
    )
    .fetch_all(tx)
    .await?;
    Ok(QueueBook {
        queues: Arc::new(queues),
    })
}

impl Lists {
    pub async fn queues(&self, tx: &mut PgConnection) -> Result<QueueBook, sqlx::Error> {
        self.get("queues", load(tx)).await
    }
}
