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
    let consumer = consumer.with_write_phase(jemalloc::WRITE_PHASE);
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
        use std::ffi::{c_void, CStr};

        /// An option as the running jemalloc holds it (`mallctl`).
        fn option<T: Default>(name: &CStr) -> T {
            let mut value = T::default();
            let mut len = std::mem::size_of::<T>();
            // SAFETY: `value` is a `T` of `len` bytes, the type jemalloc documents for `name`.
            let rc = unsafe {
                tikv_jemalloc_sys::mallctl(
                    name.as_ptr(),
                    (&mut value as *mut T).cast::<c_void>(),
                    &mut len,
                    std::ptr::null_mut(),
                    0,
                )
            };
            assert_eq!(rc, 0, "mallctl {name:?}");
            value
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

        #[test]
        fn the_write_phase_keeps_freed_pages_until_the_batch_ends() {
            // GIVEN the binary's allocator, giving freed pages back at once
            assert_eq!(option::<isize>(c"arena.0.dirty_decay_ms"), 0);
            // WHEN a batch's writes begin
            (super::WRITE_PHASE.begin)();
            // THEN its arena keeps them for the write phase's time
            assert_eq!(
                option::<isize>(c"arena.0.dirty_decay_ms"),
                tweetboard_consumer::WRITE_PHASE_DIRTY_DECAY_MS
            );
            // AND once the batch ends the option is the compiled-in one again
            (super::WRITE_PHASE.end)();
            assert_eq!(option::<isize>(c"arena.0.dirty_decay_ms"), 0);
        }
    }
}
