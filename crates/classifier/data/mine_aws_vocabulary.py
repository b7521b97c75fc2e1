#!/usr/bin/env python3
"""Writes ../lexicons/aws-mined.txt: AWS vocabulary mined from the AWS SDK's own service
models (PyPI `botocore`, Apache-2.0), filtered against an English word-frequency list
(PyPI `wordfreq`) so that ordinary words count only in AWS context.

Neither package is a dependency of tweetboard: install both into a throwaway venv, run
this once, commit its output.

    python3 -m venv /tmp/mine && /tmp/mine/bin/pip install botocore==1.44.8 wordfreq==3.1.1
    /tmp/mine/bin/python mine_aws_vocabulary.py > ../lexicons/aws-mined.txt

What is mined, and how each kind of name is filtered (the recipe's markers are
explained in aws-evidence.txt's header):
- service names (`serviceFullName`, `serviceAbbreviation` of every service model, less
  their `AWS`/`Amazon` prefix and cut to their first three words): a name of two or three
  words counts alone (2 if a word of it is not common English, 1 if all are,
  `Application Migration Service`); a one-word name counts alone (2) when it is not
  common English and rare on the web as a whole (`sagemaker`, not `kafka`); any other
  (`Connect`, `Backup`, `Batch`) counts only as written with its prefix, `aws
  backup`, `amazon connect` (2);
- endpoint prefixes that are long, not English and not already a name (`elasticmapreduce`);
- the region table (`endpoints.json`, partition `aws`): each code as the tokenizer splits
  it (`ap southeast <num>`), its short availability-zone-id form (`use1`, `apne1`, the
  form AWS uses in AZ ids and many people in resource names), and the place in its
  description: `N. Virginia` (2, the abbreviation is AWS's), a city or country beside the
  word `aws` (marker `aws`), or before `region` (`tokyo region`, 1);
- EC2 instance types (the `InstanceType` enum of the EC2 model): each family with a
  letter after its generation (`m6i`, `c7g`, `g4dn`: 2), a plain family (`t3`, `m5`: a
  car, a hormone, a motorway too: `ctx`, 1), a plain family with its size (`t3 micro`: 2)
  and the sizes (`xlarge`, `2xlarge`: 2), so `c7g.2xlarge` is two entries;
- resources named by the API: the noun phrase of an operation after its verb
  (`PutBucketPublicAccessBlock` → `bucket public access block`), kept when three or more
  operations act on it (a thing AWS has, not a one-off action), cut to its last two or
  three words, and kept only when three words long or when a word of it is not common
  English (`public access block` 1, `hosted zone` no: both words common, and two common
  words are too often ordinary speech); error names the same way
  (`ProvisionedThroughputExceededException` → `provisioned throughput exceeded`);
- error names as people paste them (fifth round): every exception shape's name as one
  lowercase token (`provisionedthroughputexceededexception`, `throttlingexception`), as
  a stack trace or a log line shows it and as the tokenizer reads it. A CamelCase name
  ending in Exception or Fault is code, not speech, so none needs the English filter;
  a name that five or more services share (`ValidationException`,
  `AccessDeniedException`, which other frameworks throw too) counts 1, the others 2.
  Kept: the names two or more services share, and all of the services most tweeted
  about (`CORE_SERVICES`); the other 2,000-odd one-service names would double the
  lexicon for errors nobody pastes. Names the Java standard library throws too
  (`JAVA_EXCEPTIONS`: `ConcurrentModificationException`) are left out. Each is mined
  without its `Exception` too when two or more words are left, the form of an error
  code (`ProvisionedThroughputExceeded`, `ConditionalCheckFailed`).

Names of open-source projects AWS runs as managed services (`OTHER_PROJECTS`: Kafka,
Grafana, Airflow, ...) are left out: tweets about them are as often about running them
anywhere. Entries the hand-written lexicon (aws-evidence.txt) already has are left out, so its
strengths and markers win. Each line ends with a comment `# kind: display name`, which
generate_dataset.py reads to use the names in generated tweets.
"""
import gzip
import importlib.metadata
import json
import os
import re
import sys
from collections import defaultdict

import botocore
import wordfreq

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
HERE = os.path.dirname(os.path.abspath(__file__))
HAND = os.path.join(HERE, "..", "lexicons", "aws-evidence.txt")

# Common English: the 30,000 most frequent words by wordfreq (tweets, subtitles, news,
# Wikipedia and more). A word among them is ordinary speech first.
COMMON = set(wordfreq.top_n_list("en", 30000))
STOP = {"and", "for", "of", "the", "to", "in", "on", "with", "a", "by", "from", "as", "an", "or"}
VERBS = {"get", "put", "create", "delete", "describe", "list", "update", "start", "stop", "batch",
         "modify", "register", "deregister", "associate", "disassociate", "enable", "disable",
         "attach", "detach", "add", "remove", "tag", "untag", "cancel", "accept", "reject",
         "import", "export", "reset", "restore", "search", "send", "set", "test", "validate",
         "copy", "run", "invoke", "query", "upload", "download", "purge", "apply", "execute"}
# Generic words an operation or error can end with that name no thing of AWS's.
GENERIC_TAIL = {"exception", "fault", "error", "request", "requests", "response", "result",
                "results", "input", "output", "details", "detail", "summary", "summaries",
                "status", "info", "list", "item", "items"}


# Open-source projects AWS runs as managed services: their names are not AWS's, and
# tweets about them are as often about running them anywhere.
OTHER_PROJECTS = {"kafka", "grafana", "prometheus", "airflow", "flink", "cassandra", "redis",
                  "memcached", "elasticsearch", "activemq", "rabbitmq", "mwaa"}

# Words of the errors any web API returns (thirteenth round, the attacker's review of the
# twelfth): the HTTP status phrases (RFC 9110: `range not satisfiable`, `unprocessable
# entity`, `precondition failed`) and what every API says of a request (`access denied`,
# `already exists`, `idempotency conflict`, `webhook not found`, `callback timeout`). An
# error made only of them names nothing of AWS's: Django, Stripe, Vercel and Firebase
# return the same. See `generic_error`.
HTTP_STATUS_WORDS = set("""bad request unauthorized payment required forbidden not found method
allowed acceptable proxy authentication timeout conflict gone length precondition failed content
too large payload uri long unsupported media type range satisfiable expectation misdirected
unprocessable entity locked dependency early upgrade many requests header fields unavailable legal
reasons internal server error implemented gateway service version supported variant negotiates
insufficient storage loop detected extended network""".split())
API_ERROR_WORDS = set("""access denied already exists idempotency idempotent conflict retryable
mismatch parameter parameters webhook callback invalid limit exceeded throttled throttling expired
token validation malformed duplicate in use progress resource unknown temporarily concurrent
modification operation aborted client rate quota argument value state missing no such timed out
failure permission permissions conditional""".split())


# The services whose own error names (defined by no other service) are mined too: the
# ones most tweeted about, whose errors people paste.
CORE_SERVICES = {"dynamodb", "s3", "lambda", "sqs", "sns", "kinesis", "iam", "sts", "ec2",
                 "cloudformation", "ecs", "eks", "apigateway", "stepfunctions", "secretsmanager",
                 "kms", "rds", "events", "logs", "cloudwatch", "ssm", "bedrock-runtime"}
# Exception names the Java standard library throws as well.
JAVA_EXCEPTIONS = {"UnsupportedOperationException", "ConcurrentModificationException",
                   "IllegalArgumentException", "IllegalStateException", "TimeoutException",
                   "NullPointerException", "IndexOutOfBoundsException", "SecurityException"}


def tokens(text):
    """The recipe's tokenizer for Latin text: lower case, runs of letters, digits, `_`
    and `'`; a run of digits alone is `<num>`."""
    out = []
    for raw in re.split(r"[^0-9a-z_']+", text.lower()):
        raw = raw.strip("'")
        if raw:
            out.append("<num>" if raw.isdigit() else raw)
    return out


def camel_words(name):
    return [w.lower() for w in re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+", name)]


def common(word):
    return word in COMMON or len(word) <= 3


def generic(word):
    """A word of ordinary speech or of software in general: common English, or seen on the
    web at least once in a million words or so (Zipf 2.0: `endpoint`, `callback`,
    `decryption`, `deprecated`, `crawler`). A phrase made only of such words (`endpoint not
    found`, `callback timeout`, `paris region`) is as often a Flask app's, a Kafka
    producer's or a travel agent's as AWS's (the attacker's review of the tenth round), so
    it is mined `ctx`: it counts only after `aws`/`amazon` or beside other evidence."""
    return common(word) or wordfreq.zipf_frequency(word, "en") >= 2.0


def phrase_marker(words):
    return "ctx" if all(generic(w) for w in words) else ""


def generic_error(words):
    """An error whose every word is an HTTP status phrase's or any API's (see
    `HTTP_STATUS_WORDS`): a phrase of them is dropped (it is speech: "webhook not found"
    counted alone showed a Stripe tweet), a pasted name of them (`AccessDeniedException`)
    is mined `ctx`: it says AWS only beside AWS context."""
    return bool(words) and all(w in HTTP_STATUS_WORDS or w in API_ERROR_WORDS for w in words)


def rare(word):
    """A word that names nothing but the AWS thing: not common English, and rare on the
    web as a whole (a Zipf frequency under 2, about once in ten million words), which
    also keeps out other projects' names that AWS services carry (`kafka`, `grafana`)
    and words of software in general (`config`, `scheduler`)."""
    return not common(word) and wordfreq.zipf_frequency(word, "en") < 2.0


def hand_entries():
    entries = set()
    for line in open(HAND, encoding="utf-8"):
        line = line.split("#")[0].split()
        while line and (line[-1] in ("ctx", "aws") or line[-1].isdigit()):
            line.pop()
        if line:
            entries.add(" ".join(line))
    return entries


def service_models():
    for svc in sorted(os.listdir(DATA)):
        if not os.path.isdir(os.path.join(DATA, svc)):
            continue
        versions = sorted(d for d in os.listdir(os.path.join(DATA, svc))
                          if os.path.isfile(os.path.join(DATA, svc, d, "service-2.json.gz")))
        if versions:
            with gzip.open(os.path.join(DATA, svc, versions[-1], "service-2.json.gz")) as f:
                yield svc, json.load(f)


def main():
    hand = hand_entries()
    out = {}  # entry -> (strength, marker, kind, display)

    def add(entry_tokens, strength, marker, kind, display):
        if not 1 <= len(entry_tokens) <= 3 or entry_tokens[0] == "<num>":
            return
        if any(t in OTHER_PROJECTS for t in entry_tokens):
            return
        entry = " ".join(entry_tokens)
        if entry in hand or entry in out:
            return
        out[entry] = (strength, marker, kind, display)

    def add_name(name, kind):
        name = re.sub(r"\(.*?\)", " ", name).strip()
        words = name.split()
        prefix = None
        while words and words[0].lower() in ("aws", "amazon", "amazonmwaa"):
            prefix = words.pop(0).lower()
        toks = tokens(" ".join(words))
        if not toks:
            return
        display = " ".join(words)
        if len(toks) > 3:
            toks = toks[:3]
            while toks and toks[-1] in STOP:
                toks.pop()
            display = None
        if len(toks) == 1:
            (t,) = toks
            if rare(t) and t.isalpha():
                add([t], 2, "", kind, display or t)
            if t in hand:
                return
            # As people write it: `AWS Backup`, `Amazon Connect`.
            for p in [prefix or "aws"] + (["aws", "amazon"] if prefix else []):
                add([p, t], 2, "", kind, f"{'AWS' if p == 'aws' else 'Amazon'} {display or t}")
        elif any(t in STOP for t in toks[:1] + toks[-1:]):
            return
        else:
            # A name of common words only (`identity and access`, `backup search`) is
            # ordinary speech too: `ctx` (eleventh round; it counted alone before).
            ordinary = all(common(t) for t in toks)
            add(toks, 1 if ordinary else 2, "ctx" if ordinary else "", kind, display or " ".join(toks))

    resources = defaultdict(set)  # noun phrase -> verbs seen with it
    exceptions = defaultdict(set)  # exception shape name -> services that define it
    instance_types = set()
    for svc, model in service_models():
        meta = model.get("metadata", {})
        for key in ("serviceFullName", "serviceAbbreviation"):
            if meta.get(key):
                add_name(meta[key], "service")
        prefix = meta.get("endpointPrefix", "")
        if prefix.isalpha() and len(prefix) >= 6 and rare(prefix):
            add([prefix], 2, "", "service", prefix)
        for op in model.get("operations", {}):
            words = camel_words(op)
            if len(words) >= 3 and words[0] in VERBS:
                resources[tuple(words[1:])].add(words[0])
        for name, shape in model.get("shapes", {}).items():
            if shape.get("exception"):
                if re.fullmatch(r"[A-Z][A-Za-z0-9]*(Exception|Fault)", name):
                    exceptions[name].add(svc)
                words = camel_words(name)
                while words and words[-1] in GENERIC_TAIL:
                    words.pop()
                if 2 <= len(words) <= 3 and not all(common(w) for w in words) and not generic_error(words):
                    add(words, 1, phrase_marker(words), "error", " ".join(words))
            if svc == "ec2" and name == "InstanceType":
                instance_types.update(shape.get("enum", []))

    for name, services in sorted(exceptions.items()):
        keep = len(services) >= 2 or services & CORE_SERVICES
        if keep and len(camel_words(name)) >= 2 and name not in JAVA_EXCEPTIONS:
            strength = 1 if len(services) >= 5 else 2
            code = re.sub(r"(Exception|Fault)$", "", name)
            words = camel_words(code)
            while words and words[-1] in GENERIC_TAIL:
                words.pop()
            marker = "ctx" if generic_error(words) else ""
            add([name.lower()], strength, marker, "error-name", name)
            if len(camel_words(code)) >= 2:
                add([code.lower()], strength, marker, "error-name", code)

    for phrase, verbs in sorted(resources.items()):
        if len(verbs) < 3:
            continue
        words = [w for w in phrase if w.isalpha()]
        while words and words[-1] in GENERIC_TAIL:
            words.pop()
        for n in (3, 2):
            tail = words[-n:]
            if len(tail) != n or any(w in STOP or w in VERBS for w in tail):
                continue
            if n == 3 or not all(common(w) for w in tail):
                add(tail, 1, phrase_marker(tail), "resource", " ".join(tail))
                break

    with open(os.path.join(DATA, "endpoints.json")) as f:
        partitions = json.load(f)["partitions"]
    for partition in partitions:
        if partition["partition"] != "aws":
            continue
        for code, region in sorted(partition["regions"].items()):
            add(tokens(code), 2, "", "region", code)
            # The AZ-id form: us-east-1 -> use1, ap-northeast-1 -> apne1, eu-central-1 -> euc1.
            area, direction, number = code.split("-")
            short = area + "".join(part[0] for part in re.findall(r"north|south|east|west|central", direction)) + number
            add([short], 2, "", "region", short)
            place = re.search(r"\((.*)\)", region.get("description", ""))
            if not place:
                continue
            place = place.group(1)
            toks = tokens(place)
            # `N. Virginia` and `Paris region` are also the state and the area around the
            # city (`N Virginia wins the state title`, `flights to the Paris region`): `ctx`.
            if toks[0] == "n":
                add(toks, 2, "ctx", "region", place)
                toks, place = toks[1:], place.split()[-1]
            if toks == ["central"]:
                continue
            add(toks, 1, "aws", "region", place)
            add(toks + ["region"], 1, "ctx", "region", place + " region")

    families = defaultdict(set)
    for it in instance_types:
        family, size = it.split(".", 1)
        families[family].add(size)
    for family in sorted(families):
        fam = tokens(family)  # `m7i-flex` is two tokens
        distinctive = re.fullmatch(r"[a-z]+\d+[a-z]+", fam[0]) is not None
        add(fam, 2 if distinctive else 1, "" if distinctive else "ctx", "instance", family)
        for size in sorted(families[family]):
            # A distinctive family counts alone; a plain one counts with its size.
            if not distinctive:
                add(fam + tokens(size), 2, "", "instance", f"{family}.{size}")
            st = tokens(size)
            if len(st) == 1 and st[0] != "<num>" and "xlarge" in st[0]:
                add(st, 2, "", "instance-size", size)

    print("# AWS vocabulary mined from the AWS SDK's service models (botocore "
          f"{botocore.__version__}, Apache-2.0) by ../data/mine_aws_vocabulary.py, filtered "
          f"with wordfreq {importlib.metadata.version('wordfreq')}'s English word list. Generated: do not edit; "
          "the format is aws-evidence.txt's, whose entries win over these.")
    for entry, (strength, marker, kind, display) in sorted(out.items(), key=lambda kv: (kv[1][2], kv[0])):
        line = f"{entry} {strength}" + (f" {marker}" if marker else "")
        print(f"{line}  # {kind}: {display}".replace("#", "#", 1))


if __name__ == "__main__":
    sys.exit(main())
