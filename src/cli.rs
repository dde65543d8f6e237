//! The command line: `serve` (the default), `migrate`, `worker`, and the
//! administrative commands. Each returns the process exit code.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::app::{self, AppState};
use crate::clock::Clock;
use crate::config::{Config, LogFormat};
use crate::db::{self, Database, EmbeddedError};
use crate::mail::Mailer;
use crate::users::model::Role;
use crate::{seed, tenants, worker};

/// Atende: a multi-tenant web service desk for cases (atendimentos),
/// customers, entitlements and SLAs.
///
/// Without DATABASE_URL, Atende runs a private PostgreSQL cluster under
/// $ATENDE_DATA_DIR/postgres (under /var/lib/atende when, run as root, the
/// cluster's user cannot enter that folder) using this machine's PostgreSQL
/// binaries and, on its first start, creates a demo workspace. Log verbosity follows RUST_LOG
/// (e.g. RUST_LOG=debug or RUST_LOG=atende=debug,info).
#[derive(Debug, Parser)]
#[command(name = "atende", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server and the background worker (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Run the background worker alone.
    Worker {
        /// Do the work due now once, print what was done and how long it took, and exit
        /// (for benchmarks and cron-like runs).
        #[arg(long)]
        drain: bool,
    },
    /// Manage workspaces (tenants).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage users of a workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// Load sample data.
    #[command(subcommand)]
    Seed(SeedCommand),
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a workspace with its first admin.
    Create {
        /// Workspace identifier typed at sign-in (lowercase letters, digits, dashes).
        #[arg(long)]
        slug: String,
        /// Display name of the workspace.
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        /// Password of the first admin (12 to 128 characters).
        #[arg(long, env = "ATENDE_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: String,
        /// Display name of the first admin.
        #[arg(long, default_value = "Administrador")]
        admin_name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in a workspace.
    Create {
        /// Workspace slug.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// agent, supervisor or admin.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Password (12 to 128 characters).
        #[arg(long, env = "ATENDE_USER_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// Create (or complete) the demo workspace `demo`.
    Demo,
    /// Create benchmark workspaces bulk-01.. with deterministic data.
    Bulk {
        /// Number of workspaces.
        #[arg(long, default_value_t = 10)]
        tenants: u32,
        /// Customers of the first (largest) workspace; the others get a tenth.
        #[arg(long, default_value_t = 100_000)]
        customers: u32,
        /// Cases in all workspaces together (the first gets a double share).
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub async fn run(cli: Cli) -> ExitCode {
    let config = cli.config;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            with_database(&config, |db| async move { db::migrate(&db.pool).await }).await
        }
        Command::Worker { drain } => run_worker(config, drain).await,
        Command::Tenant(TenantCommand::Create {
            slug,
            name,
            admin_email,
            admin_password,
            admin_name,
        }) => {
            with_database(&config, |db| async move {
                db::migrate(&db.pool).await?;
                let new = tenants::NewTenant {
                    slug: &slug,
                    name: &name,
                    admin_email: &admin_email,
                    admin_name: &admin_name,
                    admin_password: &admin_password,
                };
                tenants::create(&db.pool, new).await?;
                println!("Workspace {slug} created; sign in at /login?workspace={slug}");
                Ok(())
            })
            .await
        }
        Command::User(UserCommand::Create {
            tenant,
            email,
            name,
            role,
            password,
        }) => {
            with_database(&config, |db| async move {
                db::migrate(&db.pool).await?;
                let role = Role::parse(&role).context("role must be agent, supervisor or admin")?;
                tenants::create_user(&db.pool, &tenant, &email, &name, role, &password).await?;
                println!("User {email} created in {tenant}");
                Ok(())
            })
            .await
        }
        Command::Seed(SeedCommand::Bulk {
            tenants,
            customers,
            cases,
            seed,
        }) => {
            with_database(&config, |db| async move {
                db::migrate(&db.pool).await?;
                let options = seed::bulk::BulkOptions {
                    tenants,
                    customers,
                    cases,
                    seed,
                };
                let report = seed::bulk::bulk(&db.pool, options).await?;
                println!(
                    "{} workspaces, {} customers, {} cases, {} timeline entries in {:.1} s (password {})",
                    report.tenants,
                    report.customers,
                    report.cases,
                    report.events,
                    report.seconds,
                    seed::bulk::BULK_PASSWORD
                );
                Ok(())
            })
            .await
        }
        Command::Seed(SeedCommand::Demo) => {
            with_database(&config, |db| async move {
                db::migrate(&db.pool).await?;
                seed::demo(&db.pool).await?;
                print!("{}", seed::demo_logins());
                Ok(())
            })
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast_ref::<EmbeddedError>() {
            Some(EmbeddedError::MissingBinaries) => {
                eprintln!("{err}");
                ExitCode::from(2)
            }
            _ => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Opens the database (starting the embedded cluster if needed), runs `work`,
/// and closes it again, stopping a cluster this command started.
async fn with_database<F, Fut>(config: &Config, work: F) -> anyhow::Result<()>
where
    F: FnOnce(DbHandle) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let db = Database::open(config).await?;
    let handle = DbHandle {
        pool: db.pool.clone(),
    };
    let result = work(handle).await;
    db.close().await;
    result
}

pub struct DbHandle {
    pub pool: sqlx::PgPool,
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = Database::open(&config).await?;
    let result = serve_with(&config, &db).await;
    db.close().await;
    result
}

async fn serve_with(config: &Config, db: &Database) -> anyhow::Result<()> {
    db::migrate(&db.pool).await?;
    if db.embedded.as_ref().is_some_and(|cluster| cluster.fresh) {
        seed::demo(&db.pool)
            .await
            .context("seeding the demo workspace")?;
    }
    let clock = Clock::default();
    let state = AppState::new(db.pool.clone(), config.clone(), clock.clone());
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let address = listener.local_addr()?;
    println!("Atende is running at http://{address}/");
    if db.embedded.is_some() {
        print!("{}", seed::demo_logins());
    }

    let cancel = CancellationToken::new();
    let tracker = TaskTracker::new();
    if config.worker {
        tracker.spawn(worker::run(
            db.pool.clone(),
            clock,
            Mailer::from_config(config)?,
            Duration::from_secs(config.worker_tick_secs),
            cancel.clone(),
        ));
    }
    let app = app::router(state);
    ensure_open_files_for(config.max_connections);
    crate::server::serve(listener, app, config.server_limits(), shutdown_signal()).await;
    tracing::info!("in-flight requests finished; stopping the worker");
    cancel.cancel();
    tracker.close();
    tracker.wait().await;
    Ok(())
}

async fn run_worker(config: Config, drain: bool) -> anyhow::Result<()> {
    let db = Database::open(&config).await?;
    let result = async {
        db::migrate(&db.pool).await?;
        if drain {
            // Each kind of work timed on its own: SLA transitions, entitlement
            // dates, then the e-mail those transitions queued.
            let now = Clock::default().now();
            // A connection made beforehand, so the timings are of the work alone.
            drop(db.pool.acquire().await?);
            let started = std::time::Instant::now();
            let sla = crate::worker::sla::run_due(&db.pool, now).await?;
            let sla_seconds = started.elapsed().as_secs_f64();
            let entitlements = crate::entitlements::worker::run_due(&db.pool, now).await?;
            let mail_started = std::time::Instant::now();
            let mail =
                crate::mail::outbox::send_due(&db.pool, &Mailer::from_config(&config)?, now)
                    .await?;
            let mail_seconds = mail_started.elapsed().as_secs_f64();
            // What a running worker pays each tick once nothing is due: the
            // same pass again, on a connection that has run it before.
            let idle_started = std::time::Instant::now();
            crate::worker::sla::run_due(&db.pool, now).await?;
            let idle_tick_ms = idle_started.elapsed().as_secs_f64() * 1000.0;
            println!(
                "warned={} failed={} sla_seconds={sla_seconds:.3} entitlements={entitlements} mail_sent={} mail_seconds={mail_seconds:.3} idle_tick_ms={idle_tick_ms:.2}",
                sla.warned, sla.failed, mail.sent,
            );
            return Ok(());
        }
        let cancel = CancellationToken::new();
        let worker = tokio::spawn(worker::run(
            db.pool.clone(),
            Clock::default(),
            Mailer::from_config(&config)?,
            Duration::from_secs(config.worker_tick_secs),
            cancel.clone(),
        ));
        shutdown_signal().await;
        cancel.cancel();
        worker.await.context("worker task")
    }
    .await;
    db.close().await;
    result
}

/// Each connection takes a file descriptor, and the pool, the log and the
/// embedded cluster's socket take some more.
fn ensure_open_files_for(max_connections: usize) {
    let wanted = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(256);
    match crate::server::raise_open_file_limit(wanted) {
        Some(limit) if limit < wanted => tracing::warn!(
            open_files = limit,
            max_connections,
            "the open-file limit is below ATENDE_MAX_CONNECTIONS plus what the service itself needs; lower ATENDE_MAX_CONNECTIONS or raise the limit (ulimit -n)"
        ),
        _ => {}
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutdown signal received");
}
