//! The poll use case against in-memory fakes: a scripted search API, a watermark map,
//! a publisher that can refuse records. Past 450 lines because the fakes (about a
//! third of it) are written here, beside the seventeen tests that script them.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde_json::json;

use super::*;
use crate::ports::PublishReport;

/// Serves `ids` newest first, `page_size` a page, honouring `since_id` and `next_token`
/// (an offset). Scripted failures are answered first, one per request.
struct FakeSearch {
    ids: Vec<SinceId>,
    page_size: usize,
    faults: Mutex<VecDeque<Result<Vec<u8>, SearchError>>>,
    requests: Mutex<Vec<SearchRequest>>,
}

impl FakeSearch {
    fn new(ids: &[&str], page_size: usize) -> Self {
        let mut ids: Vec<SinceId> = ids.iter().map(|i| SinceId::parse(i).unwrap()).collect();
        ids.sort_by(|a, b| b.cmp(a));
        Self {
            ids,
            page_size,
            faults: Mutex::default(),
            requests: Mutex::default(),
        }
    }

    fn then(self, answer: Result<Vec<u8>, SearchError>) -> Self {
        self.faults.lock().unwrap().push_back(answer);
        self
    }
}

#[async_trait]
impl SearchApi for FakeSearch {
    async fn search(&self, request: &SearchRequest) -> Result<Vec<u8>, SearchError> {
        self.requests.lock().unwrap().push(request.clone());
        if let Some(answer) = self.faults.lock().unwrap().pop_front() {
            return answer;
        }
        let newer: Vec<&SinceId> = self
            .ids
            .iter()
            .filter(|id| request.since_id.as_ref().is_none_or(|s| *id > s))
            .filter(|id| request.until_id.as_ref().is_none_or(|u| *id < u))
            .collect();
        let start: usize = request.next_token.as_deref().map_or(0, |t| t.parse().unwrap());
        let end = (start + self.page_size).min(newer.len());
        let data: Vec<_> = newer[start..end]
            .iter()
            .map(|id| json!({"id": id.as_str(), "text": format!("tweet {id} #aws"), "author_id": "7"}))
            .collect();
        let mut meta = json!({"result_count": data.len()});
        if end < newer.len() {
            meta["next_token"] = json!(end.to_string());
        }
        let mut page = json!({"meta": meta, "includes": {"users": [{"id": "7", "username": "seven"}]}});
        if !data.is_empty() {
            page["data"] = json!(data);
        }
        Ok(serde_json::to_vec(&page).unwrap())
    }
}

/// The watermark and its resume point per query, with the DynamoDB adapter's conditions.
#[derive(Default)]
struct FakeWatermarks(Mutex<HashMap<String, (SinceId, Option<Pending>)>>);

#[async_trait]
impl WatermarkStore for FakeWatermarks {
    async fn load(&self, query: &str) -> Result<Option<SinceId>, ServiceError> {
        Ok(self.0.lock().unwrap().get(query).map(|(s, _)| s.clone()))
    }
    async fn advance(&self, query: &str, to: &SinceId) -> Result<bool, ServiceError> {
        let mut map = self.0.lock().unwrap();
        match map.get(query) {
            Some((stored, _)) if stored >= to => Ok(false),
            _ => {
                map.insert(query.to_owned(), (to.clone(), None));
                Ok(true)
            }
        }
    }
    async fn load_pending(&self, query: &str) -> Result<Option<Pending>, ServiceError> {
        Ok(self.0.lock().unwrap().get(query).and_then(|(_, p)| p.clone()))
    }
    async fn set_pending(
        &self,
        query: &str,
        since: &SinceId,
        pending: &Pending,
    ) -> Result<bool, ServiceError> {
        let mut map = self.0.lock().unwrap();
        match map.get_mut(query) {
            Some((stored, p)) if stored == since && p.as_ref().is_none_or(|p| p.until > pending.until) => {
                *p = Some(pending.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Records what it is given; refuses the records whose key is in `refuse`.
#[derive(Default)]
struct FakeStream {
    records: Mutex<Vec<OutgoingRecord>>,
    refuse: Vec<String>,
}

#[async_trait]
impl RecordPublisher for FakeStream {
    async fn publish(&self, records: &[OutgoingRecord]) -> Result<PublishReport, ServiceError> {
        let mut failed = Vec::new();
        for (i, r) in records.iter().enumerate() {
            if self.refuse.contains(&r.partition_key) {
                failed.push((i, "ProvisionedThroughputExceededException".to_owned()));
            } else {
                self.records.lock().unwrap().push(r.clone());
            }
        }
        Ok(PublishReport { failed })
    }
}

impl FakeStream {
    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .records
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.partition_key.clone())
            .collect();
        keys.sort();
        keys
    }
}

fn options(max_pages: u32) -> PollOptions {
    let mut o = PollOptions::new("#aws", max_pages, Instant::now() + Duration::from_secs(30));
    o.retry_base = Duration::from_millis(1);
    // The fixed ids below are years old: the age check has its own test.
    o.max_since_age = None;
    o
}

fn id(s: &str) -> SinceId {
    SinceId::parse(s).unwrap()
}

const IDS: [&str; 5] = [
    "9999999999999999999",
    "10000000000000000000",
    "18446744073709551615",
    "9007199254740993",
    "1850000000000000001",
];

#[tokio::test]
async fn a_first_run_pushes_every_page_once_and_sets_the_watermark_to_the_largest_id() {
    // GIVEN five tweets of different id lengths, two a page
    let (search, marks, stream) = (
        FakeSearch::new(&IDS, 2),
        FakeWatermarks::default(),
        FakeStream::default(),
    );
    // WHEN a first run polls
    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();
    // THEN every tweet is on the stream once, with its author, and the watermark is the
    // numerically largest id (not the longest string's first in byte order)
    let mut expected: Vec<String> = IDS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(stream.keys(), expected);
    let first = stream.records.lock().unwrap()[0].clone();
    let decoded = crate::decode::decode_tweet(&first.data).unwrap();
    assert_eq!(decoded.screen_name, "seven");
    assert_eq!((summary.pages, summary.pushed), (3, 5));
    assert_eq!(summary.stopped, StopReason::Complete);
    assert_eq!(summary.new_watermark, Some(id("18446744073709551615")));
    assert!(summary.watermark_advanced);

    // AND a second run asks only for newer tweets, finds none, and keeps the watermark
    let again = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();
    assert_eq!(again.tweets_seen, 0);
    assert_eq!(again.new_watermark, Some(id("18446744073709551615")));
    let last = search.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.since_id, Some(id("18446744073709551615")));
}

#[tokio::test]
async fn a_rate_limited_run_stops_and_keeps_the_watermark() {
    let reset_at = DateTime::from_timestamp(2_000_000_000, 0);
    let search = FakeSearch::new(&IDS, 2)
        .then(FakeSearch::new(&IDS, 2).search(&request(None)).await)
        .then(Err(SearchError::RateLimited { reset_at }));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    marks.advance("#aws", &id("1")).await.unwrap();

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert_eq!(summary.stopped, StopReason::RateLimited { reset_at });
    assert_eq!(summary.pushed, 2);
    assert!(!summary.watermark_advanced);
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1")));
}

fn request(next_token: Option<&str>) -> SearchRequest {
    SearchRequest {
        query: "#aws".into(),
        since_id: None,
        until_id: None,
        next_token: next_token.map(Into::into),
        max_results: 100,
    }
}

#[tokio::test]
async fn server_errors_are_retried_and_the_run_completes() {
    let search = FakeSearch::new(&IDS, 10)
        .then(Err(SearchError::Unavailable("HTTP 503".into())))
        .then(Err(SearchError::Unavailable("timed out".into())));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert_eq!(summary.stopped, StopReason::Complete);
    assert_eq!(summary.pushed, 5);
    assert_eq!(search.requests.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_refused_token_fails_the_run_and_moves_nothing() {
    let search = FakeSearch::new(&IDS, 10).then(Err(SearchError::Unauthorized { status: 401 }));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());

    let err = poll_once(&search, &marks, &stream, &options(10))
        .await
        .unwrap_err();

    assert!(matches!(
        err,
        PollError::Search(SearchError::Unauthorized { status: 401 })
    ));
    assert_eq!(marks.load("#aws").await.unwrap(), None);
    assert!(stream.keys().is_empty());
}

#[tokio::test]
async fn a_malformed_page_stops_the_run_without_moving_the_watermark() {
    let search = FakeSearch::new(&IDS, 2)
        .then(FakeSearch::new(&IDS, 2).search(&request(None)).await)
        .then(Ok(b"<html>upstream error</html>".to_vec()));
    // Still malformed on every retry.
    let search = (1..options(10).max_attempts).fold(search, |s, _| s.then(Ok(b"{\"data\": 5}".to_vec())));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    marks.advance("#aws", &id("1")).await.unwrap();

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert!(
        matches!(summary.stopped, StopReason::MalformedPage { .. }),
        "{:?}",
        summary.stopped
    );
    assert_eq!(summary.pushed, 2);
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1")));
}

#[tokio::test]
async fn a_tweet_the_stream_refuses_keeps_the_watermark_where_it_was() {
    let search = FakeSearch::new(&IDS, 10);
    let marks = FakeWatermarks::default();
    let stream = FakeStream {
        refuse: vec!["9007199254740993".into()],
        ..Default::default()
    };
    marks.advance("#aws", &id("1")).await.unwrap();

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert_eq!((summary.pushed, summary.not_pushed), (4, 1));
    assert!(!summary.watermark_advanced);
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1")));
}

#[tokio::test]
async fn a_first_run_whose_tweet_the_stream_refuses_starts_the_watermark_below_it() {
    // GIVEN no watermark yet, and a stream that refuses one tweet of the second page
    let search = FakeSearch::new(&IDS, 2);
    let marks = FakeWatermarks::default();
    let refusing = FakeStream {
        refuse: vec!["1850000000000000001".into()],
        ..Default::default()
    };

    // WHEN the first run reads every page
    poll_once(&search, &marks, &refusing, &options(3)).await.unwrap();

    // THEN the watermark starts just below that page, not past the refused tweet
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1850000000000000000")));
    // AND later runs, one page each, read it again and push it
    let stream = FakeStream::default();
    for _ in 0..4 {
        poll_once(&search, &marks, &stream, &options(1)).await.unwrap();
    }
    assert!(stream.keys().contains(&"1850000000000000001".to_owned()));
}

#[tokio::test]
async fn a_tweet_that_does_not_decode_is_skipped_and_the_run_goes_on() {
    let page = json!({
        "data": [{"id": "1850000000000000002", "author_id": "7"}, {"id": "1850000000000000001", "text": "ok"}],
        "meta": {"result_count": 2}
    });
    let search = FakeSearch::new(&[], 10).then(Ok(serde_json::to_vec(&page).unwrap()));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert_eq!((summary.pushed, summary.rejected, summary.not_pushed), (1, 1, 0));
    assert_eq!(summary.new_watermark, Some(id("1850000000000000002")));
}

#[tokio::test]
async fn the_watermark_never_moves_backwards() {
    let search = FakeSearch::new(&IDS, 10);
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    // Another run already moved it further than anything this run will see.
    marks.advance("#aws", &id("1850000000000000001")).await.unwrap();
    let stale = FakeWatermarks::default();

    let summary = poll_once(&search, &stale, &stream, &options(10)).await.unwrap();
    assert!(summary.watermark_advanced);
    assert!(!marks.advance("#aws", &id("9007199254740993")).await.unwrap());
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1850000000000000001")));
}

#[tokio::test]
async fn a_first_run_out_of_page_budget_sets_the_watermark() {
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    let first = poll_once(&FakeSearch::new(&IDS, 2), &marks, &stream, &options(1))
        .await
        .unwrap();
    assert_eq!(first.stopped, StopReason::PageBudget);
    assert_eq!(first.new_watermark, Some(id("18446744073709551615")));
    assert_eq!(first.pending, None);
}

#[tokio::test]
async fn a_backlog_larger_than_the_page_budget_drains_over_several_runs() {
    // GIVEN a watermark and a backlog of three pages newer than it, one page a run
    let ids = [
        "1850000000000000001",
        "1850000000000000002",
        "1850000000000000003",
        "1850000000000000004",
        "1850000000000000005",
        "1850000000000000006",
    ];
    let search = FakeSearch::new(&ids, 2);
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    marks.advance("#aws", &id("1")).await.unwrap();

    // WHEN the first run reads the newest page and runs out of budget
    let first = poll_once(&search, &marks, &stream, &options(1)).await.unwrap();
    // THEN the watermark stays, with a resume point below the page it pushed
    assert_eq!(first.stopped, StopReason::PageBudget);
    assert!(!first.watermark_advanced);
    let resume = Pending {
        until: id("1850000000000000005"),
        newest: id("1850000000000000006"),
    };
    assert_eq!(first.pending, Some(resume.clone()));
    assert_eq!(marks.load_pending("#aws").await.unwrap(), Some(resume));

    // AND the next run continues the backlog below it, not the newest again
    let second = poll_once(&search, &marks, &stream, &options(1)).await.unwrap();
    let asked = search.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (asked.since_id, asked.until_id),
        (Some(id("1")), Some(id("1850000000000000005")))
    );
    assert_eq!(second.pending.map(|p| p.until), Some(id("1850000000000000003")));
    assert!(!second.watermark_advanced);

    // AND the run that reaches the backlog's last page moves the watermark to the newest
    let third = poll_once(&search, &marks, &stream, &options(1)).await.unwrap();
    assert!(third.watermark_advanced);
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("1850000000000000006")));
    assert_eq!(marks.load_pending("#aws").await.unwrap(), None);

    // AND every tweet is on the stream exactly once
    let mut expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(stream.keys(), expected);
    let fourth = poll_once(&search, &marks, &stream, &options(1)).await.unwrap();
    assert_eq!((fourth.tweets_seen, fourth.stopped), (0, StopReason::Complete));
}

#[tokio::test]
async fn a_run_that_read_an_older_state_cannot_undo_a_backlogs_progress() {
    // GIVEN a resume point further down than the one a slow run is about to write
    let marks = FakeWatermarks::default();
    marks.advance("#aws", &id("1")).await.unwrap();
    let deep = Pending {
        until: id("20"),
        newest: id("90"),
    };
    assert!(marks.set_pending("#aws", &id("1"), &deep).await.unwrap());
    // WHEN the slow run writes its shallower one, or one against an older watermark
    let shallow = Pending {
        until: id("50"),
        newest: id("95"),
    };
    assert!(!marks.set_pending("#aws", &id("1"), &shallow).await.unwrap());
    marks.advance("#aws", &id("90")).await.unwrap();
    assert!(!marks.set_pending("#aws", &id("1"), &deep).await.unwrap());
    // THEN neither lands
    assert_eq!(marks.load("#aws").await.unwrap(), Some(id("90")));
    assert_eq!(marks.load_pending("#aws").await.unwrap(), None);
}

/// The snowflake id of a tweet created `age` ago.
fn id_aged(age: chrono::TimeDelta) -> SinceId {
    let ms = (Utc::now() - age).timestamp_millis() - 1_288_834_974_657;
    SinceId::parse(&((ms as u64) << 22).to_string()).unwrap()
}

/// Six tweet ids, oldest first: from six days ago (inside the search window, near its
/// edge) to 44 hours ago, 20 hours apart.
fn tweets_of_the_last_six_days() -> Vec<String> {
    (0..6)
        .map(|i| {
            id_aged(chrono::TimeDelta::hours(6 * 24 - 20 * i))
                .as_str()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_watermark_older_than_the_search_window_moves_to_the_windows_edge_not_past_it() {
    // GIVEN a watermark from eight days ago, which the API would refuse with a 400, and
    // tweets from six days ago (still in the window) up to now, more than a run's budget
    let old = id_aged(chrono::TimeDelta::days(8));
    assert!(snowflake_time(&old).unwrap() < Utc::now() - chrono::TimeDelta::days(7));
    let recent = tweets_of_the_last_six_days();
    let ids: Vec<&str> = recent.iter().map(String::as_str).collect();
    let search = FakeSearch::new(&ids, 2);
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    marks.advance("#aws", &old).await.unwrap();
    let mut opts = options(1);
    opts.max_since_age = Some(MAX_SINCE_AGE);

    // WHEN runs poll until nothing is left
    let first = poll_once(&search, &marks, &stream, &opts).await.unwrap();
    for _ in 0..5 {
        poll_once(&search, &marks, &stream, &opts).await.unwrap();
    }

    // THEN the first asks from the window's edge (inside the window, after the old mark)
    let edge = search.requests.lock().unwrap()[0]
        .since_id
        .clone()
        .expect("a since_id");
    let edge_time = snowflake_time(&edge).unwrap();
    assert!(edge > old);
    assert!(edge_time > Utc::now() - chrono::TimeDelta::days(7));
    assert!(edge_time < Utc::now() - chrono::TimeDelta::days(6));
    assert!(first.watermark_advanced, "the old mark moved to the edge");
    // AND every tweet still in the window reaches the stream, the oldest included
    for id in &recent {
        assert!(stream.keys().contains(id), "{id} was skipped");
    }

    // AND a watermark from yesterday is kept
    let yesterday = id_aged(chrono::TimeDelta::days(1));
    let fresh = FakeWatermarks::default();
    fresh.advance("#aws", &yesterday).await.unwrap();
    poll_once(&search, &fresh, &stream, &opts).await.unwrap();
    assert_eq!(
        search.requests.lock().unwrap().last().unwrap().since_id,
        Some(yesterday)
    );
}

#[tokio::test]
async fn a_backlog_drained_from_the_windows_edge_survives_the_edge_ageing_between_runs() {
    // GIVEN the state a run leaves when it moved an old watermark to the window's edge and
    // could not read the whole window: the watermark at the edge, which by the next run
    // (minutes later) is itself older than the window allows, and a resume point above it
    let edge = id_aged(chrono::TimeDelta::from_std(MAX_SINCE_AGE).unwrap() + chrono::TimeDelta::minutes(5));
    let recent = tweets_of_the_last_six_days();
    let ids: Vec<&str> = recent.iter().map(String::as_str).collect();
    let search = FakeSearch::new(&ids, 2);
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    marks.advance("#aws", &edge).await.unwrap();
    // the newest two were pushed by that run; the four below them are the backlog
    let resume = Pending {
        until: SinceId::parse(&recent[4]).unwrap(),
        newest: SinceId::parse(&recent[5]).unwrap(),
    };
    assert!(marks.set_pending("#aws", &edge, &resume).await.unwrap());
    let mut opts = options(1);
    opts.max_since_age = Some(MAX_SINCE_AGE);

    // WHEN the next run finds the watermark too old again
    poll_once(&search, &marks, &stream, &opts).await.unwrap();

    // THEN it moves to the new edge and goes on with the backlog, below the resume point
    let first = search.requests.lock().unwrap()[0].clone();
    assert!(first.since_id.as_ref().is_some_and(|s| *s > edge));
    assert_eq!(first.until_id, Some(resume.until.clone()));
    // AND later runs drain it: every tweet of the window reaches the stream
    for _ in 0..4 {
        poll_once(&search, &marks, &stream, &opts).await.unwrap();
    }
    for id in &recent[..4] {
        assert!(stream.keys().contains(id), "{id} of the backlog was skipped");
    }
    assert_eq!(marks.load("#aws").await.unwrap().as_ref(), Some(&resume.newest));
    assert_eq!(marks.load_pending("#aws").await.unwrap(), None);
}

/// Answers after a minute.
struct SlowSearch;

#[async_trait]
impl SearchApi for SlowSearch {
    async fn search(&self, _: &SearchRequest) -> Result<Vec<u8>, SearchError> {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(b"{}".to_vec())
    }
}

#[tokio::test]
async fn a_slow_search_api_cannot_keep_the_run_past_its_deadline() {
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());
    let mut opts = options(10);
    opts.deadline = Instant::now() + Duration::from_millis(300);
    let started = std::time::Instant::now();

    let summary = poll_once(&SlowSearch, &marks, &stream, &opts).await.unwrap();

    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(summary.stopped, StopReason::Unavailable { .. }),
        "{:?}",
        summary.stopped
    );
}

#[tokio::test]
async fn a_page_whose_tweets_all_name_one_large_author_is_pushed_whole() {
    // GIVEN a page of 100 short tweets by one author with a 5 KB profile: the direct
    // path's size budget (twice the request) would refuse most of them
    let data: Vec<_> = (0..100u64)
        .map(|i| json!({"id": (1_850_000_000_000_000_000 + i).to_string(), "text": "t", "author_id": "7"}))
        .collect();
    let page = json!({
        "data": data,
        "includes": {"users": [{"id": "7", "username": "seven", "description": "x".repeat(5000)}]},
        "meta": {"result_count": 100}
    });
    let search = FakeSearch::new(&[], 10).then(Ok(serde_json::to_vec(&page).unwrap()));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());

    // WHEN a run polls it
    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    // THEN every tweet is pushed, none skipped as if it could never be
    assert_eq!((summary.pushed, summary.rejected), (100, 0));
    assert!(summary.watermark_advanced);
}

#[tokio::test]
async fn a_malformed_page_that_comes_right_on_a_retry_does_not_stop_the_run() {
    let search = FakeSearch::new(&IDS, 2)
        .then(FakeSearch::new(&IDS, 2).search(&request(None)).await)
        .then(Ok(br#"{"data": [{"id": "1"#.to_vec()));
    let (marks, stream) = (FakeWatermarks::default(), FakeStream::default());

    let summary = poll_once(&search, &marks, &stream, &options(10)).await.unwrap();

    assert_eq!((summary.stopped, summary.pushed), (StopReason::Complete, 5));
    assert!(summary.watermark_advanced);
}
