//! One configuration struct, read from flags and the environment alike, so
//! `atende --help` documents every knob the service has.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL connection URL. Without it Atende runs its own private
    /// PostgreSQL cluster under `$ATENDE_DATA_DIR/postgres`.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<SecretString>,

    /// Address the web server listens on.
    #[arg(
        long,
        env = "ATENDE_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,

    /// Directory for the embedded PostgreSQL cluster and the dev mail outbox.
    #[arg(long, env = "ATENDE_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Mark session cookies `Secure` (set it when served over HTTPS).
    #[arg(
        long,
        env = "ATENDE_COOKIE_SECURE",
        default_value_t = false,
        global = true
    )]
    pub cookie_secure: bool,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "ATENDE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "ATENDE_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in at which a session ends whatever the activity.
    #[arg(
        long,
        env = "ATENDE_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: u32,

    /// Largest database pool size per instance.
    #[arg(long, env = "ATENDE_DB_POOL_SIZE", default_value_t = default_pool_size(), global = true)]
    pub db_pool_size: u32,

    /// Seconds a request waits for a database connection before a 503 page.
    #[arg(
        long,
        env = "ATENDE_DB_ACQUIRE_TIMEOUT_SECS",
        default_value_t = 3,
        global = true
    )]
    pub db_acquire_timeout_secs: u64,

    /// Seconds before an unfinished request is answered with 408.
    #[arg(
        long,
        env = "ATENDE_REQUEST_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Seconds a client has to send a request's head (its line and headers);
    /// a kept-alive connection waiting for its next request is closed after
    /// the same time.
    #[arg(
        long,
        env = "ATENDE_HEADER_TIMEOUT_SECS",
        default_value_t = 20,
        global = true
    )]
    pub header_timeout_secs: u64,

    /// Most client connections open at once; beyond it new ones wait until one closes.
    #[arg(
        long,
        env = "ATENDE_MAX_CONNECTIONS",
        default_value_t = 1000,
        global = true
    )]
    pub max_connections: usize,

    /// Proxies whose word on the client's address is taken: addresses or
    /// CIDR ranges, comma-separated (e.g. `10.0.0.0/8,192.168.1.10`). Only
    /// requests from these peers have their `Forwarded` or `X-Forwarded-For`
    /// header read, from its right end, skipping trusted hops; from anyone
    /// else those headers are ignored.
    #[arg(
        long,
        env = "ATENDE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_proxy,
        global = true
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Largest accepted form body, in bytes.
    #[arg(long, env = "ATENDE_BODY_LIMIT_BYTES", default_value_t = 2 * 1024 * 1024, global = true)]
    pub body_limit_bytes: usize,

    /// Largest accepted upload (attachments, CSV imports), in bytes.
    #[arg(long, env = "ATENDE_UPLOAD_LIMIT_BYTES", default_value_t = 25 * 1024 * 1024, global = true)]
    pub upload_limit_bytes: usize,

    /// Run the background worker inside `serve` (turn off when workers run apart).
    #[arg(long, env = "ATENDE_WORKER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub worker: bool,

    /// Seconds between background worker ticks.
    #[arg(
        long,
        env = "ATENDE_WORKER_TICK_SECS",
        default_value_t = 5,
        global = true
    )]
    pub worker_tick_secs: u64,

    /// SMTP server for queued e-mail, e.g. `smtps://user:pass@smtp.example.com`
    /// or `smtp://127.0.0.1:1025`. Without it e-mail is written as .eml files
    /// under `$ATENDE_DATA_DIR/mail`, viewable by admins at /admin/outbox.
    #[arg(long, env = "ATENDE_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// Sender of the e-mail Atende sends.
    #[arg(
        long,
        env = "ATENDE_MAIL_FROM",
        default_value = "Atende <no-reply@atende.invalid>",
        global = true
    )]
    pub mail_from: String,

    /// Seconds a worker holds the queued e-mail it claimed. It hands messages
    /// over during the first half and leaves the rest for later; the second
    /// half covers the message in flight. Once a lease ends, another worker
    /// takes the messages of one that died, so this is also how late they go.
    #[arg(
        long,
        env = "ATENDE_MAIL_LEASE_SECS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86_400),
        global = true
    )]
    pub mail_lease_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Four connections per core of this host, and at least eight. Requests
/// beyond them wait in the pool rather than in PostgreSQL: on two cores
/// shared with the database, 16 connections left every page slower than 8
/// (BENCHMARKS.md, the sixth machine).
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(cores.saturating_mul(4))
        .unwrap_or(u32::MAX)
        .max(8)
}

/// A proxy address: a network (`10.0.0.0/8`) or one address (`10.0.0.7`).
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR range"))
}

impl Config {
    pub fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.session_idle_minutes))
    }

    pub fn session_max_age(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.session_max_hours))
    }

    pub fn server_limits(&self) -> crate::server::Limits {
        crate::server::Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            max_connections: self.max_connections,
        }
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.db_acquire_timeout_secs)
    }

    /// A configuration for tests and tools: defaults, a given database, no worker.
    pub fn for_database(url: &str) -> Self {
        Self {
            database_url: Some(SecretString::from(url.to_owned())),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: PathBuf::from("./data"),
            cookie_secure: false,
            log_format: LogFormat::Text,
            session_idle_minutes: 30,
            session_max_hours: 12,
            db_pool_size: 8,
            db_acquire_timeout_secs: 3,
            request_timeout_secs: 30,
            header_timeout_secs: 20,
            max_connections: 1000,
            trusted_proxies: Vec::new(),
            body_limit_bytes: 2 * 1024 * 1024,
            upload_limit_bytes: 25 * 1024 * 1024,
            worker: false,
            worker_tick_secs: 5,
            smtp_url: None,
            mail_from: "Atende <no-reply@atende.invalid>".to_owned(),
            mail_lease_secs: 300,
        }
    }
}
