//! The Amazon ML and SageMaker classifier options, for real: the consumer calls
//! `tweetboard predict-server` over Amazon ML's `Predict` protocol (through
//! `aws-sdk-machinelearning`) and SageMaker's `InvokeEndpoint` (through
//! `aws-sdk-sagemakerruntime`), and must store exactly what the embedded path stores.

use std::collections::HashMap;
use std::sync::Arc;

use tweetboard_aws::load_sdk_config;
use tweetboard_aws::ml::{AmlClassifier, SageMakerClassifier};
use tweetboard_classifier::Model;
use tweetboard_cli::ingest_file::{parse_tweets, SAMPLE_TWEETS};
use tweetboard_cli::predict_server;
use tweetboard_integration_tests::*;

/// Starts the predict server on a free loopback port; it stops with the test's runtime.
async fn start_predict_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum_serve(listener).await });
    url
}

async fn axum_serve(listener: tokio::net::TcpListener) {
    predict_server::serve(listener, Model::embedded_default())
        .await
        .unwrap();
}

/// tweet id → (prediction, probability, score) as stored.
async fn results(env: &TestEnv) -> HashMap<String, (String, String, String)> {
    env.tweets()
        .await
        .iter()
        .map(|i| {
            let key = s(i, "tweet_id").to_owned();
            (
                key,
                (
                    s(i, "prediction").to_owned(),
                    n(i, "probability").to_owned(),
                    n(i, "score").to_owned(),
                ),
            )
        })
        .collect()
}

fn sample_batch(env: &TestEnv, count: usize) -> aws_lambda_events::event::kinesis::KinesisEvent {
    let tweets = parse_tweets("samples", SAMPLE_TWEETS).unwrap();
    let payloads: Vec<Vec<u8>> = tweets.iter().take(count).map(bytes).collect();
    env.batch(1, &payloads)
}

#[tokio::test]
async fn amazon_ml_and_sagemaker_paths_store_exactly_what_the_embedded_model_stores() {
    // GIVEN the same 150 sample tweets for three consumers: embedded, Amazon ML, SageMaker
    let url = start_predict_server().await;
    let model = Model::embedded_default();
    let (embedded_env, aml_env, sm_env) = (
        TestEnv::new("cls-emb").await,
        TestEnv::new("cls-aml").await,
        TestEnv::new("cls-sm").await,
    );
    let sdk = load_sdk_config().await.unwrap();
    // A client-level endpoint: the process-wide AWS_ENDPOINT_URL (the emulator) would
    // otherwise win over one set on the shared config.
    let sagemaker_client = aws_sdk_sagemakerruntime::Client::from_conf(
        aws_sdk_sagemakerruntime::config::Builder::from(&sdk)
            .endpoint_url(&url)
            .build(),
    );
    let aml = AmlClassifier::new(&sdk, model.id(), &url);
    let sagemaker = SageMakerClassifier::from_client(sagemaker_client, "tweetboard-classifier");

    // WHEN each handles the batch
    for (env, consumer) in [
        (&embedded_env, embedded_env.consumer()),
        (
            &aml_env,
            consumer_with(&aml_env.aws, &aml_env.names, Arc::new(aml), 16),
        ),
        (
            &sm_env,
            consumer_with(&sm_env.aws, &sm_env.names, Arc::new(sagemaker), 16),
        ),
    ] {
        let response = consumer.handle(invocation(sample_batch(env, 150))).await.unwrap();
        assert!(response.batch_item_failures.is_empty());
    }

    // THEN every tweet has the same label, probability and score on all three paths
    let embedded = results(&embedded_env).await;
    assert!(embedded.len() >= 145, "{}", embedded.len());
    let labels: Vec<&str> = embedded.values().map(|(p, _, _)| p.as_str()).collect();
    assert!(labels.contains(&"ON") && labels.contains(&"OFF"));
    assert_eq!(results(&aml_env).await, embedded);
    assert_eq!(results(&sm_env).await, embedded);
    let item = aml_env.tweets().await.pop().unwrap();
    assert_eq!(s(&item, "model_id"), model.id());
}

#[tokio::test]
async fn an_unreachable_amazon_ml_endpoint_means_retry_never_a_guess() {
    // GIVEN a consumer whose Amazon ML predict endpoint is a closed loopback port
    let env = TestEnv::new("cls-aml-down").await;
    let sdk = load_sdk_config().await.unwrap();
    let aml = AmlClassifier::new(&sdk, "ml-model", "http://127.0.0.1:9");
    let consumer = consumer_with(&env.aws, &env.names, Arc::new(aml), 16);

    // WHEN it handles three sample tweets
    let response = consumer.handle(invocation(sample_batch(&env, 3))).await.unwrap();

    // THEN all three are reported for retry, and none is written or quarantined
    assert_eq!(response.batch_item_failures.len(), 3);
    assert!(env.tweets().await.is_empty());
    assert!(
        env.quarantined().await.is_empty(),
        "endpoint errors are not the record's fault"
    );
}

#[tokio::test]
async fn the_predict_server_answers_amazon_ml_errors_in_its_own_format() {
    // GIVEN the predict server, and an Amazon ML client whose endpoint is that server
    let url = start_predict_server().await;
    let sdk = load_sdk_config().await.unwrap();
    let client = aws_sdk_machinelearning::Client::from_conf(
        aws_sdk_machinelearning::config::Builder::from(&sdk)
            .endpoint_url(&url)
            .build(),
    );

    // WHEN the client asks it for a prediction from a model id it does not serve
    let err = client
        .predict()
        .ml_model_id("ml-unknown")
        .predict_endpoint(&url)
        .record("text", "hello")
        .send()
        .await
        .unwrap_err();

    // THEN the SDK reads the answer as Amazon ML's ResourceNotFoundException
    let service = err.into_service_error();
    assert!(service.is_resource_not_found_exception(), "{service:?}");
}

#[tokio::test]
async fn model_path_overrides_the_default_and_a_corrupt_model_fails_at_start_up() {
    use tweetboard_aws::{AwsClients, ClassifierConfig};
    // GIVEN a scratch directory holding a copy of the built-in model with another id
    let aws = AwsClients::load().await.unwrap();
    let dir = std::env::temp_dir().join(unique("model"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut artifact = Model::embedded_default().artifact().clone();
    artifact.id = "custom-model-1".into();
    let good = dir.join("good.json");
    std::fs::write(&good, serde_json::to_string(&artifact).unwrap()).unwrap();

    // WHEN the embedded classifier is built with that file as its model path (MODEL_PATH)
    let classifier = aws
        .classifier(&ClassifierConfig::Embedded {
            model_path: Some(good),
        })
        .unwrap();

    // THEN the classifier uses that model, not the default
    assert_eq!(classifier.model_id(), "custom-model-1");

    // AND a truncated copy is refused when the classifier is built, with the path in the error
    let text = serde_json::to_string(&artifact).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    let err = aws
        .classifier(&ClassifierConfig::Embedded {
            model_path: Some(bad.clone()),
        })
        .err()
        .unwrap();
    assert!(err.to_string().contains(&bad.display().to_string()), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
