//! `tweetboard poll`: the ingest Lambda's scheduled run, locally: one poll of the X API
//! v2 recent search, or one every few seconds.

use std::time::Duration;

use tweetboard_aws::config::{ConfigError, Env, PollConfig, StoreNames};
use tweetboard_aws::{AwsClients, KinesisPublisher};
use tweetboard_core::poll::{PollError, PollSummary, SearchError, StopReason};
use tweetboard_ingest::{Ingest, IngestError, Poller};

use super::CliResult;

/// Poll the X API v2 recent search with the ingest Lambda's code: pages newer than the
/// query's watermark go onto the stream, then the watermark moves.
///
/// The token comes from X_BEARER_TOKEN (or X_BEARER_TOKEN_SECRET_ARN), the API from
/// X_API_BASE_URL (default the public API), the watermark table from
/// WATERMARK_TABLE_NAME (default <TABLE_NAME>-watermarks, created by `tweetboard init`).
#[derive(clap::Args)]
pub struct Args {
    /// The search query (default: SEARCH_QUERY, or `#aws -is:retweet`).
    #[arg(long)]
    query: Option<String>,
    /// One run, then exit (the default).
    #[arg(long, conflicts_with = "every")]
    once: bool,
    /// A run every SECONDS until Ctrl-C (after a rate limit, not before its reset).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    every: Option<u64>,
    /// Seconds one run may take.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=900))]
    budget: u64,
    /// Print each run's summary as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: Args) -> CliResult {
    let names = StoreNames::from_env()?;
    let mut poll = PollConfig::from_lookup(&Env::process(), Some(&names.watermark_table))?.ok_or(
        ConfigError::Missing("WATERMARK_TABLE_NAME", "the watermark table"),
    )?;
    if let Some(query) = args.query {
        poll.query = query;
    }
    let aws = AwsClients::load().await?;
    let ingest = Ingest::new(std::sync::Arc::new(KinesisPublisher::new(
        aws.kinesis.clone(),
        &names.stream,
    )))
    .with_poller(Poller::from_config(&aws, &poll).await?);
    let budget = Duration::from_secs(args.budget);
    let Some(every) = args.every.map(Duration::from_secs) else {
        let summary = ingest.poll(budget).await?;
        print(&summary, args.json)?;
        return Ok(());
    };
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let mut wait = every;
        match ingest.poll(budget).await {
            Ok(summary) => {
                print(&summary, args.json)?;
                if let StopReason::RateLimited { reset_at: Some(at) } = summary.stopped {
                    let until = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                    wait = wait.max(until);
                }
            }
            // A refused token or query will not get better by asking again.
            Err(
                e @ IngestError::Poll(PollError::Search(
                    SearchError::Unauthorized { .. } | SearchError::Rejected { .. },
                )),
            ) => return Err(e.into()),
            Err(e) => eprintln!("poll failed: {e}; trying again in {}s", wait.as_secs()),
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = &mut ctrl_c => return Ok(()),
        }
    }
}

fn print(s: &PollSummary, json: bool) -> CliResult {
    if json {
        outln!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    let mark = |w: &Option<tweetboard_core::poll::SinceId>| {
        w.as_ref().map_or("none".to_owned(), ToString::to_string)
    };
    let stopped = match &s.stopped {
        StopReason::Complete => "complete".to_owned(),
        StopReason::PageBudget => "page budget reached".to_owned(),
        StopReason::RateLimited { reset_at } => format!(
            "rate limited until {}",
            reset_at.map_or("an unknown time".into(), |t| t.to_rfc3339())
        ),
        StopReason::Unavailable { error } => format!("API unavailable: {error}"),
        StopReason::MalformedPage { error } => format!("malformed page: {error}"),
        StopReason::Deadline => "out of time".to_owned(),
    };
    outln!(
        "poll {:?}: {} pages, {} tweets seen, {} pushed, {} rejected ({} not pushed); watermark {} -> {}{} ({stopped})",
        s.query,
        s.pages,
        s.tweets_seen,
        s.pushed,
        s.rejected,
        s.not_pushed,
        mark(&s.old_watermark),
        mark(&s.new_watermark),
        if s.watermark_advanced { "" } else { " (kept)" },
    );
    if let Some(p) = &s.pending {
        outln!(
            "  backlog left: tweets {}..={} are on the stream; the next run continues below {}",
            p.until,
            p.newest,
            p.until
        );
    }
    Ok(())
}
