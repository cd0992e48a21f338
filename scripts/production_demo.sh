#!/usr/bin/env bash
# The production learner on streams no part of training produced: network-diagnosis streams with
# seeds 777–781 (training used 1–16, evaluation 1001–1020) and a drift schedule variant no
# scenario uses (every event 5 periods later and 1.5× stronger). The committed tuned policy
# (results/network-diagnosis/policies/) is followed by `drifttune learn` and compared on the same
# data with the hand-written rules (fixed settings, periodic retraining, detector-triggered
# retraining) run in the same learner loop (`--env network-diagnosis`: the spec's loop settings,
# bins and default action, which the policy file also records).
# Prints one row per stream and controller, then the means. Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/drifttune"
[ -x "$bin" ] || { echo "production_demo: build first: swift build -c release --product drifttune" >&2; exit 1; }
policy=results/network-diagnosis/policies/network-diagnosis.policy
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%s\t%s\t%s\t%s\t%s\n' seed controller mean_accuracy compute retrains_and_fine_tunes
for seed in 777 778 779 780 781; do
  "$bin" stream --env network-diagnosis --seed "$seed" --drift-shift 5 --drift-scale 1.5 --out "$dir/s.csv" 2>/dev/null
  for controller in "$policy" fixed periodic:10 adwin ddm; do
    "$bin" learn --policy "$controller" --env network-diagnosis --data "$dir/s.csv" --label label --json 2>/dev/null |
      python3 -c 'import json, sys; d = json.load(sys.stdin); print("%s\t%s\t%.4f\t%.1f\t%d" % (sys.argv[1], d["controller"], d["mean_metric"], d["compute"], d["retrains"] + d["fine_tunes"]))' "$seed"
  done
done | tee "$dir/rows.tsv"
python3 - "$dir/rows.tsv" <<'EOF'
import collections, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    seed, name, metric, compute, retrains = line.split("\t")
    by[name].append((float(metric), float(compute), int(retrains)))
print("\nmeans over %d streams" % len(next(iter(by.values()))))
for name, rows in by.items():
    n = len(rows)
    print("%-12s accuracy %.4f  compute %6.1f  retrains+fine-tunes %.1f"
          % (name, sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n))
EOF
