//! A local stand-in for X API v2 recent search (`GET /2/tweets/search/recent`), started
//! by a test on a free loopback port: pages of `max_results` tweets newest first with
//! `meta.next_token`, `since_id` honoured, authors in `includes.users`, a bearer token
//! checked (401 otherwise), and scripted failures (429 with `x-rate-limit-reset`, 5xx,
//! a malformed page) answered one per request before the normal pages.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tweetboard_core::poll::SinceId;

/// What the stand-in answers instead of the next page.
#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    RateLimited {
        reset: i64,
    },
    Malformed,
    /// A normal page, answered after this long.
    Delay(std::time::Duration),
}

#[derive(Default)]
struct StubState {
    /// (id, tweet, author) in the order added.
    tweets: Vec<(SinceId, Value, Option<Value>)>,
    /// One entry per coming request: a fault, or `None` for a normal page.
    faults: VecDeque<Option<Fault>>,
    requests: Vec<HashMap<String, String>>,
}

pub struct SearchStub {
    pub base_url: String,
    pub token: String,
    state: Arc<Mutex<StubState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SearchStub {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SearchStub {
    pub async fn start(token: &str) -> Self {
        let state = Arc::new(Mutex::new(StubState::default()));
        let app = axum::Router::new()
            .route("/2/tweets/search/recent", axum::routing::get(search))
            .with_state((state.clone(), format!("Bearer {token}")));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self {
            base_url,
            token: token.to_owned(),
            state,
            server,
        }
    }

    /// A tweet by author `@user_<author>` (or by nobody the page includes), with or
    /// without a `source`.
    pub fn add(&self, id: &str, text: &str, author: Option<u32>, with_source: bool) {
        let mut tweet = json!({
            "id": id, "text": text, "created_at": "2026-11-27T04:00:00.000Z", "lang": "en",
            "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 3, "quote_count": 0}
        });
        if with_source {
            tweet["source"] = json!("Twitter Web App");
        }
        let user = author.map(|a| {
            tweet["author_id"] = json!(a.to_string());
            json!({
                "id": a.to_string(), "username": format!("user_{a}"), "name": format!("User {a}"),
                "profile_image_url": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
                "public_metrics": {"followers_count": 10, "following_count": 5, "tweet_count": 100, "listed_count": 1}
            })
        });
        let id = SinceId::parse(id).expect("a test id");
        self.state.lock().unwrap().tweets.push((id, tweet, user));
    }

    /// The next scripted request fails with `fault`.
    pub fn fail_next(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push_back(Some(fault));
    }

    /// The next scripted request gets its normal page (to fail a later one).
    pub fn pass_next(&self) {
        self.state.lock().unwrap().faults.push_back(None);
    }

    /// The query parameters of every request, in order.
    pub fn requests(&self) -> Vec<HashMap<String, String>> {
        self.state.lock().unwrap().requests.clone()
    }
}

type Shared = (Arc<Mutex<StubState>>, String);

async fn search(
    State((state, expected)): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let delay = {
        let mut state = state.lock().unwrap();
        state.requests.push(params.clone());
        match state.faults.front() {
            Some(Some(Fault::Delay(d))) => {
                let d = *d;
                state.faults.pop_front();
                Some(d)
            }
            _ => None,
        }
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let mut state = state.lock().unwrap();
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"title":"Unauthorized","status":401}"#,
        )
            .into_response();
    }
    match state.faults.pop_front().flatten() {
        Some(Fault::Status(code)) => {
            return (StatusCode::from_u16(code).unwrap(), "{}").into_response();
        }
        Some(Fault::RateLimited { reset }) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [
                    ("x-rate-limit-reset", reset.to_string()),
                    ("x-rate-limit-remaining", "0".into()),
                ],
                r#"{"title":"Too Many Requests","status":429}"#,
            )
                .into_response();
        }
        Some(Fault::Malformed) => {
            return (StatusCode::OK, r#"{"data": {"not": "an array"}, "meta": "#).into_response();
        }
        Some(Fault::Delay(_)) | None => {}
    }
    let since = params
        .get("since_id")
        .map(|s| SinceId::parse(s).expect("a valid since_id"));
    let max_results: usize = params
        .get("max_results")
        .and_then(|m| m.parse().ok())
        .filter(|m| (10..=100).contains(m))
        .expect("max_results 10-100");
    let until = params
        .get("until_id")
        .map(|s| SinceId::parse(s).expect("a valid until_id"));
    let mut newer: Vec<&(SinceId, Value, Option<Value>)> = state
        .tweets
        .iter()
        .filter(|(id, _, _)| since.as_ref().is_none_or(|s| id > s))
        .filter(|(id, _, _)| until.as_ref().is_none_or(|u| id < u))
        .collect();
    newer.sort_by(|a, b| b.0.cmp(&a.0));
    let start: usize = params
        .get("next_token")
        .map_or(0, |t| t.parse().expect("our token"));
    let page = &newer[start.min(newer.len())..(start + max_results).min(newer.len())];
    let mut meta = json!({ "result_count": page.len() });
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        meta["newest_id"] = json!(first.0.as_str());
        meta["oldest_id"] = json!(last.0.as_str());
    }
    if start + max_results < newer.len() {
        meta["next_token"] = json!((start + max_results).to_string());
    }
    let mut body = json!({ "meta": meta });
    if !page.is_empty() {
        body["data"] = page.iter().map(|t| t.1.clone()).collect();
        let mut users: Vec<Value> = page.iter().filter_map(|t| t.2.clone()).collect();
        users.dedup();
        body["includes"] = json!({ "users": users });
    }
    (StatusCode::OK, axum::Json(body)).into_response()
}
