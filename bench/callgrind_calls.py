#!/usr/bin/env python3
"""Calls to the allocator in a callgrind file, in all and by direct caller.

    python3 bench/callgrind_calls.py target/bench/callgrind.consumer.full [--top 25]

callgrind_annotate gives instructions, not call counts; this reads the `calls=` lines of
the file (as `bench/consumer_instructions.py` leaves it) for calls to malloc, free,
realloc and calloc (glibc's; jemalloc's are `_rjem_*` and not counted, so count a consumer
built with glibc: `make bench-consumer-instructions CONSUMER_FEATURES=`, jemalloc being
the default since issue 12's ninth round). Per new record is the difference
between the full batch's file and the one-record file, over the records less one.
"""

import argparse
import collections
import re

TARGETS = ("malloc", "free", "realloc", "calloc")


def calls(path):
    names, total, by_caller = {}, collections.Counter(), collections.Counter()
    fn = cfn = None

    def resolve(token):
        # Callgrind compresses names: "(12) name" the first time, "(12)" after.
        m = re.match(r"\((\d+)\)(?: (.*))?", token)
        if not m:
            return token
        if m.group(2):
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), token)

    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("fn="):
                fn = resolve(line[3:].strip())
            elif line.startswith("cfn="):
                cfn = resolve(line[4:].strip())
            elif line.startswith("calls=") and cfn is not None:
                target = cfn.rsplit(":", 1)[-1]
                if target in TARGETS:
                    n = int(line[6:].split()[0])
                    total[target] += n
                    by_caller[(target, fn)] += n
    return total, by_caller


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    total, by_caller = calls(args.file)
    for name in TARGETS:
        print(f"{name}: {total[name]:,}")
    for (name, caller), n in by_caller.most_common(args.top):
        print(f"{n:>10,} {name:8} {caller[:160]}")


if __name__ == "__main__":
    main()
