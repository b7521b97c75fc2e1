#!/usr/bin/env python3
"""Writes tweetboard's labeled training set (CSV): tweets about AWS (label ON), and
everything else a #aws search returns (label OFF): the junk that rides the hashtag, and
ordinary tweets on other subjects, with or without the tag, from accounts like the
on-topic ones.

Written for this project: every text is composed here from hand-written phrases and
slots, deterministically (fixed seed); some slots take AWS's own names (services,
regions, instance types, resources, errors) from ../lexicons/aws-mined.txt, which
mine_aws_vocabulary.py mined from the AWS SDK's service models. See README.md beside this file for the
categories, the columns and the caveats.

Usage: python3 generate_dataset.py [--seed S] [--on N] [--off N] [--ordinary N] [--name-traps [--trap-share F]] [--devops-talk SHARE [--generic-devops K] [--other-products K]] > tweets-labeled.csv
The shipped set: --on 5400 --off 2100 --ordinary 5500 --name-traps --devops-talk 0.25 --generic-devops 1 --other-products 2 (the model also trains on the
hand-written sets listed in training-set.txt)
"""
import argparse
import csv
import os
import random
import sys

SERVICES = [
    "Lambda", "DynamoDB", "Kinesis", "Kinesis Data Streams", "S3", "EC2", "ECS", "EKS", "Fargate",
    "CloudFormation", "CDK", "SAM", "Step Functions", "API Gateway", "SQS", "SNS", "EventBridge",
    "Aurora", "Aurora Serverless", "RDS", "CloudWatch", "CloudWatch Logs", "IAM", "IAM Identity Center",
    "VPC", "Route 53", "CloudFront", "SageMaker", "Bedrock", "Glue", "Athena", "Redshift",
    "OpenSearch", "ElastiCache", "MemoryDB", "Cognito", "AppSync", "Amplify", "Secrets Manager", "KMS",
    "Systems Manager", "Parameter Store", "Graviton", "Lightsail", "AWS Batch", "MSK", "Firehose",
    "X-Ray", "CodePipeline", "CodeBuild", "Control Tower", "Organizations", "GuardDuty", "Security Hub",
    "WAF", "Shield", "Transit Gateway", "Direct Connect", "App Runner", "ECR", "EFS", "FSx",
    "Backup", "Config", "CloudTrail", "Cost Explorer", "Savings Plans", "Elastic Beanstalk",
    "Lake Formation", "QuickSight", "Textract", "Rekognition", "Comprehend", "Polly", "Transcribe",
    "IoT Core", "Greengrass", "Outposts", "Local Zones", "Global Accelerator", "Verified Permissions",
]
FEATURES = [
    "provisioned concurrency", "SnapStart", "on-demand capacity", "point-in-time recovery",
    "enhanced fan-out", "arm64 builds", "response streaming", "VPC endpoints", "cross-region replication",
    "auto scaling", "TTL", "batch windows", "server-side encryption", "global tables", "function URLs",
    "event filtering", "partial batch responses", "dead-letter queues", "reserved concurrency",
    "lifecycle rules", "intelligent tiering", "spot instances", "blue/green deployments",
    "canary releases", "cross-account roles", "permission boundaries", "service control policies",
    "metric filters", "anomaly detection", "contributor insights", "zero-ETL integration",
    "multi-AZ", "read replicas", "conditional writes", "idempotency tokens", "exponential backoff",
]
LANGS = ["Rust", "Python", "Go", "TypeScript", "Java", "Kotlin", ".NET", "Node.js"]
TOOLS = ["Terraform", "Pulumi", "the CDK", "SAM", "Serverless Framework", "CloudFormation", "OpenTofu"]
REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1",
           "sa-east-1", "ca-central-1", "eu-north-1", "ap-south-1"]
PROBLEMS = ["throttling", "cold starts", "a noisy neighbour", "hot partitions", "IAM permission errors",
            "a misconfigured security group", "runaway costs", "timeouts", "a memory leak",
            "iterator age alarms", "duplicate events", "a full disk", "DNS resolution failures",
            "stale reads", "a retry storm", "NAT gateway charges"]
OUTCOMES = ["cut latency by {n}%", "saved ${n}00 a month", "halved our bill", "dropped p99 to {n}ms",
            "went from {n} deploys a week to daily", "removed {n} servers", "stopped paging at night",
            "got to zero data loss", "made replays safe", "tripled throughput"]
EVENTS = ["re:Invent", "an AWS Summit", "the local AWS user group", "AWS Community Day", "a re:Inforce session"]

ON_TEMPLATES = [
    "{open}moved our {thing} from {svc} to {svc2} and {outcome} #aws",
    "{open}{svc} now supports {feature}. That removes a whole workaround for us #aws",
    "Anyone else seeing elevated error rates on {svc} in {region}? {status} #aws",
    "{svc} + {svc2} for an event-driven {thing} works really well {emoji_ok}#aws",
    "Spent {n} hours on {problem} in {svc}. Root cause: {cause}. #aws",
    "New post: idempotent consumers with {svc} and {feature} in {svc2} {link}#aws",
    "{event} recap: the {svc} announcements I actually care about #aws",
    "How we handle {n}k requests per second with {svc} and {svc2} #aws #serverless",
    "Finally migrated off self-managed {legacy} to {svc}. The pager is quiet #aws",
    "Is {svc} or {svc2} the better fit for a {n} GB/day {thing}? Thoughts? #aws",
    "{open}turn on {feature} for {svc} before you need it #aws",
    "Workshop next week: building a {thing} with {svc}, {svc2} and {lang} {link}#aws",
    "{svc} in {region} just got {feature}. Nice {emoji_ok}#aws",
    "Wrote the {svc} module in {tool} today, tomorrow the {svc2} one #aws #iac",
    "Cost tip: {feature} on {svc} {outcome} for us #aws #finops",
    "Our runbook for {problem} on {svc}, shared in case it helps {link}#aws #sre",
    "{feature} in {svc} is underrated. {outcome_cap} #aws",
    "Study notes for the {cert} exam: {svc} vs {svc2} #aws #certification",
    "{lang} on {svc}: {n}ms p99 and {m} MB of memory. Very happy #aws",
    "Hot take: most teams do not need {svc}; {svc2} is enough #aws",
    "Q: how do you replay a {svc} shard safely? A: make every write idempotent #aws",
    "Thread: {n} lessons from a year of running {svc} in production #aws",
    "The {svc} console redesign is growing on me. The {feature} page is clear #aws",
    "PSA: rotate the keys in {svc} and check CloudTrail for {problem} #aws #security",
    "Our {svc} bill went from ${n}00 to ${m}0 after we fixed {problem} #aws",
    "Pairing with a junior on {svc} permissions today. IAM policies are hard to teach #aws",
    "Load test done: {svc} scaled to {n}k TPS without touching a setting #aws",
    "Reading the {svc} docs on {feature}. Clearer than I expected #aws",
    "Can {svc} trigger {svc2} directly or do I need EventBridge in between? #aws",
    "Deployed our first {lang} service on {svc} behind {svc2} {emoji_ok}#aws",
    "{svc} outage postmortem is out. Good read on {problem} {link}#aws",
    "Talk slides from {event}: '{title}' {link}#aws",
    "Benchmarking {svc} on Graviton vs x86 for our {thing}: {n}% cheaper #aws",
    "{open}the {svc} free tier covers more than people think for a side project #aws",
    "We replaced a cron box with {svc} and {svc2}. One less server to patch #aws",
    "Debugging {problem} with {svc} traces; the service map found it in minutes #aws",
    "{svc} quotas bit us again: {n} per second per account. Request the raise early #aws",
    "Our data lake on {svc} and {svc2} now serves {n} analysts #aws #data",
    "Migrating {n} TB into {svc}: {feature} made it painless #aws",
    "Terraform drift on {svc} after a console change. Guardrails next #aws #iac",
    "Why is {svc} charging us for {problem}? Opening a support case #aws",
    "Glad {svc} finally has {feature}. Waited two years for this #aws",
    "Architecture review today: {svc} for ingest, {svc2} for storage, {svc3} for the UI #aws",
    "Multi-account setup with {svc} and {svc2} is finally clean #aws #security",
    "Pro tip for {svc}: alarm on {metric}, not just errors #aws #observability",
    "Built a tweet board on {svc} and {svc2} that filters spam with a small model #aws",
    "Estoy probando {svc} con {svc2}, funciona muy bien para eventos #aws",
    "Heute {svc} mit {tool} aufgesetzt, {feature} inklusive #aws",
    "Migramos nosso {thing} para {svc} e {outcome_pt} #aws",
    "Nous avons migré notre {thing} vers {svc}, {feature} compris #aws",
    "Security audit prep: encryption at rest on {svc}, logging in {svc2}, keys in KMS #aws",
    "Our staging account runs the same {tool} stacks as production now #aws #devops",
    "Dashboards for {metric} across every account, built on {svc} #aws #observability",
    "Great talk at {event} on {feature} with {svc} #aws",
    "Design review feedback: move the {thing} off {svc} and onto {svc2} #aws",
    "Incident review: {problem} in {region}, {svc} retries saved us #aws #sre",
    "Compliance team asked for {svc} logs going back {n} days; {feature} covered it #aws",
    "Latency budget for the {thing}: {n}ms in {svc}, the rest in {svc2} #aws",
    "Our platform team publishes golden paths for {svc} and {svc2} #aws #platformengineering",
    "Meetup tonight: {lang} developers building on {svc} #aws #community",
    "Today's on-call: {problem} on {svc}, fixed by {feature} #aws",
    "{svc} or self-hosted? For {n} requests a day the managed service wins #aws",
    "Encryption, backups, least privilege: our {svc} checklist {link}#aws #security",
]
THINGS = ["image pipeline", "log pipeline", "checkout service", "analytics stack", "chat backend",
          "ETL jobs", "CI runners", "search index", "IoT fleet", "ML inference", "tweet board",
          "payments API", "mobile backend", "reporting jobs", "video transcoding"]
LEGACY = ["Kafka", "RabbitMQ", "Cassandra", "Elasticsearch", "Jenkins", "MySQL", "Redis", "cron boxes"]
CERTS = ["Solutions Architect Associate", "Developer Associate", "SysOps Administrator",
         "DevOps Engineer Professional", "Security Specialty", "Data Engineer Associate"]
CAUSES = ["a missing IAM permission", "the default timeout", "a tiny batch size", "a hot partition key",
          "DNS caching", "an unbounded retry", "the wrong region", "a typo in the ARN"]
METRICS = ["iterator age", "throttled requests", "p99 latency", "consumed capacity", "queue depth",
           "concurrent executions", "5xx rate"]
TITLES = ["Exactly-once on at-least-once", "Serverless at scale", "Cost-aware architectures",
          "Designing for replays", "Observability without the bill", "Rust in Lambda"]
STATUS = ["", "Health dashboard says all green.", "Our alarms fired 10 minutes ago.", "Retries are working through it."]
OPENERS_ON = ["", "", "", "TIL ", "PSA: ", "Quick tip: ", "Finally ", "Good news: ", "Lesson learned: ",
              "Reminder: ", "Small win today: ", "Question: ", "Note to self: "]
OUTCOMES_PT = ["a conta caiu {n}%", "ficou bem mais rapido"]

# Issue 15, second round: AWS tweets that name no service at all, as people write about
# the company's cloud as a whole: its consoles, regions, bills, outages, certifications,
# community and conferences. Written for this set, not from any evaluation file.
ON_NO_SERVICE = [
    "{region} having a bad {daypart} again, our {thing} is crawling",
    "is {region} ok? getting timeouts on everything since {clock}",
    "moved the {thing} from {region} to {region2}, latency to our users dropped a lot",
    "AWS status dashboard still green while {region} is clearly on fire",
    "every big AWS outage starts in {region}. every single one",
    "AWS had a rough {daypart}, our on-call channel looked like a crime scene",
    "the AWS outage took our login down for {n} minutes, postmortem tomorrow",
    "logged into the AWS console to check one thing and lost {n} minutes to menus",
    "why does the AWS console log me out every {n} minutes, I have work to do",
    "the new AWS console dark mode is actually nice",
    "clicked around the AWS console for an hour instead of writing the {tool} code. ashamed",
    "someone on the team created resources by hand in the AWS console. drift everywhere",
    "AWS bill came in at ${n}k this month and nobody can explain half of it",
    "our AWS bill is now bigger than our office rent",
    "finance asked me to explain the AWS invoice line by line. pray for me",
    "set up AWS budgets and cost alerts before you build anything, learned that the hard way",
    "tagging every AWS resource by team finally made the bill readable",
    "the AWS bill dropped {n}% after we deleted the old test accounts",
    "we got ${n}k in AWS credits from the startup programme, now to not waste them",
    "the AWS free tier ran out and the first real bill was a shock",
    "just passed my AWS certification exam!! {n} weeks of studying after work",
    "booked the AWS exam for {day}, practice tests at {n}% so far",
    "second AWS certification done, the professional one was brutal",
    "failed the AWS exam by {n} points. retake in two weeks",
    "AWS certified as of this morning. the badge is in my profile, mum is proud",
    "studying for my first AWS cert while working full time is no joke",
    "the AWS Cloud Practitioner is a good first step if you are new to cloud",
    "our AWS user group hit {n} members, thanks to everyone who came out",
    "next AWS meetup: lightning talks and pizza, come say hi",
    "so grateful for the AWS community this year, learned more from you than from any course",
    "made it to re:Invent! Las Vegas, here we go",
    "re:Invent day {m}: my feet hurt and my brain is full",
    "best re:Invent session so far was the one on chaos engineering",
    "watching the re:Invent keynote from home with coffee",
    "the re:Invent announcements this year are heavy on AI agents",
    "AWS Summit tomorrow, who is going? let's grab coffee",
    "my first talk at an AWS Community Day is accepted!",
    "AWS just announced a new region in {country}, more choice for data residency",
    "AWS opening a region in {country} is big news for local startups",
    "we finally have an AWS region close to our users in {country}",
    "AWS support got back to us in {n} minutes on a sev 1, credit where due",
    "opened a case with AWS support {n} days ago and still waiting",
    "our AWS account got a surprise quota limit, whole migration paused",
    "new AWS account, first thing: turn on MFA on root and lock it away",
    "an intern pasted AWS keys into a gist and by lunch someone was running mining rigs on our account",
    "leaked AWS keys = a ${n}k bill for GPU instances we never launched. rotate your keys",
    "we are leaving AWS for our own servers. ask me in a year whether it was worth it",
    "we moved two services off AWS into a colo rack, cheaper, and now I know what a RAID card is",
    "considering multi-cloud, but honestly AWS does everything we need",
    "the AWS Well-Architected review flagged {n} things, only {m} were a surprise",
    "AWS announced price cuts on storage again, nice",
    "our whole stack runs in one AWS account and I know it is wrong",
    "interviewing for an AWS engineer role next week, nervous",
    "new job: cloud engineer working mostly on AWS, starting {day}",
    "a good AWS architect says no to half the services",
    "AWS docs are great until the page you need was last updated in 2019",
    "arn:aws:iam::{acct}:role/deploy is the only thing I have typed all day",
    "the AWS Heroes I met at the summit were so welcoming",
    "AWS just sent me a {n}-page email about a deprecation. reading it on the train",
    "SDK v2 migration for our AWS clients is done, goodbye deprecation warnings",
    "cross-account access in AWS still confuses me after {n} years",
]
def mined_vocabulary():
    """The names mine_aws_vocabulary.py took from the AWS SDK's service models, by kind
    (from the `# kind: display` comment of each line of ../lexicons/aws-mined.txt), so that
    generated tweets use far more of AWS's vocabulary than the hand-written slots above."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lexicons", "aws-mined.txt")
    kinds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "  # " not in line:
                continue
            kind, display = line.split("  # ", 1)[1].rstrip("\n").split(": ", 1)
            kinds.setdefault(kind, []).append(display)
    return kinds


MINED = mined_vocabulary()
# Regions as people write them: codes (`us-east-1`, `use1`) and places (`Tokyo`).
MINED_REGIONS = [r for r in MINED["region"] if "-" in r or r[-1].isdigit()]
MINED_PLACES = [r for r in MINED["region"] if not ("-" in r or r[-1].isdigit()) and not r.endswith(" region")]
MINED_SIZED = [i for i in MINED["instance"] if "." in i]
# Tweets about AWS in the SDK's words: a service by its full name, a region by its code,
# short code or place, an instance type, a resource or an error the API names.
ON_MINED = [
    "anyone running {msvc} in production? worth it or not yet",
    "spent the {daypart} setting up {msvc} for the team",
    "{msvc} docs are a maze but it works once it's set up",
    "we replaced a homegrown {thing} with {msvc} and {outcome}",
    "first look at {msvc}, notes in the thread",
    "is {msvc} down for anyone else? {status}",
    "{msvc} pricing page needs a PhD",
    "trying {msvc} and {msvc2} together for the {thing}",
    "{mregion} having issues since {clock}, our {thing} is timing out",
    "moved the {thing} from {mregion} to {mregion2}, latency dropped",
    "the {mplace} region is slow today, anyone else?",
    "{mplace} region outage, again. status page still green",
    "capacity errors in {mplace} all {daypart}, could not launch anything",
    "our {thing} lives in {mplace} for data residency",
    "switched the {thing} from {minst} to {minst2} and {outcome}",
    "{minst} ran out of CPU credits during the sale, lesson learned",
    "benchmarking {minst} against {minst2} for the {thing}",
    "what is the cheapest way to run a {minst} around the clock?",
    "got {merror} errors all {daypart} on the {thing}",
    "{merror} again. retries with backoff, finally",
    "how do you manage a {mres} across {n} accounts?",
    "TIL the {mres} has a default limit of {n}, found out in prod",
    "automated the {mres} with {tool}, one less click in the console",
    "cleaned up every unused {mres} and the bill dropped {n}%",
]
# AWS tweets in other languages: service names and none, bills, consoles, regions,
# exams, events. At least eight languages; a quarter without any tag.
ON_INTL = [
    # Spanish
    "Por fin aprobé la certificación de AWS, {n} semanas estudiando de noche",
    "La factura de AWS de este mes nos dejó sin palabras",
    "Alguien más tiene problemas con {region} hoy? todo lento",
    "Migramos todo a {svc} y el equipo está feliz",
    "La consola de AWS me cerró la sesión otra vez en medio del despliegue",
    "Charla en el meetup de AWS de {city_es} sobre {svc}, nos vemos",
    # Portuguese
    "Passei na certificação AWS hoje!! muito feliz",
    "A conta da AWS veio altíssima esse mês, alguém sabe explicar o NAT?",
    "Alguém mais com erro no {svc} em {region}?",
    "Migramos o banco para o {svc} e ficou bem mais rápido",
    "Começando a estudar AWS do zero, alguma dica de curso?",
    "Evento da comunidade AWS em {city_pt} no sábado, bora?",
    # German
    "Die AWS-Rechnung ist diesen Monat doppelt so hoch, keiner weiß warum",
    "Endlich die AWS Zertifizierung bestanden!",
    "Wir haben unsere Datenbank auf {svc} umgezogen, läuft super",
    "{region} hat heute Probleme, unsere Dienste sind langsam",
    "Wer kommt zum AWS Summit nach {city_de}?",
    "Kann mir jemand erklären, wie man die Kosten in AWS sinnvoll aufteilt?",
    # French
    "Enfin certifié AWS, merci à tous pour les conseils",
    "La facture AWS a explosé ce mois-ci, on cherche encore pourquoi",
    "Quelqu'un d'autre a des soucis sur {region} ce matin ?",
    "On a migré nos traitements vers {svc}, c'est bien plus simple",
    "Super journée au AWS Summit {city_fr}, plein d'idées pour l'équipe",
    # Japanese
    "AWSの請求額が先月より大きくて驚いた",
    "AWS認定ソリューションアーキテクトに合格しました！",
    "{region}で障害が起きているみたい。うちのサービスも遅い",
    "{svc}に移行してから運用がかなり楽になった",
    "AWSコンソールの新しいデザインに慣れない",
    "来週のAWS Summitに行く人いますか？",
    "AWSのコスト削減、まずはタグ付けから",
    # Hindi / Hinglish
    "bhai AWS ka bill dekh ke dimaag kharab ho gaya",
    "aaj AWS certification clear kar liya, bahut khush hoon",
    "{svc} pe migrate kiya aur sab smooth chal raha hai",
    "AWS console mein yeh setting kahan hai yaar, mil hi nahi rahi",
    "{region} mein kuch gadbad hai kya? sab slow hai",
    "AWS का बिल इस महीने बहुत ज़्यादा आया",
    "मैंने आज AWS सर्टिफिकेशन पास किया",
    # Indonesian
    "Akhirnya lulus sertifikasi AWS, terima kasih semuanya",
    "Tagihan AWS bulan ini naik dua kali lipat, bingung",
    "Ada yang tahu kenapa {svc} di {region} lambat hari ini?",
    "Kami pindah ke {svc} dan biaya turun banyak",
    "Meetup komunitas AWS di {city_id} minggu depan, ayo datang",
    # Korean
    "AWS 요금이 이번 달에 두 배로 나왔어요",
    "드디어 AWS 자격증 합격했습니다!",
    "{svc}로 옮기고 나서 운영이 훨씬 편해졌어요",
    "{region} 장애 때문에 서비스가 느려요",
    "AWS 콘솔 디자인이 또 바뀌었네",
    # Italian
    "Finalmente ho passato la certificazione AWS!",
    "La bolletta AWS di questo mese è altissima, qualcuno ha idee?",
    "Abbiamo migrato tutto su {svc}, funziona benissimo",
    # Turkish
    "Sonunda AWS sertifikasını aldım!",
    "Bu ay AWS faturası çok yüksek geldi",
    # Dutch
    "Eindelijk geslaagd voor mijn AWS certificering",
    "De AWS-rekening is deze maand flink gestegen",
]
# AWS tweets that name one service whose name is an ordinary word too, with no other
# service beside it: the words around it (buckets, instances, cold starts) carry it.
SINGLE_AMBIGUOUS = {
    "S3": ["bucket", "buckets", "objects", "prefix", "presigned URLs", "versioning", "lifecycle rules",
           "multipart uploads", "storage classes", "bucket policy", "static website hosting", "object lock"],
    "Lambda": ["functions", "function", "cold starts", "the handler", "function timeout", "memory setting", "layers", "concurrency limit",
               "invocations", "the runtime", "deployment package", "provisioned concurrency", "function URLs"],
    "EC2": ["instance", "instances", "instance types", "spot instances", "the AMI", "security groups",
            "EBS volumes", "user data script", "autoscaling group", "reserved capacity", "the metal instances"],
    "Glue": ["crawler", "ETL job", "data catalog", "job bookmarks", "partitions", "PySpark script"],
    "Aurora": ["cluster", "read replicas", "failover", "serverless v2", "ACUs", "Postgres compatibility"],
    "Athena": ["queries", "partition projection", "scanned bytes", "the query editor", "workgroups"],
    "Redshift": ["cluster", "sort keys", "materialized views", "the warehouse", "serverless workgroup"],
    "Bedrock": ["model access", "guardrails", "knowledge bases", "agents", "token pricing", "the playground"],
    "WAF": ["rate-based rules", "managed rule groups", "web ACL", "bot control", "the blocked requests"],
    "Glacier": ["retrieval", "vault", "deep archive tier", "restore requests", "archive storage"],
    "SNS": ["topic", "subscriptions", "fan-out", "SMS spend limit", "message filtering"],
    "IAM": ["roles", "policies", "trust policy", "permission boundary", "access keys", "the policy simulator"],
}
# --name-traps only: names that are ordinary words (mark_ordinary_names.py) with the
# technical words around them.
SINGLE_AMBIGUOUS_TRAPS = {
    "Kinesis": ["shards", "stream", "iterator age", "consumers", "enhanced fan-out", "retention period"],
    "RDS": ["snapshots", "instance", "read replica", "parameter group", "storage autoscaling", "Multi-AZ failover"],
    "ECS": ["task definition", "services", "cluster", "capacity providers", "container insights"],
    "EBS": ["volumes", "snapshots", "gp3 volumes", "IOPS", "volume encryption"],
    "EKS": ["cluster", "node groups", "add-ons", "control plane upgrade", "pod identity"],
    "SQS": ["queue", "dead letter queue", "visibility timeout", "FIFO queues", "long polling"],
}
# What `{asvc}` draws from: SINGLE_AMBIGUOUS, and the traps' names with --name-traps.
SINGLE = SINGLE_AMBIGUOUS
TRAPS = False
DEVOPS, DEVOPS_SHARE = False, 0.0
GENERIC_DEVOPS = 0
OTHER_PRODUCTS = 0
PROVIDER_FREE = 0
# --trap-share: how much of the traps' shares (6% lone names, 15% stuffed tags) to use.
TRAP_SHARE = 1.0
ON_SINGLE = [
    "{asvc} {aword} finally behaving after we changed one setting",
    "TIL about {aword} in {asvc}, would have saved me a week last year",
    "spent the whole afternoon on {asvc} {aword}. it was the region all along",
    "anyone have a good write-up on {asvc} {aword}? the docs skip the hard part",
    "{asvc} {aword} are the most underrated thing in our stack",
    "our {asvc} {aword} doubled the cost this month, investigating",
    "finally cleaned up {n} old {asvc} {aword} nobody owned",
    "debugging {asvc} {aword} at midnight, send snacks",
    "the {asvc} {aword} limit bit us in production today",
    "we moved the {thing} to {asvc} and the {aword} part was the only pain",
    "hot take: {asvc} {aword} are fine, your architecture is not",
    "{asvc} question: how do you handle {aword} across {n} accounts?",
    "our {asvc} {aword} went sideways after the deploy, rolled back in {n} minutes",
    "{asvc} {aword} + good alarms = a quiet on-call week",
    "reading about {asvc} {aword} on the train, so much I did not know",
    "who else forgot about {asvc} {aword} and got a surprise on the bill",
    "migrating the {thing} to {asvc}: day {m}, {aword} sorted",
    "small thing I love about {asvc}: {aword} just work",
    "new blog post: everything I learned about {asvc} {aword} in {n} months {link}",
    "the {asvc} {aword} docs finally have examples in {lang}",
    "we hit a weird edge case in {asvc} {aword} and support confirmed it is a known issue",
    "set up {asvc} {aword} for the {thing} in under an hour",
    "{asvc} {aword} broke our tests in {lang}, mocking them is a pain",
    "if your {asvc} {aword} are not in code yet, start today",
    "can someone explain {asvc} {aword} like I'm five",
    "{n} {asvc} {aword} later and the {thing} finally scales",
]

COUNTRIES = ["Mexico", "New Zealand", "Thailand", "Taiwan", "Saudi Arabia", "Malaysia", "Spain",
             "Switzerland", "Israel", "South Africa", "Indonesia"]
DAYPARTS = ["morning", "afternoon", "night", "week", "weekend"]
CITY_LANG = dict(city_es=["Madrid", "Bogotá", "Lima", "Monterrey"], city_pt=["São Paulo", "Lisboa", "Recife"],
                 city_de=["Berlin", "München", "Hamburg"], city_fr=["Paris", "Lyon", "Montréal"],
                 city_id=["Jakarta", "Bandung", "Surabaya"])

# Ordinary tweets (OFF) that use AWS's product names, or `aws`/`amazon`, in other senses.
ORDINARY_AMBIGUOUS = [
    # lambda
    "lambda calculus lecture today and I understood none of it",
    "the decay constant lambda in the radioactivity chapter makes no sense to me",
    "Java lambdas made my code shorter and my stack traces longer",
    "in Haskell everything is a lambda if you squint",
    "{lang} lambda syntax is so ugly, just give me a normal function",
    "sorted(items, key=lambda x: x[1]) is half my python knowledge",
    "the lambda sensor on my car failed, engine light on again",
    "Lambda Chi alumni dinner on {day}, bring your old jerseys",
    "Lambda Legal is doing great work this year, donated today",
    "wrote my first lambda in Kotlin today, the arrow syntax is neat",
    "C++ lambdas with captures by reference will hurt you eventually",
    # S3
    "{show} S3 is where it gets really good, keep going",
    "just finished S3 of {show}, not ready for the finale",
    "S3E{n} of {show} made me cry on the bus",
    "the Audi S3 is a fun car but the insurance is wild",
    "still using my old Galaxy S3 as an alarm clock",
    "test drove an S3 today, want one",
    # EC2 and postcodes
    "new coffee place in EC2, near Liverpool Street, very good flat white",
    "office moved from EC2 to Shoreditch, my commute is now 5 minutes longer",
    "flat hunting around EC1 and EC2, the prices are absurd",
    # Amazon as the shop, the river, the rainforest
    "the Amazon rainforest lost another area the size of {city} this year",
    "documentary about the Amazon river tonight, the dolphins are pink!",
    "Amazon warehouse workers in {city} on strike over pay",
    "Amazon Prime Video cancelled my favourite show again",
    "Alexa keeps turning on the lights at 3am, my house is haunted",
    "my Kindle is the best thing I bought on Amazon",
    "Amazon returns are so easy I order three sizes now",
    "the Amazon delivery van is at my door every day, neighbours think I have a problem",
    # aws in other senses
    "the AWS D1.1 welding exam is next week, practicing my vertical welds",
    "our welding inspector is AWS certified, the bridge is in good hands",
    "aws so cute, look at this kitten",
    "awww i mean aws, my niece just said my name",
    "the AWS wine awards shortlist is out, two local reds on it",
    "the AWS women in science mentoring night was inspiring",
]
# Everyday past-tense tweets: thumbs type `aws` for `was` in a good share of them (see
# `ordinary()`), and a search for `aws` returns them.
ORDINARY_WAS = [
    "the concert was {opinion}, {band} played for two hours",
    "it was the longest {day} of my life",
    "dinner at my sister's was so good, she made {food}",
    "the exam was easier than I thought, thank god",
    "that episode of {show} was {opinion}",
    "my flight was cancelled so here I am in {city} for another night",
    "the match was over by half time, {team} just gave up",
    "I was so tired I fell asleep on the sofa at 8",
    "the weather was perfect for a walk by the river",
    "she said it was fine but it was clearly not fine",
    "work was chaos today, {n} meetings and no lunch",
    "our {pet} was sick all night, vet in the morning",
    "honestly the book was better than the film",
    "the queue was {n} people long and it was worth it",
    "was not expecting snow in {month}",
    "the wedding was beautiful, I cried twice",
    "my first day was ok, everyone was nice",
    "the traffic was awful, {n} minutes to go two streets",
    "it was my grandma's birthday, {n} years young",
    "the bus was late again and it was raining, classic",
]

# Exam-dump and "free certification" spam: it names AWS and its exams as much as the
# people who pass them do, so only what it sells gives it away.
DUMP_SPAM = [
    "{cert_code} question bank with verified answers, clear it on your first attempt {link}#aws",
    "selling {cert_code} dumps, updated {month}, cheapest price, inbox me #aws #AWSCertified",
    "Don't waste months studying, our experts sit the AWS {cert} exam on your behalf. Results guaranteed, WhatsApp {phone} #aws",
    "FREE AWS certification answers PDF {emoji} link in bio #aws #certification #dumps",
    "Cloud certs the easy way: AWS, Azure, Google, any exam, fixed price per badge {link}#aws",
    "Latest {cert_code} braindumps updated today, 98% of our clients passed {link}#aws",
    "Need the AWS {cert} badge fast? We take the exam for you. DM for price #aws #cloud",
    "Leaked AWS exam questions {year2}, {n}0 sold this week, limited copies {emoji} #aws",
    "AWS exam vouchers at {n}% off + real dumps bundle, DM {emoji} #AWSCertified",
    "100% valid {cert_code} practice dumps, pass in first attempt or money back {link}#aws",
    "Proxy exam service for AWS, Cisco, CompTIA. Pay after result. Telegram {handle_spam} #aws",
    "Free AWS certification vouchers for the first {n} people, click here {link}#aws #free",
    "{emoji} AWS {cert} answers for every question, updated weekly, join the channel {link}#aws",
    # fourth round: what the sellers offer, in more of their words
    "{cert_code} actual exam questions with answers, {n}% pass rate, download the PDF {link}#aws #exam",
    "get the real {cert_code} questions before your exam, discount code {promo} today only {link}#AWS",
    "all {cert_code} answers in one PDF, free download {emoji} {link}#aws #cloud",
    "{cert_code} exam questions updated daily, pass guaranteed or full refund {link}#aws #certification",
    "AWS {cert} valid dumps + vouchers, use coupon {promo} {link}#aws #dumps",
    "download free {cert_code} practice answers now {emoji}{emoji} {link}#aws",
    "{n}0 new {cert_code} questions added this week, answers included, DM for the PDF #aws",
]
PROMOS = ["SAVE20", "PASS50", "CERT30", "EXAM25", "DUMPS40"]
CERT_CODES = ["SAA-C03", "CLF-C02", "DVA-C02", "SOA-C02", "SAP-C02", "DOP-C02", "SCS-C02", "MLA-C01"]
PHONES = ["+1 555 0100", "+44 7700 900123", "+91 90000 00000", "+234 800 000 0000"]
# Ordinary tweets in more languages, for the tag to be tacked onto.
ORDINARY_INTL = [
    "aaj office mein bahut kaam tha, ab bas chai aur so jaana hai",
    "yaar match dekha kal? last over mein kya hua!",
    "mummy ne aaj biryani banayi, weekend ban gaya",
    "आज बारिश बहुत हो रही है, घर पर ही रहेंगे",
    "Hari ini macet parah di {city_id}, telat ke kantor lagi",
    "Makan siang pakai nasi goreng, enak banget",
    "Nonton film baru di bioskop, lumayan seru",
    "오늘 날씨 너무 좋다, 산책 가야지",
    "주말에 친구들이랑 치킨 먹었어요",
    "이 드라마 마지막 회 보고 울었어",
    "今日は雨なので家でゆっくり映画を見ます",
    "新しいカフェのケーキが美味しかった",
    "明日から旅行！楽しみ",
    "Bugün hava çok güzel, sahile gidiyoruz",
    "Maç çok heyecanlıydı, son dakikada gol!",
    "Vandaag eindelijk zon, terras op!",
    "Morgen verjaardag van mijn moeder, taart bakken",
    "Mañana tengo examen de matemáticas y no he estudiado nada",
    "Que calor faz hoje em {city_pt}, praia depois do trabalho",
    "Ich habe heute meinen Führerschein bestanden!",
    "Le match d'hier soir était incroyable",
    "Oggi pizza con la famiglia, domenica perfetta",
]

JUNK_TEMPLATES = {
    "giveaway": [
        "GIVEAWAY{bang} RT + follow to win {amount}{bang} Ends tonight #aws #giveaway",
        "We are giving away {n} {prize}s{bang} Retweet to win, follow everyone who likes this #aws",
        "RT to win a FREE {prize} {emoji} Winner picked in 24h #aws #contest #win",
        "{emoji}{emoji} {amount} GIVEAWAY {emoji}{emoji} like, RT and tag 3 friends #aws #free",
        "Drop your wallet address below for a chance to win {amount} {emoji} #aws #giveaway",
        "Celebrating {n}k followers with a {prize} giveaway!!! follow + RT #aws",
    ],
    "crypto": [
        "{coin} airdrop is LIVE {emoji} claim {amount} free tokens now, link in bio #aws #crypto",
        "{coin} to the moon {emoji}{emoji} 100x guaranteed, DM me for the signal group #aws",
        "New NFT drop, mint price 0.0{n} ETH, only {n} left{bang} #aws #nft #web3",
        "Turn $100 into ${n}000 with our {coin} trading bot. DM for access #aws #bitcoin",
        "Early presale for {coin} ends soon {emoji} don't miss the next 1000x gem #aws #altcoin",
        "My {coin} bags are up {n}0% today, join the pump group {link}#aws #crypto",
        "Passive income with AWS Lambda crypto bots, ${n}00/day guaranteed, DM me #aws #crypto",
    ],
    "follow": [
        "Follow train {emoji} follow everyone who retweets, I follow back 100% #aws #followback",
        "Want {n}k followers fast? Real and active, cheap prices, DM now #aws #followers",
        "Gain followers instantly{bang} follow back guaranteed {emoji} #aws #f4f #teamfollowback",
        "Drop your handle, I follow back everyone in 5 minutes {emoji} #aws #followtrain",
        "Buy real followers, likes and views, {n}% off today {link}#aws #growth",
    ],
    "adult": [
        "Hot singles in {city} want to meet you tonight {emoji} click the link #aws",
        "{emoji} 18+ content, see my page, link in bio {emoji} #aws",
        "Lonely tonight? {n} girls online near you {link}#aws #dating",
        "Spicy pics in my bio {emoji}{emoji} don't tell anyone #aws",
    ],
    "job_spam": [
        "Work from home and earn ${n}00/day{bang} No experience needed, DM me #aws #hiring",
        "HIRING NOW {emoji} {n} positions, apply today, earn $$$ from your phone #aws #jobs",
        "Make money online with this one trick, ${n}k per week {emoji} #aws #sidehustle",
        "Be your own boss{bang} Join my team and earn while you sleep {link}#aws #mlm",
        "Data entry jobs, ${n}0/hour, no interview, start today {emoji} #aws #remotejobs",
    ],
    "promo": [
        "Use promo code SAVE{n} for {n}% off all sneakers today only{bang} #aws #deal",
        "Cheap {prize} sale {emoji} 90% off, limited stock, click the link #aws #sale",
        "Flash sale on phone cases, buy 2 get 3 free {emoji} {link}#aws #shopping",
        "Best VPN deal of the year, {n}% off lifetime plan {link}#aws #tech #deal",
        "Get {n} essays written for you, cheap and fast, DM us #aws #homework #essay",
    ],
    "phishing": [
        "Your AWS account will be suspended in 24 hours unless you verify your payment method {link}#aws",
        "AWS Billing notice: payment failed, update your card now to avoid suspension {link}",
        "AWS Security Alert: your root credentials were used from a new device. Confirm it was you {link}#aws #cloud",
        "Your AWS account has been suspended. Verify your billing now {link}#aws",
        "Locked out of your account? Our recovery team can help, DM us {emoji} #aws #support",
        "URGENT: unusual sign-in on your account, confirm your password here {link}#aws",
        "Claim your $500 AWS credit before it expires today {link}#aws #free",
    ],
    "loans": [
        "Instant cash loans approved in {n} minutes, bad credit OK, apply now {link}#aws",
        "Need money fast? Payday advance up to ${n}00, no paperwork {emoji} #aws #loans",
        "Debt relief program, cut your payments by {n}% today, message us #aws #credit",
    ],
    "gambling": [
        "Spin to win {emoji} {n} free spins on signup at our online casino {link}#aws #slots",
        "Sure bets for tonight's games, {n} wins in a row, join the VIP tips channel #aws #betting",
        "Jackpot hit again{bang} Sign up with my code for a ${n} bonus #aws #casino",
    ],
    "diet": [
        "Burn belly fat while you sleep with this one drink {emoji} #aws #weightloss",
        "Doctors hate this simple trick to drop {n} pounds #aws #fitness",
        "Miracle gummies for hair growth, order today and save {n}% #aws #wellness",
    ],
    "self_promo": [
        "My new track is out everywhere {emoji} please stream and share #aws #newmusic",
        "Subscribe to my channel, new video every {day} {link}#aws #youtube",
        "Link in bio for my latest podcast episode about life and love #aws #podcast",
        "Check out my art shop, commissions open {emoji} #aws #artist",
    ],
    "clickbait": [
        "You won't believe what happens at the end of this video {emoji} {link}#aws",
        "Shocking footage they tried to delete, watch before it's gone {link}#aws #viral",
        "This celebrity secret will blow your mind {emoji}{emoji} #aws #trending",
    ],
    "influencer": [
        "Brands, DM me for paid promos, {n}k engaged followers {emoji} #aws #influencer",
        "Looking for brand ambassadors, free products and commission, apply in DMs #aws",
        "Collab? I promote any page to my {n}k audience, cheap rates #aws #promo",
    ],
    "exam_dumps": DUMP_SPAM,
    "unrelated": [
        "#aws #AWS #awscloud #cloud #cloudcomputing #devops #100DaysOfCode #tech {link}",
        "{emoji} #AWS #Azure #GCP #DevOps #Kubernetes #Linux #Python #coding #AI {link}",
        "Passed my AWS D1.1 welding certification today, American Welding Society here I come #aws #welding",
        "The AWS wine tasting evening was lovely, best shiraz of the year #aws #wine",
        "aws this puppy is so cute {emoji} #aws #puppy",
        "Our AWS (Association of Women in Science) meetup is on {day}, all welcome #aws",
        "my AWS day off moved to {day}, alternative work schedules are the best perk of this job",
        "on an AWS (alternative work schedule) now, every other {day} free #aws",
        "aws man that match last night was unreal {emoji} #aws #football",
        "aws I miss you guys so much {emoji} #aws",
        "Atlantic Wildlife Society volunteers counted {n} seals this weekend #aws #nature",
        "AWS weld inspector exam on {day}, wish me luck with the bend test #aws",
        "Good morning {emoji} coffee and sunshine, have a great {day} #aws #love #instagood",
        "{emoji} new vlog is up, my trip to {city} {link}#aws #travel #vlog",
        "Trending now: #aws #love #photooftheday #fashion #instagood #follow #like4like",
    ],
}

# --name-traps only (sixth round; in the shipped set since the seventh, see README.md): spam that
# borrows AWS's name and services: free credits to claim, money
# from home, bought followers, prizes, all with the service names real tweets use.
AWS_SCAM = [
    "FREE {svc} credits{bang} claim {amount} in AWS credit now, {svc2} included {link}#aws",
    "claim your {amount} AWS credit voucher before midnight {emoji} {svc} and {svc2} covered {link}",
    "Earn {amount} daily from home with AWS {svc}, no experience, DM me {emoji}",
    "work from home with {svc} and make ${n}00 a week, DM me for the course #aws",
    "Get {n}k followers cheap {emoji} RT and follow to win a ticket to #reInvent{year2}",
    "WIN {amount} in AWS credits{bang} follow + RT + tag 3 friends, {svc} lovers only #aws",
    "buy verified AWS accounts with {svc} limits raised, cheap, DM for price {emoji}",
    "AWS {svc} credits giveaway {emoji}{emoji} claim here {link}limited spots #aws #free",
    "Make money online with Amazon Web Services, ${n}00/day guaranteed, click {link}",
    "earn passive income with {svc} bots on AWS, {n}x returns, DM me now {emoji}",
    "{emoji} FREE AWS CREDITS {emoji} fill the form to claim {amount} for {svc} {link}",
    "grow your followers fast, buy likes and retweets, {n}% off {emoji} #aws #{svc_tag}",
    # eleventh round: adult spam, phishing and dumps that carry a strong AWS name (an
    # event, a region, a service, an exam code), so one name does not outweigh the rest
    "{emoji} my private pics from #reInvent{year2}, 18+ only, subscribe in bio {link}",
    "lonely nights in {region}? cute single engineers online now {emoji} {link}",
    "{svc} girls want to chat with you tonight {emoji}{emoji} click {link}#aws #cloud",
    "{cert_code} and {cert_code2} dumps in one pdf, instant download, pass guaranteed {link}",
    "ALERT: your AWS account will be suspended in 24h, verify your billing details at {link}",
    "unusual sign-in detected on your AWS console, confirm your password here {link} {emoji}",
    "your {svc} resources are locked, recover your AWS account now: {link}",
    "{svc} experts hate this one trick, ${n}00 a day from home in {region} {emoji} {link}",
    "hot deals on {region} servers, cheap AWS accounts with credits, DM {handle_spam}",
    "#reInvent{year2} ticket giveaway {emoji} follow, RT and click {link} to claim",
    # thirteenth round: offers of credits and accounts with no link to click (the
    # attacker's review of the twelfth round showed such spam), written for this round
    "{amount} of AWS credits sitting unused in my promo codes, first {n} replies get one {emoji} #aws",
    "selling aged AWS accounts, {svc} quota already raised, reply for the price list",
    "your AWS credits run out at midnight, redeem the {svc} and {svc2} bonus today #aws",
    "giving away AWS activate codes worth {amount}, just follow and reply {emoji}{emoji}",
    # fourteenth round: prizes, crypto mining and jobs in AWS's name with no link (the
    # attacker's review of the thirteenth round showed such spam shown), written for it
    "congrats {emoji} your AWS account was picked for a {amount} bonus credit, reply YES to activate",
    "first {n} people to comment get {amount} of AWS credits each, no catch {emoji}",
    "turned {amount} into ${n}000 in a week mining crypto on AWS servers, DM me to learn how",
    "remote jobs with Amazon Web Services, ${n}0 an hour, no degree no interview, apply by DM {emoji}",
    "AWS data entry from your phone, ${n}0/hr, message me and start today!!",
    "Amazon Web Services needs home workers now, ${n}0 per hour, zero experience required {emoji}",
    "my AWS mining rig pays ${n}00 a day while I sleep, ask me and I will show you",
]


# Ordinary tweets on other subjects (label OFF): what a `#aws` search also returns. Each
# kind has many phrasings with slots; `ordinary()` below adds the real-world noise and
# tacks `#aws` or `aws` onto a good share, and `account()` gives them the same account
# distributions as on-topic tweets, so neither the tag nor the counts can decide.
ORDINARY = {
    "sports": [
        "{team} {verb_win} again, {score}. {react}",
        "Who's watching the {team} game tonight? {react}",
        "{player} with another {stat} tonight, absolute machine",
        "that {sportsmoment} in the {period} {react}",
        "My {sport} club {verb_win} the derby {score}, drinks on the captain",
        "Training for a {race} in {month}, week {n} of {m} done",
        "the transfer window is pure chaos, {player} to {team}?? {react}",
        "can't believe the ref gave that. VAR is broken",
        "Fantasy league update: I'm last. again.",
        "Season opener on {day}! {team} fans where you at",
        "{sport} highlights on repeat, what a {period}",
        "Coach said 'one more lap' {n} laps ago",
    ],
    "tv_film": [
        "Just finished {show} and I need to talk about that ending {react}",
        "{show} season {n} is {opinion}, fight me",
        "Is {show} worth watching? need something for the weekend",
        "watching {film} for the first time, why did nobody tell me",
        "The soundtrack of {film} is carrying the whole movie",
        "cinema tonight: {film}. popcorn budget: irresponsible",
        "Binge update: {n} episodes of {show} in one sitting. no regrets",
        "{actor} deserves every award for that role",
        "the trailer for {film} gave away the whole plot smh",
        "can we stop rebooting everything, let {show} rest",
    ],
    "music": [
        "{band}'s new album is {opinion}. track {n} especially",
        "Saw {band} live last night, my voice is gone {react}",
        "Playlist for the commute: {band}, {band2} and way too much synthwave",
        "learning {instrument}, day {n}. my neighbours hate me",
        "{band} announced a tour and it skips my city. again",
        "this song has been stuck in my head for {n} days, send help",
        "vinyl shopping on {day}, found a {band} first press",
        "Music taste check: reply with the last song you played",
    ],
    "news": [
        "The {institution} votes on the {policy} bill on {day}",
        "{weather} warning for {city} tonight, stay safe everyone",
        "Rent in {city} went up {n}% this year, how is anyone supposed to live here",
        "Another {strike} strike on {day}, plan ahead",
        "the election debate was {opinion}. nobody answered a single question",
        "Local council approved the new {project}, only took {n} years",
        "Breaking: {institution} announces new {policy} rules",
        "Petrol at {n}.{m} a litre now. I'm getting a bike",
        "Protest downtown today about {policy}, roads closed near the square",
        "{weather} again in {city}. the trains have given up",
    ],
    "personal": [
        "first day at the new job tomorrow {react}",
        "My {pet} just {petaction}. I live with a criminal",
        "Moving to {city} next month, any tips?",
        "{n} years married today, love you {name} ❤️",
        "my mum just discovered voice notes. I get {n} a day now",
        "Baked {food} for the first time, kitchen is a disaster",
        "Dentist at 9am, wish me luck",
        "finally finished {book}, what should I read next?",
        "Home sick with a cold, {show} and soup day",
        "Our baby slept {n} hours straight!!! is this real",
        "Gym streak: {n} days. my legs disagree",
        "got a promotion today!! celebrating with {food}",
        "garden update: the tomatoes survived, the {plant} did not",
        "Missing {city} so much today",
    ],
    "jokes": [
        "me: I'll sleep early tonight. also me at 3am: {habit}",
        "my bank account when I see {food}: 📉",
        "nobody:\nabsolutely nobody:\nme: {habit}",
        "I'm not saying I'm {trait}, but {habit}",
        "{day} is just a rumour spread by calendars",
        "adulting is just googling how to {chore} every week",
        "if {pet}s could talk mine would file a complaint",
        "the group chat at 2am: {n} messages, 0 sense",
        "my cooking skills: {food} but burnt",
        "Therapist: and what do we say? me: {habit}",
    ],
    "reply": [
        "@{handle} haha exactly what I thought",
        "@{handle} congrats!! so happy for you",
        "@{handle} no way, when did that happen",
        "@{handle} same here, see you on {day}?",
        "@{handle} lol {react}",
        "@{handle} @{handle2} we need to plan that trip to {city}",
        "@{handle} thank you so much, means a lot",
        "@{handle} that {food} looks amazing, recipe pls",
    ],
    "retweet": [
        "RT @{handle}: {weather} warning tonight in {city}, stay indoors",
        "RT @{handle}: our {pet} adoption day is on {day}, come say hi",
        "RT @{handle}: new episode of {show} out now",
        "RT @{handle}: {team} {verb_win} {score}!!!",
        "RT @{handle}: free concert in the park on {day}, bring a blanket",
        "RT @{handle}: the {project} opens to the public next week",
    ],
    "other_tech": [
        "{othercloud} {otherservice} is {opinion} for our side project",
        "migrating from {othercloud} to {othercloud2}, {n} services left",
        "{lang} {langthing} finally clicked for me today",
        "why does {lang} need {n} different ways to {progtask}",
        "our {otherdb} cluster ran out of disk again, lovely {day}",
        "the {otherservice} outage on {othercloud} took down half the internet lol",
        "spent {n} hours fighting {buildtool}, I miss plain makefiles",
        "TIL {lang} has {langthing}, mind blown",
        "hot take: {lang} is {opinion}",
        "Code review tip: be kind, the person who wrote it is tired",
        "Our {otherdb} upgrade went smoothly, {n} minutes of downtime",
        "{editor} vs {editor2}, the eternal debate",
        "stack overflow answer from {year} still saves me today",
        "kubernetes yaml at 1am, send coffee",
        "docker build cache invalidated again, {n} minutes to rebuild",
        "the X API {apithing} changed again and my bot broke",
        "twitter's API rate limit hit after {n} requests, great",
        "new {gadget} arrived, battery life is {opinion}",
        "my {gadget} updated overnight and now nothing works",
        "{gadget} or {gadget2}? need a new one for {holiday}",
        "the wifi in this café is faster than my home connection",
        "self-hosting {selfhosted} on a raspberry pi this weekend",
        "{othercloud} landing zone setup took the whole sprint",
        "our {othercloud} bill is out of control, who approved these VMs",
        "{othercloud} had a regional outage, status page says degraded for {n} hours",
        "{othercloud} storage buckets and their naming rules, a thread of pain",
        "{othercloud} pipelines failing on yaml again, {day} ruined",
        "{othercloud} IAM roles are somehow more confusing than anyone else's",
        "passed the {othercloud} certification exam today, onto the next one",
        "{othercloud} console keeps logging me out, love that for me",
    ],
    "food_travel": [
        "best {food} in {city} is in a tiny place near the station",
        "Flight to {city} delayed {n} hours, airport {food} it is",
        "{city} in {month} is just perfect",
        "road trip with the kids, {n} hours in and {n2} 'are we there yet'",
        "Trying to make {food} from scratch, wish me luck",
        "Sunday brunch: {food}, coffee, no phones",
        "hotel breakfast buffet is my love language",
        "Weekend in {city}, any food recommendations?",
    ],
    "shopping": [
        "Amazon delivered my {gadget} to the wrong house. again",
        "bought a {gadget} on amazon and the box is bigger than my flat",
        "Black Friday {gadget} deals are not real deals, change my mind",
        "my amazon cart is a cry for help",
        "Prime delivery came in {n} hours, kind of scary",
        "returned the {gadget}, got a refund in {n} days, fair enough",
    ],
    "multilingual": [
        "Qué partido más bueno anoche, {team} jugó increíble",
        "Hoy toca {food_es} en casa de mi madre",
        "Vamos a {city} este fin de semana, alguna recomendación?",
        "Bom dia! hoje tem {food_pt} e futebol",
        "Que saudade de {city}, volto em {month}",
        "Heute endlich frei, {show} und Pizza",
        "Das Wetter in {city} ist heute furchtbar",
        "On regarde {show} ce soir, vous avez vu la fin?",
        "Enfin le week-end, balade en forêt et {food_fr}",
        "Che partita ieri sera! {team} fantastici",
        "Stasera cena con gli amici a {city}",
        "今日は{city}で友達とランチ",
        "週末は映画を見に行きます",
    ],
}
ORD = dict(
    team=["City", "United", "the Lakers", "Celtic", "Boca", "the Bears", "Ajax", "the Giants", "PSG", "Real",
          "the Warriors", "our lads", "the Yankees", "Benfica", "the Storm"],
    verb_win=["won", "lost", "drew", "scraped a win", "got thrashed", "came back to win"],
    score=["2-1", "3-0", "1-1", "0-4", "101-99", "27-24", "5-2", "24-21"],
    react=["😭", "🔥🔥", "I'm screaming", "unreal", "what a time to be alive", "😂😂", "my heart", "", "!!!", "lmao", "ugh"],
    player=["Mbappé", "LeBron", "Messi", "Kane", "Curry", "our keeper", "the new striker", "Ohtani"],
    stat=["hat-trick", "triple double", "clean sheet", "40 point night", "assist", "home run"],
    sportsmoment=["save", "goal", "buzzer beater", "last-minute try", "catch", "penalty miss"],
    period=["second half", "final minute", "overtime", "last quarter", "extra time"],
    sport=["football", "rugby", "hockey", "cricket", "basketball", "volleyball", "netball"],
    race=["half marathon", "10k", "triathlon", "marathon", "charity 5k"],
    month=["March", "May", "June", "September", "October", "December", "spring", "autumn"],
    show=["Severance", "The Bear", "Succession", "Stranger Things", "the new Doctor Who", "Bake Off", "Shōgun",
          "that Danish crime show", "Bluey", "Slow Horses", "The Crown"],
    film=["Dune", "Oppenheimer", "Barbie", "Spirited Away", "the new Pixar one", "Paddington 2", "Alien"],
    actor=["Florence Pugh", "Cillian Murphy", "Zendaya", "Pedro Pascal", "the lead actress"],
    opinion=["overrated", "a masterpiece", "mid", "so underrated", "the best thing this year", "chaotic",
             "surprisingly good", "a mess", "fine I guess", "pure gold"],
    band=["Taylor Swift", "Radiohead", "Bad Bunny", "Arctic Monkeys", "BTS", "Fleetwood Mac", "Fontaines D.C.",
          "Beyoncé", "Khruangbin", "Rosalía"],
    band2=["Daft Punk", "Phoebe Bridgers", "Metallica", "Stromae", "Kendrick", "Björk"],
    instrument=["guitar", "piano", "drums", "violin", "ukulele", "bass"],
    institution=["parliament", "the senate", "the city council", "the government", "the EU", "the school board"],
    policy=["housing", "climate", "budget", "transport", "education", "healthcare", "tax"],
    weather=["Storm", "Snow", "Heatwave", "Flood", "Fog", "Wind"],
    city=["Leeds", "Madrid", "Porto", "Berlin", "Lagos", "Osaka", "Toronto", "Melbourne", "Naples", "Lyon",
          "Nairobi", "Denver", "Glasgow", "Lima", "Kraków"],
    strike=["train", "bus", "teachers'", "nurses'", "airport", "tube"],
    project=["bridge", "library", "bike lane", "tram line", "skate park", "swimming pool"],
    name=["Sam", "Alex", "Jo", "Maya", "Leo", "Ruth", "Nico"],
    pet=["cat", "dog", "parrot", "hamster", "rabbit"],
    petaction=["stole a whole sandwich", "knocked my coffee off the desk", "ate a sock", "learned to open doors",
               "barked at a leaf for an hour", "sat on my laptop during a call"],
    food=["lasagne", "sourdough", "ramen", "tacos", "banana bread", "croissants", "curry", "pancakes", "dumplings"],
    food_es=["paella", "tortilla", "cocido"], food_pt=["feijoada", "bacalhau", "pastel"], food_fr=["crêpes", "fromage"],
    book=["the new Sally Rooney", "Dune", "a 900 page fantasy brick", "that thriller everyone recommends"],
    plant=["basil", "fern", "orchid", "cactus somehow"],
    habit=["reading about medieval bread", "reorganising my spotify playlists", "watching cake videos",
           "online shopping for plants", "googling celebrity heights", "making a 5 year plan"],
    trait=["lazy", "dramatic", "a genius", "addicted to snacks"],
    chore=["boil an egg", "iron a shirt", "fix a leaky tap", "do taxes"],
    handle=["maria_k", "tom_j", "lucyreads", "big_dave", "nina.codes", "pablo87", "grace_h", "ollie_b", "annie_m"],
    handle2=["jess_r", "kev_w", "sara_l"],
    othercloud=["Azure", "Google Cloud", "GCP", "DigitalOcean", "Hetzner", "Oracle Cloud", "Cloudflare", "Vercel",
                "Netlify", "Heroku", "Fly.io"],
    othercloud2=["Azure", "GCP", "bare metal", "a single VPS", "Render"],
    otherservice=["Functions", "Cloud Run", "BigQuery", "Workers", "App Engine", "Firebase", "AKS", "Cosmos DB", "Spanner"],
    lang=["Rust", "Python", "Go", "JavaScript", "TypeScript", "Java", "C++", "Haskell", "Elixir", "PHP", "Kotlin", "Swift"],
    langthing=["pattern matching", "async/await", "generics", "macros", "list comprehensions", "the borrow checker", "decorators"],
    progtask=["parse a date", "format a string", "read a file", "sort a list"],
    otherdb=["Postgres", "MySQL", "MongoDB", "Elasticsearch", "Redis", "Cassandra", "ClickHouse"],
    buildtool=["webpack", "gradle", "maven", "bazel", "npm", "cmake"],
    editor=["vim", "emacs", "VS Code", "IntelliJ"], editor2=["neovim", "helix", "Sublime", "Zed"],
    year=["2011", "2009", "2014", "2016"],
    apithing=["v2 endpoint", "auth flow", "pricing tier", "rate limit", "search API"],
    gadget=["phone", "laptop", "smartwatch", "e-reader", "headphones", "tablet", "air fryer", "robot vacuum",
            "kettle", "keyboard"],
    gadget2=["Pixel", "iPhone", "Galaxy", "Kindle", "iPad"],
    holiday=["Christmas", "my birthday", "uni", "the new job"],
    selfhosted=["Nextcloud", "Home Assistant", "Jellyfin", "a git server", "Pi-hole"],
    day=["Monday", "Tuesday", "Friday", "Saturday", "Sunday", "tomorrow", "the weekend"],
)
# What gets tacked onto ordinary tweets, as people (and hashtag stuffers) do.
TACKED_ON = ["#aws", "#aws", "#aws", "#AWS", "aws", "#aws #tech", "#aws #love", "#aws #cloud", "#aws #fun",
             "#aws #life", "#Aws", "#aws #news", "#aws #devops"]
EXTRA_TAGS = ["#tech", "#life", "#news", "#love", "#monday", "#fun", "#cloud", "#photography", "#food", "#travel",
              "#music", "#sports", "#devops", "#coding", "#weekend", "#family"]
# Everyday framing people put around anything they tweet, used alike for on-topic and
# ordinary tweets, so everyday words do not become evidence against AWS tweets.
FRAME_PRE = ["ok so ", "honestly, ", "update: ", "today: ", "ugh. ", "good morning! ", "fun fact: ",
             "not gonna lie, ", "{day} mood: ", "so ", "well, ", "confession: ", "small win: ", "random thought: ",
             "can't sleep, ", "lunch break thought: ", "big news: ", "me again: "]
FRAME_POST = [" {react}", ", fun times", ", wish me luck", ". no regrets", ", took {n} minutes", " lol",
              ". what a day", ", love it", ", so happy", ". send coffee", ", finally", " and now I need {food}",
              ", not even mad", ". anyway", ", can't complain", " for my little blog", " while the kids sleep",
              " on a {day} night", ", five stars", ". best decision this year", ", kind of proud", " haha",
              ". details later", ", thanks {name}!", " (long story)", ", yay"]
EMOJI_ANY = ["😂", "😭", "🙌", "❤️", "🔥", "👀", "🙃", "😅", "🎉", "👍", "☕", "🤔"]
# More on-topic phrasings, written without the tag: `noisy()` adds it to most of them.
ON_UNTAGGED = [
    "our AWS bill this month: {svc} {n}%, {svc2} most of the rest",
    "{svc} misbehaving for us in {region}, anyone else?",
    "new in {svc}: {feature}. about time",
    "Anyone running {svc} with {lang}? how do you test it locally",
    "we run everything on AWS, {svc} for compute and {svc2} for data",
    "@{handle} you want {feature} on the {svc} side, then it just works",
    "RT @{handle}: {svc} tip of the day: {feature}",
    "excited to write more about {svc} as a Community Builder this year",
    "the AWS console page for {svc} hides {feature} three clicks deep",
    "hit the {svc} quota in our AWS account again, support ticket #{n}",
    "{svc} docs are solid, the pricing page for {svc2} is not",
    "prepping for {cert}: today was {svc} and {svc2}",
    "flights booked for {event}, who's going?",
    "{open}{problem} on {svc} again. {cause}, as always",
    "hands-on lab: {svc} + {svc2} in {lang}, {n} minutes end to end {link}",
    "Our {thing} now runs on {svc} in {region} and {outcome}",
    "the {svc} free tier ran out mid-month, rookie mistake",
    "Anyone know why {svc} returns AccessDenied when the role has the policy attached?",
    "{svc} bill explained: {feature} was on and nobody knew",
    "weekend project: a {thing} on {svc} and {svc2}",
    "{cert} exam booked for {day}. nervous",
    "cleared {cert} with a decent score, {svc} questions were the hardest",
    "any good practice tests for {cert}? the official ones ran out",
    "our AWS user group meets on {day}: {n} people, pizza, and a talk on {svc}",
    "the AWS Heroes panel at {event} was the best hour of the week",
    "proud to join the AWS Community Builders, expect more {svc} posts",
    "{event} sessions are up on YouTube, the {svc} deep dive is worth it",
    "keynote takeaways from {event}: {svc}, {svc2}, and more {feature}",
    "opinion: {svc} is the most overrated thing on AWS, {svc2} does it better",
    "I will never understand the AWS pricing pages. {svc} especially",
    "the AWS docs for {feature} in {svc} are actually good, credit where due",
    "honest review of {svc} after {n} months: great, except {problem}",
    "Amazon {svc} price cut in {region}, nice surprise on the bill",
    "we left {svc} for {svc2} and the AWS bill barely moved",
    "first time using the AWS CLI for {svc}, way faster than the console",
    "our AWS account structure: one account per team, {svc} in each",
]

COINS = ["$SHIB", "$DOGE", "$PEPE", "BTC", "ETH", "$MOON", "$SAFE", "XRP", "$BONK", "$FLOKI", "SOL"]
PRIZES = ["PS5", "iPhone", "MacBook", "Rolex", "Tesla", "gaming PC", "AirPods", "gift card", "Xbox"]
CITIES = ["your area", "Seattle", "London", "Sydney", "Berlin", "Austin", "Lagos", "Mumbai", "Dublin"]
DAYS = ["Monday", "Tuesday", "Thursday", "Saturday", "Sunday"]
EMOJI_JUNK = ["\U0001F680", "\U0001F525", "\U0001F4B0", "\U0001F48E", "\u2728", "\U0001F60D", "\U0001F4AF",
              "\U0001F389", "\U0001F911", "\U0001F48B", "\U0001F4B8", "\u2764\ufe0f"]
EMOJI_OK = ["", "", "", "\U0001F389 ", "\U0001F680 ", "\u2705 ", "\U0001F64C "]
AMOUNTS = ["$500", "$1,000", "$5000", "1 ETH", "10,000 USDT", "0.5 BTC", "$250"]
LINKS = ["", "", "https://t.co/{code} ", "https://bit.ly/{code} "]

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kiri", "Lena",
         "Marco", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Xavi",
         "Yara", "Zoe", "Ade", "Bea", "Cato", "Dana", "Emre", "Farah", "Gus", "Hana", "Ivo", "Jia"]
LAST = ["Okafor", "Silva", "Nguyen", "Kowalski", "Haddad", "Larsen", "Moreau", "Tanaka", "Reyes", "Schmidt",
        "Patel", "Costa", "Ivanova", "Mensah", "Berg", "Novak", "Sato", "Diaz", "Kim", "Ali"]
SOURCES_ON = ["<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
              "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
              "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
              "<a href=\"https://tweetdeck.twitter.com\" rel=\"nofollow\">TweetDeck</a>",
              "<a href=\"https://buffer.com\" rel=\"nofollow\">Buffer</a>",
              "<a href=\"https://hootsuite.com\" rel=\"nofollow\">Hootsuite Inc.</a>"]
SOURCES_JUNK = ["<a href=\"https://autopost.example\" rel=\"nofollow\">AutoPoster Pro</a>",
                "<a href=\"https://bulk.example\" rel=\"nofollow\">BulkTweet</a>",
                "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
                "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
                "<a href=\"https://ifttt.com\" rel=\"nofollow\">IFTTT</a>"]


# Third round: `lambda` in code (tagged `#aws` by people and bots alike), other
# developer tools and APIs with the tag, and the SDK's region places in their everyday
# sense.
ORDINARY_CODE_AND_TOOLS = [
    "sorted(rows, key=lambda r: r[{m}]) saves me every single day",
    "df.apply(lambda x: x * {n}) is slow, vectorise it",
    "list.stream().map(x -> x * {n}) and suddenly everyone is a functional programmer",
    "nested lambdas in Java are unreadable after the second arrow",
    "C# lambdas capturing loop variables, a classic bug",
    "Kotlin trailing lambdas make DSLs so clean",
    "explain Python lambda functions like I'm five",
    "lambda: None as a default factory, is that too clever?",
    "my Azure DevOps pipeline failed on the {n}th retry, no logs",
    "Azure DevOps boards vs Jira, fight",
    "the X API rate limit hit us at {n} requests, pricing is wild",
    "GitHub Actions runners queued for {n} minutes this morning",
    "Jenkins plugin upgrade broke every build, rolling back",
    "GitLab CI cache finally works, builds down to {n} minutes",
    "Vercel preview deploys are the best thing in my workflow",
    "Heroku dyno restarted again, the free days are gone",
    "Cloudflare Workers KV is fast, surprised",
    "DigitalOcean droplet for my side project, ${n} a month",
    "Firebase auth emails going to spam, any tips",
    "weekend in {mplace}, the food was amazing",
    "flight to {mplace} delayed {n} hours, send snacks",
    "{mplace} weather today is unreal",
    "the {mplace} marathon is on {m} streets closed",
]

# Fourth round: AWS told in everyday words. People write about what AWS does to them
# (the bill, the console, a region, a ticket, a quota, a denied call) with `aws` used in
# the sentence, as its subject or object, and often with no service named; or with no
# `aws` at all, in words that belong to running a cloud. `{aws}` is the name as people
# write it, `{ops_*}` slots are everyday cloud words. Written for this set, not taken
# from any evaluation file.
ON_EVERYDAY = [
    "{aws} {aws_verb} and {ops_effect}",
    "{aws} {aws_verb}, {ops_effect}",
    "{ops_effect} ever since we went all in on {aws}",
    "my {daypart} so far: {ops_effect}. thanks {aws}",
    "the best and worst thing about {aws}: {ops_effect}",
    "{ops_effect}. {aws} why",
    "{opener_e}{ops_effect} on {aws} again",
    "what nobody tells you about {aws}: {ops_fact}",
    "{aws} tip: {ops_tip}",
    "{ops_tip}. learned it the hard way on {aws}",
    "new to {aws}? {ops_tip}",
    "{othercloud} to {aws} migration done: {ops_effect}",
    "we went from {othercloud} to {aws} last {month}, {ops_effect}",
    "leaving {othercloud} for {aws} next quarter, wish us luck with the {ops_noun}",
    "{othercloud} does {ops_noun} better, but {aws} has {aws_plus}",
    "{othercloud} vs {aws} for a small team? {aws} wins on {aws_plus}, loses on {ops_noun}",
    "{aws} {aws_verb}. {ops_fact}",
    "day {n} of learning {aws}: {ops_effect}",
    "interviewing for a job on the {aws} side, they asked me about {ops_noun} for an hour",
    "{aws} {aws_verb} and now our {ops_noun} {ops_state}",
    "{ops_noun} on {aws} {ops_state}, as usual",
    "explaining to my manager why our {aws} {ops_noun} {ops_state}",
    "every {aws} engineer has a story about {ops_story}",
    "the {aws} {ops_noun} {ops_state} and I have a demo in {n} minutes",
    "{aws} {aws_verb}. our {ops_noun} {ops_state}. {react_e}",
    # no `aws` at all: the words of running a cloud, more than one, and no other cloud
    "{ops_effect} and {ops_effect2}. normal {day} in the cloud",
    "{ops_story}. the {ops_noun} {ops_state} too",
    "on call this week: {ops_effect}, then {ops_effect2}",
    "{ops_fact} {react_e}",
    "nothing humbles you like {ops_story}",
    "{ops_effect}. {ops_effect2}. {react_e}",
    "the cloud is just {ops_noun} and {ops_noun2} all the way down",
    "me at 9am: quick fix. me at 5pm: {ops_effect}",
    "our {ops_noun} {ops_state} and the {ops_noun2} {ops_state2}",
    "finance asked about the {ops_noun} again. {ops_effect}",
    "who else has {ops_story}? asking for my team",
    "week summary: {ops_effect}, {ops_effect2}, one coffee machine broken",
    # other languages, `aws` in the sentence
    "la {ops_es} de {aws} {es_state}",
    "{aws} nos {es_verb} otra vez, {ops_es} incluida",
    "a {ops_pt} da {aws} {pt_state}",
    "die {ops_de} von {aws} {de_state}",
    "{aws}の{ops_ja}が{ja_state}",
    "{aws} {ops_ko}{ko_state}",
]
OPS_ES = ["factura", "consola", "región", "cuenta", "cuota", "migración"]
ES_STATES = ["se duplicó este mes", "no tiene sentido", "me volvió a cerrar la sesión", "tardó semanas"]
ES_VERBS = ["subió los precios", "cambió la consola", "dejó sin servicio"]
OPS_PT = ["fatura", "console", "região", "conta", "cota", "migração"]
PT_STATES = ["dobrou esse mês", "não faz sentido", "me deslogou de novo", "demorou semanas"]
OPS_DE = ["Rechnung", "Konsole", "Region", "Quote", "Migration"]
DE_STATES = ["hat sich verdoppelt", "ergibt keinen Sinn", "hat mich wieder abgemeldet", "dauerte Wochen"]
OPS_JA = ["請求額", "コンソール", "リージョン", "サポート", "クォータ"]
JA_STATES = ["また変わった", "倍になった", "分かりにくい", "遅い"]
OPS_KO = ["요금이 ", "콘솔이 ", "리전이 ", "지원 티켓이 "]
KO_STATES = ["또 바뀌었네", "두 배로 나왔어요", "너무 느려요"]
AWS_NAMES = ["AWS", "AWS", "AWS", "aws", "Aws", "Amazon Web Services", "our AWS account", "the AWS side"]
AWS_VERBS = ["launched a region in {country}", "changed the console again", "raised our quota after {n} days",
             "sent us a {n}-page billing report", "deprecated the thing we depend on", "is having a bad {daypart}",
             "finally answered our support ticket", "retired another API we use", "charges for everything",
             "raised the price of public IPs", "keeps renaming things", "announced price cuts",
             "doubled our bill", "logs me out every hour", "put us in a new region", "approved our limit increase"]
OPS_EFFECTS = ["the bill went up {n}%", "the bill dropped by half", "a line item for a service nobody uses",
               "the console session timed out halfway through a change", "I lost {n} minutes looking for the right region",
               "our quota request is still pending", "every call returns AccessDenied", "the support ticket has been open for {n} days",
               "half our instances were in the wrong region", "the free credits ran out in a week",
               "we found {n} untagged resources", "the cost report needs a spreadsheet to read",
               "the status page stayed green through the whole outage", "egress charges ate the savings",
               "the new region cut our latency to {n}ms", "our role permissions broke after a policy change",
               "the sandbox limits blocked our launch", "my root account MFA device died",
               "the billing alarm fired at 3am", "we hit the service quota on a {day}",
               "the docs page for it was last updated years ago", "the migration took {n} weekends"]
OPS_FACTS = ["the bill is a puzzle with {n} thousand pieces", "every region has different services",
             "support tickets move faster with a business plan", "quotas are per region and per account",
             "tagging resources on day one saves the bill review", "the console remembers the wrong region",
             "an IAM policy can be right and still deny you", "data leaving a region costs money",
             "the free tier is per account, not per person", "a status page goes red last"]
OPS_TIPS = ["set a billing alarm before anything else", "tag every resource with a team and an owner",
            "check which region the console is in before you panic", "request quota increases weeks early",
            "turn on MFA for the root user and never use it", "read the pricing page twice",
            "open the support ticket at the highest severity you can justify", "delete the snapshots nobody owns",
            "keep one account per environment", "put the console bookmarks on the right region"]
OPS_NOUNS = ["bill", "billing", "console", "quotas", "permissions", "support tickets", "regions", "egress pricing",
             "IAM policies", "docs", "cost reports", "service limits", "tagging", "instances"]
OPS_STATES = ["doubled overnight", "is a mess", "timed out again", "went sideways", "makes no sense",
              "needs a rewrite", "is finally under control", "hit the limit", "broke after the update"]
OPS_STORIES = ["a surprise bill from a forgotten instance", "the wrong region at 2am", "a support case that took weeks",
               "an AccessDenied from a policy nobody wrote", "a quota nobody knew about", "the day the root keys leaked"]
AWS_PLUS = ["the managed databases", "the bigger partner network", "the spot market", "more instance types",
            "the regions we need"]
REACT_E = ["", "🙃", "😩", "lol", "send help", "🫠", "why", "every time"]
OPENERS_E = ["", "", "ugh, ", "classic: ", "again: ", "today: "]
# AWS exam codes as people write them when they pass, book or study (not dumps).
ON_CERT_CODES = [
    "passed {cert_code} today!! {n} weeks of evenings and weekends",
    "booked {cert_code} for {day}, practice tests at {n}% so far",
    "{cert_code} done, {cert_code2} next. the networking questions were the hardest",
    "failed {cert_code} by {n} points, retaking it next month",
    "studying for {cert_code}: today was networking and storage",
    "any advice for {cert_code}? my practice scores are stuck at {n}%",
    "cleared {cert_code} this morning, the badge is in my profile",
    "Aprobé el {cert_code} hoy, muy contento",
    "{cert_code} 合格しました！",
    "passei na {cert_code} hoje, obrigado a todos",
]
# Ordinary tweets in the words of running things, with no cloud of AWS's: apps and games
# going down, a bank's support ticket, a game console, a server of a chat app, a region
# of a game, and other clouds told in the same everyday words.
ORDINARY_OPS = [
    "{app} is down again, the status page says degraded performance",
    "my bank's support ticket has been open for {n} days, nobody answers",
    "new console day! the {gadget} can wait, games first",
    "the game servers in the EU region are lagging all night",
    "our discord server hit {n}00 members, thanks everyone",
    "{app} outage for {n} hours and I realised how much I use it",
    "the phone bill went up again, switching provider",
    "the electricity bill this winter is a crime",
    "customer support put me on hold for {n} minutes to tell me to reinstall the app",
    "{othercloud} bill went up {n}% and nobody knows why",
    "{othercloud} console logged me out in the middle of a deploy",
    "{othercloud} support ticket open for {n} days now",
    "we moved from {othercloud} to {othercloud2} and the bill dropped",
    "{othercloud} quota request approved after a week",
    "the {othercloud} docs are fine, the pricing page is not",
    "our on-prem servers ran out of storage again, ordering disks",
    "IT reset my password policy again, {n} characters now",
    "the office VPN has more downtime than uptime",
]
# --devops-talk only (ninth round): engineering talk with no AWS in it (Kubernetes, other
# clouds, on-prem, CI, databases), everyday tweets that use one generic word of running a
# cloud (cluster, deploy, outage, bill, latency, region, bucket), and the acronyms AWS
# shares (ECS in game engines, RDS on car radios and in medicine, Remote Desktop
# Services). All OFF: a generic cloud word is no evidence that a tweet is about AWS.
ORDINARY_DEVOPS = [
    "{othercloud} {ops_thing} {ops_broke} again, {n} minutes of {ops_feeling}",
    "spent the {daypart} debugging {k8s_thing} on our {othercloud} setup",
    "{k8s_thing} {ops_broke} after the upgrade, rolled back and went home",
    "our {devtool} pipeline takes {n2} minutes now, something has to change",
    "the {generic} on our on-prem {onprem} is a mystery nobody wants to own",
    "p95 {generic_metric} went up {n}% after the {devtool} change, investigating",
    "postmortem from the {daypart}: a config typo in {k8s_thing}",
    "moving the team from {othercloud} to {othercloud2}, the {generic} looks better on paper",
    "{devtool} finally green after {n} red builds in a row",
    "our {db} replica fell behind by {n} minutes during the batch import",
    "who decided the {k8s_thing} default should be this? cost us a {daypart}",
    "pager went off at {clock2} for {generic_metric} on the {db} primary",
    "the {othercloud} free trial credits ran out, time to pick a plan",
    "trying {devtool} for the {n}th time, the docs still assume you know everything",
    "our {onprem} in the basement ran the whole company for {n} years",
    "we run {db} on bare metal and sleep fine, thanks",
    "kubectl {kverb} and everything is pending, classic {day}",
    "{othercloud} {ops_thing}: {n} alerts, {m} real",
]
ORDINARY_GENERIC_WORD = [
    "the {gword} at my {place} {gbad} again, {n} {unit} of my life gone",
    "my {gword} situation this {daypart} is not great",
    "{Gword} day at the {place}, bring snacks",
    "honestly the {gword} at the {place} is the best part of the {day}",
    "we call it the {gword} in our family, long story",
    "{n} years and the {gword} at the {place} still confuses me",
    "my {relative} asked what a {gword} is and I had no good answer",
    "the whole {gword} thing at {place} made me laugh",
]
# --generic-devops only (tenth round): operations talk that names no provider at all, or
# one only as "our host" / "the vendor", in the generic words AWS tweets use too (the
# cluster, latency, the bill, a region, deploys, the console, spot capacity, quotas).
# All OFF: an independent set's writer showed these as the class still shown.
ORDINARY_DEVOPS_GENERIC = [
    "{gsubj} {gevent} {gwhen}. {gcoda}",
    "{gwhen}, {gsubj} {gevent}",
    "{gsubj} {gevent} and {gsubj2} {gevent2}",
    "{gopinion} {gtopic}",
    "{gtopic}: {gopinion2}",
    "{gquestion} {gtopic}?",
    "{gcoda} {gsubj} {gevent} {gwhen}",
    "note to self: {gtopic} {gadvice}",
    "{gsubj} {gevent}. {gtopic} {gadvice}",
    "{gwho} asked why {gtopic} costs so much and I had no answer",
    "{gcount} {gunit} of {gtopic} later, {gsubj} {gevent}",
    "{gwho} wants {gtopic} by {day}. {gcoda}",
]
GENERIC_DEVOPS_SLOTS = dict(
    gsubj=["the cluster", "our autoscaler", "the node pool", "p99", "the latency graph", "the deploy", "prod",
           "staging", "the build", "the pager", "our host", "the vendor's dashboard", "the status page",
           "the storage bill", "the database", "the queue", "the cache", "the load balancer", "our colo rack",
           "the CDN", "the hosting bill", "the on-call phone", "the health check", "the backup job",
           "the provider's console", "our object storage", "the rollout", "the region we run in"],
    gsubj2=["the rollback", "the dashboards", "the alerts", "nobody", "the retry storm", "the error rate",
            "half the pods", "the support ticket", "the runbook", "the monitoring"],
    gevent=["fell over", "doubled", "went red", "timed out", "spiked", "scaled to zero", "ran out of disk",
            "stopped answering", "got preempted", "hit its quota", "said healthy while nothing worked",
            "paged three people", "melted", "lost its leader", "took forty minutes", "went read-only",
            "needed a restart", "came back slowly"],
    gevent2=["made it worse", "stayed silent", "lied", "fired twice", "saved the night", "did nothing",
             "pointed at the wrong thing", "took over"],
    gwhen=["at 2am", "on a Friday", "during the demo", "right before the launch", "over the weekend",
           "during the sale", "while I was on leave", "in the middle of the migration", "again today",
           "for the third time this week", "an hour after the deploy", "during maintenance"],
    gcoda=["love this job", "send coffee", "postmortem tomorrow", "rolling back", "not my week",
           "adding it to the runbook", "lesson learned", "going back to bed", "ops life",
           "anyway how was your day", "the usual", "we're fine. everything is fine"],
    gopinion=["hot take:", "unpopular opinion:", "nobody tells you this about", "what I learned this year about",
              "I was wrong about", "the hardest part of our job is", "stop overthinking",
              "the real cost is always"],
    gopinion2=["it's always DNS", "just add more nodes, said nobody who pays", "measure before you tune",
               "the cheap option costs more later", "test the restore, not the backup",
               "small deploys, often", "your dashboards are lying", "turn things off at night"],
    gtopic=["capacity planning", "spot capacity for batch jobs", "preemptible nodes", "cluster autoscaling",
            "p99 latency", "the hosting bill", "egress fees", "multi-region failover", "blue/green deploys",
            "canary releases", "our self-hosted storage", "storage quotas", "CI runner quotas",
            "the vendor's maintenance window", "zero-downtime migrations", "on-prem servers",
            "the colo contract", "log retention costs", "database failover", "cache invalidation",
            "chaos testing", "incident response", "error budgets", "Friday deploys", "load testing",
            "rate limits on the API gateway we run", "cold starts on our functions platform"],
    gquestion=["how do you all handle", "anyone good at", "what's your approach to", "is it just me or is",
               "any tips for", "who here has given up on"],
    gadvice=["is worth a day of planning", "needs an owner", "should be boring", "belongs in the runbook",
             "is not optional", "will bite you eventually", "costs less than the outage"],
    gwho=["my manager", "finance", "the CTO", "a new hire", "the product team", "my mum", "the auditor"],
    gcount=["three", "two", "forty", "six", "twelve"],
    gunit=["hours", "weeks", "sprints", "meetings", "days"],
)
# --other-products only (twelfth round): other clouds' and no provider's operations talk
# told with their product names and the generic words AWS tweets use too (a bucket, spot
# capacity, egress, IAM, the console, a region, p99). All OFF: a bucket on GCS or a spot
# VM on Azure is not AWS. Written for this round, not copied from any set.
ORDINARY_OTHER_PRODUCTS = [
    "{oprod} {oissue} {gwhen}. {gcoda}",
    "moved our {oword} to {oprod} last {day}, {oresult}",
    "{oprod}: {oword} {oissue}, {n} minutes of {ofeel}",
    "is there a sane way to set {oword} on {oprod}? the docs go in circles",
    "{oprod} {oword} {oissue} and the support ticket says 'working as intended'",
    "our {oprovider} bill: {n}% of it is {oword}. who approved this",
    "finally got {oword} right on {oprod}, only took {n} tries",
    "TIL {oprod} charges for {oword} even when {oexcuse}",
    "the {oprovider} console {oissue} again, back to the CLI",
    "{oword} on {oprod} vs {oprod2}, which one hurts less?",
    "postmortem: {oprod} in {oregion} {oissue}, our {oword} did not help",
    "{gwho} asked me to explain {oword} on {oprod}. I drew boxes for an hour",
    "running {oworkload} on {oprod} with {oword}, so far so good",
    "{oprovider} {oword} {oissue} during {oworkload}, restarting from the checkpoint",
]
OTHER_PRODUCTS_SLOTS = dict(
    oprod=["GKE", "Cloud Run", "Cloud SQL", "GCS", "Google Cloud Storage", "BigQuery", "Pub/Sub", "Compute Engine",
           "AKS", "Azure Blob Storage", "Azure Functions", "Cosmos DB", "Entra ID", "Azure VMs", "Cloudflare R2",
           "Cloudflare Workers", "a Hetzner box", "DigitalOcean droplets", "Vercel", "Fly.io", "OCI", "Oracle Cloud",
           "Firestore", "Spanner", "Vertex AI", "App Service", "Linode", "Render", "Supabase", "our k3s cluster",
           "our Proxmox hosts", "the colo", "our own Ceph cluster", "MinIO"],
    oprod2=["GKE", "AKS", "Cloud Run", "Fly.io", "Hetzner", "DigitalOcean", "Vercel", "OCI", "our own racks",
            "Azure Container Apps"],
    oprovider=["GCP", "Azure", "Google Cloud", "Oracle Cloud", "Cloudflare", "Hetzner", "DigitalOcean", "Vercel",
               "Fly.io", "Linode", "our hosting provider's", "the colo's", "our VPS provider's"],
    oword=["bucket lifecycle rules", "the bucket policy", "spot VMs", "preemptible nodes", "egress", "egress fees",
           "IAM roles", "the service account", "IAM conditions", "the console", "region failover", "p99 latency",
           "autoscaling", "the load balancer", "object versioning", "cold storage tiers", "the NAT gateway",
           "private endpoints", "quota increases", "the node pool", "cross-region replication", "the WAF rules",
           "managed Postgres", "the secrets store", "the metrics dashboard", "reserved capacity", "the free tier",
           "access keys", "signed URLs", "DNS records", "the serverless functions", "the container registry"],
    oissue=["timed out", "got reclaimed", "doubled the bill", "logged me out", "denied everything",
            "went down for the whole region", "silently did nothing", "throttled us", "ate our weekend",
            "showed green while nothing worked", "took an hour to apply", "broke after the upgrade",
            "changed its pricing", "hit the quota"],
    oregion=["europe-west1", "us-central1", "West Europe", "East US", "Frankfurt", "Helsinki", "asia-east1",
             "the Amsterdam DC", "Singapore"],
    oresult=["the bill halved", "latency went up, bill went down", "nobody noticed, which is the goal",
             "already regretting it", "p99 finally flat", "the migration took three sprints"],
    ofeel=["panic", "refreshing the status page", "slack threads", "reading stack traces", "coffee"],
    oexcuse=["nothing reads from it", "the VM is stopped", "traffic stays in the region", "you delete the data"],
    oworkload=["the nightly training run", "batch jobs", "the CI runners", "our game servers", "the data pipeline",
               "the ETL", "a render farm"],
)
# --provider-free only (thirteenth round): cloud talk that names no provider at all,
# opinions and complaints whose only words are the cloud's generic ones (the provider's
# console, the bill, multi-region, a quota). All OFF: the twelfth round still showed such
# tweets of an independent set's writer (its misses read in the brief, its sentences not
# copied); written for this round.
ORDINARY_PROVIDER_FREE = [
    "{pthing} {pverb} {pwhen}. {pcoda}",
    "{ptake}: {pclaim}",
    "{pclaim}. {ptake2}",
    "{pclaim}, and I have the invoices to prove it",
    "{pthing} {pverb} and the status page says {pstatus}",
    "asked for a {pquota} bump {pwhen2}, {pwait}",
    "{pwho} just discovered {pcost} and now wants a meeting",
    "{pcost} is {pverdict}",
    "if your {papp} needs {parch} you have a different problem",
    "{papp} on {parch}? {pverdict2}",
    "the cloud {pthing2} {pverb2} right when {pmoment}",
    "we don't need {parch}, we need {pneed}",
]
PROVIDER_FREE_SLOTS = dict(
    pthing=["our provider's web console", "the cloud dashboard", "the SSO session", "the admin portal",
            "the billing page", "the provider's status page", "our vendor's CLI", "the hosting panel",
            "the managed cert renewal"],
    pverb=["kicked everyone out", "forgot who I am", "froze mid-change", "lost my unsaved edits",
           "showed last month's numbers", "returned a blank page", "asked for MFA four times",
           "expired the session"],
    pwhen=["mid-incident", "during the postmortem call", "five minutes into the outage",
           "while I was rotating keys", "right as finance joined the call", "in the middle of a rollback"],
    pcoda=["cool cool cool", "great time to be alive", "who tests this stuff", "screenshot everything",
           "back to the terminal", "adding it to the list"],
    ptake=["controversial opinion", "said it before", "friendly reminder", "the lesson of this quarter",
           "what nobody puts on the slide"],
    pclaim=["most teams do not need multi-region", "cloud bills punish people who skip the pricing docs",
            "active-active is a luxury for a side project", "half of scaling is deleting what you forgot",
            "the cheapest server is the one you turned off",
            "a cost alert that stops nothing is just a notification",
            "every managed service is a bill with a nice UI", "your failover plan is fiction until you run it",
            "vendor lock-in is a price, not a sin", "paying for idle capacity is the real tax",
            "uptime targets should come from customers, not vanity",
            "one region and tested backups beat a half-built second region"],
    ptake2=["that's the post", "no notes", "been saying this for years", "learned it the expensive way"],
    pstatus=["all green", "'investigating'", "nothing at all", "degraded in one zone", "operational"],
    pquota=["CPU quota", "GPU quota", "vCPU limit", "IP address quota", "disk quota", "instance quota"],
    pwhen2=["on Monday", "last week", "two sprints ago", "yesterday morning"],
    pwait=["still pending", "approved for half of it", "denied with no reason", "a human finally replied"],
    pwho=["the CFO", "our new VP", "the intern", "procurement", "the board"],
    pcost=["egress pricing", "what idle disks cost", "the per-request charges", "cross-zone traffic fees",
           "the support plan price", "log ingestion pricing"],
    pverdict=["the silent budget killer", "why we moved to flat-rate servers", "a line item nobody owns",
              "where the savings hide"],
    papp=["todo app", "internal wiki", "blog", "hobby app", "staging env", "weekend hackathon thing"],
    parch=["multi-region", "active-active failover", "a service mesh", "three availability zones",
           "global load balancing", "a dedicated platform team"],
    pverdict2=["bold", "respectfully, no", "that is how budgets die", "enjoy the bill"],
    pthing2=["console", "billing alert", "quota page", "status page", "SSO"],
    pverb2=["logged me out", "went blank", "lagged by an hour", "said everything was fine"],
    pmoment=["prod went sideways", "the CEO asked for numbers", "we started the failover", "I needed it most"],
    pneed=["backups we have actually restored", "a runbook", "fewer microservices",
           "one person who reads the invoice", "alerts that mean something"],
)
ORDINARY_ACRONYM = [
    "rewrote my {engine} game loop around an ECS, {n} systems and it finally clicks",
    "the ECS pattern in {engine} is great until you need a hierarchy",
    "my {car} shows RDS station names but they are always wrong",
    "RDS radio text on the {car} scrolls too fast to read",
    "Remote Desktop Services licensing is the most confusing thing in {winthing}",
    "set up an RDS gateway for the office on {winthing}, {n} hours of my life",
    "NICU taught me what RDS means in newborns, grateful for those nurses",
    "EBS in our hospital is the patient record system, not a disk",
    "our team's EKS is a football club, not a cluster, we play on {day}",
]
DEVOPS_SLOTS = dict(
    ops_thing=["cluster", "deploy", "load balancer", "console", "billing page", "object storage", "managed database",
               "node pool", "DNS", "CDN"],
    ops_broke=["fell over", "timed out", "went read-only", "lost quorum", "stopped scaling", "dropped connections"],
    ops_feeling=["panic", "silence", "sighing", "slack threads", "coffee"],
    k8s_thing=["the ingress", "the HPA", "cluster autoscaler", "a helm chart", "the service mesh", "cert-manager",
               "the CNI plugin", "a CronJob", "the node pool", "Argo CD"],
    devtool=["GitHub Actions", "GitLab CI", "Jenkins", "CircleCI", "Buildkite", "Argo", "Tekton", "Drone"],
    generic=["pricing", "latency", "bill", "migration", "failover", "autoscaling", "region choice", "storage bucket"],
    generic_metric=["latency", "error rate", "CPU", "queue depth", "disk usage"],
    onprem=["rack", "server room", "vSphere cluster", "Proxmox box", "NAS"],
    db=["Postgres", "MySQL", "MongoDB", "Redis", "Cassandra", "ClickHouse"],
    clock2=["2am", "3:14", "4am", "midnight"],
    kverb=["apply", "rollout restart", "drain", "scale"],
    gword=["cluster", "deploy", "outage", "bill", "latency", "region", "bucket", "spot", "console", "keynote",
           "provider", "migration", "instance", "certified badge", "autoscaling", "billing"],
    place=["gym", "school", "office", "bakery", "train station", "dentist", "library", "football club"],
    gbad=["broke", "was a mess", "failed", "vanished", "doubled"],
    unit=["minutes", "hours"],
    relative=["nan", "kid", "dad", "neighbour", "niece"],
    engine=["Bevy", "Unity", "Godot", "my own C++", "a Rust"],
    car=["old Golf", "Corolla", "Fiat", "van", "Skoda"],
    winthing=["Windows Server", "our terminal server", "the domain controller"],
)
ORDINARY_OPS_SLOTS = dict(app=["Instagram", "WhatsApp", "Discord", "Steam", "Netflix", "Spotify", "the bank app",
                               "Outlook", "Teams", "the PlayStation network", "Xbox Live"])


def code(rng):
    return "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))


def fill(template, rng, on):
    svc, svc2, svc3 = rng.sample(SERVICES, 3)
    if on and rng.random() < 0.25:
        # As people (and the docs) name them: "AWS Lambda", "Amazon S3".
        svc = rng.choice(["AWS ", "Amazon "]) + svc
    handle = rng.choice(ORD["handle"])
    n, m = rng.randint(2, 95), rng.randint(2, 60)
    slots = dict(
        svc=svc, svc2=svc2, svc3=svc3, feature=rng.choice(FEATURES), region=rng.choice(REGIONS),
        n=n, m=m, lang=rng.choice(LANGS), tool=rng.choice(TOOLS), problem=rng.choice(PROBLEMS),
        thing=rng.choice(THINGS), legacy=rng.choice(LEGACY), cert=rng.choice(CERTS),
        cause=rng.choice(CAUSES), metric=rng.choice(METRICS), title=rng.choice(TITLES),
        event=rng.choice(EVENTS), status=rng.choice(STATUS), open=rng.choice(OPENERS_ON),
        emoji_ok=rng.choice(EMOJI_OK), link=rng.choice(LINKS).format(code=code(rng)),
        outcome=rng.choice(OUTCOMES).format(n=n), outcome_pt=rng.choice(OUTCOMES_PT).format(n=n),
        amount=rng.choice(AMOUNTS), prize=rng.choice(PRIZES), coin=rng.choice(COINS),
        emoji=rng.choice(EMOJI_JUNK), city=rng.choice(CITIES), day=rng.choice(DAYS),
        bang=rng.choice(["!", "!!", "!!!", ""]), handle=handle,
        region2=rng.choice(REGIONS), country=rng.choice(COUNTRIES), daypart=rng.choice(DAYPARTS),
        clock=f"{rng.randint(1, 12)}{rng.choice(['am', 'pm', ':30', ''])}", acct=str(rng.randint(10**11, 10**12 - 1)),
        cert_code=rng.choice(CERT_CODES), year2=str(rng.choice([2024, 2025, 2026])), phone=rng.choice(PHONES),
        handle_spam="@" + rng.choice(["certpass", "exam_help", "dumps4u", "cloudcert_pro"]) + str(rng.randint(1, 99)),
        month=rng.choice(ORD["month"]),
        # Lambda, S3 and EC2 are the names people use most, alone.
        asvc=(asvc := rng.choice(list(SINGLE) + ["Lambda", "S3", "EC2"] * 3)), aword=rng.choice(SINGLE[asvc]),
        **{k: rng.choice(v) for k, v in CITY_LANG.items()},
        msvc=rng.choice(MINED["service"]), msvc2=rng.choice(MINED["service"]),
        svc_tag=svc.split()[-1].lower(),
        mregion=rng.choice(MINED_REGIONS), mregion2=rng.choice(MINED_REGIONS),
        mplace=rng.choice(MINED_PLACES), minst=rng.choice(MINED_SIZED), minst2=rng.choice(MINED_SIZED),
        merror=rng.choice(MINED["error"]), mres=rng.choice(MINED["resource"]),
        cert_code2=rng.choice(CERT_CODES), promo=rng.choice(PROMOS), othercloud=rng.choice(ORD["othercloud"]),
        aws=rng.choice(AWS_NAMES), aws_verb=rng.choice(AWS_VERBS), ops_noun=rng.choice(OPS_NOUNS),
        ops_state=rng.choice(OPS_STATES), ops_story=rng.choice(OPS_STORIES),
        aws_plus=rng.choice(AWS_PLUS), react_e=rng.choice(REACT_E), opener_e=rng.choice(OPENERS_E),
        ops_tip=rng.choice(OPS_TIPS), ops_fact=rng.choice(OPS_FACTS), ops_state2=rng.choice(OPS_STATES),
        ops_noun2=rng.choice(OPS_NOUNS), ops_es=rng.choice(OPS_ES), es_state=rng.choice(ES_STATES),
        es_verb=rng.choice(ES_VERBS), ops_pt=rng.choice(OPS_PT), pt_state=rng.choice(PT_STATES),
        ops_de=rng.choice(OPS_DE), de_state=rng.choice(DE_STATES), ops_ja=rng.choice(OPS_JA),
        ja_state=rng.choice(JA_STATES), ops_ko=rng.choice(OPS_KO), ko_state=rng.choice(KO_STATES),
    )
    ops_effect, ops_effect2 = rng.sample(OPS_EFFECTS, 2)
    slots["ops_effect"], slots["ops_effect2"] = ops_effect, ops_effect2
    # Slots whose phrases have slots of their own.
    for k in ("aws_verb", "ops_effect", "ops_effect2", "ops_fact", "ops_story"):
        slots[k] = slots[k].format(**slots)
    slots["outcome_cap"] = slots["outcome"][0].upper() + slots["outcome"][1:] + "."
    text = template.format(**slots)
    text = " ".join(text.split())
    if on and rng.random() < 0.25:
        text = text.replace("#aws", rng.choice(["#aws #cloud", "#AWS", "#aws #devops", "#awscommunity #aws", "#aws #serverless"]))
    if not on and rng.random() < 0.3:
        text = text.upper() if rng.random() < 0.3 else text + " " + " ".join(rng.sample(["#win", "#free", "#love", "#follow", "#money", "#crypto", "#usa"], 2))
    return text


def fill_ordinary(template, rng):
    slots = {k: rng.choice(v) for k, v in ORD.items()}
    slots.update({k: rng.choice(v) for k, v in ORDINARY_OPS_SLOTS.items()})
    if DEVOPS:
        slots.update({k: rng.choice(v) for k, v in DEVOPS_SLOTS.items()})
        if GENERIC_DEVOPS or OTHER_PRODUCTS:
            slots.update({k: rng.choice(v) for k, v in GENERIC_DEVOPS_SLOTS.items()})
        if OTHER_PRODUCTS:
            slots.update({k: rng.choice(v) for k, v in OTHER_PRODUCTS_SLOTS.items()})
        if PROVIDER_FREE:
            slots.update({k: rng.choice(v) for k, v in PROVIDER_FREE_SLOTS.items()})
        slots["Gword"] = slots["gword"].capitalize()
        slots["othercloud2"] = rng.choice(ORD["othercloud"])
        slots.setdefault("daypart", rng.choice(DAYPARTS))
        slots.setdefault("day", rng.choice(DAYS))
    slots["mplace"] = rng.choice(MINED_PLACES)
    slots.update({k: rng.choice(v) for k, v in CITY_LANG.items()})
    slots.update(n=rng.randint(2, 40), m=rng.randint(0, 9), n2=rng.randint(5, 60))
    return template.format(**slots)


def typo(text, rng):
    """Swaps two letters inside one longer word, as thumbs do."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randint(1, len(w) - 3)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def framed(text, rng):
    """Everyday words around the message, at the same rate for both labels."""
    r = rng.random()
    slots = {k: rng.choice(v) for k, v in ORD.items()}
    slots["n"] = rng.randint(2, 40)
    if r < 0.2:
        text = rng.choice(FRAME_PRE).format(**slots) + text
    elif r < 0.4:
        # Before a trailing tag, where people put it.
        words = text.split(" ")
        tail = []
        while words and words[-1].startswith("#"):
            tail.insert(0, words.pop())
        text = " ".join(words) + rng.choice(FRAME_POST).format(**slots) + (" " + " ".join(tail) if tail else "")
    return text


def noisy(text, rng):
    """Real-world noise, applied alike to both labels so none of it tells them apart:
    lower case, typos, emoji, links, mentions, retweets, line breaks, and `&amp;` as the
    API sends an ampersand."""
    if rng.random() < 0.25:
        text = text.lower()
    if rng.random() < 0.12:
        text = typo(text, rng)
    if rng.random() < 0.15:
        text = text.replace(" and ", " & ", 1)
    text = text.replace("&", "&amp;")
    if rng.random() < 0.18:
        text += " " + rng.choice(EMOJI_ANY)
    if rng.random() < 0.10:
        text += " https://t.co/" + code(rng)
    if rng.random() < 0.06 and " " in text:
        k = text.index(" ", len(text) // 2) if " " in text[len(text) // 2:] else text.index(" ")
        text = text[:k] + "\n" + text[k + 1:]
    r = rng.random()
    if r < 0.07:
        text = "@" + rng.choice(ORD["handle"]) + " " + text
    elif r < 0.12:
        text = "RT @" + rng.choice(ORD["handle"]) + ": " + text
    return text


def on_topic(rng):
    r = rng.random()
    if r < 0.15:
        text = fill(rng.choice(ON_SINGLE), rng, True)
        if rng.random() < 0.5:
            text += " " + rng.choice(["#aws", "#AWS", "#aws #cloud", "#serverless"])
        return noisy(framed(text, rng), rng)
    if r < 0.35:
        # The company's cloud as a whole, or another language: the tag on some, as people do.
        text = fill(rng.choice(ON_NO_SERVICE if r < 0.25 else ON_INTL), rng, True)
        if rng.random() < 0.5:
            text += " " + rng.choice(["#aws", "#AWS", "#aws #cloud", "#awscommunity", "#AWSCertified", "#reInvent"])
        return noisy(framed(text, rng) if r < 0.25 else text, rng)
    if r < 0.62 and r >= 0.50:
        # Fourth round: AWS in everyday words, and exam codes as candidates write them.
        text = fill(rng.choice(ON_EVERYDAY if r < 0.59 else ON_CERT_CODES), rng, True)
        if rng.random() < 0.4:
            text += " " + rng.choice(["#aws", "#AWS", "#aws #cloud", "#awscommunity", "#devops", "#AWSCertified"])
        return noisy(framed(text, rng), rng)
    if r < 0.50:
        # AWS's own vocabulary, mined from its SDK: the tag on half, as people do.
        text = fill(rng.choice(ON_MINED), rng, True)
        if rng.random() < 0.5:
            text += " " + rng.choice(["#aws", "#AWS", "#aws #cloud", "#awscommunity", "#devops"])
        return noisy(framed(text, rng), rng)
    if rng.random() < 0.35:
        text = fill(rng.choice(ON_UNTAGGED), rng, True)
        if rng.random() < 0.6:
            text += " " + rng.choice(["#aws", "#AWS", "#aws #cloud", "#awscommunity", "#serverless #aws"])
    else:
        text = fill(rng.choice(ON_TEMPLATES), rng, True)
        # People write about AWS without the tag too; the words must carry it.
        if rng.random() < 0.3:
            text = " ".join(w for w in text.split(" ") if w.lower() != "#aws")
    return noisy(framed(text, rng), rng)


def ordinary_names():
    """The one-word evidence entries marked `ctx` (mark_ordinary_names.py and by hand):
    AWS names that are ordinary words, names or places too (`kinesis`, `glacier`,
    `reinvent`). Ordinary tweets use them in their ordinary senses, so the model learns
    that such a name alone, or stuffed after a tacked-on `#aws`, is not about AWS."""
    here = os.path.dirname(os.path.abspath(__file__))
    words = []
    for name in ("aws-evidence.txt", "aws-mined.txt"):
        with open(os.path.join(here, "..", "lexicons", name), encoding="utf-8") as f:
            for line in f:
                parts = line.split("#")[0].split()
                if len(parts) == 3 and parts[2] == "ctx" and parts[0].isalpha() and len(parts[0]) > 3:
                    words.append(parts[0])
    return sorted(set(words))


ORDINARY_NAMES = ordinary_names()
# --name-traps only: ordinary tweets with such a name as a word, a name or a place.
ORDINARY_LONE_NAME = [
    "my cousin named her {pet} {Oname}, the family is split on it",
    "{Oname} night at the pub quiz, we came {n}th out of 12",
    "watching a documentary about {oname} tonight with {food}",
    "new song by {Oname} on repeat all {day}",
    "our five-a-side team is called {Oname} now, first win on {day}",
    "the {oname} chapter of the {book} book is the best one",
    "visited the {Oname} street market, bought way too much {food}",
    "{Oname} is the word of the day in my kid's spelling test",
    "thinking of calling the boat {Oname}, thoughts?",
    "{oname} was the answer to the crossword and it took me an hour",
    "the {team} fans have a new chant about {oname} and it's awful",
    "my nan says {oname} every time she loses her glasses",
    "booked a week at the {Oname} hotel for the holidays",
    "{Oname} from my spin class ran a marathon in {city}",
    "that {oname} scene in {show} made me laugh out loud",
]
STUFFED = ["{tag} {name}", "{tag} #{name}", "#{name} {tag}", "{tag} #{name} #{extra}"]


def ordinary(rng):
    r = rng.random()
    if DEVOPS and rng.random() < DEVOPS_SHARE:
        lists = [ORDINARY_DEVOPS, ORDINARY_DEVOPS, ORDINARY_GENERIC_WORD, ORDINARY_ACRONYM]
        template = rng.choice(rng.choice(lists + [ORDINARY_DEVOPS_GENERIC] * GENERIC_DEVOPS
                                         + [ORDINARY_OTHER_PRODUCTS] * OTHER_PRODUCTS
                                         + [ORDINARY_PROVIDER_FREE] * PROVIDER_FREE))
    elif r < 0.16:
        # AWS's product names, `amazon` and `aws` in other senses.
        template = rng.choice(ORDINARY_AMBIGUOUS)
    elif r < 0.26:
        template = rng.choice(ORDINARY_INTL)
    elif r < 0.34:
        template = rng.choice(ORDINARY_WAS)
    elif r < 0.42:
        template = rng.choice(ORDINARY_CODE_AND_TOOLS)
    elif r < 0.50:
        template = rng.choice(ORDINARY_OPS)
    elif TRAPS and r < 0.50 + 0.06 * TRAP_SHARE:
        name = rng.choice(ORDINARY_NAMES)
        template = rng.choice(ORDINARY_LONE_NAME).replace("{oname}", name).replace("{Oname}", name.capitalize())
    else:
        template = rng.choice(ORDINARY[rng.choice(list(ORDINARY))])
    text = noisy(framed(fill_ordinary(template, rng), rng), rng)
    if rng.random() < 0.5 and " was " in text:
        # Thumbs type `aws` for `was`, and a search for `aws` finds them.
        text = text.replace(" was ", " aws ", 1)
    elif rng.random() < 0.06:
        text = text.replace(" ", " aws ", 1) if rng.random() < 0.5 else text + " aws"
    # A `#aws` search returns these with the tag; `aws` as a word rides along too.
    if rng.random() < 0.55:
        tag = rng.choice(TACKED_ON)
        if TRAPS and rng.random() < 0.15 * TRAP_SHARE:
            # One AWS name stuffed beside the tag says nothing about the tweet.
            tag = rng.choice(STUFFED).format(tag=tag, name=rng.choice(ORDINARY_NAMES),
                                             extra=rng.choice(EXTRA_TAGS).lstrip("#"))
        p = rng.random()
        if p < 0.1:
            text = tag + " " + text
        elif p < 0.2:
            # Inside a cluster of other tags, or after a blank line, as people post.
            a, b = rng.sample(EXTRA_TAGS, 2)
            text = text + " " + a + " " + tag + " " + b
        elif p < 0.25:
            text = text + "\n\n" + tag
        else:
            text = text + " " + tag
    return text


def account(rng, junk_kind):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    spammy = junk_kind not in (None, "unrelated", "ordinary")
    if spammy and rng.random() < 0.8:
        user = f"{rng.choice(['win', 'free', 'crypto', 'promo', 'deal', 'hot', 'cash', 'gem'])}{rng.choice(['_', ''])}{rng.randint(100, 99999)}"
        followers, friends = int(rng.lognormvariate(3.5, 1.8)), rng.randint(300, 6000)
        tweets, lists = rng.randint(2000, 120000), rng.randint(0, 5)
    else:
        # On-topic accounts, plus junk from ordinary-looking accounts: account features
        # overlap, so the text has to carry the decision.
        user = f"{first.lower()}{rng.choice(['', '_', '.', ''])}{rng.choice([last.lower(), 'dev', 'ops', 'cloud', 'codes', 'builds', ''])}"
        if rng.random() < 0.3:
            user += str(rng.randint(1, 99))
        followers, friends = int(rng.lognormvariate(6.0, 1.7)), rng.randint(20, 2500)
        tweets, lists = rng.randint(50, 50000), rng.randint(0, 300)
    return dict(user=user[:15], followers=followers, friends=friends, lists=lists, tweets=tweets)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1859)
    ap.add_argument("--on", type=int, default=1500)
    ap.add_argument("--off", type=int, default=1200, help="junk: spam and unrelated uses of AWS")
    ap.add_argument("--ordinary", type=int, default=0, help="ordinary tweets on other subjects (OFF)")
    ap.add_argument("--name-traps", action="store_true",
                    help="sixth round, in the shipped set since the seventh: ordinary tweets with a lone AWS name that is an "
                         "ordinary word, one stuffed after a tacked-on #aws, spam in AWS's name, short AWS tweets")
    ap.add_argument("--trap-share", type=float, default=1.0,
                    help="with --name-traps: the share of the ordinary lone-name (6%%) and stuffed-tag (15%%) "
                         "rows to use, e.g. 0.5 for 3%% and 7.5%%")
    ap.add_argument("--devops-talk", type=float, default=0.0, metavar="SHARE",
                    help="ninth round: this share of the ordinary tweets is engineering talk without AWS, everyday "
                         "tweets with one generic cloud word, or AWS's acronyms in other senses (all OFF)")
    ap.add_argument("--generic-devops", type=int, default=0, metavar="K",
                    help="tenth round, with --devops-talk: K more shares (beside the four lists) of operations talk "
                         "naming no provider, in generic cloud words (all OFF)")
    ap.add_argument("--other-products", type=int, default=0, metavar="K",
                    help="twelfth round, with --devops-talk: K more shares of other clouds' and no provider's "
                         "operations talk with their product names and AWS's generic words (all OFF)")
    ap.add_argument("--provider-free", type=int, default=0, metavar="K",
                    help="thirteenth round, with --devops-talk: K more shares of cloud talk naming no provider "
                         "(the provider's console, the bill, multi-region, quotas; all OFF)")
    args = ap.parse_args()
    global TRAPS, SINGLE, TRAP_SHARE, DEVOPS, DEVOPS_SHARE, GENERIC_DEVOPS, OTHER_PRODUCTS, PROVIDER_FREE
    PROVIDER_FREE = args.provider_free
    GENERIC_DEVOPS = args.generic_devops
    OTHER_PRODUCTS = args.other_products
    DEVOPS = args.devops_talk > 0
    DEVOPS_SHARE = args.devops_talk
    TRAPS = args.name_traps
    TRAP_SHARE = args.trap_share
    if TRAPS:
        SINGLE = {**SINGLE_AMBIGUOUS, **SINGLE_AMBIGUOUS_TRAPS}
        JUNK_TEMPLATES["aws_scam"] = AWS_SCAM
    rng = random.Random(args.seed)
    seen = set()
    rows = []
    # Exam dumps name AWS as much as its users do: three shares of them, so the model
    # sees enough to learn what they sell.
    kinds = list(JUNK_TEMPLATES) + ["exam_dumps"] * 2
    wanted = ([(True, None)] * args.on + [(False, kinds[i % len(kinds)]) for i in range(args.off)]
              + [(False, "ordinary")] * args.ordinary)
    for on, kind in wanted:
        for _ in range(50):
            if on:
                text = on_topic(rng)
            elif kind == "ordinary":
                text = ordinary(rng)
            else:
                text = fill(rng.choice(JUNK_TEMPLATES[kind]), rng, on)
            if text not in seen:
                break
        seen.add(text)
        acct = account(rng, kind)
        # Ordinary people's tweets get liked and retweeted like on-topic ones.
        like_on = on or kind == "ordinary"
        tid = 1_850_000_000_000_000_000 + rng.randint(0, 9_000_000_000_000_000)
        row = dict(
            text=text, id=str(tid), followers=acct["followers"],
            favourites=rng.randint(0, 300) if like_on else rng.randint(0, 8),
            friends=acct["friends"], lists=acct["lists"],
            retweets=rng.randint(0, 60) if like_on else rng.randint(0, 40),
            tweets=acct["tweets"], user=acct["user"],
            source=rng.choice(SOURCES_ON if like_on or kind == "unrelated" else SOURCES_JUNK),
            label="ON" if on else "OFF",
        )
        if like_on and rng.random() < 0.1:
            # v2-like: a v2 tweet without the user expansion has no counts and no source.
            for k in ("followers", "favourites", "friends", "lists", "retweets", "tweets", "source"):
                row[k] = ""
            if rng.random() < 0.3:
                row["user"] = ""
        rows.append(row)
    rng.shuffle(rows)
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


if __name__ == "__main__":
    main()
