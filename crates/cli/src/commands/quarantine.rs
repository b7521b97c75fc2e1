//! `tweetboard quarantine list|show|retry`: inspect quarantined records and run them
//! through the current pipeline again (the retry itself is `tweetboard_cli::quarantine_retry`).

use std::path::PathBuf;

use tweetboard_aws::config::{ConsumerConfig, StoreNames};
use tweetboard_aws::quarantine::{render_bytes, QuarantineAdmin, QuarantineEntry};
use tweetboard_cli::quarantine_retry::{self, RetryReport};
use tweetboard_core::batch::BatchPorts;
use tweetboard_core::QuarantineReason;

use super::{CliResult, Context};

/// Inspect and retry quarantined records.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// List quarantined records (unresolved ones unless --all).
    List {
        /// Only entries quarantined for this reason code.
        #[arg(long, value_name = "CODE", value_parser = clap::builder::PossibleValuesParser::new(QuarantineReason::CODES))]
        reason: Option<String>,
        /// Include entries already resolved by a retry.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one record: its metadata and its raw bytes, rendered safely.
    Show {
        event_id: String,
        /// Write the exact raw bytes to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Bytes of the record to show.
        #[arg(long, default_value_t = 2048)]
        max_bytes: usize,
    },
    /// Run quarantined records through the current pipeline again.
    ///
    /// A record that now gets through is written and its entry marked resolved; one
    /// that still fails keeps its entry, with the new reason noted. Nothing is deleted.
    Retry {
        /// The entry to retry (its event id, shardId:sequenceNumber).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        event_id: Option<String>,
        /// Retry every unresolved entry.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(args: Args) -> CliResult {
    let cx = Context::<StoreNames>::load().await?;
    let admin = cx.quarantine_admin();
    match args.action {
        Action::List { reason, all, json } => {
            let entries = admin.list(reason.as_deref(), all).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                print_list(&entries);
            }
        }
        Action::Show {
            event_id,
            out,
            max_bytes,
        } => {
            let e = get(&admin, &event_id).await?;
            print_entry(&e, max_bytes);
            if let Some(path) = out {
                if e.data_omitted {
                    return Err(format!(
                        "{event_id} kept no raw bytes (data_omitted); nothing written to {}",
                        path.display()
                    )
                    .into());
                }
                std::fs::write(&path, &e.data)
                    .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
                outln!("raw bytes written to {}", path.display());
            }
        }
        Action::Retry { event_id, all, json } => {
            let config = ConsumerConfig::from_env()?;
            let entries = match event_id {
                Some(id) => vec![get(&admin, &id).await?],
                None if all => {
                    let mut full = Vec::new();
                    for e in admin.list(None, false).await? {
                        full.extend(admin.get(&e.event_id).await?);
                    }
                    full
                }
                None => unreachable!("clap requires an event id or --all"),
            };
            let classifier = cx.aws.classifier(&config.classifier)?;
            let tweets = cx.tweet_store();
            let quarantine = cx.quarantine();
            let ports = BatchPorts {
                classifier: classifier.as_ref(),
                tweets: &tweets,
                quarantine: &quarantine,
                lookup: None,
            };
            let report = quarantine_retry::retry(&admin, &entries, &ports, config.write_concurrency).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_retry_report(entries.len(), &report);
            }
            if !report.retry_later.is_empty() {
                return Err("some records hit transient failures; run the retry again".into());
            }
        }
    }
    Ok(())
}

async fn get(admin: &QuarantineAdmin, event_id: &str) -> Result<QuarantineEntry, super::AnyError> {
    Ok(admin
        .get(event_id)
        .await?
        .ok_or_else(|| format!("no quarantined record {event_id:?}"))?)
}

fn print_list(entries: &[QuarantineEntry]) {
    for e in entries {
        let state = match &e.resolved_at {
            Some(at) => format!("resolved {at}"),
            None => "unresolved".to_owned(),
        };
        outln!(
            "{}  {}  {} bytes  {}  {}",
            e.event_id,
            e.quarantined_at,
            e.data_size,
            state,
            e.reason
        );
    }
    outln!("{} entries", entries.len());
}

fn print_entry(e: &QuarantineEntry, max_bytes: usize) {
    outln!("event id         {}", e.event_id);
    outln!("reason           {}", e.reason);
    outln!("sequence number  {}", e.sequence_number);
    outln!("partition key    {}", e.partition_key.escape_debug());
    outln!("source           {}", e.source_arn);
    outln!("arrived at       {}", e.arrived_at);
    outln!("quarantined at   {}", e.quarantined_at);
    if let Some(at) = &e.resolved_at {
        outln!(
            "resolved at      {at} ({})",
            e.resolution.as_deref().unwrap_or("")
        );
    }
    if let (Some(at), Some(why)) = (&e.last_retry_at, &e.last_retry_reason) {
        outln!("last retry       {at}: {why}");
    }
    if e.data_omitted {
        outln!(
            "data             {} bytes, not kept (the store refused them)",
            e.data_size
        );
    } else {
        outln!("data             {} bytes", e.data.len());
        outln!("{}", render_bytes(&e.data, max_bytes));
    }
}

fn print_retry_report(retried: usize, report: &RetryReport) {
    for (id, how) in &report.resolved {
        outln!("resolved       {id}: {how}");
    }
    for (id, why) in &report.still_failing {
        outln!("still failing  {id}: {why}");
    }
    for (id, why) in &report.retry_later {
        outln!("retry later    {id}: {why}");
    }
    outln!(
        "{retried} retried: {} resolved, {} still failing, {} to retry later",
        report.resolved.len(),
        report.still_failing.len(),
        report.retry_later.len()
    );
}
