//! A private PostgreSQL cluster under `$ATENDE_DATA_DIR/postgres`, run with the
//! machine's own PostgreSQL binaries, for `cargo run` without a `DATABASE_URL`.
//!
//! It listens only on a Unix socket (no TCP port), trusts connections from the
//! socket (whose directory is readable by the cluster's owner alone), and never
//! runs as root: PostgreSQL refuses that, so when Atende runs as root the
//! cluster belongs to the `postgres` system user, or to one Atende creates.
//! When that user cannot enter the data folder, the cluster lives under
//! `/var/lib/atende/` instead (see `place`).

mod place;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, anyhow, bail};
use sqlx::postgres::PgConnectOptions;

/// The superuser and database the embedded cluster is created with.
const SUPERUSER: &str = "atende";
const DATABASE: &str = "atende";
/// The system user created for the cluster when no `postgres` user exists.
const FALLBACK_OS_USER: &str = "atende-pg";
/// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL binaries (initdb, pg_ctl) were not found: install PostgreSQL (e.g. `apt-get install postgresql`) or set DATABASE_URL"
    )]
    MissingBinaries,
    #[error(
        "user {user} runs the embedded PostgreSQL but cannot enter {}{detail}: make {} reachable by user {user} (chmod o+x {} and any folder below it on the way), or set ATENDE_DATA_DIR to a folder it can reach, or set DATABASE_URL",
        blocked.display(),
        data_dir.display(),
        blocked.display()
    )]
    Unreachable {
        user: String,
        data_dir: PathBuf,
        /// The first folder on the way that the user cannot enter.
        blocked: PathBuf,
        /// What else was tried, as a clause to follow `blocked`.
        detail: String,
    },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    owner: Option<OsUser>,
    /// True when this start ran initdb: the caller seeds the demo tenant then.
    pub fresh: bool,
}

#[derive(Debug, Clone)]
struct OsUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl EmbeddedCluster {
    /// Initialises the cluster on first use, starts it (or adopts one already
    /// running from the same directory) and makes sure the database exists.
    pub async fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin_dir = find_bin_dir().ok_or(EmbeddedError::MissingBinaries)?;
        let data_dir = absolute(data_dir)?;
        let owner = cluster_owner()?;
        let cluster_dir = match owner.clone() {
            // We are the cluster's user, and we made the data folder.
            None => data_dir.join("postgres"),
            Some(user) => {
                let location = tokio::task::spawn_blocking(move || place::locate(&data_dir, &user))
                    .await
                    .context("locating the embedded PostgreSQL panicked")??;
                if let Some(note) = &location.note {
                    tracing::info!("{note}");
                }
                location.dir
            }
        };
        let socket_dir = socket_dir_for(&cluster_dir);

        let mut cluster = Self {
            cluster_dir,
            socket_dir,
            bin_dir,
            owner,
            fresh: false,
        };
        let setup = cluster.clone();
        cluster.fresh = tokio::task::spawn_blocking(move || setup.init_and_start())
            .await
            .context("embedded PostgreSQL start panicked")??;
        cluster.ensure_database().await?;
        Ok(cluster)
    }

    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(SUPERUSER)
            .database(DATABASE)
    }

    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Stops the cluster, waiting for it to shut down cleanly.
    pub async fn stop(&self) -> anyhow::Result<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let output = this.pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])?;
            if !output.status.success() && this.is_running() {
                bail!(
                    "pg_ctl stop failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            Ok(())
        })
        .await
        .context("embedded PostgreSQL stop panicked")?
    }

    fn init_and_start(&self) -> Result<bool, EmbeddedError> {
        fs::create_dir_all(&self.cluster_dir)
            .with_context(|| format!("creating {}", self.cluster_dir.display()))?;
        let fresh = !self.cluster_dir.join("PG_VERSION").exists();
        self.prepare_dir(&self.cluster_dir)?;
        if self.socket_dir != self.cluster_dir {
            fs::create_dir_all(&self.socket_dir).context("creating the socket directory")?;
            self.prepare_dir(&self.socket_dir)?;
        }
        if fresh {
            self.initdb()?;
        }
        if self.is_running() {
            tracing::info!(dir = %self.cluster_dir.display(), "adopting the running embedded PostgreSQL");
            return Ok(fresh);
        }
        self.remove_stale_lock_files()?;
        let log = self.cluster_dir.join("server.log");
        let output = self.pg_ctl([
            OsStr::new("start"),
            OsStr::new("-w"),
            OsStr::new("-t"),
            OsStr::new("60"),
            OsStr::new("-l"),
            log.as_os_str(),
        ])?;
        if !output.status.success() {
            let server_log = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = server_log.lines().rev().take(10).collect();
            return Err(anyhow!(
                "embedded PostgreSQL did not start: {}\n{}",
                String::from_utf8_lossy(&output.stderr).trim(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
            .into());
        }
        Ok(fresh)
    }

    fn initdb(&self) -> anyhow::Result<()> {
        let output = self.run(
            self.bin_dir.join("initdb"),
            [
                OsStr::new("-D"),
                self.cluster_dir.as_os_str(),
                OsStr::new("-U"),
                OsStr::new(SUPERUSER),
                OsStr::new("--auth=trust"),
                OsStr::new("--encoding=UTF8"),
                OsStr::new("--locale=C.UTF-8"),
            ],
        )?;
        if !output.status.success() {
            bail!(
                "initdb failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let settings = format!(
            "\n# Written by Atende: socket only, private to the cluster's owner.\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n\
             max_connections = 100\n",
            self.socket_dir.display()
        );
        let conf = self.cluster_dir.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf).context("reading postgresql.conf")?;
        text.push_str(&settings);
        fs::write(&conf, text).context("writing postgresql.conf")?;
        Ok(())
    }

    async fn ensure_database(&self) -> anyhow::Result<()> {
        use sqlx::{Connection, PgConnection};
        let mut conn = PgConnection::connect_with(&self.connect_options().database("postgres"))
            .await
            .context("connecting to the embedded PostgreSQL")?;
        let exists: bool =
            sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            sqlx::query("create database atende")
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Whether a postmaster is running from this cluster directory right now.
    pub fn is_running(&self) -> bool {
        self.pg_ctl(["status"]).is_ok_and(|o| o.status.success())
    }

    /// A postmaster.pid left by a killed server names a process that is gone or
    /// that is no longer PostgreSQL (pids are reused); either way it must go.
    fn remove_stale_lock_files(&self) -> anyhow::Result<()> {
        let pid_file = self.cluster_dir.join("postmaster.pid");
        let socket_lock = self.socket_dir.join(".s.PGSQL.5432.lock");
        for lock in [pid_file, socket_lock] {
            let Ok(text) = fs::read_to_string(&lock) else {
                continue;
            };
            let pid: Option<i32> = text.lines().next().and_then(|l| l.trim().parse().ok());
            if !pid.is_some_and(is_postgres_process) {
                tracing::warn!(file = %lock.display(), "removing a stale PostgreSQL lock file");
                fs::remove_file(&lock).with_context(|| format!("removing {}", lock.display()))?;
            }
        }
        Ok(())
    }

    fn prepare_dir(&self, dir: &Path) -> anyhow::Result<()> {
        if let Some(owner) = &self.owner {
            chown(dir, Some(owner.uid), Some(owner.gid))
                .with_context(|| format!("giving {} to the PostgreSQL user", dir.display()))?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
        Ok(())
    }

    fn pg_ctl<I, S>(&self, args: I) -> anyhow::Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> =
            vec!["-D".into(), self.cluster_dir.clone().into_os_string()];
        all.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self.run(self.bin_dir.join("pg_ctl"), all)
    }

    fn run<I, S>(&self, program: PathBuf, args: I) -> anyhow::Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(&program);
        command
            .args(args)
            .current_dir(&self.cluster_dir)
            .env_remove("PGDATA")
            .env("LC_ALL", "C.UTF-8");
        if let Some(owner) = &self.owner {
            // std clears supplementary groups when root drops to another uid.
            command.uid(owner.uid).gid(owner.gid);
        }
        command
            .output()
            .with_context(|| format!("running {}", program.display()))
    }
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
    path.canonicalize()
        .with_context(|| format!("resolving {}", path.display()))
}

fn socket_dir_for(cluster_dir: &Path) -> PathBuf {
    let socket = cluster_dir.join(".s.PGSQL.5432");
    if socket.as_os_str().len() <= MAX_SOCKET_PATH {
        return cluster_dir.to_path_buf();
    }
    // A deep data dir cannot hold the socket; a short private dir keyed by the
    // cluster path keeps one socket per cluster.
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    cluster_dir.hash(&mut hasher);
    std::env::temp_dir().join(format!("atende-pg-{:016x}", hasher.finish()))
}

/// The user the cluster's processes run as: none when we are not root.
fn cluster_owner() -> anyhow::Result<Option<OsUser>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let lookup = |name: &str| {
        nix::unistd::User::from_name(name)
            .ok()
            .flatten()
            .map(|u| OsUser {
                name: u.name,
                uid: u.uid.as_raw(),
                gid: u.gid.as_raw(),
            })
    };
    if let Some(user) = lookup("postgres").or_else(|| lookup(FALLBACK_OS_USER)) {
        return Ok(Some(user));
    }
    let status = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
        ])
        .arg(FALLBACK_OS_USER)
        .status()
        .context("running useradd to create the PostgreSQL system user")?;
    if !status.success() {
        bail!("could not create the system user {FALLBACK_OS_USER} for PostgreSQL");
    }
    lookup(FALLBACK_OS_USER)
        .map(Some)
        .ok_or_else(|| anyhow!("system user {FALLBACK_OS_USER} is missing after useradd"))
}

fn is_postgres_process(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| comm.trim() == "postgres" || comm.trim() == "postmaster")
}

/// `initdb` and `pg_ctl` from PATH, else the newest /usr/lib/postgresql/*/bin.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_both(d))
    {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}
