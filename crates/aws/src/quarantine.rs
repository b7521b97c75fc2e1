//! Operator access to the quarantine table: list, fetch (raw bytes reassembled from
//! their parts), and record the outcome of a retry. Entries are never deleted: a
//! resolved one is marked, so nothing is lost either way.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::Utc;
use tweetboard_core::attributes::quarantine;
use tweetboard_core::decode::format_time;
use tweetboard_core::error::bounded_reason;
use tweetboard_core::StoreError;

use crate::dynamo::quarantine_part_key;
use crate::errors::classify;

type Item = HashMap<String, AttributeValue>;

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

impl QuarantineEntry {
    fn from_item(item: &Item) -> Self {
        let s = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
        let data = item
            .get(quarantine::DATA)
            .and_then(|v| v.as_b().ok())
            .map(|b| b.as_ref().to_vec())
            .unwrap_or_default();
        let data_size = item
            .get(quarantine::DATA_SIZE)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(data.len());
        Self {
            event_id: s(quarantine::EVENT_ID).unwrap_or_default(),
            reason: s(quarantine::REASON).unwrap_or_default(),
            data_size,
            data_omitted: item
                .get(quarantine::DATA_OMITTED)
                .and_then(|v| v.as_bool().ok())
                .copied()
                .unwrap_or(false),
            data,
            partition_key: s(quarantine::PARTITION_KEY).unwrap_or_default(),
            sequence_number: s(quarantine::SEQUENCE_NUMBER).unwrap_or_default(),
            source_arn: s(quarantine::SOURCE_ARN).unwrap_or_default(),
            arrived_at: s(quarantine::ARRIVED_AT).unwrap_or_default(),
            quarantined_at: s(quarantine::QUARANTINED_AT).unwrap_or_default(),
            resolved_at: s(quarantine::RESOLVED_AT),
            resolution: s(quarantine::RESOLUTION),
            last_retry_at: s(quarantine::LAST_RETRY_AT),
            last_retry_reason: s(quarantine::LAST_RETRY_REASON),
        }
    }

    fn parts(item: &Item) -> usize {
        item.get(quarantine::DATA_PARTS)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1)
    }
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
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
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
            out.extend(page.items().iter().map(QuarantineEntry::from_item));
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
    pub async fn get(&self, event_id: &str) -> Result<Option<QuarantineEntry>, StoreError> {
        let Some(item) = self.get_item(event_id).await? else {
            return Ok(None);
        };
        let mut entry = QuarantineEntry::from_item(&item);
        for n in 2..=QuarantineEntry::parts(&item) {
            let key = quarantine_part_key(event_id, n);
            let part = self.get_item(&key).await?.ok_or_else(|| {
                StoreError::permanent("GetItem", format!("part {n} of {event_id} ({key}) is missing"))
            })?;
            if let Some(b) = part.get(quarantine::DATA).and_then(|v| v.as_b().ok()) {
                entry.data.extend_from_slice(b.as_ref());
            }
        }
        Ok(Some(entry))
    }

    async fn get_item(&self, event_id: &str) -> Result<Option<Item>, StoreError> {
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
    pub async fn mark_resolved(&self, event_id: &str, resolution: &str) -> Result<(), StoreError> {
        self.stamp(
            event_id,
            quarantine::RESOLVED_AT,
            quarantine::RESOLUTION,
            resolution,
        )
        .await
    }

    /// Records that a retry still failed, and why; the first reason stays.
    pub async fn note_retry_failure(&self, event_id: &str, reason: &str) -> Result<(), StoreError> {
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
    ) -> Result<(), StoreError> {
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
