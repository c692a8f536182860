# Một Cửa Kiosk. Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps ui kiosk lint test-rust bench release serve clean

## Installs what is missing, builds, and opens the kiosk with an embedded office server and demo data.
run: deps ui
	cargo build --release -p motcua-kiosk
	MOTCUA_DEMO=1 ./target/release/motcua-kiosk

## Runs every test, the real-window end-to-end ones included (under Xvfb).
test: deps ui lint
	cd ui && npm test
	cargo test --workspace --no-fail-fast

deps:
	@./scripts/install-deps.sh

ui:
	cd ui && npm run build

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run lint

## Office server alone, for a LAN deployment.
serve: deps
	cargo run --release -p motcua-office --bin motcua -- serve

## Benchmarks; figures go to docs/PERFORMANCE.md.
bench: deps ui
	./scripts/bench.sh

## Release build of the kiosk and its Linux package.
release: deps ui
	cargo build --release --workspace

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
