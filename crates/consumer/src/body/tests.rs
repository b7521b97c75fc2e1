//! The event read's tests: records and errors against `aws_lambda_events`' `KinesisEvent`,
//! and the fast path (session 13) against the reader as it was before it
//! (`tests/before.rs`) over hostile events. Past 450 lines because the proptest's
//! generator of hostile events is most of it, and it belongs beside what it checks.

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
fn the_fast_path_takes_the_events_lambda_sends() {
    // GIVEN events as Lambda writes them: data of every length modulo 3, binary data,
    // and the record bench's shape (a v1.1 tweet's JSON, base64)
    let tweet =
        br#"{"id_str":"1900000000000000001","full_text":"New in #AWS Lambda","user":{"screen_name":"x"}}"#;
    let tweet: &[u8] = tweet;
    let datas: Vec<&[u8]> = vec![tweet, b"", b"a", b"ab", b"\x00\xff binary"];
    let many: Vec<&[u8]> = vec![tweet; 200];
    for datas in [datas, many] {
        let json = event_json(&datas);
        // WHEN the fast path reads them THEN it takes them (every comparison test would
        // pass with a fast path that declined everything), and the read gives each record
        let fast = parse_as::<FastRecord>(json.as_bytes());
        assert!(fast.is_ok(), "the fast path declined: {:?}", fast.err());
        let records = records_from_body(Bytes::from(json.into_bytes())).unwrap();
        let read: Vec<&[u8]> = records.iter().map(|r| &r.data[..]).collect();
        assert_eq!(read, datas);
    }
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
    let json = event_json(&[b"ok"]).replace("\"sequenceNumber\":\"4959", "\"sequenceNumber\":\"\",\"x\":\"");
    assert_eq!(
        records_from_body(Bytes::from(json.into_bytes())).unwrap_err(),
        EventError::MissingSequenceNumber { index: 0 }
    );
    // AND a sequence number left out is missing too, reported before a later
    // record's bad data (a review found it reported as a bad identity, after it)
    let mut event: serde_json::Value = serde_json::from_str(&event_json(&[b"ok", b"ok"])).unwrap();
    event["Records"][0]["kinesis"]
        .as_object_mut()
        .unwrap()
        .remove("sequenceNumber");
    event["Records"][1]["kinesis"]["data"] = "not base64!".into();
    assert_eq!(
        records_from_body(Bytes::from(event.to_string().into_bytes())).unwrap_err(),
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

#[test]
fn every_byte_in_every_block_position_decodes_as_the_base64_crate() {
    // GIVEN the encoding of 100 bytes: 136 characters, four 32-character blocks the AVX2
    // decoder takes and a padded tail it leaves
    let data: Vec<u8> = (0..100u32).map(|i| (i * 89 + 5) as u8).collect();
    let text = base64::engine::general_purpose::STANDARD
        .encode(&data)
        .into_bytes();
    assert_eq!(text.len(), 136);
    let mut changed = text.clone();
    for at in 0..text.len() {
        for b in 0..=255u8 {
            // WHEN any byte value stands at any position THEN the verdict and bytes are the
            // base64 crate's
            changed[at] = b;
            base64_decoders_agree(&changed);
        }
        changed[at] = text[at];
    }
}

#[test]
fn the_avx2_blocks_decode_what_they_can_and_leave_the_rest() {
    let engine = base64::engine::general_purpose::STANDARD;
    let data: Vec<u8> = (0..100u32).map(|i| (i * 89 + 5) as u8).collect();
    let text = engine.encode(&data).into_bytes();
    let mut out = vec![1, 2, 3];
    let decoded = blocks::decode_prefix(&text, &mut out);
    let avx2 = cfg!(target_arch = "x86_64") && avx2();
    if avx2 {
        // GIVEN a CPU with AVX2 THEN the four whole blocks are decoded, the padded tail is not
        assert_eq!(decoded, 128);
    } else {
        // The other tests then check `base64_simd` alone: say so where it happens.
        eprintln!("no AVX2 on this CPU: the AVX2 blocks are not tested here");
        assert_eq!(decoded, 0);
    }
    assert_eq!(decoded % 32, 0);
    assert_eq!(out[..3], [1, 2, 3], "what `out` held is kept");
    assert_eq!(out[3..], data[..decoded / 4 * 3]);
    // GIVEN a character outside the alphabet in the second block THEN only the first is taken
    let mut broken = text.clone();
    broken[40] = b'-';
    let mut out = Vec::new();
    let decoded = blocks::decode_prefix(&broken, &mut out);
    assert_eq!(decoded, if avx2 { 32 } else { 0 });
    assert_eq!(out, data[..decoded / 4 * 3]);
    // GIVEN one in the first block THEN nothing is taken, and nothing reserved for it
    broken[5] = b'\n';
    let mut out = Vec::new();
    assert_eq!(blocks::decode_prefix(&broken, &mut out), 0);
    assert_eq!(out.capacity(), 0);
}

fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    /// Random data of any length up to 13 blocks, its encoding changed at up to three
    /// places to any byte, or cut: the verdict and the bytes are the base64 crate's.
    #[test]
    fn changed_and_cut_encodings_decode_as_the_base64_crate(
        data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..320),
        changes in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..4),
        cut in 0usize..6,
    ) {
        let mut text = base64::engine::general_purpose::STANDARD.encode(&data).into_bytes();
        for (at, b) in changes {
            if !text.is_empty() {
                let at = at % text.len();
                text[at] = b;
            }
        }
        text.truncate(text.len().saturating_sub(cut));
        base64_decoders_agree(&text);
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

mod before;

/// A data value of a record as hostile producers (and the fuzz cases) write it: mostly
/// base64, else escaped, with control characters, non-ASCII or not UTF-8, or not a string.
fn data_value() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let base64 = |d: &Vec<u8>| base64::engine::general_purpose::STANDARD.encode(d);
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(move |d| format!("\"{}\"", base64(&d)).into_bytes()),
        1 => (proptest::collection::vec(any::<u8>(), 0..60), 0usize..80, proptest::sample::select(vec![
            "\\/", "\\n", "\\u0041", "\\ud800", "\\udc00\\ud800", "\\\"", "\\\\", "\u{1}", "\u{1f}", "\n", "\u{7f}", "é", "\u{10ffff}", "\\x", "=", " ",
        ])).prop_map(move |(d, at, insert)| {
            let text = base64(&d);
            let at = at.min(text.len());
            format!("\"{}{}{}\"", &text[..at], insert, &text[at..]).into_bytes()
        }),
        1 => proptest::sample::select(vec![
            &b"\"\""[..], b"\"\xff\"", b"\"QUJD\xc3\"", b"\"\xed\xa0\x80\"", b"3", b"null", b"[1]", b"[]", b"{}", b"true", b"\"QUJD", b"\"!!\"",
        ]).prop_map(|v| v.to_vec()),
    ]
}

#[test]
fn arrival_times_with_many_decimals_read_as_the_release_build_reads_them_without_a_panic() {
    // GIVEN records whose arrival time has 13 to 20 decimals (Lambda writes 3), where
    // `aws_lambda_events`' `frac * 1_000_000` overflows: a panic in a debug build (this
    // test's), a wrap in the release build the Lambda runs
    use chrono::TimeZone;
    for arrival in [
        "1.4433333333333",
        "1.44333333333333",
        "1764000000.12345678901234",
        "0.00000000000000000001",
        "5.99999999999999999999",
    ] {
        let json = format!(
            r#"{{"Records":[{{"kinesis":{{"sequenceNumber":"1","data":"","approximateArrivalTimestamp":{arrival}}}}}]}}"#
        );
        // WHEN both reads take the event
        let read = records_from_body(Bytes::from(json.clone().into_bytes()));
        let exact = records_from_body_exactly(Bytes::from(json.into_bytes()));
        // THEN neither panics, they agree, and the time is the release build's: the
        // decimal form's fraction digits times 10^6 nanoseconds, wrapped to 64 and then
        // 32 bits, or "invalid timestamp" when that is a second or more past a leap
        let seconds: f64 = arrival.parse().unwrap();
        let form = seconds.to_string();
        let (whole, frac) = form.split_once('.').unwrap_or((&form, "0"));
        let nanos = frac.parse::<u64>().unwrap().wrapping_mul(1_000_000) as u32;
        let want = chrono::Utc
            .timestamp_opt(whole.parse::<i64>().unwrap(), nanos)
            .latest();
        assert_eq!(read, exact, "{arrival}");
        match (read, want) {
            (Ok(records), Some(time)) => assert_eq!(records[0].arrived_at, time, "{arrival}"),
            (Err(EventError::NotAKinesisEvent(e)), None) => {
                assert!(e.contains("invalid timestamp"), "{arrival}: {e}")
            }
            (other, want) => panic!("{arrival}: read {other:?}, the release build's {want:?}"),
        }
    }
}

/// An arrival time as a record may carry it: the number Lambda writes, other numbers
/// (negative, exponents, too large, integers past `u64`), and other JSON values.
fn arrival_value() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        2 => (any::<u32>(), 0u32..1000).prop_map(|(s, ms)| format!("{s}.{ms}")),
        1 => any::<u32>().prop_map(|s| s.to_string()),
        1 => any::<i64>().prop_map(|s| s.to_string()),
        2 => proptest::sample::select(vec![
            "1764000000.125", "1764000000", "0", "-0", "-0.0", "-1", "-1.5", "1e3", "1.5e9", "1E9", "1764000000.1234567",
            "1764000000.5", "0.5", "123.456", "1e-5", "1e20", "1e30", "1e400", "-1e400", "18446744073709551615",
            "18446744073709551616", "9223372036854775807", "9223372036854775808", "253402300800", "8210266876799",
            "8210266876800", "1764000000.", "01", ".5", "1764000000.125e0", "\"1764000000.5\"", "\"1e3\"", "\"abc\"", "\"\"",
            "\"-1\"", "null", "true", "[1]", "[]", "{\"a\":1}", "{}", "\"\\u0031\"",
        ]).prop_map(str::to_owned),
    ]
}

/// A member added to a record's `kinesis` object or to the record itself: repeated,
/// `null`, escaped or odd names, members the reader skips.
fn extra_member() -> impl proptest::strategy::Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(vec![
        "\"data\":\"QUJD\"",
        "\"d\\u0061ta\":\"QUJD\"",
        "\"partitionKey\":\"pk2\"",
        "\"partitionKey\":null",
        "\"sequenceNumber\":\"4959\"",
        "\"approximateArrivalTimestamp\":1",
        "\"eventID\":\"shardId-000000000003:1\"",
        "\"eventID\":null",
        "\"eventSourceARN\":null",
        "\"eventSourceARN\":\"arn\\/x\"",
        "\"kinesis\":{}",
        "\"kinesis\":null",
        "\"other\":[1,{\"a\":\"\\u00e9\"}]",
        "\"other\":1e400",
        "\"\u{1}\":1",
        "\"\u{e9}\":\"\u{e9}\"",
        "\"\\u0000\":true",
        "\"data\":\"\u{1}\"",
    ]))
}

/// One record's JSON, each member present, missing or odd as the flags say.
fn record_json(
    i: usize,
    data: &[u8],
    arrival: &str,
    odd: u8,
    extra: (Option<&str>, Option<&str>),
) -> Vec<u8> {
    let seq = format!("4959{i:052}");
    let mut kinesis = vec![b"\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk\"".to_vec()];
    match odd % 8 {
        1 => {}
        2 => kinesis.push(b"\"sequenceNumber\":\"\"".to_vec()),
        3 => kinesis.push(format!("\"sequenceNumber\":\"4959\\u0030{i}\"").into_bytes()),
        _ => kinesis.push(format!("\"sequenceNumber\":\"{seq}\"").into_bytes()),
    }
    if odd / 8 % 4 != 1 {
        kinesis.push([&b"\"data\":"[..], data].concat());
    }
    if odd / 8 % 4 != 2 {
        kinesis.push(format!("\"approximateArrivalTimestamp\":{arrival}").into_bytes());
    }
    if let Some(member) = extra.0 {
        kinesis.push(member.as_bytes().to_vec());
    }
    if odd / 8 % 4 == 3 {
        kinesis.reverse();
    }
    let mut record = b"{\"kinesis\":{".to_vec();
    record.extend(kinesis.join(&b","[..]));
    record.extend_from_slice(b"},\"eventSource\":\"aws:kinesis\",");
    match odd / 32 % 4 {
        1 => {}
        2 => record.extend(format!("\"eventID\":\"shardId-000000000003\\u003a{seq}\",").into_bytes()),
        _ => record.extend(format!("\"eventID\":\"shardId-000000000003:{seq}\",").into_bytes()),
    }
    if let Some(member) = extra.1 {
        record.extend(member.as_bytes());
        record.push(b',');
    }
    record.extend_from_slice(
        b"\"eventName\":\"aws:kinesis:record\",\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:1:stream/s\"}",
    );
    if odd >= 128 && extra.0.is_some() && extra.1.is_some() {
        // A record as an array: the derived reader takes a struct's members in order.
        return format!("[\"shardId-000000000003:{seq}\",\"arn\",{{\"data\":\"QUJD\",\"approximateArrivalTimestamp\":1}}]").into_bytes();
    }
    record
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// GIVEN events of up to four records, each with data and an arrival time of any of
    /// the forms above, members missing, reordered, escaped, repeated or added, records
    /// as arrays, and the body then changed
    /// at a byte (any value), cut, or left whole
    /// WHEN the body is read
    /// THEN the records, or the error, are those of the reader before the fast path.
    #[test]
    fn the_fast_path_reads_every_event_as_before(
        records in proptest::collection::vec((data_value(), arrival_value(), proptest::prelude::any::<u8>(), extra_member(), extra_member()), 0..4),
        change in proptest::option::of((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>(), proptest::prelude::any::<bool>())),
    ) {
        let mut body = b"{\"Records\":[".to_vec();
        let records: Vec<Vec<u8>> = records.iter().enumerate().map(|(i, (data, arrival, odd, kinesis, record))| record_json(i, data, arrival, *odd, (*kinesis, *record))).collect();
        body.extend(records.join(&b","[..]));
        body.extend_from_slice(b"]}");
        if let Some((at, byte, cut)) = change {
            let at = at % body.len();
            if cut {
                body.truncate(at);
            } else {
                body[at] = byte;
            }
        }
        let now = records_from_body(Bytes::from(body.clone()));
        let then = before::records_from_body(Bytes::from(body.clone()));
        proptest::prop_assert_eq!(now, then, "{}", String::from_utf8_lossy(&body));
    }
}

#[test]
fn millisecond_parts_are_those_of_the_decimal_form() {
    // GIVEN numbers with up to three decimals across the range the shortcut takes and
    // past it, numbers with more decimals, and doubles of every magnitude
    let mut numbers: Vec<f64> = vec![
        0.0,
        -0.0,
        0.001,
        0.5,
        1.0,
        0.999,
        8589934591.999,
        8589934592.0,
        1764000000.125,
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300_000 {
        let r = next();
        let millis = match r % 4 {
            0 => r % 10_000_000_000_000,
            1 => 1_764_000_000_000 + r % 100_000_000,
            2 => (r % 10_000_000) * 1000,
            _ => r % 100_000,
        };
        numbers.push(millis as f64 / 1000.0);
        numbers.push(millis as f64 / 1000.0 + 0.0001);
        numbers.push(-(millis as f64) / 1000.0);
        numbers.push(f64::from_bits(next()));
    }
    let mut taken = 0;
    for seconds in numbers {
        // WHEN the shortcut takes one THEN its parts are those of its decimal form
        if let Some(parts) = NumberArrival::millisecond_parts(seconds) {
            assert_eq!(Some(parts), NumberArrival::decimal_parts(seconds), "{seconds}");
            taken += 1;
        }
    }
    assert!(taken > 250_000, "{taken} taken");
    // AND Lambda's numbers are taken
    assert_eq!(
        NumberArrival::millisecond_parts(1764000000.125),
        Some((1764000000, 125))
    );
    assert_eq!(
        NumberArrival::millisecond_parts(1764000000.12),
        Some((1764000000, 12))
    );
    assert_eq!(
        NumberArrival::millisecond_parts(1764000000.0),
        Some((1764000000, 0))
    );
}
