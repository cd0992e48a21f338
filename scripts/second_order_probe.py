#!/usr/bin/env python3
"""Would a stronger linear learner meet issue 13's stream target? A probe, not a DriftTune learner.

Runs a second-order online logistic regression on the 27 foreign streams (`scripts/foreign_streams.py`,
the benchmark, fresh and holdout sets, 40,000 samples each) and counts the streams on which it is
ahead of both River references, whose accuracies it reads from the committed
`results/foreign-streams/{,fresh/,holdout/}summary.csv` (same streams, same samples).

The learner is the extended Kalman filter for logistic regression (one filter per class,
one-vs-rest, for multiclass streams), with a random-walk prior on the weights whose per-sample
variance `q` lets it follow drift; features are standardized online (running mean and population
variance, as River's StandardScaler, updated before each sample is learned, after it is predicted).
Each sample is predicted, then learned (batch size 1, as River). Accuracy covers samples 3,001 to
40,000, as in the benchmark. `q` is static: one value for every stream, from a grid.

    python3 scripts/second_order_probe.py [--q 1e-5,1e-4,1e-3] [--out results/foreign-streams/second-order-probe.md]

Needs River 0.26.1 (for the streams) and numpy. Not run in CI.
"""
import argparse
import csv
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import foreign_streams as fs  # noqa: E402

SAMPLES = 40000
SETS = {"benchmark": "results/foreign-streams", "fresh": "results/foreign-streams/fresh",
        "holdout": "results/foreign-streams/holdout"}


def kalman_logistic(x, y, classes, q, warmup):
    """Prequential accuracy after `warmup` samples of the EKF logistic regression (see the module doc)."""
    n, f = x.shape
    d = f + 1
    heads = 1 if classes == 2 else classes
    w = np.zeros((heads, d))
    cov = np.stack([np.eye(d) for _ in range(heads)])
    count, mean, m2 = 0, np.zeros(f), np.zeros(f)
    noise = np.eye(d) * q
    correct = 0
    for i in range(n):
        sd = np.sqrt(m2 / max(count, 1))
        sd[sd == 0] = 1
        z = np.append((x[i] - mean) / sd, 1.0)
        count += 1
        delta = x[i] - mean
        mean += delta / count
        m2 += delta * (x[i] - mean)
        cz = cov @ z                       # heads x d
        p = 1 / (1 + np.exp(-np.clip(w @ z, -500, 500)))
        predicted = int(p[0] > 0.5) if heads == 1 else int(np.argmax(p))
        correct += i >= warmup and predicted == y[i]
        target = np.array([float(y[i])]) if heads == 1 else (np.arange(heads) == y[i]).astype(float)
        h = p * (1 - p)
        s = cz @ z
        w += cz * ((target - p) / (1 + h * s))[:, None]
        cov -= (h / (1 + h * s))[:, None, None] * cz[:, :, None] * cz[:, None, :]
        cov += noise
    return correct / (n - warmup)


def river_references(stream_set):
    best = {}
    with open(os.path.join(ROOT, SETS[stream_set], "summary.csv")) as f:
        for row in csv.DictReader(f):
            if row["method"] in ("river_logreg", "river_bandit"):
                best[row["stream"]] = max(best.get(row["stream"], 0.0), float(row["accuracy"]))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--q", default="1e-5,1e-4,1e-3", help="comma-separated process-noise variances")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    qs = [float(v) for v in args.q.split(",")]
    rows = []
    for stream_set in SETS:
        river = river_references(stream_set)
        for name, _, _, classes, it in fs.make_streams(SAMPLES, stream_set):
            data = [(xi, yi) for xi, yi in it.take(SAMPLES)]
            keys = list(data[0][0].keys())
            x = np.array([[float(xi[k]) for k in keys] for xi, _ in data])
            y = np.array([int(yi) for _, yi in data])
            acc = {q: kalman_logistic(x, y, classes, q, fs.WARMUP) for q in qs}
            rows.append((stream_set, name, river[name], acc))
            print(f"{stream_set:9s} {name:24s} stronger River {river[name]:.4f} "
                  + " ".join(f"q={q:g} {a:.4f}" for q, a in acc.items()), flush=True)
    lines = ["# A second-order linear learner on the foreign streams (a probe)", "",
             "Written by `scripts/second_order_probe.py`: the extended Kalman filter for logistic regression",
             "(one-vs-rest for multiclass), online standardization, batch size 1, at one static process-noise",
             "variance q for every stream. 'Stronger River' is the better of River's `StandardScaler |",
             "LogisticRegression` and its bandit over learning rates, from the committed summaries.", "",
             "| set | stream | stronger River | " + " | ".join(f"q = {q:g}" for q in qs) + " |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in qs) + " |"]
    lines += [f"| {s} | {n} | {r:.4f} | " + " | ".join(f"{a[q]:.4f}" for q in qs) + " |" for s, n, r, a in rows]
    lines.append("")
    for q in qs:
        per_set = {s: sum(a[q] > r for s2, _, r, a in rows if s2 == s) for s in SETS}
        means = {s: np.mean([a[q] for s2, _, _, a in rows if s2 == s]) for s in SETS}
        river_means = {s: np.mean([r for s2, _, r, _ in rows if s2 == s]) for s in SETS}
        line = (f"- q = {q:g}: ahead of both River references on " + ", ".join(f"{per_set[s]} of 9 ({s})" for s in SETS)
                + f", {sum(per_set.values())} of {len(rows)} in all; mean accuracy "
                + ", ".join(f"{means[s]:.4f} against {river_means[s]:.4f}" for s in SETS) + ".")
        lines.append(line)
        print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
