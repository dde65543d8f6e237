//! Random sequences of case commands, put to one case through the routes an
//! agent and a supervisor use, with the test clock moving between them.
//! After every command the case row, its timeline, its KPI clocks and its
//! entitlement's ledger are read back and held to what a user relies on:
//!
//! 1. every field that changed has exactly one entry saying so (starting
//!    the work, closing, reopening and forwarding say in their own entry
//!    what they set);
//! 2. "last changed" (when, by whom) moves with every change, and nothing
//!    at all moves when a command is refused;
//! 3. the KPI clocks stand paused exactly while the case sits in a pause
//!    status of its SLA, and their deadlines lie later by the minutes paused;
//! 4. what remains of an entitlement is its allocation less what the ledger
//!    took plus what it gave back, never below zero under "restrict";
//! 5. a resolved or cancelled case refuses every command but reactivation
//!    and notes, besides the edit form and the terms exemption, which the
//!    page of a closed case offers.
//!
//! Every run plays against the real router and database, so the runs are
//! few and short.

use std::collections::BTreeMap;

use atende::users::model::Role;
use axum::http::StatusCode;
use axum_test::TestResponse;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{ACME, Browser, TestApp, html, see_other};

const CUSTOMER: &str = "Padaria São João Ltda";
/// (KPI, warned after, failed after), in minutes of an always-open calendar.
const ITEMS: [(&str, i64, i64); 2] = [("first_response", 30, 60), ("resolve", 120, 240)];

const STATUS: &str = "field-status-reason";
const OWNER: &str = "field-owner";
const REQUEST_TYPE: &str = "field-request-type";

/// Each audited field of the case (`cases::audit`, and the terms exemption
/// its own command audits) with the column that holds it. The owner is
/// the user, else the team, as the case page names it.
const FIELDS: [(&str, &str); 27] = [
    ("field-title", "c.title"),
    ("field-customer", "c.customer_id"),
    ("field-contact", "c.contact_id"),
    ("field-subject", "c.subject_id"),
    ("field-channel", "c.channel_id"),
    ("field-direction", "c.direction"),
    ("field-received-at", "c.received_at"),
    ("field-product", "c.product_id"),
    ("field-serial-number", "c.serial_number"),
    ("field-lot-number", "c.lot_number"),
    ("field-manufactured-on", "c.manufactured_on"),
    ("field-expires-on", "c.expires_on"),
    ("field-priority", "c.priority_id"),
    (STATUS, "c.status_reason_id"),
    (OWNER, "coalesce(c.owner_user_id, c.owner_team_id)"),
    ("field-reason", "c.reason_id"),
    ("field-occurrence", "c.occurrence_id"),
    ("field-cause", "c.cause_id"),
    ("field-unit", "c.unit_id"),
    ("field-location", "c.location_id"),
    ("field-location-note", "c.location_note"),
    (REQUEST_TYPE, "c.request_type_id"),
    ("field-related-case", "c.related_case_id"),
    ("field-parent-case", "c.parent_case_id"),
    ("field-description", "c.description"),
    ("field-complementary-data", "c.complementary_data"),
    ("field-terms-exempt", "c.terms_exempt"),
];

macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+));
        }
    };
}

// What is played ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Agent,
    Supervisor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Agent,
    Supervisor,
    /// One of the two teams the world's users belong to.
    Team(usize),
    Nobody,
}

/// What the edit form does with the case's entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moves {
    Keep,
    /// "Nenhum" (with a supervisor's reason when a supervisor saves).
    ToNone,
    /// The customer's other entitlement.
    ToOther,
}

/// Indexes pick among the workspace's priorities, statuses (`World::status`),
/// teams, members, forward reasons and request types.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cmd {
    Start,
    Take,
    Assign(Target),
    Resolve {
        reason: usize,
        billable: i32,
    },
    Cancel,
    Reactivate,
    Forward {
        team: usize,
        member: usize,
        reason: usize,
        request_type: usize,
    },
    Note {
        public: bool,
        priority: Option<usize>,
        status: Option<usize>,
    },
    Edit {
        priority: Option<usize>,
        status: Option<usize>,
        owner: Option<Target>,
        entitlement: Moves,
    },
    TermsExempt,
}

#[derive(Debug, Clone)]
struct Step {
    /// Minutes the clock moves before the command.
    wait: i64,
    who: Who,
    cmd: Cmd,
}

/// An entitlement of the bakery: in cases (taken at creation or at
/// resolution) or in hours (the billable time, taken at resolution).
#[derive(Debug, Clone, Copy)]
struct Terms {
    hours: bool,
    at_resolution: bool,
    restrict: bool,
    units: i32,
}

#[derive(Debug, Clone)]
struct Run {
    /// The case's entitlement, and another one of the customer the edit
    /// form may move it to.
    terms: Terms,
    other: Terms,
    /// Whether the new-case form carries the time the request came in (the
    /// page fills it, to the minute); else the case was received "now".
    received_typed: bool,
    steps: Vec<Step>,
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![Just(Who::Agent), Just(Who::Supervisor)]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Agent),
        Just(Target::Supervisor),
        (0..2usize).prop_map(Target::Team),
        Just(Target::Nobody),
    ]
}

fn moves() -> impl Strategy<Value = Moves> {
    prop_oneof![
        6 => Just(Moves::Keep),
        1 => Just(Moves::ToNone),
        1 => Just(Moves::ToOther),
    ]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        2 => Just(Cmd::Start),
        2 => Just(Cmd::Take),
        2 => target().prop_map(Cmd::Assign),
        2 => (0..2usize, 0..=150i32).prop_map(|(reason, billable)| Cmd::Resolve { reason, billable }),
        1 => Just(Cmd::Cancel),
        2 => Just(Cmd::Reactivate),
        1 => (0..2usize, 0..2usize, 0..4usize, 0..5usize).prop_map(
            |(team, member, reason, request_type)| Cmd::Forward { team, member, reason, request_type }
        ),
        3 => (any::<bool>(), proptest::option::of(0..4usize), proptest::option::of(0..4usize))
            .prop_map(|(public, priority, status)| Cmd::Note { public, priority, status }),
        2 => (
            proptest::option::of(0..4usize),
            proptest::option::of(0..4usize),
            proptest::option::of(target()),
            moves(),
        )
            .prop_map(|(priority, status, owner, entitlement)| Cmd::Edit {
                priority,
                status,
                owner,
                entitlement,
            }),
        1 => Just(Cmd::TermsExempt),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    (1..=60i64, who(), cmd()).prop_map(|(wait, who, cmd)| Step { wait, who, cmd })
}

fn terms() -> impl Strategy<Value = Terms> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 1..=3i32).prop_map(
        |(hours, at_resolution, restrict, units)| Terms {
            hours,
            at_resolution,
            restrict,
            // An allocation in hours is kept in minutes; a resolution's
            // billable time often outgrows it.
            units: if hours { units * 20 } else { units },
        },
    )
}

fn run(steps: impl Strategy<Value = Vec<Step>>) -> impl Strategy<Value = Run> {
    (terms(), terms(), any::<bool>(), steps).prop_map(|(terms, other, received_typed, steps)| Run {
        terms,
        other,
        received_typed,
        steps,
    })
}

/// A close first, so that the rest is put to a closed case (until a
/// reactivation comes up).
fn closed_first() -> impl Strategy<Value = Vec<Step>> {
    let close = prop_oneof![
        (0..2usize, 0..=150i32).prop_map(|(reason, billable)| Cmd::Resolve { reason, billable }),
        Just(Cmd::Cancel),
    ];
    (
        (1..=60i64, who(), close),
        proptest::collection::vec(step(), 2..=8),
    )
        .prop_map(|((wait, who, cmd), rest)| {
            let mut steps = vec![Step { wait, who, cmd }];
            steps.extend(rest);
            steps
        })
}

fn play(cases: u32, strategy: impl Strategy<Value = Run>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let world = runtime.block_on(World::new());
    // PROPTEST_CASES plays a longer hunt than the suite's few runs.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        // Each shrink step plays a whole sequence again.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    });
    let outcome = runner.run(&strategy, |run| {
        runtime
            .block_on(world.play(&run))
            .map_err(TestCaseError::fail)
    });
    drop(world);
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// Plays one sequence as it stands, known bugs and all.
fn replay(received_typed: bool, steps: &[(i64, Who, Cmd)]) {
    let terms = Terms {
        hours: false,
        at_resolution: false,
        restrict: false,
        units: 3,
    };
    let run = Run {
        terms,
        other: terms,
        received_typed,
        steps: steps
            .iter()
            .map(|(wait, who, cmd)| Step {
                wait: *wait,
                who: *who,
                cmd: cmd.clone(),
            })
            .collect(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let world = runtime.block_on(World::new());
    let outcome = runtime.block_on(world.play(&run));
    drop(world);
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn random_sequences_of_case_commands_keep_what_users_rely_on() {
    play(12, run(proptest::collection::vec(step(), 3..=12)));
}

#[test]
fn a_closed_case_takes_only_what_its_state_allows_and_a_refusal_writes_nothing() {
    play(8, run(closed_first()));
}

// The world the runs share --------------------------------------------------------

struct World {
    app: TestApp,
    agent: Browser,
    supervisor: Browser,
    agent_id: Uuid,
    supervisor_id: Uuid,
    customer: Uuid,
    /// Two teams, each with its members.
    teams: Vec<(Uuid, Vec<Uuid>)>,
    priorities: Vec<Uuid>,
    /// In progress, on hold, waiting for details, researching.
    active: Vec<Uuid>,
    /// The statuses that stop the SLA's clocks.
    pauses: Vec<Uuid>,
    resolved: Vec<Uuid>,
    cancelled: Uuid,
    forward_reasons: Vec<Uuid>,
    request_types: Vec<Uuid>,
}

/// The ids of ACME's rows of `table` that hold `condition`, in `order`.
async fn ids(app: &TestApp, table: &str, condition: &str, order: &str) -> Vec<Uuid> {
    let sql = format!(
        "select x.id from {table} x join tenants t on t.id = x.tenant_id
          where t.slug = '{ACME}' and {condition} order by {order}"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_all(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn statuses(app: &TestApp, keys: &[&str]) -> Vec<Uuid> {
    let mut found = Vec::new();
    for key in keys {
        let condition = format!("x.system_key = '{key}'");
        found.extend(ids(app, "status_reasons", &condition, "x.id").await);
    }
    found
}

impl World {
    async fn new() -> World {
        // The clock moves by days over a test; sessions must outlive it.
        let app = TestApp::spawn_with(|config| {
            config.session_idle_minutes = 365 * 24 * 60;
            config.session_max_hours = 365 * 24;
        })
        .await;
        let agent_id = app.user_id(ACME, Role::Agent).await;
        let supervisor_id = app.user_id(ACME, Role::Supervisor).await;
        let level1 = app.named("teams", "Nível 1").await;
        let level2 = app.named("teams", "Nível 2 — Especialistas").await;
        let world = World {
            customer: app.any_row_named(CUSTOMER).await,
            teams: vec![
                (level1, vec![agent_id, supervisor_id]),
                (level2, vec![supervisor_id]),
            ],
            priorities: ids(&app, "priorities", "x.active", "x.sort_order").await,
            active: statuses(
                &app,
                &["in_progress", "on_hold", "waiting_details", "researching"],
            )
            .await,
            pauses: statuses(&app, &["on_hold", "waiting_details"]).await,
            resolved: statuses(&app, &["problem_solved", "information_provided"]).await,
            cancelled: statuses(&app, &["cancelled"]).await[0],
            forward_reasons: ids(&app, "forward_reasons", "x.active", "x.name").await,
            request_types: ids(&app, "request_types", "x.active", "x.name").await,
            agent: app.signed_in(Role::Agent).await,
            supervisor: app.signed_in(Role::Supervisor).await,
            agent_id,
            supervisor_id,
            app,
        };
        world.configure().await;
        world
    }

    /// An always-open calendar's SLA as the workspace's default, so that
    /// deadlines are clock arithmetic, with two statuses that pause it; and
    /// the teams' members, whom a case is forwarded to.
    async fn configure(&self) {
        let tenant: Uuid = sqlx::query_scalar("select id from tenants where slug = $1")
            .bind(ACME)
            .fetch_one(&self.app.pool)
            .await
            .expect("tenant");
        let mut tx = atende::db::begin_tenant_tx(&self.app.pool, tenant)
            .await
            .expect("tenant tx");
        sqlx::query("update slas set is_default = false where is_default")
            .execute(&mut *tx)
            .await
            .expect("retire the seeded default");
        let calendar = Uuid::now_v7();
        sqlx::query(
            "insert into calendars (tenant_id, id, name, time_zone, always_open)
             values (app_tenant_id(), $1, 'Sempre aberto (propriedades)', 'America/Sao_Paulo', true)",
        )
        .bind(calendar)
        .execute(&mut *tx)
        .await
        .expect("calendar");
        let sla = Uuid::now_v7();
        sqlx::query(
            "insert into slas (tenant_id, id, name, calendar_id, is_default, pause_status_ids)
             values (app_tenant_id(), $1, 'SLA das propriedades', $2, true, $3)",
        )
        .bind(sla)
        .bind(calendar)
        .bind(&self.pauses)
        .execute(&mut *tx)
        .await
        .expect("sla");
        // A public note answers the customer as starting the work does, so
        // either closes the first-response clock.
        for (position, (kpi, warn, fail)) in ITEMS.iter().enumerate() {
            sqlx::query(
                "insert into sla_items (tenant_id, id, sla_id, position, name, kpi, warn_after_minutes,
                                        fail_after_minutes, first_response_by)
                 values (app_tenant_id(), $1, $2, $3, $4, $5, $6, $7, 'either')",
            )
            .bind(Uuid::now_v7())
            .bind(sla)
            .bind(i32::try_from(position).expect("position"))
            .bind(format!("{kpi} (propriedades)"))
            .bind(kpi)
            .bind(i32::try_from(*warn).expect("minutes"))
            .bind(i32::try_from(*fail).expect("minutes"))
            .execute(&mut *tx)
            .await
            .expect("sla item");
        }
        for (team, members) in &self.teams {
            for member in members {
                sqlx::query(
                    "insert into team_members (tenant_id, team_id, user_id) values (app_tenant_id(), $1, $2)",
                )
                .bind(team)
                .bind(member)
                .execute(&mut *tx)
                .await
                .expect("team member");
            }
        }
        tx.commit().await.expect("commit");
    }

    /// The active statuses the forms offer, then those of resolved cases,
    /// which only a forged request names.
    fn status(&self, i: usize) -> Uuid {
        *self
            .active
            .iter()
            .chain(&self.resolved)
            .nth(i)
            .expect("a status")
    }

    fn browser(&self, who: Who) -> &Browser {
        match who {
            Who::Agent => &self.agent,
            Who::Supervisor => &self.supervisor,
        }
    }

    fn user(&self, who: Who) -> Uuid {
        match who {
            Who::Agent => self.agent_id,
            Who::Supervisor => self.supervisor_id,
        }
    }

    /// The owner a target names, as the case row stores it (user, team).
    fn owner(&self, target: Target) -> (Option<Uuid>, Option<Uuid>) {
        match target {
            Target::Agent => (Some(self.agent_id), None),
            Target::Supervisor => (Some(self.supervisor_id), None),
            Target::Team(i) => (None, Some(self.teams[i].0)),
            Target::Nobody => (None, None),
        }
    }

    fn encode(&self, target: Target) -> String {
        match self.owner(target) {
            (Some(user), _) => format!("user:{user}"),
            (None, Some(team)) => format!("team:{team}"),
            (None, None) => String::new(),
        }
    }

    /// A fresh entitlement of the bakery, in force around the test clock.
    async fn entitlement(&self, name: &str, terms: Terms) -> Uuid {
        let id = Uuid::now_v7();
        let today = self.app.clock().now().date_naive();
        sqlx::query(
            "insert into entitlements (tenant_id, id, customer_id, name, starts_on, ends_on, status, allocation,
                                       total_units, remaining_units, decrease_on, restrict_creation)
             values ((select id from tenants where slug = $1), $2, $3, $4, $5, $6, 'active', $7, $8, $8, $9, $10)",
        )
        .bind(ACME)
        .bind(id)
        .bind(self.customer)
        .bind(name)
        .bind(today - Duration::days(10))
        .bind(today + Duration::days(365))
        .bind(if terms.hours { "hours" } else { "cases" })
        .bind(terms.units)
        .bind(if terms.at_resolution {
            "resolution"
        } else {
            "creation"
        })
        .bind(terms.restrict)
        .execute(&self.app.pool)
        .await
        .expect("entitlement");
        id
    }

    async fn play(&self, run: &Run) -> Result<(), String> {
        // The entitlements of earlier runs are no longer offered: what the
        // edit form offers and refuses then depends on this run alone.
        sqlx::query("update entitlements set status = 'cancelled' where status = 'active'")
            .execute(&self.app.pool)
            .await
            .expect("retire earlier entitlements");
        let mine = self.entitlement("Direito da sequência", run.terms).await;
        let other = self.entitlement("Outro direito", run.other).await;
        let case = self.open(mine, other, run.received_typed).await;
        let mut before = case.read(self).await;
        let mut clocks = Clocks::default();
        check_opened(self, &case, &before)?;
        for (i, step) in run.steps.iter().enumerate() {
            self.app.clock().advance(Duration::minutes(step.wait));
            let from = self.app.clock().now();
            let response = self.put(&case, step).await;
            let until = self.app.clock().now();
            let after = case.read(self).await;
            let at = Moment {
                step: i,
                who: step.who,
                cmd: &step.cmd,
                from,
                until,
                status: response.status_code(),
            };
            check(self, &at, &before, &after, &mut clocks)
                .map_err(|e| format!("step {i} ({:?} by {:?}): {e}", step.cmd, step.who))?;
            before = after;
        }
        Ok(())
    }

    /// Opens the run's case on its entitlement, as the new-case form does.
    async fn open(&self, entitlement: Uuid, other: Uuid, received_typed: bool) -> Case {
        let page = self
            .agent
            .get(&format!("/cases/new?customer={}", self.customer))
            .await
            .text();
        let received = if received_typed {
            crate::support::html::form_value(&page, "/cases", "received_at").unwrap_or_default()
        } else {
            String::new()
        };
        let key = Uuid::now_v7().to_string();
        let response = self
            .agent
            .post_form(
                "/cases",
                &[
                    ("title", "Forno não aquece"),
                    ("customer_id", &self.customer.to_string()),
                    ("idempotency_key", &key),
                    ("received_at", &received),
                    ("entitlement_id", &entitlement.to_string()),
                ],
            )
            .await;
        let path = see_other(&response);
        let number: i64 = path
            .trim_start_matches("/cases/CAS-")
            .parse()
            .expect("case number");
        let id = sqlx::query_scalar(
            "select c.id from cases c join tenants t on t.id = c.tenant_id where t.slug = $1 and c.number = $2",
        )
        .bind(ACME)
        .bind(number)
        .fetch_one(&self.app.pool)
        .await
        .expect("the new case");
        Case {
            id,
            path,
            entitlements: [entitlement, other],
        }
    }

    /// Puts the command through its route, as the page's form posts it.
    async fn put(&self, case: &Case, step: &Step) -> TestResponse {
        let browser = self.browser(step.who);
        let path = &case.path;
        match &step.cmd {
            Cmd::Start => browser.post_form(&format!("{path}/start"), &[]).await,
            Cmd::Take => browser.post_form(&format!("{path}/take"), &[]).await,
            Cmd::Assign(target) => {
                browser
                    .post_form(
                        &format!("{path}/assign"),
                        &[("owner", &self.encode(*target))],
                    )
                    .await
            }
            Cmd::Resolve { reason, billable } => {
                browser
                    .post_form(
                        &format!("{path}/resolve"),
                        &[
                            ("status_reason_id", &self.resolved[*reason].to_string()),
                            ("text", "Trocado o termostato."),
                            ("billable", &billable.to_string()),
                        ],
                    )
                    .await
            }
            Cmd::Cancel => {
                browser
                    .post_form(
                        &format!("{path}/cancel"),
                        &[
                            ("status_reason_id", &self.cancelled.to_string()),
                            ("text", ""),
                        ],
                    )
                    .await
            }
            Cmd::Reactivate => {
                browser
                    .post_form(&format!("{path}/reactivate"), &[("confirm", "yes")])
                    .await
            }
            Cmd::Forward {
                team,
                member,
                reason,
                request_type,
            } => {
                let (team, members) = &self.teams[*team];
                browser
                    .post_form(
                        &format!("{path}/forward"),
                        &[
                            ("reason_id", &self.forward_reasons[*reason].to_string()),
                            ("team_id", &team.to_string()),
                            ("user_id", &members[member % members.len()].to_string()),
                            (
                                "request_type_id",
                                &self.request_types[*request_type].to_string(),
                            ),
                            ("note", "Para quem conhece o forno."),
                        ],
                    )
                    .await
            }
            Cmd::Note {
                public,
                priority,
                status,
            } => {
                let pick = |list: &[Uuid], i: &Option<usize>| {
                    i.map(|i| list[i].to_string()).unwrap_or_default()
                };
                browser
                    .upload_form(
                        &format!("{path}/notes"),
                        &[
                            ("body", "Cliente ligou de novo."),
                            ("visibility", if *public { "public" } else { "private" }),
                            ("priority_id", &pick(&self.priorities, priority)),
                            (
                                "status_reason_id",
                                &status
                                    .map(|s| self.status(s).to_string())
                                    .unwrap_or_default(),
                            ),
                        ],
                    )
                    .await
            }
            Cmd::Edit {
                priority,
                status,
                owner,
                entitlement,
            } => {
                let action = format!("{path}/edit");
                let page = browser.get(&action).await.text();
                let mut fields = html::form_fields(&page, &action);
                let title = format!(
                    "Forno não aquece (revisto às {})",
                    Utc::now().timestamp_micros()
                );
                set(&mut fields, "title", &title);
                if let Some(p) = priority {
                    set(&mut fields, "priority_id", &self.priorities[*p].to_string());
                }
                if let Some(s) = status {
                    set(
                        &mut fields,
                        "status_reason_id",
                        &self.status(*s).to_string(),
                    );
                }
                if let Some(owner) = owner {
                    set(&mut fields, "owner", &self.encode(*owner));
                }
                match entitlement {
                    Moves::Keep => {}
                    Moves::ToNone => {
                        set(&mut fields, "entitlement_id", "none");
                        set(&mut fields, "entitlement_reason", "Cortesia ao cliente.");
                    }
                    Moves::ToOther => {
                        set(
                            &mut fields,
                            "entitlement_id",
                            &case.entitlements[1].to_string(),
                        );
                    }
                }
                post_fields(browser, &action, fields).await
            }
            Cmd::TermsExempt => {
                browser
                    .post_form(&format!("{path}/terms-exempt"), &[])
                    .await
            }
        }
    }
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(n, _)| n != name);
    fields.push((name.to_owned(), value.to_owned()));
}

async fn post_fields(
    browser: &Browser,
    action: &str,
    fields: Vec<(String, String)>,
) -> TestResponse {
    let mut all: Vec<(String, String)> = vec![(
        "csrf_token".to_owned(),
        browser.csrf.clone().unwrap_or_default(),
    )];
    all.extend(fields.into_iter().filter(|(name, _)| name != "csrf_token"));
    browser.server.post(action).form(&all).await
}

// What is read back ---------------------------------------------------------------

struct Case {
    id: Uuid,
    path: String,
    /// The run's entitlement and the other one.
    entitlements: [Uuid; 2],
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Event {
    id: Uuid,
    kind: String,
    data: Value,
    actor_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Kpi {
    kpi: String,
    status: String,
    started_at: DateTime<Utc>,
    warning_at: DateTime<Utc>,
    failure_at: DateTime<Utc>,
    paused_at: Option<DateTime<Utc>>,
    paused_minutes: i32,
    ended_at: Option<DateTime<Utc>>,
    failed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Ledger {
    name: String,
    total_units: i32,
    remaining_units: i32,
    restrict_creation: bool,
    taken: i64,
    given_back: i64,
    rows: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Row {
    /// The whole row, to tell that nothing moved.
    row: Value,
    /// Each audited field's stored value.
    shown: Value,
    state: String,
    /// The state its status reason belongs to.
    status_state: String,
    status_reason_id: Uuid,
    priority_id: Uuid,
    owner_user_id: Option<Uuid>,
    owner_team_id: Option<Uuid>,
    updated_at: DateTime<Utc>,
    updated_by: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    case: Row,
    events: Vec<Event>,
    kpis: Vec<Kpi>,
    ledgers: Vec<Ledger>,
}

impl std::ops::Deref for Snapshot {
    type Target = Row;

    fn deref(&self) -> &Row {
        &self.case
    }
}

impl Case {
    async fn read(&self, world: &World) -> Snapshot {
        let pool = &world.app.pool;
        let shown = FIELDS
            .iter()
            .map(|(field, column)| format!("'{field}', {column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let case: Row = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select to_jsonb(c) as row, jsonb_build_object({shown}) as shown, c.state, s.state as status_state,
                    c.status_reason_id, c.priority_id, c.owner_user_id, c.owner_team_id, c.updated_at,
                    c.updated_by
               from cases c join status_reasons s on s.id = c.status_reason_id
              where c.id = $1"
        )))
        .bind(self.id)
        .fetch_one(pool)
        .await
        .expect("the case");
        let events = sqlx::query_as(
            "select id, kind, data, actor_id from case_events where case_id = $1 order by at, id",
        )
        .bind(self.id)
        .fetch_all(pool)
        .await
        .expect("the timeline");
        let kpis = sqlx::query_as(
            "select kpi, status, started_at, warning_at, failure_at, paused_at, paused_minutes, ended_at, failed_at
               from sla_kpi_instances where case_id = $1 order by kpi",
        )
        .bind(self.id)
        .fetch_all(pool)
        .await
        .expect("the KPI instances");
        let ledgers = sqlx::query_as(
            "select e.name, e.total_units, e.remaining_units, e.restrict_creation,
                    coalesce(sum(l.units) filter (where l.direction = 'take'), 0)::bigint as taken,
                    coalesce(sum(l.units) filter (where l.direction = 'give_back'), 0)::bigint as given_back,
                    count(l.id) as rows
               from entitlements e left join entitlement_ledger l on l.entitlement_id = e.id
              where e.id = any($1)
              group by e.tenant_id, e.id order by e.name",
        )
        .bind(self.entitlements.to_vec())
        .fetch_all(pool)
        .await
        .expect("the ledgers");
        Snapshot {
            case,
            events,
            kpis,
            ledgers,
        }
    }
}

// What must hold -----------------------------------------------------------------

/// When each KPI's clock last stopped and last ended, as the test saw it:
/// the instant of the command that stopped or ended it.
#[derive(Default)]
struct Clocks {
    paused_since: BTreeMap<String, DateTime<Utc>>,
    ended_at: BTreeMap<String, DateTime<Utc>>,
}

struct Moment<'a> {
    step: usize,
    who: Who,
    cmd: &'a Cmd,
    /// The test clock just before the request and just after it.
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    status: StatusCode,
}

/// What a command must do to the case as it stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Writes,
    /// Refused, or asking for what already holds.
    Nothing,
    /// Either; the answer says which.
    Answer,
}

fn owner_of(case: &Row) -> (Option<Uuid>, Option<Uuid>) {
    match (case.owner_user_id, case.owner_team_id) {
        (Some(user), _) => (Some(user), None),
        (None, team) => (None, team),
    }
}

fn expect(world: &World, case: &Row, who: Who, cmd: &Cmd) -> Expect {
    let active = case.state == "active";
    let writes = |yes: bool| if yes { Expect::Writes } else { Expect::Nothing };
    match cmd {
        Cmd::Start | Cmd::Resolve { .. } | Cmd::Cancel | Cmd::Forward { .. } => writes(active),
        Cmd::Take => {
            let owner = case.owner_user_id;
            writes(
                active
                    && owner != Some(world.user(who))
                    && (who == Who::Supervisor || owner.is_none()),
            )
        }
        Cmd::Assign(target) => {
            writes(active && who == Who::Supervisor && owner_of(case) != world.owner(*target))
        }
        Cmd::Reactivate => writes(!active),
        Cmd::Note {
            priority, status, ..
        } => {
            let changes = priority.is_some_and(|p| world.priorities[p] != case.priority_id)
                || status.is_some_and(|s| world.status(s) != case.status_reason_id);
            let offered = status.is_none_or(|s| s < world.active.len());
            writes(offered && (active || !changes))
        }
        // The form offers a closed case only the statuses of its state; one
        // of an active case, sent anyway, is refused next to the field.
        Cmd::Edit {
            status: Some(s), ..
        } if !active && world.status(*s) != case.status_reason_id => Expect::Nothing,
        Cmd::Edit { entitlement, .. } if *entitlement == Moves::Keep => Expect::Writes,
        Cmd::Edit { .. } => Expect::Answer,
        Cmd::TermsExempt => Expect::Writes,
    }
}

/// Whether `cmd` on a closed case is one its state allows.
fn allowed_when_closed(world: &World, case: &Row, cmd: &Cmd) -> bool {
    match cmd {
        Cmd::Reactivate | Cmd::Edit { .. } | Cmd::TermsExempt => true,
        Cmd::Note { .. } => expect(world, case, Who::Agent, cmd) == Expect::Writes,
        _ => false,
    }
}

/// The fields an entry of these kinds records besides the audit entries:
/// starting the work (the owner with it when it takes the case), closing,
/// reopening and forwarding say what they set.
fn recorded_by(event: &Event) -> Vec<&'static str> {
    match event.kind.as_str() {
        "execution" if event.data["took"] == json!(true) => vec![STATUS, OWNER],
        "execution" | "resolved" | "cancelled" | "reactivated" => vec![STATUS],
        "forward" => vec![OWNER, REQUEST_TYPE],
        _ => Vec::new(),
    }
}

fn audit_kind(field: &str) -> &'static str {
    match field {
        OWNER => "assignment",
        STATUS => "status",
        _ => "field",
    }
}

fn changed_fields(before: &Row, after: &Row) -> Vec<String> {
    FIELDS
        .iter()
        .filter(|(field, _)| before.shown[field] != after.shown[field])
        .map(|(field, _)| (*field).to_owned())
        .collect()
}

/// Each column whose value differs, with both values.
fn moved_columns<'a>(before: &'a Value, after: &'a Value) -> Vec<(&'a str, &'a Value, &'a Value)> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return Vec::new();
    };
    before
        .iter()
        .filter_map(|(column, old)| {
            let new = after.get(column).unwrap_or(&Value::Null);
            (old != new).then_some((column.as_str(), old, new))
        })
        .collect()
}

/// The row without what marks it changed.
fn content(row: &Value) -> Value {
    let mut row = row.clone();
    if let Value::Object(map) = &mut row {
        for key in ["updated_at", "updated_by", "version"] {
            map.remove(key);
        }
    }
    row
}

fn check_opened(world: &World, case: &Case, opened: &Snapshot) -> Result<(), String> {
    ensure!(
        opened.kpis.len() == ITEMS.len(),
        "the new case runs {} clocks: {:?}",
        opened.kpis.len(),
        opened.kpis
    );
    check_clocks(world, opened)?;
    check_terms(opened)?;
    ensure!(
        opened.events.iter().filter(|e| e.kind == "created").count() == 1,
        "case {} has no creation entry",
        case.path
    );
    Ok(())
}

fn check(
    world: &World,
    at: &Moment<'_>,
    before: &Snapshot,
    after: &Snapshot,
    clocks: &mut Clocks,
) -> Result<(), String> {
    let new: Vec<&Event> = after
        .events
        .iter()
        .filter(|e| !before.events.iter().any(|b| b.id == e.id))
        .collect();
    ensure!(
        before.events.iter().all(|b| after.events.contains(b)),
        "an entry of the timeline changed or went away"
    );
    let wrote = !new.is_empty() || content(&before.row) != content(&after.row);
    let expected = expect(world, before, at.who, at.cmd);
    let answered = at.status == StatusCode::SEE_OTHER;
    match expected {
        Expect::Writes => ensure!(
            wrote,
            "the command was refused or wrote nothing (answer {})",
            at.status
        ),
        Expect::Nothing => ensure!(
            !wrote,
            "the command should have changed nothing (answer {}), yet it wrote {:?}",
            at.status,
            new.iter().map(|e| (&e.kind, &e.data)).collect::<Vec<_>>()
        ),
        Expect::Answer => ensure!(
            wrote == answered,
            "answered {} but wrote: {wrote}",
            at.status
        ),
    }

    // Rule 5: a closed case refuses all but what its state allows.
    if before.state != "active" {
        ensure!(
            !wrote || allowed_when_closed(world, before, at.cmd),
            "a {} case took the command",
            before.state
        );
    }

    // Rule 2: "last changed" moves with every change; nothing moves otherwise.
    if wrote {
        let margin = Duration::microseconds(1);
        ensure!(
            after.updated_at >= at.from - margin && after.updated_at <= at.until + margin,
            "updated_at is {} for a command between {} and {}",
            after.updated_at,
            at.from,
            at.until
        );
        ensure!(
            after.updated_by == world.user(at.who),
            "updated_by is {} after a change by {:?}",
            after.updated_by,
            at.who
        );
    } else {
        ensure!(
            after.row == before.row,
            "the case row moved: {:?}",
            moved_columns(&before.row, &after.row)
        );
        ensure!(
            after.kpis == before.kpis,
            "the KPI clocks moved: {:?} -> {:?}",
            before.kpis,
            after.kpis
        );
        ensure!(
            after.ledgers == before.ledgers,
            "the entitlement terms moved: {:?} -> {:?}",
            before.ledgers,
            after.ledgers
        );
    }

    // Rule 1: each changed field has exactly one entry; nothing else is audited.
    let changed = changed_fields(before, after);
    for (field, _) in FIELDS {
        let audits: Vec<&&Event> = new
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "field" | "status" | "assignment"))
            .filter(|e| e.data["field"] == json!(field))
            .collect();
        let recorded = new
            .iter()
            .filter(|e| recorded_by(e).contains(&field))
            .count();
        if changed.iter().any(|c| c == field) {
            ensure!(
                audits.len() + recorded == 1,
                "{field} changed ({} -> {}) with {} audit entries and {recorded} other entries saying so",
                before.shown[field],
                after.shown[field],
                audits.len()
            );
        } else {
            ensure!(
                audits.is_empty(),
                "{field} did not change ({}), yet it was audited: {:?}",
                after.shown[field],
                audits.iter().map(|e| &e.data).collect::<Vec<_>>()
            );
        }
        for audit in audits {
            ensure!(
                audit.kind == audit_kind(field),
                "{field} audited as {}",
                audit.kind
            );
            let new_id = &audit.data["new_id"];
            ensure!(
                new_id.is_null() || *new_id == after.shown[field],
                "{field} audited as becoming {new_id}, but it is {}",
                after.shown[field]
            );
        }
    }
    if let Cmd::Edit { .. } = at.cmd
        && wrote
    {
        // The edit form writes only what the person changed.
        let asked = edit_changes(world, before, at.cmd);
        for field in &changed {
            ensure!(
                asked.contains(&field.as_str()),
                "the edit changed {field} ({} -> {}), which the person left as it was",
                before.shown[field.as_str()],
                after.shown[field.as_str()]
            );
        }
    }
    let authors: Vec<Option<Uuid>> = new
        .iter()
        .map(|e| e.actor_id)
        .filter(|a| *a != Some(world.user(at.who)))
        .collect();
    ensure!(
        authors.is_empty(),
        "entries written by others than {:?}: {authors:?}",
        at.who
    );

    // The case's state and its status reason agree.
    ensure!(
        after.state == after.status_state,
        "a {} case in a status of {} cases",
        after.state,
        after.status_state
    );

    // Rules 3 and 4.
    check_clocks(world, after)?;
    if wrote {
        check_pauses(at.step, before, after, clocks)?;
    }
    check_terms(after)?;
    Ok(())
}

/// The fields an edit asks to change.
fn edit_changes(world: &World, before: &Row, cmd: &Cmd) -> Vec<&'static str> {
    let Cmd::Edit {
        priority,
        status,
        owner,
        ..
    } = cmd
    else {
        return Vec::new();
    };
    let mut asked = vec!["field-title"];
    if priority.is_some() {
        asked.push("field-priority");
    }
    if status.is_some() {
        asked.push(STATUS);
    }
    if owner.is_some_and(|o| world.owner(o) != owner_of(before)) {
        asked.push(OWNER);
    }
    asked
}

/// Rule 3: open clocks stand paused exactly while the case is active in a pause
/// status (a clock already breached runs on); deadlines lie their item's
/// minutes plus the minutes paused after the start.
fn check_clocks(world: &World, case: &Snapshot) -> Result<(), String> {
    let pausing = case.state == "active" && world.pauses.contains(&case.status_reason_id);
    for kpi in &case.kpis {
        let (_, warn, fail) = ITEMS
            .iter()
            .find(|(name, ..)| *name == kpi.kpi)
            .copied()
            .ok_or_else(|| format!("a clock of KPI {}", kpi.kpi))?;
        let shift = i64::from(kpi.paused_minutes);
        ensure!(
            kpi.failure_at == kpi.started_at + Duration::minutes(fail + shift)
                && kpi.warning_at == kpi.started_at + Duration::minutes(warn + shift),
            "{}: started {}, {} minutes paused, warns at {} and fails at {}",
            kpi.kpi,
            kpi.started_at,
            shift,
            kpi.warning_at,
            kpi.failure_at
        );
        ensure!(
            (kpi.status == "paused") == kpi.paused_at.is_some(),
            "{} is {} with paused_at {:?}",
            kpi.kpi,
            kpi.status,
            kpi.paused_at
        );
        if kpi.ended_at.is_none() {
            let should = pausing && kpi.failed_at.is_none();
            ensure!(
                kpi.paused_at.is_some() == should,
                "{} paused: {}, in a {} case of status {} (pause statuses {:?})",
                kpi.kpi,
                kpi.paused_at.is_some(),
                case.state,
                case.status_reason_id,
                world.pauses
            );
        } else {
            ensure!(kpi.paused_at.is_none(), "{} ended, yet paused", kpi.kpi);
        }
    }
    Ok(())
}

/// Rule 3: a clock that resumes (or reopens) pushes its deadlines by the wall
/// minutes since the command that paused (or closed) it.
fn check_pauses(
    step: usize,
    before: &Snapshot,
    after: &Snapshot,
    clocks: &mut Clocks,
) -> Result<(), String> {
    let now = after.updated_at;
    let minutes =
        |since: Option<&DateTime<Utc>>| since.map_or(0, |since| (now - *since).num_minutes());
    for kpi in &after.kpis {
        let Some(was) = before.kpis.iter().find(|k| k.kpi == kpi.kpi) else {
            continue;
        };
        let mut expected = i64::from(was.paused_minutes);
        if was.paused_at.is_some() && kpi.paused_at.is_none() {
            expected += minutes(clocks.paused_since.get(&kpi.kpi));
        }
        if was.ended_at.is_some() && kpi.ended_at.is_none() {
            expected += minutes(clocks.ended_at.get(&kpi.kpi));
        }
        ensure!(
            i64::from(kpi.paused_minutes) == expected,
            "{}: {} minutes paused after step {step}, expected {expected} (was {}); now {}, fails at {}",
            kpi.kpi,
            kpi.paused_minutes,
            was.paused_minutes,
            kpi.status,
            kpi.failure_at
        );
        if kpi.paused_at.is_some() && was.paused_at.is_none() {
            ensure!(
                kpi.paused_at == Some(now),
                "{} paused at {:?}, by a command at {now}",
                kpi.kpi,
                kpi.paused_at
            );
            clocks.paused_since.insert(kpi.kpi.clone(), now);
        }
        if kpi.ended_at.is_some() && was.ended_at.is_none() {
            clocks.ended_at.insert(kpi.kpi.clone(), now);
        }
    }
    Ok(())
}

/// Rule 4: remaining = allocation − takes + give-backs; never below zero under
/// "restrict".
fn check_terms(case: &Snapshot) -> Result<(), String> {
    for ledger in &case.ledgers {
        let books = i64::from(ledger.total_units) - ledger.taken + ledger.given_back;
        ensure!(
            i64::from(ledger.remaining_units) == books,
            "{}: {} remain, but {} allocated − {} taken + {} given back = {books} ({} ledger rows)",
            ledger.name,
            ledger.remaining_units,
            ledger.total_units,
            ledger.taken,
            ledger.given_back,
            ledger.rows
        );
        ensure!(
            ledger.remaining_units >= 0 || !ledger.restrict_creation,
            "{} restricts creation, yet {} remain",
            ledger.name,
            ledger.remaining_units
        );
    }
    Ok(())
}

// Bugs found, kept failing until fixed ------------------------------------------------

/// A supervisor who takes a case they already own (a double click, a second
/// tab) changes nothing: no owner entry "X → X", no new last changer.
#[test]
fn taking_a_case_one_owns_changes_nothing() {
    replay(
        true,
        &[
            (1, Who::Supervisor, Cmd::Start),
            (1, Who::Supervisor, Cmd::Take),
        ],
    );
}

/// A case put on hold, then answered by a public note 90 minutes later: the
/// first-response clock stood still for those 90 minutes, so they count and
/// the answer is judged against the deadline the pause pushed (150 minutes,
/// not 60).
#[test]
fn a_first_response_given_while_paused_counts_the_pause() {
    let on_hold = Cmd::Note {
        public: false,
        priority: None,
        status: Some(1),
    };
    let answer = Cmd::Note {
        public: true,
        priority: None,
        status: None,
    };
    replay(true, &[(1, Who::Agent, on_hold), (90, Who::Agent, answer)]);
}

/// The edit form offers a closed case the statuses of its own state: an
/// edit never leaves a resolved case "in progress".
#[test]
fn the_edit_form_keeps_a_closed_case_in_a_status_of_its_state() {
    let resolve = Cmd::Resolve {
        reason: 0,
        billable: 0,
    };
    let edit = Cmd::Edit {
        priority: None,
        status: Some(0),
        owner: None,
        entitlement: Moves::Keep,
    };
    replay(true, &[(1, Who::Agent, resolve), (1, Who::Agent, edit)]);
}

/// A case received "now" (the form's time left empty) keeps its seconds;
/// an edit that leaves the time as the form shows it (to the minute) keeps
/// them, and audits no change of the time received.
#[test]
fn an_edit_leaves_the_time_received_as_it_was() {
    let edit = Cmd::Edit {
        priority: None,
        status: None,
        owner: None,
        entitlement: Moves::Keep,
    };
    replay(false, &[(1, Who::Agent, edit)]);
}

/// The note form offers the statuses of active cases; a forged request
/// naming "Problema resolvido" is refused and writes nothing, so an active
/// case never sits in a status of resolved cases.
#[test]
fn a_note_sets_only_a_status_of_active_cases() {
    let forged = Cmd::Note {
        public: false,
        priority: None,
        status: Some(4),
    };
    replay(true, &[(1, Who::Agent, forged)]);
}
