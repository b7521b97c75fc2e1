#!/usr/bin/env python3
"""Writes the worst inputs we know of as Lambda events, for `make measure-memory`.

    tests/tools/hostile_events.py OUT_DIR STREAM_ARN

consumer-*.json are Kinesis events as the event source mapping delivers them (each
under Lambda's 6 MB payload limit); ingest-*.json are ingest requests.
"""

import base64
import json
import os
import sys
from datetime import datetime, timezone

PAYLOAD_LIMIT = 6 * 1024 * 1024


def nested(depth, inner):
    return '{"data": ' * depth + inner + "}" * depth


def kinesis_event(stream_arn, payloads):
    records = []
    now = round(datetime.now(timezone.utc).timestamp(), 3)  # Lambda sends milliseconds
    for i, data in enumerate(payloads):
        seq = f"4959{i:052}"
        records.append({
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": str(i),
                "sequenceNumber": seq,
                "data": base64.b64encode(data).decode(),
                "approximateArrivalTimestamp": now,
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"shardId-000000000000:{seq}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": "arn:aws:iam::123456789012:role/consumer",
            "awsRegion": "us-east-1",
            "eventSourceARN": stream_arn,
        })
    return {"Records": records}


def fill(make, limit=PAYLOAD_LIMIT * 0.95):
    """As many payloads from make(i) as fit a 6 MB event once base64-encoded."""
    out, size, i = [], 0, 0
    while True:
        p = make(i)
        size += len(p) * 4 // 3 + 400
        if size > limit:
            return out
        out.append(p)
        i += 1


def main():
    out_dir, stream_arn = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    zeros = "[" + "0," * 300_000 + "0]"
    big = "9" * 250_000 + "x"

    def tweet(i):
        return {"id_str": str(1_859_000_000_000_000_001 + i),
                "created_at": "Thu Nov 26 10:00:00 +0000 2026",
                "text": f"Tweet {i} about Lambda and DynamoDB conditional writes #aws " + "x" * 150,
                "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
                "retweet_count": 1, "favorite_count": 2,
                "user": {"name": "A", "screen_name": "a", "followers_count": 10, "friends_count": 5,
                         "listed_count": 1, "statuses_count": 100,
                         "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/a_normal.jpg"}}

    consumer = {
        "consumer-nested.json": fill(lambda i: nested(120, zeros).encode()),
        "consumer-250kb-reasons.json": fill(lambda i: json.dumps(
            {"id_str": big, "text": "t"} if i % 2 == 0 else
            {"id_str": str(1_850_000_000_000_000_000 + i), "text": "t", "retweet_count": big}).encode()),
        "consumer-1mib-records.json": fill(lambda i: json.dumps(
            {"id_str": str(1_850_000_000_000_000_000 + i), "text": "y" * (1024 * 1024 - 100)}).encode()),
        "consumer-realistic.json": fill(lambda i: json.dumps(tweet(i)).encode()),
    }
    for name, payloads in consumer.items():
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(kinesis_event(stream_arn, payloads), f)

    ingest = {
        "ingest-nested.json": '{"tweets": [' + nested(120, zeros) + "]}",
        "ingest-zeros.json": '{"tweets": [' + "0," * 3_000_000 + "0]}",
        "ingest-search-page.json": '{"data": [' + ",".join(
            json.dumps({"id": str(1_850_000_000_000_000_001 + i), "text": "a" * 500, "author_id": "1"})
            for i in range(9_000)) + '], "includes": {"users": [{"id": "1", "username": "u"}]}}',
    }
    for name, body in ingest.items():
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(body)


if __name__ == "__main__":
    main()
