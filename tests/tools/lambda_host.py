#!/usr/bin/env python3
"""A Lambda Runtime API host on loopback: runs a function binary as Lambda runs it.

    tests/tools/lambda_host.py BINARY EVENT.json [EVENT.json ...] [--timeout-ms MS]

Starts BINARY with AWS_LAMBDA_RUNTIME_API pointing here, hands it each event in turn
(`GET /2018-06-01/runtime/invocation/next`), collects each response or error, then
stops it and prints one JSON line: every invocation's status, duration, CPU time (the
process's user + system time between handing the event out and the response, read in
nanoseconds from its CPU clock: `cpu_time`) and response size, the time from process start to its first request for an
event (ready), and the process's peak resident memory (VmHWM), which is what Lambda's
memory limit applies to. The binary's own output goes to stderr. Loopback only; the process
is always stopped (SIGTERM, then SIGKILL), whatever happens.
"""

import argparse
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

RUNTIME = "/2018-06-01/runtime"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("events", nargs="+")
    parser.add_argument("--timeout-ms", type=int, default=60_000, help="each invocation's deadline")
    parser.add_argument("--function-name", default="tweetboard-fn")
    parser.add_argument("--memory-mb", type=int, default=128, help="reported to the function only")
    args = parser.parse_args()

    pending = queue.Queue()
    for path in args.events:
        with open(path, "rb") as f:
            pending.put(f.read())
    results = []
    done = threading.Event()
    started = {}
    started_cpu = {}
    child = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def reply(self, status, body=b"", headers=None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != f"{RUNTIME}/invocation/next":
                return self.reply(404)
            child.setdefault("ready", time.monotonic())
            try:
                body = pending.get_nowait()
            except queue.Empty:
                done.set()
                time.sleep(3600)  # the function waits here until it is stopped
                return
            request_id = str(uuid.uuid4())
            started[request_id] = time.monotonic()
            started_cpu[request_id] = cpu_time(child.get("pid"))
            deadline = int(time.time() * 1000) + args.timeout_ms
            self.reply(200, body, {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Invoked-Function-Arn":
                    f"arn:aws:lambda:us-east-1:123456789012:function:{args.function_name}",
            })

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            parts = self.path[len(RUNTIME):].strip("/").split("/")
            if parts[:2] == ["init", "error"]:
                results.append({"status": "init_error", "body": body.decode(errors="replace")[:2000]})
                done.set()
            elif len(parts) == 3 and parts[0] == "invocation":
                request_id, kind = parts[1], parts[2]
                took = time.monotonic() - started.get(request_id, time.monotonic())
                cpu = cpu_time(child.get("pid")) - started_cpu.get(request_id, 0.0)
                results.append({
                    "status": kind,
                    "seconds": round(took, 3),
                    "cpu_seconds": round(cpu, 6),
                    "response_bytes": len(body),
                    "body": body.decode(errors="replace")[:300] if kind == "error" else None,
                    "batch_item_failures": count_failures(body) if kind == "response" else None,
                })
            self.reply(202, b"{}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": args.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(args.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{args.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "local",
    })
    launched = time.monotonic()
    proc = subprocess.Popen([args.binary], env=env, stdout=sys.stderr, stderr=sys.stderr)
    child["pid"] = proc.pid
    peak_kb = 0
    try:
        while not done.is_set() and proc.poll() is None:
            peak_kb = max(peak_kb, vm_hwm_kb(proc.pid))
            done.wait(0.05)
        peak_kb = max(peak_kb, vm_hwm_kb(proc.pid))
        exit_code = proc.poll()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server.shutdown()
    print(json.dumps({
        "binary": os.path.basename(args.binary),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "exited_early": exit_code,
        "ready_seconds": round(child["ready"] - launched, 4) if "ready" in child else None,
        "invocations": results,
    }))


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_time(pid):
    """CPU time of a running process so far, in seconds (0.0 once it is gone): its process
    CPU clock (the clock id `clock_getcpuclockid(pid)` returns, `((~pid) << 3) | 2`),
    which counts every thread's nanoseconds, those that have ended too. Where that clock
    cannot be read, user + system time from `/proc/PID/stat`, in 10 ms ticks: too coarse
    for a batch that takes a few ticks (a redelivery), which is why the clock comes first."""
    try:
        return time.clock_gettime(((~pid) << 3) | 2)
    except (OSError, TypeError, OverflowError):
        pass
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return 0.0


def count_failures(body):
    try:
        return len(json.loads(body).get("batchItemFailures", []))
    except (ValueError, AttributeError):
        return None


if __name__ == "__main__":
    main()
