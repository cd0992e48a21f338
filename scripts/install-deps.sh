#!/usr/bin/env bash
# Installs what DriftTune needs from Debian, only if it is missing: OpenBLAS (libopenblas-dev),
# SQLite (libsqlite3-dev, for the policy registry through GRDB) and pkg-config, which SwiftPM uses.
set -euo pipefail
missing=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "install-deps: swift not found on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
