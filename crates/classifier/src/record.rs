//! The record a model scores: exactly the fields the original system sent to Amazon ML's
//! `Predict`, so the embedded model, the Amazon ML option and a SageMaker endpoint all
//! see the same input.

use std::collections::HashMap;

use tweetboard_core::Tweet;

/// Names of the record's fields, as sent in Amazon ML's `Record` map.
pub const FIELDS: [&str; 10] = [
    "text",
    "id",
    "followers",
    "favourites",
    "friends",
    "lists",
    "retweets",
    "tweets",
    "user",
    "source",
];

/// The names of the account counts, in the order [`Record::counts`] gives them.
pub const COUNT_NAMES: [&str; 6] = [
    "followers",
    "favourites",
    "friends",
    "lists",
    "retweets",
    "tweets",
];

/// A tweet as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub text: String,
    pub id: String,
    pub followers: u64,
    pub favourites: u64,
    pub friends: u64,
    pub lists: u64,
    pub retweets: u64,
    pub tweets: u64,
    /// The screen name.
    pub user: String,
    /// The client the tweet was sent from (v1.1 gives an HTML anchor).
    pub source: String,
}

impl Record {
    pub fn from_tweet(t: &Tweet) -> Self {
        Self {
            text: t.text.clone(),
            id: t.id().as_str().to_owned(),
            followers: t.followers,
            favourites: t.favourites,
            friends: t.friends,
            lists: t.listed,
            retweets: t.retweets,
            tweets: t.statuses,
            user: t.screen_name.clone(),
            source: t.source.clone(),
        }
    }

    /// Amazon ML's `Record`: every value a string.
    pub fn to_aml_map(&self) -> HashMap<String, String> {
        let mut m = HashMap::with_capacity(FIELDS.len());
        for (k, v) in [
            ("text", self.text.clone()),
            ("id", self.id.clone()),
            ("followers", self.followers.to_string()),
            ("favourites", self.favourites.to_string()),
            ("friends", self.friends.to_string()),
            ("lists", self.lists.to_string()),
            ("retweets", self.retweets.to_string()),
            ("tweets", self.tweets.to_string()),
            ("user", self.user.clone()),
            ("source", self.source.clone()),
        ] {
            m.insert(k.to_owned(), v);
        }
        m
    }

    /// From an Amazon ML `Record`. Missing fields are empty; a count that is not a whole
    /// number is an error naming the field.
    pub fn from_aml_map(m: &HashMap<String, String>) -> Result<Self, String> {
        let text = |k: &str| m.get(k).cloned().unwrap_or_default();
        let count = |k: &str| -> Result<u64, String> {
            match m.get(k).map(|v| v.trim()) {
                None | Some("") => Ok(0),
                Some(v) => v
                    .parse::<u64>()
                    .or_else(|_| v.parse::<f64>().map(|f| f.max(0.0) as u64))
                    .map_err(|_| format!("record field {k:?} is not a number: {v:?}")),
            }
        };
        Ok(Self {
            text: text("text"),
            id: text("id"),
            followers: count("followers")?,
            favourites: count("favourites")?,
            friends: count("friends")?,
            lists: count("lists")?,
            retweets: count("retweets")?,
            tweets: count("tweets")?,
            user: text("user"),
            source: text("source"),
        })
    }

    /// The numeric fields by name, for quantile binning.
    pub fn counts(&self) -> [(&'static str, u64); COUNT_NAMES.len()] {
        let values = [
            self.followers,
            self.favourites,
            self.friends,
            self.lists,
            self.retweets,
            self.tweets,
        ];
        std::array::from_fn(|k| (COUNT_NAMES[k], values[k]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aml_map_round_trip() {
        let r = Record {
            text: "hi".into(),
            id: "9007199254740993".into(),
            followers: 3,
            user: "u".into(),
            ..Default::default()
        };
        let m = r.to_aml_map();
        assert_eq!(m["followers"], "3");
        assert_eq!(m.len(), 10);
        assert_eq!(Record::from_aml_map(&m).unwrap(), r);
        let mut bad = m.clone();
        bad.insert("friends".into(), "many".into());
        assert!(Record::from_aml_map(&bad).unwrap_err().contains("friends"));
    }
}
