# Một Cửa Kiosk. Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps ui kiosk lint generated bench release serve clean

## Installs what is missing, builds, and opens the kiosk with an embedded office server and demo data.
run: deps ui
	cargo build --release -p motcua-kiosk
	MOTCUA_DEMO=1 ./target/release/motcua-kiosk

## Runs every test, the real-window end-to-end ones included (under Xvfb), after every lint.
##
## One build serves the lints and the tests: clippy-driver compiles the workspace's own crates
## (every warning an error, as `cargo clippy -- -D warnings`) with full code generation, so the
## dependencies are compiled once instead of once for `cargo clippy` and again for the tests.
## `--all-targets` lints examples and benches too; the tests run without linking anything again.
CLIPPY := RUSTC_WORKSPACE_WRAPPER=$(shell rustup which clippy-driver 2>/dev/null || echo clippy-driver) \
	CLIPPY_ARGS=-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
test: deps ui
	cargo fmt --all -- --check
	cd ui && npm run lint
	cd ui && npm test
	$(CLIPPY) cargo test --workspace --all-targets --no-run
	$(CLIPPY) cargo test --workspace --no-fail-fast --tests
	$(CLIPPY) cargo test --workspace --no-fail-fast --doc

deps:
	@./scripts/install-deps.sh

ui:
	cd ui && npm run build

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run lint

## Rewrites ui/src/generated (the TypeScript twins of the Rust wire types); `make test` fails
## when they are out of date.
generated:
	MOTCUA_WRITE_GENERATED=1 cargo test -p motcua-kiosk --lib wire_ts

## Office server alone, for a LAN deployment.
serve: deps ui
	cargo run --release -p motcua-cli --bin motcua -- serve

## Benchmarks; figures go to docs/PERFORMANCE.md.
bench: deps ui
	./scripts/bench.sh

## Release builds of the kiosk and of `motcua`, each on its own so that the kiosk does not get
## the office's bundled pages through feature unification (it serves Tauri's copy).
release: deps ui
	cargo build --release -p motcua-kiosk
	cargo build --release -p motcua-cli

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
