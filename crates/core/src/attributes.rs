//! DynamoDB attribute names, one module per table: the table schema is a public contract
//! (see the README), so every name is spelled once, here.

/// The tweets table and its board index.
pub mod tweets {
    /// Tweets table partition key: the exact decimal tweet id.
    pub const TWEET_ID: &str = "tweet_id";
    pub const PREDICTION: &str = "prediction";
    pub const PROBABILITY: &str = "probability";
    pub const SCORE: &str = "score";
    pub const TEXT: &str = "text";
    pub const NAME: &str = "name";
    pub const SCREEN_NAME: &str = "screen_name";
    pub const FOLLOWERS: &str = "followers";
    pub const FRIENDS: &str = "friends";
    pub const LISTED: &str = "listed";
    pub const STATUSES: &str = "statuses";
    pub const RETWEETS: &str = "retweets";
    pub const FAVOURITES: &str = "favourites";
    pub const SOURCE: &str = "source";
    pub const IMAGE_URL: &str = "image_url";
    pub const CREATED_AT: &str = "created_at";
    pub const CLASSIFIED_AT: &str = "classified_at";
    pub const MODEL_ID: &str = "model_id";
    pub const SOURCE_STREAM: &str = "source_stream";
    pub const SOURCE_SHARD: &str = "source_shard";
    pub const SOURCE_SEQUENCE_NUMBER: &str = "source_sequence_number";
    pub const CONTENT_HASH: &str = "content_hash";
    /// Board index partition key: `<prediction>#<shard>` (`ON#3`), the shard a hash of
    /// the tweet id (see [`crate::stored::board_shard`]).
    pub const BOARD_PARTITION: &str = "board_partition";
    /// Board index sort key: `<created_at RFC 3339>#<tweet id, zero padded>`.
    pub const BOARD_SORT: &str = "board_sort";
    /// Name of the global secondary index the board queries.
    pub const BOARD_INDEX: &str = "board_by_time";
    // A retweet's retweeted tweet (left out otherwise): its full text and author, shown
    // by the board with "retweeted by" the retweeting account.
    pub const RT_TEXT: &str = "rt_text";
    pub const RT_NAME: &str = "rt_name";
    pub const RT_SCREEN_NAME: &str = "rt_screen_name";
    pub const RT_IMAGE_URL: &str = "rt_image_url";
    /// The text's links (left out when none): a map of each `t.co` URL to its expanded URL.
    pub const URLS: &str = "urls";
}

/// The quarantine table: one entry per quarantined record, plus part items holding the
/// rest of raw bytes too large for one item.
pub mod quarantine {
    /// Quarantine table partition key: the Kinesis `eventID` (`shardId:sequenceNumber`).
    pub const EVENT_ID: &str = "event_id";
    pub const DATA: &str = "data";
    /// Size of the whole raw record, in bytes.
    pub const DATA_SIZE: &str = "data_size";
    /// Set (true) on a minimal entry whose raw bytes the store refused: only their size is kept.
    pub const DATA_OMITTED: &str = "data_omitted";
    /// How many items hold the raw bytes, when more than one.
    pub const DATA_PARTS: &str = "data_parts";
    /// Set when `tweetboard quarantine retry` got the record through: when, and how.
    pub const RESOLVED_AT: &str = "resolved_at";
    pub const RESOLUTION: &str = "resolution";
    /// The last failed retry: when, and why it still fails.
    pub const LAST_RETRY_AT: &str = "last_retry_at";
    pub const LAST_RETRY_REASON: &str = "last_retry_reason";
    /// On a part item: the `event_id` of the entry it belongs to.
    pub const PART_OF: &str = "part_of";
    pub const REASON: &str = "reason";
    pub const PARTITION_KEY: &str = "partition_key";
    pub const SEQUENCE_NUMBER: &str = "sequence_number";
    pub const SOURCE_ARN: &str = "source_arn";
    pub const ARRIVED_AT: &str = "arrived_at";
    pub const QUARANTINED_AT: &str = "quarantined_at";
}

/// The pump's checkpoint table: one item per shard.
pub mod checkpoints {
    /// Partition key: `<stream>#<shard id>`.
    pub const LEASE_KEY: &str = "lease_key";
    /// The last settled sequence number, or `SHARD_END` once a closed shard is done.
    pub const CHECKPOINT: &str = "checkpoint";
    pub const UPDATED_AT: &str = "updated_at";
}

/// The counts table: how many tweets of each prediction were newly stored per hour of
/// their `created_at`, for the board's chart. Holds no tweets.
pub mod counts {
    /// Partition key: the day, `2026-11-26`.
    pub const DAY: &str = "day";
    /// Sort key: the hour, `2026-11-26T10`.
    pub const HOUR: &str = "hour";
    /// On-topic tweets of the hour (a number, added to).
    pub const ON: &str = "on";
    /// Junk tweets of the hour.
    pub const OFF: &str = "off";
}

/// The poll watermark table: one item per search query.
pub mod watermarks {
    /// Partition key: the search query, verbatim.
    pub const QUERY: &str = "query";
    /// The newest tweet id every tweet up to which is on the stream (decimal digits).
    pub const SINCE_ID: &str = "since_id";
    /// `since_id` spelled so that strings sort as the ids do (`SinceId::order_key`): the
    /// conditional update compares it, never the id as a number or a plain string.
    pub const SINCE_ORDER: &str = "since_order";
    pub const UPDATED_AT: &str = "updated_at";
    /// The resume point of a backlog (`poll::Pending`): its oldest id, that id's order
    /// key (what the conditional update compares), and its newest id. Absent when none.
    pub const PENDING_UNTIL: &str = "pending_until";
    pub const PENDING_UNTIL_ORDER: &str = "pending_until_order";
    pub const PENDING_NEWEST: &str = "pending_newest";
}
