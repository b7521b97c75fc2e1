# tweetboard: `make run` and `make test` are all a new machine needs (Rust, Python 3).
# Every target that starts the emulator stops it again (tests/with-emulator.sh traps).

SHELL := /bin/bash
VENV  ?= .venv
MOTO_VERSION := 5.2.5
CARGO ?= cargo
BIN   := target/debug

# Resource names `make run` uses; the tests make their own, one set per test.
export STREAM_NAME ?= tweetboard-tweets
export TABLE_NAME ?= tweetboard-tweets
export QUARANTINE_TABLE_NAME ?= tweetboard-quarantine
RUST_LOG ?= warn

CARGO_LAMBDA_VERSION := 1.9.2
# cargo-lambda cross-compiles with zig; PyPI's ziglang carries it.
ZIGLANG_VERSION := 0.13.0
# The SAM template's offline checks: the linter and the translator that expands it.
CFN_LINT_VERSION := 1.58.0
SAM_TRANSLATOR_VERSION := 1.115.0
INFRA_TOOLS := $(VENV)/.infra-tools-$(CFN_LINT_VERSION)-$(SAM_TRANSLATOR_VERSION)
INFRA_EXPANDED := target/infra/template.expanded.json

.PHONY: help venv lambda-tools sam-cli deploy package infra-check browser build run watch test test-inner bench bench-chart bench-classify bench-record bench-consumer bench-consumer-ratio bench-consumer-instructions bench-consumer-startup bench-tools measure-memory lint fmt

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.moto-$(MOTO_VERSION):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "moto[server]==$(MOTO_VERSION)"
	touch $@

venv: $(VENV)/.moto-$(MOTO_VERSION) ## Install the local AWS emulator (moto) into .venv

LAMBDA_TOOLS := $(VENV)/.cargo-lambda-$(CARGO_LAMBDA_VERSION)-zig-$(ZIGLANG_VERSION)

$(LAMBDA_TOOLS): $(VENV)/.moto-$(MOTO_VERSION)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check \
	  "cargo-lambda==$(CARGO_LAMBDA_VERSION)" "ziglang==$(ZIGLANG_VERSION)"
	touch $@

lambda-tools: $(LAMBDA_TOOLS) ## Install cargo-lambda and zig into .venv

$(INFRA_TOOLS): $(VENV)/.moto-$(MOTO_VERSION)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check \
	  "cfn-lint==$(CFN_LINT_VERSION)" "aws-sam-translator==$(SAM_TRANSLATOR_VERSION)"
	touch $@

# Offline: lints the SAM template, expands it as CloudFormation would receive it, and
# lints the expansion; tests/integration/infra.rs then checks the expansion.
infra-check: $(INFRA_TOOLS) ## Lint infra/template.yaml and expand it for the infra test
	$(VENV)/bin/cfn-lint infra/template.yaml
	$(VENV)/bin/python infra/expand.py infra/template.yaml $(INFRA_EXPANDED)
	$(VENV)/bin/cfn-lint $(INFRA_EXPANDED)
	$(VENV)/bin/python infra/check_samconfig.py infra/template.yaml infra/samconfig.toml.example

LAMBDA_ARCHES := arm64 x86-64

# One zip per function and architecture, as SAM or the console takes them:
# target/lambda/<arch>/<function>/bootstrap.zip. Release builds: minutes each.
# The consumer's jemalloc takes its page size at build time, and cross-built for
# aarch64-linux its configure assumes 64 KiB pages: Lambda's kernels use 4 KiB pages on
# both architectures, so say so, or slabs and purges would work in 64 KiB units.
package: lambda-tools ## Build the three Lambda zips for arm64 and x86_64 (cargo-lambda, zig) and print their sizes
	rustup target add aarch64-unknown-linux-gnu x86_64-unknown-linux-gnu
	for arch in $(LAMBDA_ARCHES); do \
	  JEMALLOC_SYS_WITH_LG_PAGE=12 PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(CARGO) lambda build --release --$$arch \
	    --bin consumer --bin ingest --bin board \
	    --output-format zip --lambda-dir target/lambda/$$arch || exit 1; \
	done
	@for arch in $(LAMBDA_ARCHES); do for fn in consumer ingest board; do \
	  printf '%-7s %-9s %8s bytes\n' $$arch $$fn $$(stat -c %s target/lambda/$$arch/$$fn/bootstrap.zip); \
	done; done

# The SAM CLI has its own environment inside .venv: it pins boto3, and the emulator's
# boto3 must not move with it.
SAM_CLI_VERSION := 1.170.0
SAM_VENV := $(VENV)/sam
SAM := $(CURDIR)/$(SAM_VENV)/bin/sam
SAM_TOOLS := $(SAM_VENV)/.sam-cli-$(SAM_CLI_VERSION)

$(SAM_TOOLS):
	python3 -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check "aws-sam-cli==$(SAM_CLI_VERSION)"
	touch $@

sam-cli: $(SAM_TOOLS) ## Install the AWS SAM CLI into .venv/sam

# sam build runs cargo-lambda (rust-cargolambda, a SAM beta feature) once per function
# into infra/.aws-sam; sam deploy then reads infra/samconfig.toml (SAM looks for it beside
# the template it deploys, so both run in infra/ with SAM's default paths). Without that
# file the deploy is guided, for stack STACK, and offers to save the answers there.
# The build is always for the Architecture the deploy will give the functions: the one
# infra/samconfig.toml names (wherever SAM saved it), else ARCH; a binary built for the
# other one could not start.
STACK ?= tweetboard
ARCH ?= arm64
DEPLOY_ARCH = $(or $(shell grep -o 'Architecture=[a-z0-9_]*' infra/samconfig.toml 2>/dev/null | head -1 | cut -d= -f2),$(ARCH))

deploy: lambda-tools sam-cli ## Build the Lambdas with SAM and deploy the stack (guided until infra/samconfig.toml exists)
	rustup target add aarch64-unknown-linux-gnu x86_64-unknown-linux-gnu
	@echo "building for $(DEPLOY_ARCH)"
	cd infra && PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(SAM) build --beta-features \
	  --parameter-overrides Architecture=$(DEPLOY_ARCH)
	cd infra && PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(SAM) deploy \
	  $(if $(wildcard infra/samconfig.toml),,--guided --stack-name $(STACK) --capabilities CAPABILITY_IAM \
	    --parameter-overrides Architecture=$(DEPLOY_ARCH))

build: ## Build every binary (debug)
	$(CARGO) build --workspace --bins

BOARD_PORT ?= 8080
# `make run POLL=1`: the shipped samples published a few at a time by a local stand-in
# of X API v2 recent search (tests/tools/x_search_stub.py), polled by `tweetboard poll
# --every $(POLL_EVERY)`, pumped and served: the board fills over time.
POLL ?=
POLL_EVERY ?= 5

run: venv build ## Run the pipeline locally and serve the board (Ctrl-C stops everything; POLL=1: fill it by polling a local search stand-in)
ifneq ($(POLL),)
	RUST_LOG=$(RUST_LOG) BIN=$(BIN) BOARD_PORT=$(BOARD_PORT) POLL_EVERY=$(POLL_EVERY) \
	  tests/with-emulator.sh tests/tools/run-polling.sh
else
	RUST_LOG=$(RUST_LOG) tests/with-emulator.sh bash -c '\
	  set -e; \
	  $(BIN)/tweetboard init --shards 2; \
	  $(BIN)/tweetboard ingest; \
	  $(BIN)/tweetboard pump --until-idle --batch-size 500; \
	  exec $(BIN)/tweetboard serve --port $(BOARD_PORT)'
endif

watch: venv lambda-tools build ## cargo lambda watch on port 9000, against the emulator (Ctrl-C stops both)
	RUST_LOG=$(RUST_LOG) tests/with-emulator.sh bash -c '\
	  set -e; $(BIN)/tweetboard init --shards 2; \
	  echo "invoke with: PATH=$(VENV)/bin:\$$PATH cargo lambda invoke consumer --invoke-port 9000 --data-file tests/fixtures/kinesis-event.json"; \
	  PATH=$(VENV)/bin:$$PATH cargo lambda watch --invoke-port 9000'

# The browser test drives Debian's Chromium; install it when missing (root, or sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	@echo "installing Debian's chromium for the browser test"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM) ## Install Debian's Chromium (for the board's browser test)

test: venv $(CHROMIUM) infra-check ## Run every test (unit and integration) against the emulator
	tests/with-emulator.sh $(MAKE) --no-print-directory test-inner

test-inner: export TWEETBOARD_INFRA_REQUIRED := 1
test-inner:
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
	  $(CARGO) nextest run --workspace --no-fail-fast && \
	  $(CARGO) nextest run -p tweetboard-consumer --no-default-features; \
	else \
	  $(CARGO) test --workspace --no-fail-fast && \
	  $(CARGO) test -p tweetboard-consumer --no-default-features; \
	fi

bench: bench-classify bench-record bench-chart bench-consumer ## Every benchmark (release builds); figures are reported in BENCHMARKS.md

bench-classify: ## The classifier's criterion benchmarks
	$(CARGO) bench -p tweetboard-classifier --bench classify

bench-record: ## One record's CPU path in the consumer: base64 + JSON decode + classify, and the DynamoDB item (criterion, then callgrind's instructions per stage)
	$(CARGO) bench -p tweetboard-consumer --bench record
	CARGO=$(CARGO) crates/consumer/benches/instructions.sh

bench-chart: venv ## Read units per board chart request at 10 and 10,000 tweets/hour, before and after the hourly counters (BENCHMARKS.md)
	tests/with-emulator.sh $(CARGO) nextest run -p tweetboard-integration-tests --run-ignored ignored-only \
	  --no-capture -E 'test(bench_chart_read_units_per_request)'

MEMORY_EVENTS := target/hostile-events

measure-memory: venv build ## Peak RSS of the release Lambdas on the worst inputs, run as Lambda runs them
	$(CARGO) build --release -p tweetboard-consumer -p tweetboard-ingest --bins
	RUST_LOG=error tests/with-emulator.sh bash -c '\
	  set -e; $(BIN)/tweetboard init --shards 1 >/dev/null; \
	  python3 tests/tools/hostile_events.py $(MEMORY_EVENTS) \
	    arn:aws:kinesis:$$AWS_REGION:123456789012:stream/$$STREAM_NAME; \
	  for e in $(MEMORY_EVENTS)/consumer-*.json; do echo "== $$e"; \
	    python3 tests/tools/lambda_host.py target/release/consumer $$e 2>/dev/null; done; \
	  for e in $(MEMORY_EVENTS)/ingest-*.json; do echo "== $$e"; \
	    python3 tests/tools/lambda_host.py target/release/ingest $$e 2>/dev/null; done'

lint: ## cargo fmt --check, clippy with warnings as errors, and the fuzz targets compile
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@# The fuzz crate is its own workspace: its checks (fuzz/checks) build with the
	@# workspace's tests, its five target shells here (stable, no RUSTC_BOOTSTRAP for a
	@# check; about a minute the first time, into fuzz/target, then seconds).
	$(CARGO) check --manifest-path fuzz/Cargo.toml

fmt: ## Format the code
	$(CARGO) fmt --all

# ---- The consumer side by side with its Python peers (BENCHMARKS.md) ----
# The peers (bench/peers) get their own environment inside .venv, so the emulator's
# boto3 never moves; dynalite (npm) is the DynamoDB emulator they all run against: it
# keeps connections alive, where moto closes every one.
POWERTOOLS_VERSION := 3.37.0
BENCH_BOTO3_VERSION := 1.44.8
DYNALITE_VERSION := 3.2.2
BENCH_VENV := $(VENV)/bench
# awslambdaric: AWS's runtime interface client, which Lambda's managed Python runtimes run;
# the bench runs each peer under it, behind the same Runtime API as the Rust binary.
AWSLAMBDARIC_VERSION := 4.2.2
BENCH_PEERS := $(BENCH_VENV)/.peers-$(POWERTOOLS_VERSION)-$(BENCH_BOTO3_VERSION)-$(AWSLAMBDARIC_VERSION)
DYNALITE := $(VENV)/dynalite/.dynalite-$(DYNALITE_VERSION)
BENCH_BATCHES ?= full,stress
BENCH_CONSUMERS ?= rust,a,b

$(BENCH_PEERS):
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check \
	  "aws-lambda-powertools==$(POWERTOOLS_VERSION)" "boto3==$(BENCH_BOTO3_VERSION)" \
	  "awslambdaric==$(AWSLAMBDARIC_VERSION)"
	touch $@

$(DYNALITE):
	mkdir -p $(VENV)/dynalite
	cd $(VENV)/dynalite && npm install --silent --no-audit --no-fund "dynalite@$(DYNALITE_VERSION)"
	touch $@

bench-tools: $(BENCH_PEERS) $(DYNALITE) ## Install the Python peers (.venv/bench) and dynalite (.venv/dynalite)

# Symbols are kept (not stripped) so `perf` can name functions; sizes are given stripped.
# BENCH_BATCHES=full BENCH_CONSUMERS=rust for a short run. The consumer's allocator is
# jemalloc (its default feature, since issue 12's ninth round); CONSUMER_FEATURES= (empty)
# builds it with glibc's malloc instead, for comparison (BENCHMARKS.md).
CONSUMER_FEATURES ?= jemalloc
CONSUMER_BUILD_FLAGS := --release -p tweetboard-consumer --no-default-features $(if $(CONSUMER_FEATURES),--features $(CONSUMER_FEATURES))
bench-consumer: bench-tools ## The consumer against the Python/Powertools peers on dynalite (minutes)
	CARGO_PROFILE_RELEASE_STRIP=false $(CARGO) build $(CONSUMER_BUILD_FLAGS)
	$(BENCH_VENV)/bin/python bench/consumer_bench.py --batches $(BENCH_BATCHES) \
	  --consumers $(BENCH_CONSUMERS) --json target/bench/consumer.json

# Issue 12's binding target, first delivery against peer (a), in BENCH_ROUNDS alternated
# rounds (one run moves ±15% here): medians and ranges, ratios taken within each round.
BENCH_ROUNDS ?= 7
bench-consumer-ratio: bench-tools ## First delivery of the full batch, tweetboard against peer (a), BENCH_ROUNDS rounds (minutes)
	CARGO_PROFILE_RELEASE_STRIP=false $(CARGO) build $(CONSUMER_BUILD_FLAGS)
	$(BENCH_VENV)/bin/python bench/consumer_bench.py --batches full --consumers rust,a \
	  --scenarios first --repeat $(BENCH_ROUNDS) --json target/bench/consumer-ratio.json

# Issue 12, fourth round: figures that do not move with the load (callgrind), and
# start-up with binaries alternated. BENCH_BINARIES names the builds to compare.
BENCH_BINARIES ?= target/release/consumer
bench-consumer-instructions: bench-tools ## Instructions per new record and at start-up of the release consumer (callgrind, minutes)
	CARGO_PROFILE_RELEASE_STRIP=false $(CARGO) build $(CONSUMER_BUILD_FLAGS)
	$(BENCH_VENV)/bin/python bench/consumer_instructions.py --binary target/release/consumer

bench-consumer-startup: bench-tools ## Start-up (process start to ready) of BENCH_BINARIES, alternated, 9 runs each
	$(BENCH_VENV)/bin/python bench/consumer_startup.py $(BENCH_BINARIES) --runs 9

# --- Reliability (issue 14): the long runs; make test keeps a short version of each. ---
# One after another, each emulator-bound part on a fresh emulator of its own, and each
# runnable alone: the emulator (one Python process, 60-170 requests a second here) is the
# trials' bottleneck, so a trial's time is its request count (RELIABILITY.md: why the
# fault mixes once ran past 7 minutes).
.PHONY: chaos chaos-properties chaos-faults chaos-crashes

CHAOS_PROPTEST_CASES ?= 1000

chaos: venv ## Long reliability runs: proptest, fault-proxy trials over thousands of records, 1,000 crash trials of the release consumer (figures in RELIABILITY.md)
	$(MAKE) --no-print-directory chaos-properties
	$(MAKE) --no-print-directory chaos-faults
	$(MAKE) --no-print-directory chaos-crashes

chaos-properties: ## The batch properties over CHAOS_PROPTEST_CASES (1,000) generated streams
	PROPTEST_CASES=$(CHAOS_PROPTEST_CASES) $(CARGO) nextest run -p tweetboard-core -E 'binary(batch_properties)'

chaos-faults: venv ## Seven fault mixes (each kind alone, all together) over 1,500 records each; prints CHAOS_FIGURES
	tests/with-emulator.sh $(CARGO) nextest run -p tweetboard-integration-tests --run-ignored only \
	  -E 'test(/^chaos::chaos_long/)' --no-capture

chaos-crashes: venv ## 1,000 crash trials of the release consumer (built first); prints CRASH_FIGURES
	$(CARGO) build --release -p tweetboard-consumer --bin consumer
	CONSUMER_BIN=$(CURDIR)/target/release/consumer tests/with-emulator.sh $(CARGO) nextest run \
	  -p tweetboard-integration-tests --run-ignored only -E 'test(/^crash::crash_long/)' --no-capture

# cargo-fuzz on the installed stable toolchain: RUSTC_BOOTSTRAP=1 lets it pass its
# nightly flags, and `--sanitizer none` needs no sanitizer runtime. Each target runs
# FUZZ_SECONDS from the committed corpus (fuzz/corpus, never written: new inputs go to
# target/fuzz-corpus) under an RSS limit and a per-input timeout, and stops at the
# first crash. The limits: the worst peak seen is 42 MB RSS (RELIABILITY.md), so 128 MB
# catches an input that makes memory grow threefold; every input runs in well under a
# millisecond, so 10 s (libFuzzer's default is 1,200) catches a hang soon. No
# -malloc_limit_mb: libFuzzer checks single allocations only through a sanitizer's
# malloc hooks, which `--sanitizer none` has not.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 128
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS := decode_record ingest_request board_cursor board_query event_body

fuzz: ## Fuzz record decoding, the ingest request, the board cursor and query string, the consumer's event read (cargo-fuzz, FUZZ_SECONDS each, RSS limit FUZZ_RSS_MB, FUZZ_TIMEOUT s per input)
	@$(CARGO) fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p target/fuzz-corpus/$$t; \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none $$t target/fuzz-corpus/$$t fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) -timeout=$(FUZZ_TIMEOUT) -max_len=65536 \
	    -print_final_stats=1 || exit 1; \
	done

# The JSON stage of one record's CPU path alone (issue 12, fifth round): instructions per
# decode of the bench tweet, counted by callgrind on a release build of tweetboard-core
# only (about a minute, where the consumer's bench takes 8-20). Built unstripped so that
# `callgrind_annotate` can name the functions of a profile. Figures in BENCHMARKS.md.
.PHONY: bench-json
BENCH_JSON_ITERS ?= 1000

bench-json: ## Instructions per JSON decode of the bench tweet: fast path and serde, as committed and compact, and with a 280-character non-ASCII text (callgrind, core-only release build)
	CARGO_PROFILE_RELEASE_STRIP=false $(CARGO) build --release -p tweetboard-core --features testing --example decode_instructions
	@bin=$${CARGO_TARGET_DIR:-target}/release/examples/decode_instructions; \
	count() { DECODE_STAGE=$$1 DECODE_ITERS=$(BENCH_JSON_ITERS) valgrind --tool=callgrind --callgrind-out-file=/dev/null $$bin 2>&1 | \
	  sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }; \
	setup=$$(count setup); \
	echo "instructions per call ($(BENCH_JSON_ITERS) calls each, callgrind; $$bin)"; \
	for s in json json-serde json-compact json-serde-compact json-weekday json-compact-full json-envelope id-envelope; do \
	  printf '  %-20s %8d\n' $$s $$(( ($$(count $$s) - setup) / $(BENCH_JSON_ITERS) )); \
	done

# The classifier's stage of one record's CPU path alone (issue 12, sixth round: the
# recipe): instructions per call on the bench tweet, and per tweet over the 13,000
# labeled tweets, counted by callgrind on a release build of tweetboard-classifier only
# (about a minute). Built unstripped so that `callgrind_annotate` can name the
# functions of a profile. Figures in BENCHMARKS.md.
.PHONY: bench-recipe
BENCH_RECIPE_ITERS ?= 1000

bench-recipe: ## Instructions per Record::from_tweet, recipe, score and classify of the bench tweet, and per recipe over the labeled set (callgrind, classifier-only release build)
	CARGO_PROFILE_RELEASE_STRIP=false $(CARGO) build --release -p tweetboard-classifier --example recipe_instructions
	@bin=$${CARGO_TARGET_DIR:-target}/release/examples/recipe_instructions; \
	count() { RECIPE_STAGE=$$1 RECIPE_ITERS=$$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null $$bin 2>&1 | \
	  sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }; \
	setup=$$(count setup $(BENCH_RECIPE_ITERS)); \
	echo "instructions per call ($(BENCH_RECIPE_ITERS) calls each, callgrind; $$bin)"; \
	for s in record recipe score classify classify-tweet; do \
	  printf '  %-16s %8d\n' $$s $$(( ($$(count $$s $(BENCH_RECIPE_ITERS)) - setup) / $(BENCH_RECIPE_ITERS) )); \
	done; \
	setup=$$(count setup-labeled 3); \
	printf '  %-16s %8d  (per tweet, 3 passes over the 13,000 labeled tweets)\n' recipe-labeled \
	  $$(( ($$(count recipe-labeled 3) - setup) / 39000 )); \
	setup=$$(count setup-handwritten 3); \
	n=$$(RECIPE_STAGE=setup-handwritten RECIPE_ITERS=0 $$bin 2>&1 | sed -n 's/ hand-written tweets//p'); \
	printf '  %-16s %8d  (per tweet, 3 passes over the %d hand-written tweets)\n' recipe-handwritten \
	  $$(( ($$(count recipe-handwritten 3) - setup) / (3 * n) )) $$n; \
	setup=$$(count setup-handwritten-full 3); \
	printf '  %-16s %8d  (per tweet, the same with each text repeated to 280 characters)\n' recipe-hw-full \
	  $$(( ($$(count recipe-handwritten-full 3) - setup) / (3 * n) )); \
	for t in en ja ko es ru kana-kanji; do \
	  setup=$$(RECIPE_TEXT=$$t count setup $(BENCH_RECIPE_ITERS)); \
	  printf '  %-16s %8d  (named tweet, issue 15: crates/classifier/examples/recipe_instructions.rs)\n' recipe-$$t \
	    $$(( ($$(RECIPE_TEXT=$$t count recipe-text $(BENCH_RECIPE_ITERS)) - setup) / $(BENCH_RECIPE_ITERS) )); \
	done

# Issue 15, seventh and eighth rounds: the shipped model trains on the generated set and the burned
# hand-written sets (crates/classifier/data/training-set.txt); this is its honest measure.
.PHONY: model-train model-loso
model-train: ## Retrain the shipped model from crates/classifier/data/training-set.txt into models/default.json
	$(CARGO) run -p tweetboard-cli --bin tweetboard -- train \
	  --manifest crates/classifier/data/training-set.txt --out crates/classifier/models/default.json

model-loso: ## Leave-one-set-out over the hand-written training sets, the fifth round's model beside it (about a minute, release)
	mkdir -p target
	git show 7b3103c:crates/classifier/models/default.json > target/fifth-round-model.json # tweetboard-lr-b85051e10334
	crates/classifier/data/leave_one_set_out.sh --compare target/fifth-round-model.json
	$(CARGO) test --release -p tweetboard-classifier --test shipped_model -- --ignored leave_one_set_out
