//! The board's query parameters, validated: `/api/tweets?prediction&limit&cursor`,
//! `/api/stats?hours` and the page's `?show`.
//!
//! Pure logic over the decoded parameters (the router's `Query<HashMap<String,
//! String>>`, i.e. `serde_urlencoded`, the last of a repeated name winning): it sits in
//! the domain so that the parsing of any query string a client sends can be fuzzed
//! without building the HTTP stack or the AWS SDK (`fuzz/fuzz_targets/board_query.rs`).
//! Every error is a 400 whose text says what is accepted.

use std::collections::HashMap;

use crate::classification::Prediction;

/// Tweets per `/api/tweets` page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 20;
/// The most tweets one `/api/tweets` page may ask for.
pub const MAX_LIMIT: usize = 100;
/// The chart's window when `hours` is not given.
pub const CHART_HOURS: u32 = 24;
/// The longest chart window: a week.
pub const MAX_CHART_HOURS: u32 = 168;

/// The parameters `/api/tweets` accepts.
const TWEETS_PARAMETERS: [&str; 3] = ["prediction", "limit", "cursor"];

/// The query parameters of `/api/tweets`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TweetsQuery {
    pub prediction: Prediction,
    /// From 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// The client's cursor as sent (never empty); checked when the page is read.
    pub cursor: Option<String>,
}

/// Why a query string was refused (a 400 with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown parameter {0:?}; use prediction, limit and cursor")]
    UnknownParameter(String),
    #[error("prediction must be ON or OFF, not {0:?}")]
    Prediction(String),
    #[error("limit must be a whole number from 1 to {MAX_LIMIT}, not {0:?}")]
    Limit(String),
    #[error("hours must be a whole number from 1 to {MAX_CHART_HOURS}")]
    Hours,
    #[error("show must be ON or OFF")]
    Show,
}

/// `/api/tweets`: `prediction` (default ON), `limit` (default [`DEFAULT_LIMIT`]) and
/// `cursor` (an empty one is the first page); any other name is refused, so a typo is
/// not silently ignored.
pub fn parse_tweets_query(params: &HashMap<String, String>) -> Result<TweetsQuery, QueryError> {
    if let Some(unknown) = params.keys().find(|k| !TWEETS_PARAMETERS.contains(&k.as_str())) {
        return Err(QueryError::UnknownParameter(unknown.clone()));
    }
    let prediction = match params.get("prediction").map(String::as_str) {
        None => Prediction::On,
        Some(p) => Prediction::parse(p).ok_or_else(|| QueryError::Prediction(p.to_owned()))?,
    };
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| QueryError::Limit(l.clone()))?,
    };
    let cursor = params.get("cursor").filter(|c| !c.is_empty()).cloned();
    Ok(TweetsQuery {
        prediction,
        limit,
        cursor,
    })
}

/// `?hours=` of `/api/stats`: 1 to [`MAX_CHART_HOURS`], default [`CHART_HOURS`].
pub fn parse_hours(params: &HashMap<String, String>) -> Result<u32, QueryError> {
    match params.get("hours").map(|h| h.parse::<u32>()) {
        None => Ok(CHART_HOURS),
        Some(Ok(h)) if (1..=MAX_CHART_HOURS).contains(&h) => Ok(h),
        Some(_) => Err(QueryError::Hours),
    }
}

/// `?show=` of the page: whether it shows the junk (OFF) rather than the on-topic
/// tweets.
pub fn parse_show(params: &HashMap<String, String>) -> Result<bool, QueryError> {
    match params.get("show").map(String::as_str) {
        None | Some("ON") => Ok(false),
        Some("OFF") => Ok(true),
        Some(_) => Err(QueryError::Show),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn show_is_on_or_off() {
        assert_eq!(parse_show(&params(&[])), Ok(false));
        assert_eq!(parse_show(&params(&[("show", "ON")])), Ok(false));
        assert_eq!(parse_show(&params(&[("show", "OFF")])), Ok(true));
        assert_eq!(parse_show(&params(&[("show", "x")])), Err(QueryError::Show));
        assert_eq!(QueryError::Show.to_string(), "show must be ON or OFF");
    }

    #[test]
    fn query_validation() {
        let q = parse_tweets_query(&params(&[])).unwrap();
        assert_eq!(
            (q.prediction, q.limit, q.cursor),
            (Prediction::On, DEFAULT_LIMIT, None)
        );
        assert!(parse_tweets_query(&params(&[("prediction", "MAYBE")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "0")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "101")])).is_err());
        assert!(parse_tweets_query(&params(&[("limit", "ten")])).is_err());
        assert!(parse_tweets_query(&params(&[("sort", "asc")]))
            .unwrap_err()
            .to_string()
            .contains("unknown parameter"));
    }

    #[test]
    fn the_error_texts_are_the_ones_clients_always_got() {
        // The 400 bodies did not change when the parsing moved here from the router.
        assert_eq!(
            QueryError::UnknownParameter("sort".into()).to_string(),
            r#"unknown parameter "sort"; use prediction, limit and cursor"#
        );
        assert_eq!(
            QueryError::Prediction("MAYBE".into()).to_string(),
            r#"prediction must be ON or OFF, not "MAYBE""#
        );
        assert_eq!(
            QueryError::Limit("ten".into()).to_string(),
            r#"limit must be a whole number from 1 to 100, not "ten""#
        );
        assert_eq!(
            QueryError::Hours.to_string(),
            "hours must be a whole number from 1 to 168"
        );
    }

    #[test]
    fn hours_are_one_to_a_week() {
        assert_eq!(parse_hours(&params(&[])), Ok(CHART_HOURS));
        assert_eq!(parse_hours(&params(&[("hours", "168")])), Ok(168));
        for bad in ["0", "169", "-1", "", "1.5", "99999999999"] {
            assert_eq!(
                parse_hours(&params(&[("hours", bad)])),
                Err(QueryError::Hours),
                "{bad}"
            );
        }
    }
}
