"""The seed corpus of the event_body fuzz target (fuzz/corpus/event_body): invocation
bodies in Lambda's Kinesis event shape and hostile ones. Run from the repository root:
python3 fuzz/event_corpus.py (files are named by their SHA-1, as libFuzzer names them,
so a second run adds nothing)."""
import base64, hashlib, json, os
ARN="arn:aws:kinesis:us-east-1:123456789012:stream/tweetboard-tweets"
TWEET=b'{"id_str":"1900000000000000001","full_text":"New in #AWS Lambda","user":{"screen_name":"x"}}'
def write(data):
    assert len(data) < 4096, len(data)
    d="fuzz/corpus/event_body"; os.makedirs(d,exist_ok=True)
    open(f"{d}/{hashlib.sha1(data).hexdigest()}","wb").write(data)
def record(i, payload, shard=3, **over):
    seq=f"4959{i:052}"
    r={"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":f"pk{i}","sequenceNumber":seq,
                  "data":base64.b64encode(payload).decode(),"approximateArrivalTimestamp":1764000000.125},
       "eventSource":"aws:kinesis","eventVersion":"1.0","eventID":f"shardId-{shard:012}:{seq}",
       "eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::123456789012:role/c",
       "awsRegion":"us-east-1","eventSourceARN":ARN}
    for k,v in over.items():
        if k in r["kinesis"]: r["kinesis"][k]=v
        else: r[k]=v
    return r
def event(*records): return json.dumps({"Records":list(records)}).encode()
# Lambda's shape, 1-3 records, data of length 0/1/2/3 mod 3 and binary
write(event(record(0, TWEET)))
write(event(record(0, b""), record(1, b"a")))
write(event(record(0, b"ab"), record(1, b"abc"), record(2, b"\x00\xff\x1f binary\x80")))
# an escaped partition key (a quote and a backslash)
write(event(record(0, TWEET, partitionKey='pk "quoted" \\ back')))
# a \u escape in a member name (and in a text)
write(json.dumps({"Records":[record(0, TWEET)]}).replace('"sequenceNumber"','"sequence\\u004eumber"')
      .replace('"pk0"','"p\\u006b0"').encode())
# a record missing sequenceNumber (the second)
r=record(1, b"x"); del r["kinesis"]["sequenceNumber"]
write(event(record(0, TWEET), r))
# data that is not base64: bad characters, bad padding, trailing bits
write(event(record(0, TWEET, data="not base64!")))
write(event(record(0, b"a", data="YQ="), record(1, b"a", data="YR==")))
# a repeated eventID
write(event(record(0, b"a"), record(1, b"b", eventID=record(0, b"")["eventID"])))
# arrival times with 0 and 3 decimals, and an integer
write(event(record(0, b"a", approximateArrivalTimestamp=1764000000.0),
            record(1, b"b", approximateArrivalTimestamp=1764000000.999),
            record(2, b"c", approximateArrivalTimestamp=1764000000)))
# null members: optional ones and a required one
write(event(record(0, b"a", eventID=None, eventSourceARN=None, partitionKey=None)))
write(event(record(0, b"a", sequenceNumber=None)))
# an empty Records, Records missing or repeated, and not an object
write(b'{"Records":[]}')
write(b'{"records":[]}')
write(b'{"Records":[],"Records":[]}')
write(b'[{"Records":[]}]')
write(b'null')
# an arrival time as a string, and an escaped slash in the data (\/ as some producers write)
write(event(record(0, b"a", approximateArrivalTimestamp="1764000000.125")))
write(event(record(0, b"\xfb\xff\xbf")).replace(b"+/+/", b"+\\/+\\/"))
# a raw control character (0x1f, the last) in a text: the exact read refuses it, so the
# fast path must too (PlainText::accepts)
write(event(record(0, b"a", partitionKey="pk\x1f")).replace(b"\\u001f", b"\x1f"))
# arrival times with 14 and 20 decimals: aws_lambda_events' `frac * 1_000_000` overflowed
# (a panic in a debug build, the target's first find); the exact read now wraps, as the
# release build does (ExactArrival)
write(b'{"Records":[{"kinesis":{"sequenceNumber":"1","data":"","approximateArrivalTimestamp":1.44333333333333}}]}')
write(event(record(0, b"a", approximateArrivalTimestamp=5.99999999999999999999)).replace(b"6.0", b"5.99999999999999999999"))
