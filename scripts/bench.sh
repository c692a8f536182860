#!/usr/bin/env bash
# Benchmarks behind docs/PERFORMANCE.md. Prints every figure; copy them into the doc with the
# machine and the date. Needs the release build (made here) and Xvfb, hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v hyperfine >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -qq hyperfine; }

echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g | head -2; date -u +%F

echo "== builds first, so that nothing compiles while measuring"
cargo build --release -p motcua-cli --bin motcua
cargo build --release -p motcua-office --example load --example sse_latency
# The kiosk binary on its own first: built with the examples or benches, cargo would unify in
# their dev-dependencies' features (the office's bundled pages), which the shipped kiosk lacks.
cargo build --release -p motcua-kiosk --bin motcua-kiosk
mkdir -p target/bench && cp target/release/motcua-kiosk target/bench/motcua-kiosk
cargo build --release -p motcua-kiosk --example empty_window --example kiosk_filing
cargo bench -p motcua-office --bench issue --no-run
cargo bench -p motcua-print --bench escpos --no-run
cargo bench -p motcua-print --bench receipt --no-run
cargo bench -p motcua-catalog --bench catalog --no-run
cargo build --release -p motcua-catalog --example search_latency
cargo build --release -p motcua-office --example filing
cargo bench -p motcua-kiosk --bench keystroke --no-run

echo "== binary sizes (release, stripped)"
stat -c "%n %s bytes" target/bench/motcua-kiosk target/release/motcua

echo "== criterion: ticket issuing in process (store, group commit)"
cargo bench -p motcua-office --bench issue -- --warm-up-time 1 --measurement-time 5
echo "== criterion: kiosk tap -> ESC/POS bytes ready"
cargo bench -p motcua-print --bench escpos -- --warm-up-time 1 --measurement-time 5

echo "== criterion: receipt rendering (A4 PDF, 80 mm ESC/POS)"
cargo bench -p motcua-print --bench receipt -- --warm-up-time 1 --measurement-time 5
echo "== criterion: catalog search and import (all 2,642 procedures)"
cargo bench -p motcua-catalog --bench catalog -- --warm-up-time 1 --measurement-time 5
echo "== catalog search latency percentiles (24-query mix x 300 rounds, SQLite file)"
target/release/examples/search_latency 300
echo "== online filing over HTTP (three 2 MB attachments)"
target/release/examples/filing
echo "== online filing from the kiosk (outbox, send, acknowledgement, receipt printed)"
target/release/examples/kiosk_filing 2>/dev/null

echo "== load: 64 kiosks issuing tickets over HTTP (real server, release build)"
LOADDB=$(mktemp -d)
# As kiosks issue: 64 kiosks, each with its own device token (checked by the server's guard,
# counted in its own token bucket) and an Idempotency-Key per ticket. 20,000 tickets are ~310
# a kiosk, far over a kiosk's real pace: the buckets are opened up for this run, which
# measures capacity, not the limits.
TOKENS=$(for i in $(seq 1 64); do
  target/release/motcua device add --db "$LOADDB/load.db" --kind kiosk --name "load-$i" | tail -n 1
done | paste -sd, -)
target/release/motcua serve --listen 127.0.0.1:18080 --db "$LOADDB/load.db" \
  --tickets-per-minute 1000000 --ticket-burst 1000000 > "$LOADDB/serve.log" &
SPID=$!
sleep 1
MOTCUA_TOKENS="$TOKENS" target/release/examples/load --url http://127.0.0.1:18080 --clients 64 --requests 20000
kill $SPID; wait $SPID || true; rm -rf "$LOADDB"

echo "== call -> board event, 50 boards connected over SSE (real server in process, release)"
target/release/examples/sse_latency --clients 50 --calls 500

KIOSK=target/bench/motcua-kiosk
EMPTY=target/release/examples/empty_window

n=$(for i in $(seq 700 799); do [ -e /tmp/.X11-unix/X$i ] || { echo $i; break; }; done)
Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null || true' EXIT
sleep 1
DATA=$(mktemp -d)
echo "== cold start to the home screen (release, embedded server, window 1280x800)"
DISPLAY=":$n" WEBKIT_DISABLE_COMPOSITING_MODE=1 MOTCUA_WINDOW=1280x800 MOTCUA_DATA_DIR="$DATA" \
  MOTCUA_EXIT_WHEN_READY=1 hyperfine --warmup 2 --runs 15 --export-json target/coldstart.json "$KIOSK"

echo "== keystroke -> results drawn in the kiosk (real window, on-screen keyboard)"
cargo bench -p motcua-kiosk --bench keystroke

echo "== memory (PSS, all processes) at rest: kiosk on its home screen vs an empty Tauri 2 window"
python3 scripts/measure_memory.py --runs 3 --settle 5 --ready-line "home screen ready" \
  --env MOTCUA_WINDOW=1280x800 --env MOTCUA_DATA_DIR="$DATA" -- "$KIOSK"
python3 scripts/measure_memory.py --runs 3 --settle 8 -- "$EMPTY"
rm -rf "$DATA"
