//! `tweetboard reindex`: move tweets stored under an older board key design onto the
//! current one, so that an upgraded board shows them.

use tweetboard_aws::config::StoreNames;
use tweetboard_aws::reindex::reindex_board;
use tweetboard_cli::progress;

use super::{CliResult, Context};

/// Move every tweet of the tweets table onto the board index's current partitions.
///
/// Tables written before the board's fixed shards keep each tweet under `ON#<day>`;
/// the board reads `ON#0` to `ON#3`, so after an upgrade it shows only tweets written
/// since. This scans the table once (reading three small attributes of each item) and
/// rewrites the partition of each tweet that needs it with a conditional update, so it
/// is safe while the consumer runs and does nothing the second time. The chart's hourly
/// counters are not rebuilt by this: run `tweetboard recount --hours H` afterwards.
#[derive(clap::Args)]
pub struct Args {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(Args { json }: Args) -> CliResult {
    let cx = Context::<StoreNames>::load().await?;
    let table = &cx.names().table;
    let pb = progress::spinner("reindex");
    let on_page = |r: &tweetboard_aws::reindex::ReindexReport| {
        pb.set_message(format!("{} scanned, {} moved", r.scanned, r.moved));
    };
    let report = reindex_board(&cx.aws.dynamo, table, &on_page).await?;
    pb.finish_and_clear();
    if json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        outln!("reindex of {table}");
        outln!("  scanned            {}", report.scanned);
        outln!("  moved              {}", report.moved);
        outln!("  already current    {}", report.current);
        outln!(
            "  changed meanwhile  {} (run again to finish them)",
            report.changed_meanwhile
        );
        outln!("  not board tweets   {}", report.skipped);
        if report.moved > 0 {
            outln!("then: tweetboard recount --hours H, for the hours these tweets cover");
        }
    }
    Ok(())
}
