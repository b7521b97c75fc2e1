use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> Env<impl Fn(&str) -> Option<String>> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Env(move |k| map.get(k).cloned())
}

#[test]
fn consumer_config_defaults() {
    let c = ConsumerConfig::from_lookup(&env(&[("TABLE_NAME", "t-1"), ("QUARANTINE_TABLE_NAME", "q-1")]))
        .unwrap();
    assert_eq!(c.write_concurrency, 32);
    assert_eq!(c.deadline_margin, Duration::from_secs(3));
}

#[test]
fn missing_and_invalid_values_name_the_variable() {
    let err = ConsumerConfig::from_lookup(&env(&[("TABLE_NAME", "t-1")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "QUARANTINE_TABLE_NAME is not set; it must name the quarantine table"
    );
    let err = ConsumerConfig::from_lookup(&env(&[
        ("TABLE_NAME", "t-1"),
        ("QUARANTINE_TABLE_NAME", "q-1"),
        ("WRITE_CONCURRENCY", "0"),
    ]))
    .unwrap_err();
    assert!(
        err.to_string().starts_with("WRITE_CONCURRENCY=\"0\" is invalid"),
        "{err}"
    );
    let err = IngestConfig::from_lookup(&env(&[("STREAM_NAME", "bad name!")])).unwrap_err();
    assert!(err.to_string().contains("STREAM_NAME"), "{err}");
}

#[test]
fn classifier_choice() {
    let base = [("TABLE_NAME", "t-1"), ("QUARANTINE_TABLE_NAME", "q-1")];
    let with = |extra: &[(&str, &str)]| {
        let mut all = base.to_vec();
        all.extend_from_slice(extra);
        ConsumerConfig::from_lookup(&env(&all)).map(|c| c.classifier)
    };
    assert_eq!(
        with(&[]).unwrap(),
        ClassifierConfig::Embedded { model_path: None }
    );
    assert_eq!(
        with(&[
            ("CLASSIFIER", "aml"),
            ("AML_MODEL_ID", "ml-1"),
            ("AML_PREDICT_ENDPOINT", "https://x")
        ])
        .unwrap(),
        ClassifierConfig::AmazonMl {
            model_id: "ml-1".into(),
            predict_endpoint: "https://x".into()
        }
    );
    assert_eq!(
        with(&[("CLASSIFIER", "aml"), ("AML_PREDICT_ENDPOINT", "https://x")])
            .unwrap_err()
            .to_string(),
        "AML_MODEL_ID is not set; it must name the Amazon ML model id"
    );
    assert!(with(&[("CLASSIFIER", "magic")])
        .unwrap_err()
        .to_string()
        .contains("embedded, aml or sagemaker"));
    assert!(with(&[("CLASSIFIER", "sagemaker")])
        .unwrap_err()
        .to_string()
        .starts_with("SAGEMAKER_ENDPOINT"));
}

#[test]
fn the_board_signs_cursors_with_the_configured_key_or_a_random_one() {
    use crate::board::Cursor;
    use tweetboard_core::Prediction;
    let secret = "0123456789abcdef0123456789abcdef";
    let configured = || {
        BoardConfig::from_lookup(&env(&[("TABLE_NAME", "t-1"), ("BOARD_CURSOR_KEY", secret)]))
            .unwrap()
            .cursor_key
    };
    let unset = || {
        BoardConfig::from_lookup(&env(&[("TABLE_NAME", "t-1")]))
            .unwrap()
            .cursor_key
    };
    let cursor = Cursor {
        prediction: "ON".into(),
        before: "2026-11-26T10:00:00.000Z#01859000000000000001".into(),
    };
    let opens = |signer: &CursorKey, checker: &CursorKey| {
        Cursor::decode(&cursor.encode(signer), Prediction::On, checker).is_ok()
    };

    // Two processes with BOARD_CURSOR_KEY set accept each other's cursors ...
    assert!(opens(&configured(), &configured()));
    // ... without it each makes its own key, so a cursor does not outlive its process.
    let (first, second) = (unset(), unset());
    assert!(opens(&first, &first));
    assert!(!opens(&first, &second));
}

#[test]
fn a_short_cursor_key_is_refused_without_showing_it() {
    let err = BoardConfig::from_lookup(&env(&[("TABLE_NAME", "t-1"), ("BOARD_CURSOR_KEY", "hunter2")]))
        .unwrap_err();

    let message = err.to_string();
    assert!(message.starts_with("BOARD_CURSOR_KEY="), "{message}");
    assert!(message.contains("at least 32 characters"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn polling_is_configured_by_the_watermark_table_and_needs_a_token() {
    let base = [("STREAM_NAME", "s-1")];
    assert_eq!(IngestConfig::from_lookup(&env(&base)).unwrap().poll, None);
    let err = IngestConfig::from_lookup(&env(&[("STREAM_NAME", "s-1"), ("WATERMARK_TABLE_NAME", "w-1")]))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("X_BEARER_TOKEN_SECRET_ARN is not set"),
        "{err}"
    );
    let poll = IngestConfig::from_lookup(&env(&[
        ("STREAM_NAME", "s-1"),
        ("WATERMARK_TABLE_NAME", "w-1"),
        ("X_BEARER_TOKEN", "AAAAsecret"),
    ]))
    .unwrap()
    .poll
    .unwrap();
    assert_eq!(poll.query, "#aws -is:retweet");
    assert_eq!(poll.max_pages, 10);
    assert_eq!(poll.api_base_url, "https://api.x.com");
    assert!(!format!("{poll:?}").contains("AAAAsecret"));
    let err = PollConfig::from_lookup(&env(&[("X_BEARER_TOKEN", "t"), ("MAX_PAGES", "0")]), Some("w-1"))
        .unwrap_err();
    assert!(err.to_string().starts_with("MAX_PAGES=\"0\" is invalid"), "{err}");
}

#[test]
fn checkpoint_table_defaults_from_table_name() {
    let names = StoreNames::from_lookup(&env(&[
        ("STREAM_NAME", "s-1"),
        ("TABLE_NAME", "t-1"),
        ("QUARANTINE_TABLE_NAME", "q-1"),
    ]))
    .unwrap();
    assert_eq!(names.checkpoint_table, "t-1-checkpoints");
    assert_eq!(names.watermark_table, "t-1-watermarks");
}

#[test]
fn the_counts_table_defaults_from_table_name_and_can_be_named() {
    let base = [
        ("STREAM_NAME", "s-1"),
        ("TABLE_NAME", "t-1"),
        ("QUARANTINE_TABLE_NAME", "q-1"),
    ];
    let names = StoreNames::from_lookup(&env(&base)).unwrap();
    let board = BoardConfig::from_lookup(&env(&base)).unwrap();
    let consumer = ConsumerConfig::from_lookup(&env(&base)).unwrap();
    assert_eq!(
        (
            names.counts_table.as_str(),
            board.counts_table_name.as_str(),
            consumer.counts_table_name.as_str()
        ),
        ("t-1-counts", "t-1-counts", "t-1-counts")
    );

    let named =
        BoardConfig::from_lookup(&env(&[("TABLE_NAME", "t-1"), ("COUNTS_TABLE_NAME", "c-9")])).unwrap();
    assert_eq!(named.counts_table_name, "c-9");
    let bad = ConsumerConfig::from_lookup(&env(&[
        ("TABLE_NAME", "t-1"),
        ("QUARANTINE_TABLE_NAME", "q-1"),
        ("COUNTS_TABLE_NAME", "no spaces"),
    ]))
    .unwrap_err();
    assert!(bad.to_string().starts_with("COUNTS_TABLE_NAME="), "{bad}");
}
