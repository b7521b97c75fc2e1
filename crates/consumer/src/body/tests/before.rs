//! `records_from_body` as it was before session 13 gave the event's JSON a faster path
//! (the commit that added this file): the reference the faster reader is checked against,
//! record for record and error for error (`the_fast_path_reads_every_event_as_before`).
//! Kept as it was; only its imports and its base64 decoder's path differ.

use std::borrow::Cow;

use aws_lambda_events::encodings::SecondTimestamp;
use bytes::{Bytes, BytesMut};
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use tweetboard_core::{InputRecord, RecordSource};

use crate::body::decode_base64_into;
use crate::EventError;

/// The event's members: `Records` is read, anything else skipped.
#[derive(Deserialize)]
#[serde(field_identifier)]
enum EventField {
    Records,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(rename = "eventID", borrow, default)]
    event_id: Option<Cow<'a, str>>,
    #[serde(rename = "eventSourceARN", borrow, default)]
    event_source_arn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kinesis: Kinesis<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Kinesis<'a> {
    #[serde(borrow, default)]
    partition_key: Cow<'a, str>,
    #[serde(borrow, default)]
    sequence_number: Cow<'a, str>,
    /// Borrowed from the body unless the producer escaped a character of it (`\/`).
    #[serde(borrow)]
    data: Cow<'a, str>,
    approximate_arrival_timestamp: SecondTimestamp,
}

/// A string of a record, without a copy: its place in the body's buffer, or (escaped
/// in the JSON, never from Lambda) the index of its unescaped copy in
/// [`Parsed::escaped`] when `len` is [`Text::ESCAPED`]. Eight bytes: a batch holds one
/// per field and record while the whole body is held too (the invocation's peak).
#[derive(Clone, Copy)]
struct Text {
    at: u32,
    len: u32,
}

impl Text {
    const ESCAPED: u32 = u32::MAX;
}

/// One record as read, before anything is copied out of the body.
struct Place {
    event_id: Option<Text>,
    stream_arn: Option<Text>,
    partition_key: Text,
    sequence_number: Text,
    /// The base64 text, then (once packed) the decoded bytes.
    data: Text,
    arrived_at: chrono::DateTime<chrono::Utc>,
}

/// The records as the event is read: a [`Place`] each, pushed the moment the record is
/// parsed.
///
/// Why places and not the records' strings: the strings (eventID, sequence number,
/// partition key, ARN, shard: five allocations, about 300 bytes a record) and the list
/// of records lived beside the whole body at the invocation's peak, 4.4 MB for the
/// 10,000-record stress batch. They are made after the body has shrunk to the records'
/// bytes instead (issue 12's 40 MB target; BENCHMARKS.md "Ninth round").
struct Parsed {
    /// The body's address, from which a borrowed text's place is taken.
    base: usize,
    places: Vec<Place>,
    /// The texts the JSON escaped, unescaped (never from Lambda).
    escaped: Vec<String>,
}

impl Parsed {
    fn text(&mut self, text: Cow<'_, str>) -> Text {
        match text {
            // In a body of at most `u32::MAX` bytes (checked before the parse).
            Cow::Borrowed(s) => Text {
                at: (s.as_ptr() as usize - self.base) as u32,
                len: s.len() as u32,
            },
            // A field left out is `default`ed to an empty owned string: it is empty as an
            // empty borrowed one is (the missing sequence number's check reads `len`).
            Cow::Owned(s) if s.is_empty() => Text { at: 0, len: 0 },
            Cow::Owned(s) => {
                self.escaped.push(s);
                Text {
                    at: (self.escaped.len() - 1) as u32,
                    len: Text::ESCAPED,
                }
            }
        }
    }

    fn push(&mut self, record: Record<'_>) {
        let place = Place {
            event_id: record.event_id.map(|t| self.text(t)),
            stream_arn: record.event_source_arn.map(|t| self.text(t)),
            partition_key: self.text(record.kinesis.partition_key),
            sequence_number: self.text(record.kinesis.sequence_number),
            data: self.text(record.kinesis.data),
            arrived_at: record.kinesis.approximate_arrival_timestamp.0,
        };
        self.places.push(place);
    }
}

/// Reads the event object, handing its `Records` to [`RecordsSeed`]. As the derived
/// `Deserialize` of `{ Records: Vec<_> }` would: other members skipped, a missing or
/// repeated `Records` refused.
struct EventVisitor<'p>(&'p mut Parsed);

impl<'de> Visitor<'de> for EventVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Kinesis event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(field) = map.next_key::<EventField>()? {
            match field {
                EventField::Records if seen => return Err(A::Error::duplicate_field("Records")),
                EventField::Records => {
                    seen = true;
                    map.next_value_seed(RecordsSeed(&mut *self.0))?;
                }
                EventField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen {
            return Err(A::Error::missing_field("Records"));
        }
        Ok(())
    }
}

/// The `Records` array, each record pushed to [`Parsed`] as soon as it is read.
struct RecordsSeed<'p>(&'p mut Parsed);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of Kinesis records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record<'de>>()? {
            self.0.push(record);
        }
        Ok(())
    }
}

/// A Kinesis event's records, with each record's data decoded into the body's buffer.
/// Takes the same events `KinesisEvent` does (Lambda's event source mapping); a body
/// that is not one, a record without a sequence number or with data that is not
/// base64 fails the invocation with an [`EventError`].
///
/// In four steps over the body's one buffer: the event is parsed into [`Place`]s; each
/// record's strings and decoded data are packed, in record order, at the front of the
/// buffer, which shrinks to them; the records' strings are copied out of it; the data
/// is packed again without the strings, and the buffer shrinks to the data alone.
pub fn records_from_body(body: Bytes) -> Result<Vec<InputRecord>, EventError> {
    if u32::try_from(body.len()).is_err() {
        return Err(EventError::NotAKinesisEvent(format!(
            "{} bytes is more than any invocation carries",
            body.len()
        )));
    }
    // Unique when the runtime assembled the body from its chunks (any large event); a
    // small one shared with the connection's buffer is copied, which costs little.
    let mut buf: BytesMut = body
        .try_into_mut()
        .unwrap_or_else(|shared| BytesMut::from(&shared[..]));

    let mut parsed = Parsed {
        base: buf.as_ptr() as usize,
        places: Vec::new(),
        escaped: Vec::new(),
    };
    let mut json = serde_json::Deserializer::from_slice(&buf);
    json.deserialize_map(EventVisitor(&mut parsed))
        .and_then(|()| json.end())
        .map_err(|e| EventError::NotAKinesisEvent(e.to_string()))?;
    let Parsed {
        mut places, escaped, ..
    } = parsed;

    // The checks in record order: a record without a sequence number, or escaped data
    // that is not base64, fails as it always did.
    // (An escaped text is never empty: it holds the escape; a missing one is empty, see
    // `Parsed::text`.) Escaped data is decoded
    // here, into `own_data` in record order.
    let mut own_data: Vec<Vec<u8>> = Vec::new();
    for (index, place) in places.iter().enumerate() {
        if place.sequence_number.len == 0 {
            return Err(EventError::MissingSequenceNumber { index });
        }
        if place.data.len == Text::ESCAPED {
            own_data.push(decode(escaped[place.data.at as usize].as_bytes(), index)?);
        }
    }

    // Each record's strings and decoded base64 are written, packed, at the front of the
    // buffer, in record order, through one scratch buffer (a record's fields are read
    // whole before its packed place is written over). A record's packed bytes are no
    // more than its JSON text (decoded base64 is shorter than its text, a string no
    // longer than its JSON form), and records follow each other in the body, so a
    // record's packed place never reaches into a later record's text. The rest of the
    // buffer (the event's JSON around them) is then given back: a large buffer is its
    // own mapping, so to the system.
    let mut end = 0usize;
    let mut scratch = Vec::new();
    for (index, place) in places.iter_mut().enumerate() {
        scratch.clear();
        let mut texts = [
            place.event_id.as_mut(),
            place.stream_arn.as_mut(),
            Some(&mut place.partition_key),
            Some(&mut place.sequence_number),
        ];
        for text in texts.iter_mut().flatten() {
            if text.len != Text::ESCAPED {
                let (at, len) = (text.at as usize, text.len as usize);
                text.at = (end + scratch.len()) as u32;
                scratch.extend_from_slice(&buf[at..at + len]);
            }
        }
        if place.data.len != Text::ESCAPED {
            let (at, len) = (place.data.at as usize, place.data.len as usize);
            let written = scratch.len();
            decode_base64_into(&buf[at..at + len], &mut scratch).map_err(|e| EventError::InvalidData {
                index,
                reason: e.to_string(),
            })?;
            place.data = Text {
                at: (end + written) as u32,
                len: (scratch.len() - written) as u32,
            };
        }
        buf[end..end + scratch.len()].copy_from_slice(&scratch);
        end += scratch.len();
    }
    drop(scratch);
    buf.truncate(end);
    // Zero-copy when the buffer is unique (it is: see above).
    let mut packed = Vec::from(buf);
    packed.shrink_to_fit();

    let string = |text: Option<Text>| -> Result<String, EventError> {
        let Some(text) = text else {
            return Ok(String::new());
        };
        if text.len == Text::ESCAPED {
            return Ok(escaped[text.at as usize].clone());
        }
        let bytes = &packed[text.at as usize..(text.at + text.len) as usize];
        // Copied from a `str` of the body: always UTF-8.
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|e| EventError::NotAKinesisEvent(e.to_string()))
    };
    let mut records = Vec::with_capacity(places.len());
    for place in &places {
        let sequence_number = string(Some(place.sequence_number))?;
        let event_id = place.event_id.map(|t| string(Some(t))).transpose()?;
        // eventID is `shardId-000000000000:<sequence number>`.
        let shard_id = event_id
            .as_deref()
            .and_then(|id| id.split_once(':'))
            .map(|(shard, _)| shard.to_owned())
            .unwrap_or_default();
        let event_id = event_id.unwrap_or_else(|| InputRecord::event_id_for(&shard_id, &sequence_number));
        records.push(InputRecord {
            event_id,
            sequence_number,
            partition_key: string(Some(place.partition_key))?,
            data: Bytes::new(),
            arrived_at: place.arrived_at,
            source: RecordSource {
                stream_arn: string(place.stream_arn)?,
                shard_id,
            },
        });
    }
    drop(escaped);

    // The data packed again without the strings (each record's moves towards the front,
    // in order), and the buffer shrunk to it: the batch holds its data alone, 58% of
    // the body for Lambda's records.
    let mut end = 0usize;
    for place in places.iter_mut() {
        if place.data.len != Text::ESCAPED {
            let (at, len) = (place.data.at as usize, place.data.len as usize);
            packed.copy_within(at..at + len, end);
            place.data.at = end as u32;
            end += len;
        }
    }
    packed.truncate(end);
    packed.shrink_to_fit();
    let data = Bytes::from(packed);
    let mut own_data = own_data.into_iter();
    for (record, place) in records.iter_mut().zip(places) {
        record.data = if place.data.len == Text::ESCAPED {
            own_data.next().map(Bytes::from).unwrap_or_default()
        } else {
            data.slice(place.data.at as usize..(place.data.at + place.data.len) as usize)
        };
    }
    Ok(records)
}

fn decode(text: &[u8], index: usize) -> Result<Vec<u8>, EventError> {
    let mut out = Vec::new();
    decode_base64_into(text, &mut out).map_err(|e| EventError::InvalidData {
        index,
        reason: e.to_string(),
    })?;
    Ok(out)
}
