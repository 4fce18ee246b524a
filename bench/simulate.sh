#!/usr/bin/env bash
# Simulator throughput benchmark: writes ~10 million events with a 1 GB heap, several times,
# and prints events/s and peak heap per run and their medians.
#   bench/simulate.sh [RUNS] [extra simulate options...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
shift || true
OUT="$(mktemp -d "${TMPDIR:-/tmp}/flywheel-bench.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

export FLYWHEEL_JAVA_OPTS="-Xmx1g"
"$ROOT/flywheel" --help >/dev/null   # build first, outside the timings

rates=()
heaps=()
walls=()
for run in $(seq 1 "$RUNS"); do
  rm -rf "$OUT/world"
  start=$(date +%s%N)
  "$ROOT/flywheel" simulate --users 105000 --products 10000 --days 30 --seed "$run" \
      --out "$OUT/world" --quiet --json "$@" > "$OUT/summary.json"
  end=$(date +%s%N)
  read -r lines rate heap < <(python3 - "$OUT/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(s["eventLines"], round(s["eventsPerSecond"]), s["peakHeapBytes"] // (1024 * 1024))
PY
)
  wall=$(( (end - start) / 1000000 ))
  echo "run $run: $lines events, $rate events/s (simulator), peak heap $heap MB, wall ${wall} ms (JVM start included)"
  rates+=("$rate"); heaps+=("$heap"); walls+=("$wall")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median: $(median "${rates[@]}") events/s, peak heap $(median "${heaps[@]}") MB, wall $(median "${walls[@]}") ms over $RUNS runs"
