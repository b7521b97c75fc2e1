//! The consumer's start-up check of the tables it writes: a table whose key schema is
//! not the contract's would refuse every record alike. Checked once per cold start, so
//! a wrong `TABLE_NAME` stops the function at start-up (an init error the operator
//! sees at once) instead of failing each record.

use aws_sdk_dynamodb::types::{KeyType, ScalarAttributeType, TableDescription};
use aws_sdk_dynamodb::Client;
use tweetboard_core::attributes;
use tweetboard_core::ServiceError;

use crate::errors::{classify, service_code};

/// Why a table cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("table {table} does not exist")]
    NoSuchTable { table: String },
    #[error("table {table} is keyed {found}; the {role} must be keyed {expected}")]
    WrongKey {
        table: String,
        role: &'static str,
        expected: String,
        found: String,
    },
    #[error("index {index} of table {table} is keyed {found}; the board reads it as {expected}")]
    WrongIndex {
        table: String,
        index: &'static str,
        expected: String,
        found: String,
    },
    #[error("cannot describe table {table}: {source}")]
    Describe {
        table: String,
        #[source]
        source: ServiceError,
    },
}

/// One key attribute: its name, type and role.
type KeyPart = (String, ScalarAttributeType, KeyType);

fn describe_keys(parts: &[KeyPart]) -> String {
    parts
        .iter()
        .map(|(name, ty, kind)| format!("{name} ({} {})", ty.as_str(), kind.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The key of a table or index, with the types of its attributes.
fn keys(table: &TableDescription, schema: &[aws_sdk_dynamodb::types::KeySchemaElement]) -> Vec<KeyPart> {
    schema
        .iter()
        .map(|k| {
            let ty = table
                .attribute_definitions()
                .iter()
                .find(|d| d.attribute_name() == k.attribute_name())
                .map(|d| d.attribute_type().clone())
                .unwrap_or_else(|| ScalarAttributeType::from("?"));
            (k.attribute_name().to_owned(), ty, k.key_type().clone())
        })
        .collect()
}

async fn describe(dynamo: &Client, table: &str) -> Result<TableDescription, SchemaError> {
    match dynamo.describe_table().table_name(table).send().await {
        Ok(out) => out.table.ok_or_else(|| SchemaError::NoSuchTable {
            table: table.to_owned(),
        }),
        Err(e) if service_code(&e) == Some("ResourceNotFoundException") => Err(SchemaError::NoSuchTable {
            table: table.to_owned(),
        }),
        Err(e) => Err(SchemaError::Describe {
            table: table.to_owned(),
            source: classify("DescribeTable", e),
        }),
    }
}

fn hash_key(name: &str) -> Vec<KeyPart> {
    vec![(name.to_owned(), ScalarAttributeType::S, KeyType::Hash)]
}

fn check_key(
    table: &str,
    description: &TableDescription,
    role: &'static str,
    expected: Vec<KeyPart>,
) -> Result<(), SchemaError> {
    let found = keys(description, description.key_schema());
    if found == expected {
        Ok(())
    } else {
        Err(SchemaError::WrongKey {
            table: table.to_owned(),
            role,
            expected: describe_keys(&expected),
            found: describe_keys(&found),
        })
    }
}

/// Checks that `tweets` and `quarantine` are keyed as the contract says (see the
/// README's table sections), and that the board index, when present, is too. A
/// missing board index is allowed: the consumer's writes do not need it.
pub async fn check_consumer_tables(
    dynamo: &Client,
    tweets: &str,
    quarantine: &str,
) -> Result<(), SchemaError> {
    let t = describe(dynamo, tweets).await?;
    check_key(tweets, &t, "tweets table", hash_key(attributes::tweets::TWEET_ID))?;
    if let Some(index) = t
        .global_secondary_indexes()
        .iter()
        .find(|i| i.index_name() == Some(attributes::tweets::BOARD_INDEX))
    {
        let expected = vec![
            (
                attributes::tweets::BOARD_PARTITION.to_owned(),
                ScalarAttributeType::S,
                KeyType::Hash,
            ),
            (
                attributes::tweets::BOARD_SORT.to_owned(),
                ScalarAttributeType::S,
                KeyType::Range,
            ),
        ];
        let found = keys(&t, index.key_schema());
        if found != expected {
            return Err(SchemaError::WrongIndex {
                table: tweets.to_owned(),
                index: attributes::tweets::BOARD_INDEX,
                expected: describe_keys(&expected),
                found: describe_keys(&found),
            });
        }
    } else {
        tracing::warn!(
            event = "board_index_missing",
            table = tweets,
            index = attributes::tweets::BOARD_INDEX,
            "the board cannot read this table until the index exists"
        );
    }
    let q = describe(dynamo, quarantine).await?;
    check_key(
        quarantine,
        &q,
        "quarantine table",
        hash_key(attributes::quarantine::EVENT_ID),
    )
}
