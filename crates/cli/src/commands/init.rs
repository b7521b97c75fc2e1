//! `tweetboard init`: create the stream and tables and wait until they are active.

use tweetboard_aws::config::StoreNames;
use tweetboard_aws::provision;
use tweetboard_cli::progress;

use super::{CliResult, Context};

/// Create the stream and the tables (tweets with its board index, quarantine,
/// checkpoints) and wait until they are active. Safe to run again.
#[derive(clap::Args)]
pub struct Args {
    /// Shards of a newly created stream (an existing stream is left as it is).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(1..=500))]
    shards: i32,
}

pub async fn run(args: Args) -> CliResult {
    let cx = Context::<StoreNames>::load().await?;
    let pb = progress::spinner("init");
    pb.set_message("creating the stream and tables, waiting until active");
    let report = provision::init(&cx.aws.kinesis, &cx.aws.dynamo, cx.names(), args.shards).await?;
    pb.finish_and_clear();
    for r in &report.created {
        outln!("created  {r}");
    }
    for r in &report.existing {
        outln!("exists   {r}");
    }
    Ok(())
}
