//! A hand-weighted rule baseline: junk cues push the score up, topical cues push it
//! down, and a logistic squashes the sum into [0, 1].

use async_trait::async_trait;
use tweetboard_core::ports::Classifier;
use tweetboard_core::{Classification, ClassifyError, Tweet};

/// Phrases typical of the junk that rides a popular hashtag.
const JUNK_CUES: &[(&str, f64)] = &[
    ("giveaway", 2.5),
    ("follow back", 2.0),
    ("followback", 2.0),
    ("retweet to win", 3.0),
    ("rt to win", 3.0),
    ("win a", 1.2),
    ("free ", 0.8),
    ("airdrop", 2.5),
    ("crypto", 1.5),
    ("nft", 1.5),
    ("bitcoin", 1.2),
    ("dm me", 2.0),
    ("dm for", 2.0),
    ("click the link", 1.8),
    ("onlyfans", 3.0),
    ("hot singles", 3.0),
    ("work from home", 1.8),
    ("earn $", 2.0),
    ("hiring now", 0.8),
    ("promo code", 1.5),
    ("discount", 1.0),
    ("guaranteed", 1.5),
    ("followers", 1.0),
];

/// Words that mean the tweet is about Amazon Web Services.
const TOPIC_CUES: &[(&str, f64)] = &[
    ("lambda", 1.5),
    ("dynamodb", 2.0),
    ("kinesis", 2.0),
    ("s3", 1.2),
    ("ec2", 1.5),
    ("cloudformation", 2.0),
    ("serverless", 1.5),
    ("iam", 1.0),
    ("vpc", 1.0),
    ("eks", 1.2),
    ("ecs", 1.2),
    ("fargate", 1.5),
    ("cloudwatch", 1.5),
    ("sagemaker", 1.5),
    ("bedrock", 1.0),
    ("api gateway", 1.5),
    ("step functions", 1.5),
    ("re:invent", 1.5),
    ("reinvent", 1.2),
    ("aws cdk", 1.5),
    ("terraform", 1.0),
    ("rds", 1.0),
    ("aurora", 1.0),
    ("sqs", 1.2),
    ("sns", 1.0),
];

pub struct RuleBaseline {
    threshold: f64,
}

impl Default for RuleBaseline {
    fn default() -> Self {
        Self { threshold: 0.5 }
    }
}

impl RuleBaseline {
    pub const MODEL_ID: &'static str = "baseline-rules-v1";

    /// The raw score for label "1" (junk).
    pub fn score(&self, tweet: &Tweet) -> f64 {
        let text = tweet.text.to_lowercase();
        let mut z = -0.5;
        for (cue, w) in JUNK_CUES {
            if text.contains(cue) {
                z += w;
            }
        }
        for (cue, w) in TOPIC_CUES {
            if text.contains(cue) {
                z -= w;
            }
        }
        let hashtags = text.matches('#').count() as f64;
        let mentions = text.matches('@').count() as f64;
        z += 0.4 * (hashtags - 3.0).max(0.0) + 0.3 * (mentions - 2.0).max(0.0);
        // Brand-new accounts that follow far more than follow them are a spam signal.
        if tweet.friends > 10 * tweet.followers.max(1) && tweet.friends > 500 {
            z += 1.0;
        }
        1.0 / (1.0 + (-z).exp())
    }
}

#[async_trait]
impl Classifier for RuleBaseline {
    fn model_id(&self) -> &str {
        Self::MODEL_ID
    }

    async fn classify(&self, tweet: &Tweet) -> Result<Classification, ClassifyError> {
        Ok(Classification::from_score(
            self.score(tweet),
            self.threshold,
            Self::MODEL_ID,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tweetboard_core::{Prediction, TweetId};

    fn classify(text: &str) -> Prediction {
        let t = Tweet::new(TweetId::parse("1").unwrap(), text);
        Classification::from_score(RuleBaseline::default().score(&t), 0.5, "x").prediction
    }

    #[test]
    fn topical_and_junk_examples() {
        assert_eq!(
            classify("Cut our #aws Lambda cold starts in half with SnapStart"),
            Prediction::On
        );
        assert_eq!(
            classify("DynamoDB single-table design notes #aws"),
            Prediction::On
        );
        assert_eq!(
            classify("GIVEAWAY! RT to win 500 USDT #aws #crypto #airdrop"),
            Prediction::Off
        );
        assert_eq!(
            classify("Follow back for follow back #aws #followers"),
            Prediction::Off
        );
    }
}
