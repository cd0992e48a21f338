#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS (issue 14, "Fuzzing"). Usage:
#
#     scripts/fuzz.sh environment|scenario|training|csv|policy|numbers|family SECONDS
#
# Builds `drifttune-fuzz` (release, -sanitize=fuzzer,address, -D FUZZING) in .build-fuzz if needed,
# starts from the committed seeds in fuzz/corpus/TARGET, and keeps the grown corpus, crash inputs and
# the log under .build-fuzz/runs/TARGET/ (ignored; FUZZ_WORK=DIR puts them elsewhere). Prints runs,
# exec/s and coverage at the end; exits non-zero when libFuzzer found a crash, leak or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="environment scenario training csv policy numbers family"
target=${1:-}
seconds=${2:-}
if [[ -z "$target" || ! " $targets " == *" $target "* || ! "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh ${targets// /|} SECONDS" >&2
    exit 2
fi
flags=(-c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library)
swift build "${flags[@]}" --product drifttune-fuzz
work=${FUZZ_WORK:-.build-fuzz/runs/$target}
mkdir -p "$work/corpus" "$work/crashes"
# A copy, so that a rebuild during the run does not change the binary under it.
bin="$work/drifttune-fuzz"
cp "$(swift build "${flags[@]}" --show-bin-path)/drifttune-fuzz" "$bin"
log="$work/fuzz.log"
echo "fuzz: $target for ${seconds}s; corpus $work/corpus, crashes $work/crashes, log $log"
# The first folder receives new inputs; the committed seeds are only read. A single input running
# longer than 20 s counts as a hang.
status=0
DRIFTTUNE_FUZZ_TARGET="$target" DRIFTTUNE_ENVIRONMENTS="$PWD/environments" \
    "$bin" "$work/corpus" "fuzz/corpus/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$work/crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?
echo "fuzz: $target exit status $status"
# libFuzzer's last status line carries the coverage (cov: edges, ft: features) and corpus size.
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done [0-9]+ runs' "$log" || tail -n 40 "$log"
if [[ $status -ne 0 ]]; then
    grep -E 'ERROR: |SUMMARY: |Test unit written to|Fatal error|Illegal instruction' "$log" | head -n 20 || true
fi
exit "$status"
