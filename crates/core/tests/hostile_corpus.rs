//! The committed hostile corpus (`tests/fixtures/hostile/corpus.json`) through the batch
//! use case and ingest's request preparation: each input ends as its table says, alone
//! and all in one batch, and a redelivery changes nothing.

use chrono::Utc;
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts, RecordOutcome};
use tweetboard_core::hostile_corpus::{self, HostileRecord, RecordExpectation, RequestExpectation};
use tweetboard_core::ingest::prepare_json;
use tweetboard_core::testing::{KeywordFake, MemoryQuarantine, MemoryTable};
use tweetboard_core::{InputRecord, RecordSource};

fn input(i: usize, data: &[u8]) -> InputRecord {
    let sequence_number = format!("4959{i:020}");
    InputRecord {
        event_id: InputRecord::event_id_for("shardId-000000000000", &sequence_number),
        sequence_number,
        partition_key: "pk".into(),
        data: data.to_vec().into(),
        arrived_at: Utc::now(),
        source: RecordSource {
            stream_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets".into(),
            shard_id: "shardId-000000000000".into(),
        },
    }
}

/// Checks one record's outcome and what the fakes hold for it.
fn check(
    case: &HostileRecord,
    record: &InputRecord,
    outcome: &RecordOutcome,
    table: &MemoryTable,
    q: &MemoryQuarantine,
) {
    match (&case.expect, outcome) {
        (RecordExpectation::Written { id }, RecordOutcome::Written(_) | RecordOutcome::AlreadyStored) => {
            assert!(
                table.items.lock().unwrap().contains_key(id),
                "{}: {id} not stored",
                case.name
            );
        }
        (RecordExpectation::Quarantined { code }, RecordOutcome::Quarantined(reason)) => {
            assert_eq!(reason.code(), code, "{}: {reason}", case.name);
            let entries = q.entries.lock().unwrap();
            let entry = entries
                .iter()
                .find(|e| e.event_id == record.event_id)
                .unwrap_or_else(|| panic!("{}: no quarantine entry", case.name));
            assert_eq!(entry.data, case.data, "{}: raw bytes", case.name);
            assert!(
                entry.reason.starts_with(code.as_str()),
                "{}: {}",
                case.name,
                entry.reason
            );
        }
        (expected, got) => panic!("{}: expected {expected:?}, got {got:?}", case.name),
    }
}

#[tokio::test]
async fn each_hostile_record_alone_ends_as_the_corpus_says() {
    let (records, _) = hostile_corpus::load();
    assert!(records.len() >= 40, "the corpus shrank");
    let mut wrong = Vec::new();
    for (i, case) in records.iter().enumerate() {
        // GIVEN empty stores and the record alone in a batch
        let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
        let ports = BatchPorts {
            classifier: &KeywordFake,
            tweets: &table,
            quarantine: &q,
            lookup: None,
        };
        let batch = [input(i, &case.data)];
        // WHEN it runs
        let report = process_batch(&ports, &batch, &BatchOptions::default()).await;
        // THEN it ends as the corpus says, with nothing else stored (every case is
        // checked, and the failures listed together)
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(case, &batch[0], &report.outcomes[0].1, &table, &q);
            let stored = table.items.lock().unwrap().len() + q.entries.lock().unwrap().len();
            assert_eq!(stored, 1, "{}", case.name);
        }));
        if checked.is_err() {
            wrong.push(format!("{}: got {:?}", case.name, report.outcomes[0].1));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cases differ from the corpus:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_whole_corpus_in_one_batch_ends_the_same_and_a_redelivery_changes_nothing() {
    // GIVEN every hostile record in one batch
    let (records, _) = hostile_corpus::load();
    let batch: Vec<InputRecord> = records
        .iter()
        .enumerate()
        .map(|(i, c)| input(i, &c.data))
        .collect();
    let (table, q) = (MemoryTable::default(), MemoryQuarantine::default());
    let ports = BatchPorts {
        classifier: &KeywordFake,
        tweets: &table,
        quarantine: &q,
        lookup: None,
    };

    // WHEN it runs twice
    let first = process_batch(&ports, &batch, &BatchOptions::default()).await;
    let stored: Vec<_> = {
        let items = table.items.lock().unwrap();
        let mut v: Vec<_> = items
            .values()
            .map(|t| (t.tweet.id().as_str().to_owned(), t.content_hash.clone()))
            .collect();
        v.sort();
        v
    };
    let again = process_batch(&ports, &batch, &BatchOptions::default()).await;

    // THEN each record ends as the corpus says, none is reported for retry, and the
    // second run stores nothing new
    for ((case, record), (_, outcome)) in records.iter().zip(&batch).zip(&first.outcomes) {
        check(case, record, outcome, &table, &q);
    }
    assert_eq!(first.counts.retry, 0);
    assert_eq!(again.counts.retry, 0);
    assert_eq!(again.counts.written, 0, "{:?}", again.counts);
    let written = records
        .iter()
        .filter(|c| matches!(c.expect, RecordExpectation::Written { .. }))
        .count();
    assert_eq!(stored.len(), written);
    assert_eq!(q.entries.lock().unwrap().len(), records.len() - written);
}

#[test]
fn each_hostile_ingest_request_is_refused_or_split_as_the_corpus_says() {
    let (_, requests) = hostile_corpus::load();
    assert!(requests.len() >= 12, "the corpus shrank");
    for case in &requests {
        let result = prepare_json(&case.body);
        match (&case.expect, result) {
            (RequestExpectation::BadRequest, Err(_)) => {}
            (RequestExpectation::Split { accepted, rejected }, Ok(batch)) => {
                assert_eq!(
                    batch.records.len(),
                    *accepted,
                    "{}: {:?}",
                    case.name,
                    batch.rejected
                );
                let got: Vec<usize> = batch.rejected.iter().map(|r| r.index).collect();
                if let Some(rejected) = rejected {
                    assert_eq!(&got, rejected, "{}", case.name);
                } else {
                    assert!(!got.is_empty(), "{}", case.name);
                }
                assert!(
                    batch.rejected.iter().all(|r| r.reason.len() <= 1100),
                    "{}",
                    case.name
                );
            }
            (expected, got) => panic!(
                "{}: expected {expected:?}, got {:?}",
                case.name,
                got.map(|b| b.rejected)
            ),
        }
    }
}
