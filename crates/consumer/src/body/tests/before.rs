//! `records_from_body`'s parse as it was before session 13 gave the event's JSON a faster
//! path (the commit that added this file): the reference the faster reader is checked
//! against, record for record and error for error
//! (`the_fast_path_reads_every_event_as_before`). The derived `Record`, the visitors and
//! the way a record's texts become places are kept as they were; the steps after the
//! parse (the checks, the packing, the records' strings), which session 13 did not
//! change, are the reader's own (`records_from_parsed`), as are the places' types.

use std::borrow::Cow;

use aws_lambda_events::encodings::SecondTimestamp;
use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use tweetboard_core::InputRecord;

use crate::body::{body_buffer, records_from_parsed, Parsed, Place, Text};
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

/// The place of one of a record's texts, as `Parsed::text` was before session 13.
fn text(parsed: &mut Parsed, text: Cow<'_, str>) -> Text {
    match text {
        // In a body of at most `u32::MAX` bytes (checked before the parse).
        Cow::Borrowed(s) => Text {
            at: (s.as_ptr() as usize - parsed.base) as u32,
            len: s.len() as u32,
        },
        // A field left out is `default`ed to an empty owned string: it is empty as an
        // empty borrowed one is (the missing sequence number's check reads `len`).
        Cow::Owned(s) if s.is_empty() => Text { at: 0, len: 0 },
        Cow::Owned(s) => {
            parsed.escaped.push(s);
            Text {
                at: (parsed.escaped.len() - 1) as u32,
                len: Text::ESCAPED,
            }
        }
    }
}

/// A record's place, as `Parsed::push` was before session 13.
fn push(parsed: &mut Parsed, record: Record<'_>) {
    let place = Place {
        event_id: record.event_id.map(|t| text(parsed, t)),
        stream_arn: record.event_source_arn.map(|t| text(parsed, t)),
        partition_key: text(parsed, record.kinesis.partition_key),
        sequence_number: text(parsed, record.kinesis.sequence_number),
        data: text(parsed, record.kinesis.data),
        arrived_at: record.kinesis.approximate_arrival_timestamp.0,
    };
    parsed.places.push(place);
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
            push(self.0, record);
        }
        Ok(())
    }
}

/// `records_from_body` with the parse as it was.
pub fn records_from_body(body: Bytes) -> Result<Vec<InputRecord>, EventError> {
    let buf = body_buffer(body)?;
    let mut parsed = Parsed::new(&buf);
    let mut json = serde_json::Deserializer::from_slice(&buf);
    json.deserialize_map(EventVisitor(&mut parsed))
        .and_then(|()| json.end())
        .map_err(|e| EventError::NotAKinesisEvent(e.to_string()))?;
    records_from_parsed(buf, parsed)
}
