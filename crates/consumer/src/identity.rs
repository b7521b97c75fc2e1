//! The identity fields of an event's records, checked before any work: what no event
//! source mapping sends is refused whole (see [`check_record_identities`]).

use tweetboard_core::InputRecord;

use crate::EventError;

/// Bounds on what Kinesis puts in a record's identity fields, with room to spare (an
/// eventID is `shardId-<12 digits>:<sequence number>`, a sequence number at most 129
/// digits, a partition key at most 256 characters, an ARN a few hundred bytes). They
/// key the quarantine entry and travel in every item, so a forged event with an
/// empty or huge one could be neither written nor quarantined, and would be retried
/// until it expired with its bytes lost; it is refused whole instead, with this error.
const MAX_EVENT_ID_BYTES: usize = 512;
const MAX_SEQUENCE_NUMBER_BYTES: usize = 256;
const MAX_PARTITION_KEY_BYTES: usize = 1024;
const MAX_SOURCE_ARN_BYTES: usize = 2048;

/// Refuses a batch that no event source mapping could have sent (see the bounds above):
/// an identity field empty or over its bound, or two records with one eventID (the
/// quarantine keeps one entry per eventID, so the second's bytes would be lost).
pub(crate) fn check_record_identities(records: &[InputRecord]) -> Result<(), EventError> {
    let mut seen: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(records.len());
    for (index, r) in records.iter().enumerate() {
        for (field, value, max, may_be_empty) in [
            ("an eventID", &r.event_id, MAX_EVENT_ID_BYTES, false),
            (
                "a sequence number",
                &r.sequence_number,
                MAX_SEQUENCE_NUMBER_BYTES,
                false,
            ),
            ("a partition key", &r.partition_key, MAX_PARTITION_KEY_BYTES, true),
            (
                "an event source ARN",
                &r.source.stream_arn,
                MAX_SOURCE_ARN_BYTES,
                true,
            ),
        ] {
            if value.len() > max || (value.is_empty() && !may_be_empty) {
                return Err(EventError::BadIdentity {
                    index,
                    field,
                    len: value.len(),
                    max,
                });
            }
        }
        if let Some(first) = seen.insert(r.event_id.as_str(), index) {
            return Err(EventError::DuplicateEventId {
                first,
                second: index,
                event_id: r.event_id.clone(),
            });
        }
    }
    Ok(())
}
