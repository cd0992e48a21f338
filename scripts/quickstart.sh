#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the release binary and runs the
# quickstart job, which writes its result table under results/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "quickstart: building drifttune (release; the first build takes a few minutes)" >&2
swift build -c release --product drifttune
bin="$(swift build -c release --show-bin-path)/drifttune"
out=results/quickstart
mkdir -p "$out"
echo "quickstart: measuring the BLAS core, learners and detectors (drifttune bench)" >&2
"$bin" bench > "$out/bench.json.tmp"
mv "$out/bench.json.tmp" "$out/bench.json"
cat "$out/bench.json"
echo "quickstart: wrote $out/bench.json" >&2
