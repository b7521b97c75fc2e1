"""What both Python peers share: the classifier and the item they write.

The classifier is the hashed logistic regression a Python team would write: the shipped
model's weights (crates/classifier/models/default.json), word unigrams and bigrams of the
lowercased text and the quantile-binned counts hashed with FNV-1a into 2^18 buckets, a
sigmoid. It leaves out the recipe's spam signals and lexicons, so its predictions are
close to, not equal to, the Rust model's; the comparison is about the pipeline, and this
is no more work per tweet than the Rust recipe.
"""

import base64
import hashlib
import json
import math
import os
import re
from datetime import datetime, timezone

MODEL_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "crates", "classifier", "models", "default.json")
TOKEN = re.compile(r"https?://\S+|[#@]?\w+", re.UNICODE)
FNV_OFFSET, FNV_PRIME, MASK64 = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1
COUNTS = (("favourites", "favorite_count"), ("followers", "followers_count"), ("friends", "friends_count"),
          ("lists", "listed_count"), ("retweets", "retweet_count"), ("tweets", "statuses_count"))


def fnv1a(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


class Model:
    def __init__(self, path=MODEL_PATH):
        with open(path) as f:
            m = json.load(f)
        self.id = m["id"]
        self.bias = m["bias"]
        self.threshold = m["threshold"]
        self.weights = dict((i, w) for i, w in m["weights"])
        self.mask = (1 << m["recipe"]["hash_bits"]) - 1
        self.bins = m["recipe"]["quantile_bins"]

    def features(self, text, counts):
        tokens = ["<url>" if t.startswith("http") else ("<num>" if t.isdigit() else t)
                  for t in TOKEN.findall(text.lower())]
        keys = [f"w:{t}" for t in tokens] + [f"b:{a} {b}" for a, b in zip(tokens, tokens[1:])]
        for name, value in counts.items():
            edges = self.bins.get(name, [])
            keys.append(f"q:{name}:{sum(1 for e in edges if value >= e)}")
        return {fnv1a(k.encode()) & self.mask for k in keys}

    def classify(self, text, counts):
        z = self.bias + sum(self.weights.get(i, 0.0) for i in self.features(text, counts))
        score = 1.0 / (1.0 + math.exp(-z))
        prediction = "OFF" if score >= self.threshold else "ON"
        return prediction, score, round(max(score, 1 - score) * 100, 3)


def tweet_item(record, model):
    """The tweets table's item for one Kinesis record, as the Rust consumer writes it."""
    tweet = json.loads(base64.b64decode(record.kinesis.data))
    user = tweet.get("user") or {}
    text = tweet.get("full_text") or tweet["text"]
    counts = {name: int((tweet if field in ("favorite_count", "retweet_count") else user).get(field) or 0)
              for name, field in COUNTS}
    prediction, score, probability = model.classify(text, counts)
    created = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(timezone.utc)
    created_at = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    tweet_id = tweet["id_str"]
    content_hash = hashlib.sha256(f"{tweet_id}\0{text}\0{tweet.get('source', '')}".encode()).hexdigest()[:32]
    item = {
        "tweet_id": {"S": tweet_id},
        "prediction": {"S": prediction},
        "probability": {"N": f"{probability:.3f}"},
        "score": {"N": f"{score:.6f}"},
        "text": {"S": text},
        "created_at": {"S": created_at},
        "classified_at": {"S": datetime.now(timezone.utc).isoformat()},
        "model_id": {"S": model.id},
        "source_stream": {"S": record.event_source_arn or ""},
        "source_shard": {"S": record.event_id.split(":")[0]},
        "source_sequence_number": {"S": record.kinesis.sequence_number},
        "content_hash": {"S": content_hash},
        "board_partition": {"S": f"{prediction}#{created_at[:10]}"},
        "board_sort": {"S": f"{created_at}#{tweet_id.zfill(20)}"},
    }
    for name, value in (("name", user.get("name")), ("screen_name", user.get("screen_name")),
                        ("source", tweet.get("source")), ("image_url", user.get("profile_image_url_https"))):
        if value:
            item[name] = {"S": value}
    for name, value in counts.items():
        item[{"lists": "listed", "tweets": "statuses"}.get(name, name)] = {"N": str(value)}
    return tweet_id, item
