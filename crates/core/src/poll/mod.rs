//! Polling a search API: the use case behind a scheduled `ingest` run and `tweetboard
//! poll`. One run reads the query's watermark (`since_id`), follows the search's pages
//! newest first up to a page budget, pushes each page's tweets onto the stream exactly
//! as the direct ingest path does, and only then moves the watermark, forward only.
//!
//! The guarantee: a tweet newer than the watermark is never skipped. The watermark
//! moves only when every tweet between the old watermark and the new one was seen and
//! is on the stream (or can never be: it does not decode).
//!
//! A run that stops early (rate limit, API down, a malformed page, the budget, the
//! deadline, a failed push) after pushing the newest pages leaves the watermark where
//! it was and stores a resume point beside it, [`Pending`]: every tweet from
//! `pending.until` up to `pending.newest` is on the stream. The next run first
//! continues that backlog (`since_id` = the watermark, `until_id` = `pending.until`);
//! when it reaches the backlog's last page the watermark jumps to `pending.newest` and
//! the resume point is cleared, and the run goes on with the newest tweets. So a
//! backlog larger than the page budget drains over several runs instead of stalling.
//! Overlapping or crashed runs at worst push tweets twice, which the consumer's
//! conditional write absorbs. The first run of a query, with no watermark yet, takes
//! only the newest pages within the budget: history is not backfilled; nor is it when
//! the watermark has left the search API's 7-day window (`WatermarkTooOld`).

mod id;
mod leg;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::time::Instant;

pub use id::{InvalidId, SinceId, MAX_ID_DIGITS};
use leg::read_leg;

use crate::events::{
    PollBacklogPending, PollFinished, PollTweetSkipped, SearchPageMalformed, SearchRateLimited,
    SearchRetried, WatermarkTooOld,
};
use crate::ingest::prepare_search_page;
use crate::ports::{OutgoingRecord, RecordPublisher};
use crate::ServiceError;

/// One request to the search API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub since_id: Option<SinceId>,
    /// Only tweets older than this (`until_id`): set while a backlog is drained.
    pub until_id: Option<SinceId>,
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
    /// Also clears the resume point ([`Pending`]): the new watermark covers it or, if it
    /// was another run's, the next run simply asks again (duplicates at worst).
    async fn advance(&self, query: &str, to: &SinceId) -> Result<bool, ServiceError>;
    /// The resume point left by a run that stopped before the watermark.
    ///
    /// The default is a store that keeps none: a backlog larger than the page budget
    /// then never drains (every run restarts from the newest). Real stores override it.
    async fn load_pending(&self, _query: &str) -> Result<Option<Pending>, ServiceError> {
        Ok(None)
    }
    /// Stores `pending` if, and only if, the watermark is still `since` and the stored
    /// resume point, if any, is not further down (`until` greater than `pending.until`):
    /// a run that read an older state can neither resurrect a backlog already drained
    /// nor undo another run's progress. `Ok(false)` when the condition failed.
    async fn set_pending(
        &self,
        _query: &str,
        _since: &SinceId,
        _pending: &Pending,
    ) -> Result<bool, ServiceError> {
        Ok(false)
    }
}

/// A resume point: every tweet with an id from `until` up to `newest` (both included),
/// newer than the watermark, is on the stream; those between the watermark and `until`
/// are still to be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    pub until: SinceId,
    pub newest: SinceId,
}

/// X ids are snowflakes: the top bits are milliseconds since this epoch.
const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// When the tweet with this id was created, if the id is a snowflake.
pub fn snowflake_time(id: &SinceId) -> Option<DateTime<Utc>> {
    let n: u64 = id.as_str().parse().ok()?;
    let ms = i64::try_from(n >> 22).ok()?.checked_add(SNOWFLAKE_EPOCH_MS)?;
    DateTime::from_timestamp_millis(ms)
}

/// Recent search refuses a `since_id` older than 7 days; an hour's margin.
pub const MAX_SINCE_AGE: Duration = Duration::from_secs(7 * 24 * 3600 - 3600);

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
    /// A watermark older than this is dropped (see [`MAX_SINCE_AGE`]); `None` keeps any.
    pub max_since_age: Option<Duration>,
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
            max_since_age: Some(MAX_SINCE_AGE),
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
    /// The resume point this run stored, if it stopped before the watermark.
    pub pending: Option<Pending>,
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

/// Runs one poll: see the module's documentation for what it guarantees.
pub async fn poll_once(
    search: &dyn SearchApi,
    watermarks: &dyn WatermarkStore,
    publisher: &dyn RecordPublisher,
    options: &PollOptions,
) -> Result<PollSummary, PollError> {
    let query = options.query.as_str();
    let old = watermarks.load(query).await.map_err(PollError::Watermark)?;
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
        pending: None,
    };
    let mut since = old.clone();
    // The API answers 400 to a since_id outside its window. Move the watermark to the
    // window's edge, not past it: every tweet the API still has is newer than the edge
    // and is read from there (over several runs through the resume point if need be);
    // only what aged out of the window is lost. (Dropping the watermark and reading
    // the newest pages would skip the rest of the window.)
    if let Some(s) = since.clone() {
        if let Some(at) = snowflake_time(&s).filter(|at| too_old(*at, options)) {
            WatermarkTooOld {
                query,
                since_id: s.as_str(),
                since_time: at,
            }
            .emit();
            since = match window_edge(options) {
                Some(edge) => {
                    // Moving the watermark clears the resume point, but a backlog
                    // being drained from the edge must survive it: the edge a run set
                    // is itself too old by the next run (it sits at the window's limit),
                    // and without the resume point that run would read only the newest
                    // pages again and the backlog below them would never be read. A
                    // resume point above the new edge is put back; one at or below it
                    // only covered tweets that have aged out. (Not atomic: a crash
                    // between the two writes loses the resume point, as before.)
                    let kept = watermarks
                        .load_pending(query)
                        .await
                        .map_err(PollError::Watermark)?
                        .filter(|p| p.until > edge);
                    // Forward only. If another run moved further meanwhile, reading
                    // from the edge only repeats tweets.
                    if advance(watermarks, options, &mut summary, &edge).await? {
                        if let Some(p) = kept {
                            store_pending(watermarks, options, &mut summary, &edge, p).await?;
                        }
                    }
                    Some(edge)
                }
                None => None,
            };
        }
    }
    let pending = match &since {
        Some(_) => watermarks
            .load_pending(query)
            .await
            .map_err(PollError::Watermark)?,
        None => None,
    };

    // First the backlog a previous run left, if any.
    if let (Some(s), Some(p)) = (since.clone(), pending) {
        let leg = read_leg(search, publisher, options, &mut summary, Some(&s), Some(&p.until)).await?;
        if leg.stopped == StopReason::Complete && leg.all_settled {
            // Every tweet from the watermark up to `p.newest` is on the stream.
            if advance(watermarks, options, &mut summary, &p.newest).await? {
                since = Some(p.newest);
            } else {
                // Another run moved it further: it is the next run's to go on from there.
                summary.stopped = StopReason::Complete;
                PollFinished { summary: &summary }.emit();
                return Ok(summary);
            }
        } else {
            summary.stopped = leg.stopped;
            if let Some((until, _)) = leg.prefix {
                let next = Pending {
                    until,
                    newest: p.newest,
                };
                store_pending(watermarks, options, &mut summary, &s, next).await?;
            }
            PollFinished { summary: &summary }.emit();
            return Ok(summary);
        }
    }

    // Then the newest tweets.
    let leg = read_leg(search, publisher, options, &mut summary, since.as_ref(), None).await?;
    summary.stopped = leg.stopped.clone();
    // The first run of a query does not backfill: reading the newest pages is enough.
    let covered = match leg.stopped {
        StopReason::Complete => true,
        StopReason::PageBudget => since.is_none(),
        _ => false,
    };
    if covered && leg.all_settled {
        if let Some(to) = leg.newest.filter(|n| since.as_ref().is_none_or(|o| n > o)) {
            advance(watermarks, options, &mut summary, &to).await?;
        }
    } else if let (Some(s), Some((until, newest))) = (&since, leg.prefix) {
        store_pending(watermarks, options, &mut summary, s, Pending { until, newest }).await?;
    } else if since.is_none() {
        // A run with no watermark that could not push every tweet: start the watermark
        // just below the oldest page that has a tweet not pushed, so the next runs read
        // that tweet again (through the resume point if need be) instead of reading only
        // the newest pages and passing it by.
        if let Some(below) = leg.oldest_unsettled.as_ref().and_then(SinceId::predecessor) {
            advance(watermarks, options, &mut summary, &below).await?;
        }
    }
    PollFinished { summary: &summary }.emit();
    Ok(summary)
}

/// The oldest id the API still accepts as `since_id`: the snowflake of `max_since_age` ago.
fn window_edge(options: &PollOptions) -> Option<SinceId> {
    let max_age = chrono::TimeDelta::from_std(options.max_since_age?).ok()?;
    let ms = (Utc::now() - max_age)
        .timestamp_millis()
        .checked_sub(SNOWFLAKE_EPOCH_MS)?;
    let id = u64::try_from(ms).ok()?.checked_shl(22)?;
    SinceId::parse(&id.to_string()).ok()
}

fn too_old(at: DateTime<Utc>, options: &PollOptions) -> bool {
    options.max_since_age.is_some_and(|max_age| {
        chrono::TimeDelta::from_std(max_age).is_ok_and(|max_age| Utc::now() - at > max_age)
    })
}

async fn advance(
    watermarks: &dyn WatermarkStore,
    options: &PollOptions,
    summary: &mut PollSummary,
    to: &SinceId,
) -> Result<bool, PollError> {
    let advanced = watermarks
        .advance(&options.query, to)
        .await
        .map_err(PollError::Watermark)?;
    if advanced {
        summary.new_watermark = Some(to.clone());
        summary.watermark_advanced = true;
    }
    Ok(advanced)
}

async fn store_pending(
    watermarks: &dyn WatermarkStore,
    options: &PollOptions,
    summary: &mut PollSummary,
    since: &SinceId,
    pending: Pending,
) -> Result<(), PollError> {
    let stored = watermarks
        .set_pending(&options.query, since, &pending)
        .await
        .map_err(PollError::Watermark)?;
    PollBacklogPending {
        query: &options.query,
        since_id: since.as_str(),
        until_id: pending.until.as_str(),
        newest_id: pending.newest.as_str(),
        stored,
    }
    .emit();
    if stored {
        summary.pending = Some(pending);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
