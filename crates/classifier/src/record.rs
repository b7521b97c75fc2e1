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

/// A [`Record`] borrowed: the same fields, the strings as views into a [`Tweet`] or a
/// `Record` (issue 12, eleventh round). The recipe reads a record and keeps nothing of
/// it, so the consumer scores a tweet through this view rather than copying its four
/// strings into a `Record` and freeing them after (≈ 750 instructions a tweet).
/// Training, the CLI and the data sets keep the owned `Record`; [`Record::view`] and
/// `From<&Record>` give its view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordRef<'a> {
    pub text: &'a str,
    pub id: &'a str,
    pub followers: u64,
    pub favourites: u64,
    pub friends: u64,
    pub lists: u64,
    pub retweets: u64,
    pub tweets: u64,
    /// The screen name.
    pub user: &'a str,
    /// The client the tweet was sent from (v1.1 gives an HTML anchor).
    pub source: &'a str,
}

impl<'a> RecordRef<'a> {
    /// The record of a tweet, as [`Record::from_tweet`] makes it, without the copies.
    pub fn from_tweet(t: &'a Tweet) -> Self {
        Self {
            text: &t.text,
            id: t.id().as_str(),
            followers: t.followers,
            favourites: t.favourites,
            friends: t.friends,
            lists: t.listed,
            retweets: t.retweets,
            tweets: t.statuses,
            user: &t.screen_name,
            source: &t.source,
        }
    }

    /// The owned record with these fields.
    pub fn to_record(&self) -> Record {
        Record {
            text: self.text.to_owned(),
            id: self.id.to_owned(),
            followers: self.followers,
            favourites: self.favourites,
            friends: self.friends,
            lists: self.lists,
            retweets: self.retweets,
            tweets: self.tweets,
            user: self.user.to_owned(),
            source: self.source.to_owned(),
        }
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

impl<'a> From<&'a Record> for RecordRef<'a> {
    fn from(r: &'a Record) -> Self {
        r.view()
    }
}

impl Record {
    /// The owned copy of [`RecordRef::from_tweet`]: one definition of which tweet field is
    /// which record field.
    pub fn from_tweet(t: &Tweet) -> Self {
        RecordRef::from_tweet(t).to_record()
    }

    /// This record borrowed, as the recipe reads it.
    pub fn view(&self) -> RecordRef<'_> {
        RecordRef {
            text: &self.text,
            id: &self.id,
            followers: self.followers,
            favourites: self.favourites,
            friends: self.friends,
            lists: self.lists,
            retweets: self.retweets,
            tweets: self.tweets,
            user: &self.user,
            source: &self.source,
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
        self.view().counts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;
    use tweetboard_core::decode::decode_tweet;

    /// `Record::from_tweet` as it was before the borrowed view (the tenth round's): the
    /// definition the view, and the owned record now made from it, are checked against.
    fn from_tweet_copied(t: &Tweet) -> Record {
        Record {
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

    #[test]
    fn a_borrowed_record_of_a_tweet_is_the_copied_record_and_scores_the_same() {
        // GIVEN the consumer bench's v1.1 tweet (every count a different number) and one
        // with only an id and text
        let bench = decode_tweet(include_bytes!("../../consumer/benches/v1-tweet.json")).unwrap();
        let bare = Tweet::new(
            tweetboard_core::TweetId::parse("42").unwrap(),
            "AWS Lambda in a tweet with no account",
        );
        let model = Model::embedded_default();
        for tweet in [&bench, &bare] {
            let copied = from_tweet_copied(tweet);
            // WHEN it is read through the borrowed view
            let view = RecordRef::from_tweet(tweet);
            // THEN each field is the copied record's, as are the owned record now made
            // from the view and the record's own view
            assert_eq!(view.to_record(), copied);
            assert_eq!(Record::from_tweet(tweet), copied);
            assert_eq!(copied.view(), view);
            assert_eq!(view.counts(), copied.counts());
            // AND the recipe and the model read it as they read the copy
            let recipe = &model.artifact().recipe;
            assert_eq!(recipe.features(view), recipe.features(&copied));
            assert_eq!(recipe.signal_features(view), recipe.signal_features(&copied));
            assert_eq!(model.score(view).to_bits(), model.score(&copied).to_bits());
        }
    }

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
