#!/usr/bin/env python3
"""Writes the sample tweets `make run` ships: Twitter API v1.1 objects, one per line.

Written for this project: every text is composed here from templates and word lists,
deterministically (fixed seed), so the file is reproducible and contains no real
person's tweet. About 60% are on-topic #aws tweets, the rest the junk that rides the
hashtag (giveaways, crypto, follow trains, adult spam, job spam, unrelated "AWS").
A few exact repeats are included, as a stream carries them in practice.

Usage: python3 generate_samples.py [--count N] [--seed S] > sample-tweets.jsonl
"""
import argparse
import json
import random
from datetime import datetime, timedelta, timezone

SERVICES = [
    "Lambda", "DynamoDB", "Kinesis", "S3", "EC2", "ECS", "EKS", "Fargate", "CloudFormation",
    "CDK", "Step Functions", "API Gateway", "SQS", "SNS", "EventBridge", "Aurora", "RDS",
    "CloudWatch", "IAM", "VPC", "Route 53", "CloudFront", "SageMaker", "Bedrock", "Glue",
    "Athena", "Redshift", "OpenSearch", "ElastiCache", "Cognito", "AppSync", "Amplify",
    "Secrets Manager", "KMS", "Systems Manager", "Graviton", "Lightsail", "Batch", "MSK",
    "Firehose", "X-Ray", "CodePipeline", "CodeBuild", "Control Tower", "Organizations",
]
TOPIC_TEMPLATES = [
    "Just moved our image pipeline to {svc} and {svc2}. Cold starts down {n}% #aws",
    "TIL: {svc} supports {feature} now. Saves us a whole cron job. #aws #serverless",
    "Our {svc} bill dropped {n}% after switching to {feature}. Writeup soon #aws",
    "Anyone else seeing elevated error rates on {svc} in {region}? #aws",
    "{svc} + {svc2} is such a good combo for event-driven apps #aws",
    "Debugging a {svc} permissions issue for 3 hours. It was the IAM policy. It is always the IAM policy. #aws",
    "New blog post: idempotent consumers with {svc} and conditional writes in {svc2} #aws",
    "Re:Invent recap: the {svc} announcements I actually care about #aws #reinvent",
    "How we run {n}k requests/sec on {svc} with zero servers to patch #aws",
    "Finally migrated off self-managed Kafka to {svc}. Ops pager is quiet. #aws",
    "Is {svc} or {svc2} the better fit for a {n} GB/day log pipeline? Thoughts? #aws",
    "Pro tip: turn on {feature} for {svc} before you need it #aws",
    "Workshop today: building a serverless tweet board with {svc}, {svc2} and Rust #aws",
    "{svc} in {region} just went GA with {feature}. Nice. #aws",
    "Spent the weekend writing Terraform for {svc}. Next: the same in CDK #aws #iac",
    "Cost tip: right-size your {svc} with Graviton, we saved {n}% #aws",
    "Our on-call runbook for {svc} throttling, shared in case it helps #aws #sre",
    "Partial batch responses in {svc} event source mappings are underrated #aws",
    "Study notes for the Solutions Architect exam: {svc} vs {svc2} #aws #certification",
    "Rust on {svc}: {n}ms p99 and 20 MB of memory. Very happy. #aws #rustlang",
    "Looking at {svc} metrics in CloudWatch and the {feature} graph is beautiful #aws",
    "Hot take: most teams do not need {svc}; {svc2} is enough #aws",
    "Q: how do you replay a {svc} shard safely? A: make every write idempotent #aws",
    "Thread: {n} lessons from a year of running {svc} in production #aws",
]
FEATURES = [
    "provisioned concurrency", "SnapStart", "on-demand capacity", "point-in-time recovery",
    "enhanced fan-out", "arm64", "response streaming", "VPC endpoints", "cross-region replication",
    "auto scaling", "TTL", "reserved capacity", "batch windows", "server-side encryption",
    "global tables", "function URLs", "savings plans", "tiered storage", "event filtering",
]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2", "sa-east-1"]

JUNK_TEMPLATES = [
    # giveaways
    "GIVEAWAY! RT + follow to win {amount} in gift cards!! Ends tonight #aws #giveaway #win",
    "We are giving away {n} iPhones!!! Retweet to win, follow all who like this #aws #free",
    "RT to win a FREE {prize}. Winner picked in 24h {emoji} #aws #contest",
    # crypto
    "{coin} airdrop is LIVE {emoji} claim {amount} free tokens now, link in bio #aws #crypto #airdrop",
    "{coin} to the moon {emoji}{emoji} 100x guaranteed, DM me for the signal group #aws #crypto",
    "New NFT drop, mint price 0.01 ETH, only {n} left!!! #aws #nft #web3",
    "Turn $100 into ${n}000 with our {coin} trading bot. DM for access #aws #bitcoin",
    # follow trains
    "Follow train {emoji} follow everyone who retweets, I follow back 100% #aws #followback #teamfollowback",
    "Want {n}k followers fast? Real and active, cheap prices, DM now #aws #followers",
    "Gain followers instantly!! follow back guaranteed {emoji} #aws #f4f #followers",
    # adult
    "Hot singles in {city} want to meet you tonight {emoji} click the link #aws",
    "{emoji} 18+ content, see my onlyfans, link in bio {emoji} #aws",
    # job spam
    "Work from home and earn ${n}00/day!!! No experience needed, DM me #aws #hiring #remote",
    "HIRING NOW {emoji} {n} positions, apply today, earn $$$ from your phone #aws #jobs",
    "Make money online with this one trick, earn $ {n}k per week {emoji} #aws #sidehustle",
    # promos
    "Use promo code AWS{n} for {n}% discount on all sneakers today only!! #aws #deal",
    "Cheap {prize} sale {emoji} 90% off, limited stock, click the link #aws #sale",
    # unrelated "AWS"
    "Passed my AWS D1.1 welding certification today, American Welding Society here I come #aws #welding",
    "The AWS wine tasting evening was lovely, best shiraz of the year #aws #wine",
    "aws this puppy is so cute {emoji} #aws #puppy",
    "Our AWS (Association of Women in Science) meetup is on {day}, all welcome #aws",
    "aws man that match last night was unreal {emoji} #aws #football",
]
COINS = ["$SHIB", "$DOGE", "$PEPE", "BTC", "ETH", "$MOON", "$SAFE", "XRP"]
PRIZES = ["PS5", "iPhone 16", "MacBook", "Rolex", "Tesla", "gaming PC", "AirPods"]
CITIES = ["your area", "Seattle", "London", "Sydney", "Berlin", "Austin"]
DAYS = ["Monday", "Tuesday", "Thursday", "Saturday"]
EMOJI = ["\U0001F680", "\U0001F525", "\U0001F4B0", "\U0001F48E", "\u2728", "\U0001F60D", "\U0001F4AF", "\U0001F389"]
AMOUNTS = ["$500", "$1,000", "$5000", "1 ETH", "10,000 USDT"]

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kiri",
         "Lena", "Marco", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera",
         "Wei", "Xavi", "Yara", "Zoe"]
LAST = ["Okafor", "Silva", "Nguyen", "Kowalski", "Haddad", "Larsen", "Moreau", "Tanaka", "Reyes",
        "Schmidt", "Patel", "O'Brien", "Costa", "Ivanova", "Mensah"]
ROLES = ["builds", "cloud", "dev", "ops", "sre", "data", "codes", "serverless"]
SOURCES_TOPIC = [
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
    '<a href="https://tweetdeck.twitter.com" rel="nofollow">TweetDeck</a>',
]
SOURCES_JUNK = [
    '<a href="https://autopost.example" rel="nofollow">AutoPoster Pro</a>',
    '<a href="https://bulk.example" rel="nofollow">BulkTweet</a>',
    '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
]


def fill(template, rng):
    svc, svc2 = rng.sample(SERVICES, 2)
    return template.format(
        svc=svc, svc2=svc2, feature=rng.choice(FEATURES), region=rng.choice(REGIONS),
        n=rng.randint(2, 95), amount=rng.choice(AMOUNTS), prize=rng.choice(PRIZES),
        coin=rng.choice(COINS), emoji=rng.choice(EMOJI), city=rng.choice(CITIES), day=rng.choice(DAYS),
    )


def user(rng, junk, uid):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if junk:
        screen = f"{rng.choice(['win', 'free', 'crypto', 'promo', 'deal', 'hot'])}{rng.choice(['_', ''])}{rng.randint(1000, 99999)}"
        followers, friends = rng.randint(0, 300), rng.randint(800, 5000)
        statuses, listed = rng.randint(5000, 90000), rng.randint(0, 3)
    else:
        screen = f"{first.lower()}{rng.choice(ROLES)}{rng.choice(['', '_', str(rng.randint(1, 99))])}"
        followers, friends = int(rng.lognormvariate(6.5, 1.5)), rng.randint(50, 1500)
        statuses, listed = rng.randint(200, 40000), rng.randint(1, 200)
    return {
        "id": uid, "id_str": str(uid), "name": f"{first} {last}", "screen_name": screen,
        "followers_count": followers, "friends_count": friends, "listed_count": listed,
        "statuses_count": statuses,
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    base_id = 1859000000000000000  # above 2^53: ids must stay exact
    tweets = []
    for i in range(args.count):
        junk = rng.random() < 0.4
        text = fill(rng.choice(JUNK_TEMPLATES if junk else TOPIC_TEMPLATES), rng)
        tid = base_id + i * 7919 + rng.randint(0, 7000)
        created = start + timedelta(seconds=i * 97 + rng.randint(0, 90))
        tweets.append({
            "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id": tid, "id_str": str(tid), "text": text,
            "source": rng.choice(SOURCES_JUNK if junk else SOURCES_TOPIC),
            "user": user(rng, junk, 10_000_000 + rng.randint(0, 9_000_000)),
            "retweet_count": rng.randint(0, 40) if not junk else rng.randint(0, 3),
            "favorite_count": rng.randint(0, 200) if not junk else rng.randint(0, 5),
            "lang": "en",
        })
    # Streams repeat themselves: a few exact redeliveries of earlier tweets.
    for t in rng.sample(tweets, 12):
        tweets.insert(rng.randint(tweets.index(t) + 1, len(tweets)), t)
    for t in tweets:
        print(json.dumps(t, ensure_ascii=False))


if __name__ == "__main__":
    main()
