//! One leg of a poll: pages read newest first from the search API, each checked,
//! retried and pushed onto the stream, and what the leg settled. `poll_once` (in the
//! parent module) decides from a leg's outcome where the watermark may move.

use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::time::Instant;

use super::*;

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

/// What one sequence of pages (`since_id`, `until_id`, following `next_token`) did.
pub(super) struct Leg {
    pub(super) stopped: StopReason,
    /// No tweet of the leg was refused by the stream.
    pub(super) all_settled: bool,
    /// The newest settled id.
    pub(super) newest: Option<SinceId>,
    /// `(oldest, newest)` of the leading pages whose every tweet is settled: every tweet
    /// the search has from `oldest` up is on the stream (or can never be).
    pub(super) prefix: Option<(SinceId, SinceId)>,
    /// The oldest id on a page with a tweet the stream refused: a watermark must stay
    /// below it.
    pub(super) oldest_unsettled: Option<SinceId>,
}

/// Reads pages newest first within the run's page budget and deadline, pushing each.
pub(super) async fn read_leg(
    search: &dyn SearchApi,
    publisher: &dyn RecordPublisher,
    options: &PollOptions,
    summary: &mut PollSummary,
    since: Option<&SinceId>,
    until: Option<&SinceId>,
) -> Result<Leg, PollError> {
    let mut leg = Leg {
        stopped: StopReason::Complete,
        all_settled: true,
        newest: None,
        prefix: None,
        oldest_unsettled: None,
    };
    let mut contiguous = true;
    let mut next_token: Option<String> = None;
    leg.stopped = loop {
        if summary.pages >= options.max_pages {
            break StopReason::PageBudget;
        }
        if Instant::now() >= options.deadline {
            break StopReason::Deadline;
        }
        let request = SearchRequest {
            query: options.query.clone(),
            since_id: since.cloned(),
            until_id: until.cloned(),
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
            let not_pushed_before = summary.not_pushed;
            let pushed = push_page(&body, tweets, publisher, summary).await?;
            let page_settled = summary.not_pushed == not_pushed_before;
            leg.all_settled &= page_settled;
            contiguous &= page_settled;
            if !page_settled {
                let page_oldest = tweets
                    .iter()
                    .filter_map(|t| serde_json::from_str::<IdOnly>(t.get()).ok()?.id)
                    .filter_map(|id| SinceId::parse(&id).ok())
                    .min();
                if let Some(o) = page_oldest {
                    leg.oldest_unsettled = Some(match leg.oldest_unsettled.take() {
                        Some(x) => x.min(o),
                        None => o,
                    });
                }
            }
            for id in pushed {
                if leg.newest.as_ref().is_none_or(|n| id > *n) {
                    leg.newest = Some(id.clone());
                }
                if contiguous {
                    leg.prefix = match leg.prefix.take() {
                        None => Some((id.clone(), id)),
                        Some((lo, hi)) => Some((lo.min(id.clone()), hi.max(id))),
                    };
                }
            }
        }
        match page.meta.next_token {
            Some(token) => next_token = Some(token),
            None => break StopReason::Complete,
        }
    };
    Ok(leg)
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
        // A slow answer must not outlive the run: the Lambda would time out mid-run.
        let remaining = options.deadline.saturating_duration_since(Instant::now());
        let answer = match tokio::time::timeout(remaining, search.search(request)).await {
            Ok(answer) => answer,
            Err(_) => Err(SearchError::Unavailable(format!(
                "no answer within the run's remaining {remaining:?}"
            ))),
        };
        let failure = match answer {
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
