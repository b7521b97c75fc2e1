#!/usr/bin/env python3
"""Start-up of release consumers, alternated so that the load hits each alike.

    .venv/bench/bin/python bench/consumer_startup.py BINARY [BINARY ...] [--runs 9]

Each run starts the binary as Lambda runs it (tests/tools/lambda_host.py) on a
one-record event against dynalite (bench/dynalite_counting.js), on tables made once:
ready is process start to its first request for an event (config, SDK clients, the
model, DescribeTable of both tables). Prints each binary's ready times and median.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consumer_bench  # noqa: E402

ROOT = consumer_bench.ROOT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    paths, _ = consumer_bench.make_batches(args.work)
    with open(paths[("full", "batch")]) as f:
        first = json.load(f)["Records"][:1]
    one = os.path.join(args.work, "one-record.json")
    with open(one, "w") as f:
        json.dump({"Records": first}, f)
    emulator = consumer_bench.Emulator()
    ready = {b: [] for b in args.binaries}
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_ENDPOINT_URL": emulator.url, "RUST_LOG": "warn"})
        env.update(emulator.tables(f"startup-{os.getpid()}"))
        for _ in range(args.runs):
            for b in args.binaries:
                out = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "lambda_host.py"), b, one],
                                     env=env, capture_output=True, text=True, check=True)
                ready[b].append(json.loads(out.stdout.strip().splitlines()[-1])["ready_seconds"] * 1000)
    finally:
        emulator.stop()
    for b, ms in ready.items():
        print(f"{b}: ready median {statistics.median(ms):.1f} ms, min {min(ms):.1f}, max {max(ms):.1f} "
              f"({', '.join(f'{m:.1f}' for m in ms)})")


if __name__ == "__main__":
    main()
