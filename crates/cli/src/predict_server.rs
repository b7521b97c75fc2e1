//! `tweetboard predict-server`: the embedded model behind two real wire protocols, so the
//! Amazon ML and SageMaker classifier options can be tested for real, and Amazon ML
//! users get a drop-in local endpoint.
//!
//! - Amazon ML `Predict`: `POST /` with `X-Amz-Target: AmazonML_20141212.Predict` and an
//!   `application/x-amz-json-1.1` body `{"MLModelId", "PredictEndpoint", "Record"}`;
//!   answers `{"Prediction": {"details": {...}, "predictedLabel": "0"|"1",
//!   "predictedScores": {"<label>": <raw score for "1">}}}` as a binary Amazon ML model does.
//! - SageMaker `InvokeEndpoint`: `POST /endpoints/{name}/invocations` with the record as
//!   a JSON object; answers `{"predictedLabel": "0"|"1", "score": <raw score for "1">}`.
//!   `GET /ping` answers 200, as a SageMaker container does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use tweetboard_classifier::{EmbeddedClassifier, Model, Record};

use crate::http_server::{self, ServerLimits};

/// Amazon ML's JSON 1.1 target for `Predict`.
pub const AML_PREDICT_TARGET: &str = "AmazonML_20141212.Predict";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// The router, for `serve` and for tests that bind their own port.
pub fn router(model: Model) -> Router {
    let classifier = Arc::new(EmbeddedClassifier::new(model));
    Router::new()
        .route("/", post(aml_predict))
        .route("/endpoints/{name}/invocations", post(sagemaker_invoke))
        .route("/ping", get(|| async { StatusCode::OK }))
        .with_state(classifier)
}

/// An Amazon ML error body: `{"__type": ..., "message": ...}`.
fn aml_error(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    let body = json!({"__type": kind, "message": message.into()}).to_string();
    (status, [(header::CONTENT_TYPE, AMZ_JSON)], body).into_response()
}

#[derive(serde::Deserialize)]
struct PredictRequest {
    #[serde(rename = "MLModelId")]
    ml_model_id: String,
    #[serde(rename = "Record")]
    record: HashMap<String, String>,
}

async fn aml_predict(
    State(classifier): State<Arc<EmbeddedClassifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if target != AML_PREDICT_TARGET {
        return aml_error(
            StatusCode::BAD_REQUEST,
            "UnknownOperationException",
            format!("only {AML_PREDICT_TARGET} is served, not {target:?}"),
        );
    }
    let request: PredictRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return aml_error(StatusCode::BAD_REQUEST, "InvalidInputException", e.to_string()),
    };
    if request.ml_model_id != classifier.model().id() {
        return aml_error(
            StatusCode::BAD_REQUEST,
            "ResourceNotFoundException",
            format!(
                "no model {:?}; this server serves {:?}",
                request.ml_model_id,
                classifier.model().id()
            ),
        );
    }
    let record = match Record::from_aml_map(&request.record) {
        Ok(r) => r,
        Err(e) => return aml_error(StatusCode::BAD_REQUEST, "InvalidInputException", e),
    };
    let c = classifier.classify_record(&record);
    let label = c.prediction.aml_label();
    let body = json!({
        "Prediction": {
            "details": {"Algorithm": "SGD", "PredictiveModelType": "BINARY"},
            "predictedLabel": label,
            "predictedScores": {label: c.score as f32},
        }
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, AMZ_JSON)],
        body.to_string(),
    )
        .into_response()
}

async fn sagemaker_invoke(
    State(classifier): State<Arc<EmbeddedClassifier>>,
    Path(_endpoint): Path<String>,
    body: Bytes,
) -> Response {
    let fields: HashMap<String, serde_json::Value> = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("expected a JSON object record: {e}"),
            )
                .into_response()
        }
    };
    let strings: HashMap<String, String> = fields
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())))
        .collect();
    let record = match Record::from_aml_map(&strings) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let c = classifier.classify_record(&record);
    let body = json!({"predictedLabel": c.prediction.aml_label(), "score": c.score});
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Serves until Ctrl-C, under the default limits (header-read and request timeouts, a
/// bound on connections).
pub async fn serve(listener: tokio::net::TcpListener, model: Model) -> std::io::Result<()> {
    serve_with_limits(listener, model, ServerLimits::default()).await
}

/// Serves until Ctrl-C under `limits`.
pub async fn serve_with_limits(
    listener: tokio::net::TcpListener,
    model: Model,
    limits: ServerLimits,
) -> std::io::Result<()> {
    http_server::serve(listener, router(model), limits, http_server::ctrl_c()).await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn a_client_that_sends_half_a_request_line_is_disconnected() {
        // GIVEN a predict server with a short header-read timeout
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = ServerLimits {
            header_read: Duration::from_millis(300),
            ..ServerLimits::default()
        };
        tokio::spawn(serve_with_limits(listener, Model::embedded_default(), limits));

        // WHEN a client sends half a request line and then nothing
        let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
        client.write_all(b"POST / HT").await.unwrap();

        // THEN the server closes the connection (the guard only stops a hang)
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "the connection is still open");
    }
}
