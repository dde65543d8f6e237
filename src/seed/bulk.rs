//! Bulk data for benchmarks: many workspaces of realistic, deterministic
//! data (names, valid CPF/CNPJ, catalogs, years of cases with timelines,
//! ~15% of them active), written with batched UNNEST inserts under the
//! tenant's own row-level security rather than row by row through the web
//! layer. The same seed always produces the same data.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::model::NewPassword;
use crate::cases::store::bulk_rows::{CaseBatch, EventBatch, insert_cases, insert_events};
use crate::catalog::model::ListKind;
use crate::catalog::store as catalog;
use crate::core::duration;
use crate::core::lang::Lang;
use crate::db::{TenantTx, begin_provisioning_tx, begin_tenant_tx};
use crate::seed::names::{self, Rng};
use crate::tenants::{self, NewTenant};
use crate::users::model::Role;

pub const BULK_PASSWORD: &str = "bulk-password-2026";
const AGENTS_PER_TENANT: usize = 20;
const BATCH: usize = 5_000;

#[derive(Debug, Clone, Copy)]
pub struct BulkOptions {
    pub tenants: u32,
    /// Customers of the first (largest) workspace; the others get a tenth.
    pub customers: u32,
    /// Cases in all workspaces together; the first gets twice a fair share.
    pub cases: u64,
    pub seed: u64,
}

#[derive(Debug, Default)]
pub struct BulkReport {
    pub tenants: u32,
    pub customers: u64,
    pub cases: u64,
    pub events: u64,
    pub seconds: f64,
}

pub fn tenant_slug(n: u32) -> String {
    format!("bulk-{n:02}")
}

/// How many cases workspace `n` (1-based) gets: the first twice the others.
fn cases_of(opts: &BulkOptions, n: u32) -> u64 {
    let shares = u64::from(opts.tenants) + 1;
    let share = opts.cases / shares;
    if n == 1 {
        opts.cases - share * (shares - 2)
    } else {
        share
    }
}

pub async fn bulk(pool: &PgPool, opts: BulkOptions) -> anyhow::Result<BulkReport> {
    let started = Instant::now();
    let hash = tokio::task::spawn_blocking(|| NewPassword::parse(BULK_PASSWORD).map(|p| p.hash()))
        .await?
        .map_err(|_| anyhow::anyhow!("bulk password violates the policy"))??;
    let results: Vec<anyhow::Result<BulkReport>> = futures::stream::iter(1..=opts.tenants)
        .map(|n| {
            let hash = hash.clone();
            async move { seed_tenant(pool, opts, n, &hash).await }
        })
        // Two workspaces at a time keep both cores and PostgreSQL busy.
        .buffer_unordered(2)
        .collect()
        .await;
    let mut report = BulkReport::default();
    for result in results {
        let part = result?;
        report.tenants += part.tenants;
        report.customers += part.customers;
        report.cases += part.cases;
        report.events += part.events;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A tenant transaction for generated batches. Every row of a batch refers
/// to rows the generator wrote before, so when the connection may (a
/// superuser's), the per-row foreign-key triggers are skipped the way a
/// restore skips them; row-level security still applies. Every other
/// trigger is skipped with them: what they maintain, the generator writes.
/// Otherwise a batch's KPI instances, written before their cases, are
/// checked against them at commit.
async fn begin_bulk_tx(pool: &PgPool, tenant: Uuid) -> Result<TenantTx, sqlx::Error> {
    let mut tx = begin_provisioning_tx(pool, tenant).await?;
    sqlx::raw_sql(
        "set local synchronous_commit = off;
         set constraints sla_kpi_instances_tenant_id_case_id_fkey deferred",
    )
    .execute(&mut *tx)
    .await?;
    let superuser: bool =
        sqlx::query_scalar("select rolsuper from pg_roles where rolname = current_user")
            .fetch_one(&mut *tx)
            .await?;
    if superuser {
        sqlx::query("set local session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    tx.enter_tenant_role().await?;
    Ok(tx)
}

/// A v7 id whose time and randomness both come from the generator.
fn id_at(rng: &mut Rng, at: DateTime<Utc>) -> Uuid {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    random[8..].copy_from_slice(&rng.next_u64().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &random)
        .into_uuid()
}

async fn seed_tenant(
    pool: &PgPool,
    opts: BulkOptions,
    n: u32,
    hash: &str,
) -> anyhow::Result<BulkReport> {
    let slug = tenant_slug(n);
    if crate::tenants::store::id_by_slug(pool, &slug)
        .await?
        .is_some()
    {
        tracing::info!(%slug, "bulk workspace exists; left as it is");
        return Ok(BulkReport::default());
    }
    let tenant = tenants::create(
        pool,
        NewTenant {
            slug: &slug,
            name: &format!("Bulk {n:02}"),
            admin_email: &format!("admin@{slug}.test"),
            admin_name: "Administrador",
            admin_password: BULK_PASSWORD,
        },
    )
    .await?;
    let mut rng = Rng::new(opts.seed.wrapping_mul(1_000_003).wrapping_add(u64::from(n)));
    let now = Utc::now();

    // People: a supervisor and the agents who own and write the cases.
    let mut tx = begin_tenant_tx(pool, tenant).await?;
    let mut agents = Vec::new();
    crate::users::store::create(
        &mut tx,
        tenant,
        &format!("supervisor@{slug}.test"),
        "Supervisor",
        Role::Supervisor,
        hash,
    )
    .await
    .map_err(|_| anyhow::anyhow!("bulk supervisor"))?;
    for a in 0..AGENTS_PER_TENANT {
        let name = names::person_name(&mut rng);
        let id = crate::users::store::create(
            &mut tx,
            tenant,
            &format!("agent{a:02}@{slug}.test"),
            &name,
            Role::Agent,
            hash,
        )
        .await
        .map_err(|_| anyhow::anyhow!("bulk agent"))?;
        agents.push(id);
    }
    let ids = |choices: Vec<catalog::Choice>| choices.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let channels = ids(catalog::choices(&mut tx, ListKind::Channels).await?);
    let priorities = ids(catalog::choices(&mut tx, ListKind::Priorities).await?);
    let levels = ids(catalog::choices(&mut tx, ListKind::ServiceLevels).await?);
    let products = ids(catalog::case_products(&mut tx).await?);
    let subjects: Vec<Uuid> =
        crate::catalog::model::subject_tree(&catalog::subjects(&mut tx).await?)
            .into_iter()
            .filter(|r| r.offered)
            .map(|r| r.id)
            .collect();
    let active_statuses = ids(catalog::status_choices(&mut tx, "active").await?);
    // Closing statuses keep their names: the closing entry of the timeline
    // names its reason.
    let resolved_statuses = catalog::status_choices(&mut tx, "resolved").await?;
    let cancelled_statuses = catalog::status_choices(&mut tx, "cancelled").await?;
    let customer_role =
        sqlx::query_scalar!("select id from customer_roles where system_key = 'customer'")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;

    // Customers.
    let customer_count = if n == 1 {
        opts.customers
    } else {
        (opts.customers / 10).max(100)
    } as usize;
    let mut customers = Vec::with_capacity(customer_count);
    let mut done = 0usize;
    while done < customer_count {
        let size = BATCH.min(customer_count - done);
        let mut batch = CustomerBatch::default();
        for i in done..done + size {
            let at = now - Duration::days(rng.below(1500) as i64);
            let id = id_at(&mut rng, at);
            let account = i % 5 == 0;
            let (name, trade, document) = if account {
                let (legal, trade) = names::company_name(&mut rng);
                (
                    legal,
                    Some(trade),
                    names::cnpj(10_000_000 + (u64::from(n) * 7_000_000 + i as u64) % 89_999_999),
                )
            } else {
                (
                    names::person_name(&mut rng),
                    None,
                    names::cpf(
                        100_000_000 + (u64::from(n) * 70_000_000 + i as u64 * 7) % 899_999_999,
                    ),
                )
            };
            batch.emails.push(names::email_for(
                &name,
                if account {
                    "empresa.example"
                } else {
                    "cliente.example"
                },
                i as u64,
            ));
            batch.phones.push(names::mobile(&mut rng));
            batch.ids.push(id);
            batch
                .kinds
                .push(if account { "account" } else { "contact" }.to_owned());
            batch.names.push(name);
            batch.trades.push(trade);
            batch.documents.push(document);
            batch
                .levels
                .push(levels.get(rng.below(levels.len() as u64) as usize).copied());
            batch.created.push(at);
            batch.email_ids.push(id_at(&mut rng, at));
            batch.phone_ids.push(id_at(&mut rng, at));
        }
        customers.extend(batch.ids.iter().copied());
        let mut tx = begin_bulk_tx(pool, tenant).await?;
        insert_customers(&mut tx, &batch, customer_role).await?;
        tx.commit().await?;
        done += size;
    }

    // Cases and their timelines.
    let case_count = cases_of(&opts, n) as usize;
    let mut events_total = 0u64;
    let mut done = 0usize;
    while done < case_count {
        let size = BATCH.min(case_count - done);
        let mut cases = CaseBatch::default();
        let mut events = EventBatch::default();
        for i in done..done + size {
            let opened = now - Duration::minutes(rng.below(2 * 365 * 24 * 60) as i64 + 10);
            let id = id_at(&mut rng, opened);
            let roll = rng.below(100);
            let (state, status, reason) = if roll < 15 {
                (
                    "active",
                    active_statuses[rng.below(active_statuses.len() as u64) as usize],
                    "",
                )
            } else if roll < 85 {
                let chosen = &resolved_statuses[rng.below(resolved_statuses.len() as u64) as usize];
                ("resolved", chosen.id, chosen.name.as_str())
            } else {
                let chosen =
                    &cancelled_statuses[rng.below(cancelled_statuses.len() as u64) as usize];
                ("cancelled", chosen.id, chosen.name.as_str())
            };
            let agent = agents[rng.below(agents.len() as u64) as usize];
            let owner = (state != "active" || rng.chance(80))
                .then(|| agents[rng.below(agents.len() as u64) as usize]);
            // Nothing happened after the moment of seeding: a case opened an
            // hour ago was not closed tomorrow.
            let latest = now - Duration::minutes(1);
            let closed_at =
                latest.min(opened + Duration::minutes(30 + rng.below(7 * 24 * 60) as i64));
            let worked = (rng.below(8) * 15) as i32;
            cases.ids.push(id);
            cases.numbers.push(i as i64 + 1);
            cases.titles.push(format!(
                "{} #{}",
                crate::seed::demo_cases::title(&mut rng),
                i + 1
            ));
            let customer = customers[rng.below(customers.len() as u64) as usize];
            cases.customers.push(customer);
            cases.subjects.push(
                subjects
                    .get(rng.below(subjects.len() as u64) as usize)
                    .copied(),
            );
            cases.channels.push(
                channels
                    .get(rng.below(channels.len() as u64) as usize)
                    .copied(),
            );
            cases.products.push(if rng.chance(40) {
                products
                    .get(rng.below(products.len() as u64) as usize)
                    .copied()
            } else {
                None
            });
            cases
                .priorities
                .push(priorities[rng.below(priorities.len() as u64) as usize]);
            cases.states.push(state.to_owned());
            cases.statuses.push(status);
            cases.owners.push(owner);
            cases
                .received
                .push(opened - Duration::minutes(rng.below(120) as i64));
            cases.opened.push(opened);
            cases
                .first_response
                .push((state != "active" || rng.chance(50)).then(|| {
                    let answered = opened + Duration::minutes(5 + rng.below(240) as i64);
                    answered.min(if state == "active" { latest } else { closed_at })
                }));
            cases
                .resolved
                .push((state == "resolved").then_some(closed_at));
            cases
                .cancelled
                .push((state == "cancelled").then_some(closed_at));
            cases.worked.push(worked);
            cases.created_by.push(agent);
            let last_touch = if state == "active" { latest } else { closed_at };
            cases.updated_at.push(if state == "active" {
                latest.min(opened + Duration::minutes(rng.below(600) as i64))
            } else {
                closed_at
            });
            // 3 to 10 entries: creation, notes, and the closing when closed.
            let entries = 3 + rng.below(8);
            let mut at = opened;
            for e in 0..entries {
                let (kind, body, data) = match e {
                    0 => ("created", String::new(), json!({})),
                    _ if e + 1 == entries && state == "resolved" => (
                        "resolved",
                        "Encerrado.".to_owned(),
                        json!({ "reason": reason, "billable": duration::format(i64::from(worked), Lang::PtBr) }),
                    ),
                    _ if e + 1 == entries && state == "cancelled" => (
                        "cancelled",
                        "Encerrado.".to_owned(),
                        json!({ "reason": reason }),
                    ),
                    _ => (
                        "note",
                        crate::seed::demo_cases::note(&mut rng).to_owned(),
                        json!({}),
                    ),
                };
                at = if e + 1 == entries && state != "active" {
                    closed_at
                } else {
                    last_touch.min(at + Duration::minutes(rng.below(240) as i64))
                };
                events.ids.push(id_at(&mut rng, at));
                events.cases.push(id);
                events.customers.push(customer);
                events.ats.push(at);
                events.actors.push(agent);
                events.kinds.push(kind.to_owned());
                events.bodies.push(body);
                events.data.push(data);
            }
        }
        events_total += events.ids.len() as u64;
        let mut tx = begin_bulk_tx(pool, tenant).await?;
        // The timers first, so each case row is written once, with the
        // timer its views show; the cases they point at follow in the same
        // transaction (see `begin_bulk_tx`).
        let kpi_ids: Vec<Uuid> = (0..cases.ids.len() * 2)
            .map(|_| id_at(&mut rng, Utc::now()))
            .collect();
        insert_kpis(&mut tx, &cases, &kpi_ids).await?;
        insert_cases(&mut tx, &cases).await?;
        insert_events(&mut tx, &events).await?;
        tx.commit().await?;
        done += size;
        if done % 50_000 < BATCH {
            tracing::info!(%slug, cases = done, "bulk cases written");
        }
    }
    // The application role may only draw numbers; moving the sequence past
    // the seeded cases is the owner's business.
    sqlx::query("select setval('case_number_' || replace($1::text, '-', ''), greatest($2, 1))")
        .bind(tenant)
        .bind(case_count as i64)
        .execute(pool)
        .await?;
    Ok(BulkReport {
        tenants: 1,
        customers: customer_count as u64,
        cases: case_count as u64,
        events: events_total,
        seconds: 0.0,
    })
}

#[derive(Default)]
struct CustomerBatch {
    ids: Vec<Uuid>,
    kinds: Vec<String>,
    names: Vec<String>,
    trades: Vec<Option<String>>,
    documents: Vec<String>,
    levels: Vec<Option<Uuid>>,
    created: Vec<DateTime<Utc>>,
    emails: Vec<String>,
    email_ids: Vec<Uuid>,
    phones: Vec<String>,
    phone_ids: Vec<Uuid>,
}

async fn insert_customers(
    tx: &mut sqlx::PgConnection,
    b: &CustomerBatch,
    role: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into customers (tenant_id, id, kind, name, trade_name, document, service_level_id, created_at, updated_at)
         select app_tenant_id(), id, kind, name, trade, document, level, created, created
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[])
             as t(id, kind, name, trade, document, level, created)",
    )
    .bind(&b.ids)
    .bind(&b.kinds)
    .bind(&b.names)
    .bind(&b.trades)
    .bind(&b.documents)
    .bind(&b.levels)
    .bind(&b.created)
    .execute(&mut *tx)
    .await?;
    // The triggers that keep the name parts the type-ahead reads are skipped
    // with the key checks (see `begin_bulk_tx`): the parts are written here,
    // as those triggers would have.
    sqlx::query(
        "insert into customer_name_parts (tenant_id, customer_id, part, word_start, search_name, active, kind)
         select c.tenant_id, c.id, p.part, p.word_start, c.search_name, c.active, c.kind
           from customers c, name_parts(c.search_name) p
          where c.id = any($1) and current_setting('session_replication_role') = 'replica'",
    )
    .bind(&b.ids)
    .execute(&mut *tx)
    .await?;
    sqlx::query("insert into customer_role_links (tenant_id, customer_id, role_id) select app_tenant_id(), id, $2 from unnest($1::uuid[]) id")
        .bind(&b.ids)
        .bind(role)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into customer_econtacts (tenant_id, id, customer_id, kind, value, is_principal)
         select app_tenant_id(), e, c, 'email', v, true from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(e, c, v)",
    )
    .bind(&b.email_ids)
    .bind(&b.ids)
    .bind(&b.emails)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into customer_phones (tenant_id, id, customer_id, number, is_principal)
         select app_tenant_id(), p, c, v, true from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(p, c, v)",
    )
    .bind(&b.phone_ids)
    .bind(&b.ids)
    .bind(&b.phones)
    .execute(tx)
    .await?;
    Ok(())
}

/// Both KPI instances of every case, with the outcome its history implies:
/// kept or breached for closed cases, cancelled with them; open cases of the
/// last month still running (due in the future), or paused while the case
/// waits in a status the default SLA pauses on; older ones breached and
/// still running (a breach ends only when the case answers or closes, and
/// is never paused).
async fn insert_kpis(
    tx: &mut sqlx::PgConnection,
    b: &CaseBatch,
    ids: &[Uuid],
) -> Result<(), sqlx::Error> {
    let (first, resolve) = ids.split_at(b.ids.len());
    sqlx::query(
        "with c as (
             select * from unnest($1::uuid[], $4::text[], $5::uuid[], $6::timestamptz[], $7::timestamptz[],
                                  $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
                 as c(id, state, status_reason_id, received_at, opened_at, first_response_at, resolved_at,
                      cancelled_at, updated_at)),
              items as (
             select distinct on (kpi) kpi, id, warn_after_minutes as warn, fail_after_minutes as fail
               from sla_items where condition = '[]' order by kpi, position),
              pausing as (select pause_status_ids as ids from slas where is_default),
              written as (
         insert into sla_kpi_instances (tenant_id, id, case_id, kpi, sla_item_id, status, started_at, warning_at,
                                        failure_at, warned_at, failed_at, succeeded_at, ended_at, due_at, paused_at)
         select app_tenant_id(), k.id, c.id, k.kpi, i.id, k.status, c.received_at, k.warning_at, k.failure_at,
                case when k.status in ('nearing', 'non_compliant') then k.warning_at end,
                case when k.status = 'non_compliant' then k.failure_at end,
                k.done_at, case when k.done_at is not null or k.status = 'cancelled' then coalesce(k.done_at, c.cancelled_at) end,
                case when k.status = 'in_progress' then k.warning_at end,
                case when k.status = 'paused' then c.updated_at end
           from unnest($1::uuid[], $2::uuid[], $3::uuid[]) as u(case_id, first_id, resolve_id)
           join c on c.id = u.case_id
           left join pausing p on true
           cross join lateral (values ('first_response', u.first_id, coalesce(c.first_response_at, c.resolved_at)),
                                      ('resolve', u.resolve_id, c.resolved_at)) as d(kpi, id, done_at)
           join items i on i.kpi = d.kpi
           cross join lateral (
               select d.id, d.kpi, d.done_at,
                      case when c.state = 'active' and d.done_at is null and c.opened_at > now() - interval '30 days'
                           then now() + (interval '1 minute' * (1 + abs(hashtext(c.id::text)) % 20000))
                           else c.received_at + interval '1 minute' * i.warn end as warning_at,
                      case when c.state = 'active' and d.done_at is null and c.opened_at > now() - interval '30 days'
                           then now() + (interval '1 minute' * (20001 + abs(hashtext(c.id::text)) % 20000))
                           else c.received_at + interval '1 minute' * i.fail end as failure_at,
                      case when c.state = 'cancelled' and d.done_at is null then 'cancelled'
                           when d.done_at is not null and d.done_at <= c.received_at + interval '1 minute' * i.fail
                               then 'succeeded'
                           when d.done_at is not null or c.opened_at <= now() - interval '30 days' then 'non_compliant'
                           when c.status_reason_id = any(p.ids) then 'paused'
                           else 'in_progress' end as status
           ) k
         returning id, case_id, paused_at)
         -- The pause ledger, which the case's SLA tab shows and a resume closes.
         insert into sla_kpi_pauses (tenant_id, id, instance_id, status_reason_id, paused_at)
         select app_tenant_id(), md5(w.id::text)::uuid, w.id, c.status_reason_id, w.paused_at
           from written w join c on c.id = w.case_id
          where w.paused_at is not null",
    )
    .bind(&b.ids)
    .bind(first)
    .bind(resolve)
    .bind(&b.states)
    .bind(&b.statuses)
    .bind(&b.received)
    .bind(&b.opened)
    .bind(&b.first_response)
    .bind(&b.resolved)
    .bind(&b.cancelled)
    .bind(&b.updated_at)
    .execute(tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_workspace_gets_the_largest_share_and_shares_add_up() {
        let opts = BulkOptions {
            tenants: 10,
            customers: 100_000,
            cases: 1_000_000,
            seed: 1,
        };
        let total: u64 = (1..=10).map(|n| cases_of(&opts, n)).sum();
        assert_eq!(total, 1_000_000);
        assert!(cases_of(&opts, 1) > cases_of(&opts, 2));
        let one = BulkOptions { tenants: 1, ..opts };
        assert_eq!(cases_of(&one, 1), 1_000_000);
    }
}
