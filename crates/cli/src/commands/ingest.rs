//! `tweetboard ingest`: send tweets through the ingest Lambda's code onto the stream.

use std::path::PathBuf;
use std::sync::Arc;

use tweetboard_aws::config::IngestConfig;
use tweetboard_aws::KinesisPublisher;
use tweetboard_cli::ingest_file::{
    ingest_all, load_tweets, parse_tweets, rebase_times, IngestSummary, SAMPLE_TWEETS,
};
use tweetboard_ingest::Ingest;

use super::{CliResult, Context};

/// Send tweets through the ingest Lambda's code onto the stream.
#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines, a JSON array, or an ingest request body. Default: the shipped samples.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Tweets per ingest request (the Lambda chunks each request to Kinesis' limits).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    per_request: u64,
    /// Keep the shipped samples' own times. By default they are shifted so the newest
    /// is now, and the board shows them as recent tweets.
    #[arg(long)]
    keep_times: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: Args) -> CliResult {
    let Context { config, aws } = Context::<IngestConfig>::load().await?;
    let tweets = match &args.file {
        Some(path) => load_tweets(path)?,
        None => {
            let mut samples = parse_tweets("shipped samples", SAMPLE_TWEETS)?;
            if !args.keep_times {
                rebase_times(&mut samples, chrono::Utc::now() - chrono::Duration::minutes(1));
            }
            samples
        }
    };
    let ingest = Ingest::new(Arc::new(KinesisPublisher::new(aws.kinesis, &config.stream_name)));
    let summary = ingest_all(&ingest, &tweets, args.per_request as usize).await?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(tweets.len(), &config.stream_name, &summary);
    }
    Ok(())
}

/// At most this many rejections are listed; `--json` has them all.
const REJECTIONS_SHOWN: usize = 20;

fn print_summary(read: usize, stream: &str, summary: &IngestSummary) {
    outln!(
        "ingest: {read} tweets read, {} accepted onto {stream}, {} rejected",
        summary.accepted,
        summary.rejected.len()
    );
    for r in summary.rejected.iter().take(REJECTIONS_SHOWN) {
        outln!("  rejected #{}: {}", r.index, r.reason);
    }
    if summary.rejected.len() > REJECTIONS_SHOWN {
        outln!(
            "  ... and {} more (use --json for all)",
            summary.rejected.len() - REJECTIONS_SHOWN
        );
    }
}
