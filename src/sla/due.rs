//! What time does to KPI instances: the due ones (claimed by the worker
//! with FOR UPDATE SKIP LOCKED) move to nearing or breached, one step per
//! instance and tick, and the people concerned are told, all in the
//! claiming transaction, as are the steps' effects on the cases. A worker
//! that dies mid-batch rolls back and the rows are claimed again; a second
//! worker skips the locked rows. So every transition and its actions happen
//! exactly once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

use crate::catalog::translations::Names;
use crate::core::lang::Lang;
use crate::sla::engine::{Instance, Step, tick};
use crate::sla::model::{Actions, Kpi, KpiStatus};
use crate::sla::store::InstanceRow;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SlaTickReport {
    pub warned: u64,
    pub failed: u64,
}

impl std::ops::AddAssign for SlaTickReport {
    fn add_assign(&mut self, other: Self) {
        self.warned += other.warned;
        self.failed += other.failed;
    }
}

#[derive(FromRow)]
struct DueRow {
    #[sqlx(flatten)]
    instance: InstanceRow,
    case_id: Uuid,
    item_name: Option<String>,
    item_names: Option<sqlx::types::Json<Names>>,
    warning_actions: Option<serde_json::Value>,
    failure_actions: Option<serde_json::Value>,
    number: i64,
    title: String,
    owner_user_id: Option<Uuid>,
    owner_team_id: Option<Uuid>,
}

struct Transition {
    case_id: Uuid,
    instance: Uuid,
    kpi: &'static str,
    item: String,
    /// The item's name in the other languages, for each recipient's e-mail.
    item_names: Names,
    item_id: Option<Uuid>,
    step: Step,
    /// The status the step left.
    from: KpiStatus,
    actions: Actions,
    number: i64,
    title: String,
    owner_user: Option<Uuid>,
    owner_team: Option<Uuid>,
}

/// Moves the instances `ids` (claimed by the caller) that are due at `now`,
/// records each step in their history and tells the people concerned. What
/// the steps do to the cases (their timeline, the items' actions) comes
/// back for the case's owner to apply in the same transaction.
pub async fn tick_due(
    tx: &mut PgConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(SlaTickReport, Vec<SlaStep>), sqlx::Error> {
    let rows: Vec<DueRow> = sqlx::query_as(
        "select i.id, i.kpi, i.sla_item_id, i.status, i.started_at, i.warning_at, i.failure_at, i.warned_at,
                i.failed_at, i.succeeded_at, i.ended_at, i.paused_at, i.paused_minutes, i.case_id,
                it.name as item_name, it.names as item_names, it.warning_actions, it.failure_actions,
                c.number, c.title, c.owner_user_id, c.owner_team_id
           from sla_kpi_instances i
           join cases c on c.id = i.case_id
           left join sla_items it on it.id = i.sla_item_id
          where i.id = any($1)",
    )
    .bind(ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut moved: Vec<Instance> = Vec::with_capacity(rows.len());
    let mut transitions = Vec::new();
    for row in rows {
        let item_names = row.item_names.map(|n| n.0).unwrap_or_default();
        let meta = (
            row.case_id,
            row.item_name.unwrap_or_default(),
            row.warning_actions,
            row.failure_actions,
            row.number,
            row.title,
            row.owner_user_id,
            row.owner_team_id,
        );
        let Some(mut instance) = row.instance.into_instance() else {
            continue;
        };
        if let Some((step, from)) = tick(&mut instance, now) {
            let actions = match step {
                Step::Warned => meta.2.clone(),
                _ => meta.3.clone(),
            }
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
            transitions.push(Transition {
                case_id: meta.0,
                instance: instance.id,
                kpi: instance.kpi.as_str(),
                item: meta.1.clone(),
                item_names: item_names.clone(),
                item_id: instance.sla_item_id,
                step,
                from,
                actions,
                number: meta.4,
                title: meta.5.clone(),
                owner_user: meta.6,
                owner_team: meta.7,
            });
        }
        moved.push(instance);
    }
    save_ticked(tx, &moved).await?;
    record(tx, &transitions, now).await?;
    notify(tx, &transitions, now).await?;
    let report = SlaTickReport {
        warned: transitions
            .iter()
            .filter(|t| t.step == Step::Warned)
            .count() as u64,
        failed: transitions
            .iter()
            .filter(|t| t.step == Step::Failed)
            .count() as u64,
    };
    let steps = transitions
        .iter()
        .map(|t| SlaStep {
            case_id: t.case_id,
            entry: json!({ "event": t.step.event(), "kpi": t.kpi, "item": t.item, "item_id": t.item_id, "actions": t.actions }),
            escalate: t.actions.escalate,
            raise_priority: t.actions.raise_priority,
            reassign_team: t.actions.reassign_team_id,
        })
        .collect();
    Ok((report, steps))
}

/// What one KPI step does to its case: the timeline entry, and the actions
/// of the item (escalate, raise the priority, give the case to a team).
#[derive(Debug, Clone, PartialEq)]
pub struct SlaStep {
    pub case_id: Uuid,
    pub entry: serde_json::Value,
    pub escalate: bool,
    pub raise_priority: bool,
    pub reassign_team: Option<Uuid>,
}

async fn save_ticked(tx: &mut PgConnection, moved: &[Instance]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update sla_kpi_instances i set status = u.status, warned_at = u.warned_at, failed_at = u.failed_at,
                due_at = u.due_at
           from unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[])
                as u(id, status, warned_at, failed_at, due_at)
          where i.id = u.id",
    )
    .bind(moved.iter().map(|i| i.id).collect::<Vec<_>>())
    .bind(moved.iter().map(|i| i.status.as_str()).collect::<Vec<_>>())
    .bind(moved.iter().map(|i| i.warned_at).collect::<Vec<_>>())
    .bind(moved.iter().map(|i| i.failed_at).collect::<Vec<_>>())
    .bind(moved.iter().map(Instance::due_at).collect::<Vec<_>>())
    .execute(tx)
    .await?;
    Ok(())
}

/// The instances' history, in one statement.
async fn record(
    tx: &mut PgConnection,
    all: &[Transition],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if all.is_empty() {
        return Ok(());
    }
    let (from, to): (Vec<&str>, Vec<&str>) = all
        .iter()
        .map(|t| {
            let to = match t.step {
                Step::Warned => KpiStatus::Nearing,
                _ => KpiStatus::NonCompliant,
            };
            (t.from.as_str(), to.as_str())
        })
        .unzip();
    let events: Vec<&str> = all.iter().map(|t| t.step.event()).collect();
    let details: Vec<serde_json::Value> = all
        .iter()
        .map(|t| json!({ "actions": t.actions }))
        .collect();
    sqlx::query(
        "insert into sla_kpi_history (tenant_id, id, instance_id, at, event, from_status, to_status, detail)
         select app_tenant_id(), u.id, u.instance_id, $7, u.event, u.from_status, u.to_status, u.detail
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
                as u(id, instance_id, event, from_status, to_status, detail)",
    )
    .bind(all.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(all.iter().map(|t| t.instance).collect::<Vec<_>>())
    .bind(&events)
    .bind(&from)
    .bind(&to)
    .bind(&details)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct Recipient {
    id: Uuid,
    email: String,
    locale: String,
}

/// What one person is told about one case: every step its timers took in
/// this batch, in order.
struct Notice<'a> {
    user: Uuid,
    steps: Vec<&'a Transition>,
}

impl Notice<'_> {
    fn case(&self) -> &Transition {
        self.steps[0]
    }

    fn failed(&self) -> bool {
        self.steps.iter().any(|t| t.step == Step::Failed)
    }

    fn steps_json(&self) -> serde_json::Value {
        self.steps
            .iter()
            .map(|t| json!({ "kpi": t.kpi, "event": t.step.event() }))
            .collect()
    }
}

/// The owner and the members of the owning team of each case, one notice
/// per person and case.
async fn notices<'a>(
    tx: &mut PgConnection,
    wanted: &[&'a Transition],
) -> Result<Vec<Notice<'a>>, sqlx::Error> {
    let teams: Vec<Uuid> = wanted.iter().filter_map(|t| t.owner_team).collect();
    let members: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select m.team_id, m.user_id from team_members m join users u on u.id = m.user_id
          where m.team_id = any($1) and u.active",
    )
    .bind(&teams)
    .fetch_all(&mut *tx)
    .await?;
    let mut notices: Vec<Notice<'a>> = Vec::new();
    let mut by_person_and_case: HashMap<(Uuid, Uuid), usize> = HashMap::new();
    for t in wanted {
        let mut people: Vec<Uuid> = t.owner_user.into_iter().collect();
        people.extend(
            members
                .iter()
                .filter(|(team, _)| Some(*team) == t.owner_team)
                .map(|(_, u)| *u),
        );
        people.sort_unstable();
        people.dedup();
        for user in people {
            let at = *by_person_and_case
                .entry((user, t.case_id))
                .or_insert_with(|| {
                    notices.push(Notice {
                        user,
                        steps: Vec::new(),
                    });
                    notices.len() - 1
                });
            notices[at].steps.push(t);
        }
    }
    Ok(notices)
}

/// In-app notifications and queued e-mail to the owner and the owning team:
/// one per person and case, naming each KPI. Steps of a case that reach a
/// person within a minute of an unread SLA notification about it are added
/// to that one instead (its kind becomes the failure's if any step failed).
/// Two workers committing at the same instant may each write their own.
async fn notify(
    tx: &mut PgConnection,
    all: &[Transition],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let wanted: Vec<&Transition> = all.iter().filter(|t| t.actions.notify).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let notices = notices(tx, &wanted).await?;
    if notices.is_empty() {
        return Ok(());
    }
    let kind = |n: &Notice| {
        if n.failed() {
            "sla_failure"
        } else {
            "sla_warning"
        }
    };
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
    .bind(notices.iter().map(|n| n.case().case_id).collect::<Vec<_>>())
    .bind(notices.iter().map(kind).collect::<Vec<_>>())
    .bind(notices.iter().map(Notice::steps_json).collect::<Vec<_>>())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let user_ids: Vec<Uuid> = notices.iter().map(|n| n.user).collect();
    let recipients: Vec<Recipient> = sqlx::query_as(
        "select u.id, u.email, coalesce(u.locale, t.locale) as locale
           from users u join tenants t on t.id = u.tenant_id where u.id = any($1)",
    )
    .bind(&user_ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut ids = Vec::new();
    let mut to = Vec::new();
    let mut subjects = Vec::new();
    let mut bodies = Vec::new();
    let mut cases = Vec::new();
    for notice in &notices {
        let Some(r) = recipients.iter().find(|r| r.id == notice.user) else {
            continue;
        };
        let (subject, body) = mail_text(notice, Lang::parse(&r.locale).unwrap_or_default());
        ids.push(Uuid::now_v7());
        to.push(r.email.clone());
        subjects.push(subject);
        bodies.push(body);
        cases.push(notice.case().case_id);
    }
    sqlx::query(
        "insert into mail_outbox (tenant_id, id, to_address, subject, body, case_id, created_at, next_attempt_at)
         select app_tenant_id(), u.id, u.to_address, u.subject, u.body, u.case_id, $6, $6
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[]) as u(id, to_address, subject, body, case_id)",
    )
    .bind(&ids)
    .bind(&to)
    .bind(&subjects)
    .bind(&bodies)
    .bind(&cases)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// The subject and body of a notice's e-mail: the case, then each KPI with
/// what happened to it and the SLA item that set its deadline.
fn mail_text(notice: &Notice, lang: Lang) -> (String, String) {
    let case = notice.case();
    let number = crate::core::case::CaseNumber(case.number).to_string();
    let what = |step: &Step| {
        lang.t(if *step == Step::Warned {
            "sla-mail-warning"
        } else {
            "sla-mail-failure"
        })
    };
    let kpi = |t: &Transition| lang.t(Kpi::parse(t.kpi).map_or("sla-case-resolve", Kpi::name_key));
    let mut kpis: Vec<String> = notice.steps.iter().map(|t| kpi(t)).collect();
    kpis.dedup();
    let worst = if notice.failed() {
        Step::Failed
    } else {
        Step::Warned
    };
    let subject = format!("[{number}] {}: {}", what(&worst), kpis.join(", "));
    let mut body = format!("{number} — {}\n", case.title);
    for t in &notice.steps {
        let item = t.item_names.in_lang(lang.code()).unwrap_or(&t.item);
        body.push_str(&format!("{}: {} ({item})\n", what(&t.step), kpi(t)));
    }
    body.push_str(&format!("\n/cases/{number}"));
    (subject, body)
}
