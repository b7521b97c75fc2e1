#!/usr/bin/env bash
# Instructions per call of each stage of one record's CPU path (issue 12), counted by
# callgrind on the `record` bench binary's stage loop (see `stage_loop` in record.rs).
# Unlike criterion's times, these counts do not move with the load of a shared machine;
# the batch stages still vary by about 0.3-2% from run to run (session 13 measured
# it; the cause was not found), so compare ranges over a few runs, not one count.
# Usage: crates/consumer/benches/instructions.sh [iterations]   (`make bench-record`)
set -euo pipefail
iters=${1:-1000}
cargo=${CARGO:-cargo}
bin=$("$cargo" bench -p tweetboard-consumer --bench record --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json, sys
exes = [m["executable"] for m in map(json.loads, sys.stdin)
        if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "record"]
print(exes[-1])')
count() { # total instructions of one run of a stage
  RECORD_STAGE=$1 RECORD_ITERS=$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
setup=$(count setup "$iters")
allocator=$(RECORD_STAGE=allocator "$bin")
echo "instructions per call ($iters calls each, callgrind, $allocator; $bin)"
for stage in base64-crate base64 json json-serde id id-decode record recipe score classify path path-compact; do
  total=$(count "$stage" "$iters")
  printf '  %-10s %8d\n' "$stage" $(( (total - setup) / iters ))
done
# The path over a batch of different tweets (`distinct_batch` in record.rs), once: with
# the labeled tweets' own texts, and with those texts repeated to 280 characters.
for batch in batch batch-full; do
  n=$(RECORD_STAGE=$batch-setup RECORD_ITERS=0 "$bin")
  setup=$(count "$batch-setup" 0)
  total=$(count "$batch" 0)
  printf '  %-10s %8d  (per tweet, one pass over %d different compact tweets)\n' "$batch" $(( (total - setup) / n )) "$n"
done
