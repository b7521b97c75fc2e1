//! What one record costs the consumer on its CPU, apart from the requests: its base64
//! decoded, its JSON decoded into a tweet, the recipe and the classification, and the
//! DynamoDB item built from the result. One realistic v1.1 API tweet of 3.7 KB
//! (`benches/v1-tweet.json`: full user object and entities, as the v1.1 API sends
//! them). Run with `make bench-record`; results are reported in BENCHMARKS.md.
//!
//! The committed file is pretty-printed (one-space indent, 3,707 bytes); ingest forwards
//! the API's bytes as they come, which are compact (3,125 bytes for this tweet), so the
//! whole path is measured on that form as well (`compact`, the same tweet without the
//! whitespace between tokens).
//!
//! Each path is measured in wall time, as criterion does, and the whole path (both forms)
//! also in the thread's CPU time, which does not count the time other processes on a shared
//! machine hold the core (issue 12's target: decode + parse + classify under 5 µs).
//!
//! One tweet repeated keeps its code and data in cache, so the path is also timed over
//! two batches of 4,299 different tweets ([`distinct_batch`]): the hand-written labeled
//! tweets' own texts (about 100 bytes), and the same texts repeated to a full tweet's 280
//! characters. The bench runs under the consumer binary's allocator (jemalloc, below).
//! (Past 450 lines: the stage loops for callgrind sit beside the criterion paths they
//! count, so that the two measure the same code.)
//!
//! Those paths decode each record's base64 just before its JSON, as one record alone is
//! decoded; the consumer decodes a whole event's base64 first (`records_from_body`),
//! then each record's JSON and classification (`process_batch`). So the full-length
//! tweets are also timed in a Kinesis event of 6 MB, in that order: the body read into
//! records (the event's JSON, the base64, the records' strings), and that followed by
//! each record's JSON decode, recipe and classification ([`kinesis_event`]).

use std::hint::black_box;

use base64::Engine;
use chrono::Utc;
use criterion::measurement::WallTime;
use criterion::{criterion_group, BenchmarkGroup, Criterion, Throughput};
use tweetboard_aws::dynamo::tweet_item;
use tweetboard_classifier::{dataset, EmbeddedClassifier, Model, Record, RecordRef};
use tweetboard_consumer::body::{decode_base64_into, records_from_body};
use tweetboard_core::decode::{decode_tweet, decode_tweet_id};
use tweetboard_core::error::DecodeError;
use tweetboard_core::{Classification, InputRecord, RecordSource, StoredTweet, Tweet, TweetId};

#[path = "../../classifier/benches/support/thread_cpu.rs"]
mod thread_cpu;
use thread_cpu::thread_cpu_time;

const TWEET: &str = include_str!("v1-tweet.json");

/// The consumer binary's allocator and options (`src/main.rs`), so that the path is
/// measured as the Lambda runs it: under glibc's malloc the bench tweet's allocations
/// cost more instructions than under jemalloc, which the shipped binary uses. A build
/// with `--no-default-features` measures glibc's malloc, as that binary runs.
#[cfg(all(feature = "jemalloc", target_os = "linux"))]
mod jemalloc {
    tweetboard_consumer::jemalloc_with_consumer_options!();
}

/// Which allocator this build measures, for the report.
const ALLOCATOR: &str = if cfg!(all(feature = "jemalloc", target_os = "linux")) {
    "jemalloc"
} else {
    "glibc malloc"
};

/// `json` without the whitespace between its tokens: the form the API sends (a JSON
/// string's bytes are kept as they are, escapes included).
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !c.is_ascii_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// A batch of different tweets: each hand-written labeled tweet of the classifier's
/// data (`crates/classifier/data/unseen-handwritten*.csv`, 4,299, many not in English)
/// put into the bench tweet in place of its text, id, author, follower count and
/// client, in the compact form, and base64-encoded as the event carries it. Only those
/// five fields differ: the user object's other members and the entities are the bench
/// tweet's in every one, so the JSON stage sees one shape throughout, while the texts
/// (the recipe's input) and the bytes the decode reads are each tweet's own.
///
/// `full_length`: each text repeated (space-separated) to a full tweet's 280
/// characters, so that the batch's tweets are the bench tweet's size (its text is 236
/// characters) rather than the labeled texts' (about 100 bytes on average).
fn distinct_batch(full_length: bool) -> Vec<String> {
    use serde_json::Value;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../classifier/data");
    let records = dataset::load_handwritten(&dir, false).expect("the hand-written sets load");
    let template = compact(TWEET);
    let fields: Value = serde_json::from_str(TWEET).expect("the bench tweet");
    // Each value to replace, as the compact template spells it (serde_json escapes as
    // the committed file does; `replace_once` checks that it is there).
    let old = |v: &Value| serde_json::to_string(v).expect("JSON");
    let old_ids = format!("\"id\":{},\"id_str\":{}", fields["id"], old(&fields["id_str"]));
    let old_text = format!("\"full_text\":{}", old(&fields["full_text"]));
    let old_source = format!("\"source\":{}", old(&fields["source"]));
    let user = &fields["user"];
    let old_user = format!("\"screen_name\":{},\"location\"", old(&user["screen_name"]));
    let old_followers = format!("\"followers_count\":{},", user["followers_count"]);
    let replace_once = |s: &str, from: &str, to: &str| -> String {
        assert!(s.contains(from), "the template holds {from}");
        s.replacen(from, to, 1)
    };
    let engine = &base64::engine::general_purpose::STANDARD;
    let mut batch = Vec::new();
    for r in &records {
        let text = if full_length {
            dataset::to_full_length(&r.text)
        } else {
            r.text.clone()
        };
        let id = 1_900_000_000_000_000_000u64 + batch.len() as u64;
        let mut t = replace_once(&template, &old_ids, &format!("\"id\":{id},\"id_str\":\"{id}\""));
        t = replace_once(
            &t,
            &old_text,
            &format!("\"full_text\":{}", old(&text.as_str().into())),
        );
        t = replace_once(
            &t,
            &old_source,
            &format!("\"source\":{}", old(&r.source.as_str().into())),
        );
        t = replace_once(
            &t,
            &old_user,
            &format!("\"screen_name\":{},\"location\"", old(&r.user.as_str().into())),
        );
        t = replace_once(
            &t,
            &old_followers,
            &format!("\"followers_count\":{},", r.followers),
        );
        batch.push(engine.encode(t));
    }
    assert!(batch.len() > 4000, "{} tweets", batch.len());
    batch
}

/// A record's data as the event carries it (base64) decoded into a tweet.
fn decode(text: &str) -> Tweet {
    let mut bytes = Vec::new();
    decode_base64_into(text.as_bytes(), &mut bytes).expect("base64");
    decode_tweet(&bytes).expect("a tweet")
}

/// A tweet classified as the consumer classifies it (`EmbeddedClassifier::classify`):
/// through a view that borrows the tweet's strings.
fn classify(classifier: &EmbeddedClassifier, tweet: &Tweet) -> Classification {
    classifier.classify_record(RecordRef::from_tweet(tweet))
}

/// `run` timed by criterion in the thread's CPU time, once per iteration.
fn bench_thread_cpu(group: &mut BenchmarkGroup<'_, WallTime>, name: String, run: impl Fn()) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                run();
            }
            thread_cpu_time() - start
        })
    });
}

/// A Kinesis event's JSON, as Lambda delivers it, holding the first of `batch`'s
/// records (base64 text) that fit in `limit` bytes, and how many it holds.
fn kinesis_event(batch: &[String], limit: usize) -> (Vec<u8>, usize) {
    let mut body = String::from("{\"Records\":[");
    let mut count = 0;
    for (i, data) in batch.iter().enumerate() {
        let seq = format!("4959{i:052}");
        let record = format!(
            concat!(
                "{{\"kinesis\":{{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk{i}\",",
                "\"sequenceNumber\":\"{seq}\",\"data\":\"{data}\",",
                "\"approximateArrivalTimestamp\":1764000000.125}},",
                "\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",",
                "\"eventID\":\"shardId-000000000003:{seq}\",\"eventName\":\"aws:kinesis:record\",",
                "\"invokeIdentityArn\":\"arn:aws:iam::123456789012:role/consumer\",",
                "\"awsRegion\":\"us-east-1\",\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/tweets\"}}"
            ),
            i = i,
            seq = seq,
            data = data
        );
        if body.len() + record.len() + 3 > limit {
            break;
        }
        if count > 0 {
            body.push(',');
        }
        body.push_str(&record);
        count += 1;
    }
    body.push_str("]}");
    (body.into_bytes(), count)
}

/// `run` over the records read from a fresh copy of `event`'s body, timed by criterion
/// in the thread's CPU time from the body to the end of `run` (the copy is not timed).
fn bench_event(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: String,
    event: &[u8],
    run: impl Fn(Vec<InputRecord>),
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let body = bytes::Bytes::from(event.to_vec());
                let start = thread_cpu_time();
                run(records_from_body(black_box(body)).expect("the event's records"));
                total += thread_cpu_time() - start;
            }
            total
        })
    });
}

fn record_path(c: &mut Criterion) {
    // As the event carries it: base64 text.
    let base64_text = base64::engine::general_purpose::STANDARD.encode(TWEET.as_bytes());
    let classifier = EmbeddedClassifier::new(Model::embedded_default());

    let mut group = c.benchmark_group("record (3.7 KB v1.1 tweet)");
    group.throughput(Throughput::Elements(1));
    let compact_base64 = base64::engine::general_purpose::STANDARD.encode(compact(TWEET));
    assert_eq!(
        decode(&base64_text),
        decode(&compact_base64),
        "the compact form is the same tweet"
    );
    for (form, text) in [("", &base64_text), ("compact: ", &compact_base64)] {
        bench_thread_cpu(
            &mut group,
            format!("{form}base64 + JSON decode + recipe + classify, thread CPU time"),
            || {
                black_box(classify(&classifier, &decode(black_box(text))));
            },
        );
        group.bench_function(format!("{form}base64 + JSON decode + recipe + classify"), |b| {
            b.iter(|| black_box(classify(&classifier, &decode(black_box(text)))))
        });
    }
    // The batches of different tweets: thread CPU time per tweet over the whole batch.
    let batch = distinct_batch(false);
    let full_batch = distinct_batch(true);
    assert_ne!(
        decode(&batch[0]).text,
        decode(&base64_text).text,
        "the batch's tweets are its own"
    );
    for (texts, tweets) in [
        ("their own texts", &batch),
        ("texts of 280 characters", &full_batch),
    ] {
        let bytes: usize = tweets.iter().map(|t| t.len() / 4 * 3).sum();
        group.throughput(Throughput::Elements(tweets.len() as u64));
        bench_thread_cpu(
            &mut group,
            format!(
                "a batch of {} different tweets, {texts} (compact, {} bytes on average): base64 + JSON decode + recipe + classify, thread CPU time",
                tweets.len(),
                bytes / tweets.len()
            ),
            || {
                for text in tweets {
                    black_box(classify(&classifier, &decode(black_box(text))));
                }
            },
        );
    }
    // Each batch in its two halves, so that the profile shows where a batch's time goes:
    // the decode alone, and the classification of tweets decoded beforehand.
    for (texts, batch) in [
        ("their own texts", &batch),
        ("texts of 280 characters", &full_batch),
    ] {
        let tweets: Vec<Tweet> = batch.iter().map(|t| decode(t)).collect();
        let half = |half: &str| format!("the batch of different tweets, {texts}: {half}, thread CPU time");
        bench_thread_cpu(&mut group, half("base64 + JSON decode"), || {
            for text in batch {
                black_box(decode(black_box(text)));
            }
        });
        bench_thread_cpu(&mut group, half("recipe + classify"), || {
            for tweet in &tweets {
                black_box(classify(&classifier, black_box(tweet)));
            }
        });
    }
    // The consumer's own order (`records_from_body`, then `process_batch`): a whole
    // event's base64 is decoded first, record after record through the body, and only
    // then is each record's JSON decoded and its tweet classified. The event holds as
    // many of the full-length batch's tweets as fit Lambda's 6 MB payload; each
    // iteration reads a fresh copy of its body (copied before the clock starts), as each
    // invocation reads a new body. `process_batch` first reads each record's id (its
    // first pass, `decode_tweet_id`): the third line adds that pass, and the fourth the
    // full decode it replaced, to be compared in one run (session 14). They leave out
    // what the rest of the batch costs (the occurrence map, the content hash, the item,
    // the requests); the id pass is also timed alone, beside that full decode.
    let (event, in_event) = kinesis_event(&full_batch, 6_000_000);
    group.throughput(Throughput::Elements(in_event as u64));
    let event_name = |what: &str| {
        format!(
            "event of {in_event} full-length tweets ({:.1} MB): {what}, thread CPU time",
            event.len() as f64 / 1e6
        )
    };
    bench_event(&mut group, event_name("body to records"), &event, |records| {
        black_box(records);
    });
    // The id pass as it is, and as it was (each record's tweet decoded in full).
    type IdPass = fn(&[u8]) -> Result<TweetId, DecodeError>;
    let full_decode_id: IdPass = |data| decode_tweet(data).map(|t| t.id);
    for (what, id_pass) in [
        ("body to records, then JSON decode + recipe + classify", None),
        (
            "body to records, then the id pass, then JSON decode + recipe + classify",
            Some(decode_tweet_id as IdPass),
        ),
        (
            "body to records, then the full decode as the id pass (until session 14), then JSON decode + recipe + classify",
            Some(full_decode_id),
        ),
    ] {
        bench_event(&mut group, event_name(what), &event, |records| {
            if let Some(id_pass) = id_pass {
                let ids: Vec<_> = records.iter().map(|r| id_pass(black_box(&r.data))).collect();
                black_box(ids);
            }
            for record in &records {
                black_box(classify(
                    &classifier,
                    &decode_tweet(black_box(&record.data)).expect("a tweet"),
                ));
            }
        });
    }
    let records = records_from_body(bytes::Bytes::from(event.clone())).expect("the event's records");
    let id_pass =
        |what: &str| format!("the id pass over the event's {in_event} records: {what}, thread CPU time");
    bench_thread_cpu(&mut group, id_pass("decode_tweet_id"), || {
        for record in &records {
            black_box(decode_tweet_id(black_box(&record.data)).expect("an id"));
        }
    });
    bench_thread_cpu(
        &mut group,
        id_pass("each tweet decoded in full (until session 14)"),
        || {
            for record in &records {
                black_box(full_decode_id(black_box(&record.data)).expect("an id"));
            }
        },
    );
    drop(records);
    group.throughput(Throughput::Elements(1));
    group.bench_function("base64 + JSON decode", |b| {
        b.iter(|| black_box(decode(black_box(&base64_text))))
    });
    let tweet = decode(&base64_text);
    group.bench_function("recipe + classify", |b| {
        b.iter(|| black_box(classify(&classifier, black_box(&tweet))))
    });

    let record = InputRecord {
        event_id: "shardId-000000000000:49590000000000000000000000000000000000000000000000000001".into(),
        sequence_number: "49590000000000000000000000000000000000000000000000000001".into(),
        partition_key: tweet.id().as_str().into(),
        data: TWEET.as_bytes().to_vec().into(),
        arrived_at: Utc::now(),
        source: RecordSource {
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets".into(),
            shard_id: "shardId-000000000000".into(),
        },
    };
    let classification = classify(&classifier, &tweet);
    let now = Utc::now();
    group.bench_function("DynamoDB item: StoredTweet (content hash) + attribute map", |b| {
        b.iter(|| {
            let stored = StoredTweet::new(tweet.clone(), classification.clone(), &record, now);
            black_box(tweet_item(black_box(&stored)))
        })
    });
    let stored = StoredTweet::new(tweet.clone(), classification, &record, now);
    group.bench_function("DynamoDB item: attribute map only", |b| {
        b.iter(|| black_box(tweet_item(black_box(&stored))))
    });
    group.finish();
}

/// One stage of the path run `RECORD_ITERS` times (1,000 unless set), for counting its
/// instructions under callgrind, which criterion's own loop would blur:
/// `RECORD_STAGE=<stage> valgrind --tool=callgrind <bench binary>`; the stage `setup`
/// does only the set-up every stage does, so a stage's instructions per call are
/// (its total − setup's) ÷ iterations. `make bench-record` runs them all after criterion
/// (`benches/instructions.sh`).
fn stage_loop(stage: &str) {
    use tweetboard_core::decode::decode_tweet_with_serde;
    let iters: usize = std::env::var("RECORD_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let engine = &base64::engine::general_purpose::STANDARD;
    let base64_text = engine.encode(TWEET.as_bytes());
    let compact_json = compact(TWEET);
    let compact_tweet = decode_tweet(compact_json.as_bytes()).expect("a tweet");
    // `path` runs on the committed form, `path-compact` on the compact one.
    let path_base64 = engine.encode(if stage == "path-compact" {
        &compact_json
    } else {
        TWEET
    });
    let classifier = EmbeddedClassifier::new(Model::embedded_default());
    let model = classifier.model();
    let tweet = decode_tweet(TWEET.as_bytes()).expect("a tweet");
    assert_eq!(tweet, compact_tweet, "the compact form is the same tweet");
    let record = Record::from_tweet(&tweet);
    let features = model.artifact().recipe.features(&record);
    black_box(classifier.classify_record(&record));
    // A batch of different tweets is built for its stages only: `batch-setup` builds it,
    // `batch` builds it and runs the path once over it, so the path's instructions per
    // tweet are their difference ÷ the batch's length (printed); `batch-full` and
    // `batch-full-setup` the same with texts of 280 characters.
    let batch = if stage.starts_with("batch") {
        let batch = distinct_batch(stage.starts_with("batch-full"));
        println!("{}", batch.len());
        batch
    } else {
        Vec::new()
    };
    if stage.starts_with("event-body") {
        event_body_loop(stage, iters);
        return;
    }
    if stage == "batch" || stage == "batch-full" {
        for text in &batch {
            black_box(classify(&classifier, &decode(black_box(text))));
        }
        return;
    }
    for _ in 0..iters {
        match stage {
            "setup" | "batch-setup" | "batch-full-setup" => {}
            "base64" => {
                let mut bytes = Vec::new();
                decode_base64_into(black_box(base64_text.as_bytes()), &mut bytes).expect("base64");
                black_box(bytes);
            }
            "base64-crate" => {
                black_box(engine.decode(black_box(&base64_text)).expect("base64"));
            }
            "json" => {
                black_box(decode_tweet(black_box(TWEET.as_bytes())).expect("a tweet"));
            }
            "id" => {
                black_box(decode_tweet_id(black_box(compact_json.as_bytes())).expect("an id"));
            }
            "id-decode" => {
                black_box(
                    decode_tweet(black_box(compact_json.as_bytes()))
                        .expect("a tweet")
                        .id,
                );
            }
            "json-serde" => {
                black_box(decode_tweet_with_serde(black_box(TWEET.as_bytes())).expect("a tweet"));
            }
            "record" => {
                black_box(Record::from_tweet(black_box(&tweet)));
            }
            "recipe" => {
                black_box(model.artifact().recipe.features(black_box(&record)));
            }
            "score" => {
                black_box(model.score_features(black_box(&features)));
            }
            "classify" => {
                black_box(classifier.classify_record(RecordRef::from_tweet(black_box(&tweet))));
            }
            "path" | "path-compact" => {
                black_box(classify(&classifier, &decode(black_box(&path_base64))));
            }
            other => panic!("unknown RECORD_STAGE {other:?}"),
        }
    }
}

/// The bench's 6 MB event read into records `iters` times, each from a fresh copy of its
/// body: `event-body` (for callgrind, `--toggle-collect='*records_from_body*'` counts the
/// call alone, on a bench built with its symbols: `CARGO_PROFILE_BENCH_STRIP=false cargo
/// bench -p tweetboard-consumer --bench record --no-run`; the stripped one counts
/// nothing), `event-body-copy` the copies without the read (the rest of the loop's
/// cost). Prints the read's thread CPU time and the page faults it takes, per call
/// (`getrusage` around it; the copy's own faults are not counted).
fn event_body_loop(stage: &str, iters: usize) {
    let (event, in_event) = kinesis_event(&distinct_batch(true), 6_000_000);
    let read = stage != "event-body-copy";
    let (mut cpu, mut faults) = (std::time::Duration::ZERO, 0i64);
    for _ in 0..iters {
        let body = bytes::Bytes::from(event.to_vec());
        let faults_before = minor_faults();
        let start = thread_cpu_time();
        if read {
            black_box(records_from_body(black_box(body)).expect("the event's records"));
        } else {
            black_box(body);
        }
        cpu += thread_cpu_time() - start;
        faults += minor_faults() - faults_before;
    }
    println!(
        "{stage}: {in_event} records, {:.0} µs and {:.1} minor faults a call",
        cpu.as_secs_f64() * 1e6 / iters as f64,
        faults as f64 / iters as f64
    );
}

/// The thread's minor page faults so far.
fn minor_faults() -> i64 {
    // SAFETY: an all-zero `rusage` is valid (integers and `timeval`s only); `getrusage`
    // writes only into the one it is given, which outlives the call.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut usage);
        usage.ru_minflt
    }
}

criterion_group!(benches, record_path);

fn main() {
    if let Ok(stage) = std::env::var("RECORD_STAGE") {
        if stage == "allocator" {
            println!("{ALLOCATOR}");
            return;
        }
        stage_loop(&stage);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
