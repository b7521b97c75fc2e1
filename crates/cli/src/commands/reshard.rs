//! `tweetboard reshard`: change the stream's shard count and show the shards after.

use tweetboard_aws::config::StoreNames;
use tweetboard_aws::provision;
use tweetboard_cli::progress;

use super::{CliResult, Context};

/// Change the stream's shard count (UpdateShardCount, uniform scaling).
///
/// Kinesis splits or merges shards; the parents close and children take new records.
/// The pump and replay read every parent to its end before its children.
#[derive(clap::Args)]
pub struct Args {
    /// The new number of open shards.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..=10_000))]
    shards: i32,
}

pub async fn run(args: Args) -> CliResult {
    let cx = Context::<StoreNames>::load().await?;
    let stream = &cx.names().stream;
    let shards = args.shards;
    let pb = progress::spinner("reshard");
    pb.set_message(format!(
        "updating {stream} to {shards} shards, waiting until active"
    ));
    let (before, after) = provision::reshard(&cx.aws.kinesis, stream, shards).await?;
    pb.finish_and_clear();
    outln!("{stream}: {before} open shards → {after}");
    for s in cx.stream_reader().list_shards().await? {
        let parents: Vec<&str> = s.parents().collect();
        let state = if s.closed { "closed" } else { "open" };
        outln!(
            "  {} {state}{}",
            s.shard_id,
            if parents.is_empty() {
                String::new()
            } else {
                format!(" (from {})", parents.join(", "))
            }
        );
    }
    Ok(())
}
