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
use tweetboard_aws::config::{vars, BoardConfig, ClassifierConfig, ConsumerConfig, Env, IngestConfig};
use tweetboard_core::attributes;
use tweetboard_integration_tests::*;

/// The expanded template as a stack with the default parameters would have it, or
/// `None` (after saying so) when `make infra-check` has not run.
fn expanded_template() -> Option<Value> {
    expanded_template_with(&[])
}

/// The expanded template as a stack with these parameter values (the others at their
/// defaults) would have it: see [`as_deployed`].
fn expanded_template_with(parameters: &[(&str, &str)]) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/infra/template.expanded.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(as_deployed(
            &serde_json::from_str(&text).expect("the expanded template is JSON"),
            parameters,
        )),
        // `make test` sets TWEETBOARD_INFRA_REQUIRED after expanding the template: there, a
        // missing expansion is a failure, not a skip.
        Err(e) if std::env::var_os("TWEETBOARD_INFRA_REQUIRED").is_some() => {
            panic!("{}: {e}; `make infra-check` writes it", path.display())
        }
        Err(_) => {
            eprintln!(
                "skipped: {} is missing; run `make infra-check` (make test runs it)",
                path.display()
            );
            None
        }
    }
}

/// What CloudFormation would deploy with these parameter values: each given value
/// becomes its parameter's default (so `Ref`s to it read it), every `Fn::If` is replaced
/// by the branch its condition picks, every `AWS::NoValue` is dropped, and so is every
/// resource whose `Condition` is false. The checks below then read grants and settings
/// as a real stack has them, not the union of all branches.
fn as_deployed(template: &Value, parameters: &[(&str, &str)]) -> Value {
    let mut template = template.clone();
    for (name, value) in parameters {
        let parameter = &mut template["Parameters"][*name];
        assert!(parameter.is_object(), "the template has no parameter {name}");
        parameter["Default"] = Value::String((*value).to_owned());
    }
    let conditions = template["Conditions"].clone();
    let holds = |name: &str| condition_holds(&template, &conditions[name]);
    let mut deployed = resolve_ifs(&template, &holds).expect("the template itself");
    if let Some(resources) = deployed["Resources"].as_object_mut() {
        resources.retain(|_, r| r["Condition"].as_str().is_none_or(&holds));
    }
    deployed
}

/// A parameter's value in a template whose defaults hold the values in force.
fn parameter_value(template: &Value, name: &str) -> String {
    match &template["Parameters"][name]["Default"] {
        Value::String(s) => s.clone(),
        Value::Null => panic!("the parameter {name} has no value"),
        other => other.to_string(),
    }
}

/// Evaluates a condition (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)
/// over parameters and literals; anything else is a gap in this evaluator and fails.
fn condition_holds(template: &Value, condition: &Value) -> bool {
    let operand = |v: &Value| -> String {
        match (v.as_str(), v["Ref"].as_str()) {
            (Some(literal), _) => literal.to_owned(),
            (None, Some(parameter)) => parameter_value(template, parameter),
            _ => panic!("cannot evaluate the operand {v}"),
        }
    };
    let all = |v: &Value| -> Vec<bool> {
        one_or_many(v)
            .into_iter()
            .map(|c| condition_holds(template, c))
            .collect()
    };
    if let Some(name) = condition["Condition"].as_str() {
        condition_holds(template, &template["Conditions"][name])
    } else if let Some([a, b]) = condition["Fn::Equals"].as_array().map(Vec::as_slice) {
        operand(a) == operand(b)
    } else if let Some([c]) = condition["Fn::Not"].as_array().map(Vec::as_slice) {
        !condition_holds(template, c)
    } else if condition.get("Fn::And").is_some() {
        all(&condition["Fn::And"]).into_iter().all(|b| b)
    } else if condition.get("Fn::Or").is_some() {
        all(&condition["Fn::Or"]).into_iter().any(|b| b)
    } else {
        panic!("cannot evaluate the condition {condition}")
    }
}

/// `value` with each `Fn::If` replaced by its chosen branch; `None` for `AWS::NoValue`,
/// which its containing object or array then leaves out.
fn resolve_ifs(template: &Value, holds: &dyn Fn(&str) -> bool) -> Option<Value> {
    match template {
        Value::Object(map) if map.len() == 1 && map.contains_key("Fn::If") => {
            let [condition, then, otherwise] = map["Fn::If"].as_array().map(Vec::as_slice)? else {
                panic!("a malformed Fn::If: {template}");
            };
            let name = condition.as_str().expect("Fn::If names a condition");
            resolve_ifs(if holds(name) { then } else { otherwise }, holds)
        }
        Value::Object(map) if map.len() == 1 && map.get("Ref").is_some_and(|r| r == "AWS::NoValue") => None,
        Value::Object(map) => Some(Value::Object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), resolve_ifs(v, holds)?)))
                .collect(),
        )),
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|v| resolve_ifs(v, holds)).collect(),
        )),
        other => Some(other.clone()),
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

/// A grant's resource as the stack would have it: [`reference`], with each parameter's
/// value in force put in place of a `Ref` to it or a `${Parameter}` in an `Fn::Sub`, so a
/// wildcard passed as a parameter value shows.
fn resource_in(template: &Value, v: &Value) -> String {
    if let Some(parameter) = v["Ref"]
        .as_str()
        .filter(|p| template["Parameters"][*p].is_object())
    {
        return parameter_value(template, parameter);
    }
    let mut resource = reference(v);
    if v.get("Fn::Sub").is_some() {
        for name in template["Parameters"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            resource = resource.replace(&format!("${{{name}}}"), &parameter_value(template, name));
        }
    }
    resource
}

/// The only trust a function's role may have: Lambda assumes it.
fn lambda_trust() -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "lambda.amazonaws.com" },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// Every `(action, resource)` pair a role's statements allow, after checking that the
/// role is assumed by Lambda only, holds nothing but inline policy objects (no managed
/// policies, no policy given as a JSON string the checks could not read), and that no
/// statement uses a wildcard (`*` or `?`, also through a parameter's value) or the
/// negated forms that widen by omission.
fn grants(template: &Value, role_name: &str, role: &Value) -> BTreeSet<(String, String)> {
    let properties = role["Properties"].as_object().expect("a role has Properties");
    let unexpected: Vec<_> = properties
        .keys()
        .filter(|k| !["AssumeRolePolicyDocument", "Policies"].contains(&k.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{role_name} sets {unexpected:?}: managed policies, boundaries and the like are not checked here"
    );
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"],
        lambda_trust(),
        "{role_name} may be assumed by Lambda only"
    );
    let mut pairs = BTreeSet::new();
    for policy in one_or_many(&role["Properties"]["Policies"]) {
        let statements = one_or_many(&policy["PolicyDocument"]["Statement"]);
        assert!(
            policy["PolicyDocument"].is_object() && !statements.is_empty(),
            "{role_name}: a policy document must be an object with statements: {policy}"
        );
        for statement in statements {
            assert_eq!(statement["Effect"], "Allow", "{role_name}: {statement}");
            for widening in ["NotAction", "NotResource", "NotPrincipal"] {
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
                    !action.contains(['*', '?']),
                    "{role_name} allows the wildcard action {action}"
                );
                for resource in &resources {
                    let resource = resource_in(template, resource);
                    assert!(
                        !resource.contains(['*', '?']),
                        "{role_name} allows {action} on the wildcard resource {resource}"
                    );
                    pairs.insert((action.to_owned(), resource));
                }
            }
        }
    }
    pairs
}

/// The grants of the role a function runs as.
fn function_grants(template: &Value, binary: &str) -> BTreeSet<(String, String)> {
    let (name, function) = function(template, binary);
    let role_ref = reference(&function["Properties"]["Role"]);
    let role_name = role_ref
        .strip_suffix(".Arn")
        .unwrap_or_else(|| panic!("{name}'s role is a role of this template, not {role_ref}"));
    grants(template, role_name, &resources(template)[role_name])
}

fn pairs(actions: &[&str], resources: &[&str]) -> BTreeSet<(String, String)> {
    actions
        .iter()
        .flat_map(|a| resources.iter().map(move |r| (a.to_string(), r.to_string())))
        .collect()
}

#[test]
fn no_role_in_the_template_uses_a_wildcard_action_or_resource() {
    // Every branch of the template's conditions, not only the defaults'.
    for parameters in PARAMETER_SETS {
        let Some(template) = expanded_template_with(parameters) else {
            return;
        };

        let roles: Vec<_> = resources(&template)
            .iter()
            .filter(|(_, r)| r["Type"].as_str().is_some_and(|t| t.starts_with("AWS::IAM::")))
            .collect();

        assert_eq!(roles.len(), 3, "one role per function and no other IAM resource");
        for (name, role) in roles {
            assert_eq!(role["Type"], "AWS::IAM::Role", "{name}");
            grants(&template, name, role);
        }
    }
}

/// A secret's ARN as Secrets Manager spells it (with its random suffix).
const SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-bearer-AbCdEf";

/// Parameter values that, between them, take every branch of the template's conditions.
const PARAMETER_SETS: &[&[(&str, &str)]] = &[
    &[],
    &[
        ("Classifier", "aml"),
        ("AmlModelId", "ml-Model42"),
        (
            "AmlPredictEndpoint",
            "https://realtime.machinelearning.us-east-1.amazonaws.com",
        ),
        ("StreamMode", "ON_DEMAND"),
        ("AlarmEmail", "ops@example.com"),
        ("XBearerTokenSecretArn", SECRET_ARN),
        ("PollScheduleEnabled", "true"),
        (
            "BoardCursorKey",
            "a-board-cursor-secret-of-32-characters-at-least",
        ),
    ],
    &[
        ("Classifier", "sagemaker"),
        ("SageMakerEndpointName", "tweet-topic"),
    ],
];

/// The one grant a remote classifier adds to the consumer, in a stack with `parameters`
/// (from [`PARAMETER_SETS`]): none for the embedded model.
fn classifier_grant(parameters: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    let value = |name: &str| parameters.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let arn = "arn:${AWS::Partition}";
    let at = "${AWS::Region}:${AWS::AccountId}";
    match value("Classifier") {
        Some("aml") => pairs(
            &["machinelearning:Predict"],
            &[&format!(
                "{arn}:machinelearning:{at}:mlmodel/{}",
                value("AmlModelId").unwrap()
            )],
        ),
        Some("sagemaker") => pairs(
            &["sagemaker:InvokeEndpoint"],
            &[&format!(
                "{arn}:sagemaker:{at}:endpoint/{}",
                value("SageMakerEndpointName").unwrap()
            )],
        ),
        _ => BTreeSet::new(),
    }
}

#[test]
fn every_condition_of_the_template_is_both_true_and_false_in_the_checked_parameter_sets() {
    // The grant and trigger checks run once per parameter set: a condition none of them
    // turns on (or off) would hide whatever its branch grants.
    let Some(template) = expanded_template() else {
        return;
    };
    for name in template["Conditions"].as_object().unwrap().keys() {
        let values: BTreeSet<bool> = PARAMETER_SETS
            .iter()
            .map(|parameters| {
                let deployed = expanded_template_with(parameters).unwrap();
                condition_holds(&deployed, &deployed["Conditions"][name])
            })
            .collect();
        assert_eq!(values.len(), 2, "{name} is always {values:?} in PARAMETER_SETS");
    }
}

#[test]
fn the_consumer_may_read_the_stream_write_both_tables_and_report_failures_only() {
    for parameters in PARAMETER_SETS {
        let Some(template) = expanded_template_with(parameters) else {
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
        // The board chart's hourly counters (issue 11).
        expected.extend(pairs(&["dynamodb:UpdateItem"], &["CountsTable.Arn"]));
        // BatchGetItem: the redelivery probe (crates/core/src/probe.rs), on the tweets only.
        expected.extend(pairs(&["dynamodb:BatchGetItem"], &["TweetsTable.Arn"]));
        expected.extend(pairs(&["sqs:SendMessage"], &["FailureQueue.Arn"]));
        expected.extend(pairs(
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            &["ConsumerLogGroup.Arn"],
        ));
        expected.extend(classifier_grant(parameters));

        assert_eq!(function_grants(&template, "consumer"), expected, "{parameters:?}");
    }
}

#[test]
fn ingest_may_only_put_records_and_the_board_may_only_query_its_index() {
    for parameters in PARAMETER_SETS {
        let Some(template) = expanded_template_with(parameters) else {
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
        if let Some((_, arn)) = parameters.iter().find(|(n, _)| *n == "XBearerTokenSecretArn") {
            ingest.extend(pairs(&["secretsmanager:GetSecretValue"], &[arn]));
        }
        assert_eq!(function_grants(&template, "ingest"), ingest, "{parameters:?}");

        let index = format!("${{TweetsTable.Arn}}/index/{}", attributes::tweets::BOARD_INDEX);
        let mut board = pairs(&["dynamodb:Query"], &[&index, "CountsTable.Arn"]);
        board.extend(pairs(
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            &["BoardLogGroup.Arn"],
        ));
        assert_eq!(function_grants(&template, "board"), board, "{parameters:?}");
    }
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
    for parameters in PARAMETER_SETS {
        let Some(template) = expanded_template_with(parameters) else {
            return;
        };
        let (consumer, _) = function(&template, "consumer");

        let mappings: Vec<_> = resources(&template)
            .values()
            .filter(|r| r["Type"] == "AWS::Lambda::EventSourceMapping")
            .collect();

        assert_eq!(
            mappings.len(),
            1,
            "only the consumer is triggered ({parameters:?})"
        );
        let m = &mappings[0]["Properties"];
        // Exactly these settings: no `Enabled: false`, no `FilterCriteria` (records it
        // filters out are dropped without reaching the on-failure queue), nothing else.
        let settings: BTreeSet<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            settings,
            BTreeSet::from([
                "BatchSize",
                "BisectBatchOnFunctionError",
                "DestinationConfig",
                "EventSourceArn",
                "FunctionName",
                "FunctionResponseTypes",
                "MaximumBatchingWindowInSeconds",
                "MaximumRecordAgeInSeconds",
                "MaximumRetryAttempts",
                "ParallelizationFactor",
                "StartingPosition",
            ]),
            "{parameters:?}"
        );
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
        assert_eq!(default_of(&template, &m["StartingPosition"]), "TRIM_HORIZON");
        // Retries end whatever a user sets, and a record given up on is still in the
        // stream for replay --from-failures to re-read (the queue holds positions, not
        // data): the parameters' bounds, not only their defaults.
        let bounds = |setting: &str| {
            let name = m[setting]["Ref"].as_str().unwrap();
            let p = &template["Parameters"][name];
            (number(&p["MinValue"]), number(&p["MaxValue"]))
        };
        assert!(
            bounds("MaximumRetryAttempts").0 >= 0,
            "retries are never infinite"
        );
        let retention_s =
            3600 * number(&resources(&template)["TweetStream"]["Properties"]["RetentionPeriodHours"]);
        let (min_age, max_age) = bounds("MaximumRecordAgeInSeconds");
        assert!(
            min_age >= 60 && max_age <= retention_s / 2,
            "records may be given up on at {min_age}..{max_age} s; Lambda's minimum is 60 and \
             half the retention ({}) the most that leaves time to replay them",
            retention_s / 2
        );
    }
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
    points_at(&consumer, vars::COUNTS_TABLE_NAME, "CountsTable");
    points_at(&board, vars::COUNTS_TABLE_NAME, "CountsTable");
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
        ("CountsTable", &env.names.counts_table, attributes::counts::DAY),
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
    // AND the topic they notify can receive them: CloudWatch cannot publish to a topic
    // under the AWS-managed SNS key.
    for (name, topic) in resources(&template)
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::SNS::Topic")
    {
        assert!(
            topic["Properties"]["KmsMasterKeyId"].is_null(),
            "{name}: alarms cannot publish to a topic under the AWS-managed key, and a \
             customer key needs a policy for CloudWatch this template does not have"
        );
    }
}

#[test]
fn the_classifier_parameter_adds_exactly_one_grant_on_the_one_model_or_endpoint() {
    let Some(embedded) = expanded_template() else {
        return;
    };
    let base = function_grants(&embedded, "consumer");
    let remote = |(action, _): &(String, String)| {
        action.starts_with("machinelearning:") || action.starts_with("sagemaker:")
    };
    assert!(
        !base.iter().any(remote),
        "the embedded model needs no grant: {base:?}"
    );
    assert_eq!(
        ConsumerConfig::from_lookup(&lookup(environment(&embedded, "consumer")))
            .unwrap()
            .classifier,
        ClassifierConfig::Embedded { model_path: None }
    );

    for (parameters, action, config) in [
        (
            vec![
                ("Classifier", "aml"),
                ("AmlModelId", "ml-Model42"),
                (
                    "AmlPredictEndpoint",
                    "https://realtime.machinelearning.us-east-1.amazonaws.com",
                ),
            ],
            "machinelearning:Predict",
            ClassifierConfig::AmazonMl {
                model_id: "ml-Model42".into(),
                predict_endpoint: "https://realtime.machinelearning.us-east-1.amazonaws.com".into(),
            },
        ),
        (
            vec![
                ("Classifier", "sagemaker"),
                ("SageMakerEndpointName", "tweet-topic"),
            ],
            "sagemaker:InvokeEndpoint",
            ClassifierConfig::SageMaker {
                endpoint_name: "tweet-topic".into(),
            },
        ),
    ] {
        // GIVEN a stack deployed with a remote classifier
        let template = expanded_template_with(&parameters).unwrap();

        // THEN its consumer gains exactly that one action on that one model or endpoint
        let grants = function_grants(&template, "consumer");
        let added: BTreeSet<_> = grants.difference(&base).cloned().collect();
        assert_eq!(added, classifier_grant(&parameters), "{parameters:?}");
        assert_eq!(added.len(), 1, "{parameters:?}");
        assert_eq!(added.iter().next().unwrap().0, action);
        assert!(base.is_subset(&grants), "{parameters:?} keeps the other grants");
        // AND its binary reads the classifier the stack was given
        let env = environment(&template, "consumer");
        let loaded = ConsumerConfig::from_lookup(&lookup(env)).expect("the consumer's config");
        assert_eq!(loaded.classifier, config, "{parameters:?}");
    }
}

#[test]
fn every_parameter_that_names_a_granted_resource_cannot_be_a_wildcard() {
    let Some(template) = expanded_template() else {
        return;
    };
    // GIVEN every parameter a grant's resource is built from, in any branch
    let mut named = BTreeSet::new();
    let deployed: Vec<Value> = PARAMETER_SETS
        .iter()
        .map(|parameters| expanded_template_with(parameters).unwrap())
        .collect();
    for role in deployed
        .iter()
        .flat_map(|t| resources(t).values())
        .filter(|r| r["Type"] == "AWS::IAM::Role")
    {
        for policy in one_or_many(&role["Properties"]["Policies"]) {
            for statement in one_or_many(&policy["PolicyDocument"]["Statement"]) {
                for resource in one_or_many(&statement["Resource"]) {
                    let text = resource.to_string();
                    for name in template["Parameters"].as_object().unwrap().keys() {
                        if text.contains(&format!("${{{name}}}")) || resource["Ref"] == name.as_str() {
                            named.insert(name.clone());
                        }
                    }
                }
            }
        }
    }
    assert!(
        !named.is_empty(),
        "the classifier's grants are built from parameters"
    );
    // THEN each has a pattern (CloudFormation anchors it) that refuses wildcards
    for name in named {
        let pattern = template["Parameters"][&name]["AllowedPattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} names a granted resource and has no AllowedPattern"));
        let pattern = regex::Regex::new(&format!("^(?:{pattern})$")).expect("a regular expression");
        for wildcard in ["*", "?", "ml-*", "tweet-?", "a/*", "a*b"] {
            assert!(
                !pattern.is_match(wildcard),
                "{name} accepts {wildcard:?}, which would widen its grant"
            );
        }
    }
}

#[test]
fn a_remote_classifier_without_its_model_or_endpoint_is_refused_by_the_templates_rules() {
    let Some(template) = expanded_template() else {
        return;
    };
    // The stack's Rules stop `aml` without a model and `sagemaker` without an endpoint
    // before anything is created (the functions would otherwise fail at cold start).
    let rules = template["Rules"].as_object().expect("the template has Rules");
    let asserted: BTreeMap<String, Vec<String>> = rules
        .values()
        .map(|rule| {
            let when = rule["RuleCondition"]["Fn::Equals"]
                .as_array()
                .expect("Fn::Equals");
            assert_eq!(when[0]["Ref"], "Classifier");
            let needs = one_or_many(&rule["Assertions"])
                .into_iter()
                .map(|a| {
                    let equals = &a["Assert"]["Fn::Not"][0]["Fn::Equals"];
                    assert_eq!(equals[1], "", "{a}: asserts a parameter is not empty");
                    equals[0]["Ref"].as_str().unwrap().to_owned()
                })
                .collect();
            (when[1].as_str().unwrap().to_owned(), needs)
        })
        .collect();
    assert_eq!(
        asserted,
        BTreeMap::from([
            (
                "aml".to_owned(),
                vec!["AmlModelId".to_owned(), "AmlPredictEndpoint".to_owned()]
            ),
            ("sagemaker".to_owned(), vec!["SageMakerEndpointName".to_owned()]),
        ])
    );
}

#[test]
fn both_tables_outlive_the_stack_so_a_teardown_keeps_the_quarantine() {
    let Some(template) = expanded_template() else {
        return;
    };
    for logical in ["TweetsTable", "QuarantineTable"] {
        let table = &resources(&template)[logical];
        assert_eq!(table["DeletionPolicy"], "Retain", "{logical}");
        assert_eq!(table["UpdateReplacePolicy"], "Retain", "{logical}");
    }
}

/// The dashboard's widgets as `(namespace/metric, dimension value)` pairs, read from
/// its body with every `${...}` of the `Fn::Sub` replaced by the name inside it.
fn dashboard_metrics(template: &Value) -> BTreeSet<(String, String)> {
    let dashboards: Vec<_> = resources(template)
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Dashboard")
        .collect();
    assert_eq!(dashboards.len(), 1, "one dashboard");
    let sub = &dashboards[0]["Properties"]["DashboardBody"]["Fn::Sub"];
    let (body, variables) = match sub {
        Value::String(body) => (body.as_str(), None),
        Value::Array(parts) => (parts[0].as_str().unwrap(), parts[1].as_object()),
        other => panic!("the body is an Fn::Sub, not {other}"),
    };
    let mut text = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("${") {
        let end = start + rest[start..].find('}').expect("a closed ${...}");
        let name = &rest[start + 2..end];
        let known = variables.is_some_and(|v| v.contains_key(name))
            || name.starts_with("AWS::")
            || !template["Parameters"][name].is_null()
            || resources(template).contains_key(name.split('.').next().unwrap());
        assert!(
            known,
            "the dashboard refers to {name}, which the template does not define"
        );
        text.push_str(&rest[..start]);
        // Numbers stay numbers in the JSON; names become strings' contents.
        text.push_str(if rest[..start].ends_with('"') { name } else { "0" });
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    let body: Value = serde_json::from_str(&text).expect("the dashboard body is JSON");
    one_or_many(&body["widgets"])
        .into_iter()
        .flat_map(|w| one_or_many(&w["properties"]["metrics"]))
        .map(|m| {
            let m = m.as_array().expect("a metric line");
            (
                format!("{}/{}", m[0].as_str().unwrap(), m[1].as_str().unwrap()),
                m[3].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_dashboard_shows_lag_writes_set_asides_duration_and_concurrency() {
    let Some(template) = expanded_template() else {
        return;
    };
    let (consumer, _) = function(&template, "consumer");
    let metrics = dashboard_metrics(&template);

    let namespace = tweetboard_aws::telemetry::METRICS_NAMESPACE;
    let mut expected: Vec<String> = [
        "IteratorAge",
        "Duration",
        "ConcurrentExecutions",
        "Errors",
        "Throttles",
    ]
    .iter()
    .map(|m| format!("AWS/Lambda/{m}"))
    .collect();
    expected.extend(
        [
            "WrittenOn",
            "WrittenOff",
            "Quarantined",
            "RetryReported",
            "Conflicts",
        ]
        .iter()
        .map(|m| format!("{namespace}/{m}")),
    );
    for metric in expected {
        assert!(
            metrics.contains(&(metric.clone(), consumer.to_owned())),
            "the dashboard has no {metric} of the consumer; it has {metrics:?}"
        );
    }
    // The EMF metrics it shows are ones the consumer emits.
    let emitted =
        tweetboard_aws::telemetry::batch_metrics_emf("f", &tweetboard_core::batch::BatchCounts::default(), 0)
            .to_string();
    for (metric, _) in metrics.iter().filter(|(m, _)| m.starts_with(namespace)) {
        let name = &metric[namespace.len() + 1..];
        assert!(
            emitted.contains(&format!("\"{name}\"")),
            "the dashboard shows {name}, which the consumer does not emit"
        );
    }
}

/// The template's data resources (stream, tables, queue) as a stack of their own, for an
/// emulator whose CloudFormation cannot create the functions, roles or alarms.
fn data_stack(template: &Value) -> Value {
    const DATA: [&str; 5] = [
        "TweetStream",
        "TweetsTable",
        "QuarantineTable",
        "CountsTable",
        "FailureQueue",
    ];
    let data: serde_json::Map<String, Value> = resources(template)
        .iter()
        .filter(|(name, _)| DATA.contains(&name.as_str()))
        .map(|(name, r)| {
            let mut r = r.clone();
            if r["Type"] == "AWS::DynamoDB::Table" {
                // moto stores this property as the parameter's string ("true"), which
                // DescribeTable then returns and the SDK rightly refuses to parse; AWS
                // converts it. A literal boolean keeps the emulator's answer valid (and
                // the test's tables deletable).
                r["Properties"]["DeletionProtectionEnabled"] = Value::Bool(false);
            }
            (name.clone(), r)
        })
        .collect();
    assert_eq!(data.len(), DATA.len(), "the template defines {DATA:?}");
    serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": template["Parameters"],
        "Resources": data,
    })
}

/// The function's environment with each `Ref` to a resource replaced by the name the
/// stack gave that resource.
fn environment_in_stack(
    template: &Value,
    binary: &str,
    physical: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    environment(template, binary)
        .into_iter()
        .map(|(var, value)| {
            let value = match value.strip_prefix("stack-") {
                Some(logical) => physical
                    .get(logical)
                    .unwrap_or_else(|| panic!("{var} names {logical}, which the stack lacks"))
                    .clone(),
                None => value,
            };
            (var, value)
        })
        .collect()
}

#[tokio::test]
async fn the_templates_tables_and_stream_deployed_on_the_emulator_run_the_pipeline() {
    let Some(template) = expanded_template() else {
        return;
    };
    let aws = tweetboard_aws::AwsClients::load().await.expect("AWS config");
    let cloudformation = aws_sdk_cloudformation::Client::new(&aws.sdk);

    // GIVEN the template's data resources created by CloudFormation (the emulator's)
    let stack = unique("stack");
    cloudformation
        .create_stack()
        .stack_name(&stack)
        .template_body(data_stack(&template).to_string())
        .send()
        .await
        .expect("CreateStack");
    let mut physical = BTreeMap::new();
    for _ in 0..100 {
        let described = cloudformation
            .describe_stacks()
            .stack_name(&stack)
            .send()
            .await
            .unwrap();
        let status = described.stacks()[0].stack_status().unwrap().as_str().to_owned();
        if status == "CREATE_COMPLETE" {
            let listed = cloudformation
                .describe_stack_resources()
                .stack_name(&stack)
                .send()
                .await
                .unwrap();
            for r in listed.stack_resources() {
                physical.insert(
                    r.logical_resource_id().unwrap().to_owned(),
                    r.physical_resource_id().unwrap().to_owned(),
                );
            }
            break;
        }
        assert!(status.ends_with("IN_PROGRESS"), "the stack ended {status}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(physical.len(), 5, "the stack's resources: {physical:?}");

    // AND each binary's configuration loaded from its function's environment in that stack
    let consumer_config =
        ConsumerConfig::from_lookup(&lookup(environment_in_stack(&template, "consumer", &physical)))
            .expect("the consumer's config");
    let ingest_config =
        IngestConfig::from_lookup(&lookup(environment_in_stack(&template, "ingest", &physical)))
            .expect("ingest's config");
    let board_config = BoardConfig::from_lookup(&lookup(environment_in_stack(&template, "board", &physical)))
        .expect("the board's config");

    // WHEN the consumer's cold-start check reads the tables the stack made
    tweetboard_aws::schema::check_consumer_tables(
        &aws.dynamo,
        &consumer_config.table_name,
        &consumer_config.quarantine_table_name,
    )
    .await
    .expect("the stack's tables are keyed as the consumer requires");

    // AND ingest puts tweets on the stack's stream, beside a record no decoder accepts
    let ingest = tweetboard_ingest::Ingest::new(std::sync::Arc::new(tweetboard_aws::KinesisPublisher::new(
        aws.kinesis.clone(),
        &ingest_config.stream_name,
    )));
    let ids: Vec<String> = (1..=6).map(big_id).collect();
    let tweets: Vec<Value> = ids
        .iter()
        .map(|id| v1_tweet(id, &format!("Lambda and DynamoDB, tweet {id} #aws")))
        .collect();
    let response = ingest
        .ingest(&serde_json::json!({ "tweets": tweets }))
        .await
        .expect("ingest");
    assert!(response.rejected.is_empty(), "{:?}", response.rejected);
    aws.kinesis
        .put_record()
        .stream_name(&ingest_config.stream_name)
        .partition_key("poison")
        .data(aws_sdk_kinesis::primitives::Blob::new(b"{not json".to_vec()))
        .send()
        .await
        .expect("PutRecord");

    // AND the consumer handles each shard's records as the event source mapping would
    let consumer = tweetboard_consumer::Consumer::from_config(&aws, &consumer_config).expect("the consumer");
    let reader = tweetboard_aws::KinesisReader::new(aws.kinesis.clone(), &ingest_config.stream_name);
    let stream_arn = reader.stream_arn().await.unwrap();
    let mut handled = 0;
    for shard in reader.list_shards().await.unwrap() {
        let records = read_shard(&reader, &shard.shard_id).await;
        handled += records.len();
        if records.is_empty() {
            continue;
        }
        let event = tweetboard_consumer::event::batch(
            records
                .into_iter()
                .map(|r| {
                    tweetboard_consumer::event::record(
                        &stream_arn,
                        &shard.shard_id,
                        &r.sequence_number,
                        &r.partition_key,
                        r.data,
                        r.arrived_at,
                    )
                })
                .collect(),
        );
        let response = consumer.handle(invocation(event)).await.expect("the batch");
        assert!(
            response.batch_item_failures.is_empty(),
            "{:?}",
            response.batch_item_failures
        );
    }
    assert_eq!(handled, 7, "every record reached a shard of the stack's stream");

    // THEN the board, over the stack's table and index, lists every tweet once
    let board = tweetboard_board::router(std::sync::Arc::new(tweetboard_aws::board::BoardReader::new(
        aws.dynamo.clone(),
        &board_config.table_name,
        &board_config.counts_table_name,
        board_config.cursor_key,
    )));
    let mut listed = Vec::new();
    for prediction in ["ON", "OFF"] {
        let uri = format!("/api/tweets?prediction={prediction}&limit=50");
        let response = tower::ServiceExt::oneshot(
            board.clone(),
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let page: Value = serde_json::from_slice(&body).unwrap();
        for item in page["items"].as_array().unwrap() {
            listed.push(item["tweet_id"].as_str().unwrap().to_owned());
        }
    }
    listed.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(listed, expected);
    // AND the poison record is in the stack's quarantine table, with its bytes
    let quarantined = aws
        .dynamo
        .scan()
        .table_name(&consumer_config.quarantine_table_name)
        .send()
        .await
        .unwrap();
    assert_eq!(quarantined.items().len(), 1, "{:?}", quarantined.items());
    // AND the failure queue the stack made is the one `replay --from-failures` is given
    let queue = &physical["FailureQueue"];
    let attributes = aws
        .sqs
        .get_queue_attributes()
        .queue_url(queue)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::MessageRetentionPeriod)
        .send()
        .await
        .expect("the stack's queue");
    assert_eq!(
        attributes.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::MessageRetentionPeriod],
        "1209600"
    );
}

/// What the stack may contain, by type: a resource of any other type (a nested stack, a
/// custom resource, a standalone IAM policy, a queue or stream policy, an API) fails.
const ALLOWED_TYPES: &[&str] = &[
    "AWS::Kinesis::Stream",
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Url",
    "AWS::Lambda::Permission",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    // The ingest function's poll schedule (issue 10).
    "AWS::Events::Rule",
];

#[test]
fn only_the_board_is_public_and_each_role_serves_one_of_the_three_binaries() {
    for parameters in PARAMETER_SETS {
        let Some(template) = expanded_template_with(parameters) else {
            return;
        };
        let all = resources(&template);
        for (name, r) in all {
            let kind = r["Type"].as_str().unwrap();
            assert!(
                ALLOWED_TYPES.contains(&kind),
                "{name} is a {kind} ({parameters:?})"
            );
        }
        let (board, board_function) = function(&template, "board");

        // Every function runs one of the three binaries, each as a role no other uses.
        let functions: Vec<_> = all
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::Lambda::Function")
            .collect();
        assert_eq!(functions.len(), 3, "{parameters:?}");
        let mut roles = BTreeSet::new();
        for binary in ["consumer", "ingest", "board"] {
            let (_, f) = function(&template, binary);
            assert!(
                roles.insert(reference(&f["Properties"]["Role"])),
                "{binary} shares a role"
            );
        }

        // One function URL, the board's: no auth (it is a public read-only page), no CORS
        // (the page and its API share the URL's origin).
        let urls: Vec<_> = all.values().filter(|r| r["Type"] == "AWS::Lambda::Url").collect();
        assert_eq!(urls.len(), 1, "{parameters:?}");
        assert_eq!(
            urls[0]["Properties"],
            serde_json::json!({"AuthType": "NONE", "TargetFunctionArn": {"Ref": board}})
        );
        // The only resource-based permissions are the two SAM adds for that URL, and the
        // one that lets the stack's own poll schedule (and nothing else) invoke ingest.
        let (ingest, _) = function(&template, "ingest");
        let schedules: Vec<_> = all
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::Events::Rule")
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(schedules.len(), 1, "{parameters:?}");
        let mut permissions: Vec<_> = all
            .values()
            .filter(|r| r["Type"] == "AWS::Lambda::Permission")
            .map(|r| r["Properties"].clone())
            .collect();
        permissions.sort_by_key(|p| p.to_string());
        let mut expected = vec![
            serde_json::json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": board},
                               "InvokedViaFunctionUrl": true, "Principal": "*"}),
            serde_json::json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": ingest},
                               "Principal": "events.amazonaws.com",
                               "SourceArn": {"Fn::GetAtt": [schedules[0], "Arn"]}}),
            serde_json::json!({"Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Ref": board},
                               "FunctionUrlAuthType": "NONE", "Principal": "*"}),
        ];
        expected.sort_by_key(|p| p.to_string());
        assert_eq!(permissions, expected, "{parameters:?}");
        // Its reserved concurrency is capped, so a flood of requests is throttled and can
        // never take what the consumer needs.
        let reserved = &board_function["Properties"]["ReservedConcurrentExecutions"];
        let parameter = &template["Parameters"][reserved["Ref"].as_str().expect("a parameter")];
        assert!(number(&parameter["MinValue"]) >= 1 && number(&parameter["MaxValue"]) <= 50);
        // No table carries a resource policy of its own.
        for (name, r) in all.iter().filter(|(_, r)| r["Type"] == "AWS::DynamoDB::Table") {
            assert!(r["Properties"]["ResourcePolicy"].is_null(), "{name}");
        }
    }
}

#[test]
fn data_at_rest_is_encrypted_and_both_tables_keep_point_in_time_recovery() {
    let Some(template) = expanded_template() else {
        return;
    };
    let all = resources(&template);
    for (name, r) in all.iter().filter(|(_, r)| r["Type"] == "AWS::DynamoDB::Table") {
        let p = &r["Properties"];
        assert_eq!(
            p["PointInTimeRecoverySpecification"],
            serde_json::json!({"PointInTimeRecoveryEnabled": true}),
            "{name}: PITR, with the default 35-day window"
        );
        assert_eq!(
            p["DeletionProtectionEnabled"]["Ref"], "TableDeletionProtection",
            "{name}"
        );
        assert_eq!(default_of(&template, &p["DeletionProtectionEnabled"]), "true");
    }
    assert_eq!(
        all["TweetStream"]["Properties"]["StreamEncryption"],
        serde_json::json!({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"})
    );
    for (name, r) in all.iter().filter(|(_, r)| r["Type"] == "AWS::SQS::Queue") {
        assert_eq!(r["Properties"]["SqsManagedSseEnabled"], true, "{name}");
    }
}

// --- Polling the X API (issue 10) ---

#[test]
fn ingest_polls_on_a_schedule_that_is_off_by_default_and_configured_only_with_a_token() {
    for (parameters, state) in [
        (&[][..], "DISABLED"),
        // On only with both: a switched-on schedule without a token would fail each run.
        (&[("PollScheduleEnabled", "true")][..], "DISABLED"),
        (&[("XBearerTokenSecretArn", SECRET_ARN)][..], "DISABLED"),
        (
            &[
                ("PollScheduleEnabled", "true"),
                ("XBearerTokenSecretArn", SECRET_ARN),
            ][..],
            "ENABLED",
        ),
    ] {
        let Some(template) = expanded_template_with(parameters) else {
            return;
        };
        // GIVEN the ingest function and its schedule
        let (name, _) = function(&template, "ingest");
        let rules: Vec<&Value> = resources(&template)
            .values()
            .filter(|r| r["Type"] == "AWS::Events::Rule")
            .collect();

        // THEN there is one, targeting ingest, enabled only when asked for with a token
        assert_eq!(rules.len(), 1, "one schedule ({parameters:?})");
        let targets = one_or_many(&rules[0]["Properties"]["Targets"]);
        assert_eq!(targets.len(), 1);
        assert_eq!(reference(&targets[0]["Arn"]), format!("{name}.Arn"));
        assert_eq!(rules[0]["Properties"]["State"], state, "{parameters:?}");

        // AND polling is configured, on the template's table and secret, exactly when a
        // token is given (without one, the function still starts, for direct requests)
        let has_secret = parameters.iter().any(|(n, _)| *n == "XBearerTokenSecretArn");
        let config =
            IngestConfig::from_lookup(&lookup(environment(&template, "ingest"))).expect("ingest's config");
        match config.poll {
            Some(poll) => {
                assert!(has_secret, "{parameters:?}");
                assert_eq!(poll.watermark_table, "stack-WatermarkTable");
            }
            None => assert!(!has_secret, "{parameters:?}: polling is not configured"),
        }
    }
}
