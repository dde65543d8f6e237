use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::core::lang::Lang;
use crate::notifications::Kind;
use crate::sla::due::SlaNotice;
use crate::sla::model::Kpi;

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

/// The SLA's notices of one worker batch. A notice about a case that
/// reaches a person within a minute of an unread SLA notification about it
/// is added to that one instead (its kind becomes the failure's if any step
/// failed). Two workers committing at the same instant may each write their
/// own.
pub async fn add_sla_notices(
    tx: &mut PgConnection,
    notices: &[SlaNotice],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if notices.is_empty() {
        return Ok(());
    }
    // Each person's last minute is read from their own range of
    // notifications_unread_idx: the fence (`offset 0`) keeps PostgreSQL
    // from walking every unread notification of the workspace instead,
    // which grows with what nobody has read.
    sqlx::query(
        "with wanted as (
             select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[])
                 as u(id, user_id, case_id, kind, steps)),
         recent as (
             select r.id, r.user_id, r.case_id
               from (select distinct user_id from wanted) p
               cross join lateral (
                   select n.id, n.user_id, n.case_id from notifications n
                    where n.user_id = p.user_id and n.read_at is null and n.created_at > $6 - interval '1 minute'
                      and n.kind in ('sla_warning', 'sla_failure')
                   offset 0) r),
         grouped as (
             update notifications n
                set sla_steps = n.sla_steps || w.steps,
                    kind = case when 'sla_failure' in (n.kind, w.kind) then 'sla_failure' else n.kind end
               from recent r join wanted w on w.user_id = r.user_id and w.case_id = r.case_id
              where n.id = r.id
             returning w.id)
         insert into notifications (tenant_id, id, user_id, case_id, kind, created_at, sla_steps)
         select app_tenant_id(), w.id, w.user_id, w.case_id, w.kind, $6, w.steps
           from wanted w where w.id not in (select id from grouped)",
    )
    .bind(notices.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.user).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.case_id).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.kind).collect::<Vec<_>>())
    .bind(notices.iter().map(|n| n.steps.clone()).collect::<Vec<_>>())
    .bind(now)
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
    /// What an SLA notification tells: `[{"kpi": .., "event": ..}]`.
    pub sla_steps: serde_json::Value,
}

/// One KPI an SLA notification names, and whether it breached (else it
/// neared its deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaKpi {
    pub kpi: Kpi,
    pub failed: bool,
}

impl NotificationRow {
    pub fn label_key(&self) -> &'static str {
        Kind::label_key(&self.kind)
    }

    pub fn case_text(&self) -> String {
        self.case_number
            .map(|n| crate::core::case::CaseNumber(n).to_string())
            .unwrap_or_default()
    }

    /// Each KPI named once, in the order of its first step, with the last
    /// thing that happened to it.
    pub fn sla_kpis(&self) -> Vec<SlaKpi> {
        let mut kpis: Vec<SlaKpi> = Vec::new();
        for step in self.sla_steps.as_array().into_iter().flatten() {
            let text = |key: &str| step.get(key).and_then(serde_json::Value::as_str);
            let Some(kpi) = text("kpi").and_then(Kpi::parse) else {
                continue;
            };
            let failed = text("event") == Some("failed");
            match kpis.iter_mut().find(|k| k.kpi == kpi) {
                Some(seen) => seen.failed |= failed,
                None => kpis.push(SlaKpi { kpi, failed }),
            }
        }
        kpis
    }

    /// How many SLA steps were grouped into this one notification.
    pub fn sla_step_count(&self) -> usize {
        self.sla_steps.as_array().map_or(0, Vec::len)
    }

    /// What the notification says before its case: "Prazo de SLA vencido:
    /// Primeira resposta, Resolução (perto do vencimento)". A KPI that only
    /// neared its deadline in a notification about a breach says so.
    pub fn headline(&self, lang: &Lang) -> String {
        let lang = *lang;
        let kpis = self.sla_kpis();
        if kpis.is_empty() {
            return lang.t(self.label_key());
        }
        let breached = self.kind == Kind::SlaFailure.as_str();
        let names: Vec<String> = kpis
            .iter()
            .map(|k| {
                let name = lang.t(k.kpi.name_key());
                if breached && !k.failed {
                    format!("{name} ({})", lang.t("notification-sla-nearing"))
                } else {
                    name
                }
            })
            .collect();
        let label = lang.t(self.label_key());
        let label = label.trim_end_matches(':');
        format!("{label}: {}", names.join(", "))
    }
}

pub async fn latest(
    tx: &mut PgConnection,
    user: Uuid,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(
        "select n.id, n.kind, c.number as case_number, c.title as case_title, u.name as actor_name,
                n.created_at, n.read_at, n.sla_steps
           from notifications n
           left join case_refs c on c.tenant_id = n.tenant_id and c.id = n.case_id
           left join users u on u.tenant_id = n.tenant_id and u.id = n.actor_id
          where n.user_id = $1
          order by n.created_at desc
          limit $2",
    )
    .bind(user)
    .bind(limit)
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
