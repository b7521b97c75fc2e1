#!/usr/bin/env python3
"""A local stand-in for X API v2 recent search, fed with the shipped sample tweets, for
`make run POLL=1`: `tweetboard poll` polls it and the board fills over time.

    x_search_stub.py [--port P] [--port-file F] [--initial N] [--per-tick N] [--interval S]

Serves GET /2/tweets/search/recent as the API does: newest first, `max_results` a page
(10-100), `meta.next_token`, `since_id` and `until_id` honoured, authors in `includes.users`, and a
bearer token required (any). It "publishes" `--initial` samples at start and
`--per-tick` more every `--interval` seconds, in id order (so `since_id` finds every
new one), each stamped with the time it is published and given a snowflake id of that
time (the samples' own ids are older than the API's 7-day window, which the poller
would rightly refuse to ask from). The query itself is ignored:
every sample is an #aws tweet or junk that says #aws.
"""
import argparse
import html
import json
import re
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SAMPLES = Path(__file__).resolve().parents[2] / "crates/cli/data/sample-tweets.jsonl"


def to_v2(v1):
    """A v1.1 sample as a v2 tweet and its author."""
    user = v1.get("user") or {}
    source = re.sub(r"<[^>]*>", "", v1.get("source") or "")
    tweet = {
        "id": v1["id_str"],
        "text": v1.get("full_text") or v1.get("text") or "",
        "author_id": user.get("id_str"),
        "lang": v1.get("lang", "en"),
        "public_metrics": {
            "retweet_count": v1.get("retweet_count", 0),
            "like_count": v1.get("favorite_count", 0),
            "reply_count": 0,
            "quote_count": 0,
        },
    }
    if source:
        tweet["source"] = html.unescape(source)
    author = {
        "id": user.get("id_str"),
        "username": user.get("screen_name", ""),
        "name": user.get("name", ""),
        "profile_image_url": user.get("profile_image_url_https", ""),
        "public_metrics": {
            "followers_count": user.get("followers_count", 0),
            "following_count": user.get("friends_count", 0),
            "tweet_count": user.get("statuses_count", 0),
            "listed_count": user.get("listed_count", 0),
        },
    }
    return tweet, author


class Feed:
    """The samples in id order, released a few at a time."""

    def __init__(self, initial):
        rows = [json.loads(l) for l in SAMPLES.read_text().splitlines() if l.strip()]
        seen, unique = set(), []
        for r in sorted(rows, key=lambda r: int(r["id_str"])):
            if r["id_str"] not in seen:
                seen.add(r["id_str"])
                unique.append(r)
        self.pending = [to_v2(r) for r in unique]
        self.published = []  # newest last
        self.last_id = 0
        self.lock = threading.Lock()
        self.release(initial)

    def release(self, n):
        now = datetime.now(timezone.utc)
        # A snowflake: milliseconds since X's epoch in the top bits, increasing.
        snowflake = (int(now.timestamp() * 1000) - 1288834974657) << 22
        stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        with self.lock:
            for tweet, author in self.pending[:n]:
                self.last_id = max(self.last_id + 1, snowflake)
                tweet["id"] = str(self.last_id)
                tweet["created_at"] = stamp
                self.published.append((tweet, author))
            del self.pending[:n]

    def page(self, since_id, until_id, max_results, offset):
        with self.lock:
            newer = [
                p
                for p in reversed(self.published)
                if (since_id is None or int(p[0]["id"]) > since_id)
                and (until_id is None or int(p[0]["id"]) < until_id)
            ]
        page = newer[offset : offset + max_results]
        meta = {"result_count": len(page)}
        if page:
            meta["newest_id"], meta["oldest_id"] = page[0][0]["id"], page[-1][0]["id"]
        if offset + max_results < len(newer):
            meta["next_token"] = str(offset + max_results)
        body = {"meta": meta}
        if page:
            body["data"] = [t for t, _ in page]
            users = {a["id"]: a for _, a in page}
            body["includes"] = {"users": list(users.values())}
        return body


def handler_for(feed):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/2/tweets/search/recent":
                return self.answer(404, {"title": "Not Found"})
            if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                return self.answer(401, {"title": "Unauthorized", "status": 401})
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                since = int(q["since_id"]) if "since_id" in q else None
                until = int(q["until_id"]) if "until_id" in q else None
                max_results = int(q.get("max_results", "10"))
                offset = int(q.get("next_token", "0"))
                if not 10 <= max_results <= 100:
                    raise ValueError("max_results must be 10-100")
            except ValueError as e:
                return self.answer(400, {"title": "Invalid Request", "detail": str(e)})
            self.answer(200, feed.page(since, until, max_results, offset))

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--initial", type=int, default=100)
    ap.add_argument("--per-tick", type=int, default=20)
    ap.add_argument("--interval", type=float, default=5.0)
    args = ap.parse_args()
    feed = Feed(args.initial)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(feed))
    port = server.server_address[1]
    if args.port_file:
        Path(args.port_file).write_text(str(port))
    print(f"x_search_stub: http://127.0.0.1:{port} ({len(feed.pending)} samples to publish)", file=sys.stderr)

    def ticker():
        while feed.pending:
            time.sleep(args.interval)
            feed.release(args.per_tick)

    threading.Thread(target=ticker, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
