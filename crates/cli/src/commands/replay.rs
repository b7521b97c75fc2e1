//! `tweetboard replay`: run shards, or the failed batches on the on-failure queue,
//! through the consumer's pipeline again (the engine is `tweetboard_cli::replay`).

use std::sync::Arc;
use tweetboard_aws::KinesisReader;

use tweetboard_aws::config::{ConsumerConfig, StoreNames};
use tweetboard_aws::dynamo::CapacityMeter;
use tweetboard_aws::failures::FailureQueue;
use tweetboard_aws::kinesis::StartPosition;
use tweetboard_cli::progress;
use tweetboard_cli::replay::{
    self, FailureReplaySummary, Replay, ReplayOptions, ReplayPipeline, ReplaySummary, ReplayTo,
};
use tweetboard_core::dry_run::DryRun;

use super::{CliResult, Context};

/// Replay shards through the consumer pipeline: repair or backfill the tables.
///
/// Reads the chosen shards (all by default, closed parents included, parents before
/// children) over a range and runs every record through the consumer's pipeline.
/// Stored tweets are found first with BatchGetItem and skipped: no classifier call,
/// no write. Safe to run at any time, again and again, beside the live consumer.
#[derive(clap::Args)]
pub struct Args {
    /// A shard to replay; repeat for several. Default: every shard.
    #[arg(long = "shard", value_name = "ID")]
    shards: Vec<String>,
    /// trim-horizon, latest, an RFC 3339 time, or seq:<N>.
    #[arg(long, default_value = "trim-horizon", value_parser = replay::parse_from)]
    from: StartPosition,
    /// An RFC 3339 time (by arrival) or seq:<N>, inclusive. Default: up to now.
    #[arg(long, value_parser = replay::parse_to)]
    to: Option<ReplayTo>,
    /// Report what would be written and what it would cost; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replay the failed batches recorded in this SQS queue (the event source
    /// mapping's on-failure destination) instead of shards; each message is deleted
    /// once its records are settled.
    #[arg(long, value_name = "QUEUE_URL", conflicts_with_all = ["shards", "from", "to", "dry_run"])]
    from_failures: Option<String>,
    /// Records per read and per pipeline batch.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    batch_size: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: Args) -> CliResult {
    let cx = Context::<(StoreNames, ConsumerConfig)>::load().await?;
    let config = &cx.config.1;
    let meter = Arc::new(CapacityMeter::default());
    let store = Arc::new(cx.tweet_store().with_meter(meter.clone()));
    let dry = Arc::new(DryRun::default());
    let pipeline = ReplayPipeline {
        classifier: cx.aws.classifier(&config.classifier)?,
        tweets: if args.dry_run { dry.clone() } else { store.clone() },
        quarantine: if args.dry_run {
            dry.clone()
        } else {
            Arc::new(cx.quarantine())
        },
        lookup: store,
    };
    let options = ReplayOptions {
        shards: args.shards,
        from: args.from,
        to: args.to,
        batch_size: args.batch_size as usize,
        concurrency: config.write_concurrency,
        ..ReplayOptions::default()
    };

    if let Some(queue_url) = args.from_failures {
        let queue = FailureQueue::new(cx.aws.sqs.clone(), &queue_url);
        let pb = progress::spinner("replay");
        let out = replay::replay_failures(
            &queue,
            |stream| KinesisReader::new(cx.aws.kinesis.clone(), stream),
            &pipeline,
            &options,
            |s| {
                pb.set_message(format!(
                    "{} messages, {} settled and deleted",
                    s.messages, s.deleted
                ))
            },
        )
        .await?;
        pb.finish_and_clear();
        if args.json {
            outln!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            print_failures_summary(&out);
        }
        if !out.kept.is_empty() {
            return Err(format!("{} messages stay on the queue (see above)", out.kept.len()).into());
        }
        return Ok(());
    }

    let reader = cx.stream_reader();
    let pb = progress::spinner("replay");
    let mut summary = Replay::new(&reader, &pipeline, options)
        .run(|s| {
            pb.set_message(format!(
                "{} read, {} written, {} already present, {} quarantined, {} failed",
                s.records_read, s.newly_written, s.already_present, s.quarantined, s.failed
            ))
        })
        .await?;
    pb.finish_and_clear();
    summary.dry_run = args.dry_run;
    summary.read_capacity_units = meter.read_units();
    summary.write_capacity_units = if args.dry_run {
        dry.estimated_write_units() as f64
    } else {
        meter.write_units()
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary);
    }
    if summary.failed + summary.held_back > 0 {
        return Err(format!(
            "{} records still fail after retries ({} more held back behind them); nothing was skipped for good: run the replay again",
            summary.failed, summary.held_back
        )
        .into());
    }
    Ok(())
}

fn print_failures_summary(out: &FailureReplaySummary) {
    outln!(
        "{} failure messages: {} settled and deleted, {} kept",
        out.messages,
        out.deleted,
        out.kept.len()
    );
    for (id, why) in &out.kept {
        outln!("  kept {id}: {why}");
    }
    if out.received_again > 0 {
        outln!(
            "  {} kept messages came back during the run and were left for the next one",
            out.received_again
        );
    }
    print_summary(&out.replay);
}

fn print_summary(s: &ReplaySummary) {
    let would = if s.dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    outln!("replay of {}{would}", s.shards.join(", "));
    outln!("  records read        {}", s.records_read);
    outln!(
        "  newly written       {}{}",
        s.newly_written,
        if s.dry_run { " would be" } else { "" }
    );
    outln!(
        "  already present     {} (no classifier call, no write)",
        s.already_present
    );
    outln!("  repeated in a batch {}", s.duplicates_in_batch);
    outln!("  conflicting         {}", s.conflicts);
    outln!(
        "  quarantined         {}{}",
        s.quarantined,
        if s.dry_run { " would be" } else { "" }
    );
    outln!("  failed              {}", s.failed);
    if s.held_back > 0 {
        outln!(
            "  held back           {} (a record of their tweet id failed earlier: the first version must win)",
            s.held_back
        );
    }
    let write_label = if s.dry_run {
        "estimated write units"
    } else {
        "write units"
    };
    outln!(
        "  capacity            {:.1} read units, {:.1} {write_label}",
        s.read_capacity_units,
        s.write_capacity_units
    );
    if s.throttled_reads + s.expired_iterators > 0 {
        outln!(
            "  reads               {} throttled, {} expired iterators renewed",
            s.throttled_reads,
            s.expired_iterators
        );
    }
    for shard in &s.trimmed {
        outln!("  note: {shard}: records before the first one read are past retention (trimmed)");
    }
}
