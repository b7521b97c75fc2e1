//! The board Lambda binary (function URL): read config, build the client once, serve.

use std::sync::Arc;

use lambda_http::Error;
use tweetboard_aws::board::BoardReader;
use tweetboard_aws::config::BoardConfig;
use tweetboard_aws::startup::lambda_start;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (config, aws) = lambda_start(BoardConfig::from_env).await?;
    let reader = BoardReader::new(
        aws.dynamo,
        &config.table_name,
        &config.counts_table_name,
        config.cursor_key,
    );
    lambda_http::run(tweetboard_board::router(Arc::new(reader))).await
}
