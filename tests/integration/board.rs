//! The board against the emulator: the JSON API (ordering, pagination, filtering,
//! stats, bad parameters), the page, the function URL event path, and a real browser.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Timelike, Utc};
use serde_json::Value;
use tower::ServiceExt;
use tweetboard_aws::board::{BoardReader, Cursor, CursorKey, MAX_QUERIES_PER_PAGE};
use tweetboard_aws::counts::{CountsTable, ReadMeter};
use tweetboard_integration_tests::*;

/// Writes tweets through the real consumer: `(id, text, minutes ago)`.
async fn seed(env: &TestEnv, tweets: &[(String, &str, i64)]) {
    let now = Utc::now();
    let payloads: Vec<Vec<u8>> = tweets
        .iter()
        .map(|(id, text, ago)| bytes(&v1_tweet_at(id, text, now - Duration::minutes(*ago))))
        .collect();
    let (response, _) = env
        .consumer()
        .process(env.batch(1, &payloads), None)
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
}

/// The key the tests' boards sign cursors with, so a test can sign a crafted one.
fn cursor_key() -> CursorKey {
    CursorKey::from_secret("integration-tests-cursor-key-0123456789")
}

fn reader(env: &TestEnv) -> BoardReader {
    BoardReader::new(
        env.aws.dynamo.clone(),
        &env.names.table,
        &env.names.counts_table,
        cursor_key(),
    )
}

/// Counts the DynamoDB requests a client sends (every attempt), as the SDK sends them.
#[derive(Debug, Clone, Default)]
struct RequestCounter(Arc<std::sync::atomic::AtomicUsize>);

impl RequestCounter {
    fn take(&self) -> usize {
        self.0.swap(0, std::sync::atomic::Ordering::SeqCst)
    }
}

impl aws_sdk_dynamodb::config::Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// A board over this test's tables whose DynamoDB requests are counted.
fn counted_app(env: &TestEnv) -> (axum::Router, RequestCounter) {
    let counter = RequestCounter::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&env.aws.sdk)
            .interceptor(counter.clone())
            .build(),
    );
    let reader = BoardReader::new(client, &env.names.table, &env.names.counts_table, cursor_key());
    (tweetboard_board::router(Arc::new(reader)), counter)
}

fn app(env: &TestEnv) -> axum::Router {
    tweetboard_board::router(Arc::new(reader(env)))
}

/// Follows `next` from the first page of ON, `limit` at a time: every page's items'
/// `created_at`, in order.
async fn walk_pages(app: &axum::Router, limit: usize) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut uri = format!("/api/tweets?prediction=ON&limit={limit}");
    for _ in 0..100 {
        let (status, body) = get_json(app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages.push(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["created_at"].as_str().unwrap().to_owned())
                .collect(),
        );
        match body["next"].as_str() {
            Some(next) => uri = format!("/api/tweets?prediction=ON&limit={limit}&cursor={next}"),
            None => return pages,
        }
    }
    panic!("more than 100 pages");
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let (status, headers, body) = get(app, uri).await;
    assert_eq!(headers["content-type"], "application/json", "{uri}");
    (status, serde_json::from_str(&body).unwrap())
}

const ON_TEXT: &str = "DynamoDB conditional writes for idempotent Lambda consumers #aws";
const OFF_TEXT: &str = "GIVEAWAY!! RT to win 1 ETH, follow back, DM me #aws #crypto #airdrop";

#[tokio::test]
async fn api_lists_a_prediction_newest_first_across_days() {
    // GIVEN on-topic tweets from the last three days and junk in between
    let env = TestEnv::new("board-order").await;
    let mut tweets: Vec<(String, &str, i64)> = Vec::new();
    for (i, ago) in [5, 60 * 30, 90, 60 * 50, 1].iter().enumerate() {
        tweets.push((big_id(i as u64), ON_TEXT, *ago));
    }
    tweets.push((big_id(100), OFF_TEXT, 2));
    seed(&env, &tweets).await;
    let app = app(&env);

    // WHEN the API is asked for ON
    let (status, body) = get_json(&app, "/api/tweets?prediction=ON&limit=10").await;

    // THEN it lists exactly the on-topic tweets, newest first, with the table's names
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["tweet_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [big_id(4), big_id(0), big_id(2), big_id(1), big_id(3)]);
    assert!(items
        .iter()
        .all(|i| i["prediction"] == "ON" && i["text"] == ON_TEXT));
    assert!(items[0]["probability"].as_f64().unwrap() > 50.0);
    assert_eq!(items[0]["screen_name"], "tester");
    assert!(body["next"].is_null());

    // AND asked for OFF, it lists only the junk tweet
    let (_, off) = get_json(&app, "/api/tweets?prediction=OFF").await;
    let off_ids: Vec<&str> = off["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tweet_id"].as_str().unwrap())
        .collect();
    assert_eq!(off_ids, [big_id(100)]);
}

#[tokio::test]
async fn following_next_visits_every_tweet_exactly_once() {
    // GIVEN 47 on-topic tweets spread over three days
    let env = TestEnv::new("board-pages").await;
    let tweets: Vec<(String, &str, i64)> = (0..47).map(|i| (big_id(i), ON_TEXT, (i as i64) * 83)).collect();
    seed(&env, &tweets).await;
    let app = app(&env);

    // WHEN the pages are followed 10 at a time
    let seen: Vec<String> = walk_pages(&app, 10).await.concat();

    // THEN every tweet came once, newest first
    assert_eq!(seen.len(), 47);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 47);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);
}

#[tokio::test]
async fn bad_parameters_get_a_400_with_a_json_error() {
    // GIVEN a board holding two on-topic tweets, and the cursor of its first ON page of one
    let env = TestEnv::new("board-bad").await;
    seed(&env, &[(big_id(1), ON_TEXT, 1), (big_id(2), ON_TEXT, 2)]).await;
    let app = app(&env);
    let (_, page) = get_json(&app, "/api/tweets?prediction=ON&limit=1").await;
    let on_cursor = page["next"].as_str().unwrap().to_owned();

    // WHEN the API is asked with each bad parameter (an unknown prediction, limits out of
    // range or not a number, a cursor that is not one, the ON cursor for OFF, an unknown
    // order, zero hours of stats)
    for uri in [
        "/api/tweets?prediction=MAYBE".to_owned(),
        "/api/tweets?limit=0".to_owned(),
        "/api/tweets?limit=1000".to_owned(),
        "/api/tweets?limit=abc".to_owned(),
        "/api/tweets?cursor=not-a-cursor".to_owned(),
        format!("/api/tweets?prediction=OFF&cursor={on_cursor}"),
        "/api/tweets?order=asc".to_owned(),
        "/api/stats?hours=0".to_owned(),
    ] {
        let (status, body) = get_json(&app, &uri).await;

        // THEN each is a 400 with a non-empty JSON error
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{uri}: {body}"
        );
    }
    // AND an unknown path is a JSON 404, while /healthz answers ok
    let (status, _) = get_json(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, health) = get_json(&app, "/healthz").await;
    assert_eq!(
        (status, health),
        (StatusCode::OK, serde_json::json!({"status": "ok"}))
    );
}

/// A cursor as a client could forge it: base64url JSON, no signature.
fn forged_cursor(json: Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

#[tokio::test]
async fn crafted_cursors_are_a_400_and_a_far_future_one_costs_one_page() {
    // GIVEN a board, cursors forged without the board's key, and signed ones whose key is
    // not a board sort key (as if the key had leaked)
    let env = TestEnv::new("board-crafted").await;
    seed(&env, &[(big_id(1), ON_TEXT, 1)]).await;
    let (app, requests) = counted_app(&env);
    let payloads = [
        serde_json::json!({"p": "ON", "k": format!("9999-12-31T00:00:00.000Z#0{}", big_id(1))}),
        serde_json::json!({"p": "ON", "k": "not a key"}),
        serde_json::json!({"p": "ON", "k": format!("2020-01-01T00:00:00.000Z#{}", big_id(1))}),
    ];
    let mut crafted: Vec<String> = payloads.iter().cloned().map(forged_cursor).collect();
    for payload in &payloads[1..] {
        let cursor: Cursor = serde_json::from_value(payload.clone()).unwrap();
        crafted.push(cursor.encode(&cursor_key()));
    }

    for cursor in crafted {
        // WHEN the API is asked for the page after it
        let uri = format!("/api/tweets?prediction=ON&cursor={cursor}");
        let (status, body) = get_json(&app, &uri).await;

        // THEN it is refused as a bad request with the API's JSON error, having read nothing
        assert_eq!(status, StatusCode::BAD_REQUEST, "{cursor}: {body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        assert_eq!(requests.take(), 0);
    }

    // AND a signed cursor from the year 9999 is one page like any other: the tweets
    // before it, in one Query per shard
    let far: Cursor = serde_json::from_value(payloads[0].clone()).unwrap();
    let uri = format!("/api/tweets?prediction=ON&cursor={}", far.encode(&cursor_key()));
    let (status, body) = get_json(&app, &uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["tweet_id"], big_id(1));
    assert_eq!(requests.take(), MAX_QUERIES_PER_PAGE);
}

#[tokio::test]
async fn a_board_whose_only_tweets_are_400_days_old_shows_them_at_a_bounded_cost() {
    // GIVEN a board whose only tweets, three on-topic, were created 400 days ago
    let env = TestEnv::new("board-old").await;
    let ago = 400 * 24 * 60;
    seed(
        &env,
        &[
            (big_id(1), ON_TEXT, ago),
            (big_id(2), ON_TEXT, ago + 1),
            (big_id(3), ON_TEXT, ago + 2),
        ],
    )
    .await;
    let (app, requests) = counted_app(&env);

    // WHEN the first page of two is asked for, then the next
    let (status, first) = get_json(&app, "/api/tweets?prediction=ON&limit=2").await;
    let first_requests = requests.take();
    let next = first["next"].as_str().expect("a next page").to_owned();
    let (_, second) = get_json(&app, &format!("/api/tweets?prediction=ON&limit=2&cursor={next}")).await;

    // THEN the newest two come first and the oldest after, each page in one Query per
    // shard, however old the tweets
    assert_eq!(status, StatusCode::OK);
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["tweet_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), [big_id(1), big_id(2)]);
    assert_eq!(ids(&second), [big_id(3)]);
    assert!(second["next"].is_null());
    assert_eq!(
        (first_requests, requests.take()),
        (MAX_QUERIES_PER_PAGE, MAX_QUERIES_PER_PAGE)
    );
    // AND the page shows them too
    let (status, _, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let shown = "DynamoDB conditional writes for idempotent Lambda consumers";
    assert_eq!(html.matches(shown).count(), 3, "{html}");
}

#[tokio::test]
async fn a_gap_of_a_thousand_empty_days_costs_no_more_requests_and_every_tweet_comes_once() {
    // GIVEN on-topic tweets from now and from 1,000 days ago, with nothing between
    let env = TestEnv::new("board-gap").await;
    let mut tweets: Vec<(String, &str, i64)> = (0..6).map(|i| (big_id(i), ON_TEXT, i as i64)).collect();
    tweets.extend((6..12).map(|i| (big_id(i), ON_TEXT, 1_000 * 24 * 60 + i as i64)));
    seed(&env, &tweets).await;
    let (app, requests) = counted_app(&env);

    // WHEN the pages are followed 4 at a time
    let pages = walk_pages(&app, 4).await;

    // THEN every tweet came exactly once, newest first, the page across the gap among
    // them, and every page cost one Query per shard
    let seen = pages.concat();
    assert_eq!(seen.len(), 12, "{pages:?}");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 12);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);
    // (a fourth, empty page when a shard's last Query stopped at its limit)
    assert!(pages.len() <= 4, "{pages:?}");
    assert_eq!(requests.take(), pages.len() * MAX_QUERIES_PER_PAGE);
}

#[tokio::test]
async fn head_of_the_page_answers_with_its_headers_without_querying() {
    // GIVEN a board whose DynamoDB cannot be reached, so any Query fails
    let aws = clients_with_dynamodb_unreachable().await;
    let app = tweetboard_board::router(Arc::new(BoardReader::new(
        aws.dynamo.clone(),
        "no-such-table",
        "no-such-counts",
        CursorKey::random(),
    )));

    // WHEN the page is asked for with HEAD
    let response = app
        .clone()
        .oneshot(Request::head("/").body(Body::empty()).unwrap())
        .await
        .unwrap();

    // THEN it answers 200 with the page's headers and no body: it ran no Query
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(parts.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(parts.headers["cache-control"], "no-store");
    assert!(parts.headers.contains_key("content-security-policy"));
    assert!(body.is_empty());
    // ... while GET, which does query, fails on the same board.
    let (status, _, _) = get(&app, "/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_bad_show_on_the_page_gets_the_api_json_error() {
    let env = TestEnv::new("board-show").await;

    let (status, headers, body) = get(&app(&env), "/?show=x").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers["content-type"], "application/json");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body, serde_json::json!({"error": "show must be ON or OFF"}));
}

#[tokio::test]
async fn stats_count_on_and_off_per_hour() {
    // GIVEN on-topic tweets from just now, a minute ago and three hours ago, and a junk
    // tweet from two minutes ago
    let env = TestEnv::new("board-stats").await;
    seed(
        &env,
        &[
            (big_id(1), ON_TEXT, 0),
            (big_id(2), ON_TEXT, 1),
            (big_id(3), OFF_TEXT, 2),
            (big_id(4), ON_TEXT, 185),
        ],
    )
    .await;

    // WHEN the stats of the last six hours are asked for
    let (status, body) = get_json(&app(&env), "/api/stats?hours=6").await;

    // THEN there are six hourly buckets, counting three ON and one OFF in all
    assert_eq!(status, StatusCode::OK);
    let buckets = body["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 6);
    let on: u64 = buckets.iter().map(|b| b["on"].as_u64().unwrap()).sum();
    let off: u64 = buckets.iter().map(|b| b["off"].as_u64().unwrap()).sum();
    assert_eq!((on, off), (3, 1));
    // AND the last bucket, the current hour, counts at least one ON
    let last = &buckets[5];
    assert!(last["on"].as_u64().unwrap() >= 1, "{body}");
}

#[tokio::test]
async fn the_page_renders_tweets_safely_with_a_strict_policy() {
    // GIVEN a board holding an on-topic tweet whose text carries a script tag
    let env = TestEnv::new("board-page").await;
    seed(
        &env,
        &[(big_id(1), "<script>alert('x')</script> Lambda on #aws", 1)],
    )
    .await;

    // WHEN the page is asked for
    let (status, headers, html) = get(&app(&env), "/").await;

    // THEN it is HTML with a strict content security policy and nosniff, showing the
    // script tag escaped as text, never as a script, and the chart
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Lambda on <a href="));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<svg id=\"chart\""));
    // AND the page showing OFF renders too
    let (status, _, _) = get(&app(&env), "/?show=OFF").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_function_url_event_path_serves_the_api() {
    // GIVEN a function URL event as Lambda delivers it, and the adapter lambda_http::run uses
    use lambda_http::request::LambdaRequest;
    use tower::Service;
    let env = TestEnv::new("board-furl").await;
    seed(&env, &[(big_id(1), ON_TEXT, 1), (big_id(2), ON_TEXT, 2)]).await;
    let event: LambdaRequest =
        serde_json::from_str(include_str!("../fixtures/function-url-request.json")).unwrap();
    let mut adapter = lambda_http::Adapter::from(app(&env));

    // WHEN it is handled
    let response = adapter
        .call(lambda_runtime::LambdaEvent::new(
            event,
            lambda_runtime::Context::default(),
        ))
        .await
        .unwrap();

    // THEN the function URL response carries the API's JSON
    let response = serde_json::to_value(&response).unwrap();
    assert_eq!(response["statusCode"], 200, "{response}");
    assert_eq!(response["headers"]["content-type"], "application/json");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
}

/// A real browser: Debian's Chromium (installed by `make test`) loads the page headless.
/// The hostile tweet must show as text and run nothing; a screenshot is kept in
/// `target/test-artifacts/board.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_shows_hostile_tweets_as_text_and_runs_nothing() {
    // GIVEN Chromium, and a board holding a good tweet and a hostile one: a script and an
    // onerror handler in its text, an onerror handler in its author's name and a
    // javascript: URL as its profile image
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("Chromium is not installed: `make test` installs Debian's chromium package");
    let env = TestEnv::new("board-browser").await;
    // The payloads ride a tweet the model shows (AWS named in its words, not only after
    // the tag), so the page has them to render: this test is about escaping.
    let hostile_text = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\"> AWS Lambda cold starts again #aws";
    let mut hostile = v1_tweet_at(&big_id(1), hostile_text, Utc::now() - Duration::minutes(1));
    hostile["user"]["name"] =
        serde_json::json!("<img src=x onerror=\"document.body.dataset.pwned=1\">Mallory");
    hostile["user"]["profile_image_url_https"] = serde_json::json!("javascript:document.title='PWNED'");
    let good = v1_tweet_at(
        &big_id(2),
        "Kinesis shard splits without losing a record #aws",
        Utc::now(),
    );
    // AND a real-shaped retweet, and a tweet as the API escapes it, with a t.co link and
    // an avatar whose URL answers 404, from an author whose name is right-to-left
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let retweet = v1_retweet(&big_id(3), &big_id(900), Utc::now() - Duration::minutes(2));
    let mut linked = v1_tweet_at(
        &big_id(4),
        "AT&amp;T moves to DynamoDB &lt;3 idempotent Lambda consumers on Kinesis https://t.co/Lnk4 #aws",
        Utc::now() - Duration::minutes(3),
    );
    linked["entities"] = serde_json::json!({"urls": [{
        "url": "https://t.co/Lnk4",
        "expanded_url": "https://aws.amazon.com/dynamodb/",
        "display_url": "aws.amazon.com/dynamodb/"
    }]});
    linked["user"]["name"] = serde_json::json!("\u{5e9}\u{5dc}\u{5d5}\u{5dd} Dana");
    linked["user"]["profile_image_url_https"] = serde_json::json!(format!("{url}static/no-such-avatar.png"));
    let (response, _) = env
        .consumer()
        .process(
            env.batch(
                1,
                &[bytes(&hostile), bytes(&good), bytes(&retweet), bytes(&linked)],
            ),
            None,
        )
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    for id in [1, 3, 4] {
        assert_eq!(
            s(&env.tweet(&big_id(id)).await.unwrap(), "prediction"),
            "ON",
            "shown on the first page"
        );
    }

    // AND the board served on a local port
    let board = app(&env);
    let server = tokio::spawn(async move { axum::serve(listener, board).await });

    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("board.png");
    let profile = std::env::temp_dir().join(unique("chromium"));
    let run = |extra: Vec<String>| {
        let chromium = chromium.to_owned();
        let profile = profile.clone();
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let mut args: Vec<String> = [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1000,1200",
                "--virtual-time-budget=5000",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            args.push(format!("--user-data-dir={}", profile.display()));
            args.extend(extra);
            args.push(url);
            std::process::Command::new(chromium)
                .args(args)
                .output()
                .expect("chromium runs")
        })
    };

    // WHEN headless Chromium loads the page twice: once to dump the DOM after scripts ran
    // (the page's own refresh script included), once to take a screenshot
    let dom = run(vec!["--dump-dom".into()]).await.unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let shot = run(vec![format!("--screenshot={}", screenshot.display())])
        .await
        .unwrap();
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);

    // THEN the good tweet is shown
    assert!(
        dom.contains("Kinesis shard splits without losing a record"),
        "tweets are shown:\n{dom}"
    );
    // The payloads are displayed as text ...
    assert!(
        dom.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"),
        "{dom}"
    );
    assert!(
        dom.contains("&lt;img src=x onerror=\"document.body.dataset.pwned=1\"&gt;Mallory"),
        "{dom}"
    );
    // ... and none of them ran or became an element.
    assert!(!dom.contains("<title>PWNED"), "a script ran");
    assert!(!dom.contains("data-pwned"), "an onerror handler ran");
    assert!(!dom.contains("javascript:"), "a javascript: URL was rendered");
    // AND the retweet shows the retweeted tweet whole, by its author, retweeted by the
    // retweeter, its link expanded and marked as user content
    assert!(
        dom.contains("exactly-once results from at-least-once Kinesis delivery, no locks"),
        "{dom}"
    );
    assert!(
        dom.contains("retweeted by <bdi class=\"name\">Retweeting Fan</bdi>"),
        "{dom}"
    );
    assert!(
        dom.contains(
            "<a href=\"https://aws.amazon.com/blogs/database/idempotent-consumers/\" rel=\"nofollow noopener ugc\">https://aws.amazon.com/blogs/database/idempotent-consumers/</a>"
        ),
        "{dom}"
    );
    assert!(dom.contains("<a href=\"https://x.com/hashtag/aws\" rel=\"nofollow noopener ugc\">#aws</a>"));
    // AND Twitter's escaping is undone once: readers see `AT&T` and `<3` (serialised
    // back into the DOM dump as `&amp;` and `&lt;`), never `&amp;amp;`
    assert!(dom.contains("AT&amp;T moves to DynamoDB &lt;3"), "{dom}");
    assert!(!dom.contains("&amp;amp;"), "{dom}");
    assert!(dom.contains(">https://aws.amazon.com/dynamodb/</a>"), "{dom}");
    // AND the avatar that answered 404 was removed, leaving the author's initials, and
    // the right-to-left name is isolated
    assert!(
        !dom.contains("no-such-avatar"),
        "the broken avatar is gone:\n{dom}"
    );
    assert!(dom.contains("<span class=\"initials\">\u{5e9}D</span>"), "{dom}");
    assert!(
        dom.contains("<bdi class=\"name\">\u{5e9}\u{5dc}\u{5d5}\u{5dd} Dana</bdi>"),
        "{dom}"
    );
    // AND the refresh script ran, and the screenshot was taken
    assert!(
        dom.contains("data-refreshed="),
        "the refresh script ran and rebuilt the list"
    );
    assert!(
        shot.status.success() && screenshot.exists(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
}

#[tokio::test]
async fn twitters_escaped_text_is_shown_as_people_read_it_and_still_cannot_inject() {
    // GIVEN a tweet stored as Twitter's API returns it: `&`, `<` and `>` escaped, once for
    // a typed `<script>` and twice for a typed `&lt;`
    let env = TestEnv::new("board-entities").await;
    let id = big_id(1);
    seed(
        &env,
        &[(
            id.clone(),
            "AT&amp;T on #aws &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt;",
            1,
        )],
    )
    .await;
    let stored = env.tweet(&id).await.unwrap();
    assert!(
        s(&stored, "text").starts_with("AT&amp;T"),
        "the table keeps the text verbatim"
    );
    let prediction = s(&stored, "prediction").to_owned();
    let app = app(&env);

    // WHEN the API and the page of its prediction are read
    let (_, api) = get_json(&app, &format!("/api/tweets?prediction={prediction}&limit=1")).await;
    let (status, _, page) = get(&app, &format!("/?show={prediction}")).await;

    // THEN the API gives the text as people read it (the script shows it with textContent)
    assert_eq!(
        api["items"][0]["text"],
        "AT&T on #aws <script>alert(1)</script> &lt;b&gt;"
    );
    // AND the page escapes it once for HTML: readers see `AT&T`, a literal `<script>`
    // that runs nothing, and the `&lt;b&gt;` that was typed
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            "AT&amp;T on <a href=\"https://x.com/hashtag/aws\" rel=\"nofollow noopener ugc\">#aws</a> \
             &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt;"
        ),
        "{page}"
    );
    assert!(!page.contains("&amp;amp;T"), "escaped twice");
    assert!(!page.contains("<script>alert"), "{page}");
}

/// The sums of ON and OFF over the chart of the last `hours` hours.
async fn chart_totals(app: &axum::Router, hours: u32) -> (u64, u64) {
    let (status, body) = get_json(app, &format!("/api/stats?hours={hours}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let buckets = body["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), hours as usize);
    let sum = |k: &str| buckets.iter().map(|b| b[k].as_u64().unwrap()).sum();
    (sum("on"), sum("off"))
}

#[tokio::test]
async fn a_redelivered_batch_is_not_counted_again() {
    // GIVEN a batch of three tweets the consumer has stored and counted
    let env = TestEnv::new("board-recount-redelivery").await;
    let tweets = [
        (big_id(1), ON_TEXT, 1),
        (big_id(2), ON_TEXT, 2),
        (big_id(3), OFF_TEXT, 3),
    ];
    seed(&env, &tweets).await;

    // WHEN the same batch is delivered again
    seed(&env, &tweets).await;

    // THEN the chart still counts each tweet once
    assert_eq!(chart_totals(&app(&env), 24).await, (2, 1));
}

#[tokio::test]
async fn recount_repairs_counters_a_crash_left_short() {
    // GIVEN stored tweets whose hour counters were lost (as if the consumer crashed
    // between each put and its counter update), and one of three hours ago
    let env = TestEnv::new("board-recount").await;
    seed(
        &env,
        &[
            (big_id(1), ON_TEXT, 0),
            (big_id(2), OFF_TEXT, 1),
            (big_id(3), ON_TEXT, 185),
        ],
    )
    .await;
    let counts = CountsTable::new(env.aws.dynamo.clone(), &env.names.counts_table);
    let now = Utc::now();
    let hour = |ago: i64| {
        let t = now - Duration::minutes(ago);
        t.date_naive().and_hms_opt(t.hour(), 0, 0).unwrap().and_utc()
    };
    for ago in [0, 1, 185] {
        counts.set(hour(ago), 0, 0).await.unwrap();
    }
    assert_eq!(chart_totals(&app(&env), 6).await, (0, 0));

    // WHEN the last six hours are recounted (what `tweetboard recount --hours 6` runs)
    let buckets = tweetboard_aws::counts::recount(&reader(&env), &counts, 6, Utc::now(), &|_| {})
        .await
        .unwrap();

    // THEN the chart counts every stored tweet again
    let total: (u64, u64) = buckets.iter().fold((0, 0), |(a, b), x| (a + x.on, b + x.off));
    assert_eq!(total, (2, 1));
    assert_eq!(chart_totals(&app(&env), 6).await, (2, 1));
}

#[tokio::test]
async fn a_chart_request_costs_the_same_reads_at_ten_and_at_five_hundred_tweets_an_hour() {
    // GIVEN a quiet board (10 tweets in the last hour) and a busier one (500; the
    // benchmark, `make bench-chart`, goes to 10,000)
    let mut measured = Vec::new();
    for (label, n) in [("board-chart-quiet", 10u64), ("board-chart-busy", 500)] {
        let env = TestEnv::new(label).await;
        let tweets: Vec<(String, &str, i64)> = (0..n)
            .map(|i| {
                (
                    big_id(i),
                    if i % 3 == 0 { OFF_TEXT } else { ON_TEXT },
                    (i % 50) as i64,
                )
            })
            .collect();
        seed(&env, &tweets).await;
        let meter = Arc::new(ReadMeter::default());
        let app = tweetboard_board::router(Arc::new(reader(&env).with_meter(meter.clone())));

        // WHEN the chart's default 24 hours are asked for
        let (on, off) = chart_totals(&app, 24).await;
        assert_eq!(on + off, n);
        measured.push((meter.requests(), meter.items(), meter.read_units()));
    }

    // THEN both cost the same: at most two Queries (today and yesterday) reading at most
    // 25 counter items, for at most one read unit
    assert_eq!(measured[0].0, measured[1].0, "{measured:?}");
    assert_eq!(measured[0].2, measured[1].2, "{measured:?}");
    let (requests, items, units) = measured[1];
    assert!(requests <= 2 && items <= 25 && units <= 1.0, "{measured:?}");
}

/// The retweeted tweet's full text, as the API gives it (escaped).
const RETWEETED_FULL_TEXT: &str = "DynamoDB conditional writes &amp; idempotent Lambda consumers: \
    exactly-once results from at-least-once Kinesis delivery, no locks, no extra table, \
    written up with benchmarks https://t.co/dDbLmBdA1x #aws #serverless";

/// A v1.1 retweet as the API returns it: `RT @user: ` and a truncated copy as its own
/// text, the retweeted tweet (its text truncated too, the whole in `extended_tweet`)
/// in `retweeted_status`, its links in `extended_tweet.entities.urls`.
fn v1_retweet(id: &str, retweeted_id: &str, at: chrono::DateTime<Utc>) -> Value {
    let mut rt = v1_tweet_at(
        id,
        "RT @awscloud: DynamoDB conditional writes &amp; idempotent Lambda consumers: exactly-once results from at-least-once Kines\u{2026}",
        at,
    );
    rt["user"]["name"] = serde_json::json!("Retweeting Fan");
    rt["user"]["screen_name"] = serde_json::json!("rt_fan");
    rt["entities"] = serde_json::json!({
        "hashtags": [],
        "urls": [],
        "user_mentions": [{"screen_name": "awscloud", "name": "Amazon Web Services", "id_str": "66780587", "indices": [3, 12]}]
    });
    rt["retweeted_status"] = serde_json::json!({
        "created_at": "Thu Nov 26 09:00:00 +0000 2026",
        "id_str": retweeted_id,
        "text": "DynamoDB conditional writes &amp; idempotent Lambda consumers: exactly-once results from at-least-once Kinesis deliv\u{2026} https://t.co/x1",
        "truncated": true,
        "extended_tweet": {
            "full_text": RETWEETED_FULL_TEXT,
            "display_text_range": [0, 200],
            "entities": {
                "hashtags": [{"text": "aws", "indices": [0, 0]}],
                "urls": [{
                    "url": "https://t.co/dDbLmBdA1x",
                    "expanded_url": "https://aws.amazon.com/blogs/database/idempotent-consumers/",
                    "display_url": "aws.amazon.com/blogs/database\u{2026}",
                    "indices": [0, 0]
                }]
            }
        },
        "user": {
            "name": "Amazon Web Services", "screen_name": "awscloud",
            "profile_image_url_https": "https://pbs.twimg.com/profile_images/2/aws_normal.png"
        },
        "retweet_count": 120,
        "favorite_count": 400
    });
    rt
}

#[tokio::test]
async fn a_retweet_is_shown_whole_by_its_author_retweeted_by_the_retweeter_with_its_links() {
    // GIVEN a real-shaped v1.1 retweet, stored through the consumer
    let env = TestEnv::new("board-retweet").await;
    let id = big_id(1);
    let (response, _) = env
        .consumer()
        .process(
            env.batch(1, &[bytes(&v1_retweet(&id, &big_id(900), Utc::now()))]),
            None,
        )
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    let prediction = s(&env.tweet(&id).await.unwrap(), "prediction").to_owned();

    // WHEN the API lists its prediction
    let (_, api) = get_json(&app(&env), &format!("/api/tweets?prediction={prediction}")).await;

    // THEN it gives the retweeted tweet's full text as people read it, by its author,
    // retweeted by the retweeter, and the t.co link expanded, hashtags and mentions linked
    let t = &api["items"][0];
    assert_eq!(t["tweet_id"], id);
    assert_eq!(t["text"], RETWEETED_FULL_TEXT.replace("&amp;", "&"));
    assert_eq!(
        (&t["name"], &t["screen_name"]),
        (&"Amazon Web Services".into(), &"awscloud".into())
    );
    assert_eq!(
        t["image_url"],
        "https://pbs.twimg.com/profile_images/2/aws_normal.png"
    );
    assert_eq!(
        t["retweeted_by"],
        serde_json::json!({"name": "Retweeting Fan", "screen_name": "rt_fan"})
    );
    assert_eq!(t["initials"], "AW");
    let links: Vec<(&str, &str)> = t["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "link")
        .map(|s| (s["text"].as_str().unwrap(), s["href"].as_str().unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            (
                "https://aws.amazon.com/blogs/database/idempotent-consumers/",
                "https://aws.amazon.com/blogs/database/idempotent-consumers/"
            ),
            ("#aws", "https://x.com/hashtag/aws"),
            ("#serverless", "https://x.com/hashtag/serverless"),
        ]
    );
}

/// What the chart used to read for a window: every tweet of it, whole (a Query is billed
/// for whole items whatever its projection), from the index. Counted in `meter`.
async fn read_like_the_old_chart(env: &TestEnv, hours: u32, meter: &ReadMeter) {
    use aws_sdk_dynamodb::types::AttributeValue;
    use tweetboard_core::stored::{board_partition, BOARD_SHARDS};
    let start = tweetboard_core::board::HourlyCounts::new(hours, Utc::now()).start();
    let from = tweetboard_core::decode::format_time(start);
    // The emulator sorts a whole index per Query page: over 10,000 tweets on a busy
    // machine that outlasts the SDK's 30 s operation timeout.
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&env.aws.sdk)
            .timeout_config(
                aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
                    .operation_timeout(std::time::Duration::from_secs(600))
                    .operation_attempt_timeout(std::time::Duration::from_secs(600))
                    .build(),
            )
            .build(),
    );
    for prediction in ["ON", "OFF"] {
        for shard in 0..BOARD_SHARDS {
            let mut start_key = None;
            loop {
                let out = client
                    .query()
                    .table_name(&env.names.table)
                    .index_name("board_by_time")
                    .key_condition_expression("board_partition = :p AND board_sort >= :from")
                    .expression_attribute_values(":p", AttributeValue::S(board_partition(prediction, shard)))
                    .expression_attribute_values(":from", AttributeValue::S(from.clone()))
                    .set_exclusive_start_key(start_key.take())
                    .send()
                    .await
                    .expect("Query");
                meter.add_page(out.items());
                match out.last_evaluated_key {
                    Some(k) if !k.is_empty() => start_key = Some(k),
                    _ => break,
                }
            }
        }
    }
}

/// `make bench-chart`: read units per chart request (24 hours) before (the chart read
/// every tweet of its window) and after (hourly counters), at 10 and at 10,000 tweets an
/// hour. At 10 an hour all 24 hours are stored through the consumer; at 10,000 one full
/// hour is (10,000 tweets), the old chart's cost for 24 such hours is 24 times that
/// hour's (it reads every tweet of the window, so its cost is linear in them), and the
/// other 23 hours' counters are set as the consumer leaves them. Writes its table to
/// `target/bench/chart.md`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark, minutes long: run it with `make bench-chart`"]
async fn bench_chart_read_units_per_request() {
    let mut rows = Vec::new();
    for (rate, seeded_hours) in [(10u64, 24u32), (10_000, 1)] {
        // GIVEN `seeded_hours` hours of tweets at `rate` an hour, stored by the consumer
        let env = TestEnv::new("bench-chart").await;
        let now = Utc::now();
        let this_hour = now.date_naive().and_hms_opt(now.hour(), 0, 0).unwrap().and_utc();
        let first = if seeded_hours == 24 { 0 } else { 1 };
        let mut payloads = Vec::new();
        for h in first..first + seeded_hours {
            let base = this_hour - Duration::hours(i64::from(h));
            let span = if h == 0 { now - base } else { Duration::hours(1) };
            for i in 0..rate {
                let at = base + span * (i as i32) / (rate as i32);
                let id = big_id(u64::from(h) * 100_000 + i);
                let text = if i % 3 == 0 { OFF_TEXT } else { ON_TEXT };
                payloads.push(bytes(&v1_tweet_at(&id, text, at)));
            }
        }
        let consumer = env.consumer();
        for (n, chunk) in payloads.chunks(500).enumerate() {
            let (response, _) = consumer
                .process(env.batch(1 + 500 * n as u64, chunk), None)
                .await
                .unwrap();
            assert!(response.batch_item_failures.is_empty());
        }
        // (the other hours' counters, as the consumer leaves them at this rate)
        let counts = CountsTable::new(env.aws.dynamo.clone(), &env.names.counts_table);
        for h in 0..24 {
            if !(first..first + seeded_hours).contains(&h) {
                let hour = this_hour - Duration::hours(i64::from(h));
                counts.set(hour, rate - rate / 3, rate / 3).await.unwrap();
            }
        }

        // WHEN the chart is read the old way and the new way
        let before = ReadMeter::default();
        read_like_the_old_chart(&env, 24, &before).await;
        let after = Arc::new(ReadMeter::default());
        let app = tweetboard_board::router(Arc::new(reader(&env).with_meter(after.clone())));
        let (on, off) = chart_totals(&app, 24).await;
        assert!(on + off >= rate * u64::from(seeded_hours) - 2, "{on} {off}");

        let scale = f64::from(24 / seeded_hours);
        rows.push(format!(
            "| {rate} | {items} | {before_units:.1} | {requests} | {after_items} | {after_units:.1} |",
            items = before.items() * (24 / u64::from(seeded_hours)),
            before_units = before.read_units() * scale,
            requests = after.requests(),
            after_items = after.items(),
            after_units = after.read_units(),
        ));
    }

    // THEN (the figures)
    let table = format!(
        "| tweets per hour | before: tweets read | before: read units | after: Queries | after: counter items read | after: read units |\n\
         | --- | --- | --- | --- | --- | --- |\n{}\n",
        rows.join("\n")
    );
    println!("{table}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("chart.md"), table).unwrap();
}

/// Every listed tweet id of both predictions, following `next`.
async fn listed_ids(app: &axum::Router) -> HashSet<String> {
    let mut ids = HashSet::new();
    for prediction in ["ON", "OFF"] {
        let mut uri = format!("/api/tweets?prediction={prediction}&limit=2");
        for _ in 0..50 {
            let (status, body) = get_json(app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            for item in body["items"].as_array().unwrap() {
                assert!(
                    ids.insert(item["tweet_id"].as_str().unwrap().to_owned()),
                    "listed twice"
                );
            }
            match body["next"].as_str() {
                Some(next) => uri = format!("/api/tweets?prediction={prediction}&limit=2&cursor={next}"),
                None => break,
            }
        }
    }
    ids
}

#[tokio::test]
async fn reindex_brings_tweets_of_the_old_day_partitions_back_onto_the_board() {
    // GIVEN six tweets, three of them still under the old key design (`ON#<day>`), as a
    // table written before the board's fixed shards has them
    let env = TestEnv::new("board-reindex").await;
    let tweets: Vec<(String, &str, i64)> = (0..6)
        .map(|i| {
            (
                big_id(900 + i),
                if i % 2 == 0 { ON_TEXT } else { OFF_TEXT },
                10 * i as i64,
            )
        })
        .collect();
    seed(&env, &tweets).await;
    let old: Vec<String> = tweets[..3].iter().map(|(id, _, _)| id.clone()).collect();
    for id in &old {
        let item = env.tweet(id).await.unwrap();
        let prediction = s(&item, "prediction").to_owned();
        let day = &s(&item, "created_at")[..10];
        env.aws
            .dynamo
            .update_item()
            .table_name(&env.names.table)
            .key("tweet_id", aws_sdk_dynamodb::types::AttributeValue::S(id.clone()))
            .update_expression("SET board_partition = :p")
            .expression_attribute_values(
                ":p",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("{prediction}#{day}")),
            )
            .send()
            .await
            .unwrap();
    }
    let app = app(&env);
    let before = listed_ids(&app).await;
    assert_eq!(before.len(), 3, "the board does not read the old partitions");
    assert!(old.iter().all(|id| !before.contains(id)));

    // WHEN reindex runs (twice: the second pass must find nothing to do)
    let first = tweetboard_aws::reindex::reindex_board(&env.aws.dynamo, &env.names.table, &|_| {})
        .await
        .unwrap();
    let second = tweetboard_aws::reindex::reindex_board(&env.aws.dynamo, &env.names.table, &|_| {})
        .await
        .unwrap();

    // THEN every tweet is on the board once, and the second pass moved nothing
    assert_eq!(
        (first.scanned, first.moved, first.current),
        (6, 3, 3),
        "{first:?}"
    );
    assert_eq!((second.moved, second.current), (0, 6), "{second:?}");
    let after = listed_ids(&app).await;
    let all: HashSet<String> = tweets.iter().map(|(id, _, _)| id.clone()).collect();
    assert_eq!(after, all);
}
