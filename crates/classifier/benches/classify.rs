//! What one classification costs: the recipe (tokenise, hash n-grams, bin counts) plus
//! the dot product, with the shipped default model, over the shipped labeled tweets.
//! Run with `make bench`; results are reported in BENCHMARKS.md.
//!
//! Each classification is measured twice: in wall time, as criterion does, and in the
//! thread's CPU time, which does not count the time other processes on a shared machine
//! hold the core, so it says what the code costs even when the machine is busy.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tweetboard_classifier::{dataset, EmbeddedClassifier, Model, Record};

#[path = "support/thread_cpu.rs"]
mod thread_cpu;
use thread_cpu::thread_cpu_time;

fn classify(c: &mut Criterion) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tweets-labeled.csv");
    let records: Vec<_> = dataset::load(&data)
        .unwrap()
        .into_iter()
        .map(|e| e.record)
        .collect();
    let classifier = EmbeddedClassifier::new(Model::embedded_default());

    let mut group = c.benchmark_group("classifier");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("classify_record (per batch of the data set)", |b| {
        b.iter(|| {
            for r in &records {
                black_box(classifier.classify_record(black_box(r)));
            }
        })
    });
    group.bench_function("recipe features only", |b| {
        let recipe = &classifier.model().artifact().recipe;
        b.iter(|| {
            for r in &records {
                black_box(recipe.features(black_box(r)));
            }
        })
    });
    group.bench_function("classify_record, thread CPU time", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                for r in &records {
                    black_box(classifier.classify_record(black_box(r)));
                }
            }
            thread_cpu_time() - start
        })
    });
    group.finish();

    // The generated set's tweets are short (77 characters on average); the hand-written
    // sets' are longer and more varied (about 100, many not in English), as real
    // tweets are. The cost per tweet is reported on both, so the budget is not shown
    // only on the easiest text the project has.
    let handwritten = handwritten_records();
    let mut group = c.benchmark_group("classifier, hand-written sets");
    group.throughput(Throughput::Elements(handwritten.len() as u64));
    group.bench_function("classify_record, thread CPU time", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                for r in &handwritten {
                    black_box(classifier.classify_record(black_box(r)));
                }
            }
            thread_cpu_time() - start
        })
    });
    group.finish();

    c.bench_function("model load (cold start)", |b| {
        b.iter(|| black_box(Model::embedded_default()))
    });
}

/// Every hand-written labeled set under `data/` (`dev-handwritten.csv`,
/// `unseen-handwritten*.csv`), in name order.
fn handwritten_records() -> Vec<Record> {
    dataset::load_handwritten(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), true)
        .expect("the hand-written sets load")
}

criterion_group!(benches, classify);
criterion_main!(benches);
