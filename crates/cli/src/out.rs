//! Standard output that does not panic when the reader goes away.
//!
//! `println!` panics when stdout is a closed pipe (`tweetboard evaluate | head`), since
//! Rust ignores SIGPIPE. The commands print through [`outln!`](crate::outln) and
//! [`out!`](crate::out) instead: when the reader has closed the pipe, it has all it
//! wanted, so the process ends quietly with success, as a Unix filter does; any other
//! write error ends it with the error on stderr.

use std::io::Write;

/// Writes `args` to stdout; on a closed pipe exits 0, on another error exits 1.
pub fn write(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let result = stdout
        .write_fmt(args)
        .and_then(|()| if newline { stdout.write_all(b"\n") } else { Ok(()) })
        .and_then(|()| stdout.flush());
    if let Err(e) = result {
        std::process::exit(exit_code(&e));
    }
}

/// The exit status for a failed write to stdout, reporting it unless the pipe was closed.
fn exit_code(e: &std::io::Error) -> i32 {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        0
    } else {
        // stderr may be gone as well: nothing more to do then.
        let _ = writeln!(std::io::stderr(), "error: cannot write to standard output: {e}");
        1
    }
}

/// `println!` for the CLI's output: see the module.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::write(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*), true)
    };
}

/// `print!` for the CLI's output: see the module.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write(format_args!($($arg)*), false)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_ends_quietly_and_other_errors_fail() {
        assert_eq!(exit_code(&std::io::ErrorKind::BrokenPipe.into()), 0);
        assert_eq!(exit_code(&std::io::ErrorKind::StorageFull.into()), 1);
    }
}
