//! `tweetboard`: the operator CLI. Configuration comes from the environment (see the
//! README); the AWS endpoint from the standard `AWS_ENDPOINT_URL[_SERVICE]` variables.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use tweetboard_aws::board::BoardReader;
use tweetboard_aws::checkpoints::CheckpointStore;
use tweetboard_aws::config::BoardConfig;
use tweetboard_aws::config::{ConsumerConfig, IngestConfig, StoreNames};
use tweetboard_aws::dynamo::CapacityMeter;
use tweetboard_aws::failures::FailureQueue;
use tweetboard_aws::kinesis::StartPosition;
use tweetboard_aws::quarantine::{render_bytes, QuarantineAdmin};
use tweetboard_aws::{provision, telemetry, AwsClients, KinesisPublisher, KinesisReader};
use tweetboard_aws::{DynamoQuarantine, DynamoTweetStore};
use tweetboard_classifier::metrics::Metrics;
use tweetboard_classifier::train::{self, TrainOptions};
use tweetboard_classifier::{dataset, Model};
use tweetboard_cli::http_server::{self, ServerLimits};
use tweetboard_cli::ingest_file::{ingest_all, load_tweets, parse_tweets, rebase_times, SAMPLE_TWEETS};
use tweetboard_cli::progress;
use tweetboard_cli::pump::{Pump, PumpOptions, MAX_BATCH_SIZE};
use tweetboard_cli::quarantine_retry;
use tweetboard_cli::replay::{self, Replay, ReplayOptions, ReplayPipeline};
use tweetboard_consumer::Consumer;
use tweetboard_core::dry_run::DryRun;
use tweetboard_ingest::Ingest;

#[derive(Parser)]
#[command(
    name = "tweetboard",
    version,
    about = "Operate the tweetboard pipeline: Kinesis → consumer → DynamoDB.",
    long_about = "Operate the tweetboard pipeline: Kinesis → consumer → DynamoDB.\n\n\
        Configuration comes from the environment: STREAM_NAME, TABLE_NAME, QUARANTINE_TABLE_NAME \
        (and optionally CHECKPOINT_TABLE_NAME, WRITE_CONCURRENCY, DEADLINE_MARGIN_MS), plus the \
        standard AWS variables (AWS_REGION, credentials, AWS_ENDPOINT_URL[_SERVICE] for an emulator)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the stream and the tables (tweets with its board index, quarantine,
    /// checkpoints) and wait until they are active. Safe to run again.
    Init {
        /// Shards of a newly created stream (an existing stream is left as it is).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(1..=500))]
        shards: i32,
    },
    /// Send tweets through the ingest Lambda's code onto the stream.
    Ingest {
        /// JSON Lines, a JSON array, or an ingest request body. Default: the shipped samples.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Tweets per ingest request (the Lambda chunks each request to Kinesis' limits).
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        per_request: u64,
        /// Keep the shipped samples' own times. By default they are shifted so the newest
        /// is now, and the board shows them as recent tweets.
        #[arg(long)]
        keep_times: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replay shards through the consumer pipeline: repair or backfill the tables.
    ///
    /// Reads the chosen shards (all by default, closed parents included, parents before
    /// children) over a range and runs every record through the consumer's pipeline.
    /// Stored tweets are found first with BatchGetItem and skipped: no classifier call,
    /// no write. Safe to run at any time, again and again, beside the live consumer.
    Replay {
        /// A shard to replay; repeat for several. Default: every shard.
        #[arg(long = "shard", value_name = "ID")]
        shards: Vec<String>,
        /// trim-horizon, latest, an RFC 3339 time, or seq:<N>.
        #[arg(long, default_value = "trim-horizon", value_parser = replay::parse_from)]
        from: replay::ReplayFrom,
        /// An RFC 3339 time (by arrival) or seq:<N>, inclusive. Default: up to now.
        #[arg(long, value_parser = replay::parse_to)]
        to: Option<replay::ReplayTo>,
        /// Report what would be written and what it would cost; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replay the failed batches recorded in this SQS queue (the event source
        /// mapping's on-failure destination) instead of shards; each message is deleted
        /// once its records are settled.
        #[arg(long, value_name = "QUEUE_URL", conflicts_with_all = ["shards", "from", "to", "dry_run"])]
        from_failures: Option<String>,
        /// Records per read and per pipeline batch.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch_size: u64,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change the stream's shard count (UpdateShardCount, uniform scaling).
    ///
    /// Kinesis splits or merges shards; the parents close and children take new records.
    /// The pump and replay read every parent to its end before its children.
    Reshard {
        /// The new number of open shards.
        #[arg(long, value_parser = clap::value_parser!(i32).range(1..=10_000))]
        shards: i32,
    },
    /// Inspect and retry quarantined records.
    Quarantine {
        #[command(subcommand)]
        action: QuarantineAction,
    },
    /// Serve the tweet board (page, JSON API, stats) locally, reading TABLE_NAME.
    Serve {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
    },
    /// Local stand-in for Lambda's Kinesis event source mapping (not a production engine).
    ///
    /// Polls every shard, builds real Kinesis events, runs the consumer handler in-process,
    /// honours partial batch responses (resume at the lowest failed sequence number, retry
    /// with backoff), reads parent shards before children, and checkpoints each shard in
    /// DynamoDB so a restart resumes where it stopped. On AWS, the event source mapping
    /// does this job.
    Pump {
        /// Where shards without a checkpoint start.
        #[arg(long, value_enum, default_value_t = From::TrimHorizon)]
        from: From,
        /// Exit 0 once every shard is drained instead of polling forever.
        #[arg(long)]
        until_idle: bool,
        /// Records per invocation (Lambda allows up to 10,000).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=MAX_BATCH_SIZE as u64))]
        batch_size: u64,
        /// Batching window in milliseconds: how long to gather records before invoking.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=300_000))]
        batching_window_ms: u64,
        /// Simulated function timeout in seconds: each invocation's deadline.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=900))]
        function_timeout: u64,
        /// Retries of one failing batch before the pump stops with an error.
        #[arg(long, default_value_t = 10)]
        max_retries: u32,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },

    /// Train the on-topic/junk model from a labeled CSV or JSON Lines file.
    ///
    /// Columns: text, id, followers, favourites, friends, lists, retweets, tweets, user,
    /// source, label (ON/OFF or 0/1; OFF = 1 = junk). Holds out a split, prints its
    /// accuracy, precision, recall, F1 and ROC AUC, and writes the model artifact.
    /// Deterministic for a given seed.
    Train {
        /// Labeled examples (.csv, or .jsonl for JSON Lines).
        #[arg(long)]
        data: PathBuf,
        /// Where to write the model (JSON).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=1000))]
        epochs: u32,
        /// Share of the examples held out for the reported metrics.
        #[arg(long, default_value_t = 0.2)]
        holdout: f64,
        /// Features hash into 2^BITS buckets.
        #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(10..=24))]
        hash_bits: u32,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve a model over Amazon ML's Predict protocol and SageMaker's invocation route.
    ///
    /// Amazon ML: POST / with X-Amz-Target: AmazonML_20141212.Predict (JSON 1.1); point
    /// AML_PREDICT_ENDPOINT at http://HOST:PORT and set AML_MODEL_ID to the model's id
    /// (printed at start). SageMaker: POST /endpoints/NAME/invocations with the record as a
    /// JSON object; point AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME at http://HOST:PORT.
    PredictServer {
        #[arg(long, default_value_t = 8085)]
        port: u16,
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// A model artifact; default: the model compiled into this binary.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Evaluate a model on a labeled file: accuracy, precision, recall, F1, ROC AUC.
    Evaluate {
        /// A model artifact; default: the model compiled into this binary.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Labeled examples (.csv, or .jsonl for JSON Lines).
        #[arg(long)]
        data: PathBuf,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum QuarantineAction {
    /// List quarantined records (unresolved ones unless --all).
    List {
        /// Only reasons starting with this (e.g. not_json, invalid_id, item_too_large).
        #[arg(long)]
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

#[derive(Clone, Copy, ValueEnum)]
enum From {
    TrimHorizon,
    Latest,
}

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type AnyError = Box<dyn std::error::Error + Send + Sync>;

async fn quarantine_command(action: QuarantineAction) -> Result<(), AnyError> {
    let names = StoreNames::from_env()?;
    let aws = AwsClients::load().await?;
    let admin = QuarantineAdmin::new(aws.dynamo.clone(), &names.quarantine_table);
    match action {
        QuarantineAction::List { reason, all, json } => {
            let entries = admin.list(reason.as_deref(), all).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
                return Ok(());
            }
            for e in &entries {
                let state = match &e.resolved_at {
                    Some(at) => format!("resolved {at}"),
                    None => "unresolved".to_owned(),
                };
                println!(
                    "{}  {}  {} bytes  {}  {}",
                    e.event_id, e.quarantined_at, e.data_size, state, e.reason
                );
            }
            println!("{} entries", entries.len());
        }
        QuarantineAction::Show {
            event_id,
            out,
            max_bytes,
        } => {
            let e = admin
                .get(&event_id)
                .await?
                .ok_or_else(|| format!("no quarantined record {event_id:?}"))?;
            println!("event id         {}", e.event_id);
            println!("reason           {}", e.reason);
            println!("sequence number  {}", e.sequence_number);
            println!("partition key    {}", e.partition_key.escape_debug());
            println!("source           {}", e.source_arn);
            println!("arrived at       {}", e.arrived_at);
            println!("quarantined at   {}", e.quarantined_at);
            if let Some(at) = &e.resolved_at {
                println!(
                    "resolved at      {at} ({})",
                    e.resolution.as_deref().unwrap_or("")
                );
            }
            if let (Some(at), Some(why)) = (&e.last_retry_at, &e.last_retry_reason) {
                println!("last retry       {at}: {why}");
            }
            if e.data_omitted {
                println!(
                    "data             {} bytes, not kept (the store refused them)",
                    e.data_size
                );
            } else {
                println!("data             {} bytes", e.data.len());
            }
            println!("{}", render_bytes(&e.data, max_bytes));
            if let Some(path) = out {
                std::fs::write(&path, &e.data)
                    .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
                println!("raw bytes written to {}", path.display());
            }
        }
        QuarantineAction::Retry { event_id, all, json } => {
            let config = ConsumerConfig::from_env()?;
            let entries = match event_id {
                Some(id) => vec![admin
                    .get(&id)
                    .await?
                    .ok_or_else(|| format!("no quarantined record {id:?}"))?],
                None if all => {
                    let mut full = Vec::new();
                    for e in admin.list(None, false).await? {
                        full.extend(admin.get(&e.event_id).await?);
                    }
                    full
                }
                None => unreachable!("clap requires an event id or --all"),
            };
            let classifier = aws.classifier(&config.classifier)?;
            let tweets = DynamoTweetStore::new(aws.dynamo.clone(), &names.table);
            let quarantine = DynamoQuarantine::new(aws.dynamo.clone(), &names.quarantine_table);
            let ports = tweetboard_core::batch::BatchPorts {
                classifier: classifier.as_ref(),
                tweets: &tweets,
                quarantine: &quarantine,
                lookup: None,
            };
            let report = quarantine_retry::retry(&admin, &entries, &ports, config.write_concurrency).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for (id, how) in &report.resolved {
                    println!("resolved       {id}: {how}");
                }
                for (id, why) in &report.still_failing {
                    println!("still failing  {id}: {why}");
                }
                for (id, why) in &report.retry_later {
                    println!("retry later    {id}: {why}");
                }
                println!(
                    "{} retried: {} resolved, {} still failing, {} to retry later",
                    entries.len(),
                    report.resolved.len(),
                    report.still_failing.len(),
                    report.retry_later.len()
                );
            }
            if !report.retry_later.is_empty() {
                return Err("some records hit transient failures; run the retry again".into());
            }
        }
    }
    Ok(())
}

fn print_replay_summary(s: &replay::ReplaySummary) {
    let would = if s.dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    println!("replay of {}{would}", s.shards.join(", "));
    println!("  records read        {}", s.records_read);
    println!(
        "  newly written       {}{}",
        s.newly_written,
        if s.dry_run { " would be" } else { "" }
    );
    println!(
        "  already present     {} (no classifier call, no write)",
        s.already_present
    );
    println!("  repeated in a batch {}", s.duplicates_in_batch);
    println!("  conflicting         {}", s.conflicts);
    println!(
        "  quarantined         {}{}",
        s.quarantined,
        if s.dry_run { " would be" } else { "" }
    );
    println!("  failed              {}", s.failed);
    if s.held_back > 0 {
        println!(
            "  held back           {} (a record of their tweet id failed earlier: the first version must win)",
            s.held_back
        );
    }
    let write_label = if s.dry_run {
        "estimated write units"
    } else {
        "write units"
    };
    println!(
        "  capacity            {:.1} read units, {:.1} {write_label}",
        s.read_capacity_units, s.write_capacity_units
    );
    if s.throttled_reads + s.expired_iterators > 0 {
        println!(
            "  reads               {} throttled, {} expired iterators renewed",
            s.throttled_reads, s.expired_iterators
        );
    }
    for shard in &s.trimmed {
        println!("  note: {shard}: records before the first one read are past retention (trimmed)");
    }
}

async fn run(command: Command) -> Result<(), AnyError> {
    match command {
        Command::Init { shards } => {
            let names = StoreNames::from_env()?;
            let aws = AwsClients::load().await?;
            let pb = progress::spinner("init");
            pb.set_message("creating the stream and tables, waiting until active");
            let report = provision::init(&aws.kinesis, &aws.dynamo, &names, shards).await?;
            pb.finish_and_clear();
            for r in &report.created {
                println!("created  {r}");
            }
            for r in &report.existing {
                println!("exists   {r}");
            }
        }
        Command::Replay {
            shards,
            from,
            to,
            dry_run,
            from_failures,
            batch_size,
            json,
        } => {
            let names = StoreNames::from_env()?;
            let config = ConsumerConfig::from_env()?;
            let aws = AwsClients::load().await?;
            let meter = Arc::new(CapacityMeter::default());
            let store =
                Arc::new(DynamoTweetStore::new(aws.dynamo.clone(), &names.table).with_meter(meter.clone()));
            let dry = Arc::new(DryRun::default());
            let pipeline = ReplayPipeline {
                classifier: aws.classifier(&config.classifier)?,
                tweets: if dry_run { dry.clone() } else { store.clone() },
                quarantine: if dry_run {
                    dry.clone()
                } else {
                    Arc::new(DynamoQuarantine::new(aws.dynamo.clone(), &names.quarantine_table))
                },
                lookup: store,
            };
            let reader = KinesisReader::new(aws.kinesis.clone(), &names.stream);
            let options = ReplayOptions {
                shards,
                from,
                to,
                batch_size: batch_size as usize,
                concurrency: config.write_concurrency,
                ..ReplayOptions::default()
            };
            if let Some(queue_url) = from_failures {
                let queue = FailureQueue::new(aws.sqs.clone(), &queue_url);
                let pb = progress::spinner("replay");
                let out = replay::replay_failures(&queue, &aws.kinesis, &pipeline, &options, |s| {
                    pb.set_message(format!(
                        "{} messages, {} settled and deleted",
                        s.messages, s.deleted
                    ))
                })
                .await?;
                pb.finish_and_clear();
                if json {
                    println!("{}", serde_json::to_string_pretty(&out)?);
                } else {
                    println!(
                        "{} failure messages: {} settled and deleted, {} kept",
                        out.messages,
                        out.deleted,
                        out.kept.len()
                    );
                    for (id, why) in &out.kept {
                        println!("  kept {id}: {why}");
                    }
                    if out.received_again > 0 {
                        println!(
                            "  {} kept messages came back during the run and were left for the next one",
                            out.received_again
                        );
                    }
                    print_replay_summary(&out.replay);
                }
                if !out.kept.is_empty() {
                    return Err(format!("{} messages stay on the queue (see above)", out.kept.len()).into());
                }
                return Ok(());
            }
            let pb = progress::spinner("replay");
            let mut summary = Replay::new(&reader, &pipeline, options)
                .run(|s| {
                    pb.set_message(format!(
                        "{} read, {} written, {} already present, {} quarantined, {} failed",
                        s.records_read, s.newly_written, s.already_present, s.quarantined, s.failed
                    ))
                })
                .await?;
            pb.finish_and_clear();
            summary.dry_run = dry_run;
            summary.read_capacity_units = meter.read_units();
            summary.write_capacity_units = if dry_run {
                dry.estimated_write_units() as f64
            } else {
                meter.write_units()
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print_replay_summary(&summary);
            }
            if summary.failed + summary.held_back > 0 {
                return Err(format!(
                    "{} records still fail after retries ({} more held back behind them); nothing was skipped for good: run the replay again",
                    summary.failed, summary.held_back
                )
                .into());
            }
        }
        Command::Quarantine { action } => quarantine_command(action).await?,
        Command::Reshard { shards } => {
            let names = StoreNames::from_env()?;
            let aws = AwsClients::load().await?;
            let pb = progress::spinner("reshard");
            pb.set_message(format!(
                "updating {} to {shards} shards, waiting until active",
                names.stream
            ));
            let (before, after) = provision::reshard(&aws.kinesis, &names.stream, shards).await?;
            pb.finish_and_clear();
            println!("{}: {before} open shards → {after}", names.stream);
            for s in KinesisReader::new(aws.kinesis, &names.stream)
                .list_shards()
                .await?
            {
                let parents: Vec<&str> = s.parents().collect();
                let state = if s.closed { "closed" } else { "open" };
                println!(
                    "  {} {state}{}",
                    s.shard_id,
                    if parents.is_empty() {
                        String::new()
                    } else {
                        format!(" (from {})", parents.join(", "))
                    }
                );
            }
        }
        Command::Serve { port, host } => {
            let config = BoardConfig::from_env()?;
            let aws = AwsClients::load().await?;
            let reader = BoardReader::new(
                aws.dynamo,
                &config.table_name,
                config.lookback_days,
                config.cursor_key,
            );
            let listener = tokio::net::TcpListener::bind((host.as_str(), port))
                .await
                .map_err(|e| format!("cannot listen on {host}:{port}: {e} (choose another with --port)"))?;
            println!(
                "tweetboard is at http://{}/  (Ctrl-C stops it)",
                listener.local_addr()?
            );
            let router = tweetboard_board::router(std::sync::Arc::new(reader));
            http_server::serve(listener, router, ServerLimits::default(), http_server::ctrl_c()).await?;
        }
        Command::Ingest {
            file,
            per_request,
            keep_times,
            json,
        } => {
            let config = IngestConfig::from_env()?;
            let aws = AwsClients::load().await?;
            let tweets = match &file {
                Some(path) => load_tweets(path)?,
                None => {
                    let mut samples = parse_tweets("shipped samples", SAMPLE_TWEETS)?;
                    if !keep_times {
                        rebase_times(&mut samples, chrono::Utc::now() - chrono::Duration::minutes(1));
                    }
                    samples
                }
            };
            let ingest = Ingest::new(Arc::new(KinesisPublisher::new(aws.kinesis, &config.stream_name)));
            let summary = ingest_all(&ingest, &tweets, per_request as usize).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!(
                    "ingest: {} tweets read, {} accepted onto {}, {} rejected",
                    tweets.len(),
                    summary.accepted,
                    config.stream_name,
                    summary.rejected.len()
                );
                for r in summary.rejected.iter().take(20) {
                    println!("  rejected #{}: {}", r.index, r.reason);
                }
                if summary.rejected.len() > 20 {
                    println!(
                        "  ... and {} more (use --json for all)",
                        summary.rejected.len() - 20
                    );
                }
            }
        }
        Command::Pump {
            from,
            until_idle,
            batch_size,
            batching_window_ms,
            function_timeout,
            max_retries,
            json,
        } => {
            let names = StoreNames::from_env()?;
            let config = ConsumerConfig::from_env()?;
            let aws = AwsClients::load().await?;
            let consumer = Consumer::from_config(&aws, &config)?;
            let options = PumpOptions {
                from: match from {
                    From::TrimHorizon => StartPosition::TrimHorizon,
                    From::Latest => StartPosition::Latest,
                },
                until_idle,
                batch_size: batch_size as usize,
                batching_window: Duration::from_millis(batching_window_ms),
                function_timeout: Duration::from_secs(function_timeout),
                max_retries,
                ..PumpOptions::default()
            };
            let pump = Pump::new(
                KinesisReader::new(aws.kinesis.clone(), &names.stream),
                CheckpointStore::new(aws.dynamo.clone(), &names.checkpoint_table),
                &consumer,
                options,
            );
            let pb = progress::spinner("pump");
            let summary = pump
                .run(|s| {
                    pb.set_message(format!(
                        "{} records settled, {} written, {} quarantined, {} batch retries",
                        s.counts.records, s.counts.written, s.counts.quarantined, s.batch_retries
                    ))
                })
                .await?;
            pb.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                let c = &summary.counts;
                println!(
                    "pump summary ({} invocations, {} batch retries)",
                    summary.invocations, summary.batch_retries
                );
                println!("  records in        {}", c.records);
                println!("  classified ON     {}", c.written_on);
                println!("  classified OFF    {}", c.written_off);
                println!(
                    "  duplicates        {} (already stored {}, repeated in a batch {}, conflicting {})",
                    c.already_stored + c.duplicates_in_batch + c.conflicts,
                    c.already_stored,
                    c.duplicates_in_batch,
                    c.conflicts
                );
                println!("  quarantined       {}", c.quarantined);
            }
        }
        Command::Train {
            data,
            out,
            seed,
            epochs,
            holdout,
            hash_bits,
            json,
        } => {
            if !(0.05..=0.5).contains(&holdout) {
                return Err(format!("--holdout {holdout} must be between 0.05 and 0.5").into());
            }
            let examples = dataset::load(&data)?;
            let options = TrainOptions {
                seed,
                epochs,
                holdout,
                hash_bits,
                ..TrainOptions::default()
            };
            let pb = progress::bar(u64::from(epochs), "train");
            let name = data
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let artifact = train::train(&examples, &options, &name, |_| pb.inc(1));
            pb.finish_and_clear();
            // Validate as every consumer will at cold start before writing it anywhere.
            let model = Model::from_artifact(artifact, "trained model")?;
            let text = serde_json::to_string(model.artifact())? + "\n";
            std::fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            let m = &model.artifact().training.holdout_metrics;
            if json {
                println!("{}", serde_json::to_string_pretty(&model.artifact().training)?);
            } else {
                println!("model {} written to {}", model.id(), out.display());
                println!(
                    "{} examples, {} held out (seed {seed}, {epochs} epochs)",
                    examples.len(),
                    m.examples
                );
                println!("{}", m.report());
            }
        }
        Command::PredictServer { port, host, model } => {
            let model = Model::load_or_default(model.as_deref())?;
            let listener = tokio::net::TcpListener::bind((host.as_str(), port))
                .await
                .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
            println!(
                "serving model {} on http://{}",
                model.id(),
                listener.local_addr()?
            );
            println!(
                "  Amazon ML: AML_PREDICT_ENDPOINT=http://{host}:{port} AML_MODEL_ID={}",
                model.id()
            );
            println!("  SageMaker: AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=http://{host}:{port}");
            tweetboard_cli::predict_server::serve(listener, model).await?;
        }
        Command::Evaluate { model, data, json } => {
            let model = Model::load_or_default(model.as_deref())?;
            let examples = dataset::load(&data)?;
            let scored: Vec<(f64, bool)> = examples
                .iter()
                .map(|e| (model.score(&e.record), e.junk))
                .collect();
            let metrics = Metrics::compute(&scored, model.threshold());
            if json {
                println!("{}", serde_json::to_string_pretty(&metrics)?);
            } else {
                println!("model {} on {}", model.id(), data.display());
                println!("{}", metrics.report());
            }
        }
    }
    Ok(())
}
