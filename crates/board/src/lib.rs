//! The tweet board: one router served two ways, as the `board` Lambda behind a function
//! URL (`lambda_http`) and locally by `tweetboard serve`.
//!
//! - `GET /`: on-topic tweets, newest first (`?show=OFF` shows the hidden junk), with a
//!   chart of ON/OFF per hour. Rendered on the server, so the first view needs no
//!   JavaScript; a small script refreshes it. `HEAD /` answers the page's headers
//!   without querying.
//! - `GET /api/tweets?prediction=ON|OFF&limit=N&cursor=C` → `{"items": [...], "next": C|null}`.
//! - `GET /api/stats?hours=H` → ON/OFF counts per hour.
//! - `GET /healthz`.
//!
//! Read-only: it only queries.

pub mod html;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde_json::json;
use tweetboard_core::board::query::{parse_hours, parse_show, parse_tweets_query, CHART_HOURS};
use tweetboard_core::board::BoardError;
use tweetboard_core::ports::BoardQuery;
use tweetboard_core::Prediction;

/// The parameters' limits; their parsing is pure logic in the domain
/// (`tweetboard_core::board::query`), where it is fuzzed without the HTTP stack.
pub use tweetboard_core::board::query::{DEFAULT_LIMIT, MAX_LIMIT};

/// Every page's Content-Security-Policy: scripts and styles only from this origin, no
/// inline script or style, images from http(s) only, nothing framed, no plugins.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src https: http:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE_TWEETS: usize = 50;

const BOARD_CSS: &str = include_str!("../static/board.css");
const BOARD_JS: &str = include_str!("../static/board.js");

/// Builds the router over a board reader (built once per cold start): the DynamoDB
/// adapter in production, a fake in unit tests.
pub fn router(reader: Arc<dyn BoardQuery>) -> Router {
    Router::new()
        .route("/", get(page).head(page_head))
        .route("/api/tweets", get(api_tweets).head(api_tweets_head))
        .route("/api/stats", get(api_stats).head(api_stats_head))
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route(
            "/static/board.css",
            get(|| async { asset("text/css; charset=utf-8", BOARD_CSS) }),
        )
        .route(
            "/static/board.js",
            get(|| async { asset("text/javascript; charset=utf-8", BOARD_JS) }),
        )
        .fallback(|| async { api_error(StatusCode::NOT_FOUND, "no such page") })
        .layer(axum::middleware::map_response(security_headers))
        .with_state(reader)
}

async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// A JSON error: `{"error": "..."}` with the status.
fn api_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

fn board_error(e: BoardError) -> Response {
    match e {
        BoardError::Cursor(c) => api_error(StatusCode::BAD_REQUEST, c.to_string()),
        BoardError::Store(s) => {
            tracing::error!(event = "board_read_failed", error = %s);
            api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the tweets table cannot be read right now",
            )
        }
    }
}

async fn api_tweets(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let q = match parse_tweets_query(&params) {
        Ok(q) => q,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    match reader
        .newest(q.prediction, q.limit, q.cursor.as_deref(), Utc::now())
        .await
    {
        Ok(page) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({"items": page.items, "next": page.next})),
        )
            .into_response(),
        Err(e) => board_error(e),
    }
}

/// The API's own headers (the security headers are added to every response).
const API_HEADERS: [(header::HeaderName, &str); 2] = [
    (header::CONTENT_TYPE, "application/json"),
    (header::CACHE_CONTROL, "no-store"),
];

/// The answer to `HEAD`: the status the parameters would get with GET, and the route's
/// `headers`, without the Queries that would render the body (axum would otherwise run
/// the GET handler and drop its body), so a monitor or link checker costs no reads.
fn head<T, E: std::fmt::Display>(
    headers: [(header::HeaderName, &'static str); 2],
    parsed: Result<T, E>,
) -> Response {
    match parsed {
        Ok(_) => headers.into_response(),
        Err(e) => api_error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

async fn api_tweets_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(API_HEADERS, parse_tweets_query(&params))
}

async fn api_stats_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(API_HEADERS, parse_hours(&params))
}

async fn api_stats(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let hours = match parse_hours(&params) {
        Ok(hours) => hours,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    match reader.hourly_counts(hours, Utc::now()).await {
        Ok(buckets) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({"bucket": "hour", "buckets": buckets})),
        )
            .into_response(),
        Err(e) => board_error(BoardError::Store(e)),
    }
}

/// The page's own headers (the security headers are added to every response).
const PAGE_HEADERS: [(header::HeaderName, &str); 2] = [
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
    (header::CACHE_CONTROL, "no-store"),
];

async fn page_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(PAGE_HEADERS, parse_show(&params))
}

async fn page(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let showing_junk = match parse_show(&params) {
        Ok(showing_junk) => showing_junk,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let prediction = if showing_junk {
        Prediction::Off
    } else {
        Prediction::On
    };
    let now = Utc::now();
    let (tweets, stats) = tokio::join!(
        reader.newest(prediction, PAGE_TWEETS, None, now),
        reader.hourly_counts(CHART_HOURS, now)
    );
    let (tweets, stats) = match (tweets, stats) {
        (Ok(t), Ok(s)) => (t, s),
        (Err(e), _) => return board_error(e),
        (_, Err(e)) => return board_error(BoardError::Store(e)),
    };
    let body = html::page(&html::PageView {
        showing_junk,
        tweets: &tweets.items,
        stats: &stats,
    });
    (PAGE_HEADERS, body).into_response()
}
