#!/usr/bin/env python3
"""The consumer side by side with its Python peers, on one DynamoDB emulator.

    .venv/bench/bin/python bench/consumer_bench.py [--batches full,stress] [--consumers rust,a,b]

For each batch (a full 6 MB Kinesis event of v1.1 tweets, and the 10,000-record stress
batch) and each consumer, on tables of its own:
  first       the batch on empty tables
  redelivery  the same batch again (everything stored)
  replay      the same tweets in new records (new sequence numbers and event ids, as a
              producer re-sending its source would make them)
  half        on fresh tables holding every other tweet of the batch, the whole batch
Every consumer runs as Lambda runs it (tests/tools/lambda_host.py, a Runtime API on
loopback, one process per run; CPU is the process's between handing out the event and
the response): the Rust consumer is the release binary, and each Python peer runs under
AWS's runtime interface client (`awslambdaric`, what Lambda's managed Python runtimes run).
--peers-in-process times only the peers' handler call instead (bench/peers/run_peer.py,
resource.getrusage around it), as every figure before session 15 did: that leaves out the
runtime's share of an invocation (the body's receipt, its `json.loads`, the response),
which tweetboard's figure has always included.
DynamoDB requests and capacity are tallied by the emulator (bench/dynalite_counting.js),
outside every measured process. Prints a Markdown report; --json keeps the raw figures.

--repeat N runs the whole set N times over, each consumer right after the other and on
fresh tables every time, and reports each figure as the median of the N runs with their
range; a ratio is taken within each round (the peer's run against tweetboard's of the same
round) before its median. A consumer's CPU a record moves by ±15% from one run to the next
on this machine, so one run cannot tell 9× from 11× (BENCHMARKS.md, "Where issue 12's
targets stand now (session 15)").

Before the first measured run, one unmeasured first delivery of the full batch warms the
emulator up (its JavaScript is compiled as it runs: a cold dynalite answers slower, and a
consumer that waits more wakes more often, for fewer answers each time; one run at 12:36
read 87 µs a record in its first round against 68–78 after). Rounds alternate the
consumers' order, so that neither side always meets the emulator as the other left it.
Even so the first rounds tend to be tweetboard's slowest, which if anything lowers its
ratios. A run whose response returned records for retry is refused: its CPU would not be
the batch's.
"""

import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "crates", "cli", "data", "sample-tweets.jsonl")
PAYLOAD_LIMIT = 6 * 1024 * 1024
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/bench"
DATA_OPS = ("PutItem", "UpdateItem", "GetItem", "BatchGetItem", "BatchWriteItem", "DeleteItem")


def v1_tweet(sample, i):
    """A shipped sample tweet with a fresh id and the fields a v1.1 API tweet carries."""
    t = dict(sample)
    tid = 1_900_000_000_000_000_000 + i
    t["id"], t["id_str"] = tid, str(tid)
    words = t["text"].split()
    t.update({
        "truncated": False, "in_reply_to_status_id": None, "in_reply_to_user_id": None,
        "in_reply_to_screen_name": None, "geo": None, "coordinates": None, "place": None,
        "is_quote_status": False, "favorited": False, "retweeted": False,
        "entities": {"hashtags": [{"text": w[1:], "indices": [0, len(w)]} for w in words if w.startswith("#")],
                     "symbols": [], "user_mentions": [], "urls": []},
    })
    t["user"] = dict(t["user"], description="Cloud engineer. Views my own.", location="Berlin",
                     verified=False, created_at="Mon Mar 02 09:00:00 +0000 2015", lang=None)
    return t


def kinesis_event(tweets, first_seq=0):
    records = []
    now = round(time.time(), 3)
    for n, t in enumerate(tweets):
        seq = f"4959{first_seq + n:052}"
        records.append({
            "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": t["id_str"], "sequenceNumber": seq,
                        "data": base64.b64encode(json.dumps(t).encode()).decode(),
                        "approximateArrivalTimestamp": now},
            "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": f"shardId-000000000000:{seq}",
            "eventName": "aws:kinesis:record", "invokeIdentityArn": "arn:aws:iam::123456789012:role/consumer",
            "awsRegion": "us-east-1", "eventSourceARN": STREAM_ARN,
        })
    return {"Records": records}


def make_batches(out_dir):
    with open(SAMPLES) as f:
        samples = [json.loads(line) for line in f]
    random.Random(7).shuffle(samples)
    tweets = [v1_tweet(samples[i % len(samples)], i) for i in range(10_000)]
    # The full batch: as many tweets as fit Lambda's 6 MB invocation payload.
    full, size = [], len('{"Records": []}')
    for t in tweets:
        size += len(json.dumps(kinesis_event([t])["Records"][0])) + 2
        if size > PAYLOAD_LIMIT:
            break
        full.append(t)
    paths = {}
    for name, batch in (("full", full), ("stress", tweets)):
        for kind, event in (("batch", kinesis_event(batch)),
                            ("replay", kinesis_event(batch, first_seq=1_000_000)),
                            ("half", kinesis_event(batch[::2]))):
            p = os.path.join(out_dir, f"{name}-{kind}.json")
            with open(p, "w") as f:
                json.dump(event, f)
            paths[(name, kind)] = p
    return paths, {"full": len(full), "stress": len(tweets)}


class Emulator:
    def __init__(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(["node", os.path.join(ROOT, "bench", "dynalite_counting.js"), str(self.port)],
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/__counts", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        self.ddb = boto3.client("dynamodb", endpoint_url=self.url, region_name="us-east-1",
                                aws_access_key_id="bench", aws_secret_access_key="bench")

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/__reset", method="POST")).read()

    def counts(self):
        return json.loads(urllib.request.urlopen(self.url + "/__counts").read())

    def tables(self, prefix, idempotency=False):
        names = {"TABLE_NAME": f"{prefix}-tweets", "QUARANTINE_TABLE_NAME": f"{prefix}-quarantine"}
        s = lambda n: {"AttributeName": n, "AttributeType": "S"}
        self.ddb.create_table(
            TableName=names["TABLE_NAME"], BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[s("tweet_id"), s("board_partition"), s("board_sort")],
            KeySchema=[{"AttributeName": "tweet_id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{"IndexName": "board_by_time", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "board_partition", "KeyType": "HASH"},
                                                   {"AttributeName": "board_sort", "KeyType": "RANGE"}]}])
        self.ddb.create_table(TableName=names["QUARANTINE_TABLE_NAME"], BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[s("event_id")],
                              KeySchema=[{"AttributeName": "event_id", "KeyType": "HASH"}])
        # The chart's hourly counters, which the consumer adds each batch's new tweets to
        # (one UpdateItem an hour the batch's tweets fall in). The peers have no chart.
        names["COUNTS_TABLE_NAME"] = f"{prefix}-counts"
        self.ddb.create_table(TableName=names["COUNTS_TABLE_NAME"], BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[s("day"), s("hour")],
                              KeySchema=[{"AttributeName": "day", "KeyType": "HASH"},
                                         {"AttributeName": "hour", "KeyType": "RANGE"}])
        if idempotency:
            names["IDEMPOTENCY_TABLE_NAME"] = f"{prefix}-idempotency"
            self.ddb.create_table(TableName=names["IDEMPOTENCY_TABLE_NAME"], BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[s("id")], KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        return names

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def peer_bootstrap(consumer, work):
    """An executable that starts a peer as Lambda's Python runtime does: AWS's runtime
    interface client (`awslambdaric`, what the managed python3.x runtimes run) polling the
    Runtime API for `peer_X.handler`."""
    path = os.path.join(work, f"bootstrap-peer-{consumer}")
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\ncd {os.path.join(ROOT, 'bench', 'peers')} && "
                f"exec {os.path.join(ROOT, '.venv', 'bench', 'bin', 'python')} -m awslambdaric peer_{consumer}.handler\n")
    os.chmod(path, 0o755)
    return path


def as_lambda(executable, event, env):
    """Runs a function as Lambda runs it (tests/tools/lambda_host.py) on one event."""
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "lambda_host.py"), executable, event,
                          "--timeout-ms", "900000"], env=env, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    inv = r["invocations"][0]
    assert inv["status"] == "response", r
    assert not inv["batch_item_failures"], f"{executable}: records returned for retry: {inv}"
    return {"seconds": inv["seconds"], "cpu_seconds": inv["cpu_seconds"], "peak_rss_mb": r["peak_rss_mb"],
            "ready_seconds": r["ready_seconds"], "batch_item_failures": inv["batch_item_failures"]}


def run(consumer, event, env, binary, peers_in_process, work):
    """Runs one consumer on one event; returns its figures. Every consumer runs as Lambda
    runs it, behind the same Runtime API, and its CPU is the process's from the event
    handed out to the response: the Rust binary, and each peer under `awslambdaric`
    (receiving the body, `json.loads`, the handler, the response). `peers_in_process`
    times a peer's handler call alone instead (bench/peers/run_peer.py), as this bench
    did until session 15: without the runtime's share, which Lambda bills."""
    if consumer == "rust":
        return as_lambda(binary, event, env)
    if not peers_in_process:
        return as_lambda(peer_bootstrap(consumer, work), event, env)
    out = subprocess.run([os.path.join(ROOT, ".venv", "bench", "bin", "python"),
                          os.path.join(ROOT, "bench", "peers", "run_peer.py"), consumer, event],
                         env=env, capture_output=True, text=True, check=True, cwd=os.path.join(ROOT, "bench", "peers"))
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert not r["batch_item_failures"], f"peer {consumer}: records returned for retry: {r}"
    return r


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "consumer"))
    parser.add_argument("--batches", default="full,stress")
    parser.add_argument("--consumers", default="rust,a,b")
    parser.add_argument("--scenarios", default="first,redelivery,replay,half")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the whole set (figures: medians)")
    parser.add_argument("--peers-in-process", action="store_true",
                        help="time the peers' handler call alone, not as Lambda runs them (figures before session 15)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.makedirs(args.work, exist_ok=True)
    paths, sizes = make_batches(args.work)
    emulator = Emulator()
    results = []
    try:
        warm_up(emulator, args, paths)
        consumers = args.consumers.split(",")
        rounds = ((b, c, i) for i in range(args.repeat) for b in args.batches.split(",")
                  for c in (consumers if i % 2 == 0 else consumers[::-1]))
        for batch, consumer, round_ in rounds:
            tag = f"bench-{consumer}-{batch}-{os.getpid()}-{round_}"
            base = consumer_env(emulator)
            wanted = args.scenarios.split(",")
            # Only the steps asked for and what they need: a peer's delivery of a
            # big batch takes minutes on a loaded machine.
            steps = [("first", "batch", True)]
            steps += [(s, k, True) for s, k in (("redelivery", "batch"), ("replay", "replay")) if s in wanted]
            if "half" in wanted:
                steps += [("half-seed", "half", False), ("half", "batch", True)]
            env = dict(base, **emulator.tables(tag, idempotency=consumer == "b"))
            for scenario, kind, fresh in steps:
                if scenario == "half-seed":
                    env = dict(base, **emulator.tables(tag + "-h", idempotency=consumer == "b"))
                emulator.reset()
                r = run(consumer, paths[(batch, kind)], env, args.binary, args.peers_in_process, args.work)
                counts = emulator.counts()
                if scenario not in wanted:
                    continue
                r.update(consumer=consumer, batch=batch, scenario=scenario, records=sizes[batch], round=round_,
                         dynamodb={op: c for op, c in counts.items() if op in DATA_OPS})
                results.append(r)
                print(f"{batch:6} {scenario:10} {consumer:4} round {round_ + 1} cpu {r['cpu_seconds']:.3f}s wall {r['seconds']:.3f}s "
                      f"rss {r['peak_rss_mb']} MB requests "
                      f"{sum(c['requests'] for c in r['dynamodb'].values())}", file=sys.stderr)
    finally:
        emulator.stop()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"sizes": sizes, "results": results}, f, indent=1)
    print(report(results, sizes))


def consumer_env(emulator):
    """A consumer's environment: this one's, less its AWS settings, pointed at the emulator
    (the table names are added per run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_ENDPOINT_URL_DYNAMODB": emulator.url, "AWS_ENDPOINT_URL": emulator.url,
                "RUST_LOG": "warn", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    return env


def warm_up(emulator, args, paths):
    """One unmeasured first delivery of the full batch (module header): the Rust binary's
    when it is among the consumers (the quickest), else the first peer's."""
    consumer = "rust" if "rust" in args.consumers.split(",") else args.consumers.split(",")[0]
    env = dict(consumer_env(emulator), **emulator.tables(f"warm-up-{os.getpid()}", idempotency=consumer == "b"))
    run(consumer, paths[("full", "batch")], env, args.binary, args.peers_in_process, args.work)
    print(f"warm-up: one unmeasured first delivery of the full batch by {consumer}", file=sys.stderr)


def median(values):
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def spread(values, fmt):
    """The median, with the range when there is more than one run: `74 (66–83)`."""
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def report(results, sizes):
    runs = {}
    for r in results:
        runs.setdefault((r["batch"], r["scenario"], r["consumer"]), []).append(r)
    rounds = len({r["round"] for r in results})
    lines = []
    if rounds > 1:
        lines.append(f"\n{rounds} rounds: each figure is the median of the rounds, with their range.")
    for batch in dict.fromkeys(r["batch"] for r in results):
        n = sizes[batch]
        lines += [f"\n#### {batch} batch: {n:,} records\n",
                  "| delivery | consumer | CPU µs/record | wall ms | peak RSS MB | requests/record | read units/record | write units/record | peer CPU ÷ Rust CPU |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for scenario in dict.fromkeys(r["scenario"] for r in results):
            rust = {r["round"]: r for r in runs.get((batch, scenario, "rust"), [])}
            for consumer in ("rust", "a", "b"):
                rs = runs.get((batch, scenario, consumer))
                if not rs:
                    continue

                def per_record(key, r):
                    return sum(c[key] for c in r["dynamodb"].values()) / n

                # Each round's ratio against tweetboard's run of the same round.
                ratios = [r["cpu_seconds"] / rust[r["round"]]["cpu_seconds"] for r in rs
                          if consumer != "rust" and r["round"] in rust and rust[r["round"]]["cpu_seconds"] > 0]
                name = {"rust": "tweetboard", "a": "peer (a) BatchProcessor", "b": "peer (b) + idempotency"}[consumer]
                cells = [
                    spread([r["cpu_seconds"] / n * 1e6 for r in rs], lambda v: f"{v:,.0f}"),
                    spread([r["seconds"] * 1000 for r in rs], lambda v: f"{v:,.0f}"),
                    spread([r["peak_rss_mb"] for r in rs], lambda v: f"{v:.1f}"),
                    spread([per_record("requests", r) for r in rs], lambda v: f"{v:.3f}"),
                    spread([per_record("read_units", r) for r in rs], lambda v: f"{v:.3f}"),
                    spread([per_record("write_units", r) for r in rs], lambda v: f"{v:.3f}"),
                    spread(ratios, lambda v: f"{v:.1f}×") if ratios else "",
                ]
                lines.append(f"| {scenario} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
