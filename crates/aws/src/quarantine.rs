//! Operator access to the quarantine table: list, fetch (raw bytes reassembled from
//! their parts), and record the outcome of a retry. Entries are never deleted: a
//! resolved one is marked, so nothing is lost either way.

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use tweetboard_core::attributes::quarantine;
use tweetboard_core::decode::format_time;
use tweetboard_core::error::bounded_reason;
use tweetboard_core::ServiceError;

use crate::dynamo::quarantine_part_key;
use crate::errors::classify;
use crate::item::{FromItem, Item, ItemError, ItemExt};

/// A quarantined record as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuarantineEntry {
    pub event_id: String,
    pub reason: String,
    pub data_size: usize,
    /// The store refused the full entry, so only the size of the raw bytes was kept.
    pub data_omitted: bool,
    #[serde(skip)]
    pub data: Vec<u8>,
    pub partition_key: String,
    pub sequence_number: String,
    pub source_arn: String,
    pub arrived_at: String,
    pub quarantined_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub last_retry_at: Option<String>,
    pub last_retry_reason: Option<String>,
}

/// An entry item (not a part item). The attributes an entry leaves out when empty
/// (partition key, source ARN) are empty strings; the ones a retry adds are `None` until
/// it does.
impl FromItem for QuarantineEntry {
    fn from_item(item: &Item) -> Result<Self, ItemError> {
        let s = |name| item.get_s(name).map(str::to_owned);
        let optional = |name| item.opt_s(name).map(|v| v.map(str::to_owned));
        Ok(Self {
            event_id: s(quarantine::EVENT_ID)?,
            reason: s(quarantine::REASON)?,
            data_size: item.get_n(quarantine::DATA_SIZE)?,
            data_omitted: item.opt_bool(quarantine::DATA_OMITTED)?.unwrap_or(false),
            data: item.get_b(quarantine::DATA)?.to_vec(),
            partition_key: optional(quarantine::PARTITION_KEY)?.unwrap_or_default(),
            sequence_number: s(quarantine::SEQUENCE_NUMBER)?,
            source_arn: optional(quarantine::SOURCE_ARN)?.unwrap_or_default(),
            arrived_at: s(quarantine::ARRIVED_AT)?,
            quarantined_at: s(quarantine::QUARANTINED_AT)?,
            resolved_at: optional(quarantine::RESOLVED_AT)?,
            resolution: optional(quarantine::RESOLUTION)?,
            last_retry_at: optional(quarantine::LAST_RETRY_AT)?,
            last_retry_reason: optional(quarantine::LAST_RETRY_REASON)?,
        })
    }
}

/// An entry read by `operation`; the error of a corrupt one names the entry too, since
/// a Scan returns many.
fn read_entry(item: &Item, operation: &'static str) -> Result<QuarantineEntry, ServiceError> {
    QuarantineEntry::from_item(item).map_err(|e| {
        let id = item.opt_s(quarantine::EVENT_ID).ok().flatten().unwrap_or("?");
        ServiceError::permanent(operation, format!("corrupt quarantine entry {id}: {e}")).with_source(e)
    })
}

/// How many items hold an entry's raw bytes: the entry itself, and parts 2.. when it
/// says so.
fn parts(entry: &Item) -> Result<usize, ItemError> {
    Ok(entry.opt_n(quarantine::DATA_PARTS)?.unwrap_or(1))
}

#[derive(Clone)]
pub struct QuarantineAdmin {
    client: Client,
    table: String,
}

impl QuarantineAdmin {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Entries (not their extra parts), oldest first; `reason` filters by prefix.
    /// A Scan: the quarantine table is small, and this is an operator's tool.
    pub async fn list(
        &self,
        reason: Option<&str>,
        include_resolved: bool,
    ) -> Result<Vec<QuarantineEntry>, ServiceError> {
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("attribute_not_exists(#part)")
                .expression_attribute_names("#part", quarantine::PART_OF)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| classify("Scan", e))?;
            for item in page.items() {
                out.push(read_entry(item, "Scan")?);
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        out.retain(|e| {
            reason.is_none_or(|r| e.reason.starts_with(r)) && (include_resolved || e.resolved_at.is_none())
        });
        out.sort_by(|a, b| (&a.quarantined_at, &a.event_id).cmp(&(&b.quarantined_at, &b.event_id)));
        Ok(out)
    }

    /// One entry with all of its raw bytes.
    pub async fn get(&self, event_id: &str) -> Result<Option<QuarantineEntry>, ServiceError> {
        let Some(item) = self.get_item(event_id).await? else {
            return Ok(None);
        };
        let mut entry = read_entry(&item, "GetItem")?;
        for n in 2..=parts(&item).map_err(|e| e.during("GetItem"))? {
            let key = quarantine_part_key(event_id, n);
            let part = self.get_item(&key).await?.ok_or_else(|| {
                ServiceError::permanent("GetItem", format!("part {n} of {event_id} ({key}) is missing"))
            })?;
            let data = part.get_b(quarantine::DATA).map_err(|e| e.during("GetItem"))?;
            entry.data.extend_from_slice(data);
        }
        Ok(Some(entry))
    }

    async fn get_item(&self, event_id: &str) -> Result<Option<Item>, ServiceError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(quarantine::EVENT_ID, AttributeValue::S(event_id.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        Ok(out.item)
    }

    /// Marks an entry resolved: the record has now been written (or was already).
    pub async fn mark_resolved(&self, event_id: &str, resolution: &str) -> Result<(), ServiceError> {
        self.stamp(
            event_id,
            quarantine::RESOLVED_AT,
            quarantine::RESOLUTION,
            resolution,
        )
        .await
    }

    /// Records that a retry still failed, and why; the first reason stays.
    pub async fn note_retry_failure(&self, event_id: &str, reason: &str) -> Result<(), ServiceError> {
        self.stamp(
            event_id,
            quarantine::LAST_RETRY_AT,
            quarantine::LAST_RETRY_REASON,
            reason,
        )
        .await
    }

    /// Sets `time_attr` to now and `text_attr` to `text` on an existing entry.
    async fn stamp(
        &self,
        event_id: &str,
        time_attr: &str,
        text_attr: &str,
        text: &str,
    ) -> Result<(), ServiceError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(quarantine::EVENT_ID, AttributeValue::S(event_id.to_owned()))
            .update_expression("SET #at = :at, #text = :text")
            .condition_expression("attribute_exists(#id)")
            .expression_attribute_names("#at", time_attr)
            .expression_attribute_names("#text", text_attr)
            .expression_attribute_names("#id", quarantine::EVENT_ID)
            .expression_attribute_values(":at", AttributeValue::S(format_time(Utc::now())))
            .expression_attribute_values(":text", AttributeValue::S(bounded_reason(text)))
            .send()
            .await
            .map_err(|e| classify("UpdateItem", e))?;
        Ok(())
    }
}

/// Raw bytes for a terminal: text with control characters escaped when it is UTF-8,
/// a hex dump otherwise. Nothing in a record can move the cursor or change the colours.
pub fn render_bytes(data: &[u8], max: usize) -> String {
    let shown = &data[..data.len().min(max)];
    let more = if data.len() > max {
        format!("\n... {} more bytes", data.len() - max)
    } else {
        String::new()
    };
    match std::str::from_utf8(shown) {
        Ok(text) => format!("{}{more}", text.escape_debug()),
        Err(_) => {
            let mut out = String::new();
            for (i, chunk) in shown.chunks(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                let ascii: String = chunk
                    .iter()
                    .map(|&b| {
                        if b.is_ascii_graphic() || b == b' ' {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                out += &format!("{:08x}  {:<48} |{ascii}|\n", i * 16, hex.join(" "));
            }
            format!("{}{more}", out.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tweetboard_core::{InputRecord, QuarantinedRecord, RecordSource};

    use crate::dynamo::quarantine_item;

    /// An entry item as the quarantine writer stores it.
    fn entry_item() -> Item {
        let record = InputRecord {
            event_id: "shardId-000000000000:7".into(),
            sequence_number: "7".into(),
            partition_key: String::new(),
            data: b"{not json".to_vec().into(),
            arrived_at: Utc::now(),
            source: RecordSource {
                stream_arn: "arn:aws:kinesis:us-east-1:1:stream/tweets".into(),
                shard_id: "shardId-000000000000".into(),
            },
        };
        let reason = tweetboard_core::QuarantineReason::Decode(tweetboard_core::DecodeError::NotJson(
            "expected value".into(),
        ));
        let q = QuarantinedRecord::new(&record, &reason, Utc::now());
        quarantine_item(&q, &q.data, 1)
    }

    #[test]
    fn an_entry_reads_back_as_written_with_its_empty_attributes_left_out() {
        // GIVEN an entry item without a partition key (left out when empty)
        let item = entry_item();
        assert!(!item.contains_key(quarantine::PARTITION_KEY));

        // WHEN it is read back
        let entry = QuarantineEntry::from_item(&item).unwrap();

        // THEN it is the record, with an empty partition key and no retry notes
        assert_eq!(entry.event_id, "shardId-000000000000:7");
        assert_eq!(entry.data, b"{not json");
        assert_eq!((entry.data_size, entry.data_omitted), (9, false));
        assert_eq!(entry.partition_key, "");
        assert_eq!(
            entry.reason,
            "not_json: record is not valid UTF-8 JSON: expected value"
        );
        assert_eq!(entry.resolved_at, None);
        assert_eq!(parts(&item), Ok(1));
    }

    #[test]
    fn a_corrupt_entry_is_an_error_naming_the_entry_and_the_attribute() {
        // GIVEN entry items with a required attribute missing, or of the wrong type
        let mut no_reason = entry_item();
        no_reason.remove(quarantine::REASON);
        let mut text_size = entry_item();
        text_size.insert(quarantine::DATA_SIZE.into(), AttributeValue::S("9".into()));
        let mut string_data = entry_item();
        string_data.insert(quarantine::DATA.into(), AttributeValue::S("{not json".into()));

        for (item, attribute) in [
            (no_reason, quarantine::REASON),
            (text_size, quarantine::DATA_SIZE),
            (string_data, quarantine::DATA),
        ] {
            // WHEN it is read back
            let err = read_entry(&item, "Scan").unwrap_err();

            // THEN the error is permanent and names the entry and the attribute
            assert!(!err.is_transient());
            let message = err.to_string();
            assert!(message.contains("shardId-000000000000:7"), "{message}");
            assert!(message.contains(&format!("`{attribute}`")), "{message}");
        }
    }

    #[test]
    fn a_part_count_that_is_not_a_count_is_an_error() {
        let mut item = entry_item();
        item.insert(quarantine::DATA_PARTS.into(), AttributeValue::N("two".into()));

        assert_eq!(parts(&item).unwrap_err().attribute(), quarantine::DATA_PARTS);
    }

    #[test]
    fn bytes_render_safely() {
        assert_eq!(render_bytes(b"hi\x1b[31m\n", 100), "hi\\u{1b}[31m\\n");
        let dump = render_bytes(&[0xff, 0x00, b'A'], 100);
        assert_eq!(
            dump,
            "00000000  ff 00 41                                         |..A|"
        );
        assert!(render_bytes(&[b'x'; 10], 4).ends_with("... 6 more bytes"));
    }
}
