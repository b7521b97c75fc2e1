//! Peak memory of the ingest handler on hostile requests, measured with a counting
//! allocator (this binary's only test). The request arrives as Lambda delivers it, raw
//! JSON bytes, and goes through `Ingest::handle` with a publisher that keeps nothing.
//!
//! It once peaked at 1.15 GB on a 600 KB request of 120 nested `{"data": ...}`
//! envelopes; a 6 MB array of zeros would have built a 200 MB JSON tree.

use std::sync::Arc;

use lambda_runtime::{Context, LambdaEvent};
use serde_json::value::RawValue;
use tweetboard_core::peak_memory::{self, PeakCounting};
use tweetboard_core::ports::{OutgoingRecord, PublishReport, RecordPublisher};
use tweetboard_core::ServiceError;
use tweetboard_ingest::{Ingest, IngestError};

#[global_allocator]
static ALLOCATOR: PeakCounting = PeakCounting;

/// Accepts everything and keeps nothing: only the handler's own memory is measured.
struct Discard;

#[async_trait::async_trait]
impl RecordPublisher for Discard {
    async fn publish(&self, _: &[OutgoingRecord]) -> Result<PublishReport, ServiceError> {
        Ok(PublishReport::default())
    }
}

fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", r#"{"data": "#.repeat(depth), "}".repeat(depth))
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_requests_cost_a_small_multiple_of_their_size() {
    let ingest = Ingest::new(Arc::new(Discard));
    let zeros = format!("[{}0]", "0,".repeat(300_000));
    let cases: Vec<(&str, String)> = vec![
        // 600 KB: one tweet of 120 nested envelopes
        ("nested", format!(r#"{{"tweets": [{}]}}"#, nested(120, &zeros))),
        // 6 MB: three million zeros where tweets belong
        ("zeros", format!(r#"{{"tweets": [{}0]}}"#, "0,".repeat(3_000_000))),
        // 6 MB: ten thousand tweets of 600 bytes, all rejected for their ids
        (
            "bad ids",
            format!(
                r#"{{"tweets": [{}]}}"#,
                vec![format!(r#"{{"id_str": "{}x", "text": "t"}}"#, "9".repeat(560)); 10_000].join(",")
            ),
        ),
        // 6 MB: a search page of ten thousand tweets without authors
        (
            "search page",
            format!(
                r#"{{"data": [{}], "includes": {{"users": []}}}}"#,
                vec![
                    format!(
                        r#"{{"id": "1850000000000000001", "text": "{}"}}"#,
                        "a".repeat(560)
                    );
                    10_000
                ]
                .join(",")
            ),
        ),
        // 1 MB: a thousand tweets of a search page whose one author is 1 MB: each
        // envelope would carry a copy of it
        (
            "shared author",
            format!(
                r#"{{"data": [{}], "includes": {{"users": [{{"id": "a", "pad": "{}"}}]}}}}"#,
                vec![r#"{"id": "1850000000000000001", "text": "x", "author_id": "a"}"#; 1000].join(","),
                "p".repeat(1_000_000)
            ),
        ),
    ];
    for (label, body) in cases {
        // GIVEN the request as Lambda delivers it
        let payload = RawValue::from_string(body).unwrap();
        let size = payload.get().len();
        let base = peak_memory::start();

        // WHEN the handler takes it
        let result = ingest.handle(LambdaEvent::new(payload, Context::default())).await;

        // THEN it answers (a rejection or a clear error), and never holds more than two
        // and a half times the request on top of the request itself
        let peak = peak_memory::peak_since(base);
        eprintln!(
            "{label}: request {size} bytes, peak heap {peak} bytes, {:?}",
            result
                .as_ref()
                .map(|r| (r.accepted, r.rejected.len()))
                .map_err(ToString::to_string)
        );
        match label {
            "nested" | "bad ids" => {
                let r = result.unwrap();
                assert_eq!(r.accepted, 0, "{label}");
                assert!(r.rejected.iter().all(|x| x.reason.len() <= 1024), "{label}");
            }
            "zeros" => assert!(matches!(result, Err(IngestError::BadRequest(_))), "{label}"),
            "shared author" => {
                // Only what fits twice the request is made; the rest is rejected by index.
                let r = result.unwrap();
                assert!(r.accepted <= 2, "{label}: {} accepted", r.accepted);
                assert_eq!(r.accepted + r.rejected.len(), 1000, "{label}");
            }
            _ => assert_eq!(result.unwrap().accepted, 10_000, "{label}"),
        }
        assert!(
            peak <= 3 * size,
            "{label}: a {size}-byte request peaked at {peak} bytes"
        );
    }
}
