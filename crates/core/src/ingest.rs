//! Ingest payloads → stream records.
//!
//! Accepted request bodies:
//! - `{"tweets": [ ... ]}` where each element is a v1.1 tweet, a bare v2 tweet, or a
//!   v2 single-tweet envelope (`{"data": {...}, "includes": {...}}`);
//! - a v2 search response body (`{"data": [ ... ], "includes": {"users": [ ... ]}}`),
//!   which is split into one envelope per tweet carrying its author.
//!
//! Every tweet is decoded exactly as the consumer will decode it, so an invalid one is
//! rejected here, with its index and a reason, instead of being quarantined later.

use serde_json::{json, Map, Value};

use crate::decode::decode_tweet;
use crate::ports::OutgoingRecord;

/// Kinesis' limit for one record: data plus partition key.
pub const KINESIS_RECORD_LIMIT_BYTES: usize = 1024 * 1024;

/// A tweet that will not be sent, by its position in the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub index: usize,
    pub reason: String,
}

/// The records to publish (with each one's index in the request) and the rejections.
#[derive(Debug, Default)]
pub struct PreparedBatch {
    pub records: Vec<(usize, OutgoingRecord)>,
    pub rejected: Vec<Rejection>,
}

/// Why a whole request is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IngestRequestError {
    #[error("expected {{\"tweets\": [...]}} or a v2 search response body with a `data` array; got {0}")]
    UnknownShape(String),
}

/// Splits a request body into records, keyed by tweet id.
pub fn prepare(body: &Value) -> Result<PreparedBatch, IngestRequestError> {
    let tweets: Vec<Value> = match body {
        Value::Object(o) if o.get("tweets").is_some_and(Value::is_array) => {
            o["tweets"].as_array().cloned().unwrap_or_default()
        }
        Value::Object(o) if o.get("data").is_some_and(Value::is_array) => split_search_response(o),
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().map(String::as_str).take(5).collect();
            return Err(IngestRequestError::UnknownShape(format!(
                "an object with keys {keys:?}"
            )));
        }
        other => return Err(IngestRequestError::UnknownShape(kind_of(other).into())),
    };
    let mut batch = PreparedBatch::default();
    for (index, tweet) in tweets.iter().enumerate() {
        match to_record(tweet) {
            Ok(record) => batch.records.push((index, record)),
            Err(reason) => batch.rejected.push(Rejection { index, reason }),
        }
    }
    Ok(batch)
}

fn to_record(tweet: &Value) -> Result<OutgoingRecord, String> {
    if !tweet.is_object() {
        return Err(format!("not a tweet object but {}", kind_of(tweet)));
    }
    let data = serde_json::to_vec(tweet).map_err(|e| format!("cannot serialise: {e}"))?;
    let decoded = decode_tweet(&data).map_err(|e| e.to_string())?;
    let partition_key = decoded.id().as_str().to_owned();
    if data.len() + partition_key.len() > KINESIS_RECORD_LIMIT_BYTES {
        return Err(format!(
            "record of {} bytes exceeds Kinesis' {KINESIS_RECORD_LIMIT_BYTES}-byte record limit",
            data.len()
        ));
    }
    Ok(OutgoingRecord { partition_key, data })
}

/// One `{"data": tweet, "includes": {"users": [author]}}` per tweet of a search page
/// (an object whose `data` is an array). `tweetboard ingest --file` splits pages with it
/// too, so a file and a request body of the same page give the same records.
pub fn split_search_response(body: &Map<String, Value>) -> Vec<Value> {
    let users: Vec<&Value> = body
        .get("includes")
        .and_then(|i| i.get("users"))
        .and_then(Value::as_array)
        .map(|u| u.iter().collect())
        .unwrap_or_default();
    body["data"]
        .as_array()
        .map(|tweets| {
            tweets
                .iter()
                .map(|t| {
                    let author = t.get("author_id").and_then(|a| {
                        users
                            .iter()
                            .find(|u| u.get("id") == Some(a))
                            .map(|u| (*u).clone())
                    });
                    match author {
                        Some(user) => json!({"data": t, "includes": {"users": [user]}}),
                        None => json!({"data": t}),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_tweet;

    #[test]
    fn tweets_array_with_an_invalid_entry_is_rejected_by_index() {
        let body = json!({"tweets": [
            {"id_str": "1850000000000000001", "text": "a"},
            {"text": "no id"},
            "junk",
            {"data": {"id": "1850000000000000003", "text": "v2"}}
        ]});
        let batch = prepare(&body).unwrap();
        let keys: Vec<_> = batch
            .records
            .iter()
            .map(|(i, r)| (*i, r.partition_key.as_str()))
            .collect();
        assert_eq!(keys, [(0, "1850000000000000001"), (3, "1850000000000000003")]);
        assert_eq!(batch.rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [1, 2]);
        assert!(
            batch.rejected[0].reason.contains("no valid id"),
            "{}",
            batch.rejected[0].reason
        );
    }

    #[test]
    fn search_response_is_split_with_authors() {
        let body = json!({
            "data": [{"id": "11", "text": "one", "author_id": "1"}, {"id": "12", "text": "two", "author_id": "2"}],
            "includes": {"users": [{"id": "2", "username": "two"}, {"id": "1", "username": "one"}]},
            "meta": {"newest_id": "12"}
        });
        let batch = prepare(&body).unwrap();
        assert!(batch.rejected.is_empty());
        let names: Vec<_> = batch
            .records
            .iter()
            .map(|(_, r)| decode_tweet(&r.data).unwrap().screen_name)
            .collect();
        assert_eq!(names, ["one", "two"]);
    }

    #[test]
    fn unknown_shapes_are_errors() {
        assert!(prepare(&json!([1])).is_err());
        assert!(prepare(&json!({"foo": 1})).is_err());
    }
}
