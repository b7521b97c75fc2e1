//! The consumer handler against real DynamoDB (the emulator), with Lambda-shaped events.

use std::collections::HashSet;

use serde_json::json;
use tweetboard_core::RecordOutcome;
use tweetboard_integration_tests::*;

fn failures(response: &aws_lambda_events::event::streams::KinesisEventResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().expect("never None"))
        .collect()
}

#[tokio::test]
async fn first_delivery_writes_every_attribute_of_the_contract() {
    // GIVEN a fresh table and a batch of two tweets, one on topic and one junk
    let env = TestEnv::new("first").await;
    let on = v1_tweet(
        &big_id(1),
        "Our DynamoDB conditional writes make replays safe #aws",
    );
    let off = v1_tweet(&big_id(2), "GIVEAWAY! RT to win 1 ETH #aws #crypto #airdrop");
    let batch = env.batch(1, &[bytes(&on), bytes(&off)]);

    // WHEN the consumer handles it
    let response = env.consumer().handle(invocation(batch)).await.unwrap();

    // THEN nothing is reported for retry and both items carry the full contract
    assert!(response.batch_item_failures.is_empty());
    let item = env.tweet(&big_id(1)).await.expect("stored");
    assert_eq!(s(&item, "prediction"), "ON");
    assert_eq!(
        s(&item, "text"),
        "Our DynamoDB conditional writes make replays safe #aws"
    );
    assert_eq!(s(&item, "name"), "Test Account");
    assert_eq!(s(&item, "screen_name"), "tester");
    for (attr, value) in [
        ("followers", "100"),
        ("friends", "50"),
        ("listed", "3"),
        ("statuses", "1000"),
        ("retweets", "1"),
        ("favourites", "2"),
    ] {
        assert_eq!(n(&item, attr), value, "{attr}");
    }
    let probability: f64 = n(&item, "probability").parse().unwrap();
    assert!((50.0..=100.0).contains(&probability));
    assert_eq!(
        n(&item, "probability").split('.').nth(1).map(str::len),
        Some(3),
        "3 decimals"
    );
    assert_eq!(s(&item, "created_at"), "2026-11-26T10:00:00.000Z");
    assert_eq!(
        s(&item, "image_url"),
        "https://pbs.twimg.com/profile_images/1/a_normal.jpg"
    );
    assert!(s(&item, "source").contains("Twitter Web App"));
    assert_eq!(
        s(&item, "model_id"),
        tweetboard_classifier::Model::embedded_default().id()
    );
    assert_eq!(s(&item, "source_stream"), env.names.stream);
    assert_eq!(s(&item, "source_shard"), SHARD);
    assert_eq!(s(&item, "source_sequence_number"), seq(1));
    assert_eq!(s(&item, "content_hash").len(), 32);
    assert!(!s(&item, "classified_at").is_empty());
    assert_eq!(
        s(&item, "board_partition"),
        format!("ON#{}", tweetboard_core::stored::board_shard(&big_id(1)))
    );
    assert_eq!(
        s(&env.tweet(&big_id(2)).await.expect("stored"), "prediction"),
        "OFF"
    );
}

#[tokio::test]
async fn redelivery_of_the_same_batch_leaves_every_item_byte_identical() {
    // GIVEN a batch of 25 tweets the consumer has handled once, and the items it wrote
    let env = TestEnv::new("redeliver").await;
    let payloads: Vec<_> = (0..25)
        .map(|i| bytes(&v1_tweet(&big_id(i), &format!("Lambda tip {i} #aws"))))
        .collect();
    let consumer = env.consumer();
    consumer
        .handle(invocation(env.batch(1, &payloads)))
        .await
        .unwrap();
    let mut before = env.tweets().await;

    // WHEN the same batch is delivered again
    let (response, report) = consumer.process(env.batch(1, &payloads), None).await.unwrap();

    // THEN nothing is reported for retry, all 25 are found already stored, none written,
    // and every item is exactly as it was
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(report.counts.already_stored, 25);
    assert_eq!(report.counts.written, 0);
    let mut after = env.tweets().await;
    let key = |i: &Item| s(i, "tweet_id").to_owned();
    before.sort_by_key(key);
    after.sort_by_key(key);
    assert_eq!(before, after);
}

#[tokio::test]
async fn overlapping_batches_write_each_tweet_once() {
    // GIVEN tweets 0..60 in one batch and 40..100 in the next (a retry that overlaps)
    let env = TestEnv::new("overlap").await;
    let payloads: Vec<_> = (0..100)
        .map(|i| bytes(&v1_tweet(&big_id(i), &format!("EKS note {i} #aws"))))
        .collect();
    let consumer = env.consumer();

    // WHEN one consumer processes the first batch, then the second
    let (_, first) = consumer
        .process(env.batch(0, &payloads[..60]), None)
        .await
        .unwrap();
    let (_, second) = consumer
        .process(env.batch(40, &payloads[40..]), None)
        .await
        .unwrap();

    // THEN the first writes 60, the second writes its 40 new ones and finds the other 20
    // already stored, and the table holds the 100 tweets
    assert_eq!(first.counts.written, 60);
    assert_eq!((second.counts.written, second.counts.already_stored), (40, 20));
    let tweets = env.tweets().await;
    assert_eq!(tweets.len(), 100);
    // AND the overlapping ones keep the sequence number of their first delivery
    let item = env.tweet(&big_id(45)).await.unwrap();
    assert_eq!(s(&item, "source_sequence_number"), seq(45));
}

#[tokio::test]
async fn duplicate_id_inside_one_batch_keeps_the_first_record() {
    // GIVEN two versions of tweet 7
    let env = TestEnv::new("dup").await;
    let first = v1_tweet(&big_id(7), "First version about S3 #aws");
    let second = v1_tweet(&big_id(7), "Second version about S3 #aws");

    // WHEN the consumer processes one batch of the first version, a copy of it, and the
    // second version
    let (response, report) = env
        .consumer()
        .process(
            env.batch(1, &[bytes(&first), bytes(&first), bytes(&second)]),
            None,
        )
        .await
        .unwrap();

    // THEN nothing is reported for retry
    assert!(response.batch_item_failures.is_empty());
    // AND a copy of the kept version is a duplicate; another version is a conflict
    assert_eq!(report.outcomes[1].1, RecordOutcome::DuplicateInBatch);
    assert_eq!(report.outcomes[2].1, RecordOutcome::Conflict);
    // AND the first record is the one stored, with its sequence number
    let item = env.tweet(&big_id(7)).await.unwrap();
    assert_eq!(s(&item, "text"), "First version about S3 #aws");
    assert_eq!(s(&item, "source_sequence_number"), seq(1));
}

#[tokio::test]
async fn same_id_with_different_content_is_a_conflict_and_the_first_version_stays() {
    // GIVEN tweet 3 stored by an earlier batch
    let env = TestEnv::new("conflict").await;
    let consumer = env.consumer();
    consumer
        .process(
            env.batch(1, &[bytes(&v1_tweet(&big_id(3), "original #aws"))]),
            None,
        )
        .await
        .unwrap();

    // WHEN a later batch brings another version of it
    let (response, report) = consumer
        .process(
            env.batch(2, &[bytes(&v1_tweet(&big_id(3), "edited later #aws"))]),
            None,
        )
        .await
        .unwrap();

    // THEN it is acknowledged as a conflict, and the stored text is the original
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(report.outcomes[0].1, RecordOutcome::Conflict);
    assert_eq!(s(&env.tweet(&big_id(3)).await.unwrap(), "text"), "original #aws");
}

#[tokio::test]
async fn poison_records_are_quarantined_raw_and_the_batch_is_acknowledged() {
    // GIVEN valid tweets mixed with bytes that are not JSON, JSON that is not a tweet,
    // a tweet without a valid id and one too large for a DynamoDB item
    let env = TestEnv::new("poison").await;
    let not_json = vec![0xff, 0x00, b'{', 0x80];
    let not_tweet = b"[1, 2, 3]".to_vec();
    let bad_id = bytes(&json!({"id": 1.859e18, "text": "rounded id"}));
    let huge = bytes(&v1_tweet(&big_id(9), &"x".repeat(450 * 1024)));
    let payloads = vec![
        bytes(&v1_tweet(&big_id(1), "Fargate rocks #aws")),
        not_json.clone(),
        not_tweet,
        bytes(&v1_tweet(&big_id(2), "SQS FIFO tips #aws")),
        bad_id,
        huge.clone(),
    ];

    // WHEN the batch is handled
    let response = env
        .consumer()
        .handle(invocation(env.batch(1, &payloads)))
        .await
        .unwrap();

    // THEN it is acknowledged whole, valid tweets are written and poison kept raw
    assert!(
        response.batch_item_failures.is_empty(),
        "{:?}",
        failures(&response)
    );
    assert_eq!(env.tweets().await.len(), 2);
    let all = env.quarantined().await;
    let quarantined: Vec<Item> = all
        .iter()
        .filter(|q| !q.contains_key("part_of"))
        .cloned()
        .collect();
    assert_eq!(quarantined.len(), 4);
    let by_seq = |n: u64| {
        quarantined
            .iter()
            .find(|q| s(q, "sequence_number") == seq(n))
            .unwrap_or_else(|| panic!("seq {n} quarantined"))
    };
    let raw = by_seq(2);
    assert_eq!(
        raw.get("data").unwrap().as_b().unwrap().as_ref(),
        not_json.as_slice()
    );
    assert!(s(raw, "reason").starts_with("not_json"));
    assert_eq!(s(raw, "event_id"), format!("{SHARD}:{}", seq(2)));
    assert_eq!(s(raw, "source_arn"), env.stream_arn);
    assert!(s(by_seq(3), "reason").starts_with("not_a_tweet"));
    assert!(s(by_seq(5), "reason").starts_with("invalid_id"));
    // The oversized record is itself over the item limit: its raw bytes are split into
    // parts, and reassembling them gives the record back exactly.
    let big = by_seq(6);
    assert!(s(big, "reason").starts_with("item_too_large"));
    assert_eq!(n(big, "data_size"), huge.len().to_string());
    let parts: usize = n(big, "data_parts").parse().unwrap();
    let mut raw = big.get("data").unwrap().as_b().unwrap().as_ref().to_vec();
    for part in 2..=parts {
        let key = format!("{}#part-{part}", s(big, "event_id"));
        let item = all.iter().find(|i| s(i, "event_id") == key).expect("part stored");
        raw.extend_from_slice(item.get("data").unwrap().as_b().unwrap().as_ref());
    }
    assert_eq!(raw, huge);
}

#[tokio::test]
async fn dynamodb_unreachable_acknowledges_nothing() {
    // GIVEN a consumer whose DynamoDB endpoint is a closed port (an outage), and a batch of
    // two tweets around a poison record
    let env = TestEnv::new("outage").await;
    let broken = clients_with_dynamodb_unreachable().await;
    let consumer = consumer_over(&broken, &env.names, 8);
    let payloads = vec![
        bytes(&v1_tweet(&big_id(1), "a #aws")),
        b"poison".to_vec(),
        bytes(&v1_tweet(&big_id(2), "b #aws")),
    ];

    // WHEN it handles the batch
    let response = consumer
        .handle(invocation(env.batch(10, &payloads)))
        .await
        .unwrap();

    // THEN every record, the poison one too (its quarantine write failed), is reported by
    // its sequence number, in stream order
    assert_eq!(failures(&response), [seq(10), seq(11), seq(12)]);
    // AND nothing reached the table
    assert!(env.tweets().await.is_empty());
}

#[tokio::test]
async fn two_consumers_handling_the_same_batch_at_once_write_each_tweet_once() {
    // GIVEN a batch of 200 tweets and two consumer instances
    let env = TestEnv::new("race").await;
    let payloads: Vec<_> = (0..200)
        .map(|i| bytes(&v1_tweet(&big_id(i), &format!("Kinesis shard {i} #aws"))))
        .collect();
    let batch = env.batch(1, &payloads);
    let (a, b) = (env.consumer(), env.consumer());

    // WHEN both process the batch at the same time
    let (ra, rb) = tokio::join!(a.process(batch.clone(), None), b.process(batch, None));
    let ((resp_a, rep_a), (resp_b, rep_b)) = (ra.unwrap(), rb.unwrap());

    // THEN neither reports a record for retry
    assert!(resp_a.batch_item_failures.is_empty() && resp_b.batch_item_failures.is_empty());
    // AND exactly one of the two wrote each tweet, 200 writes in all, and the table holds 200
    for i in 0..200 {
        let written = [&rep_a, &rep_b]
            .iter()
            .filter(|r| matches!(r.outcomes[i].1, RecordOutcome::Written(_)))
            .count();
        assert_eq!(written, 1, "record {i}");
    }
    assert_eq!(rep_a.counts.written + rep_b.counts.written, 200);
    assert_eq!(env.tweets().await.len(), 200);
}

#[tokio::test]
async fn a_warm_instance_carries_nothing_from_one_batch_to_the_next() {
    // GIVEN one consumer instance (a warm Lambda), and batches of five and three tweets
    let env = TestEnv::new("warm").await;
    let consumer = env.consumer();
    let first: Vec<_> = (0..5)
        .map(|i| bytes(&v1_tweet(&big_id(i), "first batch #aws")))
        .collect();
    let second: Vec<_> = (5..8)
        .map(|i| bytes(&v1_tweet(&big_id(i), "second batch #aws")))
        .collect();

    // WHEN it runs out of time on the first batch ...
    let mut late = invocation(env.batch(1, &first));
    late.context.deadline = chrono::Utc::now().timestamp_millis() as u64;
    let r1 = consumer.handle(late).await.unwrap();
    // ... then gets the second in time ...
    let r2 = consumer
        .handle(invocation(env.batch(100, &second)))
        .await
        .unwrap();
    // ... and then a third batch, of one tweet
    let (_, report) = consumer
        .process(
            env.batch(200, &[bytes(&v1_tweet(&big_id(9), "third #aws"))]),
            None,
        )
        .await
        .unwrap();

    // THEN the first reports all its records for retry, the second none (nothing of the
    // first's), the third's report counts only its own record, and only the tweets of the
    // second and third batches are stored
    assert_eq!(failures(&r1), (1..=5).map(seq).collect::<Vec<_>>());
    assert!(r2.batch_item_failures.is_empty(), "{:?}", failures(&r2));
    assert_eq!((report.counts.records, report.counts.written), (1, 1));
    let ids: HashSet<String> = env
        .tweets()
        .await
        .iter()
        .map(|i| s(i, "tweet_id").to_owned())
        .collect();
    assert_eq!(ids, [5, 6, 7, 9].iter().map(|&i| big_id(i)).collect());
}

#[tokio::test]
async fn ten_thousand_record_batch_is_written_whole() {
    // GIVEN a batch of 10,000 tweets and a consumer that writes 64 at a time
    let env = TestEnv::new("big").await;
    let payloads: Vec<_> = (0..10_000)
        .map(|i| bytes(&v1_tweet(&big_id(i), &format!("Step Functions state {i} #aws"))))
        .collect();
    let consumer = consumer_over(&env.aws, &env.names, 64);

    // WHEN it processes the batch
    let (response, report) = consumer.process(env.batch(1, &payloads), None).await.unwrap();

    // THEN nothing is reported for retry and all 10,000 are written
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(report.counts.written, 10_000);
    assert_eq!(env.tweets().await.len(), 10_000);
}

#[tokio::test]
async fn ids_above_2_pow_53_are_stored_exactly() {
    // GIVEN tweets whose ids, both as a JSON number and as a string, are above 2^53
    let env = TestEnv::new("bigid").await;
    // 2^53 + 1 cannot be represented as an f64; the max u64 neither.
    let ids = ["9007199254740993", "18446744073709551615", "1859000000000000001"];
    let payloads: Vec<_> = ids
        .iter()
        .map(|id| bytes(&json!({"id": id.parse::<u64>().unwrap(), "id_str": id, "text": "id test #aws"})))
        .collect();

    // WHEN the consumer processes them
    env.consumer()
        .process(env.batch(1, &payloads), None)
        .await
        .unwrap();

    // THEN each is stored under its exact id
    let stored: HashSet<String> = env
        .tweets()
        .await
        .iter()
        .map(|i| s(i, "tweet_id").to_owned())
        .collect();
    assert_eq!(stored, ids.iter().map(|s| s.to_string()).collect());
}

#[tokio::test]
async fn unicode_and_emoji_text_round_trips_verbatim() {
    // GIVEN a tweet whose text mixes scripts, emoji, zero-width joiners, an HTML entity and
    // HTML tags, by an author whose name has accents and an emoji
    let env = TestEnv::new("unicode").await;
    let text = "Déploiement 🚀 sur #aws — 東京リージョン, عربي, Ελληνικά, 👩🏽‍💻 &amp; <b>not html</b> \u{200d}";
    let name = "Zoë 🦀 Ünïcode";
    let mut tweet = v1_tweet(&big_id(1), text);
    tweet["user"]["name"] = json!(name);

    // WHEN the consumer processes it
    env.consumer()
        .process(env.batch(1, &[bytes(&tweet)]), None)
        .await
        .unwrap();

    // THEN its text and name are stored exactly as sent
    let item = env.tweet(&big_id(1)).await.unwrap();
    assert_eq!(s(&item, "text"), text);
    assert_eq!(s(&item, "name"), name);
}

#[tokio::test]
async fn v2_envelope_records_are_written_with_their_author() {
    // GIVEN a v2 record: the tweet in `data`, its author in `includes.users`
    let env = TestEnv::new("v2").await;
    let record = json!({
        "data": {"id": big_id(1), "text": "Bedrock agents on #aws", "author_id": "77",
                 "created_at": "2026-11-26T09:30:00.000Z", "public_metrics": {"retweet_count": 4, "like_count": 5}},
        "includes": {"users": [{"id": "77", "name": "Vee Two", "username": "veetwo",
                     "public_metrics": {"followers_count": 9, "following_count": 8, "tweet_count": 7, "listed_count": 6}}]}
    });

    // WHEN the consumer processes it
    env.consumer()
        .process(env.batch(1, &[bytes(&record)]), None)
        .await
        .unwrap();

    // THEN the item carries the author's username and followers, the tweet's likes as
    // favourites, and its creation time
    let item = env.tweet(&big_id(1)).await.unwrap();
    assert_eq!(
        (
            s(&item, "screen_name"),
            n(&item, "followers"),
            n(&item, "favourites")
        ),
        ("veetwo", "9", "5")
    );
    assert_eq!(s(&item, "created_at"), "2026-11-26T09:30:00.000Z");
}

#[tokio::test]
async fn redelivered_poison_keeps_its_first_quarantine_entry() {
    // GIVEN a poison record quarantined by its first delivery
    let env = TestEnv::new("requarantine").await;
    let consumer = env.consumer();
    consumer
        .process(env.batch(1, &[b"nope".to_vec()]), None)
        .await
        .unwrap();
    let first = env.quarantined().await;

    // WHEN the same batch is delivered again
    let (response, report) = consumer
        .process(env.batch(1, &[b"nope".to_vec()]), None)
        .await
        .unwrap();

    // THEN it is acknowledged as quarantined, and the quarantine table is unchanged
    assert!(response.batch_item_failures.is_empty());
    assert!(matches!(report.outcomes[0].1, RecordOutcome::Quarantined(_)));
    assert_eq!(env.quarantined().await, first);
}
