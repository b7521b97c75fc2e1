#!/usr/bin/env python3
"""Does a DynamoDB emulator implement PartiQL INSERT with put-if-absent semantics?

    .venv/bench/bin/python bench/partiql_probe.py

Issue 12 asked whether BatchExecuteStatement (25 INSERTs a request, each failing alone
with DuplicateItem when its key exists) could replace the consumer's conditional
PutItem per record. The consumer would only use it if the emulators the tests run on
could check those semantics. This tries both emulators the project has (dynalite, as
bench/consumer_bench.py runs it, and the moto server of .venv) and prints what each does
with an INSERT of an existing key, parameterised and literal. Figures: BENCHMARKS.md.
"""

import os
import socket
import subprocess
import sys
import time

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import consumer_bench  # noqa: E402


def probe(url, name):
    c = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id="probe", aws_secret_access_key="probe")
    t = f"partiql-{int(time.time() * 1000)}"
    c.create_table(TableName=t, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "tweet_id", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "tweet_id", "KeyType": "HASH"}])
    c.put_item(TableName=t, Item={"tweet_id": {"S": "1"}, "v": {"S": "old"}})
    tries = {
        "parameterised": [{"Statement": f"INSERT INTO \"{t}\" VALUE {{'tweet_id': ?, 'v': ?}}",
                           "Parameters": [{"S": i}, {"S": "new"}]} for i in ("1", "2")],
        "literal": [{"Statement": f"INSERT INTO \"{t}\" VALUE {{'tweet_id': '{i}', 'v': 'new'}}"} for i in ("1", "3")],
    }
    for kind, statements in tries.items():
        try:
            r = c.batch_execute_statement(Statements=statements)
            errors = [x.get("Error", {}).get("Code") for x in r["Responses"]]
            stored = c.get_item(TableName=t, Key={"tweet_id": {"S": "1"}})["Item"]["v"]["S"]
            verdict = ("put-if-absent holds" if errors[0] == "DuplicateItem" and stored == "old"
                       else f"NOT put-if-absent: existing item now {stored!r}, errors {errors}")
            print(f"{name}: {kind} BatchExecuteStatement answered; {verdict}")
        except Exception as e:  # the emulator's refusal is the finding
            print(f"{name}: {kind} BatchExecuteStatement refused: {type(e).__name__}: {str(e).splitlines()[0][:160]}")


def main():
    dynalite = consumer_bench.Emulator()
    try:
        probe(dynalite.url, "dynalite")
    finally:
        dynalite.stop()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    moto = subprocess.Popen([os.path.join(ROOT, ".venv", "bin", "moto_server"), "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        probe(f"http://127.0.0.1:{port}", "moto")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
