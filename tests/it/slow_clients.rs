//! Clients that hold connections without finishing a request: the server
//! closes them after the header timeout, keeps serving everyone else, and
//! never holds more connections than its limit.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use atende::server::{self, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::support::TestApp;

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Far beyond the timeout: a connection still open by then was not closed by it.
const PATIENCE: Duration = Duration::from_secs(8);

struct RunningServer {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    async fn start(app: &TestApp, max_connections: usize) -> RunningServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let limits = Limits {
            header_timeout: HEADER_TIMEOUT,
            max_connections,
        };
        let task = tokio::spawn(server::serve(listener, app.router(), limits, async {
            let _ = stopped.await;
        }));
        RunningServer {
            address,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(PATIENCE, &mut self.task)
            .await
            .expect("the server stops")
            .expect("the server task ends");
    }
}

/// A whole request on its own connection; the status line of the answer.
async fn get(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: atende.test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Waits for the server to close `stream`, reading whatever it sends first.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
    false
}

#[tokio::test]
async fn a_connection_that_trickles_its_request_head_is_closed_while_others_are_served() {
    let app = TestApp::spawn().await;
    let server = RunningServer::start(&app, 100).await;
    let slow = TcpStream::connect(server.address).await.expect("connect");
    let (mut reader, mut writer) = slow.into_split();
    let trickle = tokio::spawn(async move {
        let started = Instant::now();
        let _ = writer
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: atende.test\r\n")
            .await;
        while started.elapsed() < PATIENCE {
            tokio::time::sleep(Duration::from_millis(150)).await;
            if writer.write_all(b"X-Slow: 1\r\n").await.is_err() {
                break;
            }
        }
    });

    for _ in 0..5 {
        assert_eq!(get(server.address, "/healthz").await, "HTTP/1.1 200 OK");
    }
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    let closed = loop {
        match tokio::time::timeout(PATIENCE, reader.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(_)) => continue,
            Err(_) => break false,
        }
    };
    assert!(closed, "the trickling connection was closed");
    assert!(
        started.elapsed() < PATIENCE,
        "closed by the header timeout, not by the client giving up"
    );
    trickle.abort();
    assert_eq!(get(server.address, "/healthz").await, "HTTP/1.1 200 OK");
    server.stop().await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn().await;
    let server = RunningServer::start(&app, 100).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: atende.test\r\n\r\n")
        .await
        .expect("send");
    let mut buffer = [0u8; 1024];
    let read = stream.read(&mut buffer).await.expect("answer");
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_by_server(&mut stream).await,
        "the idle connection was closed"
    );
    server.stop().await;
}

#[tokio::test]
async fn beyond_the_connection_limit_a_client_waits_for_a_free_slot_and_is_then_served() {
    let app = TestApp::spawn().await;
    let server = RunningServer::start(&app, 2).await;
    let mut silent = Vec::new();
    for _ in 0..2 {
        silent.push(TcpStream::connect(server.address).await.expect("connect"));
    }
    // Both slots are taken once the server has accepted the silent pair.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let address = server.address;
    let waiting = tokio::spawn(async move {
        let status = get(address, "/healthz").await;
        (status, Instant::now())
    });
    let mut first_closed = None;
    for stream in &mut silent {
        assert!(
            closed_by_server(stream).await,
            "a silent connection was closed"
        );
        first_closed.get_or_insert_with(Instant::now);
    }
    let (status, answered) = waiting.await.expect("waiting client");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        answered >= first_closed.expect("closed"),
        "the third client was served only once a slot was free"
    );
    server.stop().await;
}
