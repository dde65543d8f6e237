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
) -> Result<SlaTick, sqlx::Error> {
    let rows: Vec<DueRow> = sqlx::query_as(
        "select i.id, i.kpi, i.sla_item_id, i.status, i.started_at, i.warning_at, i.failure_at, i.warned_at,
                i.failed_at, i.succeeded_at, i.ended_at, i.paused_at, i.paused_minutes, i.case_id,
                it.name as item_name, it.names as item_names, it.warning_actions, it.failure_actions,
                c.number, c.title, c.owner_user_id, c.owner_team_id
           from sla_kpi_instances i
           join case_refs c on c.id = i.case_id
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
    let messages = messages(tx, &transitions).await?;
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
    Ok(SlaTick {
        report,
        steps,
        messages,
    })
}

/// What a batch of due instances did: the counts, the steps for their cases
/// and the messages for the people concerned, each for its owner to write
/// in the same transaction.
pub struct SlaTick {
    pub report: SlaTickReport,
    pub steps: Vec<SlaStep>,
    pub messages: SlaMessages,
}

#[derive(Debug, Default)]
pub struct SlaMessages {
    pub notices: Vec<SlaNotice>,
    pub mails: Vec<SlaMail>,
}

/// An in-app notification about the KPIs of one case, for one person.
#[derive(Debug)]
pub struct SlaNotice {
    pub user: Uuid,
    pub case_id: Uuid,
    /// `sla_failure` when any step failed, else `sla_warning`.
    pub kind: &'static str,
    /// `[{"kpi": .., "event": ..}]`, in the order the steps happened.
    pub steps: serde_json::Value,
}

/// The e-mail of a notice, in its recipient's language.
#[derive(Debug)]
pub struct SlaMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub case_id: Uuid,
}

/// The instances of the transaction's workspace due at `now`, locked.
pub async fn lock_due_in_tenant(
    tx: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select id from sla_kpi_instances where due_at <= $1 for update")
        .bind(now)
        .fetch_all(tx)
        .await
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

/// In-app notifications and e-mail to the owner and the owning team: one
/// per person and case, naming each KPI.
async fn messages(tx: &mut PgConnection, all: &[Transition]) -> Result<SlaMessages, sqlx::Error> {
    let wanted: Vec<&Transition> = all.iter().filter(|t| t.actions.notify).collect();
    if wanted.is_empty() {
        return Ok(SlaMessages::default());
    }
    let notices = notices(tx, &wanted).await?;
    if notices.is_empty() {
        return Ok(SlaMessages::default());
    }
    let user_ids: Vec<Uuid> = notices.iter().map(|n| n.user).collect();
    let recipients: Vec<Recipient> = sqlx::query_as(
        "select u.id, u.email, coalesce(u.locale, t.locale) as locale
           from users u join tenants t on t.id = u.tenant_id where u.id = any($1)",
    )
    .bind(&user_ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut mails = Vec::new();
    for notice in &notices {
        let Some(r) = recipients.iter().find(|r| r.id == notice.user) else {
            continue;
        };
        let (subject, body) = mail_text(notice, Lang::parse(&r.locale).unwrap_or_default());
        mails.push(SlaMail {
            to: r.email.clone(),
            subject,
            body,
            case_id: notice.case().case_id,
        });
    }
    let notices = notices
        .iter()
        .map(|n| SlaNotice {
            user: n.user,
            case_id: n.case().case_id,
            kind: if n.failed() {
                "sla_failure"
            } else {
                "sla_warning"
            },
            steps: n.steps_json(),
        })
        .collect();
    Ok(SlaMessages { notices, mails })
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
