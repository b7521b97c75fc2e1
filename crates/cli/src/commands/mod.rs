//! One module per `tweetboard` subcommand, as cargo has them: each holds its arguments
//! (an `Args` struct whose doc comments are its `--help`), its `run`, and the printing
//! of its output. `tweetboard replay` is in `replay.rs`.
//!
//! What they share lives here: [`Context`], the configuration and AWS clients every
//! command that talks to AWS starts from, and the error type they return.

pub mod evaluate;
pub mod gen;
pub mod ingest;
pub mod init;
pub mod poll;
pub mod predict_server;
pub mod pump;
pub mod quarantine;
pub mod recount;
pub mod reindex;
pub mod replay;
pub mod reshard;
pub mod serve;
pub mod train;

use tweetboard_aws::checkpoints::CheckpointStore;
use tweetboard_aws::config::{BoardConfig, ConfigError, ConsumerConfig, IngestConfig, StoreNames};
use tweetboard_aws::quarantine::QuarantineAdmin;
use tweetboard_aws::{AwsClients, DynamoQuarantine, DynamoTweetStore, KinesisReader};

/// Any error a command reports: `main` prints it after `error: ` and exits 1.
pub type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// What a command returns.
pub type CliResult = Result<(), AnyError>;

/// Where a command that talks to AWS starts: its configuration, read and validated
/// before anything else (a missing variable is reported before any AWS call), and the
/// AWS clients, built once.
pub struct Context<C> {
    pub config: C,
    pub aws: AwsClients,
}

impl<C: FromEnv> Context<C> {
    /// Reads `C` from the environment, then loads the AWS clients.
    pub async fn load() -> Result<Self, AnyError> {
        let config = C::from_env()?;
        let aws = AwsClients::load().await?;
        Ok(Self { config, aws })
    }
}

impl<C: NamesResources> Context<C> {
    /// The names of the stream and tables.
    pub fn names(&self) -> &StoreNames {
        self.config.names()
    }

    /// A reader of the stream's shards.
    pub fn stream_reader(&self) -> KinesisReader {
        KinesisReader::new(self.aws.kinesis.clone(), &self.names().stream)
    }

    /// The tweets table, adding each newly stored tweet to the chart's counters.
    pub fn tweet_store(&self) -> DynamoTweetStore {
        DynamoTweetStore::new(self.aws.dynamo.clone(), &self.names().table).with_counts(self.counts())
    }

    /// The board chart's hourly counters.
    pub fn counts(&self) -> tweetboard_aws::counts::CountsTable {
        tweetboard_aws::counts::CountsTable::new(self.aws.dynamo.clone(), &self.names().counts_table)
    }

    /// The quarantine table, as the pipeline writes it.
    pub fn quarantine(&self) -> DynamoQuarantine {
        DynamoQuarantine::new(self.aws.dynamo.clone(), &self.names().quarantine_table)
    }

    /// The quarantine table, as an operator reads and resolves it.
    pub fn quarantine_admin(&self) -> QuarantineAdmin {
        QuarantineAdmin::new(self.aws.dynamo.clone(), &self.names().quarantine_table)
    }

    /// The pump's per-shard checkpoints.
    pub fn checkpoints(&self) -> CheckpointStore {
        CheckpointStore::new(self.aws.dynamo.clone(), &self.names().checkpoint_table)
    }
}

/// Configuration read from the environment (see the README for the variables).
pub trait FromEnv: Sized {
    fn from_env() -> Result<Self, ConfigError>;
}

macro_rules! from_env {
    ($($config:ty),*) => {
        $(impl FromEnv for $config {
            fn from_env() -> Result<Self, ConfigError> {
                <$config>::from_env()
            }
        })*
    };
}
from_env!(StoreNames, ConsumerConfig, IngestConfig, BoardConfig);

/// Both, read in order: the first one's error is the one reported.
impl<A: FromEnv, B: FromEnv> FromEnv for (A, B) {
    fn from_env() -> Result<Self, ConfigError> {
        Ok((A::from_env()?, B::from_env()?))
    }
}

/// Configuration that includes the names of the stream and tables.
pub trait NamesResources {
    fn names(&self) -> &StoreNames;
}

impl NamesResources for StoreNames {
    fn names(&self) -> &StoreNames {
        self
    }
}

impl<B> NamesResources for (StoreNames, B) {
    fn names(&self) -> &StoreNames {
        &self.0
    }
}
