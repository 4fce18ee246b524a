#!/usr/bin/env bash
# Feature job throughput benchmark: simulates a shop once (default 2,000 shoppers, 300
# products, 14 days: ~96k events; USERS/PRODUCTS/DAYS change it, e.g. USERS=20000
# PRODUCTS=1000 for ~950k events), then replays it through `flywheel features run` several
# times (fresh stores each time) and prints the feature job's events/s per run and the median.
#   [USERS=N] [PRODUCTS=N] [DAYS=N] bench/features.sh [RUNS] [extra `features run` options...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
shift || true
HOME_DIR="$(mktemp -d "${TMPDIR:-/tmp}/flywheel-bench-features.XXXXXX")"
trap 'rm -rf "$HOME_DIR"' EXIT

"$ROOT/flywheel" --home "$HOME_DIR" simulate --users "${USERS:-2000}" \
    --products "${PRODUCTS:-300}" --days "${DAYS:-14}" --dirty 0.01 --quiet > /dev/null

rates=()
for run in $(seq 1 "$RUNS"); do
  rm -rf "$HOME_DIR/features"
  # Progress lines go to stderr; the last "features 100%" line carries the job's rate.
  line=$("$ROOT/flywheel" --home "$HOME_DIR" features run "$@" 2>&1 >/dev/null \
      | grep -E '^features +100%' | tail -1)
  rate=$(sed -E 's/.* ([0-9,]+) ev\/s.*/\1/' <<<"$line" | tr -d ,)
  echo "run $run: $rate events/s (feature job, $(sed -E 's/.*\(([0-9:]+) \/.*/\1/' <<<"$line") elapsed)"
  rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median events/s over $RUNS runs"
