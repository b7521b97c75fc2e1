//! The HTTP server `tweetboard serve` and `tweetboard predict-server` run their routers
//! on: HTTP/1 with limits, so a client cannot hold a connection or a task by sending
//! nothing, dribbling its headers or body, or opening connections without end.
//!
//! - A request's head (request line and headers) must arrive within
//!   [`ServerLimits::header_read`], counted from the connection's start or the previous
//!   response; an idle keep-alive connection is closed after the same time.
//! - A request must be answered within [`ServerLimits::request`] (reading its body
//!   included); else it gets a 408 and the connection is closed.
//! - A connection lives at most [`ServerLimits::connection`], whatever it does: a client
//!   that asks for a large answer and never reads it cannot hold its slot for ever.
//! - At most [`ServerLimits::max_connections`] connections are served at once; further
//!   ones wait in the listen backlog.
//!
//! `axum::serve` sets none of these, hence this small accept loop over hyper.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// How long a client may take to send a request's head.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, its body and the answer included. A board page is
/// usually a few Queries; one that takes longer (up to 64 Queries, each bounded by the
/// SDK's own 30 s timeout) is cut off here with a 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one connection may live, however many requests it carries.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(300);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 256;

/// The limits one server applies to every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    pub header_read: Duration,
    pub request: Duration,
    pub connection: Duration,
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read: HEADER_READ_TIMEOUT,
            request: REQUEST_TIMEOUT,
            connection: CONNECTION_LIFETIME,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then stops
/// accepting, lets the connections finish their requests, and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::from_fn_with_state(
        limits.request,
        request_timeout,
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(event = "accept_failed", error = %e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let lifetime = tokio::time::sleep(limits.connection);
            tokio::pin!(lifetime);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
                // Dropping the connection closes its socket, whatever it was waiting on.
                () = &mut lifetime => {
                    tracing::debug!(event = "connection_lifetime_reached");
                    return;
                }
            };
            if let Err(e) = result {
                // A timed-out or vanished client: its connection is closed, nothing more.
                tracing::debug!(event = "connection_closed", error = %e);
            }
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = stop.send(());
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Answers 408 and closes the connection when a request takes longer than `limit`.
async fn request_timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            Json(serde_json::json!({
                "error": format!("the request took longer than {} ms", limit.as_millis())
            })),
        )
            .into_response(),
    }
}

/// Completes on Ctrl-C.
pub async fn ctrl_c() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::body::Bytes;
    use axum::routing::{get, post};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    /// A guard against a hung test, far above every limit the tests set.
    const GUARD: Duration = Duration::from_secs(10);

    fn short_limits() -> ServerLimits {
        ServerLimits {
            header_read: Duration::from_millis(300),
            request: Duration::from_millis(500),
            connection: Duration::from_secs(2),
            max_connections: 8,
        }
    }

    /// A server on a free loopback port with a route that answers at once and one that
    /// reads the body; it stops with the test's runtime.
    async fn start(limits: ServerLimits) -> SocketAddr {
        let router = Router::new()
            .route("/", get(|| async { "hello" }))
            .route("/large", get(|| async { "x".repeat(32 << 20) }))
            .route("/echo", post(|body: Bytes| async move { body }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, router, limits, std::future::pending()));
        addr
    }

    /// Reads until the server closes the connection: what it sent, or `None` if it was
    /// still open when the guard ran out.
    async fn until_closed(client: &mut TcpStream) -> Option<String> {
        let mut seen = Vec::new();
        match tokio::time::timeout(GUARD, client.read_to_end(&mut seen)).await {
            Ok(_) => Some(String::from_utf8_lossy(&seen).into_owned()),
            Err(_) => None,
        }
    }

    /// A client that sends a whole request (and asks for the connection to be closed).
    async fn a_second_client(addr: SocketAddr) -> TcpStream {
        let mut client = TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        client
    }

    /// Sends `request` on a new connection and reads until the server closes it.
    async fn send_and_read_until_closed(addr: SocketAddr, request: &[u8]) -> String {
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(request).await.unwrap();
        until_closed(&mut client)
            .await
            .expect("the connection is still open")
    }

    #[tokio::test]
    async fn a_client_that_sends_nothing_is_disconnected() {
        // GIVEN a server with a short header-read timeout
        let addr = start(short_limits()).await;

        // WHEN a client connects and sends nothing
        let mut client = TcpStream::connect(addr).await.unwrap();

        // THEN the server closes the connection without answering
        assert_eq!(until_closed(&mut client).await.as_deref(), Some(""));
    }

    #[tokio::test]
    async fn a_client_that_dribbles_its_headers_is_disconnected() {
        // GIVEN a server with a short header-read timeout
        let addr = start(short_limits()).await;

        // WHEN a client sends half a request line, then a header byte at a time slower
        // than the timeout allows in all
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(b"GET / HT").await.unwrap();
        for byte in b"TP/1.1\r\nHost: x\r\nX-Slow: aaaa" {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if client.write_all(&[*byte]).await.is_err() {
                break;
            }
        }

        // THEN the server closes the connection
        let answer = until_closed(&mut client)
            .await
            .expect("the connection is still open");
        assert!(!answer.contains("hello"), "{answer}");
    }

    #[tokio::test]
    async fn an_idle_keep_alive_connection_is_closed_after_its_answer() {
        // GIVEN a server with a short header-read timeout
        let addr = start(short_limits()).await;

        // WHEN a client sends one whole request and then nothing, keeping the connection
        let answer = send_and_read_until_closed(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;

        // THEN it gets its answer, and the connection is closed afterwards
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("hello"), "{answer}");
    }

    #[tokio::test]
    async fn a_request_whose_body_never_comes_gets_a_408_and_is_closed() {
        // GIVEN a server with a short request timeout
        let addr = start(short_limits()).await;

        // WHEN a client announces a body of 100 bytes and sends 10
        let answer = send_and_read_until_closed(
            addr,
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
        )
        .await;

        // THEN it gets a 408 with a JSON error, and the connection is closed
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(
            answer.contains(r#"{"error":"the request took longer than 500 ms"}"#),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn connections_beyond_the_bound_wait_until_one_closes() {
        // GIVEN a server that serves one connection at a time, and a client holding it
        let addr = start(ServerLimits {
            max_connections: 1,
            header_read: Duration::from_secs(5),
            ..short_limits()
        })
        .await;
        let holder = TcpStream::connect(addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;

        // WHEN a second client sends a whole request
        let mut second = a_second_client(addr).await;

        // THEN it is answered only once the first connection is gone
        let mut first_byte = [0u8; 1];
        let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut first_byte)).await;
        assert!(early.is_err(), "answered while the only slot was taken");
        drop(holder);
        let answer = until_closed(&mut second).await.expect("never answered");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    #[tokio::test]
    async fn a_client_that_never_reads_its_answer_loses_its_slot_at_the_connection_lifetime() {
        // GIVEN a server of one connection at a time, and a client that asks for 32 MB
        // and reads none of it (the answer fills the socket buffers and stalls)
        let addr = start(ServerLimits {
            max_connections: 1,
            connection: Duration::from_millis(800),
            ..short_limits()
        })
        .await;
        let mut stalled = TcpStream::connect(addr).await.unwrap();
        stalled
            .write_all(b"GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;

        // WHEN a second client sends a whole request
        let mut second = a_second_client(addr).await;

        // THEN it is answered once the stalled connection's lifetime is over
        let answer = until_closed(&mut second).await.expect("never answered");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        drop(stalled);
    }

    #[tokio::test]
    async fn shutdown_stops_accepting_and_returns() {
        // GIVEN a server whose shutdown signal is a channel
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            Router::new().route("/", get(|| async { "hello" })),
            short_limits(),
            async move {
                let _ = rx.await;
            },
        ));
        let _idle = TcpStream::connect(addr).await.unwrap();

        // WHEN it is signalled
        tx.send(()).unwrap();

        // THEN it returns, and the port is no longer served
        let result = tokio::time::timeout(GUARD, server).await;
        assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
