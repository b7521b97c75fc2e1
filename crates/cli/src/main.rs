//! `tweetboard`: the operator CLI. Configuration comes from the environment (see the
//! README); the AWS endpoint from the standard `AWS_ENDPOINT_URL[_SERVICE]` variables.
//!
//! This file only parses and dispatches: each subcommand is in `commands/<name>.rs`.

// `outln!` and `out!` for every command's output (see `tweetboard_cli::out`).
#[macro_use]
extern crate tweetboard_cli;

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use commands::{
    evaluate, gen, ingest, init, poll, predict_server, pump, quarantine, recount, reindex, replay, reshard,
    serve, train, CliResult,
};
use tweetboard_cli::logging;

#[derive(Parser)]
#[command(
    name = "tweetboard",
    version,
    about = "Operate the tweetboard pipeline: Kinesis → consumer → DynamoDB.",
    long_about = "Operate the tweetboard pipeline: Kinesis → consumer → DynamoDB.\n\n\
        Configuration comes from the environment: STREAM_NAME, TABLE_NAME, QUARANTINE_TABLE_NAME \
        (and optionally CHECKPOINT_TABLE_NAME, COUNTS_TABLE_NAME, WRITE_CONCURRENCY, DEADLINE_MARGIN_MS), plus the \
        standard AWS variables (AWS_REGION, credentials, AWS_ENDPOINT_URL[_SERVICE] for an emulator)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands, in `--help` order; each one's help is on its `Args`.
#[derive(Subcommand)]
enum Command {
    Init(init::Args),
    Ingest(ingest::Args),
    Replay(replay::Args),
    Reshard(reshard::Args),
    Quarantine(quarantine::Args),
    Serve(serve::Args),
    Pump(pump::Args),
    Train(train::Args),
    PredictServer(predict_server::Args),
    Evaluate(evaluate::Args),
    Recount(recount::Args),
    Reindex(reindex::Args),
    Poll(poll::Args),
    Gen(gen::Args),
}

#[tokio::main]
async fn main() -> ExitCode {
    logging::init();
    let result: CliResult = match Cli::parse().command {
        Command::Init(args) => init::run(args).await,
        Command::Ingest(args) => ingest::run(args).await,
        Command::Replay(args) => replay::run(args).await,
        Command::Reshard(args) => reshard::run(args).await,
        Command::Quarantine(args) => quarantine::run(args).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Pump(args) => pump::run(args).await,
        Command::Train(args) => train::run(args),
        Command::PredictServer(args) => predict_server::run(args).await,
        Command::Evaluate(args) => evaluate::run(args),
        Command::Recount(args) => recount::run(args).await,
        Command::Reindex(args) => reindex::run(args).await,
        Command::Poll(args) => poll::run(args).await,
        Command::Gen(args) => gen::run(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
