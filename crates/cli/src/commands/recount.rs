//! `tweetboard recount`: rewrite the board chart's hourly counters from the tweets table.

use chrono::Utc;
use tweetboard_aws::board::{BoardReader, CursorKey};
use tweetboard_aws::config::StoreNames;
use tweetboard_aws::counts;
use tweetboard_cli::progress;

use super::{CliResult, Context};

/// Rewrite the chart's hourly counters (the counts table) for the last H hours from the
/// tweets stored in the board index.
///
/// The consumer adds to an hour's counter after each tweet it newly stores; a crash
/// between the two leaves the hour one short per record in flight (logged as
/// `hour_count_not_added` when the add itself fails). This counts the tweets of each
/// hour again and sets the counters to that. It reads every tweet of the window once
/// (about half a read unit per 4 KB of tweets), so choose H no larger than needed.
/// Tweets stored while it runs may be miscounted in their hour: run it again when the
/// stream is quiet, or for hours that are over.
#[derive(clap::Args)]
pub struct Args {
    /// How many hours back from the current one (included) to recount.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=24 * 366))]
    hours: u32,
}

pub async fn run(Args { hours }: Args) -> CliResult {
    let cx = Context::<StoreNames>::load().await?;
    let names = cx.names();
    // Only its index reads are used: the cursor key never signs anything here.
    let index = BoardReader::new(
        cx.aws.dynamo.clone(),
        &names.table,
        &names.counts_table,
        CursorKey::random(),
    );
    let pb = progress::spinner("recount");
    let read = std::sync::atomic::AtomicU64::new(0);
    let on_page = |n: usize| {
        let total = read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed) + n as u64;
        pb.set_message(format!("{total} tweets read from {}", names.table));
    };
    let buckets = counts::recount(&index, &cx.counts(), hours, Utc::now(), &on_page).await?;
    pb.finish_and_clear();
    let (on, off) = buckets
        .iter()
        .fold((0, 0), |(on, off), b| (on + b.on, off + b.off));
    outln!(
        "recounted {hours} hours into {}: {on} ON, {off} OFF ({} tweets read)",
        names.counts_table,
        read.into_inner()
    );
    Ok(())
}
