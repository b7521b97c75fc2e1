"""Runs one Python peer's handler in this process on one event and prints one JSON line.

    run_peer.py a|b EVENT.json

The handler is called in-process (no Runtime API): CPU time is this process's user +
system time around the call (resource.getrusage), wall time is the call's, and peak RSS
is the process's maximum resident set (interpreter, boto3 and the event included, as in
a Lambda). Import and client creation are timed apart, as the cold start.
"""

import importlib
import json
import resource
import sys
import time
import uuid


class Context:
    function_name = "peer"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:peer"
    memory_limit_in_mb = 128
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/aws/lambda/peer"
    log_stream_name = "local"

    def __init__(self, timeout_ms=900_000):
        self._deadline = time.time() * 1000 + timeout_ms

    def get_remaining_time_in_millis(self):
        return int(self._deadline - time.time() * 1000)


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    peer, event_path = sys.argv[1], sys.argv[2]
    t0, c0 = time.perf_counter(), cpu()
    module = importlib.import_module(f"peer_{peer}")
    init = {"seconds": time.perf_counter() - t0, "cpu_seconds": cpu() - c0}
    with open(event_path) as f:
        event = json.load(f)
    t0, c0 = time.perf_counter(), cpu()
    response = module.handler(event, Context())
    wall, cpu_s = time.perf_counter() - t0, cpu() - c0
    print(json.dumps({
        "peer": peer,
        "records": len(event["Records"]),
        "init": init,
        "seconds": wall,
        "cpu_seconds": cpu_s,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "batch_item_failures": len(response.get("batchItemFailures", [])),
    }))


if __name__ == "__main__":
    main()
