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

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

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

/// Splits a request body, as the bytes Lambda delivers, into records. No JSON tree is
/// built: each tweet stays a slice of the request until it is decoded, so memory is a
/// small multiple of the request whatever its shape.
pub fn prepare_json(body: &[u8]) -> Result<PreparedBatch, IngestRequestError> {
    let tweets = request_tweets(body)?;
    let mut batch = PreparedBatch::default();
    for (index, tweet) in tweets.into_iter().enumerate() {
        match to_record(tweet) {
            Ok(record) => batch.records.push((index, record)),
            Err(reason) => batch.rejected.push(Rejection {
                index,
                reason: bounded_reason(reason),
            }),
        }
    }
    Ok(batch)
}

/// The tweets of a request, each as its own JSON text: the `tweets` array's elements,
/// or a search page's tweets, each wrapped in an envelope with its author.
fn request_tweets(body: &[u8]) -> Result<Vec<Cow<'_, str>>, IngestRequestError> {
    let request: Request<'_> = serde_json::from_slice(body).map_err(|e| {
        if e.to_string().starts_with(TOO_MANY) {
            IngestRequestError::TooManyTweets
        } else {
            IngestRequestError::NotJson(bounded_reason(e.to_string()))
        }
    })?;
    match request {
        Request::Object {
            tweets: Some(Field::Array(tweets)),
            ..
        } => Ok(tweets.into_iter().map(|t| Cow::Borrowed(t.get())).collect()),
        Request::Object {
            data: Some(Field::Array(tweets)),
            includes,
            ..
        } => Ok(envelopes(&tweets, includes).into_iter().map(Cow::Owned).collect()),
        Request::Object { keys, .. } => Err(IngestRequestError::UnknownShape(format!(
            "an object with keys {keys:?}"
        ))),
        Request::Other(kind) => Err(IngestRequestError::UnknownShape(kind.into())),
    }
}

/// One `{"data": tweet, "includes": {"users": [author]}}` per tweet of a search page.
fn envelopes(tweets: &[&RawValue], includes: Option<&RawValue>) -> Vec<String> {
    #[derive(Deserialize)]
    struct Includes<'a> {
        #[serde(borrow)]
        users: Option<Vec<&'a RawValue>>,
    }
    #[derive(Deserialize)]
    struct Ids<'a> {
        #[serde(borrow)]
        id: Option<Cow<'a, str>>,
        #[serde(borrow)]
        author_id: Option<Cow<'a, str>>,
    }
    fn ids(raw: &RawValue) -> Option<Ids<'_>> {
        serde_json::from_str(raw.get()).ok()
    }
    let users: Vec<(Cow<str>, &RawValue)> = includes
        .and_then(|i| serde_json::from_str::<Includes>(i.get()).ok())
        .and_then(|i| i.users)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| Some((ids(u)?.id?, u)))
        .collect();
    tweets
        .iter()
        .map(|t| {
            let author_id = ids(t).and_then(|i| i.author_id);
            let author = author_id.and_then(|a| users.iter().find(|(id, _)| *id == a).map(|(_, u)| u));
            match author {
                Some(user) => format!(
                    r#"{{"data":{},"includes":{{"users":[{}]}}}}"#,
                    t.get(),
                    user.get()
                ),
                None => format!(r#"{{"data":{}}}"#, t.get()),
            }
        })
        .collect()
}

/// One `{"data": tweet, "includes": {"users": [author]}}` per tweet of a search page
/// (an object whose `data` is an array). `tweetboard ingest --file` splits pages with it
/// too, so a file and a request body of the same page give the same records.
pub fn split_search_response(body: &Map<String, Value>) -> Vec<Value> {
    let Ok(bytes) = serde_json::to_vec(body) else {
        return Vec::new();
    };
    match request_tweets(&bytes) {
        Ok(tweets) => tweets
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A tweet's record; an envelope made for it is moved into the record, not copied.
fn to_record(tweet: Cow<'_, str>) -> Result<OutgoingRecord, String> {
    let kind = kind_of(&tweet);
    if kind != "an object" {
        return Err(format!("not a tweet object but {kind}"));
    }
    // Size first: a record Kinesis would refuse is not worth decoding.
    if tweet.len() + MAX_PARTITION_KEY_BYTES > KINESIS_RECORD_LIMIT_BYTES {
        return Err(format!(
            "record of {} bytes exceeds Kinesis' {KINESIS_RECORD_LIMIT_BYTES}-byte record limit",
            tweet.len()
        ));
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

/// The start of the error a `tweets` or `data` array longer than the limit stops at.
const TOO_MANY: &str = "tweetboard: too many tweets";

/// A request body, read one level deep: the arrays it may carry are kept as slices.
enum Request<'a> {
    Object {
        tweets: Option<Field<'a>>,
        data: Option<Field<'a>>,
        includes: Option<&'a RawValue>,
        /// The first few keys, for the error when the shape is unknown.
        keys: Vec<String>,
    },
    Other(&'static str),
}

/// A `tweets` or `data` value: an array of at most [`MAX_TWEETS_PER_REQUEST`]
/// elements, or something else.
enum Field<'a> {
    Array(Vec<&'a RawValue>),
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for Request<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RequestVisitor;
        impl<'de> Visitor<'de> for RequestVisitor {
            type Value = Request<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a request object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request<'de>, A::Error> {
                let (mut tweets, mut data, mut includes, mut keys) = (None, None, None, Vec::new());
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if keys.len() < 5 {
                        keys.push(crate::error::preview(&key, 40).trim_matches('"').to_owned());
                    }
                    match key.as_ref() {
                        "tweets" => tweets = Some(map.next_value()?),
                        "data" => data = Some(map.next_value()?),
                        "includes" => includes = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Request::Object {
                    tweets,
                    data,
                    includes,
                    keys,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Request<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Request::Other("an array"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Request<'de>, E> {
                Ok(Request::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Request<'de>, E> {
                Ok(Request::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Request<'de>, E> {
                Ok(Request::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Request<'de>, E> {
                Ok(Request::Other("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Request<'de>, E> {
                Ok(Request::Other("a string"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Request<'de>, E> {
                Ok(Request::Other("null"))
            }
        }
        deserializer.deserialize_any(RequestVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of tweets")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    if items.len() == MAX_TWEETS_PER_REQUEST {
                        return Err(de::Error::custom(TOO_MANY));
                    }
                    items.push(item);
                }
                Ok(Field::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
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
