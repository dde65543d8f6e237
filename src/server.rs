//! The HTTP listener: how connections are taken, how long they may take to
//! say what they want, and how many may be open at once.
//!
//! A client that opens a connection and then sends its request head a byte
//! at a time, or never finishes it, holds a socket and a file descriptor for
//! as long as it likes; a few hundred of them exhaust the process. So:
//! - each request head must arrive whole within `header_timeout`. hyper runs
//!   the same timer while a kept-alive connection waits for its next request,
//!   so an idle connection is closed after the same time;
//! - at most `max_connections` are open. Beyond them new clients wait in the
//!   kernel's accept queue, unserved but not refused, and a line is logged;
//! - on shutdown, nothing new is accepted and open connections finish the
//!   request they are serving.
//!
//! Only HTTP/1.1 is spoken: browsers use HTTP/2 only over TLS, which belongs
//! to the proxy in front.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the
/// open connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let saturated = Arc::new(AtomicBool::new(false));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        if slots.available_permits() == 0 && !saturated.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                max_connections = limits.max_connections,
                "connection limit reached: new connections wait until one closes (ATENDE_MAX_CONNECTIONS)"
            );
        }
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    pause_after_accept_error(&err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move { app.oneshot(request.map(axum::body::Body::new)).await }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let saturated = saturated.clone();
        tokio::spawn(async move {
            // Timeouts and clients that leave are the normal end of a connection.
            let _ = connection.await;
            drop(slot);
            saturated.store(false, Ordering::Relaxed);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Out of file descriptors or memory, accepting again at once would spin;
/// a connection reset before it was accepted needs no pause.
async fn pause_after_accept_error(err: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Raises the soft limit on open files to the hard one, as far as the
/// connection limit needs, so the limit is reached before the process runs
/// out of descriptors. Returns the soft limit in force.
pub fn raise_open_file_limit(wanted: u64) -> Option<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft >= wanted {
        return Some(soft);
    }
    let raised = wanted.min(hard);
    match setrlimit(Resource::RLIMIT_NOFILE, raised, hard) {
        Ok(()) => Some(raised),
        Err(_) => Some(soft),
    }
}
