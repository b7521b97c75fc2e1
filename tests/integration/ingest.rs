//! The ingest handler against real Kinesis (the emulator).

use serde_json::{json, Value};
use tweetboard_aws::kinesis::KinesisReader;
use tweetboard_core::decode::decode_tweet;
use tweetboard_integration_tests::*;

/// Every record on the stream, from the start of every shard.
async fn read_all(env: &TestEnv) -> Vec<(String, Vec<u8>)> {
    let reader = KinesisReader::new(env.aws.kinesis.clone(), &env.names.stream);
    let mut out = Vec::new();
    for shard in reader.list_shards().await.unwrap() {
        out.extend(
            read_shard(&reader, &shard.shard_id)
                .await
                .into_iter()
                .map(|r| (r.partition_key, r.data)),
        );
    }
    out
}

#[tokio::test]
async fn more_than_500_tweets_are_all_put_on_the_stream() {
    // GIVEN 1,234 tweets in one request: more than one PutRecords call can take
    let env = TestEnv::with_shards("ingest", 2).await;
    let ingest = env.ingest();
    let tweets: Vec<Value> = (0..1234)
        .map(|i| v1_tweet(&big_id(i), &format!("tweet {i} #aws")))
        .collect();

    // WHEN ingested
    let response = ingest.ingest(&json!({ "tweets": tweets })).await.unwrap();

    // THEN all are accepted and on the stream, keyed by their exact id
    assert_eq!(response.accepted, 1234);
    assert!(response.rejected.is_empty());
    let records = read_all(&env).await;
    assert_eq!(records.len(), 1234);
    for (key, data) in &records {
        assert_eq!(decode_tweet(data).unwrap().id().as_str(), key);
    }
}

#[tokio::test]
async fn invalid_tweets_are_rejected_by_index_and_valid_ones_published() {
    // GIVEN a request of two valid tweets among one without an id, one with a float id,
    // a bare number and one without text
    let env = TestEnv::new("ingest-bad").await;
    let ingest = env.ingest();
    let body = json!({"tweets": [
        v1_tweet(&big_id(1), "ok #aws"),
        {"text": "no id at all"},
        {"id": 1.859e18, "text": "float id"},
        42,
        v1_tweet(&big_id(2), "also ok #aws"),
        {"id_str": big_id(3)}
    ]});

    // WHEN it is ingested
    let response = ingest.ingest(&body).await.unwrap();

    // THEN the two valid tweets are accepted, the other four are rejected by their index
    // (with the reason for the missing id and the missing text), and only two records are
    // on the stream
    assert_eq!(response.accepted, 2);
    let rejected: Vec<(usize, &str)> = response
        .rejected
        .iter()
        .map(|r| (r.index, r.reason.as_str()))
        .collect();
    assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 5]);
    assert!(rejected[0].1.contains("no valid id"), "{rejected:?}");
    assert!(rejected[3].1.contains("no text"), "{rejected:?}");
    assert_eq!(read_all(&env).await.len(), 2);
}

#[tokio::test]
async fn a_v2_search_response_is_split_into_one_record_per_tweet() {
    // GIVEN a v2 search response of two tweets by two authors
    let env = TestEnv::new("ingest-v2").await;
    let ingest = env.ingest();
    let body = json!({
        "data": [
            {"id": big_id(1), "text": "one #aws", "author_id": "1"},
            {"id": big_id(2), "text": "two #aws", "author_id": "2"}
        ],
        "includes": {"users": [{"id": "1", "username": "uno"}, {"id": "2", "username": "dos"}]},
        "meta": {"newest_id": big_id(2), "result_count": 2}
    });

    // WHEN it is ingested
    let response = ingest.ingest(&body).await.unwrap();

    // THEN both are accepted, and the stream holds one record per tweet, each carrying its
    // own author's username
    assert_eq!(response.accepted, 2);
    let mut names: Vec<String> = read_all(&env)
        .await
        .iter()
        .map(|(_, d)| decode_tweet(d).unwrap().screen_name)
        .collect();
    names.sort();
    assert_eq!(names, ["dos", "uno"]);
}

#[tokio::test]
async fn ingest_file_splits_a_file_of_v2_search_responses_as_the_lambda_does() {
    use tweetboard_cli::ingest_file::{ingest_all, load_tweets};

    // GIVEN a file of JSON Lines, each line a v2 search response of two tweets
    let env = TestEnv::new("ingest-file-v2").await;
    let page = |a: u64, b: u64| {
        json!({
            "data": [
                {"id": big_id(a), "text": format!("tweet {a} #aws"), "author_id": "1"},
                {"id": big_id(b), "text": format!("tweet {b} #aws"), "author_id": "2"}
            ],
            "includes": {"users": [{"id": "1", "username": format!("u{a}")}, {"id": "2", "username": format!("u{b}")}]},
            "meta": {"result_count": 2}
        })
    };
    let path = std::env::temp_dir().join(format!("{}.jsonl", unique("search-pages")));
    std::fs::write(&path, format!("{}\n{}\n", page(1, 2), page(3, 4))).unwrap();

    // WHEN `tweetboard ingest --file` loads and sends it
    let tweets = load_tweets(&path).unwrap();
    let summary = ingest_all(&env.ingest(), &tweets, 500).await.unwrap();
    std::fs::remove_file(&path).unwrap();

    // THEN each tweet is its own record, keyed by its id and carrying its author
    assert_eq!((summary.accepted, summary.rejected.len()), (4, 0));
    let mut records: Vec<(String, String)> = read_all(&env)
        .await
        .iter()
        .map(|(key, d)| (key.clone(), decode_tweet(d).unwrap().screen_name))
        .collect();
    records.sort();
    let expected: Vec<(String, String)> = (1..=4).map(|i| (big_id(i), format!("u{i}"))).collect();
    assert_eq!(records, expected);
}

#[tokio::test]
async fn the_lambda_handler_takes_the_fixture_request_as_raw_json_and_rejects_hostile_tweets() {
    // GIVEN the ingest request fixture, as Lambda hands it over (raw JSON), with a
    // hostile tweet of 120 nested envelopes and a 250 KB invalid id appended
    let env = TestEnv::new("ingest-raw").await;
    let mut body: Value = serde_json::from_str(include_str!("../fixtures/ingest-request.json")).unwrap();
    let fixture_tweets = body["tweets"].as_array().unwrap().len();
    let nested: Value = serde_json::from_str(&format!(
        "{}{{\"id\": \"1\", \"text\": \"deep\"}}{}",
        r#"{"data": "#.repeat(120),
        "}".repeat(120)
    ))
    .unwrap();
    body["tweets"].as_array_mut().unwrap().push(nested);
    body["tweets"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id_str": "7".repeat(250_000) + "x", "text": "t"}));
    let payload = serde_json::value::RawValue::from_string(body.to_string()).unwrap();

    // WHEN the handler takes it
    let response = env
        .ingest()
        .handle(lambda_runtime::LambdaEvent::new(
            payload,
            lambda_runtime::Context::default(),
        ))
        .await
        .unwrap();

    // THEN the fixture's two valid tweets are on the stream; its tweet without an id and
    // the two hostile ones are rejected by index, with bounded reasons
    assert_eq!(response.accepted, fixture_tweets - 1);
    let rejected: Vec<usize> = response.rejected.iter().map(|r| r.index).collect();
    assert_eq!(rejected, [fixture_tweets - 1, fixture_tweets, fixture_tweets + 1]);
    assert!(response.rejected.iter().all(|r| r.reason.len() <= 1024));
    assert_eq!(read_all(&env).await.len(), fixture_tweets - 1);
}
