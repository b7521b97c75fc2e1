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
use tweetboard_core::board::BoardError;
use tweetboard_core::ports::BoardQuery;
use tweetboard_core::Prediction;

/// Every page's Content-Security-Policy: scripts and styles only from this origin, no
/// inline script or style, images from http(s) only, nothing framed, no plugins.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src https: http:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
const PAGE_TWEETS: usize = 50;
const CHART_HOURS: u32 = 24;

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

/// The query parameters of `/api/tweets`, validated.
#[derive(Debug)]
struct TweetsQuery {
    prediction: Prediction,
    limit: usize,
    cursor: Option<String>,
}

fn parse_tweets_query(params: &HashMap<String, String>) -> Result<TweetsQuery, String> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !["prediction", "limit", "cursor"].contains(&k.as_str()))
    {
        return Err(format!(
            "unknown parameter {unknown:?}; use prediction, limit and cursor"
        ));
    }
    let prediction = match params.get("prediction").map(String::as_str) {
        None => Prediction::On,
        Some(p) => Prediction::parse(p).ok_or_else(|| format!("prediction must be ON or OFF, not {p:?}"))?,
    };
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| format!("limit must be a whole number from 1 to {MAX_LIMIT}, not {l:?}"))?,
    };
    let cursor = params.get("cursor").filter(|c| !c.is_empty()).cloned();
    Ok(TweetsQuery {
        prediction,
        limit,
        cursor,
    })
}

async fn api_tweets(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let q = match parse_tweets_query(&params) {
        Ok(q) => q,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e),
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
fn head<T, E: Into<String>>(
    headers: [(header::HeaderName, &'static str); 2],
    parsed: Result<T, E>,
) -> Response {
    match parsed {
        Ok(_) => headers.into_response(),
        Err(e) => api_error(StatusCode::BAD_REQUEST, e),
    }
}

async fn api_tweets_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(API_HEADERS, parse_tweets_query(&params))
}

async fn api_stats_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(API_HEADERS, parse_hours(&params))
}

/// `?hours=` of `/api/stats`.
fn parse_hours(params: &HashMap<String, String>) -> Result<u32, &'static str> {
    match params.get("hours").map(|h| h.parse::<u32>()) {
        None => Ok(CHART_HOURS),
        Some(Ok(h)) if (1..=168).contains(&h) => Ok(h),
        Some(_) => Err("hours must be a whole number from 1 to 168"),
    }
}

async fn api_stats(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let hours = match parse_hours(&params) {
        Ok(hours) => hours,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e),
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

/// `?show=`: whether the page shows the junk (OFF) rather than the on-topic tweets.
fn parse_show(params: &HashMap<String, String>) -> Result<bool, &'static str> {
    match params.get("show").map(String::as_str) {
        None | Some("ON") => Ok(false),
        Some("OFF") => Ok(true),
        Some(_) => Err("show must be ON or OFF"),
    }
}

async fn page_head(Query(params): Query<HashMap<String, String>>) -> Response {
    head(PAGE_HEADERS, parse_show(&params))
}

async fn page(
    State(reader): State<Arc<dyn BoardQuery>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let showing_junk = match parse_show(&params) {
        Ok(showing_junk) => showing_junk,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, e),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn show_is_on_or_off() {
        assert_eq!(parse_show(&params(&[])), Ok(false));
        assert_eq!(parse_show(&params(&[("show", "ON")])), Ok(false));
        assert_eq!(parse_show(&params(&[("show", "OFF")])), Ok(true));
        assert_eq!(
            parse_show(&params(&[("show", "x")])),
            Err("show must be ON or OFF")
        );
    }

    #[test]
    fn query_validation() {
        let q = parse_tweets_query(&params(&[])).unwrap();
        assert_eq!(
            (q.prediction, q.limit, q.cursor),
            (Prediction::On, DEFAULT_LIMIT, None)
        );
        assert!(parse_tweets_query(&params(&[("prediction", "MAYBE")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "0")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "101")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "ten")])).is_err());
        assert!(parse_tweets_query(&params(&[("sort", "asc")]))
            .unwrap_err()
            .contains("unknown parameter"));
    }
}
