#!/usr/bin/env python3
"""Instructions per record of the release consumer, which do not move with the load.

    .venv/bench/bin/python bench/consumer_instructions.py --binary target/release/consumer

Runs the binary as Lambda runs it (tests/tools/lambda_host.py) under
`valgrind --tool=callgrind`, on dynalite (bench/dynalite_counting.js) with fresh tables
each run: once on a one-record event (cold start plus one record: start-up's
instructions) and once on the full batch's first delivery (consumer_bench.py's batch).
Prints instructions of each run and (Ir(full) - Ir(one)) / (records - 1), the
instructions one more new record costs; keeps the callgrind files in --work for
`callgrind_annotate` (symbols need an unstripped build:
`CARGO_PROFILE_RELEASE_STRIP=false cargo build --release -p tweetboard-consumer`).
"""

import argparse
import json
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import consumer_bench  # noqa: E402

ROOT = consumer_bench.ROOT


def callgrind(binary, event, env, out):
    wrapper = out + ".sh"
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file={out} {binary}\n")
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "lambda_host.py"), wrapper, event,
                        "--timeout-ms", "900000"], env=env, capture_output=True, text=True, check=True)
    inv = json.loads(r.stdout.strip().splitlines()[-1])["invocations"][0]
    assert inv["status"] == "response" and not inv["batch_item_failures"], inv
    with open(out) as f:
        return int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "consumer"))
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    parser.add_argument("--tag", default="consumer", help="names the callgrind files")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    paths, sizes = consumer_bench.make_batches(args.work)
    one = os.path.join(args.work, "one-record.json")
    with open(paths[("full", "batch")]) as f:
        event = json.load(f)
    with open(one, "w") as f:
        json.dump({"Records": event["Records"][:1]}, f)
    emulator = consumer_bench.Emulator()
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base.update({"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                     "AWS_ENDPOINT_URL": emulator.url, "RUST_LOG": "warn"})
        figures = {}
        for name, path in (("one", one), ("full", paths[("full", "batch")])):
            env = dict(base, **emulator.tables(f"ir-{name}-{os.getpid()}"))
            figures[name] = callgrind(args.binary, path, env, os.path.join(args.work, f"callgrind.{args.tag}.{name}"))
    finally:
        emulator.stop()
    n = sizes["full"]
    per = (figures["full"] - figures["one"]) / (n - 1)
    print(f"one record (start-up + 1): {figures['one']:,} instructions")
    print(f"full batch ({n:,}), first delivery: {figures['full']:,} instructions")
    print(f"per new record: {per:,.0f} instructions")


if __name__ == "__main__":
    main()
