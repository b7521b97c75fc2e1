//! On-failure-queue replay (`tweetboard replay --from-failures QUEUE_URL`): replay the
//! batches the event source mapping gave up on, as recorded in its SQS on-failure
//! destination, and delete each message once all of its records are settled.

use std::collections::HashSet;

use tweetboard_aws::failures::{parse_invocation_record, FailureMessage, FailureQueue};
use tweetboard_aws::kinesis::StartPosition;
use tweetboard_core::ports::ShardSource;

use super::{Replay, ReplayError, ReplayOptions, ReplayPipeline, ReplaySummary, ReplayTo, Unsettled};

/// What `replay --from-failures` did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FailureReplaySummary {
    pub messages: usize,
    /// Messages whose records are all settled now, deleted from the queue.
    pub deleted: usize,
    /// `(message id, why)`: left on the queue.
    pub kept: Vec<(String, String)>,
    /// Messages received again in this run after their visibility timeout (kept ones
    /// coming back): not replayed twice, left on the queue.
    pub received_again: usize,
    pub replay: ReplaySummary,
}

/// Replays every failed batch the queue holds, deleting each message only once all of
/// its records are settled (written, already present or quarantined).
///
/// No message is worked on twice, nor by two readers at once: messages are received one
/// at a time (none waits in hand while its visibility timeout runs out), the one being
/// replayed is kept hidden for as long as that takes, and one received again in the same
/// run (a kept message whose timeout expired) is left alone.
///
/// `open_stream` gives the shard reader of a stream by name (a message names the stream
/// its batch came from): `KinesisReader::new(client, name)` in production.
pub async fn replay_failures<S: ShardSource>(
    queue: &FailureQueue,
    open_stream: impl Fn(&str) -> S,
    pipeline: &ReplayPipeline,
    options: &ReplayOptions,
    mut on_progress: impl FnMut(&FailureReplaySummary),
) -> Result<FailureReplaySummary, ReplayError> {
    let mut out = FailureReplaySummary::default();
    // Shared by every message: a failed record holds its id's later records back in
    // later messages too.
    let mut unsettled = Unsettled::default();
    let mut handled: HashSet<String> = HashSet::new();
    loop {
        let messages = queue.receive(1).await?;
        if messages.is_empty() {
            return Ok(out);
        }
        for message in messages {
            if !handled.insert(message.message_id.clone()) {
                out.received_again += 1;
                continue;
            }
            out.messages += 1;
            let info = match parse_invocation_record(&message.body) {
                Ok(info) => info,
                Err(why) => {
                    out.kept.push((message.message_id, why.to_string()));
                    continue;
                }
            };
            let reader = open_stream(info.stream_name());
            let range = ReplayOptions {
                shards: vec![info.shard_id.clone()],
                from: StartPosition::AtSequenceNumber(info.start_sequence_number.clone()),
                to: Some(ReplayTo::Sequence(info.end_sequence_number.clone())),
                ..options.clone()
            };
            let replay = Replay::new(&reader, pipeline, range);
            let summary = match keep_hidden(queue, &message, replay.run_holding(&mut unsettled, |_| {})).await
            {
                Ok(s) => s,
                Err(ReplayError::UnknownShard { shard, .. }) => {
                    out.kept.push((
                        message.message_id,
                        format!("shard {shard} no longer exists (past retention)"),
                    ));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let verdict = why_kept(&summary);
            out.replay.merge(&summary);
            match verdict {
                None => {
                    queue.delete(&message).await?;
                    out.deleted += 1;
                }
                Some(why) => out.kept.push((message.message_id, why)),
            }
            on_progress(&out);
        }
    }
}

/// Why a message whose range replayed as `summary` must stay on the queue; `None` when
/// every record in it is settled and the message can go.
fn why_kept(summary: &ReplaySummary) -> Option<String> {
    if summary.records_read == 0 {
        Some("no records in the range: past retention, or not yet readable".to_owned())
    } else if !summary.trimmed.is_empty() {
        Some("part of the range is past retention (trimmed)".to_owned())
    } else if summary.failed > 0 || summary.held_back > 0 {
        let held = match summary.held_back {
            0 => String::new(),
            n => format!(", {n} held back behind an earlier failed record of their tweet id"),
        };
        Some(format!("{} records still fail{held}; run again", summary.failed))
    } else {
        None
    }
}

/// Runs `work`, extending the message's visibility every third of the timeout, so it
/// stays hidden from other readers however long the work takes.
async fn keep_hidden<T>(
    queue: &FailureQueue,
    message: &FailureMessage,
    work: impl std::future::Future<Output = T>,
) -> T {
    let every = queue.visibility() / 3;
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            () = tokio::time::sleep(every) => {
                if let Err(e) = queue.extend_visibility(message).await {
                    tracing::warn!(event = "visibility_extension_failed", message_id = %message.message_id, error = %e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_goes_only_once_every_record_in_its_range_is_settled() {
        // GIVEN the replays of four messages' ranges
        let settled = ReplaySummary {
            records_read: 3,
            newly_written: 2,
            already_present: 1,
            ..ReplaySummary::default()
        };
        let empty = ReplaySummary::default();
        let trimmed = ReplaySummary {
            trimmed: vec!["shardId-0".into()],
            ..settled.clone()
        };
        let failing = ReplaySummary {
            failed: 1,
            held_back: 2,
            ..settled.clone()
        };

        // WHEN each is judged
        // THEN only the fully settled one may be deleted, and the others say why not
        assert_eq!(why_kept(&settled), None);
        assert!(why_kept(&empty).unwrap().contains("no records in the range"));
        assert!(why_kept(&trimmed).unwrap().contains("past retention (trimmed)"));
        assert_eq!(
            why_kept(&failing).unwrap(),
            "1 records still fail, 2 held back behind an earlier failed record of their tweet id; run again"
        );
    }
}
