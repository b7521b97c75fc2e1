//! The compiled-in model loads from build.rs's binary form (issue 12, start-up): it must
//! be exactly the model the shipped JSON parses into, bit for bit.

use tweetboard_classifier::{Model, Record};

#[test]
fn the_prebuilt_model_equals_the_json_parsed_one_bit_for_bit() {
    // GIVEN the shipped JSON, parsed as any artifact is
    let parsed = Model::from_json(include_str!("../models/default.json"), "json").unwrap();
    // WHEN the binary's compiled-in form is loaded
    let prebuilt = Model::embedded_default();
    // THEN every field is equal, and every weight has the same bits (== would let
    // 0.0 and -0.0 pass, or miss a NaN)
    assert_eq!(prebuilt.artifact(), parsed.artifact());
    let bits = |m: &Model| {
        m.artifact()
            .weights
            .iter()
            .map(|&(i, w)| (i, w.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&prebuilt), bits(&parsed));
    assert_eq!(
        prebuilt.artifact().bias.to_bits(),
        parsed.artifact().bias.to_bits()
    );
    let record = Record {
        text: "Lambda reading a Kinesis stream into DynamoDB #aws".into(),
        ..Default::default()
    };
    assert_eq!(prebuilt.score(&record).to_bits(), parsed.score(&record).to_bits());
}
