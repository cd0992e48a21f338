#!/usr/bin/env bash
# The drifttune binary for nodes without the Swift toolchain: a release build with the Swift
# runtime and Foundation linked statically. It needs only Debian's C libraries plus libopenblas0
# and libsqlite3-0. Prints the binary's path; fails if it still links a Swift library.
#   scripts/build-static.sh && scp .build/release/drifttune node:/shared/bin/
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product drifttune >&2
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/drifttune
if ldd "$bin" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift|/usr/lib/swift'; then
    echo "build-static: $bin still links a Swift library (above)" >&2
    exit 1
fi
echo "build-static: $bin links no Swift library; it needs:" >&2
ldd "$bin" | awk '{print "  " $1}' >&2
echo "$bin"
