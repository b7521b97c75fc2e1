//! A Lambda Runtime API host on loopback, in the tests: runs a function binary as
//! Lambda runs it (`AWS_LAMBDA_RUNTIME_API`), hands it events one at a time, and
//! collects its answers. The crash trials kill the process mid-batch and start a new
//! one, as Lambda does after a crash; [`LambdaHost::kill_at_answer`] kills it when it
//! posts its answer instead (the batch done, its answer lost), so that a kill armed
//! for a request the process never made still happens. `tests/tools/lambda_host.py`
//! is the stand-alone version `make measure-memory` uses.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};

const RUNTIME: &str = "/2018-06-01/runtime";

/// How an invocation ended, as the function reported it.
#[derive(Debug, Clone)]
pub enum Answer {
    Response(Vec<u8>),
    Error(String),
    InitError(String),
}

struct Shared {
    pending: Mutex<VecDeque<Vec<u8>>>,
    arrived: Notify,
    answers: mpsc::UnboundedSender<Answer>,
    next_id: Mutex<u64>,
    /// Run instead of accepting the next answer (once).
    kill_at_answer: Mutex<Option<Box<dyn Fn() + Send>>>,
}

/// The runtime API; stopped when dropped.
pub struct LambdaHost {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    answers: mpsc::UnboundedReceiver<Answer>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LambdaHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LambdaHost {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let (tx, answers) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            pending: Mutex::new(VecDeque::new()),
            arrived: Notify::new(),
            answers: tx,
            next_id: Mutex::new(0),
            kill_at_answer: Mutex::new(None),
        });
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| route(state.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            shared,
            answers,
            task,
        }
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn runtime_api(&self) -> String {
        self.addr.to_string()
    }

    /// Queues an event for the next `invocation/next`. An event handed to a process
    /// that then died is gone: queue it again, as Lambda retries it.
    pub fn invoke(&self, event: Vec<u8>) {
        self.shared.pending.lock().unwrap().push_back(event);
        self.shared.arrived.notify_one();
    }

    /// Forgets events not handed out yet.
    pub fn clear(&self) {
        self.shared.pending.lock().unwrap().clear();
    }

    /// Runs `kill` when the function posts its next answer (a response or an error),
    /// which is then never accepted: a crash after the batch's work, before Lambda
    /// hears of it.
    pub fn kill_at_answer(&self, kill: impl Fn() + Send + 'static) {
        *self.shared.kill_at_answer.lock().unwrap() = Some(Box::new(kill));
    }

    /// Cancels a kill at the answer that has not run yet; whether it had run.
    pub fn disarm_kill_at_answer(&self) -> bool {
        self.shared.kill_at_answer.lock().unwrap().take().is_none()
    }

    /// The next answer; `None` once the host is gone.
    pub async fn answer(&mut self) -> Option<Answer> {
        self.answers.recv().await
    }
}

fn reply(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn route(state: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let body = req.into_body().collect().await?.to_bytes().to_vec();
    let Some(rest) = path.strip_prefix(RUNTIME) else {
        return Ok(reply(StatusCode::NOT_FOUND, vec![]));
    };
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    if method == Method::POST && matches!(parts.as_slice(), ["invocation", _, "response" | "error"]) {
        let kill = state.kill_at_answer.lock().unwrap().take();
        if let Some(kill) = kill {
            kill();
            return Ok(reply(StatusCode::INTERNAL_SERVER_ERROR, vec![]));
        }
    }
    match (method, parts.as_slice()) {
        (Method::GET, ["invocation", "next"]) => {
            let event = loop {
                let notified = state.arrived.notified();
                if let Some(e) = state.pending.lock().unwrap().pop_front() {
                    break e;
                }
                notified.await;
            };
            let id = {
                let mut n = state.next_id.lock().unwrap();
                *n += 1;
                format!("request-{n}")
            };
            let deadline = chrono::Utc::now().timestamp_millis() + 60_000;
            Ok(Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .header("lambda-runtime-aws-request-id", id)
                .header("lambda-runtime-deadline-ms", deadline.to_string())
                .header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:consumer",
                )
                .body(Full::new(Bytes::from(event)))
                .unwrap())
        }
        (Method::POST, ["invocation", _, "response"]) => {
            let _ = state.answers.send(Answer::Response(body));
            Ok(reply(StatusCode::ACCEPTED, b"{}".to_vec()))
        }
        (Method::POST, ["invocation", _, "error"]) => {
            let _ = state
                .answers
                .send(Answer::Error(String::from_utf8_lossy(&body).into_owned()));
            Ok(reply(StatusCode::ACCEPTED, b"{}".to_vec()))
        }
        (Method::POST, ["init", "error"]) => {
            let _ = state
                .answers
                .send(Answer::InitError(String::from_utf8_lossy(&body).into_owned()));
            Ok(reply(StatusCode::ACCEPTED, b"{}".to_vec()))
        }
        _ => Ok(reply(StatusCode::NOT_FOUND, vec![])),
    }
}
