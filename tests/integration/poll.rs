//! Polling the search API (issue 10): the real X API client against a local stand-in
//! of v2 recent search, the real Kinesis publisher and the real watermark table on the
//! emulator.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use tweetboard_aws::kinesis::KinesisReader;
use tweetboard_aws::watermark::DynamoWatermarks;
use tweetboard_aws::x_search::{BearerToken, XSearchClient};
use tweetboard_aws::KinesisPublisher;
use tweetboard_core::decode::decode_tweet;
use tweetboard_core::poll::{
    poll_once, Pending, PollError, PollOptions, SearchError, SinceId, StopReason, WatermarkStore,
};
use tweetboard_core::ServiceError;
use tweetboard_ingest::{IngestOutput, Poller};
use tweetboard_integration_tests::x_search::{Fault, SearchStub};
use tweetboard_integration_tests::*;

const TOKEN: &str = "AAAA-test-bearer-token";
const QUERY: &str = "#aws -is:retweet";

struct Polling {
    env: TestEnv,
    stub: SearchStub,
    client: XSearchClient,
    marks: DynamoWatermarks,
    publisher: KinesisPublisher,
}

impl Polling {
    async fn new(label: &str) -> Self {
        let env = TestEnv::new(label).await;
        let stub = SearchStub::start(TOKEN).await;
        let client =
            XSearchClient::new(&stub.base_url, BearerToken::new(TOKEN), Duration::from_secs(5)).unwrap();
        let marks = DynamoWatermarks::new(env.aws.dynamo.clone(), &env.names.watermark_table);
        let publisher = KinesisPublisher::new(env.aws.kinesis.clone(), &env.names.stream);
        Self {
            env,
            stub,
            client,
            marks,
            publisher,
        }
    }

    async fn poll(&self) -> Result<tweetboard_core::poll::PollSummary, PollError> {
        poll_once(&self.client, &self.marks, &self.publisher, &options()).await
    }

    async fn watermark(&self) -> Option<String> {
        self.marks.load(QUERY).await.unwrap().map(|w| w.to_string())
    }

    /// Every tweet on the stream, decoded as the consumer decodes it.
    async fn records(&self) -> Vec<tweetboard_core::Tweet> {
        let reader = KinesisReader::new(self.env.aws.kinesis.clone(), &self.env.names.stream);
        let mut tweets = Vec::new();
        for shard in reader.list_shards().await.unwrap() {
            for record in read_shard(&reader, &shard.shard_id).await {
                let tweet = decode_tweet(&record.data).expect("every pushed record decodes");
                assert_eq!(tweet.id().as_str(), record.partition_key);
                tweets.push(tweet);
            }
        }
        tweets
    }

    /// How many times each tweet id is on the stream.
    async fn pushed(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for tweet in self.records().await {
            *counts.entry(tweet.id().as_str().to_owned()).or_insert(0) += 1;
        }
        counts
    }
}

fn options() -> PollOptions {
    let mut o = PollOptions::new(QUERY, 10, tokio::time::Instant::now() + Duration::from_secs(60));
    o.retry_base = Duration::from_millis(20);
    o
}

/// `n` ids above 2^53, rising with `from`, that cross from 19 to 20 digits at
/// `from` = 143 (where byte order and numeric order disagree: "9999..." > "1000...").
fn ids(from: u64, n: u64) -> Vec<String> {
    (from..from + n)
        .map(|i| (9_999_999_999_999_999_000u64 + i * 7).to_string())
        .collect()
}

fn largest(ids: &[String]) -> String {
    ids.iter()
        .map(|i| SinceId::parse(i).unwrap())
        .max()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_scheduled_run_pushes_every_page_once_with_authors_and_sets_the_watermark() {
    // GIVEN 250 tweets (three pages), some without `source`, some without an author in
    // `includes`, ids of 19 and 20 digits
    let p = Polling::new("poll-pages").await;
    let first = ids(0, 250);
    for (i, id) in first.iter().enumerate() {
        p.stub.add(
            id,
            &format!("tweet {i} about #aws"),
            (i % 7 != 0).then_some(i as u32 % 5),
            i % 3 != 0,
        );
    }
    let ingest = p.env.ingest().with_poller(Poller {
        search: Arc::new(p.client.clone()),
        watermarks: Arc::new(p.marks.clone()),
        query: QUERY.into(),
        max_pages: 10,
    });
    let scheduled = json!({"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-27T04:00:00Z", "region": "us-east-1", "resources": [], "detail": {}});

    // WHEN the ingest Lambda's handler gets an EventBridge scheduled event
    let out = ingest
        .invoke(lambda_runtime::LambdaEvent::new(
            serde_json::value::RawValue::from_string(scheduled.to_string()).unwrap(),
            lambda_runtime::Context::default(),
        ))
        .await
        .unwrap();

    // THEN every tweet is on the stream exactly once, joined with its author
    let IngestOutput::Polled(summary) = out else {
        panic!("not a poll")
    };
    assert_eq!(
        (summary.pages, summary.tweets_seen, summary.pushed),
        (3, 250, 250)
    );
    let pushed = p.pushed().await;
    assert_eq!(pushed.len(), 250);
    assert!(pushed.values().all(|n| *n == 1));
    let by_id: HashMap<String, tweetboard_core::Tweet> = p
        .records()
        .await
        .into_iter()
        .map(|t| (t.id().as_str().to_owned(), t))
        .collect();
    for (i, id) in first.iter().enumerate() {
        let expected = if i % 7 != 0 {
            format!("user_{}", i % 5)
        } else {
            String::new()
        };
        assert_eq!(by_id[id].screen_name, expected, "tweet {i}'s author");
    }
    // AND the watermark is the numerically largest id
    assert_eq!(p.watermark().await, Some(largest(&first)));
    let requests = p.stub.requests();
    assert_eq!(requests[0]["query"], QUERY);
    assert_eq!(requests[0]["expansions"], "author_id");
    assert!(!requests[0].contains_key("since_id"));

    // WHEN five newer tweets arrive and the next run polls
    let newer = ids(1000, 5);
    for id in &newer {
        p.stub.add(id, "new #aws", Some(1), true);
    }
    let again = p.poll().await.unwrap();

    // THEN it asks only for tweets after the watermark and pushes just those
    assert_eq!(p.stub.requests().last().unwrap()["since_id"], largest(&first));
    assert_eq!(again.pushed, 5);
    assert_eq!(p.pushed().await.len(), 255);
    assert_eq!(p.watermark().await, Some(largest(&newer)));
}

#[tokio::test]
async fn a_rate_limited_run_keeps_the_watermark_and_the_next_run_loses_nothing() {
    // GIVEN a watermark, then 150 newer tweets, and the API rate-limiting the second page
    let p = Polling::new("poll-429").await;
    let old = ids(0, 3);
    for id in &old {
        p.stub.add(id, "old #aws", Some(1), true);
    }
    p.poll().await.unwrap();
    let newer = ids(100, 150);
    for id in &newer {
        p.stub.add(id, "new #aws", Some(2), false);
    }
    let reset = chrono::Utc::now().timestamp() + 900;
    p.stub.pass_next();
    p.stub.fail_next(Fault::RateLimited { reset });

    // WHEN a run polls
    let summary = p.poll().await.unwrap();

    // THEN it stops with the reset time, its first page pushed, the watermark kept
    assert_eq!(
        summary.stopped,
        StopReason::RateLimited {
            reset_at: chrono::DateTime::from_timestamp(reset, 0)
        }
    );
    assert_eq!(summary.pushed, 100);
    assert_eq!(p.watermark().await, Some(largest(&old)));

    // AND the next run continues below the page already pushed, and moves the watermark
    let next = p.poll().await.unwrap();
    assert_eq!(next.stopped, StopReason::Complete);
    let pushed = p.pushed().await;
    assert!(newer.iter().all(|id| pushed.contains_key(id)));
    assert_eq!(p.watermark().await, Some(largest(&newer)));
}

#[tokio::test]
async fn server_errors_are_retried_and_a_refused_token_fails_loudly_without_showing_it() {
    // GIVEN an API that fails twice with 500 and 503
    let p = Polling::new("poll-5xx").await;
    let tweets = ids(0, 20);
    for id in &tweets {
        p.stub.add(id, "t #aws", Some(1), true);
    }
    p.stub.fail_next(Fault::Status(500));
    p.stub.fail_next(Fault::Status(503));

    // WHEN a run polls, THEN it retries and completes
    let summary = p.poll().await.unwrap();
    assert_eq!((summary.stopped, summary.pushed), (StopReason::Complete, 20));
    assert_eq!(p.stub.requests().len(), 3);

    // WHEN a run polls with a wrong token
    p.stub.add(&ids(500, 1)[0], "newer #aws", Some(1), true);
    let wrong = XSearchClient::new(
        &p.stub.base_url,
        BearerToken::new("wrong-secret-token"),
        Duration::from_secs(5),
    )
    .unwrap();
    let err = poll_once(&wrong, &p.marks, &p.publisher, &options())
        .await
        .unwrap_err();

    // THEN it fails as unauthorized, without the token in the message, and moves nothing
    assert!(
        matches!(err, PollError::Search(SearchError::Unauthorized { status: 401 })),
        "{err:?}"
    );
    let message = format!("{err} {err:?}");
    assert!(
        !message.contains("wrong-secret-token") && !message.contains(TOKEN),
        "{message}"
    );
    assert_eq!(p.watermark().await, Some(largest(&tweets)));
    assert_eq!(p.pushed().await.len(), 20);
}

/// The real watermark table, except that advancing fails: a run that dies between the
/// push and the watermark write.
struct CrashBeforeWatermark(DynamoWatermarks);

#[async_trait]
impl WatermarkStore for CrashBeforeWatermark {
    async fn load(&self, query: &str) -> Result<Option<SinceId>, ServiceError> {
        self.0.load(query).await
    }
    async fn advance(&self, _: &str, _: &SinceId) -> Result<bool, ServiceError> {
        Err(ServiceError::transient("UpdateItem", "the invocation timed out"))
    }
    async fn load_pending(&self, query: &str) -> Result<Option<Pending>, ServiceError> {
        self.0.load_pending(query).await
    }
    async fn set_pending(
        &self,
        query: &str,
        since: &SinceId,
        pending: &Pending,
    ) -> Result<bool, ServiceError> {
        self.0.set_pending(query, since, pending).await
    }
}

#[tokio::test]
async fn a_malformed_page_or_a_crash_before_the_watermark_loses_no_tweet() {
    // GIVEN a watermark and 130 newer tweets, with the second page malformed
    let p = Polling::new("poll-crash").await;
    p.stub.add(&ids(0, 1)[0], "old #aws", Some(1), true);
    p.poll().await.unwrap();
    let old = p.watermark().await;
    let newer = ids(10, 130);
    for id in &newer {
        p.stub.add(id, "new #aws", Some(1), true);
    }
    p.stub.pass_next();
    for _ in 0..options().max_attempts {
        p.stub.fail_next(Fault::Malformed);
    }

    // WHEN a run polls, THEN it retries the malformed page, stops there (its tweets and
    // the next page's token are unknown), keeps the watermark and leaves a resume point
    // below the first page
    let summary = p.poll().await.unwrap();
    assert!(
        matches!(summary.stopped, StopReason::MalformedPage { .. }),
        "{:?}",
        summary.stopped
    );
    assert_eq!(p.watermark().await, old);
    assert_eq!(
        summary.pending.map(|p| p.newest.to_string()),
        Some(largest(&newer))
    );

    // WHEN the next run pushes the rest of the backlog and dies before the watermark
    let crashed = poll_once(
        &p.client,
        &CrashBeforeWatermark(p.marks.clone()),
        &p.publisher,
        &options(),
    )
    .await;
    assert!(matches!(crashed, Err(PollError::Watermark(_))));
    assert_eq!(p.watermark().await, old);

    // THEN the run after it pushes the rest again (duplicates, never a gap) and moves it
    let summary = p.poll().await.unwrap();
    assert_eq!(summary.pushed, 30);
    let pushed = p.pushed().await;
    assert!(
        newer.iter().all(|id| pushed[id] >= 1),
        "every tweet on the stream"
    );
    assert!(
        newer[..30].iter().all(|id| pushed[id] >= 2),
        "the oldest 30 pushed by both later runs"
    );
    assert_eq!(p.watermark().await, Some(largest(&newer)));
}

#[tokio::test]
async fn overlapping_runs_push_every_tweet_and_never_move_the_watermark_backwards() {
    // GIVEN a watermark and 300 newer tweets
    let p = Polling::new("poll-overlap").await;
    p.stub.add(&ids(0, 1)[0], "old #aws", Some(1), true);
    p.poll().await.unwrap();
    let newer = ids(10, 300);
    for id in &newer {
        p.stub.add(id, "new #aws", Some(1), true);
    }

    // WHEN two runs poll at once
    let (a, b) = tokio::join!(p.poll(), p.poll());

    // THEN every tweet is on the stream, and the watermark is the newest id, set once
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.pushed, b.pushed), (300, 300));
    assert!(a.watermark_advanced || b.watermark_advanced);
    let pushed = p.pushed().await;
    assert!(newer.iter().all(|id| pushed.contains_key(id)));
    assert_eq!(p.watermark().await, Some(largest(&newer)));

    // AND a late write of an older id (a slow third run) does not move it back
    let older = SinceId::parse(&newer[0]).unwrap();
    assert!(!p.marks.advance(QUERY, &older).await.unwrap());
    assert_eq!(p.watermark().await, Some(largest(&newer)));
}

#[tokio::test]
async fn a_backlog_larger_than_the_page_budget_drains_over_several_runs_and_loses_nothing() {
    // GIVEN a watermark, 250 newer tweets and a budget of one page of 100 a run
    let p = Polling::new("poll-backlog").await;
    let old = ids(0, 1);
    p.stub.add(&old[0], "old #aws", Some(1), true);
    p.poll().await.unwrap();
    let backlog = ids(10, 250);
    for id in &backlog {
        p.stub.add(id, "backlog #aws", Some(1), true);
    }
    let mut one_page = options();
    one_page.max_pages = 1;
    let run = || poll_once(&p.client, &p.marks, &p.publisher, &one_page);

    // WHEN a run reads the newest page, and 20 more tweets arrive before the next runs
    let first = run().await.unwrap();
    assert_eq!(
        (first.stopped.clone(), first.watermark_advanced),
        (StopReason::PageBudget, false)
    );
    assert_eq!(p.marks.load_pending(QUERY).await.unwrap(), first.pending);
    let later = ids(400, 20);
    for id in &later {
        p.stub.add(id, "later #aws", Some(1), true);
    }
    let second = run().await.unwrap();
    let asked = p.stub.requests().last().cloned().unwrap();
    assert_eq!(
        asked.get("until_id"),
        first.pending.as_ref().map(|p| p.until.to_string()).as_ref()
    );
    assert!(!second.watermark_advanced);
    // THEN the run that reaches the backlog's end moves the watermark past it
    let third = run().await.unwrap();
    assert!(third.watermark_advanced);
    assert_eq!(p.watermark().await, Some(largest(&backlog)));
    assert_eq!(p.marks.load_pending(QUERY).await.unwrap(), None);
    // AND the next run takes the tweets that arrived meanwhile
    let fourth = run().await.unwrap();
    assert_eq!((fourth.stopped, fourth.pushed), (StopReason::Complete, 20));
    assert_eq!(p.watermark().await, Some(largest(&later)));

    // AND every tweet is on the stream exactly once
    let pushed = p.pushed().await;
    assert!(
        backlog.iter().chain(&later).all(|id| pushed.get(id) == Some(&1)),
        "{pushed:?}"
    );
}

#[tokio::test]
async fn a_resume_point_written_from_an_older_state_does_not_land() {
    // GIVEN a watermark and a resume point far down its backlog
    let p = Polling::new("poll-pending-cond").await;
    let id = |s: &str| SinceId::parse(s).unwrap();
    assert!(p.marks.advance(QUERY, &id("9999999999999999000")).await.unwrap());
    let deep = Pending {
        until: id("10000000000000000500"),
        newest: id("10000000000000009000"),
    };
    assert!(p
        .marks
        .set_pending(QUERY, &id("9999999999999999000"), &deep)
        .await
        .unwrap());

    // WHEN a slow run writes a shallower one (ids of different lengths compared exactly)
    let shallow = Pending {
        until: id("10000000000000001000"),
        newest: id("10000000000000009500"),
    };
    assert!(!p
        .marks
        .set_pending(QUERY, &id("9999999999999999000"), &shallow)
        .await
        .unwrap());
    assert_eq!(p.marks.load_pending(QUERY).await.unwrap(), Some(deep.clone()));

    // AND when the watermark has moved, any resume point read against the old one
    assert!(p.marks.advance(QUERY, &id("10000000000000009000")).await.unwrap());
    assert_eq!(p.marks.load_pending(QUERY).await.unwrap(), None);
    let deeper = Pending {
        until: id("9999999999999999500"),
        newest: id("10000000000000009000"),
    };
    assert!(!p
        .marks
        .set_pending(QUERY, &id("9999999999999999000"), &deeper)
        .await
        .unwrap());

    // THEN neither lands
    assert_eq!(p.marks.load_pending(QUERY).await.unwrap(), None);
    assert_eq!(p.watermark().await.as_deref(), Some("10000000000000009000"));
}

#[tokio::test]
async fn a_slow_search_api_cannot_keep_the_run_past_its_budget() {
    // GIVEN an API that answers after 10 s, a client timeout of 5 s and a 1 s budget
    let p = Polling::new("poll-slow").await;
    p.stub.add(&ids(0, 1)[0], "t #aws", Some(1), true);
    p.stub.fail_next(Fault::Delay(Duration::from_secs(10)));
    let mut short = options();
    short.deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    let started = std::time::Instant::now();

    // WHEN a run polls
    let summary = poll_once(&p.client, &p.marks, &p.publisher, &short)
        .await
        .unwrap();

    // THEN it gives up on the request when the budget is spent, not at the client's timeout
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(summary.stopped, StopReason::Unavailable { .. }),
        "{:?}",
        summary.stopped
    );
    assert_eq!(p.watermark().await, None);
}
