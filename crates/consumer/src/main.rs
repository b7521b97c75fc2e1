//! The consumer Lambda binary: read config, build the clients and the model once, run.
//! After each invocation it prints the batch's metrics as one EMF line on stdout.

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{service_fn, Error, LambdaEvent, Runtime};
use serde::de::IgnoredAny;
use tweetboard_aws::config::ConsumerConfig;
use tweetboard_aws::startup::lambda_start;
use tweetboard_aws::{schema, telemetry};
use tweetboard_consumer::body::BodyLayer;
use tweetboard_consumer::{Consumer, EventError};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    tweetboard_consumer::tune_allocator();
    let (config, aws) = lambda_start(ConsumerConfig::from_env).await?;
    // A table keyed otherwise would refuse every record alike: refuse to start instead.
    schema::check_consumer_tables(&aws.dynamo, &config.table_name, &config.quarantine_table_name)
        .await
        .inspect_err(|e| tracing::error!(error = %e, "the tables do not match the contract"))?;
    let consumer = Consumer::from_config(&aws, &config)
        .inspect_err(|e| tracing::error!(error = %e, "cannot load the model"))?;
    #[cfg(all(feature = "jemalloc", target_os = "linux"))]
    let consumer = consumer.with_write_phase(tweetboard_consumer::allocator::jemalloc::WRITE_PHASE);
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "consumer".into());
    let (consumer, function) = (&consumer, function.as_str());
    // The event is read from the invocation's body by the handler, not deserialised by
    // the runtime (see `tweetboard_consumer::body`): the payload is a placeholder.
    let handler = service_fn(move |event: LambdaEvent<IgnoredAny>| async move {
        let (response, report) = consumer.handle_body_with_report(&event.context).await?;
        let now_ms = chrono::Utc::now().timestamp_millis();
        println!(
            "{}",
            telemetry::batch_metrics_emf(function, &report.counts, now_ms)
        );
        Ok::<_, EventError>(response)
    });
    Runtime::new(handler)
        .layer(BodyLayer)
        .layer(TracingLayer::new())
        .run()
        .await
}

/// jemalloc, the default (`--no-default-features` builds with glibc's malloc): its
/// thread cache costs fewer instructions per allocation than glibc's malloc (7.7% of a
/// new record's, 11–17% of its CPU), for about 1 MB more held (its metadata and
/// code), which the ninth round's memory work made room for under the stress batch's
/// 40 MB target (BENCHMARKS.md, "Seventh round" and "Ninth round"). Its options:
/// `tweetboard_consumer::JEMALLOC_CONF`.
#[cfg(all(feature = "jemalloc", target_os = "linux"))]
mod jemalloc {
    tweetboard_consumer::jemalloc_with_consumer_options!();

    #[cfg(test)]
    mod tests {
        use std::ffi::CStr;

        use tweetboard_consumer::allocator::jemalloc::{self, WRITE_PHASE};
        use tweetboard_consumer::allocator::Writing;

        /// An option as the running jemalloc holds it (`mallctl`).
        fn option<T: jemalloc::Value>(name: &CStr) -> T {
            jemalloc::read(name).unwrap_or_else(|| panic!("mallctl {name:?} refused"))
        }

        #[test]
        fn the_binary_allocates_with_jemalloc_under_the_compiled_in_options() {
            // GIVEN the binary's allocator and its `_rjem_malloc_conf` (the test harness
            // has allocated already, so jemalloc has read its options)
            // WHEN jemalloc is asked for the options it runs with
            // THEN they are `JEMALLOC_CONF`'s, not jemalloc's defaults
            assert_eq!(option::<u32>(c"opt.narenas"), 1);
            assert_eq!(option::<isize>(c"opt.dirty_decay_ms"), 0);
            assert_eq!(option::<isize>(c"opt.muzzy_decay_ms"), 0);
            assert!(!option::<bool>(c"opt.background_thread"));
        }

        /// The two tests that set arena 0's options take turns (`cargo test` runs a
        /// binary's tests on threads of one process, and so of one allocator).
        static ARENA_OPTIONS: std::sync::Mutex<()> = std::sync::Mutex::new(());

        /// Arena 0's options before any phase, read once by whichever test comes first.
        fn started() -> (isize, usize) {
            static STARTED: std::sync::OnceLock<(isize, usize)> = std::sync::OnceLock::new();
            *STARTED.get_or_init(|| {
                (
                    option::<isize>(c"arena.0.dirty_decay_ms"),
                    option::<usize>(c"arena.0.oversize_threshold"),
                )
            })
        }

        #[test]
        fn the_write_phase_keeps_freed_pages_until_the_batch_ends() {
            let _turn = ARENA_OPTIONS.lock().unwrap_or_else(|e| e.into_inner());
            // GIVEN the binary's allocator, giving freed pages back at once
            let (decay, threshold) = started();
            assert_eq!(decay, 0);
            // WHEN a batch's writes begin
            let phase = Writing::begin(Some(WRITE_PHASE));
            // THEN its arena keeps the pages of small extents for the write phase's time
            assert_eq!(
                option::<isize>(c"arena.0.dirty_decay_ms"),
                tweetboard_consumer::WRITE_PHASE_DIRTY_DECAY_MS
            );
            assert_eq!(
                option::<usize>(c"arena.0.oversize_threshold"),
                tweetboard_consumer::WRITE_PHASE_OVERSIZE_THRESHOLD
            );
            // AND once the batch ends both options are what they were
            drop(phase);
            assert_eq!(option::<isize>(c"arena.0.dirty_decay_ms"), decay);
            assert_eq!(option::<usize>(c"arena.0.oversize_threshold"), threshold);
        }

        /// This process's resident memory, in MB (`/proc/self/statm`, in pages of 4 KB).
        fn resident_mb() -> f64 {
            let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
            let pages: f64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
            pages * 4096.0 / 1e6
        }

        /// Frees every other block: no two free blocks lie side by side, so none merges
        /// into a larger free extent than its own.
        fn free_every_other(blocks: &mut Vec<Vec<u8>>) {
            let mut nth = 0;
            blocks.retain(|_| {
                nth += 1;
                nth % 2 == 0
            });
        }

        #[test]
        fn the_pages_a_batch_freed_go_back_when_it_ends() {
            let _turn = ARENA_OPTIONS.lock().unwrap_or_else(|e| e.into_inner());
            started();
            // GIVEN a batch's writes under way
            let phase = Writing::begin(Some(WRITE_PHASE));
            // WHEN 16 KB blocks (what requests churn) are written, and 16 MB of them freed
            let mut small: Vec<Vec<u8>> = (0..2048).map(|i| vec![i as u8; 16 * 1024]).collect();
            let held = resident_mb();
            free_every_other(&mut small);
            // THEN the phase keeps their pages for the writes to reuse
            let kept = resident_mb();
            assert!(
                kept > held - 4.0,
                "{held:.1} MB held, {kept:.1} MB after the free"
            );
            // WHEN 1 MiB blocks (a large record's) are written, and 16 MB of them freed
            // (under the 8 MB past which jemalloc serves blocks from an arena of its own)
            let mut large: Vec<Vec<u8>> = (0..32).map(|i| vec![i as u8; 1024 * 1024]).collect();
            let held = resident_mb();
            free_every_other(&mut large);
            // THEN their pages go back at once, phase or not
            let after_large = resident_mb();
            assert!(
                after_large < held - 12.0,
                "{held:.1} MB held, {after_large:.1} MB after the free"
            );
            // WHEN the batch ends
            drop(phase);
            // THEN the small blocks' pages go back too
            let after = resident_mb();
            assert!(
                after < after_large - 12.0,
                "{after_large:.1} MB before the end, {after:.1} MB after"
            );
            drop((small, large));
        }
    }
}
