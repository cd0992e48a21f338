#!/usr/bin/env python3
"""The shipped general policies in Python against `drifttune learn`, on the foreign streams.

For every stream of the six foreign-stream sets (`scripts/foreign_streams.py`: River's generators,
fixed seeds, 40,000 samples), writes the same CSV file, runs `drifttune learn --policy general` on it
and the Python `TunedLearner(LinearBackend(classes), general policy)` on the same file (periods of
1,000 samples, 3 warm-up periods, as the benchmark), and compares every period's decision (learning
rate, batch size, retrain) and the mean accuracy. Both sides run the policies' own loop (since the
evening of 30 November 2026 an expert pool of 24 learners, observation schema v4, since 1 December
2026 with a leader tolerance, since its second session served sample by sample; before it, shadow
learners, schema v2). Exits 1 on any difference. Needs River 0.26.1 and numpy
(not run in CI, which has no River; `scripts/check_python_monitor.py` checks the same loop on
committed streams).

    python3 scripts/python_general_parity.py [--binary .build/release/drifttune] [--out results/python-learners/general-parity.md]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import foreign_streams as fs  # noqa: E402
from drifttune_policy import LinearBackend, Policy, TunedLearner  # noqa: E402

SAMPLES = 40000


def compare(binary, path, kind, classes):
    cmd = [binary, "learn", "--data", path, "--label", "label", "--policy", "general", "--log", path + ".log", "--json",
           "--period", str(fs.PERIOD), "--warmup", str(fs.WARMUP_PERIODS)]
    if kind == "multiclass":
        cmd += ["--classes", str(classes)]
    t0 = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "DRIFTTUNE_GENERAL_POLICIES"}  # the shipped pair, as Python loads
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    swift_seconds = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\n{p.stderr}")
    with open(path + ".log") as f:
        swift = [json.loads(line) for line in f]
    data = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
    x, y = data[:, :-1].astype(np.float32), data[:, -1].astype(np.int64)
    policy = Policy.load(os.path.join(ROOT, "results", "general", "logistic.policy" if kind == "binary" else "softmax.policy"))
    labels = list(range(classes))
    t0 = time.perf_counter()
    learner = TunedLearner(LinearBackend(labels), policy, classes=labels,
                           loop={"period_length": fs.PERIOD, "warmup_periods": fs.WARMUP_PERIODS})
    learner.run(x, y)
    python_seconds = time.perf_counter() - t0
    equal = sum((mine["action"]["bins"], mine["action"]["retrain"])
                == ([theirs["action"]["learning_rate_bin"], theirs["action"]["batch_size_bin"]], theirs["action"]["retrain"])
                for mine, theirs in zip(learner.log, swift))
    return {"swift": float(np.mean([q["metric"] for q in swift])), "python": float(np.mean([q["metric"] for q in learner.log])),
            "equal": equal, "periods": len(swift), "python_periods": len(learner.log),
            "swift_seconds": swift_seconds, "python_seconds": python_seconds}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/drifttune"))
    ap.add_argument("--out", default="", help="also write the table as markdown here")
    args = ap.parse_args()
    rows = []
    for stream_set in ("benchmark", "fresh", "holdout", "confirm", "verify", "audit"):
        for name, _, kind, classes, it in fs.make_streams(SAMPLES, stream_set):
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, name + ".csv")
                fs.write_csv(path, it.take(SAMPLES), SAMPLES)
                r = compare(args.binary, path, kind, classes)
            rows.append((stream_set, name, r))
            print(f"{stream_set:9s} {name:24s} learn {r['swift']:.4f} python {r['python']:.4f} "
                  f"decisions equal {r['equal']}/{r['periods']}", flush=True)
    same = sum(r["equal"] == r["periods"] == r["python_periods"] and r["swift"] == r["python"] for *_, r in rows)
    print(f"identical on {same} of {len(rows)} streams (every decision and the mean accuracy)")
    if args.out:
        lines = ["# The general policies in Python, on the foreign streams", "",
                 "Written by `scripts/python_general_parity.py`. `drifttune learn --policy general` and the Python",
                 "`TunedLearner(LinearBackend(classes), results/general/{logistic,softmax}.policy)` on the same CSV file",
                 "of each foreign stream (`scripts/foreign_streams.py`, 40,000 samples, periods of 1,000, 3 warm-up",
                 "periods); both run the policies' own loop (an expert pool of 24 learners served sample by sample, observation schema v4). Accuracy: the mean of the",
                 "per-period accuracies after the warm-up, as in `results/foreign-streams/`.", "",
                 "| set | stream | `drifttune learn` | Python | decisions equal | seconds, learn / Python |",
                 "| --- | --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {s} | {n} | {r['swift']:.4f} | {r['python']:.4f} | {r['equal']} of {r['periods']} | "
                  f"{r['swift_seconds']:.2f} / {r['python_seconds']:.2f} |" for s, n, r in rows]
        lines += ["", f"Identical on {same} of {len(rows)} streams: every decision and the mean accuracy."]
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(0 if same == len(rows) else 1)


if __name__ == "__main__":
    main()
