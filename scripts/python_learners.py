#!/usr/bin/env python3
"""Tuned policies in Python production learners: TunedLearner(SGDClassifier) against plain SGD and
`drifttune learn` (issue 17). Not run in CI.

Streams: three drift streams from River's generators (the first three of scripts/foreign_streams.py:
SEA abrupt, SEA gradual, Hyperplane incremental; 40,000 samples) and one exported simulator stream
(`drifttune stream --env network-diagnosis --seed 777`, 54,000 samples). Every method is
prequential (predict, then learn) on the same samples: periods of 1,000 after a 3,000-sample
warm-up; accuracy is the mean of the per-period accuracies over every scored period.

Methods:
- tuned: `TunedLearner(SGDClassifier(loss="log_loss", random_state=0), network-diagnosis policy)` (eta0 = the
  policy's rate / batch size, `lr_scale="per_update"`; features standardized online on River's
  streams as `drifttune learn --standardize true` does, the policy's loop on the simulator stream);
- tuned-per-sample: the same with eta0 = the policy's rate (`lr_scale="per_sample"`);
- sgd-default: the same SGDClassifier without a policy (sklearn's default `learning_rate="optimal"`),
  batch 32, the same standardization and warm start (3 passes over the warm-up);
- sgd-best-static: SGDClassifier(learning_rate="constant") at the best eta0 in hindsight of a grid;
- drifttune-learn: `drifttune learn` with the same policy (its own logistic learner).
Compute: the loop's compute units (one unit = one period of sample gradients, plus the policy's
update overhead of 8 per minibatch update) and wall seconds.

Overhead: the monitor's and `decide`'s cost per period (µs), and samples/s of the wrapped loop
(TunedLearner, the policy's decisions with the batch size held at 32) against the bare loop
(predict_proba then partial_fit per batch of 32), same eta0, same stream, best of 3.

    swift build -c release --product drifttune
    pip install ./python[sklearn] river==0.26.1
    python3 scripts/python_learners.py [--binary .build/release/drifttune] [--out results/python-learners]
"""
import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402

from drifttune_policy import Policy, TunedLearner  # noqa: E402
from drifttune_policy.learner import StandardScaler  # noqa: E402

POLICY = os.path.join(ROOT, "results/network-diagnosis/policies/network-diagnosis.policy")
PERIOD, WARMUP_PERIODS = 1000, 3
WARMUP = PERIOD * WARMUP_PERIODS
ETA0_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0]
OVERHEAD = 8  # update_overhead of the policy's loop


def river_streams(n):
    import foreign_streams
    out = []
    for name, desc, kind, classes, it in foreign_streams.make_streams(n)[:3]:
        xs, ys = [], []
        for i, (x, y) in enumerate(it):
            if i >= n:
                break
            xs.append([float(x[k]) for k in x])
            ys.append(int(y))
        out.append((name, desc, np.array(xs, dtype=np.float32), np.array(ys, dtype=np.int64), True))
    return out


def simulator_stream(binary, tmp):
    path = os.path.join(tmp, "network-777.csv")
    subprocess.run([binary, "stream", "--env", "network-diagnosis", "--seed", "777", "--out", path], check=True,
                   capture_output=True)
    x, y = read_csv(path)
    return ("network_diagnosis_777", "drifttune stream --env network-diagnosis --seed 777 (the spec's drift events)",
            x, y, False)


def read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    label = rows[0].index("label")
    data = np.array([[float(v) for v in r] for r in rows[1:]])
    return np.delete(data, label, axis=1).astype(np.float32), data[:, label].astype(np.int64)


def write_csv(path, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{i}" for i in range(x.shape[1])] + ["label"])
        for row, label in zip(x.tolist(), y.tolist()):
            w.writerow([repr(v) for v in row] + [label])


def bare_sgd(x, y, estimator, standardize, batch=32, seed=0):
    """Prequential SGD without a policy: warm start (3 shuffled passes over the warm-up), then per
    batch predict_proba, then partial_fit; accuracy per period of 1,000."""
    rng = np.random.default_rng(seed)
    scaler = StandardScaler(x.shape[1]) if standardize else None
    view = (lambda a: scaler.transform(a)) if scaler else (lambda a: a)
    t0, c0 = time.perf_counter(), time.process_time()
    if scaler:
        scaler.learn(x[:WARMUP])
    zw = view(x[:WARMUP])
    updates = 0
    first = True
    for _ in range(3):
        order = rng.permutation(WARMUP)
        for s in range(0, WARMUP, batch):
            idx = order[s:s + batch]
            if first:  # classes on the first call only (sklearn re-checks them whenever given)
                estimator.partial_fit(zw[idx], y[:WARMUP][idx], classes=[0, 1])
                first = False
            else:
                estimator.partial_fit(zw[idx], y[:WARMUP][idx])
    periods = (x.shape[0] - WARMUP) // PERIOD
    correct = np.zeros(periods)
    for t in range(periods):
        base = WARMUP + t * PERIOD
        for s in range(base, base + PERIOD, batch):
            xb, yb = x[s:s + batch], y[s:s + batch]
            p = estimator.predict_proba(view(xb))
            correct[t] += np.count_nonzero(np.argmax(p, axis=1) == yb)
            if scaler:
                scaler.learn(xb)
            if yb.size == batch:
                estimator.partial_fit(view(xb), yb)
                updates += 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    trained = updates * batch
    return {"accuracy": float(np.mean(correct / PERIOD)), "compute": (trained + OVERHEAD * updates) / PERIOD,
            "wall": wall, "cpu": cpu, "periods": periods}


def tuned(x, y, standardize, lr_scale="per_update", policy_wrapper=None):
    policy = Policy.load(POLICY, expecting_schema=1)
    if policy_wrapper:
        policy = policy_wrapper(policy)
    loop = {"standardize": True} if standardize else None
    learner = TunedLearner(SGDClassifier(loss="log_loss", random_state=0), policy, classes=[0, 1], loop=loop, lr_scale=lr_scale)
    t0, c0 = time.perf_counter(), time.process_time()
    summary = learner.run(x, y)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    log = learner.log
    return {"accuracy": float(np.mean([e["metric"] for e in log])), "compute": float(sum(e["compute"] for e in log)),
            "wall": wall, "cpu": cpu, "periods": len(log), "retrains": summary["retrains"], "fine_tunes": summary["fine_tunes"],
            "monitor_us_per_period": learner.loop.monitor_seconds / len(log) * 1e6,
            "decide_us_per_period": learner.decide_seconds / len(log) * 1e6,
            "lrs": sorted({round(e["learning_rate"], 5) for e in log}),
            "batches": sorted({e["batch_size"] for e in log}), "fallbacks": summary["fallbacks"]}


def drifttune_learn(binary, path, standardize):
    log = path + ".log.jsonl"
    cmd = [binary, "learn", "--policy", POLICY, "--data", path, "--label", "label", "--standardize",
           str(standardize).lower(), "--log", log, "--json", "--period", str(PERIOD), "--warmup", str(WARMUP_PERIODS)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    summary = json.loads(p.stdout)
    periods = [json.loads(line) for line in open(log)]
    return {"accuracy": float(np.mean([q["metric"] for q in periods])), "compute": float(sum(q["compute"] for q in periods)),
            "wall": wall, "periods": len(periods), "retrains": summary["retrains"], "fine_tunes": summary["fine_tunes"],
            "lrs": sorted({round(q["learning_rate"], 5) for q in periods}),
            "batches": sorted({q["batch_size"] for q in periods})}


class Batch32:
    """The policy's decisions (decide is called and timed as usual) with the batch size held at 32."""

    def __init__(self, policy):
        self.policy = policy
        self.b32 = policy.batch_sizes.index(32)

    def __getattr__(self, name):
        return getattr(self.policy, name)

    def decide(self, observation, sample=False):
        d = dict(self.policy.decide(observation, sample=sample))
        d["bins"] = [d["bins"][0], self.b32, d["bins"][2]]
        d["batch_size"] = 32
        return d


class FixedRate(Batch32):
    """Batch 32, the fallback's learning rate and no retraining: the same work as the bare loop,
    plus the monitor and decide."""

    def decide(self, observation, sample=False):
        d = super().decide(observation, sample)
        d["bins"] = [self.policy.fallback_bins[0], self.b32, 0]
        d["retrain"] = "none"
        return d


def overhead(x, y, repeats=5):
    """Samples per CPU second of the wrapped loop against the bare loop, batch 32, same eta0 (best
    of `repeats`; CPU time, since the machine may be shared)."""
    policy = Policy.load(POLICY)
    lr = policy.learning_rates[policy.fallback_bins[0]]
    eta0 = lr / 32
    n = x.shape[0] - WARMUP
    wrapped, bare, monitor_us, decide_us = [], [], [], []
    for _ in range(repeats):
        r = tuned(x, y, True, policy_wrapper=FixedRate)
        wrapped.append(n / r["cpu"])
        monitor_us.append(r["monitor_us_per_period"])
        decide_us.append(r["decide_us_per_period"])
        b = bare_sgd(x, y, SGDClassifier(loss="log_loss", learning_rate="constant", eta0=eta0, random_state=0), True)
        bare.append(n / b["cpu"])
    return {"eta0": eta0, "wrapped_samples_per_s": max(wrapped), "bare_samples_per_s": max(bare),
            "overhead": max(bare) / max(wrapped) - 1, "monitor_us_per_period": min(monitor_us),
            "decide_us_per_period": min(decide_us)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/drifttune"))
    ap.add_argument("--samples", type=int, default=40000)
    ap.add_argument("--out", default=os.path.join(ROOT, "results/python-learners"))
    ap.add_argument("--overhead-only", action="store_true",
                    help="rerun only the overhead measurement and rewrite the table from comparison.json")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.overhead_only:
        with open(os.path.join(args.out, "comparison.json")) as f:
            detail = json.load(f)
        with tempfile.TemporaryDirectory() as tmp:
            stream = simulator_stream(args.binary, tmp)
        detail["overhead"] = cost = overhead(*stream[2:4])
        with open(os.path.join(args.out, "comparison.json"), "w") as f:
            json.dump(detail, f, indent=1, sort_keys=True, default=str)
        names = [n for n in detail if n not in ("overhead", "versions", "run")]
        write_table(args.out, [(n,) for n in names], detail, cost)
        return
    rows, detail = [], {}
    detail["run"] = {"binary": os.path.relpath(os.path.abspath(args.binary), ROOT), "load_average": round(os.getloadavg()[0], 1)}
    with tempfile.TemporaryDirectory() as tmp:
        streams = river_streams(args.samples) + [simulator_stream(args.binary, tmp)]
        for name, desc, x, y, standardize in streams:
            path = os.path.join(tmp, name + ".csv")
            write_csv(path, x, y)
            x, y = read_csv(path)  # exactly what drifttune learn reads
            res = {"tuned": tuned(x, y, standardize), "tuned-per-sample": tuned(x, y, standardize, "per_sample"),
                   "sgd-default": bare_sgd(x, y, SGDClassifier(loss="log_loss", random_state=0), standardize)}
            static = {eta0: bare_sgd(x, y, SGDClassifier(loss="log_loss", learning_rate="constant", eta0=eta0, random_state=0), standardize)
                      for eta0 in ETA0_GRID}
            best = max(static, key=lambda e: static[e]["accuracy"])
            res["sgd-best-static"] = dict(static[best], eta0=best)
            res["drifttune-learn"] = drifttune_learn(args.binary, path, standardize)
            detail[name] = {"description": desc, "standardize": standardize, "methods": res,
                            "static_grid": {str(e): static[e]["accuracy"] for e in ETA0_GRID}}
            for method, r in res.items():
                rows.append((name, method, r))
                print(f"{name:24s} {method:18s} acc {r['accuracy']:.4f} compute {r['compute']:7.2f} wall {r['wall']:6.2f}s",
                      file=sys.stderr)
        cost = overhead(*streams[-1][2:4])
    detail["overhead"] = cost
    detail["versions"] = {"python": platform.python_version(), "numpy": np.__version__, "sklearn": sklearn.__version__}
    with open(os.path.join(args.out, "comparison.json"), "w") as f:
        json.dump(detail, f, indent=1, sort_keys=True, default=str)
    write_table(args.out, streams, detail, cost)


def write_table(out, streams, detail, cost):
    from drifttune_policy.detectors import river_adwin_available
    run = detail.get("run", {})
    methods = ["tuned", "tuned-per-sample", "sgd-default", "sgd-best-static", "drifttune-learn"]
    lines = ["# Tuned policies in Python production learners", "",
             "Written by `scripts/python_learners.py` (not run in CI). Mean per-period prequential accuracy after a",
             "3,000-sample warm-up (periods of 1,000), compute units (one period of sample gradients, plus 8 per",
             "minibatch update), wall seconds. Policy: results/network-diagnosis/policies/network-diagnosis.policy.", "",
             "| stream | " + " | ".join(methods) + " |", "| --- |" + " ---: |" * len(methods)]
    for name, *_ in streams:
        res = detail[name]["methods"]
        cells = []
        for m in methods:
            r = res[m]
            extra = f" (eta0 {r['eta0']:g})" if m == "sgd-best-static" else ""
            cells.append(f"{r['accuracy']:.4f}{extra}<br>{r['compute']:.1f} u, {r['wall']:.1f} s")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    mean = {m: float(np.mean([detail[n]["methods"][m]["accuracy"] for n, *_ in streams])) for m in methods}
    lines.append("| mean accuracy | " + " | ".join(f"{mean[m]:.4f}" for m in methods) + " |")
    lines += ["", "Decisions: " + "; ".join(
        f"{n} tuned lr {detail[n]['methods']['tuned']['lrs']} batch {detail[n]['methods']['tuned']['batches']} "
        f"retrains {detail[n]['methods']['tuned']['retrains']} fine-tunes {detail[n]['methods']['tuned']['fine_tunes']}; "
        f"drifttune-learn lr {detail[n]['methods']['drifttune-learn']['lrs']} batch {detail[n]['methods']['drifttune-learn']['batches']}"
        for n, *_ in streams), "",
        "## Overhead (simulator stream, batch 32, best of 5)", "",
        f"- monitor: {cost['monitor_us_per_period']:.0f} µs of CPU per period of 1,000 samples; decide: {cost['decide_us_per_period']:.0f} µs per period",
        f"- wrapped loop (TunedLearner: monitor, decide, loop bookkeeping, batch held at 32, eta0 {cost['eta0']:.6g}): "
        f"{cost['wrapped_samples_per_s']:,.0f} samples per CPU second; bare loop (predict_proba + partial_fit per batch of 32, same eta0): "
        f"{cost['bare_samples_per_s']:,.0f}; overhead {100 * cost['overhead']:.1f}%",
        "", f"Notes: wall seconds were measured on a 2-core machine (load average {run.get('load_average', '?')} when the "
        f"run started); `drifttune-learn` ran `{run.get('binary', '?')}`. The overhead figures are CPU time; the monitor "
        f"uses {'River' if river_adwin_available() else 'the pure-Python port'}'s ADWIN. Retrain shuffles (the warm start's "
        "three passes) follow `drifttune learn --seed 0`'s generator.",
        "", f"Versions: {detail['versions']}"]
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
