//! `tweetboard ingest`: pushes a file of tweets through the ingest Lambda's code.

use std::path::Path;

use serde_json::{json, Value};
use tweetboard_core::ingest::{split_search_response, Rejection};
use tweetboard_ingest::{Ingest, IngestError};

use crate::progress;

/// The sample tweets shipped with the project (v1.1 form, one per line), compiled in so
/// `make run` works from the binary alone.
pub const SAMPLE_TWEETS: &str = include_str!("../data/sample-tweets.jsonl");

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: line {line} is not JSON: {source}")]
    Line {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
    #[error("{path}: {source}")]
    Page {
        path: String,
        source: tweetboard_core::ingest::IngestRequestError,
    },
}

/// Reads tweets from JSON Lines (one tweet, or one v2 search response, per line), a JSON
/// array of tweets, or an ingest request body (`{"tweets": [...]}` or a v2 search
/// response). A search response is split into its tweets exactly as the ingest Lambda
/// splits it.
pub fn load_tweets(path: &Path) -> Result<Vec<Value>, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: name.clone(),
        source,
    })?;
    parse_tweets(&name, &text)
}

pub fn parse_tweets(name: &str, text: &str) -> Result<Vec<Value>, LoadError> {
    if let Ok(whole) = serde_json::from_str::<Value>(text) {
        return Ok(match whole {
            Value::Array(items) => {
                let mut tweets = Vec::new();
                for item in items {
                    tweets.extend(tweets_of(name, item)?);
                }
                tweets
            }
            Value::Object(ref o) if o.get("tweets").is_some_and(Value::is_array) => {
                o["tweets"].as_array().cloned().unwrap_or_default()
            }
            other => tweets_of(name, other)?,
        });
    }
    let mut tweets = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value = serde_json::from_str(line).map_err(|source| LoadError::Line {
            path: name.into(),
            line: i + 1,
            source,
        })?;
        tweets.extend(tweets_of(name, value)?);
    }
    Ok(tweets)
}

/// A v2 search response (`data` is an array) is its tweets, split as the ingest Lambda
/// splits it; anything else is one tweet, validated later by the ingest code.
fn tweets_of(name: &str, value: Value) -> Result<Vec<Value>, LoadError> {
    match &value {
        Value::Object(o) if o.get("data").is_some_and(Value::is_array) => {
            split_search_response(o).map_err(|source| LoadError::Page {
                path: name.into(),
                source,
            })
        }
        _ => Ok(vec![value]),
    }
}

/// v1.1's `created_at` format.
const V1_TIME: &str = "%a %b %d %H:%M:%S %z %Y";

/// Shifts every v1.1 `created_at` by the same amount so the newest is `newest`: the
/// shipped samples then show on the board as the last day's tweets, whenever they are
/// replayed. Tweets without a parseable v1.1 time are left as they are.
pub fn rebase_times(tweets: &mut [Value], newest: chrono::DateTime<chrono::Utc>) {
    let parse = |t: &Value| {
        t.get("created_at")
            .and_then(Value::as_str)
            .and_then(|s| chrono::DateTime::parse_from_str(s, V1_TIME).ok())
    };
    let Some(max) = tweets.iter().filter_map(parse).max() else {
        return;
    };
    let shift = newest.signed_duration_since(max);
    for t in tweets.iter_mut() {
        if let Some(at) = parse(t) {
            let moved = (at + shift).with_timezone(&chrono::Utc);
            t["created_at"] = Value::String(moved.format("%a %b %d %H:%M:%S +0000 %Y").to_string());
        }
    }
}

/// What an ingest run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct IngestSummary {
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
}

/// Sends `tweets` in requests of `per_request`, as a caller of the Lambda would.
/// Rejection indices are positions in `tweets`.
pub async fn ingest_all(
    ingest: &Ingest,
    tweets: &[Value],
    per_request: usize,
) -> Result<IngestSummary, IngestError> {
    let pb = progress::bar(tweets.len() as u64, "ingest");
    let mut summary = IngestSummary::default();
    for (n, chunk) in tweets.chunks(per_request.max(1)).enumerate() {
        let offset = n * per_request.max(1);
        let response = ingest.ingest(&json!({ "tweets": chunk })).await?;
        summary.accepted += response.accepted;
        summary
            .rejected
            .extend(response.rejected.into_iter().map(|r| Rejection {
                index: r.index + offset,
                reason: r.reason,
            }));
        pb.inc(chunk.len() as u64);
    }
    pb.finish_and_clear();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_tweets_parse_and_decode() {
        let tweets = parse_tweets("sample", SAMPLE_TWEETS).unwrap();
        assert!(tweets.len() >= 1000, "{}", tweets.len());
        for t in &tweets {
            let bytes = serde_json::to_vec(t).unwrap();
            tweetboard_core::decode::decode_tweet(&bytes).unwrap();
        }
    }

    #[test]
    fn rebasing_keeps_the_spacing_and_ends_at_the_given_time() {
        let mut tweets = parse_tweets("s", SAMPLE_TWEETS).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2030-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let before: Vec<String> = tweets
            .iter()
            .take(2)
            .map(|t| t["created_at"].as_str().unwrap().to_owned())
            .collect();
        rebase_times(&mut tweets, now);
        let times: Vec<chrono::DateTime<chrono::FixedOffset>> = tweets
            .iter()
            .map(|t| chrono::DateTime::parse_from_str(t["created_at"].as_str().unwrap(), V1_TIME).unwrap())
            .collect();
        assert_eq!(
            times.iter().max().unwrap().to_rfc3339(),
            "2030-01-02T03:04:05+00:00"
        );
        let old_gap = chrono::DateTime::parse_from_str(&before[1], V1_TIME).unwrap()
            - chrono::DateTime::parse_from_str(&before[0], V1_TIME).unwrap();
        assert_eq!(times[1] - times[0], old_gap);
    }

    #[test]
    fn accepts_array_jsonl_and_request_bodies() {
        assert_eq!(
            parse_tweets("a", r#"[{"id_str":"1"},{"id_str":"2"}]"#)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_tweets("b", "{\"id_str\":\"1\"}\n\n{\"id_str\":\"2\"}\n")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_tweets("c", r#"{"tweets": [{"id_str":"1"}]}"#)
                .unwrap()
                .len(),
            1
        );
        let err = parse_tweets("d", "{\"id_str\":\"1\"}\n{oops\n").unwrap_err();
        assert!(err.to_string().starts_with("d: line 2 is not JSON"), "{err}");
    }

    fn search_page(ids: [&str; 2], authors: [&str; 2]) -> Value {
        json!({
            "data": [
                {"id": ids[0], "text": "one #aws", "author_id": "1"},
                {"id": ids[1], "text": "two #aws", "author_id": "2"}
            ],
            "includes": {"users": [{"id": "2", "username": authors[1]}, {"id": "1", "username": authors[0]}]},
            "meta": {"newest_id": ids[1], "result_count": 2}
        })
    }

    /// Tweet id and author of each tweet, decoded as the consumer will decode them.
    fn ids_and_authors(tweets: &[Value]) -> Vec<(String, String)> {
        tweets
            .iter()
            .map(|t| {
                let tweet = tweetboard_core::decode::decode_tweet(&serde_json::to_vec(t).unwrap()).unwrap();
                (tweet.id().as_str().to_owned(), tweet.screen_name)
            })
            .collect()
    }

    #[test]
    fn a_v2_search_response_file_is_split_into_its_tweets_as_the_ingest_lambda_splits_it() {
        // GIVEN a file holding one v2 search response
        let page = search_page(["1850000000000000011", "1850000000000000012"], ["uno", "dos"]);

        // WHEN it is loaded
        let tweets = parse_tweets("search.json", &page.to_string()).unwrap();

        // THEN it is its two tweets, each with its author, exactly as the Lambda splits it
        assert_eq!(
            ids_and_authors(&tweets),
            [
                ("1850000000000000011".to_owned(), "uno".to_owned()),
                ("1850000000000000012".to_owned(), "dos".to_owned())
            ]
        );
        let lambda: Vec<Vec<u8>> = tweetboard_core::ingest::prepare(&page)
            .unwrap()
            .records
            .into_iter()
            .map(|(_, r)| r.data)
            .collect();
        let ours: Vec<Vec<u8>> = tweets.iter().map(|t| serde_json::to_vec(t).unwrap()).collect();
        assert_eq!(ours, lambda);
    }

    #[test]
    fn json_lines_of_v2_search_responses_are_split_line_by_line() {
        // GIVEN JSON Lines: two search pages and a plain v1.1 tweet
        let text = format!(
            "{}\n{}\n{}\n",
            search_page(["1850000000000000021", "1850000000000000022"], ["a", "b"]),
            json!({"id_str": "1850000000000000023", "text": "v1 #aws", "user": {"screen_name": "c"}}),
            search_page(["1850000000000000024", "1850000000000000025"], ["d", "e"]),
        );

        // WHEN it is loaded
        let tweets = parse_tweets("pages.jsonl", &text).unwrap();

        // THEN every tweet of every page is one tweet, in file order
        let authors: Vec<String> = ids_and_authors(&tweets).into_iter().map(|(_, a)| a).collect();
        assert_eq!(authors, ["a", "b", "c", "d", "e"]);
    }
}
