//! Reading DynamoDB items back, in one idiom for every adapter: [`ItemExt`] gets an
//! attribute of the type it must have, and [`FromItem`] turns a whole item into the type
//! it stores. A corrupt item (an attribute missing, of the wrong type, or a number that
//! does not parse) is an [`ItemError`] naming the attribute, never a silent default.
//!
//! `FromItem` rather than `TryFrom<&Item>`: the stored types live in `tweetboard-core`
//! and `Item` is the SDK's `HashMap`, so the orphan rule forbids implementing the std
//! trait for them here.

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use tweetboard_core::error::preview;
use tweetboard_core::ServiceError;

/// A DynamoDB item as the SDK returns it.
pub type Item = HashMap<String, AttributeValue>;

/// Why an item is not what its table stores. Always permanent: reading it again gives
/// the same item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    #[error("the item has no attribute `{attribute}`")]
    Missing { attribute: String },
    #[error("attribute `{attribute}` is of type {found}, not {expected}")]
    WrongType {
        attribute: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("attribute `{attribute}` is not a number of type {expected}: {}", preview(.value, 40))]
    BadNumber {
        attribute: String,
        value: String,
        expected: &'static str,
    },
    #[error("attribute `{attribute}` is invalid: {reason}")]
    Invalid { attribute: String, reason: String },
}

impl ItemError {
    /// The attribute at fault.
    pub fn attribute(&self) -> &str {
        match self {
            ItemError::Missing { attribute }
            | ItemError::WrongType { attribute, .. }
            | ItemError::BadNumber { attribute, .. }
            | ItemError::Invalid { attribute, .. } => attribute,
        }
    }

    /// The store error of `operation` that returned the corrupt item (permanent).
    pub fn during(self, operation: &'static str) -> ServiceError {
        ServiceError::permanent(operation, format!("corrupt item: {self}")).with_source(self)
    }
}

/// When the operation is not known: prefer [`ItemError::during`].
impl From<ItemError> for ServiceError {
    fn from(e: ItemError) -> Self {
        e.during("ReadItem")
    }
}

/// A type stored as one item, read back from it.
pub trait FromItem: Sized {
    fn from_item(item: &Item) -> Result<Self, ItemError>;
}

/// Typed attribute access. `get_*` require the attribute; `opt_*` take a missing one as
/// `None` but still refuse one of the wrong type.
pub trait ItemExt {
    fn get_s(&self, name: &str) -> Result<&str, ItemError>;
    fn get_n<T: FromStr>(&self, name: &str) -> Result<T, ItemError>;
    fn get_b(&self, name: &str) -> Result<&[u8], ItemError>;
    fn get_bool(&self, name: &str) -> Result<bool, ItemError>;
    fn opt_s(&self, name: &str) -> Result<Option<&str>, ItemError>;
    fn opt_n<T: FromStr>(&self, name: &str) -> Result<Option<T>, ItemError>;
    fn opt_b(&self, name: &str) -> Result<Option<&[u8]>, ItemError>;
    fn opt_bool(&self, name: &str) -> Result<Option<bool>, ItemError>;
}

/// DynamoDB's name of a value's type, for error messages.
fn type_name(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::L(_) => "L",
        AttributeValue::M(_) => "M",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "an unknown type",
    }
}

fn wrong_type(name: &str, expected: &'static str, found: &AttributeValue) -> ItemError {
    ItemError::WrongType {
        attribute: name.to_owned(),
        expected,
        found: type_name(found),
    }
}

fn parse_number<T: FromStr>(name: &str, raw: &str) -> Result<T, ItemError> {
    raw.parse().map_err(|_| ItemError::BadNumber {
        attribute: name.to_owned(),
        value: raw.to_owned(),
        expected: std::any::type_name::<T>(),
    })
}

/// `f` over the attribute, or `None` when the item does not have it.
fn optional<'a, T>(
    item: &'a Item,
    name: &str,
    f: impl FnOnce(&'a AttributeValue) -> Result<T, ItemError>,
) -> Result<Option<T>, ItemError> {
    item.get(name).map(f).transpose()
}

impl ItemExt for Item {
    fn get_s(&self, name: &str) -> Result<&str, ItemError> {
        self.opt_s(name)?.ok_or_else(|| missing(name))
    }

    fn get_n<T: FromStr>(&self, name: &str) -> Result<T, ItemError> {
        self.opt_n(name)?.ok_or_else(|| missing(name))
    }

    fn get_b(&self, name: &str) -> Result<&[u8], ItemError> {
        self.opt_b(name)?.ok_or_else(|| missing(name))
    }

    fn get_bool(&self, name: &str) -> Result<bool, ItemError> {
        self.opt_bool(name)?.ok_or_else(|| missing(name))
    }

    fn opt_s(&self, name: &str) -> Result<Option<&str>, ItemError> {
        optional(self, name, |v| match v {
            AttributeValue::S(s) => Ok(s.as_str()),
            other => Err(wrong_type(name, "S", other)),
        })
    }

    fn opt_n<T: FromStr>(&self, name: &str) -> Result<Option<T>, ItemError> {
        optional(self, name, |v| match v {
            AttributeValue::N(n) => parse_number(name, n),
            other => Err(wrong_type(name, "N", other)),
        })
    }

    fn opt_b(&self, name: &str) -> Result<Option<&[u8]>, ItemError> {
        optional(self, name, |v| match v {
            AttributeValue::B(b) => Ok(b.as_ref()),
            other => Err(wrong_type(name, "B", other)),
        })
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, ItemError> {
        optional(self, name, |v| match v {
            AttributeValue::Bool(b) => Ok(*b),
            other => Err(wrong_type(name, "BOOL", other)),
        })
    }
}

fn missing(name: &str) -> ItemError {
    ItemError::Missing {
        attribute: name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::primitives::Blob;
    use tweetboard_core::FailureKind;

    fn item() -> Item {
        HashMap::from([
            ("text".to_owned(), AttributeValue::S("hello".into())),
            ("followers".to_owned(), AttributeValue::N("42".into())),
            ("probability".to_owned(), AttributeValue::N("0.25".into())),
            ("data".to_owned(), AttributeValue::B(Blob::new(b"raw".to_vec()))),
            ("data_omitted".to_owned(), AttributeValue::Bool(true)),
        ])
    }

    #[test]
    fn present_attributes_of_the_right_type_are_read() {
        // GIVEN an item with one attribute of each type
        let item = item();

        // THEN each reads as its type, required or optional
        assert_eq!(item.get_s("text"), Ok("hello"));
        assert_eq!(item.get_n::<u64>("followers"), Ok(42));
        assert_eq!(item.get_n::<f64>("probability"), Ok(0.25));
        assert_eq!(item.get_b("data"), Ok(b"raw".as_slice()));
        assert_eq!(item.get_bool("data_omitted"), Ok(true));
        assert_eq!(item.opt_s("text"), Ok(Some("hello")));
        assert_eq!(item.opt_n::<usize>("followers"), Ok(Some(42)));
        assert_eq!(item.opt_b("data"), Ok(Some(b"raw".as_slice())));
        assert_eq!(item.opt_bool("data_omitted"), Ok(Some(true)));
    }

    #[test]
    fn a_missing_attribute_is_an_error_when_required_and_none_when_optional() {
        let item = item();

        assert_eq!(
            item.get_s("name"),
            Err(ItemError::Missing {
                attribute: "name".into()
            })
        );
        assert_eq!(item.get_n::<u64>("retweets").unwrap_err().attribute(), "retweets");
        assert_eq!(item.opt_s("name"), Ok(None));
        assert_eq!(item.opt_n::<u64>("retweets"), Ok(None));
        assert_eq!(item.opt_b("part"), Ok(None));
        assert_eq!(item.opt_bool("resolved"), Ok(None));
    }

    #[test]
    fn an_attribute_of_the_wrong_type_is_an_error_even_when_optional() {
        let item = item();

        let err = item.opt_s("followers").unwrap_err();

        assert_eq!(
            err,
            ItemError::WrongType {
                attribute: "followers".into(),
                expected: "S",
                found: "N"
            }
        );
        assert_eq!(err.to_string(), "attribute `followers` is of type N, not S");
        assert!(item.get_n::<u64>("text").is_err());
        assert!(item.get_b("text").is_err());
        assert!(item.opt_bool("data").is_err());
    }

    #[test]
    fn a_number_that_does_not_fit_its_type_is_an_error_naming_the_attribute() {
        // GIVEN a fractional and a negative number where whole counts are stored
        let item = item();
        let negative = HashMap::from([("followers".to_owned(), AttributeValue::N("-1".into()))]);

        // WHEN they are read as counts
        let fractional = item.get_n::<u64>("probability").unwrap_err();
        let negative = negative.get_n::<u64>("followers").unwrap_err();

        // THEN each error names the attribute, the value and the type
        assert_eq!(
            fractional.to_string(),
            "attribute `probability` is not a number of type u64: \"0.25\""
        );
        assert_eq!(negative.attribute(), "followers");
    }

    #[test]
    fn an_item_error_is_a_permanent_store_error_that_names_the_attribute() {
        let err = item().get_s("reason").unwrap_err();

        let store = err.during("Scan");

        assert_eq!(store.kind, FailureKind::Permanent);
        assert_eq!(store.operation, "Scan");
        assert!(store.to_string().contains("`reason`"), "{store}");
        assert!(!ServiceError::from(item().get_s("x").unwrap_err()).is_transient());
    }
}
