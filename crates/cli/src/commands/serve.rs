//! `tweetboard serve`: the tweet board (page, JSON API, stats) on a local port.

use tweetboard_aws::board::BoardReader;
use tweetboard_aws::config::BoardConfig;
use tweetboard_cli::http_server::{self, ServerLimits};

use super::{CliResult, Context};

/// Serve the tweet board (page, JSON API, stats) locally, reading TABLE_NAME and COUNTS_TABLE_NAME.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

pub async fn run(Args { port, host }: Args) -> CliResult {
    let Context { config, aws } = Context::<BoardConfig>::load().await?;
    let reader = BoardReader::new(
        aws.dynamo,
        &config.table_name,
        &config.counts_table_name,
        config.cursor_key,
    );
    let listener = tokio::net::TcpListener::bind((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e} (choose another with --port)"))?;
    outln!(
        "tweetboard is at http://{}/  (Ctrl-C stops it)",
        listener.local_addr()?
    );
    let router = tweetboard_board::router(std::sync::Arc::new(reader));
    http_server::serve(listener, router, ServerLimits::default(), http_server::ctrl_c()).await?;
    Ok(())
}
