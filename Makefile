# The two commands a newcomer needs: `make dev` and `make test`. Each runs the
# idempotent bootstrap first, so a fresh machine needs nothing else.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PORT ?= 8787

.PHONY: dev test bootstrap build widget edge bench bench-edge bench-leads size fuzz conformance forms admin
.DEFAULT_GOAL := dev

## Build everything and serve the product locally (wrangler dev + local D1).
dev: bootstrap
	PORT=$(PORT) scripts/dev.sh

## Run every check and test; exits non-zero on any failure.
test: bootstrap
	scripts/test.sh

## Install what is missing: wasm32 toolchain, wasm-bindgen, worker-build, npm tools, Chromium.
bootstrap:
	scripts/bootstrap.sh

build: widget edge

widget: bootstrap
	scripts/build-widget.sh

edge: bootstrap
	scripts/build-edge.sh

## Load form specs into D1 (check first): make forms [SPECS="edge/forms/x.toml"] [REMOTE=1].
forms: bootstrap
	scripts/load-forms.sh $(if $(REMOTE),--remote) $(SPECS)

## Make an admin account through a running Worker: make admin EMAIL=… [SITE=…] [NAME=…] [URL=… ADMIN_TOKEN=…].
admin:
	node scripts/admin.mjs

## Measure everything and write BENCHMARKS.md: widget size and speed, the edge against its floor, the crowd runs, the leads API, fuzzing.
bench: bootstrap
	scripts/bench.sh

## Load the edge under wrangler dev: submissions/s, p50/p99 at 1 and 50 connections, against a one-insert floor.
bench-edge: bootstrap
	scripts/bench-edge.sh

## Time the leads API's common queries (filters, paging, funnel, exports) on a local D1 seeded with 100,000 leads.
bench-leads: bootstrap
	scripts/bench-leads.sh

## What a visitor downloads (loader + glue + wasm, gzipped) beside @typeform/embed, and each crate's weight.
size: bootstrap
	scripts/size.sh

## Fuzz shared's specs, submissions, qualification rules and CSV export; FUZZ_SECONDS=600 make fuzz for a long run.
fuzz: bootstrap
	scripts/fuzz.sh

## Look for new API conformance failures: schemathesis from a new seed with more examples (CONFORMANCE_EXAMPLES=150); make test replays a fixed one.
conformance: bootstrap
	. scripts/env.sh && scripts/build-edge.sh --faults && \
	  CONFORMANCE_SEED=$${CONFORMANCE_SEED:-random} CONFORMANCE_EXAMPLES=$${CONFORMANCE_EXAMPLES:-150} \
	  node tests/conformance/run.mjs
