//! The private PostgreSQL cluster behind `cargo run`, the database going away
//! under a running server, and shutting down with requests in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atende::app::{self, AppState};
use atende::clock::Clock;
use atende::config::Config;
use atende::db::{self, EmbeddedCluster};
use axum::http::StatusCode;
use axum_test::TestServer;
use sqlx::{Connection, PgConnection};

fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("atende-it-")
        .tempdir()
        .expect("temp dir");
    // When tests run as root the cluster runs as `postgres`; a folder it can
    // enter keeps the cluster inside, so it goes away with the folder.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

async fn answers(cluster: &EmbeddedCluster) -> bool {
    match PgConnection::connect_with(&cluster.connect_options()).await {
        Ok(mut conn) => sqlx::query_scalar::<_, i32>("select 1")
            .fetch_one(&mut conn)
            .await
            .is_ok(),
        Err(_) => false,
    }
}

fn postmaster_pid(dir: &Path) -> Option<i32> {
    std::fs::read_to_string(dir.join("postgres/postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn wait_until_gone(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn the_cluster_starts_from_nothing_is_reused_and_survives_a_killed_server() {
    let dir = data_dir();
    let first = EmbeddedCluster::start(dir.path())
        .await
        .expect("first start");
    assert!(first.fresh, "an empty data dir is initialised");
    assert!(answers(&first).await);
    let conf = std::fs::read_to_string(dir.path().join("postgres/postgresql.conf")).expect("conf");
    assert!(conf.contains("listen_addresses = ''"), "no TCP port");
    first.stop().await.expect("stop");
    assert!(postmaster_pid(dir.path()).is_none(), "stopped cleanly");

    let second = EmbeddedCluster::start(dir.path())
        .await
        .expect("second start");
    assert!(!second.fresh, "the second start reuses the cluster");
    assert!(answers(&second).await);

    let pid = postmaster_pid(dir.path()).expect("running");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill -9");
    wait_until_gone(pid);
    assert!(
        postmaster_pid(dir.path()).is_some(),
        "kill -9 leaves postmaster.pid behind"
    );
    let third = EmbeddedCluster::start(dir.path())
        .await
        .expect("start after kill -9");
    assert!(answers(&third).await);
    third.stop().await.expect("stop");

    // A stale pid file naming a live process that is not PostgreSQL (pids are reused).
    let pid_file = dir.path().join("postgres/postmaster.pid");
    std::fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), dir.path().display()),
    )
    .expect("plant pid file");
    let fourth = EmbeddedCluster::start(dir.path())
        .await
        .expect("start over a foreign pid file");
    assert!(answers(&fourth).await);
    fourth.stop().await.expect("stop");
}

/// What the code under test logs on this thread, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("logs")).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[tokio::test]
async fn a_cluster_started_from_a_private_folder_lives_where_its_user_can_reach_and_says_where() {
    let private = tempfile::Builder::new()
        .prefix("atende-private-")
        .tempdir()
        .expect("temp dir");
    std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o700))
        .expect("chmod 700");
    let data = private.path().join("data");
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();

    let first = {
        let _logging = tracing::subscriber::set_default(subscriber);
        EmbeddedCluster::start(&data).await.expect("first start")
    };
    assert!(first.fresh, "an empty data dir is initialised");
    assert!(answers(&first).await);
    let lives: PathBuf = first.cluster_dir().to_path_buf();
    let said: Vec<String> = logs
        .text()
        .lines()
        .filter(|line| line.contains("lives in"))
        .map(str::to_owned)
        .collect();
    if nix::unistd::geteuid().is_root() {
        // The cluster runs as `postgres`, which cannot enter the private folder.
        assert!(!lives.starts_with(private.path()), "{}", lives.display());
        assert!(lives.starts_with("/var/lib/atende/"), "{}", lives.display());
        assert!(!data.join("postgres").exists(), "nothing left behind");
        assert_eq!(said.len(), 1, "one line says where: {said:?}");
        assert!(said[0].contains(&lives.display().to_string()), "{said:?}");
    } else {
        // The cluster runs as us, and we can enter our own private folder.
        assert_eq!(lives, data.canonicalize().expect("data").join("postgres"));
        assert!(said.is_empty(), "nothing to say: {said:?}");
    }
    first.stop().await.expect("stop");

    let second = EmbeddedCluster::start(&data).await.expect("second start");
    assert!(!second.fresh, "the second start reuses the cluster");
    assert_eq!(second.cluster_dir(), lives, "in the same place");
    assert!(answers(&second).await);
    second.stop().await.expect("stop");
    if !lives.starts_with(private.path()) {
        std::fs::remove_dir_all(&lives).expect("remove the cluster");
    }
}

#[tokio::test]
async fn a_stopped_database_gives_503_and_the_service_recovers_when_it_returns() {
    let dir = data_dir();
    let cluster = EmbeddedCluster::start(dir.path()).await.expect("start");
    let mut config = Config::for_database("postgres://unused");
    config.db_acquire_timeout_secs = 1;
    let pool = db::pool_options(&config).connect_lazy_with(cluster.connect_options());
    db::migrate(&pool).await.expect("migrate");
    atende::seed::demo(&pool).await.expect("demo");
    let router = app::router(AppState::new(pool.clone(), config, Clock::default()));
    let mut browser = crate::support::Browser {
        server: TestServer::builder().save_cookies().build(router),
        csrf: None,
    };
    let response = browser
        .sign_in("demo", "agent@demo.test", "demo-password")
        .await;
    assert_eq!(response.status_code(), StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/cases").await.status_code(), StatusCode::OK);

    cluster.stop().await.expect("stop the database");
    let started = Instant::now();
    let response = browser.get("/cases").await;
    assert_eq!(response.status_code(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.maybe_header("retry-after").is_some());
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the request gave up instead of hanging"
    );
    assert_eq!(
        browser.get("/readyz").await.status_code(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    let restarted = EmbeddedCluster::start(dir.path()).await.expect("restart");
    assert_eq!(
        browser.get("/cases").await.status_code(),
        StatusCode::OK,
        "recovered without a restart"
    );
    assert_eq!(browser.get("/readyz").await.status_code(), StatusCode::OK);
    pool.close().await;
    restarted.stop().await.expect("stop");
}

#[test]
fn sigterm_lets_in_flight_requests_finish_and_stops_the_embedded_cluster() {
    let dir = data_dir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_atende"))
        .env_remove("DATABASE_URL")
        .env("ATENDE_DATA_DIR", dir.path())
        .env("ATENDE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start atende");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut printed = String::new();
    while !printed.contains("agent@demo.test") {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("read stdout") == 0 {
            panic!("atende exited early; printed:\n{printed}");
        }
        printed.push_str(&line);
    }
    assert!(
        printed.contains(&format!("http://127.0.0.1:{port}/")),
        "prints the URL:\n{printed}"
    );
    assert!(
        printed.contains("demo-password"),
        "prints the demo logins:\n{printed}"
    );

    // Start a request and leave its body half sent while the signal arrives.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let body = "workspace=demo&email=agent%40demo.test&password=x";
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .expect("send head");
    stream.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(300));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body.as_bytes()[10..]).expect("send rest");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    assert!(
        response.starts_with("HTTP/1.1 403"),
        "the in-flight request was answered: {response:.200}"
    );

    let status = child.wait().expect("exit");
    assert!(status.success(), "clean exit: {status:?}");
    assert!(
        !dir.path().join("postgres/postmaster.pid").exists(),
        "the embedded cluster was stopped"
    );
}
