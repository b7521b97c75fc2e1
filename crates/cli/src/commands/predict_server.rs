//! `tweetboard predict-server`: serve a model over the Amazon ML and SageMaker
//! prediction protocols, so the consumer can call a local endpoint.

use std::path::PathBuf;

use tweetboard_classifier::Model;

use super::CliResult;

/// Serve a model over Amazon ML's Predict protocol and SageMaker's invocation route.
///
/// Amazon ML: POST / with X-Amz-Target: AmazonML_20141212.Predict (JSON 1.1); point
/// AML_PREDICT_ENDPOINT at http://HOST:PORT and set AML_MODEL_ID to the model's id
/// (printed at start). SageMaker: POST /endpoints/NAME/invocations with the record as a
/// JSON object; point AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME at http://HOST:PORT.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 8085)]
    port: u16,
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// A model artifact; default: the model compiled into this binary.
    #[arg(long)]
    model: Option<PathBuf>,
}

pub async fn run(Args { port, host, model }: Args) -> CliResult {
    let model = Model::load_or_default(model.as_deref())?;
    let listener = tokio::net::TcpListener::bind((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    outln!(
        "serving model {} on http://{}",
        model.id(),
        listener.local_addr()?
    );
    outln!(
        "  Amazon ML: AML_PREDICT_ENDPOINT=http://{host}:{port} AML_MODEL_ID={}",
        model.id()
    );
    outln!("  SageMaker: AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=http://{host}:{port}");
    tweetboard_cli::predict_server::serve(listener, model).await?;
    Ok(())
}
