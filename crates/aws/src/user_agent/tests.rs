use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::dynamo_client::dynamo_client;

/// The user-agent headers of one request, in the order received.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A loopback HTTP/1.1 server standing in for DynamoDB: it keeps each request's
/// user-agent headers and answers `{}`, which every operation used here accepts.
async fn recording_server() -> (String, Seen) {
    let (url, seen, _) = failing_server().await;
    (url, seen)
}

/// [`recording_server`] that answers the next requests HTTP 500 (a retryable server
/// error) while the returned count is above zero, counting it down.
async fn failing_server() -> (String, Seen, Arc<AtomicUsize>) {
    let failures = Arc::new(AtomicUsize::new(0));
    let fail = failures.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let record = record.clone();
            let fail = fail.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut read = BufReader::new(read);
                loop {
                    let (mut headers, mut length) = (Vec::new(), 0usize);
                    loop {
                        let mut line = String::new();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let line = line.trim_end();
                        if line.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = line.split_once(':') {
                            let (name, value) = (name.to_ascii_lowercase(), value.trim().to_owned());
                            if name == "content-length" {
                                length = value.parse().unwrap();
                            }
                            if name.ends_with("user-agent") {
                                headers.push((name, value));
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    read.read_exact(&mut body).await.unwrap();
                    record.lock().unwrap().push(headers);
                    let failed = fail.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
                    let answer = if failed.is_ok() {
                        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 2\r\n\r\n{}"
                    } else {
                        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 2\r\n\r\n{}"
                    };
                    write.write_all(answer.as_bytes()).await.unwrap();
                }
            });
        }
    });
    (url, seen, failures)
}

async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region("us-east-1")
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// Three kinds of request, the put twice (the second one from the kept headers).
async fn send_requests(client: &aws_sdk_dynamodb::Client) {
    for id in ["1", "2"] {
        client
            .put_item()
            .table_name("t")
            .item("tweet_id", AttributeValue::S(id.into()))
            .condition_expression("attribute_not_exists(tweet_id)")
            .send()
            .await
            .unwrap();
    }
    client.describe_table().table_name("t").send().await.unwrap();
    client
        .update_item()
        .table_name("t")
        .key("tweet_id", AttributeValue::S("1".into()))
        .update_expression("SET n = :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    client
        .put_item()
        .table_name("t")
        .item("tweet_id", AttributeValue::S("3".into()))
        .send()
        .await
        .unwrap();
}

/// A paginated scan of the whole table: the number of pages read.
async fn scan_pages(client: &aws_sdk_dynamodb::Client) -> usize {
    let pages: Vec<_> = client
        .scan()
        .table_name("t")
        .into_paginator()
        .send()
        .collect()
        .await;
    pages.len()
}

#[tokio::test]
async fn the_headers_are_the_sdks() {
    // GIVEN the SDK's DynamoDB client and ours, on the same configuration
    let (url, seen) = recording_server().await;
    let sdk = sdk_config(&url).await;
    let theirs = aws_sdk_dynamodb::Client::new(&sdk);
    let ours = dynamo_client(&sdk);

    // WHEN each sends the same requests
    send_requests(&theirs).await;
    let sdk_headers = std::mem::take(&mut *seen.lock().unwrap());
    send_requests(&ours).await;
    let our_headers = std::mem::take(&mut *seen.lock().unwrap());

    // THEN every request carries one of each header, with the SDK's values
    assert_eq!(sdk_headers.len(), 5);
    for headers in &sdk_headers {
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["user-agent", "x-amz-user-agent"], "{headers:?}");
        assert!(headers[0].1.starts_with("aws-sdk-rust/"), "{headers:?}");
    }
    assert_eq!(our_headers, sdk_headers);
}

#[tokio::test]
async fn a_request_with_other_features_gets_its_own_header() {
    // GIVEN our client, which has kept the header of a put
    let (url, seen) = recording_server().await;
    let sdk = sdk_config(&url).await;
    let ours = dynamo_client(&sdk);
    send_requests(&ours).await;
    let first = std::mem::take(&mut *seen.lock().unwrap());

    // WHEN a paginated scan follows (a feature the puts did not use)
    assert_eq!(scan_pages(&ours).await, 1);
    let paged = std::mem::take(&mut *seen.lock().unwrap());

    // THEN its header is the SDK's for a paginated request, and the next put's is a put's
    let theirs = aws_sdk_dynamodb::Client::new(&sdk);
    scan_pages(&theirs).await;
    let sdk_paged = std::mem::take(&mut *seen.lock().unwrap());
    assert_eq!(paged, sdk_paged);
    assert_ne!(
        paged[0], first[0],
        "a paginated request's metrics differ from a put's"
    );
    send_requests(&ours).await;
    assert_eq!(*seen.lock().unwrap(), first);
}

#[tokio::test]
async fn a_retried_request_sends_the_sdks_headers_on_every_attempt() {
    // GIVEN a server that fails the first attempt of a put with HTTP 500, for the SDK's
    // client and for ours (ours having kept a put's header already)
    let (url, seen, failures) = failing_server().await;
    let sdk = sdk_config(&url).await;
    let theirs = aws_sdk_dynamodb::Client::new(&sdk);
    let ours = dynamo_client(&sdk);
    send_requests(&ours).await;
    seen.lock().unwrap().clear();
    let put = |client: aws_sdk_dynamodb::Client| async move {
        client
            .put_item()
            .table_name("t")
            .item("tweet_id", AttributeValue::S("9".into()))
            .condition_expression("attribute_not_exists(tweet_id)")
            .send()
            .await
            .unwrap();
    };

    // WHEN each sends a put that is retried once
    failures.store(1, Ordering::SeqCst);
    put(theirs).await;
    let sdk_attempts = std::mem::take(&mut *seen.lock().unwrap());
    failures.store(1, Ordering::SeqCst);
    put(ours).await;
    let our_attempts = std::mem::take(&mut *seen.lock().unwrap());

    // THEN both attempts carry one of each header, the SDK's own, retry and all
    assert_eq!(sdk_attempts.len(), 2, "{sdk_attempts:?}");
    assert_eq!(our_attempts, sdk_attempts);
}
