//! Properties of the batch use case over generated streams: duplicates, conflicting
//! versions, poison records (not JSON, bad ids, no text, refused by the model, over
//! the item limit), in any order, cut into batches of any size, against stores that
//! fail transiently before a write or after it was applied (the response lost).
//!
//! Lambda's contract is replayed exactly: a batch is delivered, and with
//! `ReportBatchItemFailures` everything before the lowest reported sequence number is
//! acknowledged and the shard resumes at that record. Checked for every generated case:
//! - every record of a batch gets exactly one outcome, in input order;
//! - every settled record is durable when the batch returns (its tweet stored, or its
//!   quarantine entry with its raw bytes), so nothing acknowledged is lost;
//! - the final tables equal the oracle: each tweet once, the first storable version
//!   of its id (stored once and never overwritten), and the quarantine holds exactly
//!   the poison records;
//! - delivering the whole stream again changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use chrono::Utc;
use proptest::prelude::*;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, RecordOutcome};
use tweetboard_core::ports::{PutOutcome, QuarantineWriter, TweetLookup, TweetWriter};
use tweetboard_core::stored::{QuarantinedRecord, StoredTweet};
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};
use tweetboard_core::{InputRecord, RecordSource, ServiceError, TweetId};

/// One record of a generated stream.
#[derive(Debug, Clone)]
enum Gen {
    /// Version `v` of tweet `id` (a small pool of ids, so duplicates and conflicting
    /// versions are common).
    Tweet {
        id: u8,
        v: u8,
    },
    NotJson(u8),
    BadId,
    /// An id the batch's first pass reads, and a body the decode refuses.
    UndecodableWithId {
        id: u8,
    },
    MissingText {
        id: u8,
    },
    /// The (fake) model refuses it for good.
    ModelPoison {
        id: u8,
    },
    /// Over DynamoDB's item limit once classified.
    Oversize {
        id: u8,
    },
}

fn tweet_id(id: u8) -> String {
    format!("{}", 1_859_000_000_000_000_000u64 + id as u64)
}

impl Gen {
    fn bytes(&self) -> Vec<u8> {
        let t = |id: u8, text: &str| serde_json::json!({"id_str": tweet_id(id), "text": text}).to_string();
        match self {
            Gen::Tweet { id, v } => t(*id, &format!("lambda version {v}")),
            Gen::NotJson(n) => format!("not json {n}"),
            Gen::BadId => r#"{"id_str": "-1", "text": "lambda"}"#.to_owned(),
            Gen::UndecodableWithId { id } => format!(
                r#"{{"id_str": "{}", "text": "lambda", "user": 5}}"#,
                tweet_id(*id)
            ),
            Gen::MissingText { id } => format!(r#"{{"id_str": "{}"}}"#, tweet_id(*id)),
            Gen::ModelPoison { id } => t(*id, "poison-model"),
            Gen::Oversize { id } => t(*id, &"x".repeat(420_000)),
        }
        .into_bytes()
    }

    /// The id of a record that decodes, with whether its content can be stored.
    fn id(&self) -> Option<(String, bool)> {
        match self {
            Gen::Tweet { id, .. } => Some((tweet_id(*id), true)),
            Gen::ModelPoison { id } | Gen::Oversize { id } => Some((tweet_id(*id), false)),
            _ => None,
        }
    }
}

fn gen_record() -> impl Strategy<Value = Gen> {
    prop_oneof![
        12 => (0u8..6, 0u8..3).prop_map(|(id, v)| Gen::Tweet { id, v }),
        1 => any::<u8>().prop_map(Gen::NotJson),
        1 => Just(Gen::BadId),
        2 => (0u8..6).prop_map(|id| Gen::UndecodableWithId { id }),
        1 => (0u8..6).prop_map(|id| Gen::MissingText { id }),
        1 => (0u8..6).prop_map(|id| Gen::ModelPoison { id }),
        1 => (0u8..6).prop_map(|id| Gen::Oversize { id }),
    ]
}

/// How a store request goes wrong: not at all, before it is applied, or after it was
/// applied with the response lost.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    Before,
    After,
}

/// Faults drawn from a seeded generator at the given rates (per thousand).
struct Faults {
    state: AtomicU64,
    before: u64,
    after: u64,
    drawn: AtomicU64,
}

impl Faults {
    fn new(seed: u64, before: u64, after: u64) -> Self {
        Self {
            state: AtomicU64::new(seed | 1),
            before,
            after,
            drawn: AtomicU64::new(0),
        }
    }

    fn draw(&self) -> Fault {
        // xorshift64: deterministic per call order, which is enough to vary the faults.
        let mut x = self.state.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state.store(x, Ordering::Relaxed);
        let roll = x % 1000;
        let fault = if roll < self.before {
            Fault::Before
        } else if roll < self.before + self.after {
            Fault::After
        } else {
            Fault::None
        };
        if fault != Fault::None {
            self.drawn.fetch_add(1, Ordering::Relaxed);
        }
        fault
    }
}

fn lost(operation: &'static str) -> ServiceError {
    ServiceError::transient(operation, "connection reset (injected)")
}

/// The in-memory stores behind injected faults.
struct Flaky<'a> {
    table: &'a MemoryTable,
    quarantine: &'a MemoryQuarantine,
    faults: &'a Faults,
}

#[async_trait]
impl TweetWriter for Flaky<'_> {
    async fn put_if_absent(&self, item: &StoredTweet) -> Result<PutOutcome, ServiceError> {
        match self.faults.draw() {
            Fault::Before => Err(lost("PutItem")),
            Fault::After => self.table.put_if_absent(item).await.and(Err(lost("PutItem"))),
            Fault::None => self.table.put_if_absent(item).await,
        }
    }
}

#[async_trait]
impl QuarantineWriter for Flaky<'_> {
    async fn quarantine(&self, record: &QuarantinedRecord) -> Result<(), ServiceError> {
        match self.faults.draw() {
            Fault::Before => Err(lost("PutItem")),
            Fault::After => self.quarantine.quarantine(record).await.and(Err(lost("PutItem"))),
            Fault::None => self.quarantine.quarantine(record).await,
        }
    }
}

#[async_trait]
impl TweetLookup for Flaky<'_> {
    async fn stored_hashes(
        &self,
        ids: &[TweetId],
    ) -> Result<std::collections::HashMap<TweetId, Option<String>>, ServiceError> {
        match self.faults.draw() {
            Fault::None => self.table.stored_hashes(ids).await,
            _ => Err(lost("BatchGetItem")),
        }
    }
}

fn input(i: usize, data: Vec<u8>) -> InputRecord {
    let sequence_number = format!("4959{i:020}");
    InputRecord {
        event_id: InputRecord::event_id_for("shardId-000000000000", &sequence_number),
        sequence_number,
        partition_key: "pk".into(),
        data: data.into(),
        arrived_at: Utc::now(),
        source: RecordSource {
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets".into(),
            shard_id: "shardId-000000000000".into(),
        },
    }
}

/// What the tables must hold after the stream is delivered: each id's first storable
/// version (as its record index), the poison records that must be quarantined, and
/// those that may be. A poison version of a tweet already stored is either quarantined
/// or settled as a conflict, depending on whether an earlier version is in its batch.
struct Oracle {
    tweets: BTreeMap<String, usize>,
    must_quarantine: BTreeSet<usize>,
    may_quarantine: BTreeSet<usize>,
}

fn oracle(stream: &[Gen]) -> Oracle {
    let mut o = Oracle {
        tweets: BTreeMap::new(),
        must_quarantine: BTreeSet::new(),
        may_quarantine: BTreeSet::new(),
    };
    for (i, g) in stream.iter().enumerate() {
        match g.id() {
            None => {
                o.must_quarantine.insert(i);
            }
            Some((id, true)) => {
                o.tweets.entry(id).or_insert(i);
            }
            Some((id, false)) if o.tweets.contains_key(&id) => {
                o.may_quarantine.insert(i);
            }
            Some((_, false)) => {
                o.must_quarantine.insert(i);
            }
        }
    }
    o
}

/// The table as `(id, text, source sequence number)`, and the quarantined event ids.
fn snapshot(table: &MemoryTable, q: &MemoryQuarantine) -> (BTreeMap<String, StoredTweet>, BTreeSet<String>) {
    let items = table.items.lock().unwrap().clone().into_iter().collect();
    let entries = q
        .entries
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.event_id.clone())
        .collect();
    (items, entries)
}

/// Delivers `records` as Lambda's event source mapping does, `batch_size` at a time,
/// resuming at the lowest reported failure, checking the per-batch properties. Returns
/// the number of invocations.
async fn deliver(
    records: &[InputRecord],
    batch_size: usize,
    concurrency: usize,
    ports: &BatchPorts<'_>,
    table: &MemoryTable,
    q: &MemoryQuarantine,
) -> Result<usize, TestCaseError> {
    let mut at = 0;
    let mut invocations = 0;
    while at < records.len() {
        invocations += 1;
        prop_assert!(invocations < 2_000, "no progress at record {at}");
        let batch = &records[at..(at + batch_size).min(records.len())];
        let options = BatchOptions {
            concurrency,
            ..BatchOptions::default()
        };
        let report = process_batch(ports, batch, &options).await;

        // exactly one outcome per record, in input order
        prop_assert_eq!(report.outcomes.len(), batch.len());
        for (r, (seq, _)) in batch.iter().zip(&report.outcomes) {
            prop_assert_eq!(&r.sequence_number, seq);
        }
        // every settled record is durable now
        let (items, quarantined) = snapshot(table, q);
        for (r, (_, outcome)) in batch.iter().zip(&report.outcomes) {
            match outcome {
                RecordOutcome::Retry(_) => {}
                RecordOutcome::Quarantined(_) => {
                    prop_assert!(
                        quarantined.contains(&r.event_id),
                        "{} acknowledged, not quarantined",
                        r.event_id
                    );
                    let entries = q.entries.lock().unwrap();
                    let entry = entries.iter().find(|e| e.event_id == r.event_id).unwrap();
                    prop_assert!(entry.data == r.data, "raw bytes differ");
                }
                _ => {
                    let id = tweetboard_core::decode::decode_tweet(&r.data)
                        .unwrap()
                        .id()
                        .as_str()
                        .to_owned();
                    prop_assert!(
                        items.contains_key(&id),
                        "{} acknowledged, {} not stored",
                        r.event_id,
                        id
                    );
                }
            }
        }
        at += match report.outcomes.iter().position(|(_, o)| !o.is_settled()) {
            Some(lowest) => lowest,
            None => batch.len(),
        };
    }
    Ok(invocations)
}

proptest! {
    // 64 cases in `make test` (about 15 s in a debug build); `make chaos` sets
    // PROPTEST_CASES for the long run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn at_least_once_delivery_under_faults_gives_exactly_the_oracle(
        stream in prop::collection::vec(gen_record(), 1..40).prop_shuffle(),
        batch_size in 1usize..50,
        concurrency in 1usize..8,
        seed in any::<u64>(),
        before in 0u64..300,
        after in 0u64..300,
        use_lookup in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            // GIVEN a generated stream and stores that fail at generated rates
            let records: Vec<InputRecord> = stream.iter().enumerate().map(|(i, g)| input(i, g.bytes())).collect();
            let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
            let faults = Faults::new(seed, before, after);
            let flaky = Flaky { table: &table, quarantine: &q, faults: &faults };
            let ports = BatchPorts {
                classifier: &KeywordFake,
                tweets: &flaky,
                quarantine: &flaky,
                lookup: use_lookup.then_some(&flaky as &dyn TweetLookup),
            };

            // WHEN it is delivered as Lambda delivers it, until every record is settled
            deliver(&records, batch_size, concurrency, &ports, &table, &q).await?;

            // THEN the tables are the oracle's: each tweet once, its first storable
            // version, and the quarantine exactly the poison records
            let expected = oracle(&stream);
            let (items, quarantined) = snapshot(&table, &q);
            let stored: BTreeMap<String, String> = items
                .iter()
                .map(|(id, t)| (id.clone(), t.source_sequence_number.clone()))
                .collect();
            let wanted: BTreeMap<String, String> = expected
                .tweets
                .iter()
                .map(|(id, &i)| (id.clone(), records[i].sequence_number.clone()))
                .collect();
            prop_assert_eq!(stored, wanted);
            for (id, t) in &items {
                prop_assert_eq!(&t.tweet.text, &decode(&records[expected.tweets[id]]).text);
            }
            for &i in &expected.must_quarantine {
                prop_assert!(quarantined.contains(&records[i].event_id), "poison record {i} not quarantined");
            }
            for e in &quarantined {
                let i = records.iter().position(|r| &r.event_id == e).unwrap();
                prop_assert!(
                    expected.must_quarantine.contains(&i) || expected.may_quarantine.contains(&i),
                    "record {i} ({:?}) quarantined but not poison", stream[i]
                );
            }

            // AND delivering the whole stream again, without faults, changes nothing
            let calm = Faults::new(seed, 0, 0);
            let again = Flaky { table: &table, quarantine: &q, faults: &calm };
            let ports = BatchPorts { classifier: &KeywordFake, tweets: &again, quarantine: &again, lookup: None };
            deliver(&records, records.len(), 32, &ports, &table, &q).await?;
            let (items_after, quarantined_after) = snapshot(&table, &q);
            prop_assert!(items_after == items, "a redelivery changed the tweets table");
            prop_assert_eq!(quarantined_after, quarantined);
            Ok(())
        })?;
    }
}

fn decode(r: &InputRecord) -> tweetboard_core::Tweet {
    tweetboard_core::decode::decode_tweet(&r.data).unwrap()
}
