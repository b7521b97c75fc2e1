//! The SAM template (`infra/template.yaml`) against the code's contract. `make
//! infra-check` (part of `make test`) lints it and expands it with the SAM translator
//! into `target/infra/template.expanded.json`, the CloudFormation AWS would receive;
//! these tests read that file. Without it they are skipped with a message saying so.
//!
//! What they hold the template to: each function's IAM grants, exactly (a wider action
//! or resource fails); the consumer's trigger settings; PITR and keys of the tables,
//! compared with what `tweetboard init` creates; and that each binary's own config
//! loader accepts the environment its function is given.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;
use tweetboard_aws::config::{vars, BoardConfig, ConsumerConfig, Env, IngestConfig};
use tweetboard_core::attributes;
use tweetboard_integration_tests::*;

/// The expanded template, or `None` (after saying so) when `make infra-check` has not run.
fn expanded_template() -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/infra/template.expanded.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the expanded template is JSON")),
        Err(_) => {
            eprintln!(
                "skipped: {} is missing; run `make infra-check` (make test runs it)",
                path.display()
            );
            None
        }
    }
}

fn resources(template: &Value) -> &serde_json::Map<String, Value> {
    template["Resources"].as_object().expect("Resources")
}

/// The `AWS::Lambda::Function` built from `binary` (its SAM `BuildProperties`).
fn function<'a>(template: &'a Value, binary: &str) -> (&'a str, &'a Value) {
    let found: Vec<_> = resources(template)
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::Function")
        .filter(|(_, r)| r["Metadata"]["BuildProperties"]["Binary"] == binary)
        .collect();
    assert_eq!(found.len(), 1, "exactly one function runs the {binary} binary");
    (found[0].0.as_str(), found[0].1)
}

/// A resource reference as a readable string: `X.Arn` for `Fn::GetAtt`, the pattern of
/// an `Fn::Sub`, `Ref X`, or the literal. Anything else is spelled as its JSON.
fn reference(v: &Value) -> String {
    if let Some(s) = v.as_str() {
        return s.to_owned();
    }
    if let Some([name, attribute]) = v["Fn::GetAtt"].as_array().map(Vec::as_slice) {
        return format!("{}.{}", name.as_str().unwrap(), attribute.as_str().unwrap());
    }
    if let Some(s) = v["Fn::Sub"].as_str() {
        return s.to_owned();
    }
    if let Some(s) = v["Ref"].as_str() {
        return format!("Ref {s}");
    }
    v.to_string()
}

fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

/// Every `(action, resource)` pair a role's statements allow, after checking that no
/// statement uses a wildcard or the negated forms that widen by omission.
fn grants(role_name: &str, role: &Value) -> BTreeSet<(String, String)> {
    let managed = one_or_many(&role["Properties"]["ManagedPolicyArns"]);
    assert!(
        managed.is_empty(),
        "{role_name} attaches managed policies {managed:?}: they grant on every resource"
    );
    let mut pairs = BTreeSet::new();
    for policy in one_or_many(&role["Properties"]["Policies"]) {
        for statement in one_or_many(&policy["PolicyDocument"]["Statement"])
            .into_iter()
            .flat_map(conditional_branches)
        {
            assert_eq!(statement["Effect"], "Allow", "{role_name}: {statement}");
            for widening in ["NotAction", "NotResource"] {
                assert!(
                    statement.get(widening).is_none(),
                    "{role_name} uses {widening}: {statement}"
                );
            }
            let actions = one_or_many(&statement["Action"]);
            let resources = one_or_many(&statement["Resource"]);
            assert!(
                !actions.is_empty() && !resources.is_empty(),
                "{role_name}: {statement}"
            );
            for action in &actions {
                let action = action.as_str().expect("an action is a string");
                assert!(
                    !action.contains('*'),
                    "{role_name} allows the wildcard action {action}"
                );
                for resource in &resources {
                    let resource = reference(resource);
                    assert!(
                        !resource.contains('*'),
                        "{role_name} allows {action} on the wildcard resource {resource}"
                    );
                    pairs.insert((action.to_owned(), resource));
                }
            }
        }
    }
    pairs
}

/// A statement as it is, or both branches of an `Fn::If` (but `AWS::NoValue`): a
/// conditional grant is checked as if its condition held.
fn conditional_branches(statement: &Value) -> Vec<&Value> {
    match statement["Fn::If"].as_array().map(Vec::as_slice) {
        Some([_, yes, no]) => [yes, no]
            .into_iter()
            .filter(|b| b["Ref"] != "AWS::NoValue")
            .collect(),
        _ => vec![statement],
    }
}

/// The grants of the role a function runs as.
fn function_grants(template: &Value, binary: &str) -> BTreeSet<(String, String)> {
    let (name, function) = function(template, binary);
    let role_ref = reference(&function["Properties"]["Role"]);
    let role_name = role_ref
        .strip_suffix(".Arn")
        .unwrap_or_else(|| panic!("{name}'s role is a role of this template, not {role_ref}"));
    grants(role_name, &resources(template)[role_name])
}

fn pairs(actions: &[&str], resources: &[&str]) -> BTreeSet<(String, String)> {
    actions
        .iter()
        .flat_map(|a| resources.iter().map(move |r| (a.to_string(), r.to_string())))
        .collect()
}

#[test]
fn no_role_in_the_template_uses_a_wildcard_action_or_resource() {
    let Some(template) = expanded_template() else {
        return;
    };

    let roles: Vec<_> = resources(&template)
        .iter()
        .filter(|(_, r)| r["Type"].as_str().is_some_and(|t| t.starts_with("AWS::IAM::")))
        .collect();

    assert_eq!(roles.len(), 3, "one role per function and no other IAM resource");
    for (name, role) in roles {
        assert_eq!(role["Type"], "AWS::IAM::Role", "{name}");
        grants(name, role);
    }
}

#[test]
fn the_consumer_may_read_the_stream_write_both_tables_and_report_failures_only() {
    let Some(template) = expanded_template() else {
        return;
    };

    let mut expected = pairs(
        &[
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
        ],
        &["TweetStream.Arn"],
    );
    // DescribeTable: the cold-start key check of both tables (crates/aws/src/schema.rs).
    expected.extend(pairs(
        &["dynamodb:DescribeTable", "dynamodb:PutItem"],
        &["TweetsTable.Arn", "QuarantineTable.Arn"],
    ));
    expected.extend(pairs(&["sqs:SendMessage"], &["FailureQueue.Arn"]));
    expected.extend(pairs(
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &["ConsumerLogGroup.Arn"],
    ));

    assert_eq!(function_grants(&template, "consumer"), expected);
}

#[test]
fn ingest_may_only_put_records_and_the_board_may_only_query_its_index() {
    let Some(template) = expanded_template() else {
        return;
    };

    let mut ingest = pairs(&["kinesis:PutRecords"], &["TweetStream.Arn"]);
    ingest.extend(pairs(
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &["IngestLogGroup.Arn"],
    ));
    // Polling (issue 10): its watermark, and the token's secret (only when one is given).
    ingest.extend(pairs(
        &["dynamodb:GetItem", "dynamodb:UpdateItem"],
        &["WatermarkTable.Arn"],
    ));
    ingest.extend(pairs(
        &["secretsmanager:GetSecretValue"],
        &["Ref XBearerTokenSecretArn"],
    ));
    assert_eq!(function_grants(&template, "ingest"), ingest);

    let index = format!("${{TweetsTable.Arn}}/index/{}", attributes::tweets::BOARD_INDEX);
    let mut board = pairs(&["dynamodb:Query"], &[&index]);
    board.extend(pairs(
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &["BoardLogGroup.Arn"],
    ));
    assert_eq!(function_grants(&template, "board"), board);
}

/// A parameter's default, for settings given as `Ref` to a parameter.
fn default_of<'a>(template: &'a Value, setting: &Value) -> &'a Value {
    let name = setting["Ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{setting} is a parameter"));
    &template["Parameters"][name]["Default"]
}

fn number(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("{v} is a number"))
}

#[test]
fn the_consumer_is_triggered_with_partial_batch_failures_bisection_and_an_on_failure_queue() {
    let Some(template) = expanded_template() else {
        return;
    };
    let (consumer, _) = function(&template, "consumer");

    let mappings: Vec<_> = resources(&template)
        .values()
        .filter(|r| r["Type"] == "AWS::Lambda::EventSourceMapping")
        .collect();

    assert_eq!(mappings.len(), 1, "only the consumer is triggered");
    let m = &mappings[0]["Properties"];
    assert_eq!(reference(&m["FunctionName"]), format!("Ref {consumer}"));
    assert_eq!(reference(&m["EventSourceArn"]), "TweetStream.Arn");
    assert_eq!(
        m["FunctionResponseTypes"],
        serde_json::json!(["ReportBatchItemFailures"])
    );
    assert_eq!(m["BisectBatchOnFunctionError"], true);
    assert_eq!(
        reference(&m["DestinationConfig"]["OnFailure"]["Destination"]),
        "FailureQueue.Arn"
    );
    for setting in [
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "ParallelizationFactor",
        "StartingPosition",
    ] {
        assert!(
            !default_of(&template, &m[setting]).is_null(),
            "{setting} is a parameter with a default"
        );
    }
    // Retries end, and a record given up on is still in the stream for replay
    // --from-failures to re-read (the queue holds positions, not data).
    assert!(number(default_of(&template, &m["MaximumRetryAttempts"])) >= 0);
    let retention_s =
        3600 * number(&resources(&template)["TweetStream"]["Properties"]["RetentionPeriodHours"]);
    let max_age = number(default_of(&template, &m["MaximumRecordAgeInSeconds"]));
    assert!(
        (0..=retention_s / 2).contains(&max_age),
        "records are given up on at {max_age} s, half the retention at most"
    );
}

#[test]
fn the_consumer_deadline_margin_is_at_most_a_quarter_of_any_allowed_timeout() {
    let Some(template) = expanded_template() else {
        return;
    };
    let (_, consumer) = function(&template, "consumer");
    let properties = &consumer["Properties"];

    let timeout = properties["Timeout"]["Ref"].as_str().expect("a parameter");
    let shortest_s = number(&template["Parameters"][timeout]["MinValue"]);
    let margin_ms = number(&properties["Environment"]["Variables"][vars::DEADLINE_MARGIN_MS]);

    assert!(
        margin_ms * 4 <= shortest_s * 1000,
        "DEADLINE_MARGIN_MS {margin_ms} is more than a quarter of a {shortest_s} s timeout"
    );
}

/// The function's environment as the binary would see it: a `Ref` to a resource becomes
/// a valid resource name, a `Ref` to a parameter its default, a conditional value is
/// left unset (it is optional by construction).
fn environment(template: &Value, binary: &str) -> BTreeMap<String, String> {
    let (_, function) = function(template, binary);
    let variables = function["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap_or_else(|| panic!("the {binary} function has an environment"));
    variables
        .iter()
        .filter_map(|(name, value)| {
            let resolved = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                v if v.get("Fn::If").is_some() => return None,
                v => {
                    let target = v["Ref"].as_str().unwrap_or_else(|| panic!("{name}={v}"));
                    match &template["Parameters"][target]["Default"] {
                        Value::Null => format!("stack-{target}"),
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                }
            };
            Some((name.clone(), resolved))
        })
        .collect()
}

fn lookup(env: BTreeMap<String, String>) -> Env<impl Fn(&str) -> Option<String>> {
    Env(move |k: &str| env.get(k).cloned())
}

#[test]
fn each_function_has_every_variable_its_binary_reads_at_start_up() {
    let Some(template) = expanded_template() else {
        return;
    };

    // GIVEN each function's environment WHEN its binary's own config loader reads it
    let consumer = environment(&template, "consumer");
    let ingest = environment(&template, "ingest");
    let board = environment(&template, "board");

    // THEN it starts, and each name points at the resource it names
    ConsumerConfig::from_lookup(&lookup(consumer.clone())).expect("the consumer's config");
    IngestConfig::from_lookup(&lookup(ingest.clone())).expect("ingest's config");
    BoardConfig::from_lookup(&lookup(board.clone())).expect("the board's config");
    let points_at = |env: &BTreeMap<String, String>, var: &str, resource: &str| {
        assert_eq!(
            env.get(var).map(String::as_str),
            Some(format!("stack-{resource}").as_str()),
            "{var}"
        );
    };
    points_at(&consumer, vars::TABLE_NAME, "TweetsTable");
    points_at(&consumer, vars::QUARANTINE_TABLE_NAME, "QuarantineTable");
    points_at(&ingest, vars::STREAM_NAME, "TweetStream");
    points_at(&board, vars::TABLE_NAME, "TweetsTable");
}

/// A table's keys and indexes, in one comparable form: `(name, type, HASH|RANGE)` per
/// key, and per index its name, keys and projection.
type KeyPart = (String, String, String);
type Shape = (Vec<KeyPart>, Vec<(String, Vec<KeyPart>, String)>);

fn template_shape(table: &Value) -> Shape {
    let p = &table["Properties"];
    let types: BTreeMap<&str, &str> = one_or_many(&p["AttributeDefinitions"])
        .into_iter()
        .map(|d| {
            (
                d["AttributeName"].as_str().unwrap(),
                d["AttributeType"].as_str().unwrap(),
            )
        })
        .collect();
    let keys = |schema: &Value| -> Vec<KeyPart> {
        one_or_many(schema)
            .into_iter()
            .map(|k| {
                let name = k["AttributeName"].as_str().unwrap();
                let ty = types.get(name).unwrap_or_else(|| panic!("{name} has a type"));
                (
                    name.to_owned(),
                    ty.to_string(),
                    k["KeyType"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let indexes = one_or_many(&p["GlobalSecondaryIndexes"])
        .into_iter()
        .map(|i| {
            (
                i["IndexName"].as_str().unwrap().to_owned(),
                keys(&i["KeySchema"]),
                i["Projection"]["ProjectionType"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (keys(&p["KeySchema"]), indexes)
}

fn created_shape(table: &aws_sdk_dynamodb::types::TableDescription) -> Shape {
    let types: BTreeMap<&str, &str> = table
        .attribute_definitions()
        .iter()
        .map(|d| (d.attribute_name(), d.attribute_type().as_str()))
        .collect();
    let keys = |schema: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Vec<KeyPart> {
        schema
            .iter()
            .map(|k| {
                let name = k.attribute_name();
                (
                    name.to_owned(),
                    types[name].to_owned(),
                    k.key_type().as_str().to_owned(),
                )
            })
            .collect()
    };
    let indexes = table
        .global_secondary_indexes()
        .iter()
        .map(|i| {
            (
                i.index_name().unwrap().to_owned(),
                keys(i.key_schema()),
                i.projection()
                    .and_then(|p| p.projection_type())
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    (keys(table.key_schema()), indexes)
}

#[tokio::test]
async fn the_templates_tables_are_keyed_and_indexed_as_init_creates_them_with_pitr() {
    let Some(template) = expanded_template() else {
        return;
    };
    // GIVEN the tables `tweetboard init` creates (TestEnv runs it)
    let env = TestEnv::new("infra").await;

    for (logical, created, partition_key) in [
        ("TweetsTable", &env.names.table, attributes::tweets::TWEET_ID),
        (
            "QuarantineTable",
            &env.names.quarantine_table,
            attributes::quarantine::EVENT_ID,
        ),
        (
            "WatermarkTable",
            &env.names.watermark_table,
            attributes::watermarks::QUERY,
        ),
    ] {
        let table = &resources(&template)[logical];
        let described = env
            .aws
            .dynamo
            .describe_table()
            .table_name(created)
            .send()
            .await
            .unwrap();

        // THEN the template's table has the same keys and indexes, on-demand, with PITR
        let shape = template_shape(table);
        assert_eq!(shape, created_shape(described.table().unwrap()), "{logical}");
        assert_eq!(shape.0[0].0, partition_key, "{logical}");
        assert_eq!(table["Properties"]["BillingMode"], "PAY_PER_REQUEST", "{logical}");
        assert_eq!(
            table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
            "{logical}"
        );
    }
    let board_index = &template_shape(&resources(&template)["TweetsTable"]).1;
    assert_eq!(board_index.len(), 1);
    assert_eq!(board_index[0].0, attributes::tweets::BOARD_INDEX);
}

#[test]
fn the_consumer_is_alarmed_on_lag_errors_throttles_given_up_batches_and_its_own_metrics() {
    let Some(template) = expanded_template() else {
        return;
    };
    let (consumer, _) = function(&template, "consumer");
    let namespace = tweetboard_aws::telemetry::METRICS_NAMESPACE;

    // GIVEN every alarm that notifies someone
    let alarmed: BTreeSet<(String, String, String)> = resources(&template)
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|r| &r["Properties"])
        .filter(|p| !one_or_many(&p["AlarmActions"]).is_empty())
        .flat_map(|p| {
            one_or_many(&p["Dimensions"]).into_iter().map(move |d| {
                (
                    format!(
                        "{}/{}",
                        p["Namespace"].as_str().unwrap(),
                        p["MetricName"].as_str().unwrap()
                    ),
                    d["Name"].as_str().unwrap().to_owned(),
                    reference(&d["Value"]),
                )
            })
        })
        .collect();

    // THEN the consumer's lag, failures and own EMF metrics are among them
    let on_consumer =
        |metric: &str, dimension: &str| (metric.to_owned(), dimension.to_owned(), format!("Ref {consumer}"));
    let mut expected: Vec<_> = ["IteratorAge", "Errors", "Throttles"]
        .iter()
        .map(|m| on_consumer(&format!("AWS/Lambda/{m}"), "FunctionName"))
        .collect();
    expected.extend(
        ["Quarantined", "RetryReported", "Conflicts"]
            .iter()
            .map(|m| on_consumer(&format!("{namespace}/{m}"), "Function")),
    );
    expected.push((
        "AWS/SQS/ApproximateNumberOfMessagesVisible".into(),
        "QueueName".into(),
        "FailureQueue.QueueName".into(),
    ));
    for alarm in expected {
        assert!(
            alarmed.contains(&alarm),
            "no alarm on {alarm:?}; alarms: {alarmed:?}"
        );
    }
}

// --- Polling the X API (issue 10) ---

#[test]
fn ingest_polls_on_a_schedule_that_is_off_by_default_and_configured_only_with_a_token() {
    let Some(template) = expanded_template() else {
        return;
    };
    // GIVEN the ingest function and its schedule
    let (name, ingest) = function(&template, "ingest");
    let rules: Vec<&Value> = resources(&template)
        .values()
        .filter(|r| r["Type"] == "AWS::Events::Rule")
        .filter(|r| {
            one_or_many(&r["Properties"]["Targets"])
                .iter()
                .any(|t| reference(&t["Arn"]) == format!("{name}.Arn"))
        })
        .collect();

    // THEN there is one, disabled unless its parameter (off by default) turns it on
    assert_eq!(rules.len(), 1, "one schedule targets {name}");
    let state = &rules[0]["Properties"]["State"]["Fn::If"];
    assert_eq!(state[1], "ENABLED");
    assert_eq!(state[2], "DISABLED");
    assert_eq!(template["Parameters"]["PollScheduleEnabled"]["Default"], "false");

    // AND with a secret given, the environment configures polling on the template's table
    let variables = ingest["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap();
    let mut env = environment(&template, "ingest");
    for var in [vars::WATERMARK_TABLE_NAME, vars::X_BEARER_TOKEN_SECRET_ARN] {
        let branch = &variables[var]["Fn::If"][1];
        env.insert(
            var.to_owned(),
            format!("stack-{}", branch["Ref"].as_str().unwrap()),
        );
    }
    let poll = IngestConfig::from_lookup(&lookup(env))
        .expect("ingest's config with polling")
        .poll
        .expect("polling configured");
    assert_eq!(poll.watermark_table, "stack-WatermarkTable");
    // AND without one, it is not configured (and the function still starts)
    let poll = IngestConfig::from_lookup(&lookup(environment(&template, "ingest")))
        .unwrap()
        .poll;
    assert_eq!(poll, None);
}
