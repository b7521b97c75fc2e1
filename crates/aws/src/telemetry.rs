//! Log setup shared by the binaries: JSON lines in Lambda (CloudWatch Logs Insights
//! parses them), compact human text on a terminal. `RUST_LOG` filters, as usual.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if in_lambda {
        // The current span (the runtime's invocation span, its request id) goes on each
        // line; a record's own lines name the record themselves (no span per record).
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .without_time()
            .try_init()
    } else {
        builder.compact().try_init()
    };
}

/// The consumer's metrics namespace in CloudWatch.
pub const METRICS_NAMESPACE: &str = "tweetboard";

/// One CloudWatch Embedded Metric Format document for a processed batch: printed as a
/// single line on stdout, CloudWatch Logs turns it into metrics with no API call. The
/// values are the batch's own counts, the same ones its `batch_processed` log line
/// carries, so the two cannot disagree.
pub fn batch_metrics_emf(
    function: &str,
    counts: &tweetboard_core::batch::BatchCounts,
    timestamp_ms: i64,
) -> serde_json::Value {
    let metrics: [(&str, usize); 9] = [
        ("Records", counts.records),
        ("Written", counts.written),
        ("WrittenOn", counts.written_on),
        ("WrittenOff", counts.written_off),
        ("AlreadyStored", counts.already_stored),
        ("DuplicatesInBatch", counts.duplicates_in_batch),
        ("Conflicts", counts.conflicts),
        ("Quarantined", counts.quarantined),
        ("RetryReported", counts.retry),
    ];
    let mut doc = serde_json::json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": METRICS_NAMESPACE,
                "Dimensions": [["Function"]],
                "Metrics": metrics.iter().map(|(name, _)| serde_json::json!({"Name": name, "Unit": "Count"})).collect::<Vec<_>>(),
            }],
        },
        "Function": function,
    });
    for (name, value) in metrics {
        doc[name] = serde_json::json!(value);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_document_declares_and_carries_every_metric() {
        let counts = tweetboard_core::batch::BatchCounts {
            records: 5,
            written: 3,
            quarantined: 1,
            retry: 1,
            ..Default::default()
        };
        let doc = batch_metrics_emf("consumer", &counts, 1_700_000_000_000);
        let declared = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"].as_array().unwrap();
        assert_eq!(declared.len(), 9);
        for m in declared {
            let name = m["Name"].as_str().unwrap();
            assert!(doc[name].is_u64(), "{name} has a value");
        }
        assert_eq!(
            (
                doc["Records"].as_u64(),
                doc["Quarantined"].as_u64(),
                doc["RetryReported"].as_u64()
            ),
            (Some(5), Some(1), Some(1))
        );
        assert_eq!(doc["Function"], "consumer");
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            serde_json::json!([["Function"]])
        );
    }
}
