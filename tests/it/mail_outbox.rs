//! Queued e-mail through the file transport, with workers that run side by
//! side, outlive their leases or die while sending: every message is one
//! file named by its outbox id, with a Message-ID made from that id, and a
//! message sent again is that same file and that same Message-ID.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atende::db::claim::DueCursor;
use atende::mail::Mailer;
use atende::mail::outbox::{self, MailReport};
use chrono::{DateTime, Utc};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use uuid::Uuid;

use crate::support::TestApp;

/// Queues `count` messages, alternately for ACME and GLOBEX, due now.
async fn queue(app: &TestApp, count: usize) -> Vec<Uuid> {
    let ids: Vec<Uuid> = (0..count).map(|_| Uuid::now_v7()).collect();
    let workspaces: Vec<&str> = (0..count)
        .map(|n| if n % 2 == 0 { "acme" } else { "globex" })
        .collect();
    sqlx::query(
        "insert into mail_outbox (tenant_id, id, to_address, subject, body, created_at, next_attempt_at)
         select t.id, q.id, 'agent@' || q.slug || '.test', 'Case update ' || q.id, 'Body of ' || q.id,
                now(), now() - interval '1 second'
           from unnest($1::uuid[], $2::text[]) as q(id, slug) join tenants t on t.slug = q.slug",
    )
    .bind(&ids)
    .bind(&workspaces)
    .execute(&app.pool)
    .await
    .expect("queue messages");
    ids
}

fn mail_dir() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("mail");
    std::fs::create_dir_all(&dir).expect("mail dir");
    (root, dir)
}

/// The `.eml` files of a directory: outbox id → the file's Message-ID.
fn written(dir: &Path) -> BTreeMap<Uuid, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read mail dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let id = Uuid::parse_str(stem)
            .unwrap_or_else(|_| panic!("{} is not named by an outbox id", path.display()));
        let text = std::fs::read_to_string(&path).expect("read message");
        let message_id = text
            .lines()
            .find_map(|line| line.strip_prefix("Message-ID: "))
            .unwrap_or_else(|| panic!("{} has no Message-ID:\n{text}", path.display()));
        files.insert(id, message_id.to_owned());
    }
    files
}

fn message_id(id: Uuid) -> String {
    format!("<{id}@atende.invalid>")
}

/// What the outbox says of a message.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Row {
    id: Uuid,
    sent_at: Option<DateTime<Utc>>,
    attempts: i32,
    due: bool,
    last_error: Option<String>,
}

async fn rows(app: &TestApp, ids: &[Uuid]) -> BTreeMap<Uuid, Row> {
    let rows: Vec<Row> = sqlx::query_as(
        "select id, sent_at, attempts, next_attempt_at is not null as due, last_error
           from mail_outbox where id = any($1)",
    )
    .bind(ids)
    .fetch_all(&app.pool)
    .await
    .expect("outbox rows");
    rows.into_iter().map(|row| (row.id, row)).collect()
}

/// Every message sent and recorded once, nothing due or held any more.
async fn assert_sent_once(app: &TestApp, ids: &[Uuid]) {
    let rows = rows(app, ids).await;
    assert_eq!(rows.len(), ids.len());
    for (id, row) in rows {
        assert!(row.sent_at.is_some(), "{id} was not marked sent");
        assert_eq!(row.attempts, 1, "{id} was recorded {} times", row.attempts);
        assert!(!row.due, "{id} is still due");
        assert_eq!(row.last_error, None, "{id}");
    }
    let held: i64 = sqlx::query_scalar(
        "select count(*) from mail_outbox where id = any($1) and lease_id is not null",
    )
    .bind(ids)
    .fetch_one(&app.pool)
    .await
    .expect("held");
    assert_eq!(held, 0, "messages still held after being sent");
}

#[tokio::test]
async fn every_queued_message_is_one_file_named_and_identified_by_its_outbox_id() {
    let app = TestApp::spawn().await;
    let ids = queue(&app, 3).await;
    let (_root, dir) = mail_dir();
    let mailer = Mailer::to_directory(dir.clone()).expect("mailer");

    let report = atende::worker::run_once(&app.pool, app.clock(), &mailer)
        .await
        .expect("tick");

    assert_eq!(report.mail.sent, 3, "{report:?}");
    let files = written(&dir);
    assert_eq!(files.keys().copied().collect::<Vec<_>>(), ids);
    for (id, found) in files {
        assert_eq!(found, message_id(id));
    }
    assert_sent_once(&app, &ids).await;
}

#[tokio::test]
async fn a_message_sent_again_after_its_worker_died_is_the_same_file_and_message_id() {
    let app = TestApp::spawn().await;
    let ids = queue(&app, 3).await;
    let (_root, dir) = mail_dir();
    let lease = Duration::from_secs(60);
    let mailer = Mailer::to_directory(dir.clone())
        .expect("mailer")
        .with_lease(lease);

    // A worker claims the messages, hands each one over and dies before
    // recording any of them.
    let now = Utc::now();
    let batch = outbox::claim_batch(&app.pool, now, lease, &mut DueCursor::default())
        .await
        .expect("claim");
    assert_eq!(batch.messages().len(), 3);
    for held in batch.messages() {
        mailer
            .send(held.id, &held.to_address, &held.subject, &held.body)
            .await
            .expect("hand over");
    }
    drop(batch);
    let first = written(&dir);
    assert_eq!(first.len(), 3);

    // While its lease runs, nobody else takes them.
    let early = outbox::send_due(&app.pool, &mailer, now + chrono::Duration::seconds(30))
        .await
        .expect("drain during the lease");
    assert_eq!(early, MailReport::default());

    // Once it ends, another worker sends them again: the same three files.
    let late = outbox::send_due(&app.pool, &mailer, now + chrono::Duration::seconds(61))
        .await
        .expect("drain after the lease");
    assert_eq!(late.sent, 3, "{late:?}");
    assert_eq!(
        written(&dir),
        first,
        "a retry added a file or changed a Message-ID"
    );
    for id in &ids {
        assert_eq!(first[id], message_id(*id));
    }
    assert_sent_once(&app, &ids).await;
}

#[tokio::test]
async fn a_worker_whose_lease_ran_out_can_neither_mark_nor_requeue_what_another_worker_sent() {
    let app = TestApp::spawn().await;
    let lease = Duration::from_secs(60);
    let (_root, dir) = mail_dir();
    let mailer = Mailer::to_directory(dir.clone())
        .expect("mailer")
        .with_lease(lease);
    let (_gone_root, gone) = mail_dir();
    let failing = Mailer::to_directory(gone.clone())
        .expect("mailer")
        .with_lease(lease);
    std::fs::remove_dir(&gone).expect("take the transport away");

    for (slow, late_outcome) in [(&failing, "fails"), (&mailer, "succeeds")] {
        let ids = queue(&app, 2).await;
        let now = Utc::now();
        let batch = outbox::claim_batch(&app.pool, now, lease, &mut DueCursor::default())
            .await
            .expect("claim");
        let taken_over = now + chrono::Duration::seconds(61);
        let other = outbox::send_due(&app.pool, &mailer, taken_over)
            .await
            .expect("the other worker");
        assert_eq!(other.sent, 2, "{other:?}");
        let before = rows(&app, &ids).await;

        let report = outbox::deliver(&app.pool, slow, batch)
            .await
            .expect("the late worker");

        assert_eq!(
            report,
            MailReport {
                late: 2,
                ..MailReport::default()
            },
            "when the late handover {late_outcome}"
        );
        assert_eq!(
            rows(&app, &ids).await,
            before,
            "when the late handover {late_outcome}"
        );
        assert_sent_once(&app, &ids).await;
    }
}

#[tokio::test]
async fn a_message_the_transport_refuses_waits_out_its_backoff_and_then_goes_once() {
    let app = TestApp::spawn().await;
    let ids = queue(&app, 1).await;
    let (_root, dir) = mail_dir();
    let mailer = Mailer::to_directory(dir.clone()).expect("mailer");
    std::fs::remove_dir(&dir).expect("take the transport away");

    let now = Utc::now();
    let failed = outbox::send_due(&app.pool, &mailer, now)
        .await
        .expect("drain");
    assert_eq!(failed.failed, 1, "{failed:?}");
    let row = rows(&app, &ids).await[&ids[0]].clone();
    assert_eq!((row.sent_at, row.attempts, row.due), (None, 1, true));
    assert!(row.last_error.is_some());

    std::fs::create_dir_all(&dir).expect("bring the transport back");
    let waiting = outbox::send_due(&app.pool, &mailer, now + chrono::Duration::seconds(90))
        .await
        .expect("drain during the backoff");
    assert_eq!(waiting, MailReport::default());
    let retried = outbox::send_due(&app.pool, &mailer, now + chrono::Duration::minutes(3))
        .await
        .expect("drain after the backoff");
    assert_eq!(retried.sent, 1, "{retried:?}");
    assert_eq!(written(&dir).len(), 1);
    let row = rows(&app, &ids).await[&ids[0]].clone();
    assert_eq!(
        (row.sent_at.is_some(), row.attempts, row.due, row.last_error),
        (true, 2, false, None)
    );
}

#[tokio::test]
async fn two_workers_draining_one_outbox_at_once_send_each_message_once() {
    let app = TestApp::spawn().await;
    // Six batches, so the two drains' claims interleave.
    let ids = queue(&app, 300).await;
    let (_one_root, one_dir) = mail_dir();
    let (_two_root, two_dir) = mail_dir();
    let one = Mailer::to_directory(one_dir.clone()).expect("mailer");
    let two = Mailer::to_directory(two_dir.clone()).expect("mailer");

    let now = Utc::now();
    let (first, second) = tokio::join!(
        outbox::send_due(&app.pool, &one, now),
        outbox::send_due(&app.pool, &two, now)
    );
    let (first, second) = (first.expect("first worker"), second.expect("second worker"));

    assert_eq!(first.sent + second.sent, 300, "{first:?} {second:?}");
    let by_one: BTreeSet<Uuid> = written(&one_dir).into_keys().collect();
    let by_two: BTreeSet<Uuid> = written(&two_dir).into_keys().collect();
    assert_eq!(
        by_one.intersection(&by_two).count(),
        0,
        "sent by both workers"
    );
    let all: BTreeSet<Uuid> = by_one.union(&by_two).copied().collect();
    assert_eq!(all, ids.iter().copied().collect::<BTreeSet<_>>());
    assert_sent_once(&app, &ids).await;
}

const MESSAGES: usize = 500;
const WORKERS: usize = 4;
const KILLS: usize = 12;

/// Every time a worker put a message's file in place, seen from outside.
struct Handovers {
    inotify: Inotify,
    count: BTreeMap<Uuid, usize>,
}

impl Handovers {
    fn watch(dir: &Path) -> Handovers {
        let inotify = Inotify::init(InitFlags::IN_NONBLOCK).expect("inotify");
        inotify
            .add_watch(dir, AddWatchFlags::IN_MOVED_TO)
            .expect("watch the mail directory");
        Handovers {
            inotify,
            count: BTreeMap::new(),
        }
    }

    fn read(&mut self) {
        while let Ok(events) = self.inotify.read_events() {
            for event in events {
                assert!(
                    !event.mask.contains(AddWatchFlags::IN_Q_OVERFLOW),
                    "handovers were missed"
                );
                let name = event.name.expect("a file name");
                let name = name.to_str().expect("utf-8 name");
                if let Some(id) = name.strip_suffix(".eml") {
                    let id = Uuid::parse_str(id).expect("named by an outbox id");
                    *self.count.entry(id).or_default() += 1;
                }
            }
        }
    }
}

fn start_worker(app_url: &str, data: &Path, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("worker log");
    Command::new(env!("CARGO_BIN_EXE_atende"))
        .arg("worker")
        .env("DATABASE_URL", app_url)
        .env("ATENDE_DATA_DIR", data)
        .env("ATENDE_WORKER_TICK_SECS", "1")
        .env("ATENDE_MAIL_LEASE_SECS", "2")
        .env("ATENDE_DB_POOL_SIZE", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start a worker")
}

fn kill_worker(worker: &mut Child) {
    let pid = Pid::from_raw(i32::try_from(worker.id()).expect("pid"));
    let _ = kill(pid, Signal::SIGKILL);
    worker.wait().expect("reap the worker");
}

/// Several `atende worker` processes drain a few hundred messages while the
/// test kills one of them with SIGKILL every so often, at random, and starts
/// it again.
///
/// "Written twice" is a message handed over twice. With files named by
/// outbox id a second copy replaces the first, so the directory alone cannot
/// show it; the test watches the directory and counts every file moved into
/// place. A worker killed after a handover and before its mark sends that
/// one message again once its lease ends, so the count may exceed one for
/// at most one message per kill, and that copy is the same file with the
/// same Message-ID. Before leases, a killed worker sent again every message
/// of its batch it had already handed over, each as a new file without a
/// Message-ID. The outbox, for its part, must show every message marked sent
/// by exactly one attempt.
#[tokio::test]
async fn workers_killed_while_sending_lose_no_message_and_send_at_most_the_one_in_hand_again() {
    let app = TestApp::spawn().await;
    let ids = queue(&app, MESSAGES).await;
    let data = tempfile::tempdir().expect("data dir");
    let dir = data.path().join("mail");
    std::fs::create_dir_all(&dir).expect("mail dir");
    let log = data.path().join("workers.log");
    let mut handovers = Handovers::watch(&dir);
    let url = app.database_url();
    let started = Instant::now();

    let mut workers: Vec<Child> = (0..WORKERS)
        .map(|_| start_worker(&url, data.path(), &log))
        .collect();
    let mut kills = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(20 + rand::random::<u64>() % 100)).await;
        handovers.read();
        let sent: i64 = sqlx::query_scalar(
            "select count(*) from mail_outbox where id = any($1) and sent_at is not null",
        )
        .bind(&ids)
        .fetch_one(&app.pool)
        .await
        .expect("count sent");
        if sent == MESSAGES as i64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "{sent} of {MESSAGES} sent; workers said:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        // Kill while messages are going out, not while the workers start.
        if kills < KILLS && !handovers.count.is_empty() {
            let victim = usize::try_from(rand::random::<u64>() % WORKERS as u64).unwrap_or(0);
            kill_worker(&mut workers[victim]);
            workers[victim] = start_worker(&url, data.path(), &log);
            kills += 1;
        }
    }
    for worker in &mut workers {
        kill_worker(worker);
    }
    handovers.read();

    let files = written(&dir);
    let repeated: usize = handovers.count.values().map(|n| n - 1).sum();
    let late = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .matches("after another worker took it over")
        .count();
    eprintln!(
        "{MESSAGES} messages, {WORKERS} workers, {kills} kills, {} files, {} handovers, \
         {repeated} sent again, {late} after a lease ran out, {:.1} s",
        files.len(),
        handovers.count.values().sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        kills, KILLS,
        "the workers finished before the test could kill them"
    );
    assert_eq!(
        files.keys().copied().collect::<BTreeSet<_>>(),
        ids.iter().copied().collect::<BTreeSet<_>>(),
        "one file per message, named by its id"
    );
    for (id, found) in &files {
        assert_eq!(*found, message_id(*id));
    }
    assert_eq!(handovers.count.len(), MESSAGES);
    assert!(
        repeated <= kills,
        "{repeated} messages sent again after {kills} kills, among them {:?}",
        handovers
            .count
            .iter()
            .filter(|(_, n)| **n > 1)
            .take(5)
            .collect::<Vec<_>>()
    );
    assert_sent_once(&app, &ids).await;
}
