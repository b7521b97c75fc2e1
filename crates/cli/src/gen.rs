//! Synthetic tweets for `tweetboard gen`: on-topic #aws tweets and junk (giveaways,
//! crypto, follow trains, job spam, other meanings of "AWS") in the shipped samples'
//! v1.1 shape, with varied account features, snowflake ids (above 2^53, unique, and
//! ordered by time like X's), and poison records that no decoder accepts.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const SERVICES: &[&str] = &[
    "Lambda",
    "DynamoDB",
    "Kinesis",
    "S3",
    "EC2",
    "ECS",
    "EKS",
    "Fargate",
    "CloudFormation",
    "CDK",
    "Step Functions",
    "API Gateway",
    "SQS",
    "SNS",
    "EventBridge",
    "Aurora",
    "CloudWatch",
    "IAM",
    "SageMaker",
    "Bedrock",
    "Athena",
    "OpenSearch",
    "Cognito",
    "Graviton",
    "MSK",
    "Firehose",
];
const FEATURES: &[&str] = &[
    "provisioned concurrency",
    "SnapStart",
    "on-demand capacity",
    "point-in-time recovery",
    "enhanced fan-out",
    "arm64",
    "response streaming",
    "auto scaling",
    "TTL",
    "event filtering",
];
const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "eu-central-1",
    "us-west-2",
];
const TOPIC: &[&str] = &[
    "Just moved our image pipeline to {svc} and {svc2}. Cold starts down {n}% #aws",
    "TIL: {svc} supports {feature} now. Saves us a whole cron job. #aws #serverless",
    "Our {svc} bill dropped {n}% after switching to {feature}. Writeup soon #aws",
    "Anyone else seeing elevated error rates on {svc} in {region}? #aws",
    "{svc} + {svc2} is such a good combo for event-driven apps #aws",
    "New blog post: idempotent consumers with {svc} and conditional writes in {svc2} #aws",
    "How we run {n}k requests/sec on {svc} with zero servers to patch #aws",
    "Pro tip: turn on {feature} for {svc} before you need it #aws",
    "Rust on {svc}: {n}ms p99 and 20 MB of memory. Very happy. #aws #rustlang",
    "Thread: {n} lessons from a year of running {svc} in production #aws",
];
const JUNK: &[&str] = &[
    "GIVEAWAY! RT + follow to win {amount} in gift cards!! Ends tonight #aws #giveaway #win",
    "{coin} airdrop is LIVE {emoji} claim {amount} free tokens now, link in bio #aws #crypto #airdrop",
    "{coin} to the moon {emoji}{emoji} 100x guaranteed, DM me for the signal group #aws #crypto",
    "Follow train {emoji} follow everyone who retweets, I follow back 100% #aws #followback",
    "Want {n}k followers fast? Real and active, cheap prices, DM now #aws #followers",
    "Work from home and earn ${n}00/day!!! No experience needed, DM me #aws #hiring #remote",
    "Cheap {prize} sale {emoji} 90% off, limited stock, click the link #aws #sale",
    "Passed my AWS D1.1 welding certification today, American Welding Society here I come #aws #welding",
    "aws man that match last night was unreal {emoji} #aws #football",
];
const COINS: &[&str] = &["$SHIB", "$DOGE", "$PEPE", "BTC", "ETH", "$MOON"];
const PRIZES: &[&str] = &["PS5", "iPhone 16", "MacBook", "Rolex", "gaming PC"];
const EMOJI: &[&str] = &[
    "\u{1F680}",
    "\u{1F525}",
    "\u{1F4B0}",
    "\u{1F48E}",
    "\u{2728}",
    "\u{1F4AF}",
];
const AMOUNTS: &[&str] = &["$500", "$1,000", "$5000", "1 ETH", "10,000 USDT"];
const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Priya", "Wei",
];
const LAST: &[&str] = &[
    "Okafor", "Silva", "Nguyen", "Kowalski", "Haddad", "Tanaka", "Reyes", "Patel",
];
const ROLES: &[&str] = &["builds", "cloud", "dev", "ops", "sre", "data", "codes"];
const SOURCES_TOPIC: &[&str] = &[
    r#"<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>"#,
    r#"<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>"#,
    r#"<a href="https://tweetdeck.twitter.com" rel="nofollow">TweetDeck</a>"#,
];
const SOURCES_JUNK: &[&str] = &[
    r#"<a href="https://autopost.example" rel="nofollow">AutoPoster Pro</a>"#,
    r#"<a href="https://bulk.example" rel="nofollow">BulkTweet</a>"#,
];
/// X's snowflake epoch (2010-11-04), in milliseconds.
const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// Poison records: bytes the consumer can never decode, so it quarantines them.
const POISON: &[&str] = &[
    "not json at all",
    r#"{"id_str": "1859", "text": "truncated"#,
    r#"{"id": 1.8590000000000001e18, "text": "a float id"}"#,
    r#"["an", "array"]"#,
    r#"{"id_str": "-5", "text": "a negative id"}"#,
];

/// A seeded source of tweets: the seed fixes their text and accounts, not their ids.
/// Ids are snowflakes from the clock, a worker drawn from the OS's randomness once per
/// generator and a sequence starting at a random point each millisecond (also from the
/// OS), so two runs at once, even with the same seed, do not produce equal ids (two
/// generators collide only if they draw the same worker and the same sequence in the
/// same millisecond).
pub struct TweetGenerator {
    rng: StdRng,
    /// Unseeded: where the ids' worker and sequence come from.
    ids: StdRng,
    junk_ratio: f64,
    /// Bits 12–21 of the snowflake.
    worker: u64,
    /// The low 12 bits of the snowflake.
    sequence: u64,
    last_ms: i64,
}

impl TweetGenerator {
    pub fn new(seed: u64, junk_ratio: f64) -> Self {
        let mut ids = StdRng::from_entropy();
        Self {
            rng: StdRng::seed_from_u64(seed),
            worker: u64::from(ids.gen::<u16>() & 0x3ff),
            ids,
            junk_ratio: junk_ratio.clamp(0.0, 1.0),
            sequence: 0,
            last_ms: 0,
        }
    }

    /// A tweet created at `now`, and whether it was written as junk.
    pub fn tweet(&mut self, now: DateTime<Utc>) -> (Value, bool) {
        let junk = self.rng.gen_bool(self.junk_ratio);
        let id = self.next_id(now);
        let template = *if junk { JUNK } else { TOPIC }
            .choose(&mut self.rng)
            .expect("templates");
        let text = self.fill(template);
        let first = *FIRST.choose(&mut self.rng).expect("names");
        let last = *LAST.choose(&mut self.rng).expect("names");
        let role = *ROLES.choose(&mut self.rng).expect("roles");
        let user_id: u64 = self.rng.gen_range(10_000_000..2_000_000_000);
        // Spam accounts follow many and are followed by few, and post a lot.
        let (followers, friends, statuses) = if junk {
            (
                self.rng.gen_range(0..300),
                self.rng.gen_range(2_000..7_500),
                self.rng.gen_range(10_000..400_000),
            )
        } else {
            (
                self.rng.gen_range(50..50_000),
                self.rng.gen_range(50..2_000),
                self.rng.gen_range(200..60_000),
            )
        };
        let screen_name = if junk {
            format!("{}{}", first.to_lowercase(), self.rng.gen_range(10_000..99_999))
        } else {
            format!("{}{role}", first.to_lowercase())
        };
        let source = *if junk { SOURCES_JUNK } else { SOURCES_TOPIC }
            .choose(&mut self.rng)
            .expect("sources");
        let tweet = json!({
            "created_at": now.format("%a %b %d %H:%M:%S +0000 %Y").to_string(),
            "id_str": id.to_string(),
            "text": text,
            "source": source,
            "user": {
                "id_str": user_id.to_string(),
                "name": format!("{first} {last}"),
                "screen_name": screen_name,
                "followers_count": followers,
                "friends_count": friends,
                "listed_count": self.rng.gen_range(0..400),
                "statuses_count": statuses,
                "profile_image_url_https": format!("https://pbs.twimg.com/profile_images/{user_id}/avatar_normal.jpg"),
            },
            "retweet_count": self.rng.gen_range(0..200),
            "favorite_count": self.rng.gen_range(0..800),
            "lang": "en",
        });
        (tweet, junk)
    }

    /// A record no decoder accepts, and a partition key for it.
    pub fn poison(&mut self) -> (String, Vec<u8>) {
        let body = *POISON.choose(&mut self.rng).expect("poison");
        (
            format!("poison-{}", self.rng.gen::<u32>()),
            body.as_bytes().to_vec(),
        )
    }

    /// Whether the next tweet should be a repeat (`fraction` of them).
    pub fn roll(&mut self, fraction: f64) -> bool {
        fraction > 0.0 && self.rng.gen_bool(fraction.clamp(0.0, 1.0))
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.choose(&mut self.rng)
    }

    fn next_id(&mut self, now: DateTime<Utc>) -> u64 {
        let ms = now.timestamp_millis().max(self.last_ms);
        if ms == self.last_ms && self.sequence < 0xfff {
            self.sequence += 1;
        } else {
            // A millisecond's sequence used up moves on to the next millisecond.
            self.last_ms = if ms == self.last_ms { ms + 1 } else { ms };
            self.sequence = self.ids.gen_range(0..0x800);
        }
        (((self.last_ms - SNOWFLAKE_EPOCH_MS) as u64) << 22) | (self.worker << 12) | self.sequence
    }

    fn fill(&mut self, template: &str) -> String {
        let mut services = SERVICES.choose_multiple(&mut self.rng, 2);
        let (svc, svc2) = (*services.next().expect("two"), *services.next().expect("two"));
        let mut text = template.replace("{svc2}", svc2).replace("{svc}", svc);
        for (key, choices) in [
            ("{feature}", FEATURES),
            ("{region}", REGIONS),
            ("{coin}", COINS),
            ("{prize}", PRIZES),
            ("{amount}", AMOUNTS),
        ] {
            if text.contains(key) {
                let choice = *choices.choose(&mut self.rng).expect("choices");
                text = text.replace(key, choice);
            }
        }
        while text.contains("{emoji}") {
            let e = *EMOJI.choose(&mut self.rng).expect("emoji");
            text = text.replacen("{emoji}", e, 1);
        }
        text.replace("{n}", &self.rng.gen_range(2..95).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tweetboard_core::decode::decode_tweet;

    #[test]
    fn generated_tweets_decode_with_unique_ids_above_2_pow_53() {
        let mut generator = TweetGenerator::new(7, 0.4);
        let now = Utc::now();
        let mut ids = std::collections::HashSet::new();
        let mut junk = 0;
        for _ in 0..2000 {
            let (tweet, is_junk) = generator.tweet(now);
            junk += usize::from(is_junk);
            let decoded = decode_tweet(&serde_json::to_vec(&tweet).unwrap()).unwrap();
            let id: u64 = decoded.id().as_str().parse().unwrap();
            assert!(id > 1 << 53, "{id}");
            assert!(ids.insert(id), "{id} twice");
            assert!(!decoded.text.contains('{'), "{}", decoded.text);
        }
        assert!((600..1000).contains(&junk), "{junk} junk of 2000 at 0.4");
    }

    #[test]
    fn two_generators_with_the_same_seed_write_the_same_text_under_different_ids() {
        // GIVEN two runs at once with the same seed
        let (mut a, mut b) = (TweetGenerator::new(42, 0.3), TweetGenerator::new(42, 0.3));
        let now = Utc::now();
        // WHEN each writes tweets in the same millisecond
        let (mut ids, mut texts) = (std::collections::HashSet::new(), (Vec::new(), Vec::new()));
        for _ in 0..50 {
            let (ta, _) = a.tweet(now);
            let (tb, _) = b.tweet(now);
            texts.0.push(ta["text"].clone());
            texts.1.push(tb["text"].clone());
            // THEN no id is shared
            assert!(ids.insert(ta["id_str"].as_str().unwrap().to_owned()));
            assert!(ids.insert(tb["id_str"].as_str().unwrap().to_owned()));
        }
        // AND the seed still fixes the text
        assert_eq!(texts.0, texts.1);
    }

    #[test]
    fn a_full_millisecond_moves_on_to_the_next() {
        let mut generator = TweetGenerator::new(1, 0.0);
        let now = Utc::now();
        let ids: std::collections::HashSet<u64> = (0..10_000).map(|_| generator.next_id(now)).collect();
        assert_eq!(ids.len(), 10_000);
    }

    #[test]
    fn poison_never_decodes() {
        let mut generator = TweetGenerator::new(1, 0.0);
        for _ in 0..50 {
            let (_, bytes) = generator.poison();
            assert!(
                decode_tweet(&bytes).is_err(),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}
