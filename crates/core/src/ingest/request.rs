//! Reading an ingest request without building a JSON tree: the body is read one level
//! deep, its `tweets` or `data` array kept as slices of the request (at most
//! [`MAX_TWEETS_PER_REQUEST`]), and a search page's authors indexed by id, so each
//! tweet's JSON text (an envelope with its author, for a search page) is made only when
//! it is needed and only when it fits.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    to_record, too_large, IngestRequestError, KINESIS_RECORD_LIMIT_BYTES, MAX_PARTITION_KEY_BYTES,
    MAX_TWEETS_PER_REQUEST, PREPARED_BYTES_FACTOR,
};
use crate::error::bounded_reason;
use crate::ports::OutgoingRecord;

/// The tweets of a request, each as its own JSON text on demand: the `tweets` array's
/// elements as they are, or a search page's tweets, each wrapped in an envelope with
/// its author.
pub(super) enum RequestTweets<'a> {
    List(Vec<&'a RawValue>),
    SearchPage {
        tweets: Vec<&'a RawValue>,
        authors: HashMap<Cow<'a, str>, &'a RawValue>,
    },
}

impl<'a> RequestTweets<'a> {
    pub(super) fn parse(body: &'a [u8]) -> Result<Self, IngestRequestError> {
        let request: Request<'a> = serde_json::from_slice(body)
            .map_err(|e| IngestRequestError::NotJson(bounded_reason(e.to_string())))?;
        match request {
            Request::Object {
                tweets: Some(Field::TooMany) | None,
                data: Some(Field::TooMany),
                ..
            }
            | Request::Object {
                tweets: Some(Field::TooMany),
                ..
            } => Err(IngestRequestError::TooManyTweets),
            Request::Object {
                tweets: Some(Field::Array(tweets)),
                ..
            } => Ok(Self::List(tweets)),
            Request::Object {
                data: Some(Field::Array(tweets)),
                includes,
                ..
            } => Ok(Self::SearchPage {
                tweets,
                authors: authors(includes),
            }),
            Request::Object { keys, .. } => Err(IngestRequestError::UnknownShape(format!(
                "an object with keys {keys:?}"
            ))),
            Request::Other(kind) => Err(IngestRequestError::UnknownShape(kind.into())),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Self::List(tweets) | Self::SearchPage { tweets, .. } => tweets.len(),
        }
    }

    /// The JSON text of tweet `i`, when it is at most `room` bytes and fits a Kinesis
    /// record; what is larger is refused before it is made, and before it is decoded.
    pub(super) fn json(&self, i: usize, room: usize) -> Result<Cow<'a, str>, String> {
        let (tweet, author) = match self {
            Self::List(tweets) => (tweets[i], None),
            Self::SearchPage { tweets, authors } => {
                let author = ids(tweets[i])
                    .and_then(|t| t.author_id)
                    .and_then(|id| authors.get(&id).copied());
                (tweets[i], Some(author))
            }
        };
        let size = match author {
            None => tweet.get().len(),
            Some(author) => tweet.get().len() + author.map_or(0, |a| a.get().len()) + ENVELOPE_BYTES,
        };
        if size + MAX_PARTITION_KEY_BYTES > KINESIS_RECORD_LIMIT_BYTES {
            return Err(too_large(size));
        }
        if size > room {
            return Err(format!(
                "the request's records would exceed {PREPARED_BYTES_FACTOR} times the request's size; split it"
            ));
        }
        Ok(match author {
            None => Cow::Borrowed(tweet.get()),
            Some(author) => {
                let mut envelope = String::with_capacity(size);
                envelope.push_str(r#"{"data":"#);
                envelope.push_str(tweet.get());
                if let Some(user) = author {
                    envelope.push_str(r#","includes":{"users":["#);
                    envelope.push_str(user.get());
                    envelope.push_str("]}");
                }
                envelope.push('}');
                Cow::Owned(envelope)
            }
        })
    }

    pub(super) fn record(&self, i: usize, room: usize) -> Result<OutgoingRecord, String> {
        to_record(self.json(i, room)?)
    }
}

/// The most bytes an envelope adds around a tweet and its author.
const ENVELOPE_BYTES: usize = r#"{"data":,"includes":{"users":[]}}"#.len();

/// The `id` and `author_id` of a tweet or user object, read without the rest.
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

/// A search page's `includes.users` by id (the first user of an id wins).
fn authors(includes: Option<&RawValue>) -> HashMap<Cow<'_, str>, &RawValue> {
    #[derive(Deserialize)]
    struct Includes<'a> {
        #[serde(borrow)]
        users: Option<Vec<&'a RawValue>>,
    }
    let users = includes
        .and_then(|i| serde_json::from_str::<Includes>(i.get()).ok())
        .and_then(|i| i.users)
        .unwrap_or_default();
    let mut by_id = HashMap::with_capacity(users.len());
    for user in users {
        if let Some(id) = ids(user).and_then(|u| u.id) {
            by_id.entry(id).or_insert(user);
        }
    }
    by_id
}

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
/// elements, a longer one (the rest is skipped unread), or something else.
enum Field<'a> {
    Array(Vec<&'a RawValue>),
    TooMany,
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
                        // Its first 40 characters: the error quotes it (`{keys:?}`).
                        keys.push(key.chars().take(40).collect());
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
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        return Ok(Field::TooMany);
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
