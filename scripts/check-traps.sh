#!/usr/bin/env bash
# Fails when a `try!` or `fatalError(` appears in Sources/ (issue 14: no input, flag or file may
# crash the tool; errors are thrown and reported as one line instead).
set -euo pipefail
cd "$(dirname "$0")/.."
if hits=$(grep -rnE --include='*.swift' 'try!|fatalError\(' Sources); then
    echo "check-traps: try! or fatalError( in Sources/ (throw an error instead):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "check-traps: no try! or fatalError( in Sources/"
