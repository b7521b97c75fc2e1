//! The CLI's log setup, apart from the Lambdas' (`tweetboard_aws::telemetry::init`,
//! JSON lines in Lambda): an operator reads these logs on a terminal, or a script or CI
//! job captures them.
//!
//! - Colour only when stderr is a terminal (and `NO_COLOR` is unset): escape codes
//!   garble captured logs.
//! - Warnings and errors only, by default: the per-batch INFO events
//!   (`batch_processed`) say what the progress bar and the printed summary already
//!   say. `RUST_LOG` sets the filter as usual; `RUST_LOG=info` brings them back.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "warn";

/// Installs the global subscriber once; later calls are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let ansi = colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .compact()
        .try_init();
}

/// Whether to colour: on a terminal, unless `NO_COLOR` is set to anything but empty
/// (<https://no-color.org>).
fn colour(stderr_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".as_ref())));
        assert!(!colour(true, Some("1".as_ref())));
        assert!(!colour(false, None));
    }
}
