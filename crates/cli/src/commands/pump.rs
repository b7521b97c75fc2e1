//! `tweetboard pump`: the local stand-in for Lambda's Kinesis event source mapping,
//! running the consumer in-process (the engine is `tweetboard_cli::pump`).

use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use tweetboard_aws::config::{ConsumerConfig, StoreNames};
use tweetboard_aws::kinesis::StartPosition;
use tweetboard_cli::progress;
use tweetboard_cli::pump::{Pump, PumpOptions, PumpSummary, MAX_BATCH_SIZE};
use tweetboard_cli::replay::parse_from;
use tweetboard_consumer::Consumer;

use super::{CliResult, Context};

/// Local stand-in for Lambda's Kinesis event source mapping (not a production engine).
///
/// Polls every shard, builds real Kinesis events, runs the consumer handler in-process,
/// honours partial batch responses (resume at the lowest failed sequence number, retry
/// with backoff), reads parent shards before children, and checkpoints each shard in
/// DynamoDB so a restart resumes where it stopped. On AWS, the event source mapping
/// does this job.
#[derive(clap::Args)]
pub struct Args {
    /// Where shards without a checkpoint start.
    #[arg(long, default_value = "trim-horizon", value_parser = start_position())]
    from: StartPosition,
    /// Exit 0 once every shard is drained instead of polling forever.
    #[arg(long)]
    until_idle: bool,
    /// Records per invocation (Lambda allows up to 10,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=MAX_BATCH_SIZE as u64))]
    batch_size: u64,
    /// Batching window in milliseconds: how long to gather records before invoking.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=300_000))]
    batching_window_ms: u64,
    /// Simulated function timeout in seconds: each invocation's deadline.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=900))]
    function_timeout: u64,
    /// Retries of one failing batch before the pump stops with an error.
    #[arg(long, default_value_t = 10)]
    max_retries: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// The starts an event source mapping offers a shard without a checkpoint, parsed as
/// `replay --from` parses them.
fn start_position() -> impl TypedValueParser<Value = StartPosition> {
    PossibleValuesParser::new(["trim-horizon", "latest"])
        .map(|s| parse_from(&s).expect("trim-horizon and latest parse"))
}

pub async fn run(args: Args) -> CliResult {
    let cx = Context::<(StoreNames, ConsumerConfig)>::load().await?;
    let consumer = Consumer::from_config(&cx.aws, &cx.config.1)?;
    let options = PumpOptions {
        from: args.from,
        until_idle: args.until_idle,
        batch_size: args.batch_size as usize,
        batching_window: Duration::from_millis(args.batching_window_ms),
        function_timeout: Duration::from_secs(args.function_timeout),
        max_retries: args.max_retries,
        ..PumpOptions::default()
    };
    let pump = Pump::new(cx.stream_reader(), cx.checkpoints(), &consumer, options);
    let pb = progress::spinner("pump");
    let summary = pump
        .run(|s| {
            pb.set_message(format!(
                "{} records settled, {} written, {} quarantined, {} batch retries",
                s.counts.records, s.counts.written, s.counts.quarantined, s.batch_retries
            ))
        })
        .await?;
    pb.finish_and_clear();
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary);
    }
    Ok(())
}

fn print_summary(summary: &PumpSummary) {
    let c = &summary.counts;
    outln!(
        "pump summary ({} invocations, {} batch retries)",
        summary.invocations,
        summary.batch_retries
    );
    outln!("  records in        {}", c.records);
    outln!("  classified ON     {}", c.written_on);
    outln!("  classified OFF    {}", c.written_off);
    outln!(
        "  duplicates        {} (already stored {}, repeated in a batch {}, conflicting {})",
        c.already_stored + c.duplicates_in_batch + c.conflicts,
        c.already_stored,
        c.duplicates_in_batch,
        c.conflicts
    );
    outln!("  quarantined       {}", c.quarantined);
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Pump {
        #[command(flatten)]
        args: Args,
    }

    fn from(argv: &[&str]) -> Result<StartPosition, clap::Error> {
        Pump::try_parse_from(argv).map(|p| p.args.from)
    }

    #[test]
    fn the_start_of_unchecked_shards_is_trim_horizon_or_latest_only() {
        assert_eq!(from(&["pump"]).unwrap(), StartPosition::TrimHorizon);
        assert_eq!(
            from(&["pump", "--from", "latest"]).unwrap(),
            StartPosition::Latest
        );
        assert!(from(&["pump", "--from", "seq:1"]).is_err());
    }
}
