#!/usr/bin/env bash
# Total CPU seconds (user + sys, /usr/bin/time) of a scenario on one machine and as cluster phases
# with N shards (every shard of --phase train, every shard of --phase evaluate, then merge, one
# after the other), and a byte comparison of each sharded folder with the one-machine folder.
# Training runs once, so the totals stay close to one machine's.
#   scripts/shard-cpu.sh [SCENARIO] [N...]     (default: scenarios/network-diagnosis.yaml 2 4)
# DRIFTTUNE: the binary (default .build/release/drifttune). Work happens in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/network-diagnosis.yaml}
shift || true
counts=("${@:-2 4}")
[[ $# -eq 0 ]] && counts=(2 4)
drifttune=${DRIFTTUNE:-.build/release/drifttune}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/drifttune-shard-cpu.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

total=0
# Runs a command under /usr/bin/time and adds its user + sys seconds to $total.
timed() {
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >/dev/null 2>>"$tmp/log"
    local cpu
    cpu=$(awk '{print $1 + $2}' "$tmp/time")
    total=$(awk -v a="$total" -v b="$cpu" 'BEGIN {print a + b}')
}

same() {
    diff -r -q -x manifest.json "$1" "$2" >/dev/null
}

total=0
start=$(date +%s)
timed "$drifttune" sweep "$scenario" --out "$tmp/one" --jobs 1 --quiet
one=$total
printf 'one machine: %.1f CPU s (%d s wall)\n' "$one" $(($(date +%s) - start))
for n in "${counts[@]}"; do
    total=0
    start=$(date +%s)
    for i in $(seq "$n"); do timed "$drifttune" sweep "$scenario" --out "$tmp/s$n" --jobs 1 --quiet --phase train --shard "$i/$n"; done
    for i in $(seq "$n"); do timed "$drifttune" sweep "$scenario" --out "$tmp/s$n" --jobs 1 --quiet --phase evaluate --shard "$i/$n"; done
    timed "$drifttune" merge "$scenario" --out "$tmp/s$n"
    verdict="byte-identical to one machine"
    same "$tmp/one" "$tmp/s$n" || verdict="DIFFERENT from one machine"
    printf '%d shards: %.1f CPU s (%+.1f%% of one machine; %d s wall), %s\n' "$n" "$total" \
        "$(awk -v a="$total" -v b="$one" 'BEGIN {print 100 * (a - b) / b}')" $(($(date +%s) - start)) "$verdict"
done
