//! `tweetboard quarantine retry`: quarantined records through the current pipeline
//! (after a parser fix, say). A record that now gets through is written and its entry
//! marked resolved; one that still fails keeps its entry, with the new reason noted.
//! Nothing is deleted either way.

use chrono::{DateTime, Utc};
use tweetboard_aws::quarantine::{QuarantineAdmin, QuarantineEntry};
use tweetboard_core::batch::{process_batch, BatchOptions, BatchPorts};
use tweetboard_core::{InputRecord, RecordOutcome, RecordSource, ServiceError};

/// What became of each retried entry.
#[derive(Debug, Default, serde::Serialize)]
pub struct RetryReport {
    /// `(event id, how)`: written now, or found already present.
    pub resolved: Vec<(String, String)>,
    /// `(event id, why)`: still permanently bad; the entry stays.
    pub still_failing: Vec<(String, String)>,
    /// `(event id, why)`: a transient failure; try again later.
    pub retry_later: Vec<(String, String)>,
}

fn input_record(e: &QuarantineEntry) -> InputRecord {
    let shard_id = e
        .event_id
        .split_once(':')
        .map(|(s, _)| s.to_owned())
        .unwrap_or_default();
    InputRecord {
        event_id: e.event_id.clone(),
        sequence_number: e.sequence_number.clone(),
        partition_key: e.partition_key.clone(),
        data: e.data.clone().into(),
        arrived_at: DateTime::parse_from_rfc3339(&e.arrived_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now()),
        source: RecordSource {
            stream_arn: e.source_arn.clone(),
            shard_id,
        },
    }
}

pub async fn retry(
    admin: &QuarantineAdmin,
    entries: &[QuarantineEntry],
    ports: &BatchPorts<'_>,
    concurrency: usize,
) -> Result<RetryReport, ServiceError> {
    let mut out = RetryReport::default();
    // A minimal entry has no raw bytes to run again: it stays as it is.
    let (entries, omitted): (Vec<&QuarantineEntry>, Vec<&QuarantineEntry>) =
        entries.iter().partition(|e| !e.data_omitted);
    for e in omitted {
        out.still_failing.push((
            e.event_id.clone(),
            "the raw bytes were not kept (data_omitted); nothing to retry".to_owned(),
        ));
    }
    let records: Vec<InputRecord> = entries.iter().copied().map(input_record).collect();
    let options = BatchOptions {
        concurrency,
        ..BatchOptions::default()
    };
    let report = process_batch(ports, &records, &options).await;
    for (entry, (_, outcome)) in entries.iter().zip(&report.outcomes) {
        let id = entry.event_id.clone();
        let resolution = match outcome {
            RecordOutcome::Written(p) => Some(format!("written ({p})")),
            RecordOutcome::AlreadyStored | RecordOutcome::DuplicateInBatch => {
                Some("already present".to_owned())
            }
            RecordOutcome::Conflict => {
                Some("already present with other content; the first version kept".to_owned())
            }
            RecordOutcome::Quarantined(reason) => {
                let reason = reason.to_string();
                admin.note_retry_failure(&id, &reason).await?;
                out.still_failing.push((id, reason));
                None
            }
            RecordOutcome::Retry(reason) => {
                out.retry_later.push((id, reason.to_string()));
                None
            }
        };
        if let Some(how) = resolution {
            admin.mark_resolved(&entry.event_id, &how).await?;
            out.resolved.push((entry.event_id.clone(), how));
        }
    }
    Ok(out)
}
