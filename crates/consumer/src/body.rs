//! The Kinesis event read straight from the invocation's body, for the memory target of
//! issue 12 (a 10,000-record batch under 40 MB).
//!
//! `lambda_runtime` collects the body into one buffer and would deserialise it into a
//! `KinesisEvent`: the body, every record's base64 text as a `String`, its decoded
//! bytes and a dozen metadata strings per record, all at once (51 MB for the stress
//! batch). Here the body is taken before that ([`BodyLayer`]), the records' few
//! fields are read as places in it, and each record's base64 is decoded **in place**,
//! into the body's own buffer, which then shrinks to the decoded data: a record's data
//! is a slice of it ([`bytes::Bytes`]), and a batch's data is held once. The records'
//! strings are copied out only once the buffer has shrunk (see [`records_from_body`]).
//!
//! The event is read by a fast path first, and read again exactly (the derived
//! [`Record`], as before) when the fast path declines it ([`parse`]; issue 12, session
//! 13: 1.5 µs a record of the bench's 6 MB event, not 2.4). Why one file past 450 lines:
//! the two reads must give the same places for every body the fast one takes, and each
//! of the fast path's types says what of the exact read it stands for, next to it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::task::{Context as TaskContext, Poll};

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

/// Runs `handler` as [`BodyLayer`] runs it, with `body` as the invocation's: for the
/// handler's tests, which have no runtime to go through.
#[cfg(test)]
pub(crate) async fn with_invocation_body<F: std::future::Future>(body: Bytes, handler: F) -> F::Output {
    INVOCATION_BODY.scope(RefCell::new(Some(body)), handler).await
}

/// The event's members: `Records` is read, anything else skipped.
#[derive(Deserialize)]
#[serde(field_identifier)]
enum EventField {
    Records,
    #[serde(other)]
    Other,
}

/// A record as `KinesisEvent` reads it: the exact read (see [`parse`]).
///
/// `borrow` does not reach into an `Option`: `event_id` and `event_source_arn` are always
/// `Cow::Owned` here, so [`Parsed::text`] keeps them with the escaped texts (two
/// allocations a record, which the fast read does not make).
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
    approximate_arrival_timestamp: ExactArrival,
}

/// A record's arrival time as the exact read takes it: `aws_lambda_events` 1.2's
/// `SecondTimestamp` (its `deserialize_seconds` and `normalize_timestamp`) step for step,
/// error texts included, but for one thing: its `frac * 1_000_000` wraps here, as it
/// does in the release build the Lambda runs, where a build with overflow checks (`make
/// run`'s debug consumer, the tests, the fuzzer) panicked on a number with about 14 or
/// more decimals: the `event_body` fuzz target's first find, session 14. Lambda writes
/// three decimals; a number with more is a hostile producer's, and the times it gives
/// (`0.05` read as 5 ms, wrapped nanoseconds or "invalid timestamp") are the release
/// build's, as before.
struct ExactArrival(chrono::DateTime<chrono::Utc>);

impl<'de> Deserialize<'de> for ExactArrival {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use chrono::TimeZone;
        // The same name as `aws_lambda_events`' enum: serde's error text names it.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum StringOrNumber {
            String(String),
            Float(f64),
            Int(u64),
        }
        let input: f64 = match StringOrNumber::deserialize(deserializer)? {
            StringOrNumber::String(s) => s.parse::<f64>().map_err(D::Error::custom)?,
            StringOrNumber::Float(f) => f,
            StringOrNumber::Int(i) => i as f64,
        };
        let parts = input
            .to_string()
            .split('.')
            .map(|part| part.parse::<u64>().map_err(D::Error::custom))
            .collect::<Result<Vec<u64>, _>>()?;
        let (whole, frac) = (parts[0], parts.get(1).copied().unwrap_or(0));
        chrono::Utc
            .timestamp_opt(whole as i64, frac.wrapping_mul(1_000_000) as u32)
            .latest()
            .map(ExactArrival)
            .ok_or_else(|| D::Error::custom("invalid timestamp"))
    }
}

/// The error on which the fast read gives way to the exact one (see [`parse`]).
fn left_to_the_exact_read<E: serde::de::Error>() -> E {
    E::custom("left to the exact read")
}

/// A JSON string (a member's name or a text) read by the fast path: its bytes as they
/// stand in the body. Anything else is an error (see [`parse`]): an escaped string, or
/// one the exact read would refuse (see [`PlainText::accepts`]).
///
/// Why: the exact read (`deserialize_str`) scans a string 8 bytes a step for a quote, a
/// backslash or a control character and then checks the whole of it is UTF-8, about
/// 3.5 instructions a byte, and 200 for a member's short name: for a record's 4 KB of
/// base64 more than the rest of its reading, and its 17 other strings (14 names) a third
/// of the rest. `deserialize_bytes` finds the closing quote or a backslash with `memchr2`
/// (SIMD) and checks nothing; the check the exact read makes is done here instead, in one
/// pass that the compiler vectorises.
struct PlainText<'a>(&'a [u8]);

impl PlainText<'_> {
    /// Whether the exact read takes the string `text` (found, unescaped, between its
    /// quotes) as it stands: no control character (the exact read refuses one, and
    /// `memchr2` does not look for them) and UTF-8. Base64 is printable ASCII, which is
    /// both, and is checked first.
    fn accepts(text: &[u8]) -> bool {
        let printable_ascii = text.iter().fold(true, |ok, &b| ok & (0x20..0x80).contains(&b));
        printable_ascii || (!text.iter().any(|&b| b < 0x20) && std::str::from_utf8(text).is_ok())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for PlainText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PlainVisitor;
        impl<'de> Visitor<'de> for PlainVisitor {
            type Value = PlainText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(self, text: &'de [u8]) -> Result<Self::Value, E> {
                if PlainText::accepts(text) {
                    Ok(PlainText(text))
                } else {
                    Err(left_to_the_exact_read())
                }
            }
            // Escaped: unescaped into serde_json's scratch without the exact read's
            // checks of its escapes.
            fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
                Err(left_to_the_exact_read())
            }
        }
        deserializer.deserialize_bytes(PlainVisitor)
    }
}

/// A record read by the fast path: the members [`Record`] reads, by the same names, each
/// name and text a [`PlainText`] and the arrival time a [`NumberArrival`]; anything the
/// derived [`Record`] would refuse (a repeated member, a missing one it requires, a
/// record that is not an object), or read otherwise than its text as it stands (`null`
/// for an optional member), is an error (see [`parse`]). Other members are skipped as
/// the derived one skips them.
struct FastRecord<'a> {
    event_id: Option<&'a [u8]>,
    stream_arn: Option<&'a [u8]>,
    kinesis: FastKinesis<'a>,
}

struct FastKinesis<'a> {
    partition_key: Option<&'a [u8]>,
    sequence_number: Option<&'a [u8]>,
    data: &'a [u8],
    arrived_at: chrono::DateTime<chrono::Utc>,
}

/// `slot` set to `value`, unless it already holds one (a repeated member).
fn once<T, E: serde::de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    match slot.replace(value) {
        Some(_) => Err(left_to_the_exact_read()),
        None => Ok(()),
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for FastRecord<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = FastRecord<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Kinesis record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastRecord<'de>, A::Error> {
                let (mut event_id, mut stream_arn, mut kinesis) = (None, None, None);
                while let Some(PlainText(name)) = map.next_key()? {
                    match name {
                        b"eventID" => once(&mut event_id, map.next_value::<PlainText>()?.0)?,
                        b"eventSourceARN" => once(&mut stream_arn, map.next_value::<PlainText>()?.0)?,
                        b"kinesis" => once(&mut kinesis, map.next_value::<FastKinesis>()?)?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(FastRecord {
                    event_id,
                    stream_arn,
                    kinesis: kinesis.ok_or_else(left_to_the_exact_read)?,
                })
            }
        }
        deserializer.deserialize_map(RecordVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for FastKinesis<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KinesisVisitor;
        impl<'de> Visitor<'de> for KinesisVisitor {
            type Value = FastKinesis<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record's kinesis member")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastKinesis<'de>, A::Error> {
                let (mut partition_key, mut sequence_number, mut data, mut arrived_at) =
                    (None, None, None, None);
                while let Some(PlainText(name)) = map.next_key()? {
                    match name {
                        b"partitionKey" => once(&mut partition_key, map.next_value::<PlainText>()?.0)?,
                        b"sequenceNumber" => once(&mut sequence_number, map.next_value::<PlainText>()?.0)?,
                        b"data" => once(&mut data, map.next_value::<PlainText>()?.0)?,
                        b"approximateArrivalTimestamp" => {
                            once(&mut arrived_at, map.next_value::<NumberArrival>()?.0)?
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(FastKinesis {
                    partition_key,
                    sequence_number,
                    data: data.ok_or_else(left_to_the_exact_read)?,
                    arrived_at: arrived_at.ok_or_else(left_to_the_exact_read)?,
                })
            }
        }
        deserializer.deserialize_map(KinesisVisitor)
    }
}

/// A record's arrival time read by the fast path: a JSON number, turned into a time as
/// `SecondTimestamp` turns it (`aws_lambda_events` 1.2's `deserialize_seconds`); any
/// other value, or a number that fails there, is an error (see [`parse`]).
///
/// Why: `SecondTimestamp` reads the number through an untagged enum whose first variant
/// is a string, so every record's number is buffered and then formatted into an error
/// message ("invalid type: floating point `1764000000.125`, expected a string") before
/// it is taken as a number: 5,500 instructions a record, nearly a fifth of reading the
/// event.
struct NumberArrival(chrono::DateTime<chrono::Utc>);

impl NumberArrival {
    /// `deserialize_seconds` on a number, as `SecondTimestamp` reads it (its untagged
    /// enum takes any JSON number as an `f64`): the number's decimal form (`Display`) cut
    /// at the point, each part a `u64`, the fraction's digits taken as milliseconds' worth
    /// (`frac * 1_000_000` nanoseconds, as written there). `None` where that fails, and
    /// where its multiplication would overflow (which panicked in a debug build of
    /// `aws_lambda_events` and wraps in a release one: left to the exact read, which
    /// wraps, see [`ExactArrival`]).
    ///
    /// The decimal form is written into a buffer on the stack, where `to_string` grows a
    /// `String` (an allocation and a reallocation a record, as many instructions as the
    /// formatting); a form longer than the buffer (a number past 10^60) is left to the
    /// exact read.
    fn from_seconds(seconds: f64) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::TimeZone;
        let (whole, frac) = Self::millisecond_parts(seconds).or_else(|| Self::decimal_parts(seconds))?;
        let nanos = frac.checked_mul(1_000_000)?;
        chrono::Utc.timestamp_opt(whole as i64, nanos as u32).latest()
    }

    /// The two parts `deserialize_seconds` reads from `seconds`' decimal form: the whole
    /// and the fraction's digits, each as a `u64`; `None` where a part is not one.
    fn decimal_parts(seconds: f64) -> Option<(u64, u64)> {
        use std::fmt::Write;
        let mut decimal = DecimalBuf::default();
        write!(decimal, "{seconds}").ok()?;
        let mut parts = decimal.as_str().split('.').map(str::parse::<u64>);
        // As `deserialize_seconds`: every part must be a `u64`; the first two are used.
        let whole = parts.next()?.ok()?;
        let frac = parts.next().transpose().ok()?.unwrap_or(0);
        if parts.any(|part| part.is_err()) {
            return None;
        }
        Some((whole, frac))
    }

    /// [`Self::decimal_parts`] without formatting, for the numbers Lambda writes:
    /// non-negative, below 2^33 (the year 2242), with at most three decimals; `None` for
    /// any other number. Formatting the number (`Display`, the shortest decimal that
    /// reads back as it) was half the fast path's cost of a time.
    ///
    /// Why the parts are those of `Display`: say `seconds` is the double nearest to
    /// `m / 1000` for an integer `m` (checked: `m / 1000.0` is that double, `m` and 1000
    /// being exact and division correctly rounded). Below 2^33 doubles are less than
    /// 2^-19 apart, so any decimal that reads back as `seconds` is within 2^-19 of
    /// `m / 1000`, and one with at most three decimals *is* `m / 1000`; the shortest
    /// decimal has at most as many digits as `m / 1000` has, so it is `m / 1000`, written
    /// without the trailing zeros of its fraction (`Display` writes no exponent). Its
    /// parts are `m / 1000` and `m % 1000` without those zeros (".120" reads as 12, as
    /// `deserialize_seconds` reads "1764000000.12"). `millisecond_parts_are_those_of_the_decimal_form`
    /// checks this against `decimal_parts` over the range and around it.
    fn millisecond_parts(seconds: f64) -> Option<(u64, u64)> {
        // `-0.0` is written "-0", which is not a `u64`; NaN fails the comparison.
        if !(seconds.is_sign_positive() && seconds < (1u64 << 33) as f64) {
            return None;
        }
        let millis = (seconds * 1000.0).round();
        if millis / 1000.0 != seconds {
            return None;
        }
        let millis = millis as u64;
        let mut frac = millis % 1000;
        while frac != 0 && frac.is_multiple_of(10) {
            frac /= 10;
        }
        Some((millis / 1000, frac))
    }
}

/// A number's decimal form, up to 64 bytes, for [`NumberArrival::from_seconds`].
struct DecimalBuf {
    bytes: [u8; 64],
    len: usize,
}

impl Default for DecimalBuf {
    fn default() -> DecimalBuf {
        DecimalBuf {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl DecimalBuf {
    fn as_str(&self) -> &str {
        // Only whole `str`s are written (`write_str`); an invalid one cannot be seen.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for DecimalBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl<'de> Deserialize<'de> for NumberArrival {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl NumberVisitor {
            fn time<E: serde::de::Error>(seconds: f64) -> Result<NumberArrival, E> {
                NumberArrival::from_seconds(seconds)
                    .map(NumberArrival)
                    .ok_or_else(left_to_the_exact_read)
            }
        }
        impl Visitor<'_> for NumberVisitor {
            type Value = NumberArrival;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            // As the untagged enum's `f64` variant converts each kind of number.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<NumberArrival, E> {
                Self::time(v as f64)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<NumberArrival, E> {
                Self::time(v as f64)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<NumberArrival, E> {
                Self::time(v)
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
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
    fn new(body: &[u8]) -> Parsed {
        Parsed {
            base: body.as_ptr() as usize,
            places: Vec::new(),
            escaped: Vec::new(),
        }
    }

    /// The place of `text`, a slice of the body.
    fn borrowed(&self, text: &[u8]) -> Text {
        // In a body of at most `u32::MAX` bytes (checked before the parse).
        Text {
            at: (text.as_ptr() as usize - self.base) as u32,
            len: text.len() as u32,
        }
    }

    fn text(&mut self, text: Cow<'_, str>) -> Text {
        match text {
            Cow::Borrowed(s) => self.borrowed(s.as_bytes()),
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

    /// The place of an optional text the fast path read: a member left out is empty, as
    /// the exact read's `default` (see `text`).
    fn plain(&self, text: Option<&[u8]>) -> Text {
        text.map_or(Text { at: 0, len: 0 }, |text| self.borrowed(text))
    }
}

/// A record, read exactly or by the fast path, as [`Parsed`] keeps it.
trait ParsedRecord {
    fn push_to(self, parsed: &mut Parsed);
}

impl ParsedRecord for Record<'_> {
    fn push_to(self, parsed: &mut Parsed) {
        let place = Place {
            event_id: self.event_id.map(|t| parsed.text(t)),
            stream_arn: self.event_source_arn.map(|t| parsed.text(t)),
            partition_key: parsed.text(self.kinesis.partition_key),
            sequence_number: parsed.text(self.kinesis.sequence_number),
            data: parsed.text(self.kinesis.data),
            arrived_at: self.kinesis.approximate_arrival_timestamp.0,
        };
        parsed.places.push(place);
    }
}

impl ParsedRecord for FastRecord<'_> {
    fn push_to(self, parsed: &mut Parsed) {
        let place = Place {
            event_id: self.event_id.map(|t| parsed.borrowed(t)),
            stream_arn: self.stream_arn.map(|t| parsed.borrowed(t)),
            partition_key: parsed.plain(self.kinesis.partition_key),
            sequence_number: parsed.plain(self.kinesis.sequence_number),
            data: parsed.borrowed(self.kinesis.data),
            arrived_at: self.kinesis.arrived_at,
        };
        parsed.places.push(place);
    }
}

/// The event in `body` read into [`Place`]s: by the fast path ([`FastRecord`]) when it
/// reads the whole body, else exactly as `KinesisEvent` reads it ([`Record`]), whose
/// places, or error, stand.
///
/// The two reads are the same `serde_json` parse but for a record's member names and
/// texts and its arrival time, and the fast path reads a record only where the exact
/// read takes it with the same texts and time: it fails on a string the exact read would
/// refuse or unescape ([`PlainText::accepts`]), on any record the derived [`Record`] would
/// refuse or read otherwise ([`FastRecord`]), and on any arrival time but a number
/// `SecondTimestamp` turns into a time (the same arithmetic,
/// [`NumberArrival::from_seconds`]). So a body the fast path reads gives the places the
/// exact read gives, and any other body (an error, an escape: never from Lambda) is read
/// again, exactly, and fails or not as it always did.
/// `the_fast_path_reads_every_event_as_before` checks this against the reader as it was
/// before the fast path, over hostile events.
fn parse(body: &[u8]) -> Result<Parsed, serde_json::Error> {
    parse_as::<FastRecord>(body).or_else(|_| parse_as::<Record>(body))
}

fn parse_as<'b, R: ParsedRecord + Deserialize<'b>>(body: &'b [u8]) -> Result<Parsed, serde_json::Error> {
    let mut parsed = Parsed::new(body);
    let mut json = serde_json::Deserializer::from_slice(body);
    json.deserialize_map(EventVisitor::<R>(&mut parsed, PhantomData))
        .and_then(|()| json.end())?;
    Ok(parsed)
}

/// Reads the event object, handing its `Records` to [`RecordsSeed`]. As the derived
/// `Deserialize` of `{ Records: Vec<_> }` would: other members skipped, a missing or
/// repeated `Records` refused.
struct EventVisitor<'p, R>(&'p mut Parsed, PhantomData<R>);

impl<'de, R: ParsedRecord + Deserialize<'de>> Visitor<'de> for EventVisitor<'_, R> {
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
                    map.next_value_seed(RecordsSeed::<R>(&mut *self.0, PhantomData))?;
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
struct RecordsSeed<'p, R>(&'p mut Parsed, PhantomData<R>);

impl<'de, R: ParsedRecord + Deserialize<'de>> DeserializeSeed<'de> for RecordsSeed<'_, R> {
    type Value = ();

    fn deserialize<J: Deserializer<'de>>(self, deserializer: J) -> Result<(), J::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R: ParsedRecord + Deserialize<'de>> Visitor<'de> for RecordsSeed<'_, R> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of Kinesis records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<R>()? {
            record.push_to(self.0);
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
    let buf = body_buffer(body)?;
    let parsed = parse(&buf).map_err(|e| EventError::NotAKinesisEvent(e.to_string()))?;
    records_from_parsed(buf, parsed)
}

/// [`records_from_body`] with the exact read only (`parse_as::<Record>`, the derived
/// read `KinesisEvent` makes), never the fast path: the reference the fast path is
/// compared with, by the `event_body` fuzz target (`fuzz/checks/event_body.rs`) and its
/// corpus replayed in `make test` (`tests/fuzz_corpus.rs`). Never in the Lambda.
#[cfg(any(test, feature = "testing"))]
pub fn records_from_body_exactly(body: Bytes) -> Result<Vec<InputRecord>, EventError> {
    let buf = body_buffer(body)?;
    let parsed = parse_as::<Record>(&buf).map_err(|e| EventError::NotAKinesisEvent(e.to_string()))?;
    records_from_parsed(buf, parsed)
}

/// The body as one buffer this reader may write into, refused past `u32::MAX` bytes (a
/// [`Text`]'s reach).
fn body_buffer(body: Bytes) -> Result<BytesMut, EventError> {
    if u32::try_from(body.len()).is_err() {
        return Err(EventError::NotAKinesisEvent(format!(
            "{} bytes is more than any invocation carries",
            body.len()
        )));
    }
    // Unique when the runtime assembled the body from its chunks (any large event); a
    // small one shared with the connection's buffer is copied, which costs little.
    Ok(body
        .try_into_mut()
        .unwrap_or_else(|shared| BytesMut::from(&shared[..])))
}

/// [`records_from_body`]'s steps after the parse: the records out of `parsed`, their
/// places in `buf`, checked, packed and copied out.
fn records_from_parsed(mut buf: BytesMut, parsed: Parsed) -> Result<Vec<InputRecord>, EventError> {
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

/// A record's base64 (standard alphabet, canonical padding) decoded onto the end of
/// `out`. Its leading 32-character blocks of alphabet characters are decoded with AVX2
/// ([`blocks::decode_prefix`], issue 12's eleventh round), the rest by `base64_simd`
/// (SIMD: about a tenth of the `base64` crate's instructions on a 5 KB record, which
/// made base64 as costly as the JSON); what `base64_simd` refuses goes to the `base64`
/// crate, whose verdict and error text stand for the whole text, so an event fails
/// exactly as before. Both fast decoders accepting nothing the `base64` crate refuses,
/// and decoding alike, is checked by `base64_simd_decodes_as_the_base64_crate` and
/// `every_byte_in_every_block_position_decodes_as_the_base64_crate`.
pub fn decode_base64_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), base64::DecodeError> {
    let len = out.len();
    let decoded = blocks::decode_prefix(text, out);
    if base64_simd::STANDARD.decode_append(&text[decoded..], out).is_ok() {
        return Ok(());
    }
    out.truncate(len);
    base64::engine::general_purpose::STANDARD.decode_vec(text, out)
}

mod blocks;

#[cfg(test)]
mod tests;
