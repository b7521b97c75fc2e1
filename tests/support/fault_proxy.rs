//! A fault-injecting HTTP proxy on loopback, between the SDK clients and the emulator.
//!
//! The production adapters are pointed at it with an endpoint URL, exactly as they are
//! pointed at the emulator, so every fault reaches the code the way AWS's would: as a
//! service error, a status, a timeout or a broken connection, through the SDK's own
//! retries. Each request independently gets at most one fault, drawn from a seeded
//! generator at the configured rates (per thousand requests):
//!
//! - `throttle`: DynamoDB `ProvisionedThroughputExceededException` or
//!   `ThrottlingException` (alternately), Kinesis `ProvisionedThroughputExceededException`;
//!   not forwarded;
//! - `status_500` / `status_503`: an internal error or service unavailable; not forwarded;
//! - `delay`: held past the client's attempt timeout, then forwarded anyway, so the
//!   write lands after the client gave up on it;
//! - `drop`: the connection is closed without an answer; not forwarded;
//! - `lost_response`: forwarded, applied by the emulator, and then the connection is
//!   closed instead of answering: the item exists, the client sees an error.
//!
//! What was injected is counted by kind (throttles by service and exception), for the
//! figures in RELIABILITY.md: [`FaultCounts::WRITE_KINDS`] are the kinds a proxy in
//! front of DynamoDB alone can inject.
//!
//! The crash trials use it without faults, as a trigger: [`FaultProxy::crash_at`] runs
//! a kill when the n-th request passes, before forwarding it or after it was applied,
//! so a process dies at a chosen point inside its batch.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// How often each fault is injected, per thousand requests. The rates add up to at
/// most 1000.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultRates {
    pub throttle: u32,
    pub status_500: u32,
    pub status_503: u32,
    pub delay: u32,
    pub drop: u32,
    pub lost_response: u32,
}

impl FaultRates {
    /// Every kind at once, `each` per thousand requests.
    pub fn every_kind(each: u32) -> Self {
        Self {
            throttle: each,
            status_500: each,
            status_503: each,
            delay: each,
            drop: each,
            lost_response: each,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    Throttle,
    Status500,
    Status503,
    Delay,
    Drop,
    LostResponse,
}

/// Requests seen and faults injected, by kind.
#[derive(Debug, Clone, Default)]
pub struct FaultCounts {
    pub requests: u64,
    pub faults: BTreeMap<String, u64>,
}

impl FaultCounts {
    /// Every kind the proxy injects on DynamoDB requests (the consumer's writes), as
    /// counted in `faults`, when every rate is above zero.
    pub const WRITE_KINDS: [&'static str; 7] = [
        "throttle:dynamodb:ProvisionedThroughputExceededException",
        "throttle:dynamodb:ThrottlingException",
        "http_500",
        "http_503",
        "delayed_past_timeout",
        "dropped_connection",
        "response_lost_after_write",
    ];
    /// The Kinesis throttle, counted apart from DynamoDB's.
    pub const KINESIS_THROTTLE: &'static str = "throttle:kinesis:ProvisionedThroughputExceededException";

    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }
}

struct State {
    upstream: String,
    rates: FaultRates,
    /// How long a delayed request is held: longer than the clients' attempt timeout.
    delay: Duration,
    rng: AtomicU64,
    requests: AtomicU64,
    injected: Mutex<BTreeMap<String, u64>>,
    crash: Mutex<Option<Crash>>,
}

/// A kill to run when a request passes.
struct Crash {
    /// The request (counted from when it was set, from 1) that triggers it.
    at: u64,
    seen: u64,
    /// Forward the request first (it is applied, and its answer never read).
    after_forward: bool,
    kill: Box<dyn Fn() + Send>,
}

impl State {
    fn draw(&self) -> Option<Fault> {
        // xorshift64 under a compare-and-swap loop: one draw per request.
        let mut roll = 0;
        let _ = self
            .rng
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mut x| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                roll = (x % 1000) as u32;
                Some(x)
            });
        let r = &self.rates;
        let mut bound = 0;
        for (rate, fault) in [
            (r.throttle, Fault::Throttle),
            (r.status_500, Fault::Status500),
            (r.status_503, Fault::Status503),
            (r.delay, Fault::Delay),
            (r.drop, Fault::Drop),
            (r.lost_response, Fault::LostResponse),
        ] {
            bound += rate;
            if roll < bound {
                return Some(fault);
            }
        }
        None
    }

    fn count(&self, name: &str) {
        *self.injected.lock().unwrap().entry(name.to_owned()).or_default() += 1;
    }
}

/// The running proxy; stopped when dropped.
pub struct FaultProxy {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (an `http://host:port` URL, the emulator).
    pub async fn start(upstream: &str, rates: FaultRates, delay: Duration, seed: u64) -> Self {
        let upstream = upstream
            .trim_end_matches('/')
            .strip_prefix("http://")
            .expect("the emulator is plain HTTP")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            upstream,
            rates,
            delay,
            rng: AtomicU64::new(seed | 1),
            requests: AtomicU64::new(0),
            injected: Mutex::new(BTreeMap::new()),
            crash: Mutex::new(None),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
                    // A connection ends with an error whenever a fault drops it.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self { addr, state, task }
    }

    /// The endpoint URL to give the SDK clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs `kill` when the `at`-th request from now passes (once), before forwarding
    /// it, or after the emulator applied it when `after_forward`. The request is then
    /// never answered.
    pub fn crash_at(&self, at: u64, after_forward: bool, kill: impl Fn() + Send + 'static) {
        *self.state.crash.lock().unwrap() = Some(Crash {
            at,
            seen: 0,
            after_forward,
            kill: Box::new(kill),
        });
    }

    /// Cancels a kill that has not run yet; whether it had run.
    pub fn disarm(&self) -> bool {
        self.state.crash.lock().unwrap().take().is_none()
    }

    pub fn counts(&self) -> FaultCounts {
        FaultCounts {
            requests: self.state.requests.load(Ordering::Relaxed),
            faults: self.state.injected.lock().unwrap().clone(),
        }
    }
}

/// Why a connection is closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped (injected)")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Answer {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
    let request = Request::from_parts(parts, Full::new(body));
    let crash = {
        let mut slot = state.crash.lock().unwrap();
        let due = slot.as_mut().is_some_and(|c| {
            c.seen += 1;
            c.seen == c.at
        });
        if due {
            slot.take()
        } else {
            None
        }
    };
    if let Some(crash) = crash {
        if crash.after_forward {
            let _ = forward(&state.upstream, request).await;
        }
        (crash.kill)();
        return Err(Dropped);
    }
    match state.draw() {
        None => forward(&state.upstream, request).await,
        Some(Fault::Throttle) => {
            let n = state.requests.load(Ordering::Relaxed);
            let kinesis = target.starts_with("Kinesis");
            let kind = if kinesis || n.is_multiple_of(2) {
                "ProvisionedThroughputExceededException"
            } else {
                "ThrottlingException"
            };
            // Counted by service: a Kinesis throttle exercises other code (the pump's
            // reads) than a DynamoDB one.
            let service = if kinesis { "kinesis" } else { "dynamodb" };
            state.count(&format!("throttle:{service}:{kind}"));
            Ok(error_response(StatusCode::BAD_REQUEST, &target, kind))
        }
        Some(Fault::Status500) => {
            state.count("http_500");
            Ok(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &target,
                "InternalServerError",
            ))
        }
        Some(Fault::Status503) => {
            state.count("http_503");
            Ok(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &target,
                "ServiceUnavailable",
            ))
        }
        Some(Fault::Drop) => {
            state.count("dropped_connection");
            Err(Dropped)
        }
        Some(Fault::Delay) => {
            state.count("delayed_past_timeout");
            // Forwarded in its own task after the delay, whether or not the client
            // still waits: a write that lands after its client gave up.
            let upstream = state.upstream.clone();
            let delay = state.delay;
            let late = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                forward(&upstream, request).await
            });
            late.await.map_err(|_| Dropped)?
        }
        Some(Fault::LostResponse) => {
            state.count("response_lost_after_write");
            forward(&state.upstream, request).await?;
            Err(Dropped)
        }
    }
}

/// A JSON error as DynamoDB and Kinesis send them (`__type`, `message`).
fn error_response(status: StatusCode, target: &str, kind: &str) -> Response<Full<Bytes>> {
    let prefix = if target.starts_with("DynamoDB") {
        "com.amazonaws.dynamodb.v20120810#"
    } else {
        ""
    };
    let body = format!(r#"{{"__type":"{prefix}{kind}","message":"injected by the fault proxy"}}"#);
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-errortype", kind)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// Sends one request to the emulator on a fresh connection and returns its answer.
async fn forward(upstream: &str, request: Request<Full<Bytes>>) -> Answer {
    let stream = TcpStream::connect(upstream).await.map_err(|_| Dropped)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|_| Dropped)?;
    tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(|_| Dropped)?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}
