//! The board's routes over an in-memory board (no emulator): status codes, JSON errors
//! and headers for every route. The DynamoDB reader itself is tested against the
//! emulator in the integration tests.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::Value;
use tower::ServiceExt;
use tweetboard_board::{router, CSP, DEFAULT_LIMIT, MAX_LIMIT};
use tweetboard_core::board::BoardTweet;
use tweetboard_core::testing::MemoryBoard;

/// A tweet of `prediction` created `minutes_ago`.
fn tweet(id: u64, prediction: &str, text: &str, minutes_ago: i64) -> BoardTweet {
    BoardTweet {
        tweet_id: id.to_string(),
        text: text.into(),
        name: "A name".into(),
        screen_name: "handle".into(),
        image_url: String::new(),
        prediction: prediction.into(),
        probability: 0.9,
        created_at: (Utc::now() - Duration::minutes(minutes_ago))
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        followers: 1,
        retweets: 0,
        favourites: 0,
        model_id: "fake".into(),
        retweeted_by: None,
        segments: Vec::new(),
        initials: String::new(),
    }
}

/// Three on-topic tweets (newest first: 3, 2, 1) and one junk.
fn board() -> Arc<MemoryBoard> {
    Arc::new(MemoryBoard::new(vec![
        tweet(1, "ON", "lambda cold starts", 30),
        tweet(2, "ON", "dynamodb streams", 20),
        tweet(3, "ON", "kinesis shards", 10),
        tweet(4, "OFF", "win a free cruise", 5),
    ]))
}

fn failing_board() -> Arc<MemoryBoard> {
    Arc::new(MemoryBoard {
        fail_transiently: true,
        ..MemoryBoard::default()
    })
}

async fn send(board: Arc<MemoryBoard>, method: Method, uri: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = router(board).oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

async fn get(board: Arc<MemoryBoard>, uri: &str) -> (StatusCode, HeaderMap, String) {
    send(board, Method::GET, uri).await
}

/// Status and JSON body; asserts the body is JSON.
async fn get_json(board: Arc<MemoryBoard>, uri: &str) -> (StatusCode, Value) {
    let (status, headers, body) = get(board, uri).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{uri}");
    (status, serde_json::from_str(&body).unwrap())
}

fn ids(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tweet_id"].as_str().unwrap())
        .collect()
}

fn reads(board: &MemoryBoard) -> usize {
    *board.reads.lock().unwrap()
}

#[tokio::test]
async fn the_page_shows_the_on_topic_tweets_with_the_security_headers() {
    // GIVEN a board with on-topic tweets and junk
    // WHEN the page is asked for
    let (status, headers, body) = get(board(), "/").await;

    // THEN it is HTML of the on-topic tweets only, uncached, under the CSP
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers["content-security-policy"], CSP);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(body.contains("kinesis shards") && body.contains("lambda cold starts"));
    assert!(!body.contains("free cruise"));
}

#[tokio::test]
async fn the_page_with_show_off_shows_the_junk() {
    let (status, _, body) = get(board(), "/?show=OFF").await;

    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("win a free cruise"));
    assert!(!body.contains("kinesis shards"));
}

#[tokio::test]
async fn head_of_the_page_answers_its_headers_without_reading_the_board() {
    // GIVEN a board
    let board = board();

    // WHEN the page is asked for with HEAD
    let (status, headers, body) = send(board.clone(), Method::HEAD, "/").await;

    // THEN it has the page's status and headers, no body, and nothing was read
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers["content-security-policy"], CSP);
    assert_eq!(body, "");
    assert_eq!(reads(&board), 0);
}

#[tokio::test]
async fn head_of_the_api_routes_answers_their_status_without_reading_the_board() {
    for (path, status) in [
        ("/api/tweets", StatusCode::OK),
        ("/api/stats?hours=168", StatusCode::OK),
        ("/api/tweets?limit=0", StatusCode::BAD_REQUEST),
        ("/api/stats?hours=999", StatusCode::BAD_REQUEST),
    ] {
        // GIVEN a board
        let board = board();

        // WHEN an API route is asked for with HEAD
        let (got, headers, body) = send(board.clone(), Method::HEAD, path).await;

        // THEN it has the status GET would have, the JSON headers, no body, and nothing was read
        assert_eq!(got, status, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{path}");
        assert_eq!(body, "", "{path}");
        assert_eq!(reads(&board), 0, "{path}");
    }
}

#[tokio::test]
async fn the_page_with_a_bad_show_is_a_json_400_for_get_and_head() {
    for method in [Method::GET, Method::HEAD] {
        // GIVEN a board
        let board = board();

        // WHEN the page is asked for with a show that is neither ON nor OFF
        let (status, headers, body) = send(board.clone(), method.clone(), "/?show=x").await;

        // THEN it is a JSON 400 (with a body for GET), and nothing was read
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        if method == Method::GET {
            assert_eq!(body, r#"{"error":"show must be ON or OFF"}"#);
        }
        assert_eq!(reads(&board), 0);
    }
}

#[tokio::test]
async fn the_api_lists_a_prediction_newest_first_with_the_default_limit() {
    let (status, body) = get_json(board(), "/api/tweets").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["3", "2", "1"]);
    assert_eq!(body["next"], Value::Null);
    assert_eq!(body["items"][0]["prediction"], "ON");

    let (_, junk) = get_json(board(), "/api/tweets?prediction=OFF").await;
    assert_eq!(ids(&junk), ["4"]);
}

#[tokio::test]
async fn following_next_visits_every_tweet_once() {
    // GIVEN a board of more on-topic tweets than the default limit (1 is the newest)
    let count = DEFAULT_LIMIT as u64 + 5;
    let many: Vec<BoardTweet> = (1..=count).map(|i| tweet(i, "ON", "lambda", i as i64)).collect();
    let board = Arc::new(MemoryBoard::new(many));

    // WHEN the pages are followed
    let (_, first) = get_json(board.clone(), "/api/tweets").await;
    let next = first["next"].as_str().unwrap();
    let (_, second) = get_json(board, &format!("/api/tweets?cursor={next}")).await;

    // THEN the first page is full, and the second holds the rest and ends the walk
    assert_eq!(ids(&first).len(), DEFAULT_LIMIT);
    assert_eq!(ids(&second), ["21", "22", "23", "24", "25"]);
    assert_eq!(second["next"], Value::Null);
}

#[tokio::test]
async fn bad_api_parameters_are_a_json_400_and_read_nothing() {
    let too_many = format!("/api/tweets?limit={}", MAX_LIMIT + 1);
    for (uri, says) in [
        ("/api/tweets?prediction=MAYBE", "prediction must be ON or OFF"),
        (
            "/api/tweets?limit=0",
            "limit must be a whole number from 1 to 100",
        ),
        (too_many.as_str(), "limit must be a whole number from 1 to 100"),
        ("/api/tweets?limit=ten", "limit must be a whole number"),
        ("/api/tweets?limit=-1", "limit must be a whole number"),
        ("/api/tweets?sort=asc", "unknown parameter \"sort\""),
    ] {
        // GIVEN a board
        let board = board();

        // WHEN the API is asked with a bad parameter
        let (status, body) = get_json(board.clone(), uri).await;

        // THEN it is a 400 saying what is wrong, and the board was not read
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(says), "{uri}: {error}");
        assert_eq!(reads(&board), 0, "{uri}");
    }
}

#[tokio::test]
async fn a_cursor_the_board_did_not_issue_is_a_json_400() {
    let (status, body) = get_json(board(), "/api/tweets?cursor=not-a-cursor").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("not one this board issued"), "{error}");
}

#[tokio::test]
async fn an_empty_cursor_is_the_first_page() {
    let (status, body) = get_json(board(), "/api/tweets?cursor=").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["3", "2", "1"]);
}

#[tokio::test]
async fn a_store_failure_is_a_json_503_on_every_reading_route() {
    for uri in ["/", "/?show=OFF", "/api/tweets", "/api/stats"] {
        // GIVEN a board whose store cannot be read
        // WHEN a reading route is asked for
        let (status, body) = get_json(failing_board(), uri).await;

        // THEN it is a 503 that does not pass on the store's error
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert_eq!(
            body["error"], "the tweets table cannot be read right now",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn stats_count_each_hour_and_default_to_a_day() {
    let (status, body) = get_json(board(), "/api/stats").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["bucket"], "hour");
    let buckets = body["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 24);
    let on: u64 = buckets.iter().map(|b| b["on"].as_u64().unwrap()).sum();
    let off: u64 = buckets.iter().map(|b| b["off"].as_u64().unwrap()).sum();
    assert_eq!((on, off), (3, 1));
}

#[tokio::test]
async fn stats_take_1_to_168_hours() {
    for (hours, buckets) in [("1", 1), ("168", 168)] {
        let (status, body) = get_json(board(), &format!("/api/stats?hours={hours}")).await;

        assert_eq!(status, StatusCode::OK, "{hours}");
        assert_eq!(body["buckets"].as_array().unwrap().len(), buckets);
    }
}

#[tokio::test]
async fn stats_outside_1_to_168_hours_are_a_json_400_and_read_nothing() {
    for hours in ["0", "169", "-1", "a%20day", "4294967296"] {
        // GIVEN a board
        let board = board();

        // WHEN the stats are asked for with hours out of bounds
        let (status, body) = get_json(board.clone(), &format!("/api/stats?hours={hours}")).await;

        // THEN it is a 400 naming the bounds, and nothing was read
        assert_eq!(status, StatusCode::BAD_REQUEST, "{hours}");
        assert_eq!(body["error"], "hours must be a whole number from 1 to 168");
        assert_eq!(reads(&board), 0);
    }
}

#[tokio::test]
async fn healthz_is_ok_without_reading_the_board() {
    let board = board();

    let (status, body) = get_json(board.clone(), "/healthz").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    assert_eq!(reads(&board), 0);
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404_with_the_security_headers() {
    let (status, headers, body) = get(board(), "/wp-admin.php").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers["content-security-policy"], CSP);
    assert_eq!(body, r#"{"error":"no such page"}"#);
}
