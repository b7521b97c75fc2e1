//! Fuzzing the board's query strings: any path and query a client sends gets an answer
//! of 200, 400 or 404 (with a JSON error on the API), never a panic or a 5xx, and a
//! page's `limit` is never exceeded.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;
use tower::ServiceExt;
use tweetboard_board::{router, MAX_LIMIT};
use tweetboard_core::testing::MemoryBoard;

/// Query strings: hostile parameters among the real ones, raw bytes percent-encoded.
fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("prediction".to_owned()),
        Just("limit".to_owned()),
        Just("cursor".to_owned()),
        Just("hours".to_owned()),
        Just("show".to_owned()),
        "[a-z%]{0,8}",
    ];
    let value = prop_oneof![
        Just("ON".to_owned()),
        Just("OFF".to_owned()),
        "-?[0-9]{0,25}",
        "[A-Za-z0-9_.=-]{0,80}",
        any::<Vec<u8>>().prop_map(|b| b.iter().map(|x| format!("%{x:02X}")).collect()),
    ];
    prop::collection::vec((name, value, any::<bool>()), 0..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v, eq)| if eq { format!("{n}={v}") } else { n })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn path() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("/"),
        Just("/api/tweets"),
        Just("/api/stats"),
        Just("/healthz"),
        Just("/nope")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_query_string_gets_a_client_answer_never_a_panic_or_5xx(path in path(), query in query()) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let uri = format!("{path}?{query}");
        let Ok(request) = Request::builder().uri(&uri).body(Body::empty()) else {
            return Ok(()); // not a URI the HTTP layer would hand to the router
        };
        let (status, body) = rt.block_on(async {
            let response = router(Arc::new(MemoryBoard::default())).oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 8 << 20).await.unwrap();
            (status, body)
        });
        prop_assert!(
            [StatusCode::OK, StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND].contains(&status),
            "{uri}: {status}"
        );
        if path.starts_with("/api/") && status == StatusCode::OK && path == "/api/tweets" {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert!(v["items"].as_array().unwrap().len() <= MAX_LIMIT);
        }
        if path.starts_with("/api/") && status == StatusCode::BAD_REQUEST {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert!(v["error"].is_string(), "{uri}");
        }
    }
}
