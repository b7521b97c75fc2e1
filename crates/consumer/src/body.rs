//! The Kinesis event read straight from the invocation's body, for the memory target of
//! issue 12 (a 10,000-record batch under 40 MB).
//!
//! `lambda_runtime` collects the body into one buffer and would deserialise it into a
//! `KinesisEvent`: the body, every record's base64 text as a `String`, its decoded
//! bytes and a dozen metadata strings per record, all at once (51 MB for the stress
//! batch). Here the body is taken before that ([`BodyLayer`]), the records' few
//! fields are read borrowing from it, and each record's base64 is decoded **in place**,
//! into the body's own buffer, which then shrinks to the decoded data: a record's data
//! is a slice of it ([`bytes::Bytes`]), and a batch's data is held once.

use std::borrow::Cow;
use std::cell::RefCell;
use std::task::{Context as TaskContext, Poll};

use aws_lambda_events::encodings::SecondTimestamp;
use base64::Engine;
use bytes::{Bytes, BytesMut};
use lambda_runtime::tower::{Layer, Service};
use lambda_runtime::LambdaInvocation;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use tweetboard_core::{InputRecord, RecordSource};

use crate::EventError;

tokio::task_local! {
    /// The body of the invocation being handled, taken by [`BodyLayer`] for the handler.
    static INVOCATION_BODY: RefCell<Option<Bytes>>;
}

/// A runtime layer that takes the invocation's body away from `lambda_runtime` (which
/// is left `null` to deserialise, for a handler whose payload is
/// [`serde::de::IgnoredAny`]) and hands it to the handler through a task-local value,
/// scoped to the invocation. [`take_invocation_body`] is how the handler gets it.
#[derive(Clone, Copy, Debug, Default)]
pub struct BodyLayer;

impl<S> Layer<S> for BodyLayer {
    type Service = BodyService<S>;
    fn layer(&self, inner: S) -> BodyService<S> {
        BodyService { inner }
    }
}

/// The service [`BodyLayer`] wraps around the runtime's.
#[derive(Clone, Debug)]
pub struct BodyService<S> {
    inner: S,
}

impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for BodyService<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = tokio::task::futures::TaskLocalFuture<RefCell<Option<Bytes>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut invocation: LambdaInvocation) -> Self::Future {
        let body = std::mem::replace(&mut invocation.body, Bytes::from_static(b"null"));
        // The handler's future is created here but runs only when polled, inside the
        // scope: that is where it takes the body.
        INVOCATION_BODY.scope(RefCell::new(Some(body)), self.inner.call(invocation))
    }
}

/// The current invocation's body, once: `None` outside an invocation wrapped by
/// [`BodyLayer`] or when already taken.
pub fn take_invocation_body() -> Option<Bytes> {
    INVOCATION_BODY
        .try_with(|body| body.borrow_mut().take())
        .ok()
        .flatten()
}

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

/// Where a record's data is before decoding: its base64 text's place in the body, or
/// (escaped JSON, never from Lambda) its unescaped base64 text, then its decoded bytes.
enum Data {
    InBody { start: usize, len: usize },
    Escaped(String),
    Own(Vec<u8>),
}

/// The records as the event is read: each becomes an [`InputRecord`] (its data still
/// empty) and its data's [`Data`] the moment it is parsed.
///
/// Why not deserialise a list of [`Record`]s and then convert it: that list lived beside
/// the input records and the 21 MB body at the invocation's peak, 1.4 MB for the
/// 10,000-record stress batch (issue 12's 40 MB target; BENCHMARKS.md "Ninth round").
struct Parsed {
    /// The body's address, from which a borrowed base64 text's place is taken.
    base: usize,
    records: Vec<InputRecord>,
    places: Vec<Data>,
}

impl Parsed {
    fn push(&mut self, record: Record<'_>) {
        let Record {
            event_id,
            event_source_arn,
            kinesis,
        } = record;
        let seq = kinesis.sequence_number.into_owned();
        self.places.push(match kinesis.data {
            Cow::Borrowed(text) => Data::InBody {
                start: text.as_ptr() as usize - self.base,
                len: text.len(),
            },
            Cow::Owned(text) => Data::Escaped(text),
        });
        // eventID is `shardId-000000000000:<sequence number>`.
        let shard_id = event_id
            .as_deref()
            .and_then(|id| id.split_once(':'))
            .map(|(shard, _)| shard.to_owned())
            .unwrap_or_default();
        let event_id = event_id.map_or_else(|| InputRecord::event_id_for(&shard_id, &seq), Cow::into_owned);
        self.records.push(InputRecord {
            event_id,
            sequence_number: seq,
            partition_key: kinesis.partition_key.into_owned(),
            data: Bytes::new(),
            arrived_at: kinesis.approximate_arrival_timestamp.0,
            source: RecordSource {
                stream_arn: event_source_arn.map(Cow::into_owned).unwrap_or_default(),
                shard_id,
            },
        });
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
pub fn records_from_body(body: Bytes) -> Result<Vec<InputRecord>, EventError> {
    // Unique when the runtime assembled the body from its chunks (any large event); a
    // small one shared with the connection's buffer is copied, which costs little.
    let mut buf: BytesMut = body
        .try_into_mut()
        .unwrap_or_else(|shared| BytesMut::from(&shared[..]));

    let mut parsed = Parsed {
        base: buf.as_ptr() as usize,
        records: Vec::new(),
        places: Vec::new(),
    };
    let mut json = serde_json::Deserializer::from_slice(&buf);
    json.deserialize_map(EventVisitor(&mut parsed))
        .and_then(|()| json.end())
        .map_err(|e| EventError::NotAKinesisEvent(e.to_string()))?;
    let Parsed {
        mut records,
        mut places,
        ..
    } = parsed;
    // The checks in record order, after the whole event parsed: a record without a
    // sequence number, or escaped data that is not base64, fails as it always did.
    for (index, (record, place)) in records.iter().zip(places.iter_mut()).enumerate() {
        if record.sequence_number.is_empty() {
            return Err(EventError::MissingSequenceNumber { index });
        }
        if let Data::Escaped(text) = place {
            let bytes = decode(text.as_bytes(), index)?;
            *place = Data::Own(bytes);
        }
    }

    // Each record's base64 is decoded through one scratch buffer (the engine does not
    // decode within one slice) and written back packed at the front of the body, in
    // order: decoded bytes are shorter than their base64 and records follow each other,
    // so a record's packed place never reaches past its own text, nor into a later
    // record's. The rest of the buffer (the event's JSON around the data) is then given
    // back, and the batch holds its data alone: 58% of the body for Lambda's records.
    // A record's packed place replaces its text's place in `places`.
    let mut end = 0;
    let mut scratch = Vec::new();
    for (index, place) in places.iter_mut().enumerate() {
        let Data::InBody { start, len } = *place else {
            continue;
        };
        scratch.clear();
        decode_base64_into(&buf[start..start + len], &mut scratch).map_err(|e| EventError::InvalidData {
            index,
            reason: e.to_string(),
        })?;
        buf[end..end + scratch.len()].copy_from_slice(&scratch);
        *place = Data::InBody {
            start: end,
            len: scratch.len(),
        };
        end += scratch.len();
    }
    drop(scratch);
    buf.truncate(end);
    // Zero-copy when the buffer is unique (it is: see above); shrinking gives the tail
    // back to the allocator (a large buffer is its own mapping, so to the system).
    let mut data = Vec::from(buf);
    data.shrink_to_fit();
    let data = Bytes::from(data);
    for (record, place) in records.iter_mut().zip(places) {
        record.data = match place {
            Data::InBody { start, len } => data.slice(start..start + len),
            Data::Own(bytes) => bytes.into(),
            // Decoded into `Own` by the checks after the parse.
            Data::Escaped(_) => Bytes::new(),
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

/// A record's base64 (standard alphabet, canonical padding) decoded onto the end of
/// `out`. `base64_simd` does it (SIMD: about a tenth of the `base64` crate's
/// instructions on a 5 KB record, which made base64 as costly as the JSON; issue 12);
/// what it refuses goes to the `base64` crate, whose verdict and error text stand, so
/// an event fails exactly as before. `base64_simd` accepting nothing the `base64` crate
/// refuses, and decoding alike, is checked by `base64_simd_decodes_as_the_base64_crate`.
pub fn decode_base64_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), base64::DecodeError> {
    let len = out.len();
    if base64_simd::STANDARD.decode_append(text, out).is_ok() {
        return Ok(());
    }
    out.truncate(len);
    base64::engine::general_purpose::STANDARD.decode_vec(text, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::event::kinesis::KinesisEvent;

    fn event_json(datas: &[&[u8]]) -> String {
        let records: Vec<_> = datas
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let seq = format!("4959{i:052}");
                serde_json::json!({
                    "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": format!("pk{i}"),
                                "sequenceNumber": seq,
                                "data": base64::engine::general_purpose::STANDARD.encode(d),
                                "approximateArrivalTimestamp": 1_764_000_000.125},
                    "eventSource": "aws:kinesis", "eventVersion": "1.0",
                    "eventID": format!("shardId-000000000003:{seq}"),
                    "eventName": "aws:kinesis:record", "awsRegion": "us-east-1",
                    "eventSourceARN": "arn:aws:kinesis:us-east-1:1:stream/s",
                })
            })
            .collect();
        serde_json::json!({ "Records": records }).to_string()
    }

    #[test]
    fn records_read_from_the_body_match_those_of_a_kinesis_event() {
        // GIVEN an event as Lambda delivers it, with data of every length modulo 3
        let datas: Vec<&[u8]> = vec![
            br#"{"id_str": "1", "text": "x"}"#,
            b"",
            b"a",
            b"ab",
            b"\x00\xff binary",
        ];
        let json = event_json(&datas);
        // WHEN it is read from the body and, separately, as a KinesisEvent
        let ours = records_from_body(Bytes::from(json.clone().into_bytes())).unwrap();
        let event: KinesisEvent = serde_json::from_str(&json).unwrap();
        let theirs = crate::to_input_records(event.records).unwrap();
        // THEN both give the same records, data included
        assert_eq!(ours, theirs);
        assert_eq!(ours[0].source.shard_id, "shardId-000000000003");
        assert_eq!(ours[4].data.as_ref(), b"\x00\xff binary");
    }

    #[test]
    fn escaped_base64_is_decoded_too() {
        let json = event_json(&[b"\xff\xff\xff"]).replace("////", "\\/\\/\\/\\/");
        assert!(json.contains("\\/"), "{json}");
        let records = records_from_body(Bytes::from(json.into_bytes())).unwrap();
        assert_eq!(records[0].data.as_ref(), b"\xff\xff\xff");
    }

    #[test]
    fn bad_events_fail_with_typed_errors() {
        assert!(matches!(
            records_from_body(Bytes::from_static(b"{\"Records\": 3}")),
            Err(EventError::NotAKinesisEvent(_))
        ));
        let json = event_json(&[b"ok", b"ok"]).replacen("\"data\":\"b2s=\"", "\"data\":\"not base64!\"", 1);
        assert_eq!(
            records_from_body(Bytes::from(json.into_bytes())).unwrap_err(),
            EventError::InvalidData {
                index: 0,
                reason: "Invalid symbol 32, offset 3.".into()
            }
        );
        let json =
            event_json(&[b"ok"]).replace("\"sequenceNumber\":\"4959", "\"sequenceNumber\":\"\",\"x\":\"");
        assert_eq!(
            records_from_body(Bytes::from(json.into_bytes())).unwrap_err(),
            EventError::MissingSequenceNumber { index: 0 }
        );
    }

    #[test]
    fn the_event_object_is_read_as_its_derived_form_would_be() {
        // GIVEN events whose other members come before and after `Records`
        let json = event_json(&[b"a", b"bc"]);
        let around = format!(
            "{{\"before\": {{\"Records\": 1}}, {}, \"after\": [1, \"x\"]}}",
            &json[1..json.len() - 1]
        );
        // WHEN they are read THEN the records are those of the plain event
        assert_eq!(
            records_from_body(Bytes::from(around.into_bytes())).unwrap(),
            records_from_body(Bytes::from(json.into_bytes())).unwrap()
        );
        // AND no Records, two of them, trailing bytes or an array are not an event
        for bad in [
            "{}",
            "{\"Records\": [], \"Records\": []}",
            "{\"Records\": []} x",
            "[[]]",
            "{\"Records\": [{}]}",
        ] {
            assert!(
                matches!(
                    records_from_body(Bytes::from_static(bad.as_bytes())),
                    Err(EventError::NotAKinesisEvent(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_record_fails_by_its_place_in_the_batch_whatever_the_failure() {
        // GIVEN escaped data that is not base64 in record 0, no sequence number in record 1
        let mut event: serde_json::Value = serde_json::from_str(&event_json(&[b"ok", b"ok"])).unwrap();
        event["Records"][0]["kinesis"]["data"] = "/!!".into();
        event["Records"][1]["kinesis"]["sequenceNumber"] = "".into();
        let json = event.to_string().replace("\"/!!\"", "\"\\/!!\"");
        // WHEN the event is read THEN the first record's failure is the one reported
        assert!(matches!(
            records_from_body(Bytes::from(json.into_bytes())),
            Err(EventError::InvalidData { index: 0, .. })
        ),);
    }

    /// Both decoders on `text`: `base64_simd` must accept only what the `base64` crate
    /// accepts, with the same bytes.
    fn base64_decoders_agree(text: &[u8]) {
        let reference = base64::engine::general_purpose::STANDARD.decode(text);
        let simd = base64_simd::STANDARD.decode_to_vec(text);
        if let Ok(bytes) = &simd {
            assert_eq!(
                reference.as_ref().ok(),
                Some(bytes),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        let mut ours = vec![7];
        let result = decode_base64_into(text, &mut ours);
        assert_eq!(result.map(|()| ours[1..].to_vec()), reference);
    }

    #[test]
    fn base64_simd_decodes_as_the_base64_crate() {
        // GIVEN encodings of every length up to 100 (each SIMD block size and tail),
        // each changed at every position to the symbols that break base64: padding in
        // the middle, a non-zero trailing bit, another alphabet, whitespace, non-ASCII;
        // and the texts cut short
        let engine = base64::engine::general_purpose::STANDARD;
        let data: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            let text = engine.encode(&data[..n]).into_bytes();
            base64_decoders_agree(&text);
            for cut in 0..text.len().min(12) {
                base64_decoders_agree(&text[..text.len() - cut]);
            }
            let mut changed = text.clone();
            for at in 0..text.len() {
                for b in [
                    b'=', b'A', b'B', b'/', b'+', b'-', b'_', b' ', b'\n', 0x00, 0x80, 0xff,
                ] {
                    changed[at] = b;
                    base64_decoders_agree(&changed);
                }
                changed[at] = text[at];
            }
        }
        // Texts that are base64 only for a lax decoder.
        for text in [
            "QQ", "QQ=", "QR==", "QUI", "QUJ=", "Q===", "====", "=", "QUJD=", "QUJDRA==",
        ] {
            base64_decoders_agree(text.as_bytes());
        }
    }

    #[tokio::test]
    async fn the_layer_hands_the_body_to_the_handler_once() {
        assert_eq!(take_invocation_body(), None);
        let seen = INVOCATION_BODY
            .scope(RefCell::new(Some(Bytes::from_static(b"{}"))), async {
                (take_invocation_body(), take_invocation_body())
            })
            .await;
        assert_eq!(seen, (Some(Bytes::from_static(b"{}")), None));
    }
}
