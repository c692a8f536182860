#!/usr/bin/env bash
# Peak memory of `motcua serve` while it takes N dossiers of 40 MB at once (issue 13,
# docs/PERFORMANCE.md "Uploads (issue 13)"): each dossier has three PDF attachments of just
# under 10 MB (30 MB together, the most one dossier may hold: 40 MB of base64 in the JSON body,
# whose limit is 42 MB), filed by the demo citizen from one kiosk, all sent at the same moment.
# Prints one JSON line: the server's resident memory at rest and at its peak (VmHWM), the
# database's growth, and the answers (201 filed, 503 told to come back).
#
# Usage: scripts/upload-memory.sh [MOTCUA_BINARY] [UPLOADS] [EXTRA SERVE ARGS...]
#   MOTCUA_BINARY  default: the release build (built first if missing)
#   UPLOADS        default: 6
# Loopback only; the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${1:-$TARGET/release/motcua}
N=${2:-6}
shift $(( $# > 2 ? 2 : $# ))
[ -x "$BIN" ] || cargo build --release -p motcua-cli --bin motcua
# The client: its speed is not what is measured (a debug build is enough).
cargo build -q -p motcua-office --example uploads
CLIENT=$TARGET/debug/examples/uploads

DIR=$(mktemp -d)
SPID=""
cleanup() {
  if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT
TOKEN=$("$BIN" device add --db "$DIR/office.db" --kind kiosk --name uploads 2>/dev/null | tail -n 1)
"$BIN" serve --listen 127.0.0.1:0 --db "$DIR/office.db" --demo-sign-in --no-seed "$@" \
  > "$DIR/serve.out" 2> "$DIR/serve.log" &
SPID=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$DIR/serve.out" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$DIR/serve.out" | head -n 1)
[ -n "$URL" ] || { cat "$DIR/serve.log" >&2; echo "the server did not start" >&2; exit 1; }

kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SPID/status"; }
db_bytes() { du -cb "$DIR"/office.db* | tail -n 1 | cut -f1; }
REST=$(kib VmRSS)
DB_BEFORE=$(db_bytes)
RESULT=$("$CLIENT" --url "$URL" --token "$TOKEN" --uploads "$N")
PEAK=$(kib VmHWM)
AFTER=$(kib VmRSS)
DB_AFTER=$(db_bytes)
python3 - "$RESULT" "$REST" "$PEAK" "$AFTER" "$DB_BEFORE" "$DB_AFTER" "$BIN" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
rest, peak, after, before_db, after_db = (int(x) for x in sys.argv[2:7])
r.update({
    "binary": sys.argv[7],
    "rss_at_rest_mib": round(rest / 1024, 1),
    "peak_rss_mib": round(peak / 1024, 1),
    "rss_after_mib": round(after / 1024, 1),
    "db_growth_mib": round((after_db - before_db) / 2**20, 1),
    "filed": r["statuses"].count(201),
})
print(json.dumps(r))
EOF
