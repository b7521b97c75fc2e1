//! The consumer binary's cold start against the emulator: it refuses to start against
//! a table that is not keyed as the contract says. Run by `make test` (which sets
//! `AWS_ENDPOINT_URL`); skipped with a message elsewhere.

use std::process::Command;

use tweetboard_aws::config::StoreNames;
use tweetboard_aws::{provision, AwsClients};

fn run_consumer(table: &str, quarantine: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_consumer"))
        .env("TABLE_NAME", table)
        .env("QUARANTINE_TABLE_NAME", quarantine)
        .env("RUST_LOG", "error")
        // No Runtime API: a consumer that passes its checks stops at the runtime.
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .output()
        .expect("the consumer binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_consumer_refuses_to_start_against_a_wrongly_keyed_table() {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        eprintln!("skipped: needs the emulator (make test)");
        return;
    }
    // GIVEN the contract's tables
    let aws = AwsClients::load().await.expect("AWS config");
    let base = format!(
        "cold-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    let names = StoreNames {
        stream: format!("{base}-s"),
        table: format!("{base}-t"),
        quarantine_table: format!("{base}-q"),
        checkpoint_table: format!("{base}-c"),
        counts_table: format!("{base}-n"),
        watermark_table: format!("{base}-w"),
    };
    provision::init(&aws.kinesis, &aws.dynamo, &names, 1)
        .await
        .expect("init");

    // WHEN the consumer starts with TABLE_NAME naming the quarantine table (keyed event_id)
    let (ok, stderr) = run_consumer(&names.quarantine_table, &names.quarantine_table);
    // THEN it exits at start-up, saying which key it found and which it needs
    assert!(!ok);
    assert!(
        stderr.contains("tweet_id (S HASH)") && stderr.contains("event_id (S HASH)"),
        "{stderr}"
    );

    // AND with the right tables it gets past the check, to the Lambda runtime
    let (ok, stderr) = run_consumer(&names.table, &names.quarantine_table);
    assert!(!ok, "without a Runtime API it cannot run");
    assert!(!stderr.contains("do not match the contract"), "{stderr}");
    assert!(
        stderr.contains("Missing AWS_LAMBDA_"),
        "it stops at the runtime: {stderr}"
    );
}
