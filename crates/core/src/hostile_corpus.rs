//! The committed hostile-input corpus (`tests/fixtures/hostile/corpus.json`): bad
//! records and ingest requests, each with the outcome it must have. The unit tests run
//! it through the batch use case and ingest's request preparation, the integration
//! tests through the consumer on the emulator, so one table states what every layer
//! must do with each input.
//!
//! The bytes are written as parts (text repeated, or hex) so that a 1 MiB record or
//! 200,000 levels of nesting cost a line of the file, not a megabyte of it.

use serde::Deserialize;
use serde_json::Value;

/// Where the corpus is, from this crate's directory.
pub const CORPUS_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/hostile/corpus.json"
);

/// One piece of a record's or request's bytes.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Part {
    Text {
        text: String,
        #[serde(default = "one")]
        times: usize,
    },
    Hex {
        hex: String,
    },
}

fn one() -> usize {
    1
}

fn assemble(parts: &[Part]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for part in parts {
        match part {
            Part::Text { text, times } => {
                for _ in 0..*times {
                    bytes.extend_from_slice(text.as_bytes());
                }
            }
            Part::Hex { hex } => {
                let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
                for pair in digits.chunks(2) {
                    let s = std::str::from_utf8(pair).expect("hex digits");
                    bytes.push(u8::from_str_radix(s, 16).expect("hex digits"));
                }
            }
        }
    }
    bytes
}

/// What must become of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordExpectation {
    /// Stored under this tweet id.
    Written { id: String },
    /// Quarantined with this reason code (`QuarantineReason::code`).
    Quarantined { code: String },
}

/// A hostile record.
#[derive(Debug, Clone)]
pub struct HostileRecord {
    pub name: String,
    pub data: Vec<u8>,
    pub expect: RecordExpectation,
}

/// What must become of an ingest request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestExpectation {
    /// Refused whole (`tweetboard.BadRequest`).
    BadRequest,
    /// Split: this many records, and these indexes rejected (`None`: every tweet).
    Split {
        accepted: usize,
        rejected: Option<Vec<usize>>,
    },
}

/// A hostile ingest request body.
#[derive(Debug, Clone)]
pub struct HostileRequest {
    pub name: String,
    pub body: Vec<u8>,
    pub expect: RequestExpectation,
}

#[derive(Deserialize)]
struct RawCorpus {
    records: Vec<RawCase>,
    requests: Vec<RawCase>,
}

#[derive(Deserialize)]
struct RawCase {
    name: String,
    parts: Vec<Part>,
    expect: Value,
    id: Option<String>,
}

/// The corpus, read and assembled. Panics on a malformed corpus file: it is a fixture.
pub fn load() -> (Vec<HostileRecord>, Vec<HostileRequest>) {
    let text = std::fs::read_to_string(CORPUS_PATH).expect("the hostile corpus is committed");
    let raw: RawCorpus = serde_json::from_str(&text).expect("the hostile corpus is valid");
    let records = raw
        .records
        .into_iter()
        .map(|c| {
            let expect = match c.expect.as_str() {
                Some("written") => RecordExpectation::Written {
                    id: c
                        .id
                        .clone()
                        .unwrap_or_else(|| panic!("{}: a written case names its id", c.name)),
                },
                Some(s) if s.starts_with("quarantined:") => RecordExpectation::Quarantined {
                    code: s["quarantined:".len()..].to_owned(),
                },
                other => panic!("{}: unknown record expectation {other:?}", c.name),
            };
            HostileRecord {
                data: assemble(&c.parts),
                name: c.name,
                expect,
            }
        })
        .collect();
    let requests = raw
        .requests
        .into_iter()
        .map(|c| {
            let expect = match &c.expect {
                Value::String(s) if s == "bad_request" => RequestExpectation::BadRequest,
                Value::Object(o) => RequestExpectation::Split {
                    accepted: o["accepted"].as_u64().expect("accepted") as usize,
                    rejected: match &o["rejected"] {
                        Value::String(s) if s == "all" => None,
                        Value::Array(a) => {
                            Some(a.iter().map(|i| i.as_u64().expect("index") as usize).collect())
                        }
                        other => panic!("{}: bad rejected {other}", c.name),
                    },
                },
                other => panic!("{}: unknown request expectation {other}", c.name),
            };
            HostileRequest {
                body: assemble(&c.parts),
                name: c.name,
                expect,
            }
        })
        .collect();
    (records, requests)
}
