//! The one place configuration is read. Each binary asks for the config it needs;
//! missing or invalid values fail at start-up with the variable's name in the message.
//!
//! Every variable's default, bounds and message is pinned by the unit tests in
//! `config/tests.rs`. Still over 400 lines: one struct per binary, each with its
//! variables, so a reader finds a Lambda's whole configuration in one place.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

use crate::board::CursorKey;

/// Environment variable names: a public contract, documented in the README.
pub mod vars {
    pub const STREAM_NAME: &str = "STREAM_NAME";
    pub const TABLE_NAME: &str = "TABLE_NAME";
    pub const QUARANTINE_TABLE_NAME: &str = "QUARANTINE_TABLE_NAME";
    pub const CHECKPOINT_TABLE_NAME: &str = "CHECKPOINT_TABLE_NAME";
    pub const WRITE_CONCURRENCY: &str = "WRITE_CONCURRENCY";
    pub const DEADLINE_MARGIN_MS: &str = "DEADLINE_MARGIN_MS";
    pub const CLASSIFIER: &str = "CLASSIFIER";
    pub const MODEL_PATH: &str = "MODEL_PATH";
    pub const AML_MODEL_ID: &str = "AML_MODEL_ID";
    pub const AML_PREDICT_ENDPOINT: &str = "AML_PREDICT_ENDPOINT";
    pub const SAGEMAKER_ENDPOINT: &str = "SAGEMAKER_ENDPOINT";
    pub const BOARD_CURSOR_KEY: &str = "BOARD_CURSOR_KEY";
    // Polling the X API (issue 10).
    pub const WATERMARK_TABLE_NAME: &str = "WATERMARK_TABLE_NAME";
    pub const SEARCH_QUERY: &str = "SEARCH_QUERY";
    pub const MAX_PAGES: &str = "MAX_PAGES";
    pub const X_API_BASE_URL: &str = "X_API_BASE_URL";
    pub const X_BEARER_TOKEN_SECRET_ARN: &str = "X_BEARER_TOKEN_SECRET_ARN";
    pub const X_BEARER_TOKEN: &str = "X_BEARER_TOKEN";
    // The board's chart counters (issue 11).
    pub const COUNTS_TABLE_NAME: &str = "COUNTS_TABLE_NAME";
}

/// The counts table: `COUNTS_TABLE_NAME`, or `<TABLE_NAME>-counts` when unset.
fn counts_table<F: Fn(&str) -> Option<String>>(env: &Env<F>, table: &str) -> Result<String, ConfigError> {
    match env.get(vars::COUNTS_TABLE_NAME) {
        Some(v) => {
            validate_resource_name(vars::COUNTS_TABLE_NAME, &v)?;
            Ok(v)
        }
        None => Ok(format!("{table}-counts")),
    }
}

/// What the board needs.
#[derive(Debug, Clone)]
pub struct BoardConfig {
    pub table_name: String,
    /// The chart's hourly counters.
    pub counts_table_name: String,
    /// Signs the board's pagination cursors: `BOARD_CURSOR_KEY` (at least 32 characters),
    /// or a random key made at start-up when it is unset. A random key is per process, so
    /// a `next` link from before a cold start (or from another instance) gets a 400 and
    /// the client starts again from the first page.
    pub cursor_key: CursorKey,
}

impl BoardConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&Env::process())
    }

    pub fn from_lookup<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let table_name = env.required(vars::TABLE_NAME, "the tweets table")?;
        Ok(Self {
            counts_table_name: counts_table(env, &table_name)?,
            table_name,
            cursor_key: match env.get(vars::BOARD_CURSOR_KEY) {
                None => CursorKey::random(),
                Some(secret) if secret.chars().count() >= CursorKey::MIN_SECRET_LEN => {
                    CursorKey::from_secret(secret)
                }
                Some(secret) => {
                    return Err(ConfigError::Invalid {
                        var: vars::BOARD_CURSOR_KEY,
                        // A secret is never echoed, not even a short one.
                        value: format!("<{} characters, not shown>", secret.chars().count()),
                        why: format!(
                            "must be a secret of at least {} characters",
                            CursorKey::MIN_SECRET_LEN
                        ),
                    });
                }
            },
        })
    }
}

/// Which classifier the consumer uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassifierConfig {
    /// The model runs inside the Lambda: the compiled-in default, or `MODEL_PATH`.
    Embedded { model_path: Option<std::path::PathBuf> },
    /// An Amazon ML real-time endpoint, through `aws-sdk-machinelearning`.
    AmazonMl {
        model_id: String,
        predict_endpoint: String,
    },
    /// A SageMaker real-time endpoint (`InvokeEndpoint`, JSON in and out).
    SageMaker { endpoint_name: String },
}

impl ClassifierConfig {
    fn from_lookup<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let need =
            |var: &'static str, what: &'static str| env.get(var).ok_or(ConfigError::Missing(var, what));
        match env.get(vars::CLASSIFIER).as_deref().unwrap_or("embedded") {
            "embedded" => Ok(Self::Embedded {
                model_path: env.get(vars::MODEL_PATH).map(Into::into),
            }),
            "aml" => {
                let predict_endpoint =
                    need(vars::AML_PREDICT_ENDPOINT, "the Amazon ML real-time endpoint URL")?;
                if !(predict_endpoint.starts_with("https://") || predict_endpoint.starts_with("http://")) {
                    return Err(ConfigError::Invalid {
                        var: vars::AML_PREDICT_ENDPOINT,
                        value: predict_endpoint,
                        why: "must be the endpoint URL (https://realtime.machinelearning.<region>.amazonaws.com)".into(),
                    });
                }
                Ok(Self::AmazonMl {
                    model_id: need(vars::AML_MODEL_ID, "the Amazon ML model id")?,
                    predict_endpoint,
                })
            }
            "sagemaker" => Ok(Self::SageMaker {
                endpoint_name: need(vars::SAGEMAKER_ENDPOINT, "the SageMaker endpoint name")?,
            }),
            other => Err(ConfigError::Invalid {
                var: vars::CLASSIFIER,
                value: other.into(),
                why: "must be embedded, aml or sagemaker".into(),
            }),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set; it must name {1}")]
    Missing(&'static str, &'static str),
    #[error("{var}={value:?} is invalid: {why}")]
    Invalid {
        var: &'static str,
        value: String,
        why: String,
    },
    #[error("no AWS region is configured: set AWS_REGION (or AWS_DEFAULT_REGION, or a profile's region)")]
    NoRegion,
}

/// Reads variables through a lookup function so tests need not touch the process env.
pub struct Env<F: Fn(&str) -> Option<String>>(pub F);

impl Env<fn(&str) -> Option<String>> {
    /// The process environment. A value that is not UTF-8 is read lossily rather than
    /// as unset: a set variable must never silently become a default (an unreadable
    /// `BOARD_CURSOR_KEY` would become a random key); a name then fails validation.
    pub fn process() -> Self {
        Env(|k| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned()))
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn get(&self, var: &'static str) -> Option<String> {
        (self.0)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, var: &'static str, what: &'static str) -> Result<String, ConfigError> {
        let v = self.get(var).ok_or(ConfigError::Missing(var, what))?;
        validate_resource_name(var, &v)?;
        Ok(v)
    }

    fn number<T: std::str::FromStr>(
        &self,
        var: &'static str,
        default: T,
        valid: impl Fn(&T) -> bool,
        rule: &str,
    ) -> Result<T, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(v) => match v.parse::<T>() {
                Ok(n) if valid(&n) => Ok(n),
                _ => Err(ConfigError::Invalid {
                    var,
                    value: v,
                    why: rule.into(),
                }),
            },
        }
    }
}

/// Stream and table names share DynamoDB's and Kinesis' rule: 3–128 characters of
/// `[A-Za-z0-9_.-]`. Checked here so a typo fails at start-up, not at the first record.
fn validate_resource_name(var: &'static str, v: &str) -> Result<(), ConfigError> {
    let ok = (3..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            var,
            value: v.into(),
            why: "must be 3-128 characters of letters, digits, '_', '.', '-'".into(),
        })
    }
}

/// Names of every resource; what `tweetboard init` creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreNames {
    pub stream: String,
    pub table: String,
    pub quarantine_table: String,
    /// Where `tweetboard pump` keeps its per-shard checkpoints.
    pub checkpoint_table: String,
    /// The board chart's hourly counters.
    pub counts_table: String,
    /// Where polling keeps each query's watermark: `WATERMARK_TABLE_NAME`, default
    /// `<TABLE_NAME>-watermarks`.
    pub watermark_table: String,
}

impl StoreNames {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&Env::process())
    }

    pub fn from_lookup<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let table = env.required(vars::TABLE_NAME, "the tweets table")?;
        let checkpoint_table = match env.get(vars::CHECKPOINT_TABLE_NAME) {
            Some(v) => {
                validate_resource_name(vars::CHECKPOINT_TABLE_NAME, &v)?;
                v
            }
            None => format!("{table}-checkpoints"),
        };
        let watermark_table = match env.get(vars::WATERMARK_TABLE_NAME) {
            Some(v) => {
                validate_resource_name(vars::WATERMARK_TABLE_NAME, &v)?;
                v
            }
            None => format!("{table}-watermarks"),
        };
        Ok(Self {
            stream: env.required(vars::STREAM_NAME, "the Kinesis stream")?,
            quarantine_table: env.required(vars::QUARANTINE_TABLE_NAME, "the quarantine table")?,
            counts_table: counts_table(env, &table)?,
            table,
            checkpoint_table,
            watermark_table,
        })
    }
}

/// What the consumer Lambda needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub table_name: String,
    pub quarantine_table_name: String,
    /// The chart's hourly counters, added to for each newly stored tweet.
    pub counts_table_name: String,
    /// Records classified and written at once.
    pub write_concurrency: usize,
    /// Stop starting records this long before the invocation deadline.
    pub deadline_margin: Duration,
    pub classifier: ClassifierConfig,
}

impl ConsumerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&Env::process())
    }

    pub fn from_lookup<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let table_name = env.required(vars::TABLE_NAME, "the tweets table")?;
        Ok(Self {
            counts_table_name: counts_table(env, &table_name)?,
            table_name,
            quarantine_table_name: env.required(vars::QUARANTINE_TABLE_NAME, "the quarantine table")?,
            write_concurrency: env.number(
                vars::WRITE_CONCURRENCY,
                32usize,
                |n| (1..=1024).contains(n),
                "must be a whole number from 1 to 1024",
            )?,
            deadline_margin: Duration::from_millis(env.number(
                vars::DEADLINE_MARGIN_MS,
                3000u64,
                |n| *n <= 600_000,
                "must be milliseconds from 0 to 600000",
            )?),
            classifier: ClassifierConfig::from_lookup(env)?,
        })
    }
}

/// What the ingest Lambda needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestConfig {
    pub stream_name: String,
    /// Polling the search API on a schedule: configured when `WATERMARK_TABLE_NAME` is
    /// set (then a token is required at start-up).
    pub poll: Option<PollConfig>,
}

impl IngestConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&Env::process())
    }

    pub fn from_lookup<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            stream_name: env.required(vars::STREAM_NAME, "the Kinesis stream")?,
            poll: PollConfig::from_lookup(env, None)?,
        })
    }
}

/// Where the X API bearer token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// `X_BEARER_TOKEN_SECRET_ARN`: read from Secrets Manager once per cold start.
    Secret { arn: String },
    /// `X_BEARER_TOKEN`: for local use.
    Plain(crate::x_search::BearerToken),
}

/// Polling the X API v2 recent search (the ingest Lambda's scheduled runs, `tweetboard
/// poll`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollConfig {
    pub watermark_table: String,
    /// `SEARCH_QUERY`, default `#aws -is:retweet`.
    pub query: String,
    /// `MAX_PAGES` per run, 1–100, default 10.
    pub max_pages: u32,
    /// `X_API_BASE_URL`, default the public API.
    pub api_base_url: String,
    pub token: TokenSource,
}

impl PollConfig {
    pub const DEFAULT_QUERY: &str = "#aws -is:retweet";

    /// `None` when no watermark table is named, by `WATERMARK_TABLE_NAME` or by
    /// `default_table` (the CLI's `<TABLE_NAME>-watermarks`).
    pub fn from_lookup<F: Fn(&str) -> Option<String>>(
        env: &Env<F>,
        default_table: Option<&str>,
    ) -> Result<Option<Self>, ConfigError> {
        let watermark_table = match env.get(vars::WATERMARK_TABLE_NAME) {
            Some(v) => {
                validate_resource_name(vars::WATERMARK_TABLE_NAME, &v)?;
                v
            }
            None => match default_table {
                Some(t) => t.to_owned(),
                None => return Ok(None),
            },
        };
        let query = env
            .get(vars::SEARCH_QUERY)
            .unwrap_or_else(|| Self::DEFAULT_QUERY.to_owned());
        // The API's limit; the query is also the watermark's key.
        if query.len() > 512 {
            return Err(ConfigError::Invalid {
                var: vars::SEARCH_QUERY,
                value: tweetboard_core::error::preview(&query, 40),
                why: "must be at most 512 characters (the API's limit)".into(),
            });
        }
        let api_base_url = env
            .get(vars::X_API_BASE_URL)
            .unwrap_or_else(|| crate::x_search::DEFAULT_BASE_URL.to_owned());
        if !(api_base_url.starts_with("https://") || api_base_url.starts_with("http://")) {
            return Err(ConfigError::Invalid {
                var: vars::X_API_BASE_URL,
                value: api_base_url,
                why: "must be a URL such as https://api.x.com".into(),
            });
        }
        let token = match (
            env.get(vars::X_BEARER_TOKEN_SECRET_ARN),
            env.get(vars::X_BEARER_TOKEN),
        ) {
            (Some(arn), _) => TokenSource::Secret { arn },
            (None, Some(token)) => TokenSource::Plain(crate::x_search::BearerToken::new(token)),
            (None, None) => {
                return Err(ConfigError::Missing(
                    vars::X_BEARER_TOKEN_SECRET_ARN,
                    "the Secrets Manager secret holding the X API bearer token (or set X_BEARER_TOKEN)",
                ))
            }
        };
        Ok(Some(Self {
            watermark_table,
            query,
            max_pages: env.number(
                vars::MAX_PAGES,
                10u32,
                |n| (1..=100).contains(n),
                "must be a whole number of pages from 1 to 100",
            )?,
            api_base_url,
            token,
        }))
    }
}

/// Loads the SDK configuration from the standard AWS sources (environment, profile,
/// instance role), including `AWS_ENDPOINT_URL[_SERVICE]`. Timeouts are set so that an
/// unreachable service fails fast enough for the batch to report its records for retry
/// before the invocation deadline.
pub async fn load_sdk_config() -> Result<SdkConfig, ConfigError> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .load()
        .await;
    if config.region().is_none() {
        return Err(ConfigError::NoRegion);
    }
    Ok(config)
}

#[cfg(test)]
mod tests;
