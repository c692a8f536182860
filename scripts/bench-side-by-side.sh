#!/usr/bin/env bash
# Ticket issuing over HTTP, two `motcua` builds side by side (alternating, fresh database each
# run, the same load client): the way docs/PERFORMANCE.md compares before and after a change on
# a VM whose speed drifts from one hour to the next.
# Usage: scripts/bench-side-by-side.sh OLD_MOTCUA NEW_MOTCUA LOAD_EXAMPLE [ROUNDS]
# The new build gets a kiosk token (`motcua device add`); an old one without identities ignores it.
set -u
OLD=$1 NEW=$2 LOAD=$3 ROUNDS=${4:-8}
for round in $(seq 1 "$ROUNDS"); do
  for which in old new; do
    d=$(mktemp -d)
    if [ $which = old ]; then BIN=$OLD; TOKEN=none; else
      BIN=$NEW; TOKEN=$("$NEW" device add --db "$d/load.db" --kind kiosk --name load | tail -n 1)
    fi
    "$BIN" serve --listen 127.0.0.1:18080 --db "$d/load.db" > "$d/serve.log" 2>&1 &
    P=$!
    sleep 1.5
    printf '%s %s: ' "$round" "$which"
    "$LOAD" --url http://127.0.0.1:18080 --token "$TOKEN" --clients 64 --requests 20000 2>&1 | tail -n 1
    kill $P; wait $P 2>/dev/null; rm -rf "$d"
  done
done
