#!/usr/bin/env python3
"""Dollars per million tweets, from the figures bench/consumer_bench.py measured.

    python3 bench/cost_model.py target/bench/consumer.json [more.json ...]

Per record it takes the measured CPU time and the counted DynamoDB requests and units,
and prices them at the list prices below (us-east-1, on demand; change them here):

- Lambda: GB-seconds at the memory each consumer needs. Lambda gives a function CPU in
  proportion to its memory (1,769 MB is one vCPU), so CPU-bound work costs the same
  GB-s at any size: cpu × 1769/1024. Waiting on DynamoDB is billed too: the Python peers
  write one record after the other (BatchProcessor is sequential), so their billed time
  per record adds requests × LATENCY; tweetboard runs WRITE_CONCURRENCY (32) records at
  once, so its waiting is shared by 32. Billed time is the larger of the CPU-bound and
  the wait-bound time.
- Kinesis: one PUT payload unit per record (a tweet is far under 25 KB).
- DynamoDB: the counted write and read units. Not counted by the emulator: the index's
  write on a new item (the same for every consumer: each writes the same item).
"""

import json
import sys

LAMBDA_GB_S = 0.0000166667   # x86_64; arm64 is 0.0000133334
LAMBDA_INVOCATION = 0.20 / 1e6
KINESIS_PAYLOAD_UNIT = 0.014 / 1e6
DDB_WRITE_UNIT = 0.625 / 1e6
DDB_READ_UNIT = 0.125 / 1e6
LATENCY = 0.005              # seconds per DynamoDB request from Lambda, in-region
VCPU_MB = 1769
MEMORY_MB = {"rust": 128, "a": 256, "b": 256}
CONCURRENCY = {"rust": 32, "a": 1, "b": 1}
NAMES = {"rust": "tweetboard", "a": "peer (a)", "b": "peer (b)"}


def per_million(r):
    n = r["records"]
    consumer = r["consumer"]
    mem = MEMORY_MB[consumer]
    cpu = r["cpu_seconds"] / n
    requests = sum(c["requests"] for c in r["dynamodb"].values()) / n
    cpu_bound = cpu * VCPU_MB / mem
    wait_bound = requests * LATENCY / CONCURRENCY[consumer]
    billed = max(cpu_bound, wait_bound) if CONCURRENCY[consumer] > 1 else cpu_bound + wait_bound
    lam = billed * mem / 1024 * LAMBDA_GB_S + LAMBDA_INVOCATION / n
    wu = sum(c["write_units"] for c in r["dynamodb"].values()) / n
    ru = sum(c["read_units"] for c in r["dynamodb"].values()) / n
    ddb = wu * DDB_WRITE_UNIT + ru * DDB_READ_UNIT
    return {k: v * 1e6 for k, v in (("lambda", lam), ("kinesis", KINESIS_PAYLOAD_UNIT), ("dynamodb", ddb))}


def main():
    results = []
    for path in sys.argv[1:]:
        with open(path) as f:
            results += json.load(f)["results"]
    # A run of several rounds (`consumer_bench.py --repeat`) prices each round on a row.
    print("| batch | delivery | consumer | round | Lambda $ | Kinesis $ | DynamoDB $ | total $ per million tweets |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        c = per_million(r)
        print(f"| {r['batch']} | {r['scenario']} | {NAMES[r['consumer']]} | {r.get('round', 0) + 1} | {c['lambda']:.3f} | {c['kinesis']:.3f} "
              f"| {c['dynamodb']:.3f} | **{sum(c.values()):.3f}** |")


if __name__ == "__main__":
    main()
