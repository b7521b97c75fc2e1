#!/usr/bin/env bash
# Runs a command against a fresh local AWS emulator (moto server) on a free loopback
# port, and stops the emulator when the command ends, however it ends.
#
#   tests/with-emulator.sh COMMAND [ARGS...]
#
# The command sees only the standard AWS variables: AWS_ENDPOINT_URL, AWS_REGION and
# dummy credentials. Nothing in the code knows it is talking to an emulator.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
rundir="$root/.run"
mkdir -p "$rundir"

if [[ ! -x "$venv/bin/moto_server" ]]; then
  echo "with-emulator: $venv/bin/moto_server is missing; run 'make venv' first" >&2
  exit 2
fi

port="${MOTO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
log="$rundir/moto-$port.log"
pidfile="$rundir/moto-$port.pid"

"$venv/bin/python" "$root/tests/tools/moto_atomic_server.py" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
echo $! >"$pidfile"

stop() {
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    wait "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}
trap stop EXIT INT TERM

for _ in $(seq 1 100); do
  if python3 - "$port" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
PY
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "with-emulator: moto exited; its log follows" >&2
    cat "$log" >&2
    exit 2
  fi
  sleep 0.1
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
echo "with-emulator: moto on $AWS_ENDPOINT_URL (log: $log)" >&2
"$@"
