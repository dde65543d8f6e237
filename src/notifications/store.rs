use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::notifications::Kind;

/// Notifies each user once; the actor never notifies themselves.
pub async fn notify(
    tx: &mut PgConnection,
    users: &[Uuid],
    case_id: Option<Uuid>,
    kind: Kind,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let recipients: Vec<Uuid> = users.iter().copied().filter(|u| *u != actor).collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = recipients.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query!(
        "insert into notifications (tenant_id, id, user_id, case_id, kind, actor_id, created_at)
         select app_tenant_id(), i, u, $3, $4, $5, $6 from unnest($1::uuid[], $2::uuid[]) as t(i, u)",
        &ids,
        &recipients,
        case_id,
        kind.as_str(),
        actor,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub kind: String,
    pub case_number: Option<i64>,
    pub case_title: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl NotificationRow {
    pub fn label_key(&self) -> &'static str {
        Kind::label_key(&self.kind)
    }

    pub fn case_text(&self) -> String {
        self.case_number
            .map(|n| crate::cases::model::CaseNumber(n).to_string())
            .unwrap_or_default()
    }
}

pub async fn latest(
    tx: &mut PgConnection,
    user: Uuid,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as!(
        NotificationRow,
        r#"select n.id, n.kind, c.number as "case_number?", c.title as "case_title?", u.name as "actor_name?",
                  n.created_at, n.read_at
             from notifications n
             left join cases c on c.tenant_id = n.tenant_id and c.id = n.case_id
             left join users u on u.tenant_id = n.tenant_id and u.id = n.actor_id
            where n.user_id = $1
            order by n.created_at desc
            limit $2"#,
        user,
        limit
    )
    .fetch_all(tx)
    .await
}

pub async fn mark_read(
    tx: &mut PgConnection,
    user: Uuid,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update notifications set read_at = $3 where user_id = $1 and read_at is null and ($2::uuid is null or id = $2)",
        user,
        id,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}
