//! `tweetboard evaluate`: a model's metrics on a labeled file.

use std::path::PathBuf;

use tweetboard_classifier::metrics::Evaluation;
use tweetboard_classifier::{dataset, Model};

use super::CliResult;

/// Evaluate a model on a labeled file: accuracy, precision, recall, F1, ROC AUC, the
/// confusion matrix, and accuracy per kind when the file has a `kind` column.
///
/// A kind written as `group/kind` (e.g. `ordinary-tagged/sports`) is also counted in
/// its group.
#[derive(clap::Args)]
pub struct Args {
    /// A model artifact; default: the model compiled into this binary.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Labeled examples (.csv, or .jsonl for JSON Lines).
    #[arg(long)]
    data: PathBuf,
    /// Print the metrics as JSON.
    #[arg(long)]
    json: bool,
    /// Also list every example the model gets wrong, with its score and kind.
    #[arg(long)]
    show_errors: bool,
}

pub fn run(
    Args {
        model,
        data,
        json,
        show_errors,
    }: Args,
) -> CliResult {
    let model = Model::load_or_default(model.as_deref())?;
    let examples = dataset::load(&data)?;
    let scores: Vec<f64> = examples.iter().map(|e| model.score(&e.record)).collect();
    // Kinds are printed too (the per-kind table, the error lines): escaped as the text.
    let kinds: Vec<Option<String>> = examples
        .iter()
        .map(|e| e.kind.as_deref().map(printable))
        .collect();
    let scored: Vec<(f64, bool, Option<&str>)> = examples
        .iter()
        .zip(&scores)
        .zip(&kinds)
        .map(|((e, &s), kind)| (s, e.junk, kind.as_deref()))
        .collect();
    let evaluation = Evaluation::compute(&scored, model.threshold());
    if json {
        outln!("{}", serde_json::to_string_pretty(&evaluation)?);
    } else {
        outln!("model {} on {}", model.id(), data.display());
        outln!("{}", evaluation.report());
    }
    if show_errors {
        // To stderr with --json, so the JSON on stdout stays one document.
        let lines = examples
            .iter()
            .zip(&scores)
            .zip(&kinds)
            .filter(|((e, &s), _)| (s > model.threshold()) != e.junk)
            .map(|((e, s), kind)| {
                let label = if e.junk { "OFF" } else { "ON" };
                let kind = kind.as_deref().unwrap_or("-");
                format!(
                    "{label} called {} (junk score {s:.3}) [{kind}] {}",
                    if e.junk { "ON" } else { "OFF" },
                    printable(&e.record.text)
                )
            });
        for line in lines {
            if json {
                eprintln!("{line}");
            } else {
                outln!("{line}");
            }
        }
    }
    Ok(())
}

/// A tweet's text as one printable line: a line break as ` ⏎ `, other control
/// characters and the bidirectional controls and marks (which would garble or reverse
/// the terminal's line: embeddings, overrides, isolates, LRM/RLM, ALM) as `\u{..}`
/// escapes.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str(" ⏎ "),
            c if c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn an_error_line_shows_control_and_direction_characters_escaped() {
        assert_eq!(printable("a\nb"), "a ⏎ b");
        assert_eq!(
            printable("nul\0 here\u{202E}gnp.exe"),
            "nul\\u{0} here\\u{202e}gnp.exe"
        );
        assert_eq!(
            printable("mark\u{200F}s\u{200E}\u{61C}"),
            "mark\\u{200f}s\\u{200e}\\u{61c}"
        );
        assert_eq!(printable("plain #aws text 🙃"), "plain #aws text 🙃");
    }
}
