//! The quarantine tools against the emulator: list, show (raw bytes exact, parts
//! reassembled) and retry (resolved when it now gets through, kept when it does not).

use std::sync::Arc;

use async_trait::async_trait;
use tweetboard_aws::quarantine::QuarantineAdmin;
use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore};
use tweetboard_classifier::{EmbeddedClassifier, Model};
use tweetboard_cli::quarantine_retry::retry;
use tweetboard_core::batch::BatchPorts;
use tweetboard_core::ports::Classifier;
use tweetboard_core::{Classification, ClassifyError, Tweet};
use tweetboard_integration_tests::*;

/// A model that cannot score anything: the state before "the fix".
struct Broken;

#[async_trait]
impl Classifier for Broken {
    fn model_id(&self) -> &str {
        "broken"
    }
    async fn classify(&self, _: &Tweet) -> Result<Classification, ClassifyError> {
        Err(ClassifyError::permanent("feature extraction failed"))
    }
}

#[tokio::test]
async fn list_show_and_retry_keep_every_record() {
    // GIVEN poison records, an oversized one, and a good tweet quarantined by a broken model
    let env = TestEnv::new("quarantine").await;
    let huge = bytes(&v1_tweet(&big_id(9), &"y".repeat(700 * 1024)));
    let good = bytes(&v1_tweet(&big_id(1), "S3 Express One Zone for hot data #aws"));
    env.consumer()
        .process(env.batch(1, &[b"\x00\xffnot json".to_vec(), huge.clone()]), None)
        .await
        .unwrap();
    let broken = consumer_with(&env.aws, &env.names, Arc::new(Broken), 4);
    broken
        .process(env.batch(10, std::slice::from_ref(&good)), None)
        .await
        .unwrap();
    let admin = QuarantineAdmin::new(env.aws.dynamo.clone(), &env.names.quarantine_table);

    // WHEN listed: three entries (the oversized record's extra parts are not entries)
    let entries = admin.list(None, false).await.unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(admin.list(Some("not_json"), false).await.unwrap().len(), 1);
    assert_eq!(admin.list(Some("classifier"), false).await.unwrap().len(), 1);

    // AND shown: the raw bytes come back exactly, the oversized one reassembled
    let big = admin.get(&format!("{SHARD}:{}", seq(2))).await.unwrap().unwrap();
    assert_eq!(big.data, huge);
    assert_eq!(big.data_size, huge.len());
    assert!(admin.get("shardId-000000000000:0").await.unwrap().is_none());

    // AND retried with the fixed pipeline
    let all: Vec<_> = {
        let mut full = Vec::new();
        for e in &entries {
            full.push(admin.get(&e.event_id).await.unwrap().unwrap());
        }
        full
    };
    let classifier = EmbeddedClassifier::new(Model::embedded_default());
    let tweets = DynamoTweetStore::new(env.aws.dynamo.clone(), &env.names.table);
    let quarantine = DynamoQuarantine::new(env.aws.dynamo.clone(), &env.names.quarantine_table);
    let ports = BatchPorts {
        classifier: &classifier,
        tweets: &tweets,
        quarantine: &quarantine,
        lookup: None,
    };
    let report = retry(&admin, &all, &ports, 4).await.unwrap();

    // THEN the good tweet is written and its entry resolved; the poison stays, noted
    assert_eq!(report.resolved.len(), 1, "{report:?}");
    assert_eq!(report.resolved[0].0, format!("{SHARD}:{}", seq(10)));
    assert_eq!(report.still_failing.len(), 2);
    assert!(env.tweet(&big_id(1)).await.is_some());
    let unresolved = admin.list(None, false).await.unwrap();
    assert_eq!(unresolved.len(), 2);
    assert!(unresolved.iter().all(|e| e.last_retry_reason.is_some()));
    let everything = admin.list(None, true).await.unwrap();
    assert_eq!(everything.len(), 3, "nothing is deleted");
    let resolved = everything.iter().find(|e| e.resolved_at.is_some()).unwrap();
    assert!(resolved.resolution.as_deref().unwrap().starts_with("written"));

    // AND retrying again changes nothing for the resolved one
    let again = retry(
        &admin,
        &[admin.get(&resolved.event_id).await.unwrap().unwrap()],
        &ports,
        4,
    )
    .await
    .unwrap();
    assert_eq!(again.resolved[0].1, "already present");
}
