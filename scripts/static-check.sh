#!/usr/bin/env bash
# Shows that the static build (scripts/build-static.sh) runs `drifttune sweep` without the
# toolchain: a minimal Debian root made with debootstrap (bookworm, minbase) in a temporary
# folder, with only libopenblas0 and libsqlite3-0 added, a copy of the repository, and a small
# sweep run inside it with chroot. Downloads Debian packages, so
# it is not part of .ci/run.
#   scripts/static-check.sh [BINARY]     (default: builds it)
# STATIC_CHECK_ROOT=DIR reuses (or makes and keeps) the Debian root in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bin=${1:-$(scripts/build-static.sh)}
command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/drifttune-static-check.XXXXXX")
root=${STATIC_CHECK_ROOT:-$tmp/root}
mounted=""
cleanup() {
    [[ -n $mounted ]] && umount "$mounted"
    rm -rf "$tmp"
}
trap cleanup EXIT
if [[ ! -x $root/bin/sh ]]; then
    echo "static-check: debootstrap --variant=minbase bookworm $root" >&2
    debootstrap --variant=minbase bookworm "$root" >"$tmp/debootstrap.log" 2>&1 || { tail -20 "$tmp/debootstrap.log" >&2; exit 1; }
    chroot "$root" apt-get install -y -qq --no-install-recommends libopenblas0 libsqlite3-0 >"$tmp/apt.log" 2>&1 \
        || { tail -20 "$tmp/apt.log" >&2; exit 1; }
fi
if [[ -e $root/opt/swift ]] || chroot "$root" sh -c 'command -v swift' >/dev/null; then
    echo "static-check: the root has a Swift toolchain" >&2; exit 1
fi
work=$root/drifttune-check
rm -rf "$work"
mkdir -p "$work"
git -C "$repo" archive HEAD | tar -x -C "$work"   # a copy of the repository (its committed files)
cp "$bin" "$work/drifttune"
cat >"$work/scenarios/static-check.yaml" <<'YAML'
name: static-check
environments:
  - name: network-diagnosis
    overrides: {period_length: 200, episode_length: 10, warmup_periods: 1}
train_seeds: [1, 2]
test_seeds: [11, 12]
training: {steps: 400}
agent: {num_envs: 4, num_steps: 50, num_minibatches: 4, hidden_sizes: [16, 16]}
methods: [agent, fixed, static-search, adwin, oracle]
statistics: {bootstrap_resamples: 200}
YAML
echo "static-check: packages in the root: $(chroot "$root" dpkg-query -W -f '${Package}\n' | wc -l);" \
    "$(chroot "$root" dpkg-query -W -f '${Package}\n' | grep -E '^lib(openblas0|sqlite3-0)' | tr '\n' ' ')" >&2
# As on any node, /proc is there (a static Swift binary reads its arguments from /proc/self/cmdline).
if ! mountpoint -q "$root/proc"; then
    mount -t proc proc "$root/proc"
    mounted=$root/proc
fi
chroot "$root" /drifttune-check/drifttune --version
(cd "$work" && chroot "$root" sh -c 'cd /drifttune-check && ./drifttune sweep scenarios/static-check.yaml --out results/static-check --quiet')
[[ -f $work/results/static-check/summary.md ]] || { echo "static-check: no summary.md" >&2; exit 1; }
rm -rf "$work"
echo "static-check: drifttune sweep ran in a Debian root without the toolchain" >&2
