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

mod request;

use std::borrow::Cow;

use serde_json::{Map, Value};

use request::RequestTweets;

use crate::decode::decode_tweet;
use crate::error::bounded_reason;
use crate::ports::OutgoingRecord;

/// Kinesis' limit for one record: data plus partition key.
pub const KINESIS_RECORD_LIMIT_BYTES: usize = 1024 * 1024;

/// The most tweets one request may carry. Lambda's 6 MB payload holds about 4,000 real
/// tweets; a request of millions of tiny elements would otherwise cost a rejection
/// each, and a response larger than Lambda can return.
pub const MAX_TWEETS_PER_REQUEST: usize = 10_000;

/// A tweet id has at most 20 digits: the longest partition key ingest writes.
const MAX_PARTITION_KEY_BYTES: usize = 20;

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
    #[error("the request is not valid JSON: {0}")]
    NotJson(String),
    #[error("the request has more than {MAX_TWEETS_PER_REQUEST} tweets; split it")]
    TooManyTweets,
}

/// Splits a request body into records, keyed by tweet id.
pub fn prepare(body: &Value) -> Result<PreparedBatch, IngestRequestError> {
    let bytes = serde_json::to_vec(body).map_err(|e| IngestRequestError::NotJson(e.to_string()))?;
    prepare_json(&bytes)
}

/// Records may add up to this many times the request's size (each search-page tweet
/// carries a copy of its author), plus [`PREPARED_BYTES_SLACK`]. Past it, tweets are
/// rejected by index: a page whose tweets all point at one huge author would otherwise
/// expand a 6 MB request into gigabytes.
pub const PREPARED_BYTES_FACTOR: usize = 2;
const PREPARED_BYTES_SLACK: usize = 64 * 1024;

/// Splits a request body, as the bytes Lambda delivers, into records. No JSON tree is
/// built: each tweet stays a slice of the request until it is decoded, a search page's
/// envelopes are made one at a time with their size known first, and the records add
/// up to at most [`PREPARED_BYTES_FACTOR`] times the request.
pub fn prepare_json(body: &[u8]) -> Result<PreparedBatch, IngestRequestError> {
    prepare_within(body, PREPARED_BYTES_FACTOR * body.len() + PREPARED_BYTES_SLACK)
}

/// A search page the poller fetched, split exactly as [`prepare_json`] splits a request
/// but without its size budget: a page holds at most 100 tweets, and a tweet the budget
/// refused would look to the poller like a tweet that can never be pushed, which it
/// would pass over for good.
pub fn prepare_search_page(body: &[u8]) -> Result<PreparedBatch, IngestRequestError> {
    prepare_within(body, usize::MAX)
}

fn prepare_within(body: &[u8], budget: usize) -> Result<PreparedBatch, IngestRequestError> {
    let tweets = RequestTweets::parse(body)?;
    let mut used = 0;
    let mut batch = PreparedBatch::default();
    for index in 0..tweets.len() {
        let result = tweets
            .record(index, budget - used)
            .inspect(|record| used += record.data.len());
        match result {
            Ok(record) => batch.records.push((index, record)),
            Err(reason) => batch.rejected.push(Rejection {
                index,
                reason: bounded_reason(reason),
            }),
        }
    }
    Ok(batch)
}

/// One `{"data": tweet, "includes": {"users": [author]}}` per tweet of a search page
/// (an object whose `data` is an array). `tweetboard ingest --file` splits pages with it
/// too, so a file and a request body of the same page give the same records.
pub fn split_search_response(body: &Map<String, Value>) -> Result<Vec<Value>, IngestRequestError> {
    let bytes = serde_json::to_vec(body).map_err(|e| IngestRequestError::NotJson(e.to_string()))?;
    let tweets = RequestTweets::parse(&bytes)?;
    (0..tweets.len())
        .map(|i| {
            let json = tweets
                .json(i, usize::MAX)
                .map_err(IngestRequestError::UnknownShape)?;
            serde_json::from_str(&json).map_err(|e| IngestRequestError::NotJson(e.to_string()))
        })
        .collect()
}

fn too_large(size: usize) -> String {
    format!("record of {size} bytes exceeds Kinesis' {KINESIS_RECORD_LIMIT_BYTES}-byte record limit")
}

/// A tweet's record, from JSON text whose size `RequestTweets::json` has already checked;
/// an envelope made for it is moved into the record, not copied.
fn to_record(tweet: Cow<'_, str>) -> Result<OutgoingRecord, String> {
    let kind = kind_of(&tweet);
    if kind != "an object" {
        return Err(format!("not a tweet object but {kind}"));
    }
    let decoded = decode_tweet(tweet.as_bytes()).map_err(|e| e.to_string())?;
    Ok(OutgoingRecord {
        partition_key: decoded.id().as_str().to_owned(),
        data: tweet.into_owned().into_bytes(),
    })
}

/// What a JSON text is, by its first character (`RawValue` starts at the value).
fn kind_of(json: &str) -> &'static str {
    match json.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_tweet;
    use serde_json::json;

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
    fn a_request_of_more_tweets_than_the_limit_is_refused_whole() {
        let body = format!(r#"{{"tweets": [{}0]}}"#, "0,".repeat(MAX_TWEETS_PER_REQUEST));
        assert_eq!(
            prepare_json(body.as_bytes()).unwrap_err(),
            IngestRequestError::TooManyTweets
        );
        let body = format!(r#"{{"tweets": [{}0]}}"#, "0,".repeat(MAX_TWEETS_PER_REQUEST - 1));
        assert_eq!(
            prepare_json(body.as_bytes()).unwrap().rejected.len(),
            MAX_TWEETS_PER_REQUEST
        );
    }

    #[test]
    fn a_tweet_over_the_record_limit_is_rejected_by_size_before_it_is_decoded() {
        // An invalid id too: the size is what is reported, as it is checked first.
        let big = format!(
            r#"{{"id_str": "x", "text": "{}"}}"#,
            "a".repeat(KINESIS_RECORD_LIMIT_BYTES)
        );
        let batch = prepare_json(format!(r#"{{"tweets": [{big}]}}"#).as_bytes()).unwrap();
        assert!(
            batch.rejected[0].reason.contains("record limit"),
            "{}",
            batch.rejected[0].reason
        );
    }

    #[test]
    fn rejections_quote_at_most_a_bounded_reason() {
        let body = json!({"tweets": [{"id_str": "1".repeat(300_000) + "x", "text": "t"}]});
        let batch = prepare(&body).unwrap();
        assert!(batch.rejected[0].reason.len() <= crate::error::MAX_REASON_BYTES);
        assert!(
            batch.rejected[0].reason.contains("no valid id"),
            "{}",
            batch.rejected[0].reason
        );
    }

    #[test]
    fn unknown_shapes_are_errors() {
        assert!(matches!(
            prepare_json(b"{not json"),
            Err(IngestRequestError::NotJson(_))
        ));
        assert_eq!(
            prepare_json(br#"{"tweets": {"id": 1}, "other": 2}"#)
                .unwrap_err()
                .to_string(),
            r#"expected {"tweets": [...]} or a v2 search response body with a `data` array; got an object with keys ["tweets", "other"]"#
        );
        assert!(prepare(&json!([1])).is_err());
        assert!(prepare(&json!({"foo": 1})).is_err());
    }
}
