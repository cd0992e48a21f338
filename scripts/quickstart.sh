#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the release binary and runs the
# quickstart scenario (all three domains, the agent against every baseline), which writes
# results/quickstart/ (summary.csv, summary.md, curves.csv, report.html, manifest.json), then
# prints the summary table. Rerunning it resumes: finished runs are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "quickstart: building drifttune (release; the first build takes a few minutes)" >&2
swift build -c release --product drifttune
bin="$(swift build -c release --show-bin-path)/drifttune"
out=results/quickstart
start=$(date +%s)
"$bin" sweep scenarios/quickstart.yaml --out "$out"
echo "quickstart: sweep finished in $(( $(date +%s) - start )) s; open $out/report.html for the plots" >&2
cat "$out/summary.md"
