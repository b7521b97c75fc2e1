//! A board paging while writes land: a reader follows the board's `next` cursors
//! through the real router and DynamoDB adapter, while consumers write new tweets,
//! redeliver stored ones and deliver conflicting versions of them. What a reader must
//! be able to rely on, whatever lands while it pages:
//!
//! - every request is answered (200), every page is ordered newest first, and the walk
//!   as a whole only goes back in time, so no tweet is shown twice;
//! - no tweet that was stored before the walk started is skipped;
//! - a shown tweet is the stored one (a redelivery or a later version never replaces
//!   it, which would move it on the board: shown twice or skipped).
//!
//! Writes land between every two pages by construction (the reader waits for a batch
//! of its own before it asks for the next page: tweets just above and just below where
//! it stopped, redeliveries, conflicting versions dated elsewhere), and a second
//! consumer writes all the while, concurrently with the page reads. The emulator's
//! index is updated with the write; on AWS the index is eventually consistent, so a
//! tweet stored milliseconds before the first page may show up only on a later walk.
//! What this pins down is the board's own logic: the cursor, the merge of the four
//! shards' Queries, and that no write moves a stored tweet.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tower::ServiceExt;
use tweetboard_aws::board::{BoardReader, CursorKey};
use tweetboard_integration_tests::chaos::Rng;
use tweetboard_integration_tests::*;

const ON_TEXT: &str = "DynamoDB conditional writes for idempotent Lambda consumers #aws";
const OFF_TEXT: &str = "GIVEAWAY!! RT to win 1 ETH, follow back, DM me #aws #crypto #airdrop";
/// A conflicting version's text: if it were ever shown, a later version won.
const LATER_VERSION: &str =
    "DynamoDB conditional writes for idempotent Lambda consumers, a later version #aws";
/// Tweets per page: small, so the walk has many pages for writes to land between.
const PAGE: usize = 10;
/// On-topic tweets stored before the walk.
const STORED_ON: u64 = 80;

/// A tweet as the board listed it: its place in the board's order, and what it shows.
#[derive(Debug, Clone)]
struct Shown {
    /// `(created_at, zero-padded id)`: the index's sort key, newest greatest.
    sort: (String, String),
    id: String,
    text: String,
    prediction: String,
}

fn shown(item: &Value) -> Shown {
    let id = item["tweet_id"].as_str().unwrap().to_owned();
    Shown {
        sort: (
            item["created_at"].as_str().unwrap().to_owned(),
            format!("{id:0>20}"),
        ),
        text: item["text"].as_str().unwrap().to_owned(),
        prediction: item["prediction"].as_str().unwrap().to_owned(),
        id,
    }
}

/// A tweet id below every other of the test (`big_id` ids are above 1.859e18): sorts
/// before them within one second.
fn low_id(n: u64) -> String {
    (1_858_000_000_000_000_000u64 + n).to_string()
}

/// Tweet bytes created at the time of a board sort key's `created_at` plus `seconds`.
fn tweet_near(id: &str, text: &str, created_at: &str, seconds: i64) -> Vec<u8> {
    let at = DateTime::parse_from_rfc3339(created_at)
        .unwrap()
        .with_timezone(&Utc);
    bytes(&v1_tweet_at(id, text, at + Duration::seconds(seconds)))
}

/// Delivers `payloads` as one batch to `consumer` until it settles (without faults it
/// settles at once; the loop only keeps the test honest if it does not).
async fn deliver(
    env: &TestEnv,
    consumer: &tweetboard_consumer::Consumer,
    seq: &AtomicU64,
    payloads: &[Vec<u8>],
) {
    let first = seq.fetch_add(payloads.len() as u64, Ordering::SeqCst);
    let response = consumer
        .handle(invocation(env.batch(first, payloads)))
        .await
        .expect("the batch is handled");
    assert!(
        response.batch_item_failures.is_empty(),
        "a batch was not settled: {:?}",
        response.batch_item_failures
    );
}

async fn get_page(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// Follows `next` from the first page of ON; `between` runs after each page that has a
/// next one, before it is asked for. Every page's tweets, in order.
async fn walk<F, Fut>(app: &axum::Router, mut between: F) -> Vec<Vec<Shown>>
where
    F: FnMut(usize, Vec<Shown>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut pages = Vec::new();
    let mut uri = format!("/api/tweets?prediction=ON&limit={PAGE}");
    for n in 0..500 {
        let (status, body) = get_page(app, &uri).await;
        assert_eq!(status, StatusCode::OK, "page {n}: {body}");
        let page: Vec<Shown> = body["items"].as_array().unwrap().iter().map(shown).collect();
        assert!(page.len() <= PAGE, "page {n} has {} tweets", page.len());
        pages.push(page.clone());
        match body["next"].as_str() {
            Some(next) => {
                between(n, page).await;
                uri = format!("/api/tweets?prediction=ON&limit={PAGE}&cursor={next}");
            }
            None => return pages,
        }
    }
    panic!("more than 500 pages");
}

/// The checks every walk must pass: each page newest first, the walk only going back in
/// time (so no tweet twice), only ON tweets. The ids shown.
fn check_walk(pages: &[Vec<Shown>]) -> Vec<String> {
    for (n, page) in pages.iter().enumerate() {
        assert!(
            page.windows(2).all(|w| w[0].sort > w[1].sort),
            "page {n} is not newest first: {:?}",
            page.iter().map(|t| &t.sort).collect::<Vec<_>>()
        );
    }
    let all: Vec<&Shown> = pages.iter().flatten().collect();
    let ids: Vec<String> = all.iter().map(|t| t.id.clone()).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a tweet was shown twice in one walk");
    assert!(
        all.windows(2).all(|w| w[0].sort > w[1].sort),
        "a later page went forward in time"
    );
    assert!(all.iter().all(|t| t.prediction == "ON"));
    ids
}

#[tokio::test]
async fn a_reader_paging_while_consumers_write_sees_every_stored_tweet_once_newest_first() {
    // GIVEN a board of 80 on-topic tweets over the last 27 hours and some junk,
    // written by the consumer
    let env = TestEnv::new("board-paging").await;
    let now = Utc::now();
    let mut stored: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..STORED_ON {
        let at = now - Duration::minutes(20 * i as i64 + 1);
        stored.insert(big_id(i), bytes(&v1_tweet_at(&big_id(i), ON_TEXT, at)));
    }
    for i in 0..20 {
        let at = now - Duration::minutes(37 * i + 3);
        stored.insert(
            big_id(500 + i as u64),
            bytes(&v1_tweet_at(&big_id(500 + i as u64), OFF_TEXT, at)),
        );
    }
    let seed_batch: Vec<Vec<u8>> = stored.values().cloned().collect();
    let seq = AtomicU64::new(1);
    deliver(&env, &env.consumer(), &seq, &seed_batch).await;
    let on_before = on_topic_ids(&env).await;
    assert!(
        on_before.len() >= STORED_ON as usize - 5,
        "the model should find these tweets on topic: {} of {STORED_ON}",
        on_before.len()
    );
    let app = tweetboard_board::router(Arc::new(BoardReader::new(
        env.aws.dynamo.clone(),
        &env.names.table,
        &env.names.counts_table,
        CursorKey::from_secret("board-paging-test-cursor-key-0123456789"),
    )));

    // WHEN a reader follows the pages, and after each one a consumer delivers tweets
    // just above and just below where it stopped, new tweets dated now, a redelivery
    // of a shown and of a not yet shown tweet, and conflicting versions of both dated
    // where they would move them; while a second consumer keeps writing new backdated
    // tweets and redelivering the stored ones
    let between_consumer = env.consumer();
    let next_id = AtomicU64::new(1_000);
    let shown_so_far = std::sync::Mutex::new(BTreeSet::<String>::new());
    let landed_between = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let written_during: std::sync::Mutex<BTreeSet<String>> = Default::default();
    let fresh = || big_id(next_id.fetch_add(1, Ordering::SeqCst));

    let reader = async {
        let pages = walk(&app, |n, page| {
            let (env, consumer, seq, stored, on_before) =
                (&env, &between_consumer, &seq, &stored, &on_before);
            let (shown_so_far, landed_between, written_during, fresh) =
                (&shown_so_far, &landed_between, &written_during, &fresh);
            async move {
                let last = page.last().expect("a page with a next one is not empty").clone();
                let (last_at, _) = &last.sort;
                shown_so_far
                    .lock()
                    .unwrap()
                    .extend(page.iter().map(|t| t.id.clone()));
                let not_yet_shown: Vec<&String> = on_before
                    .iter()
                    .filter(|id| !shown_so_far.lock().unwrap().contains(*id))
                    .collect();
                let shown_stored = page.iter().map(|t| &t.id).find(|id| stored.contains_key(*id));
                let (above_same_second, above_now) = (fresh(), fresh());
                let below_same_second = low_id(n as u64);
                let below = fresh();
                let mut batch = vec![
                    tweet_near(&above_same_second, ON_TEXT, last_at, 0),
                    tweet_near(&below_same_second, ON_TEXT, last_at, 0),
                    tweet_near(&below, ON_TEXT, last_at, -1),
                    bytes(&v1_tweet_at(&above_now, ON_TEXT, Utc::now())),
                    bytes(&v1_tweet_at(&fresh(), OFF_TEXT, Utc::now())),
                ];
                // Later versions go in a batch of their own: beside a copy of the same
                // id in one batch they would be settled before any write.
                let mut later = Vec::new();
                if let Some(id) = shown_stored {
                    batch.push(stored[id].clone());
                    // a later version of a shown tweet, dated below the cursor: shown
                    // again if it won
                    later.push(tweet_near(id, LATER_VERSION, last_at, -30));
                }
                if let Some(next) = not_yet_shown.first() {
                    batch.push(stored[*next].clone());
                    // a later version of a tweet not shown yet, dated now: skipped if it won
                    later.push(bytes(&v1_tweet_at(next, LATER_VERSION, Utc::now())));
                }
                written_during.lock().unwrap().extend([
                    above_same_second,
                    above_now,
                    below_same_second,
                    below,
                ]);
                deliver(env, consumer, seq, &batch).await;
                if !later.is_empty() {
                    deliver(env, consumer, seq, &later).await;
                }
                landed_between.fetch_add(1, Ordering::SeqCst);
            }
        })
        .await;
        done.store(true, Ordering::SeqCst);
        pages
    };
    let background = async {
        let consumer = env.consumer();
        let mut rng = Rng::new(77);
        let mut batches = 0;
        while !done.load(Ordering::SeqCst) && batches < 400 {
            batches += 1;
            let batch: Vec<Vec<u8>> = if rng.below(2) == 0 {
                // redeliveries of stored tweets, as Lambda retries a batch
                (0..8)
                    .map(|_| seed_batch[rng.below(seed_batch.len() as u64) as usize].clone())
                    .collect()
            } else {
                // new tweets anywhere in the last two days
                (0..6)
                    .map(|_| {
                        let id = fresh();
                        written_during.lock().unwrap().insert(id.clone());
                        let ago = Duration::minutes(rng.below(48 * 60) as i64);
                        bytes(&v1_tweet_at(&id, ON_TEXT, now - ago))
                    })
                    .collect()
            };
            deliver(&env, &consumer, &seq, &batch).await;
        }
        batches
    };
    let (pages, background_batches) = tokio::join!(reader, background);

    // THEN every page was newest first and the walk never went forward: no tweet twice
    let seen = check_walk(&pages);
    let seen_set: BTreeSet<&String> = seen.iter().collect();
    // AND no tweet stored before the walk was skipped
    let skipped: Vec<&String> = on_before.iter().filter(|id| !seen_set.contains(id)).collect();
    assert!(skipped.is_empty(), "skipped while paging: {skipped:?}");
    // AND every tweet shown is one that was stored, as first stored
    let written_during = written_during.into_inner().unwrap();
    for t in pages.iter().flatten() {
        assert!(
            on_before.contains(&t.id) || written_during.contains(&t.id),
            "{} shown, but never written",
            t.id
        );
        assert_ne!(
            t.text, LATER_VERSION,
            "{}: a later version replaced the stored one",
            t.id
        );
    }
    // AND writes did land between every two pages, and beside them
    assert_eq!(landed_between.load(Ordering::SeqCst) as usize, pages.len() - 1);
    assert!(pages.len() > on_before.len() / PAGE, "{} pages", pages.len());
    println!(
        "BOARD_PAGING pages={} shown={} stored_before={} new_shown={} batches_between={} batches_beside={}",
        pages.len(),
        seen.len(),
        on_before.len(),
        seen.len() - on_before.len(),
        pages.len() - 1,
        background_batches
    );

    // AND once the writes stop, a new walk shows every on-topic tweet of the table once
    let on_after = on_topic_ids(&env).await;
    let again = check_walk(&walk(&app, |_, _| async {}).await);
    assert_eq!(again.into_iter().collect::<BTreeSet<_>>(), on_after);
}

/// The ids of the table's on-topic tweets, as the board should show them.
async fn on_topic_ids(env: &TestEnv) -> BTreeSet<String> {
    env.tweets()
        .await
        .iter()
        .filter(|i| s(i, "prediction") == "ON")
        .map(|i| s(i, "tweet_id").to_owned())
        .collect()
}
