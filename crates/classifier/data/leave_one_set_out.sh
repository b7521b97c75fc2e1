#!/bin/sh
# Leave-one-set-out for the training set in training-set.txt (issue 15, seventh round):
# each hand-written set is scored by a model trained on the generated set and the other
# hand-written sets; figures per set and pooled. Arguments go to the example (--repeat,
# --seed, --compare MODEL.json, --errors); see crates/classifier/examples/leave_one_set_out.rs.
# `make model-loso` runs it with the fifth round's model for comparison.
set -eu
cd "$(dirname "$0")/../../.."
exec cargo run --quiet --release -p tweetboard-classifier --example leave_one_set_out -- "$@"
