//! Polling a search API: the use case behind a scheduled `ingest` run and `tweetboard
//! poll`. One run reads the query's watermark (`since_id`), follows the search's pages
//! newest first up to a page budget, pushes each page's tweets onto the stream exactly
//! as the direct ingest path does, and only then moves the watermark, forward only.
//!
//! The guarantee: a tweet newer than the watermark is never skipped. The watermark
//! moves only when the run saw every tweet between the old watermark and the newest
//! (it reached the last page) and every one of them is on the stream (or can never be:
//! it does not decode). A run that stops early (rate limit, API down, a malformed page,
//! the budget, a failed push) leaves the watermark where it was, and the next run asks
//! again: at worst tweets are pushed twice, which the consumer's conditional write
//! absorbs. The first run of a query, with no watermark yet, takes only the newest
//! pages within the budget: history is not backfilled.

mod id;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::time::Instant;

pub use id::{InvalidId, SinceId, MAX_ID_DIGITS};

use crate::events::{PollFinished, PollTweetSkipped, SearchPageMalformed, SearchRateLimited, SearchRetried};
use crate::ingest::prepare_search_page;
use crate::ports::{OutgoingRecord, RecordPublisher};
use crate::ServiceError;

/// One request to the search API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub since_id: Option<SinceId>,
    pub next_token: Option<String>,
    pub max_results: u32,
}

/// Why a search request failed, as far as the run is concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// HTTP 429: the run stops and the watermark stays; `reset_at` is when the API says
    /// the window reopens (`x-rate-limit-reset`).
    #[error("rate limited by the search API (HTTP 429); the window resets at {}", reset_at.map_or("an unknown time".into(), |t| t.to_rfc3339()))]
    RateLimited { reset_at: Option<DateTime<Utc>> },
    /// HTTP 401/403: a bad or revoked token, or an app without access. Retrying cannot
    /// help, so the run fails loudly. Never carries the token.
    #[error("the search API refused the bearer token (HTTP {status}): check the X_BEARER_TOKEN secret and the app's access")]
    Unauthorized { status: u16 },
    /// Another 4xx, e.g. an invalid query: the request itself is wrong.
    #[error("the search API rejected the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// 5xx, a timeout, a broken connection: retried with backoff within the run's time.
    #[error("the search API is unavailable: {0}")]
    Unavailable(String),
}

/// The search API, as a port: the body of a page, or why there is none.
#[async_trait]
pub trait SearchApi: Send + Sync {
    async fn search(&self, request: &SearchRequest) -> Result<Vec<u8>, SearchError>;
}

/// Where each query's watermark lives.
#[async_trait]
pub trait WatermarkStore: Send + Sync {
    /// The query's watermark, `None` before its first completed run.
    async fn load(&self, query: &str) -> Result<Option<SinceId>, ServiceError>;
    /// Moves the watermark to `to` if, and only if, `to` is newer than the stored one
    /// (atomically: a conditional write). `Ok(false)` when it was already there or newer.
    async fn advance(&self, query: &str, to: &SinceId) -> Result<bool, ServiceError>;
}

/// How one run behaves.
#[derive(Debug, Clone)]
pub struct PollOptions {
    pub query: String,
    /// Pages per run (`MAX_PAGES`).
    pub max_pages: u32,
    /// Tweets per page: the API allows 10–100.
    pub max_results: u32,
    /// No page is started, and no retry waited for, past this.
    pub deadline: Instant,
    /// First retry delay after a 5xx or timeout; doubled each time, at most `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Attempts per page, the first included.
    pub max_attempts: u32,
}

impl PollOptions {
    pub fn new(query: impl Into<String>, max_pages: u32, deadline: Instant) -> Self {
        Self {
            query: query.into(),
            max_pages,
            max_results: 100,
            deadline,
            retry_base: Duration::from_millis(500),
            retry_cap: Duration::from_secs(8),
            max_attempts: 5,
        }
    }
}

/// Why a run stopped paging.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum StopReason {
    /// The last page was read: every tweet newer than the watermark was seen.
    Complete,
    /// `MAX_PAGES` pages read and more remain.
    PageBudget,
    /// HTTP 429; the next run should come after `reset_at`.
    RateLimited { reset_at: Option<DateTime<Utc>> },
    /// 5xx or timeouts until the attempts or the time ran out.
    Unavailable { error: String },
    /// A page that is still not a search response after every attempt: its tweets
    /// are unknown, and so is the next page's token.
    MalformedPage { error: String },
    /// The run's time was up before the next page.
    Deadline,
}

/// What a run did: returned by the Lambda, printed by `tweetboard poll`, logged as
/// `poll_finished`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PollSummary {
    pub query: String,
    pub pages: u32,
    pub tweets_seen: usize,
    pub pushed: usize,
    /// Tweets that do not decode (skipped for good) and tweets the stream refused after
    /// retries (which keep the watermark where it was).
    pub rejected: usize,
    pub not_pushed: usize,
    pub stopped: StopReason,
    pub old_watermark: Option<SinceId>,
    /// The watermark after the run: the old one unless the run advanced it.
    pub new_watermark: Option<SinceId>,
    pub watermark_advanced: bool,
}

/// Why a run failed as a whole (the summary is then not returned).
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Search(SearchError),
    #[error("the watermark store failed: {0}")]
    Watermark(#[source] ServiceError),
    #[error("pushing tweets onto the stream failed: {0}")]
    Publish(#[source] ServiceError),
}

/// A search page, read only as far as the run needs: the tweets stay raw for
/// [`prepare_search_page`], which splits the page exactly as the direct ingest path does.
#[derive(Deserialize)]
struct PageView<'a> {
    #[serde(borrow)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Deserialize, Default)]
struct Meta {
    next_token: Option<String>,
}

#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
}

/// Runs one poll: see the module's documentation for what it guarantees.
pub async fn poll_once(
    search: &dyn SearchApi,
    watermarks: &dyn WatermarkStore,
    publisher: &dyn RecordPublisher,
    options: &PollOptions,
) -> Result<PollSummary, PollError> {
    let old = watermarks
        .load(&options.query)
        .await
        .map_err(PollError::Watermark)?;
    let mut summary = PollSummary {
        query: options.query.clone(),
        pages: 0,
        tweets_seen: 0,
        pushed: 0,
        rejected: 0,
        not_pushed: 0,
        stopped: StopReason::Complete,
        old_watermark: old.clone(),
        new_watermark: old.clone(),
        watermark_advanced: false,
    };
    // The newest id among tweets that are on the stream or can never be.
    let mut newest: Option<SinceId> = None;
    let mut next_token: Option<String> = None;
    summary.stopped = loop {
        if summary.pages >= options.max_pages {
            break StopReason::PageBudget;
        }
        if Instant::now() >= options.deadline {
            break StopReason::Deadline;
        }
        let request = SearchRequest {
            query: options.query.clone(),
            since_id: old.clone(),
            next_token: next_token.take(),
            max_results: options.max_results,
        };
        let body = match fetch(search, &request, options, summary.pages + 1).await {
            Ok(body) => body,
            Err(Failure::Search(SearchError::RateLimited { reset_at })) => {
                SearchRateLimited {
                    query: &options.query,
                    reset_at,
                }
                .emit();
                break StopReason::RateLimited { reset_at };
            }
            Err(Failure::Search(SearchError::Unavailable(error))) => break StopReason::Unavailable { error },
            Err(Failure::Search(e)) => return Err(PollError::Search(e)),
            Err(Failure::Malformed(error)) => {
                summary.pages += 1;
                break StopReason::MalformedPage { error };
            }
        };
        summary.pages += 1;
        let page: PageView = serde_json::from_slice(&body).expect("fetch checked the page");
        let tweets = page.data.as_deref().unwrap_or_default();
        if !tweets.is_empty() {
            let pushed = push_page(&body, tweets, publisher, &mut summary).await?;
            for id in pushed {
                if newest.as_ref().is_none_or(|n| id > *n) {
                    newest = Some(id);
                }
            }
        }
        match page.meta.next_token {
            Some(token) => next_token = Some(token),
            None => break StopReason::Complete,
        }
    };

    // The first run of a query does not backfill: reading the newest pages is enough.
    let covered = match summary.stopped {
        StopReason::Complete => true,
        StopReason::PageBudget => old.is_none(),
        _ => false,
    };
    if covered && summary.not_pushed == 0 {
        if let Some(to) = newest.filter(|n| old.as_ref().is_none_or(|o| n > o)) {
            let advanced = watermarks
                .advance(&options.query, &to)
                .await
                .map_err(PollError::Watermark)?;
            if advanced {
                summary.new_watermark = Some(to);
                summary.watermark_advanced = true;
            }
        }
    }
    PollFinished { summary: &summary }.emit();
    Ok(summary)
}

/// Why [`fetch`] has no page.
enum Failure {
    Search(SearchError),
    /// Still not a search response after every attempt.
    Malformed(String),
}

/// One page, checked to be a search response, retrying 5xx, timeouts and malformed
/// pages (a cut-off body is usually the network's doing) with capped exponential
/// backoff for as long as the attempts and the deadline allow.
async fn fetch(
    search: &dyn SearchApi,
    request: &SearchRequest,
    options: &PollOptions,
    page: u32,
) -> Result<Vec<u8>, Failure> {
    let mut attempt = 1;
    loop {
        let failure = match search.search(request).await {
            Ok(body) => match serde_json::from_slice::<PageView>(&body) {
                Ok(_) => return Ok(body),
                Err(e) => {
                    let error = crate::error::bounded_reason(e.to_string());
                    SearchPageMalformed { page, error: &error }.emit();
                    Failure::Malformed(error)
                }
            },
            Err(SearchError::Unavailable(error)) => Failure::Search(SearchError::Unavailable(error)),
            Err(other) => return Err(Failure::Search(other)),
        };
        let delay = options
            .retry_base
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(options.retry_cap);
        if attempt >= options.max_attempts || Instant::now() + delay >= options.deadline {
            return Err(failure);
        }
        let error = match &failure {
            Failure::Search(e) => e.to_string(),
            Failure::Malformed(e) => format!("malformed page: {e}"),
        };
        SearchRetried {
            page,
            attempt,
            error: &error,
        }
        .emit();
        tokio::time::sleep(delay).await;
        attempt += 1;
    }
}

/// Publishes a page's tweets (as the direct ingest path splits and validates them) and
/// returns the ids that are now settled: on the stream, or invalid for good.
async fn push_page(
    body: &[u8],
    tweets: &[&RawValue],
    publisher: &dyn RecordPublisher,
    summary: &mut PollSummary,
) -> Result<Vec<SinceId>, PollError> {
    let id_of = |i: usize| {
        tweets
            .get(i)
            .and_then(|t| serde_json::from_str::<IdOnly>(t.get()).ok())
            .and_then(|t| t.id)
            .and_then(|id| SinceId::parse(&id).ok())
    };
    summary.tweets_seen += tweets.len();
    // A page refused whole (over the per-request tweet limit) never happens with the
    // API's 100 per page; if it did, its tweets are reported as not pushed.
    let prepared = match prepare_search_page(body) {
        Ok(prepared) => prepared,
        Err(e) => {
            let error = e.to_string();
            SearchPageMalformed {
                page: summary.pages,
                error: &error,
            }
            .emit();
            summary.not_pushed += tweets.len();
            summary.rejected += tweets.len();
            return Ok(Vec::new());
        }
    };
    let mut settled = Vec::with_capacity(tweets.len());
    for r in &prepared.rejected {
        let id = id_of(r.index);
        PollTweetSkipped {
            tweet_id: id.as_ref().map_or("<none>", SinceId::as_str),
            reason: &r.reason,
        }
        .emit();
        settled.extend(id);
    }
    summary.rejected += prepared.rejected.len();
    let (indices, records): (Vec<usize>, Vec<OutgoingRecord>) = prepared.records.into_iter().unzip();
    let report = publisher.publish(&records).await.map_err(PollError::Publish)?;
    let failed: std::collections::HashSet<usize> = report.failed.iter().map(|(pos, _)| *pos).collect();
    for (pos, reason) in &report.failed {
        PollTweetSkipped {
            tweet_id: &records[*pos].partition_key,
            reason,
        }
        .emit();
    }
    summary.pushed += records.len() - failed.len();
    summary.not_pushed += failed.len();
    summary.rejected += failed.len();
    for (pos, index) in indices.into_iter().enumerate() {
        if !failed.contains(&pos) {
            settled.extend(id_of(index));
        }
    }
    Ok(settled)
}

#[cfg(test)]
mod tests;
