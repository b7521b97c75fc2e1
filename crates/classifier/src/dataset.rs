//! Labeled data for training and evaluation: CSV (with a header) or JSON Lines, with the
//! record's columns (`text`, `id`, `followers`, `favourites`, `friends`, `lists`,
//! `retweets`, `tweets`, `user`, `source`) plus `label`: `ON`/`0` (on topic) or
//! `OFF`/`1` (junk), and optionally `kind` (what sort of tweet it is, e.g.
//! `ordinary-tagged/sports`), which `tweetboard evaluate` breaks accuracy down by.

use std::collections::HashMap;
use std::path::Path;

use crate::record::Record;

/// A record and whether it is junk (label "1").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub record: Record,
    pub junk: bool,
    /// The file's `kind` column, when it has one and it is not empty. Never a feature:
    /// it only groups evaluation figures.
    pub kind: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {line}: {why}")]
    Bad { path: String, line: usize, why: String },
    #[error("{path}: no examples")]
    Empty { path: String },
}

/// The records of the hand-written labeled sets under `data`, in file-name order: every
/// `unseen-handwritten*.csv`, and `dev-handwritten.csv` too when `with_dev`. The tweets
/// the benches time the classifier and a record's path on (longer than the generated
/// set's, in ten languages): `make bench-classify`, `make bench-recipe`, the consumer's
/// record bench.
pub fn load_handwritten(data: &Path, with_dev: bool) -> Result<Vec<Record>, DatasetError> {
    let read = |source| DatasetError::Read {
        path: data.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(data).map_err(read)? {
        let path = entry.map_err(read)?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".csv")
            && (name.starts_with("unseen-handwritten") || (with_dev && name == "dev-handwritten.csv"))
        {
            files.push(path);
        }
    }
    files.sort();
    let mut records = Vec::new();
    for file in &files {
        records.extend(load(file)?.into_iter().map(|e| e.record));
    }
    Ok(records)
}

/// `text` repeated, space-separated, to a full tweet's 280 characters and cut there (a
/// blank text as it is): the benches' full-length tweets, the length a tweet's
/// per-character costs show at.
pub fn to_full_length(text: &str) -> String {
    const FULL: usize = 280;
    if text.trim().is_empty() {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    while out.chars().count() < FULL {
        out.push(' ');
        out.push_str(text);
    }
    out.chars().take(FULL).collect()
}

/// Reads a labeled file; JSON Lines when it ends in `.jsonl`/`.json`, CSV otherwise.
pub fn load(path: &Path) -> Result<Vec<Example>, DatasetError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Read {
        path: name.clone(),
        source,
    })?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let examples = if matches!(ext, "jsonl" | "json" | "ndjson") {
        parse_jsonl(&name, &text)?
    } else {
        parse_csv(&name, &text)?
    };
    if examples.is_empty() {
        return Err(DatasetError::Empty { path: name });
    }
    Ok(examples)
}

pub fn parse_label(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_uppercase().as_str() {
        "OFF" | "1" => Some(true),
        "ON" | "0" => Some(false),
        _ => None,
    }
}

fn example(fields: &HashMap<String, String>) -> Result<Example, String> {
    let label = fields.get("label").ok_or("no `label` column")?;
    // Every other column may be missing (a v2 tweet has only its id and text), but a
    // file without the text would score every row as an empty tweet, silently.
    if !fields.contains_key("text") {
        return Err("no `text` column".into());
    }
    let junk = parse_label(label).ok_or_else(|| format!("label {label:?} is not ON, OFF, 0 or 1"))?;
    let kind = fields.get("kind").map(|k| k.trim()).filter(|k| !k.is_empty());
    // `evaluate` groups kinds by what comes before the first `/`: a kind starting with
    // one would make a group with no name.
    if let Some(k) = kind.filter(|k| k.starts_with('/')) {
        return Err(format!("kind {k:?} has no group before its `/`"));
    }
    Ok(Example {
        record: Record::from_aml_map(fields)?,
        junk,
        kind: kind.map(str::to_owned),
    })
}

/// Where a quoted field opens and is never closed, as a 1-based line number. The csv
/// reader takes such a field to the end of the file, so one stray quote would silently
/// swallow every row after it (a typo in a hand-written evaluation set would shrink it).
/// RFC 4180 as the reader reads it: a quote opens a quoted field only at a field's
/// start; inside one, `""` is a quote and a lone `"` closes it.
fn unterminated_quote(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut opened_at = None;
    let mut at_field_start = true;
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if opened_at.is_some() {
            match b {
                b'"' if bytes.peek() == Some(&b'"') => {
                    bytes.next();
                }
                b'"' => opened_at = None,
                b'\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' if at_field_start => opened_at = Some(line),
            b'\n' => line += 1,
            _ => {}
        }
        at_field_start = matches!(b, b',' | b'\n' | b'\r');
    }
    opened_at
}

pub fn parse_csv(name: &str, text: &str) -> Result<Vec<Example>, DatasetError> {
    if let Some(line) = unterminated_quote(text) {
        return Err(DatasetError::Bad {
            path: name.into(),
            line,
            why: "a quoted field opens here and is never closed".into(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| DatasetError::Bad {
            path: name.into(),
            line: 1,
            why: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    // Two columns of one name would leave the last one's value, silently.
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(DatasetError::Bad {
                path: name.into(),
                line: 1,
                why: format!("the column {h:?} is named twice"),
            });
        }
    }
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| DatasetError::Bad {
            path: name.into(),
            line,
            why: e.to_string(),
        })?;
        let fields: HashMap<String, String> = headers
            .iter()
            .cloned()
            .zip(row.iter().map(str::to_owned))
            .collect();
        out.push(example(&fields).map_err(|why| DatasetError::Bad {
            path: name.into(),
            line,
            why,
        })?);
    }
    Ok(out)
}

pub fn parse_jsonl(name: &str, text: &str) -> Result<Vec<Example>, DatasetError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |why: String| DatasetError::Bad {
            path: name.into(),
            line: i + 1,
            why,
        };
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let obj = value.as_object().ok_or_else(|| bad("not a JSON object".into()))?;
        // The text fields are strings: a `null` or an array would be read as its JSON.
        for key in ["text", "id", "user", "source", "kind", "label"] {
            match obj.get(key) {
                Some(v) if !(v.is_string() || (v.is_number() && matches!(key, "id" | "label"))) => {
                    return Err(bad(format!("`{key}` is {v}, not a string")));
                }
                _ => {}
            }
        }
        let fields: HashMap<String, String> = obj
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()),
                )
            })
            .collect();
        out.push(example(&fields).map_err(bad)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_jsonl_read_the_same_example() {
        let csv = "text,id,followers,favourites,friends,lists,retweets,tweets,user,source,label\n\
                   \"hi, #aws\",1,2,3,4,5,6,7,ann,web,ON\n";
        let jsonl = r#"{"text": "hi, #aws", "id": "1", "followers": 2, "favourites": 3, "friends": 4, "lists": 5, "retweets": 6, "tweets": 7, "user": "ann", "source": "web", "label": "0"}"#;
        assert_eq!(parse_csv("a", csv).unwrap(), parse_jsonl("b", jsonl).unwrap());
    }

    #[test]
    fn the_kind_column_is_read_when_present() {
        let csv = "text,label,kind\na,ON,aws/ops\nb,OFF,\n";
        let examples = parse_csv("k.csv", csv).unwrap();
        assert_eq!(examples[0].kind.as_deref(), Some("aws/ops"));
        assert_eq!(examples[1].kind, None);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let err = parse_csv("f.csv", "text,label\nok,ON\nbad,MAYBE\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "f.csv: 3: label \"MAYBE\" is not ON, OFF, 0 or 1");
        let err = parse_jsonl("f.jsonl", "{\"text\": \"x\"}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `label` column"), "{err}");
    }

    #[test]
    fn files_that_would_be_misread_are_refused() {
        let err = |r: Result<Vec<Example>, DatasetError>| r.unwrap_err().to_string();
        // No text column: every row would be scored as an empty tweet.
        assert_eq!(
            err(parse_csv("f.csv", "txt,label\nhello,ON\n")),
            "f.csv: 2: no `text` column"
        );
        assert!(err(parse_jsonl("f.jsonl", r#"{"label": "ON"}"#)).contains("no `text` column"));
        // A column named twice: the last one's value would win.
        assert!(err(parse_csv("f.csv", "text,label,text\na,ON,b\n")).contains("\"text\" is named twice"));
        // JSON that is not a string where a string is meant.
        assert!(err(parse_jsonl("f.jsonl", r#"{"text": null, "label": "ON"}"#)).contains("`text` is null"));
        assert!(err(parse_jsonl("f.jsonl", r#"{"text": ["a"], "label": "ON"}"#)).contains("not a string"));
        // A quote that opens a field and never closes would swallow every row after it.
        assert_eq!(
            err(parse_csv(
                "f.csv",
                "text,label\n\"fine, quoted\",ON\n\"oops,OFF\nlost,ON\n"
            )),
            "f.csv: 3: a quoted field opens here and is never closed"
        );
        // A quote inside an unquoted field is text, and `""` inside a quoted one a quote.
        assert_eq!(
            parse_csv("f.csv", "text,label\nsay \"hi\",ON\n\"a \"\"b\"\"\nc\",OFF\n")
                .unwrap()
                .len(),
            2
        );
        // A kind with no group before its `/`.
        assert!(err(parse_csv("f.csv", "text,label,kind\na,ON,/x\n")).contains("has no group"));
        // Numbers stay fine where the format allows them.
        assert_eq!(
            parse_jsonl("f.jsonl", r#"{"text": "x", "id": 12, "label": 1}"#)
                .unwrap()
                .len(),
            1
        );
    }
}
