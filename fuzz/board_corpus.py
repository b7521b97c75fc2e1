"""The seed corpus of the board fuzz targets (fuzz/corpus/board_cursor, board_query):
valid cursors signed with the targets key, hostile ones, and query strings. Run from
the repository root: python3 fuzz/board_corpus.py (files are named by their SHA-1, as
libFuzzer names them, so a second run adds nothing)."""
import base64, hmac, hashlib, json, os, urllib.parse
SECRET=b"fuzzing-the-board-cursor-key-0123456789"
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=")
def sign(payload_bytes):
    p=b64(payload_bytes)
    tag=b64(hmac.new(SECRET,p,hashlib.sha256).digest())
    return p+b"."+tag
def cur(p,k): return sign(json.dumps({"p":p,"k":k},separators=(",",":")).encode())
def write(target, data):
    d=f"fuzz/corpus/{target}"; os.makedirs(d,exist_ok=True)
    open(f"{d}/{hashlib.sha1(data).hexdigest()}","wb").write(data)
good=[cur("ON","2026-11-27T10:00:00.000Z#01859000000000000001"),
      cur("OFF","2026-11-27T10:00:00Z#00000000000000000042"),
      cur("ON","1970-01-01T00:00:00+00:00#00000000000000000000"),
      cur("ON","9999-12-31T23:59:59.999999999Z#18446744073709551615")]
hostile=[cur("ON","2026-11-27T10:00:00Z#42"),                    # id not padded
         cur("ON","+262143-12-31T00:00:00Z#00000000000000000042"),  # year out of range
         cur("ON","2026-11-27T10:00:00Z#0000000000000000004x"),
         cur("ON","#"*5000),
         cur("MAYBE","2026-11-27T10:00:00Z#00000000000000000042"),
         cur("ON",""),
         sign(b"{}"), sign(b"[]"), sign(b"null"), sign(b'{"p":1,"k":2}'),
         sign(b'{"p":"ON","k":"2026-11-27T10:00:00Z#00000000000000000042","x":' + b'['*200 + b']'*200 + b'}'),
         sign(b"\xff\xfe not json"),
         good[0][:-1], good[0][:10], good[0].replace(b".",b""), good[0]+b".", b"."+good[0],
         b"e30", b"!!!", b"", b"."*3, b"a"*4096+b"."+b"b"*43]
# board_cursor: mode byte, then the input
for c in good+hostile: write("board_cursor", b"\x00"+c)
payloads=[b'{"p":"ON","k":"2026-11-27T10:00:00.000Z#01859000000000000001"}',
          b'{"p":"OFF","k":"2026-11-27T10:00:00Z#00000000000000000042"}',
          b'{"p":"ON","k":"+262143-12-31T00:00:00Z#00000000000000000042"}',
          b'{"p":"ON","k":"2026-02-30T25:61:61Z#00000000000000000042"}',
          b'{"p":"ON","k":"2026-11-27T10:00:00Z#\\u0000000000000000000042"}',
          b'{"p":"ON","k":"2026-11-27T10:00:00Z#00000000000000000042","p":"OFF"}',
          b'{"k":"2026-11-27T10:00:00Z#00000000000000000042"}',
          b'{"p":"ON","k":"' + "é".encode()*500 + b'#00000000000000000042"}',
          b'[' * 1000]
for p in payloads: write("board_cursor", b"\x01"+p)
for k in [b"2026-11-27T10:00:00.000Z#01859000000000000001", b"2026-11-27T10:00:00Z#42",
          b"2026-11-27T10:00:00-23:59#00000000000000000042", b"#00000000000000000042",
          b"2026-11-27T10:00:00Z##00000000000000000042", b"2026-11-27t10:00:00z#00000000000000000042"]:
    write("board_cursor", b"\x02"+k)
# board_query: query strings as the router gets them
q=lambda s: s.encode() if isinstance(s,str) else s
for s in ["", "prediction=ON", "prediction=OFF&limit=100", "limit=1", "limit=20&cursor=",
          "prediction=ON&limit=7&cursor="+good[0].decode(),
          "prediction=OFF&cursor="+good[1].decode(),
          "prediction=OFF&cursor="+good[0].decode(),
          "cursor="+hostile[1].decode(), "cursor="+hostile[0].decode(),
          "hours=168", "hours=0", "hours=169", "hours=-1", "hours=4294967296", "show=OFF", "show=on",
          "limit=0", "limit=101", "limit=18446744073709551616", "limit=+5", "limit=%205", "limit=1e2",
          "prediction=%00", "prediction=%FF%FE", "prediction=on", "sort=asc", "%FF=1", "limit&cursor",
          "a=b&a=c&limit=3&limit=4", "prediction=ON&prediction=OFF", "cursor=%2E%2E%2E",
          "limit=5;cursor=x", "x="+"%41"*2000, "cursor="+"A"*8000, "=&=&&&", "prediction=O%4E",
          "hours=24&hours=%31%36%38", "+=+&%2B=%2B"]:
    write("board_query", q(s))
print("ok")
