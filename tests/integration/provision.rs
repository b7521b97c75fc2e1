//! `tweetboard init` against the emulator.

use tweetboard_aws::provision;
use tweetboard_integration_tests::*;

#[tokio::test]
async fn init_is_idempotent_and_creates_the_board_index() {
    // GIVEN resources created once (TestEnv runs init)
    let env = TestEnv::with_shards("init", 3).await;

    // WHEN init runs again
    let report = provision::init(&env.aws.kinesis, &env.aws.dynamo, &env.names, 3)
        .await
        .unwrap();

    // THEN it creates nothing and fails on nothing
    assert!(report.created.is_empty(), "{report:?}");
    // the stream and five tables: tweets, quarantine, checkpoints, counts, watermarks
    assert_eq!(report.existing.len(), 6, "{report:?}");
    // AND the chart's counts table is keyed by day and hour
    let counts = env
        .aws
        .dynamo
        .describe_table()
        .table_name(&env.names.counts_table)
        .send()
        .await
        .unwrap();
    let keys: Vec<(&str, &str)> = counts
        .table()
        .unwrap()
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().as_str()))
        .collect();
    assert_eq!(keys, [("day", "HASH"), ("hour", "RANGE")]);
    let table = env
        .aws
        .dynamo
        .describe_table()
        .table_name(&env.names.table)
        .send()
        .await
        .unwrap();
    let indexes: Vec<_> = table
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(indexes, ["board_by_time"]);
    let shards = tweetboard_aws::KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream)
        .list_shards()
        .await
        .unwrap();
    assert_eq!(shards.len(), 3);
}
