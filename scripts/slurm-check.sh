#!/usr/bin/env bash
# A real one-node Slurm cluster for one check: `drifttune slurm --submit` runs a scenario as a
# training array, an evaluation array (afterok) and a merge job over one shared results folder,
# and the merged results must be byte-identical to a one-machine `drifttune sweep`.
#
# Everything lives in a temporary folder: a private munge key and socket, slurm.conf
# (proctrack/linuxproc, task/none, no accounting), state, spool and logs. The daemons started
# here (munged, slurmctld, slurmd -N localhost) are stopped by the PIDs recorded here, nothing else.
#
#   scripts/slurm-check.sh                 # CI: a reduced quickstart (written to the temporary folder), debug build
#   DRIFTTUNE=.build/release/drifttune SLURM_CHECK_SCENARIO=scenarios/quickstart.yaml scripts/slurm-check.sh
#
# DRIFTTUNE: the binary (default .build/debug/drifttune, built if missing).
# SLURM_CHECK_SCENARIO: a scenario file to run as is (default: the quickstart's environments and
#   methods with short episodes and a tiny budget, written to the temporary folder, so that a
#   debug build finishes in a few minutes).
# SLURM_CHECK_TIMEOUT: seconds to wait for the jobs (default 1200).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
start=$(date +%s)

say() { echo "slurm-check: $*" >&2; }

# Debian's Slurm 22.05 and munge, if missing.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

drifttune=${DRIFTTUNE:-.build/debug/drifttune}
if [[ ! -x $drifttune ]]; then
    say "building $drifttune"
    swift build --product drifttune >/dev/null
fi
drifttune=$(cd "$(dirname "$drifttune")" && pwd)/$(basename "$drifttune")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drifttune-slurm-check.XXXXXX")
pids=()
job_ids=""
cleanup() {
    local status=$?
    if [[ -n $job_ids ]] && [[ -f $tmp/slurm.conf ]]; then
        # Cancel our jobs and give their steps time to end before the daemons go.
        SLURM_CONF=$tmp/slurm.conf scancel $job_ids 2>/dev/null || true
        for _ in $(seq 100); do
            [[ -z $(SLURM_CONF=$tmp/slurm.conf squeue -h -o %i 2>/dev/null | head -1) ]] && break
            sleep 0.2
        done
    fi
    # Our daemons only, newest first, by the PIDs recorded when they started.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    # A job step (slurmstepd and its tasks) outlives slurmd: any process still holding a file or
    # its working folder in our temporary folder was started by this cluster.
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        if ls -l "$proc/cwd" "$proc/fd" 2>/dev/null | grep -q -- "-> $tmp/"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    if [[ $status -ne 0 ]]; then
        for log in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/cluster/slurm/logs/*; do
            [[ -f $log ]] && { echo "--- $log (last lines)" >&2; tail -n 20 "$log" >&2; }
        done
    fi
    rm -rf "$tmp"
    exit $status
}
trap cleanup EXIT

# slurmd 22.05 needs the cgroup filesystem mounted, even with proctrack/linuxproc and task/none.
if ! grep -q ' /sys/fs/cgroup ' /proc/mounts; then
    say "mounting cgroup2 on /sys/fs/cgroup"
    mount -t cgroup2 none /sys/fs/cgroup
fi

# A private munge key and socket.
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool"
chmod 700 "$tmp/munge"
python3 -c 'import os, sys; sys.stdout.buffer.write(os.urandom(1024))' >"$tmp/munge/munge.key"
chmod 600 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --force --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" --pid-file="$tmp/munge/munged.pid" \
    --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" 2>>"$tmp/munge/munged.err" &
pids+=($!)
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
[[ -S $socket ]] || { say "munged did not start"; cat "$tmp/munge/munged.err" >&2; exit 1; }

# Two free TCP ports on the loopback for slurmctld and slurmd.
free_port() {
    local p
    for p in $(seq "$1" "$(($1 + 200))"); do
        if ! ss -Hltn "sport = :$p" | grep -q .; then echo "$p"; return; fi
    done
    return 1
}
ctld_port=$(free_port $((20000 + $$ % 20000)))
slurmd_port=$(free_port $((ctld_port + 1)))

cpus=$(nproc)
cat >"$tmp/slurm.conf" <<EOF
ClusterName=drifttune-check
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
DependencyParameters=kill_invalid_depend
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=check Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

slurmctld -D -f "$SLURM_CONF" 2>>"$tmp/slurmctld.err" &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" 2>>"$tmp/slurmd.err" &
pids+=($!)
for _ in $(seq 300); do
    state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
    [[ $state == idle ]] && break
    sleep 0.2
done
[[ $state == idle ]] || { say "the node did not come up (state '$state')"; cat "$tmp/slurmctld.err" "$tmp/slurmd.err" >&2; exit 1; }
say "one-node cluster up in $(($(date +%s) - start)) s (ports $ctld_port, $slurmd_port; $cpus CPUs)"

# The scenario.
if [[ -n ${SLURM_CHECK_SCENARIO:-} ]]; then
    scenario=$repo/$SLURM_CHECK_SCENARIO
    [[ $SLURM_CHECK_SCENARIO == /* ]] && scenario=$SLURM_CHECK_SCENARIO
else
    # The quickstart's three environments and twelve methods (agent, static search, static
    # hindsight, planner, the rules), with 8-period episodes, 2+2 seeds and a 200-step budget.
    scenario=$tmp/quickstart-check.yaml
    cat >"$scenario" <<'EOF'
name: quickstart-check
description: scripts/slurm-check.sh - the quickstart's environments and methods with short episodes and a tiny budget
environments:
  - name: network-diagnosis
    overrides: {period_length: 100, episode_length: 8, warmup_periods: 1}
  - name: intent-recognition
    overrides: {period_length: 100, episode_length: 8, warmup_periods: 1, label_delay: 20}
  - name: recommendation
    overrides: {period_length: 120, episode_length: 8, warmup_periods: 1, label_delay: 20}
train_seeds: [1, 2]
test_seeds: [1001, 1002]
training: {steps: 200, search_seeds_per_candidate: 1}
agent: {num_envs: 4, num_steps: 25, num_minibatches: 4, hidden_sizes: [16, 16], update_epochs: 2}
methods: [agent, fixed, never, static-search, periodic:10, adwin, ddm, ks, cosine-restarts, oracle, static-hindsight, planner]
planner: {horizon: 1, radius: 1}
static_hindsight: {rules: [never]}
statistics: {bootstrap_resamples: 200, bootstrap_seed: 7}
EOF
fi
envs=$repo/environments

# Through Slurm: two tasks of one CPU per phase, then the merge job.
t0=$(date +%s)
submitted=$("$drifttune" slurm "$scenario" --out "$tmp/cluster" --environments "$envs" --array-size 2 --cpus-per-task 1 \
    --partition check --time 60 --submit)
echo "$submitted" >&2
job_ids=$(echo "$submitted" | sed -n 's/^submitted: //p' | tr ',' '\n' | awk '{print $2}' | tr '\n' ' ')
[[ -n $job_ids ]] || { say "no job IDs in: $submitted"; exit 1; }
deadline=$((t0 + ${SLURM_CHECK_TIMEOUT:-1200}))
while [[ -n $(squeue -h -j "${job_ids// /,}" -o %i 2>/dev/null | head -1) ]]; do
    if (($(date +%s) > deadline)); then say "jobs still queued or running after ${SLURM_CHECK_TIMEOUT:-1200} s"; squeue >&2; exit 1; fi
    sleep 1
done
slurm_wall=$(($(date +%s) - t0))
[[ -f $tmp/cluster/summary.csv ]] || { say "the merge job wrote no tables"; exit 1; }
say "through Slurm: $slurm_wall s wall (submit to merged tables)"

# One machine.
t0=$(date +%s)
"$drifttune" sweep "$scenario" --out "$tmp/local" --environments "$envs" --quiet >/dev/null
say "one machine: $(($(date +%s) - t0)) s wall"

# Byte for byte: every file but slurm/ (the scripts and their logs) and the manifest's wall times
# and job count, which describe the machine rather than the results.
(cd "$tmp/local" && find . -type f ! -name manifest.json | sort) >"$tmp/local.files"
(cd "$tmp/cluster" && find . -type f ! -name manifest.json ! -path './slurm/*' | sort) >"$tmp/cluster.files"
diff "$tmp/local.files" "$tmp/cluster.files" >&2 || { say "different file lists"; exit 1; }
while read -r f; do
    cmp "$tmp/local/$f" "$tmp/cluster/$f" || { say "differs: $f"; exit 1; }
done <"$tmp/local.files"
strip='import json, sys; m = json.load(open(sys.argv[1])); [m.pop(k, None) for k in ("wall_seconds", "jobs")]; print(json.dumps(m, sort_keys=True))'
cmp <(python3 -c "$strip" "$tmp/local/manifest.json") <(python3 -c "$strip" "$tmp/cluster/manifest.json") \
    || { say "manifests differ beyond wall times and jobs"; exit 1; }
count=$(wc -l <"$tmp/local.files")
say "$count result files byte-identical to the one-machine sweep (manifest equal but for wall times and jobs)"
say "done in $(($(date +%s) - start)) s"
say "passed"
