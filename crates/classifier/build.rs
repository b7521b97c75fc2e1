//! Splits the shipped model (`models/default.json`, the source of truth) into the two
//! forms the binary embeds (issue 12, start-up): the document without its weights, and
//! the weights as little-endian `(u32 bucket, f32 weight)` pairs. Parsing 24,000 floats
//! was 45% of a Lambda's cold-start instructions; the binary form loads without any.
//!
//! Only the `weights` field is touched: the rest of the document is copied byte for byte
//! (its weights value replaced by `[]`), so a retrained model with new recipe fields
//! drops in unchanged. `tests/prebuilt_model.rs` checks the two forms load into exactly
//! the model the JSON parse gives.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::value::RawValue;

const MODEL: &str = "models/default.json";

fn main() {
    println!("cargo:rerun-if-changed={MODEL}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(MODEL).unwrap_or_else(|e| panic!("cannot read {MODEL}: {e}"));
    let fields: BTreeMap<&str, &RawValue> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{MODEL} is not a JSON object: {e}"));
    let raw = fields
        .get("weights")
        .unwrap_or_else(|| panic!("{MODEL} has no weights field"))
        .get();
    // Parsed as the artifact's own `Deserialize` parses them (same crate, same
    // `float_roundtrip`), so the bits are the ones a JSON load would give.
    let weights: Vec<(u32, f32)> = serde_json::from_str(raw)
        .unwrap_or_else(|e| panic!("{MODEL}'s weights are not [bucket, weight] pairs: {e}"));
    // The raw value borrows from `text`: its offset there is where to cut.
    let start = raw.as_ptr() as usize - text.as_ptr() as usize;
    let rest = format!("{}[]{}", &text[..start], &text[start + raw.len()..]);
    let mut bin = Vec::with_capacity(weights.len() * 8);
    for (bucket, weight) in &weights {
        bin.extend_from_slice(&bucket.to_le_bytes());
        bin.extend_from_slice(&weight.to_bits().to_le_bytes());
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("model-rest.json"), rest).expect("write model-rest.json");
    std::fs::write(out.join("model-weights.bin"), bin).expect("write model-weights.bin");
}
