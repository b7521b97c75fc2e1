//! The `tweetboard` binary as a user meets it: help, errors, train and evaluate, and
//! (against the emulator, when AWS_ENDPOINT_URL is set) what its logs look like.

use std::process::Command;

fn tweetboard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tweetboard"))
        .args(args)
        .env_remove("STREAM_NAME")
        .env_remove("TABLE_NAME")
        .env_remove("QUARANTINE_TABLE_NAME")
        .output()
        .expect("the binary runs")
}

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn every_command_has_help() {
    for cmd in [
        "init",
        "ingest",
        "pump",
        "replay",
        "quarantine",
        "quarantine list",
        "quarantine show",
        "quarantine retry",
        "serve",
        "train",
        "evaluate",
        "predict-server",
    ] {
        let mut args: Vec<&str> = cmd.split(' ').collect();
        args.push("--help");
        let out = tweetboard(&args);
        assert!(out.status.success(), "{cmd} --help");
        assert!(text(&out).contains("Usage: tweetboard"), "{cmd}");
    }
    assert!(text(&tweetboard(&["--help"])).contains("pump"));
}

#[test]
fn missing_configuration_is_a_clear_error() {
    let out = tweetboard(&["ingest"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("STREAM_NAME is not set"), "{}", text(&out));
}

#[test]
fn bad_arguments_are_refused() {
    let out = tweetboard(&["replay", "--from", "yesterday"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("RFC 3339"), "{}", text(&out));
    let out = tweetboard(&["quarantine", "retry"]);
    assert!(!out.status.success(), "an event id or --all is required");
    let out = tweetboard(&["pump", "--batch-size", "20000"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--batch-size"), "{}", text(&out));
}

#[test]
fn train_then_evaluate_a_small_data_set() {
    // GIVEN a scratch directory holding a CSV of 60 on-topic and 60 junk tweets
    let dir = std::env::temp_dir().join(format!("tweetboard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("small.csv");
    let mut csv = String::from("text,user,followers,label\n");
    for i in 0..60 {
        csv += &format!("Lambda and DynamoDB tip {i} #aws,dev{i},100,ON\n");
        csv += &format!("GIVEAWAY win free crypto {i} #aws,win{i},3,OFF\n");
    }
    std::fs::write(&data, csv).unwrap();
    let model = dir.join("model.json");

    // WHEN `tweetboard train` trains a model on it for five epochs
    let out = tweetboard(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--epochs",
        "5",
    ]);

    // THEN it succeeds and prints the model's accuracy, precision, recall, F1 and ROC AUC
    assert!(out.status.success(), "{}", text(&out));
    for metric in ["accuracy", "precision", "recall", "f1", "roc_auc"] {
        assert!(text(&out).contains(metric), "{metric}: {}", text(&out));
    }

    // AND `evaluate --json` of that model on the same data counts 120 examples and more
    // than 90% accuracy
    let out = tweetboard(&[
        "evaluate",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let metrics: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(metrics["examples"], 120);
    assert!(metrics["accuracy"].as_f64().unwrap() > 0.9);

    // AND `evaluate` given the CSV as its model fails, saying it is not a valid model
    let out = tweetboard(&[
        "evaluate",
        "--model",
        data.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("not a valid model document"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn evaluate_prints_the_confusion_matrix_and_accuracy_per_kind() {
    // GIVEN a labeled CSV with a kind column: two AWS tweets and two ordinary ones
    let dir = std::env::temp_dir().join(format!("tweetboard-cli-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("kinds.csv");
    std::fs::write(
        &data,
        "text,label,kind\n\
         DynamoDB streams into Lambda for our audit log #aws,ON,aws/ops\n\
         CloudFormation drift detection caught a console change #aws,ON,aws/ops\n\
         what a match tonight #aws,OFF,ordinary-tagged/sports\n\
         new puppy and no sleep,OFF,ordinary/personal\n",
    )
    .unwrap();

    // WHEN `tweetboard evaluate` scores it with the compiled-in model
    let out = tweetboard(&["evaluate", "--data", data.to_str().unwrap()]);
    let json = tweetboard(&["evaluate", "--data", data.to_str().unwrap(), "--json"]);

    // THEN it prints the confusion matrix and a line per group and per kind
    assert!(out.status.success(), "{}", text(&out));
    for expected in [
        "confusion matrix",
        "actually ON",
        "actually OFF",
        "aws/ops",
        "ordinary-tagged",
        // AND it says which class precision and recall are of, and gives ON's recall
        "recall     ",
        "(of OFF",
        "ON recall  ",
    ] {
        assert!(text(&out).contains(expected), "{expected}: {}", text(&out));
    }
    // AND the JSON keeps the metrics at the top level beside the matrix and the kinds
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["examples"], 4);
    let c = &v["confusion"];
    let total: u64 = ["on_called_on", "on_called_off", "off_called_on", "off_called_off"]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 4);
    assert_eq!(v["kinds"].as_array().unwrap().len(), 3);
    assert_eq!(v["groups"].as_array().unwrap().len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_to_a_closed_pipe_ends_quietly_instead_of_panicking() {
    // GIVEN a pipe whose reader is already gone, as after `tweetboard evaluate | head`
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../classifier/data/dev-handwritten.csv"
    );

    // WHEN `tweetboard evaluate` writes its report into it
    let out = Command::new(env!("CARGO_BIN_EXE_tweetboard"))
        .args(["evaluate", "--show-errors", "--data", data])
        .stdout(writer)
        .output()
        .expect("the binary runs");

    // THEN it ends with success and without a panic or an error message
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
}

/// Runs the binary against the emulator, on this test's own stream and tables.
fn against_emulator(prefix: &str, args: &[&str], rust_log: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tweetboard"));
    cmd.args(args)
        .env("STREAM_NAME", format!("{prefix}-stream"))
        .env("TABLE_NAME", format!("{prefix}-tweets"))
        .env("QUARANTINE_TABLE_NAME", format!("{prefix}-quarantine"))
        .env_remove("CHECKPOINT_TABLE_NAME")
        .env_remove("NO_COLOR");
    match rust_log {
        Some(filter) => cmd.env("RUST_LOG", filter),
        None => cmd.env_remove("RUST_LOG"),
    };
    // stdout and stderr are pipes here, as in a script or a CI job.
    let out = cmd.output().expect("the binary runs");
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    out
}

#[test]
fn pump_and_replay_keep_captured_logs_free_of_colour_codes_and_per_batch_lines() {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        eprintln!("skipped: needs the emulator (tests/with-emulator.sh cargo nextest run -p tweetboard-cli)");
        return;
    }
    // GIVEN the shipped samples on a fresh stream
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("cli-logs-{}-{nanos}", std::process::id());
    against_emulator(&prefix, &["init", "--shards", "1"], None);
    against_emulator(&prefix, &["ingest"], None);

    // WHEN the pump drains it and a replay reads it again, their stderr captured
    let pump = against_emulator(&prefix, &["pump", "--until-idle"], None);
    let replay = against_emulator(&prefix, &["replay"], None);
    // AND a replay asked for INFO logs
    let verbose = against_emulator(&prefix, &["replay"], Some("info"));

    // THEN the default output is the summary, with no per-batch log lines
    for (what, out) in [("pump", &pump), ("replay", &replay)] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("batch_processed"), "{what}: {stderr}");
        assert!(!stderr.contains('\x1b'), "{what}: {stderr:?}");
        assert!(!text(out).is_empty(), "{what} prints its summary");
    }
    assert!(String::from_utf8_lossy(&pump.stdout).contains("pump summary"));
    assert!(String::from_utf8_lossy(&replay.stdout).contains("replay of"));
    // AND RUST_LOG brings the per-batch lines back, uncoloured on a pipe
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(stderr.contains("batch_processed"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}
