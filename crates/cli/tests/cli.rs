//! The `tweetboard` binary as a user meets it: help, errors, train and evaluate.

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

    let out = tweetboard(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--epochs",
        "5",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    for metric in ["accuracy", "precision", "recall", "f1", "roc_auc"] {
        assert!(text(&out).contains(metric), "{metric}: {}", text(&out));
    }

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
