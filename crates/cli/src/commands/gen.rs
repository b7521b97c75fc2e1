//! `tweetboard gen`: a load generator. Pushes synthetic tweets through the ingest
//! Lambda's code at a steady rate, with repeats and poison records at chosen fractions,
//! so idempotency and quarantine can be watched at work on a live stack.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;
use tweetboard_aws::config::IngestConfig;
use tweetboard_aws::KinesisPublisher;
use tweetboard_cli::gen::TweetGenerator;
use tweetboard_cli::progress;
use tweetboard_core::ports::{OutgoingRecord, RecordPublisher};
use tweetboard_ingest::Ingest;

use super::{CliResult, Context};

/// Push synthetic tweets through the ingest path at a steady rate (a load generator).
///
/// Fresh tweets (on-topic and junk, varied accounts, ids above 2^53) go through the
/// ingest Lambda's code; repeats of earlier tweets too, and the consumer stores each id
/// once; poison records go straight onto the stream, as a buggy producer would put
/// them, and the consumer quarantines them. Stops at --count or --duration, or Ctrl-C.
#[derive(clap::Args)]
pub struct Args {
    /// Tweets (and poison records) per second.
    #[arg(long, value_parser = parse_rate)]
    rate: f64,
    /// Stop after this many records.
    #[arg(long, conflicts_with = "duration")]
    count: Option<u64>,
    /// Stop after this long: seconds, or a number with s, m or h (`90s`, `5m`, `1h`).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Fraction of fresh tweets written as junk.
    #[arg(long, default_value_t = 0.4, value_parser = parse_fraction)]
    junk_ratio: f64,
    /// Fraction of records that repeat an earlier tweet exactly.
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    duplicates: f64,
    /// Fraction of records that are poison (bytes no decoder accepts).
    #[arg(long, default_value_t = 0.0, value_parser = parse_fraction)]
    poison: f64,
    /// Seed of the text and account generator (ids come from the clock and the OS's
    /// randomness, never from the seed: two runs with one seed do not share ids).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 100_000.0 => Ok(r),
        _ => Err("must be a number of records per second, above 0 and at most 100000".into()),
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err("must be a fraction from 0 to 1".into()),
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (number, unit) = match s.trim().char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&s.trim()[..i], &s.trim()[i..]),
        None => (s.trim(), "s"),
    };
    let scale = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("unknown unit {unit:?}: use s, m or h")),
    };
    match number.parse::<f64>() {
        Ok(n) if n > 0.0 && n * scale <= 7.0 * 86_400.0 => Ok(Duration::from_secs_f64(n * scale)),
        _ => Err("must be a positive duration of at most a week, e.g. 90s, 5m, 1h".into()),
    }
}

/// What a run sent and what the ingest path said.
#[derive(Debug, Default, serde::Serialize)]
struct GenSummary {
    sent: u64,
    fresh_on_topic: u64,
    fresh_junk: u64,
    duplicates: u64,
    poison: u64,
    accepted: u64,
    rejected: u64,
    /// Poison records the stream refused after retries.
    poison_not_put: u64,
    seconds: f64,
    achieved_rate: f64,
}

/// Records are sent in ticks of this length: a steady rate, not bursts a second apart.
const TICK: Duration = Duration::from_millis(100);
/// Tweets per ingest request: well under the Lambda's 6 MB payload.
const PER_REQUEST: usize = 500;
/// Repeats are drawn from this many recent tweets.
const RECENT: usize = 1000;

pub async fn run(args: Args) -> CliResult {
    let Context { config, aws } = Context::<IngestConfig>::load().await?;
    let publisher = Arc::new(KinesisPublisher::new(aws.kinesis, &config.stream_name));
    let ingest = Ingest::new(publisher.clone());
    let mut generator = TweetGenerator::new(args.seed, args.junk_ratio);
    let total = args
        .count
        .or(args.duration.map(|d| (d.as_secs_f64() * args.rate).ceil() as u64));
    let pb = match total {
        Some(n) => progress::bar(n, "gen"),
        None => progress::spinner("gen"),
    };
    let start = Instant::now();
    let mut summary = GenSummary::default();
    let mut recent: VecDeque<Value> = VecDeque::with_capacity(RECENT);
    let mut ticks = tokio::time::interval(TICK);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = &mut ctrl_c => break,
        }
        // Everything due by now: a slow request is caught up on, not dropped.
        let mut due = (start.elapsed().as_secs_f64() * args.rate) as u64;
        if let Some(n) = total {
            due = due.min(n);
        }
        let mut tweets = Vec::new();
        let mut poison = Vec::new();
        while summary.sent < due {
            summary.sent += 1;
            if generator.roll(args.poison) {
                let (key, data) = generator.poison();
                poison.push(OutgoingRecord {
                    partition_key: key,
                    data,
                });
                summary.poison += 1;
            } else if let Some(tweet) = generator
                .roll(args.duplicates)
                .then(|| generator.pick(recent.make_contiguous()).cloned())
                .flatten()
            {
                tweets.push(tweet);
                summary.duplicates += 1;
            } else {
                let (tweet, junk) = generator.tweet(chrono::Utc::now());
                if junk {
                    summary.fresh_junk += 1;
                } else {
                    summary.fresh_on_topic += 1;
                }
                if recent.len() == RECENT {
                    recent.pop_front();
                }
                recent.push_back(tweet.clone());
                tweets.push(tweet);
            }
        }
        for chunk in tweets.chunks(PER_REQUEST) {
            let response = ingest.ingest(&json!({ "tweets": chunk })).await?;
            summary.accepted += response.accepted as u64;
            summary.rejected += response.rejected.len() as u64;
        }
        if !poison.is_empty() {
            summary.poison_not_put += publisher.publish(&poison).await?.failed.len() as u64;
        }
        pb.set_position(summary.sent);
        pb.set_message(format!("{} sent", summary.sent));
        let done = total.is_some_and(|n| summary.sent >= n);
        if done {
            break;
        }
    }
    pb.finish_and_clear();
    summary.seconds = start.elapsed().as_secs_f64();
    summary.achieved_rate = summary.sent as f64 / summary.seconds.max(1e-9);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&config.stream_name, &summary);
    }
    Ok(())
}

fn print_summary(stream: &str, s: &GenSummary) {
    outln!(
        "gen summary ({} records onto {stream} in {:.1} s, {:.1}/s)",
        s.sent,
        s.seconds,
        s.achieved_rate
    );
    outln!("  fresh on-topic    {}", s.fresh_on_topic);
    outln!("  fresh junk        {}", s.fresh_junk);
    outln!("  duplicates        {}", s.duplicates);
    outln!(
        "  poison            {} (straight onto the stream; {} refused)",
        s.poison,
        s.poison_not_put
    );
    outln!("  ingest accepted   {}", s.accepted);
    outln!("  ingest rejected   {}", s.rejected);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_or_without_a_unit() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_fraction("1.1").is_err());
        assert!(parse_rate("0").is_err());
    }
}
