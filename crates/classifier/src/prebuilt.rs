//! The compiled-in model as `build.rs` splits it: the artifact's document without its
//! weights (parsed as any artifact is: a few hundred bytes) and the weights as
//! little-endian `(u32 bucket, f32 weight)` pairs, read without float parsing. The JSON
//! in `models/default.json` stays the source of truth; `tests/prebuilt_model.rs` checks
//! that this load gives exactly the model its JSON parse gives.

use crate::model::{Model, ModelArtifact, ModelError, FORMAT};

const REST_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/model-rest.json"));
const WEIGHTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model-weights.bin"));

/// Loads the compiled-in model, validated as [`Model::from_artifact`] validates any.
pub fn load(origin: &str) -> Result<Model, ModelError> {
    from_parts(REST_JSON, WEIGHTS, origin)
}

/// A model from a weightless artifact document and its weights in binary form.
pub fn from_parts(rest: &str, weights: &[u8], origin: &str) -> Result<Model, ModelError> {
    let corrupt = |why: &str| ModelError::Corrupt {
        origin: origin.into(),
        why: why.into(),
    };
    let mut artifact: ModelArtifact = serde_json::from_str(rest).map_err(|source| ModelError::Parse {
        origin: origin.into(),
        source,
    })?;
    if artifact.format != FORMAT {
        return Err(ModelError::Incompatible {
            origin: origin.into(),
            found: artifact.format,
        });
    }
    if !artifact.weights.is_empty() {
        return Err(corrupt("the weightless document carries weights"));
    }
    let pairs = weights.chunks_exact(8);
    if !pairs.remainder().is_empty() {
        return Err(corrupt("the binary weights are not whole (bucket, weight) pairs"));
    }
    artifact.weights = pairs
        .map(|pair| {
            let bucket = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
            let bits = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
            (bucket, f32::from_bits(bits))
        })
        .collect();
    Model::from_artifact(artifact, origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_or_mismatched_binary_form_is_refused() {
        let err = from_parts(REST_JSON, &WEIGHTS[..WEIGHTS.len() - 3], "t").unwrap_err();
        assert!(err.to_string().contains("whole"), "{err}");
        let full = include_str!("../models/default.json");
        let err = from_parts(full, WEIGHTS, "t").unwrap_err();
        assert!(err.to_string().contains("carries weights"), "{err}");
    }
}
