#!/usr/bin/env bash
# `make run POLL=1`, inside tests/with-emulator.sh: the local search stand-in fed with
# the shipped samples, `tweetboard poll --every` and `tweetboard pump` in the
# background, the board in the foreground. Whatever it starts, it stops (trap), and
# with-emulator.sh then stops the emulator.
set -euo pipefail
bin="${BIN:-target/debug}"
rundir=.run
mkdir -p "$rundir"
portfile="$rundir/x-search-stub-$$.port"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$portfile"
}
trap stop EXIT
trap 'exit 130' INT TERM

"$bin/tweetboard" init --shards 2
python3 tests/tools/x_search_stub.py --port-file "$portfile" \
  --initial "${POLL_INITIAL:-100}" --per-tick "${POLL_PER_TICK:-20}" --interval "${POLL_EVERY:-5}" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$portfile" ]] && break; sleep 0.1; done
[[ -s "$portfile" ]] || { echo "run-polling: the search stand-in did not start" >&2; exit 2; }

export X_API_BASE_URL="http://127.0.0.1:$(cat "$portfile")"
export X_BEARER_TOKEN=local-stand-in
"$bin/tweetboard" poll --every "${POLL_EVERY:-5}" &
pids+=($!)
"$bin/tweetboard" pump --batch-size 500 &
pids+=($!)
echo "run-polling: polling $X_API_BASE_URL every ${POLL_EVERY:-5}s; the board fills as samples are published" >&2
"$bin/tweetboard" serve --port "${BOARD_PORT:-8080}" &
pids+=($!)
wait "${pids[-1]}"
