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
40,000, as in the benchmark. `q` is static (one value for every stream, from a grid), or moved by the
general policies' evidence rule on shadow copies at neighbouring q bins ('rule').

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
RULE_QS = [1e-6 * 10 ** (i / 2) for i in range(7)]  # the rule's q bins: 1e-6 to 1e-3 in half-decades
RULE_START = 2                                     # 1e-5
SETS = {"benchmark": "results/foreign-streams", "fresh": "results/foreign-streams/fresh",
        "holdout": "results/foreign-streams/holdout"}


class KalmanLogistic:
    """The extended Kalman filter for logistic regression (see the module doc), with its standardizer."""

    def __init__(self, features, classes):
        d = features + 1
        self.heads = 1 if classes == 2 else classes
        self.w = np.zeros((self.heads, d))
        self.cov = np.stack([np.eye(d) for _ in range(self.heads)])
        self.count, self.mean, self.m2 = 0, np.zeros(features), np.zeros(features)

    def copy(self):
        other = KalmanLogistic.__new__(KalmanLogistic)
        other.heads, other.count = self.heads, self.count
        other.w, other.cov, other.mean, other.m2 = self.w.copy(), self.cov.copy(), self.mean.copy(), self.m2.copy()
        return other

    def run(self, x, y, q):
        """Predict then learn each sample; returns (accuracy, mean log-loss)."""
        noise = np.eye(self.w.shape[1]) * q
        correct, loss = 0, 0.0
        for xi, yi in zip(x, y):
            sd = np.sqrt(self.m2 / max(self.count, 1))
            sd[sd == 0] = 1
            z = np.append((xi - self.mean) / sd, 1.0)
            self.count += 1
            delta = xi - self.mean
            self.mean += delta / self.count
            self.m2 += delta * (xi - self.mean)
            cz = self.cov @ z                       # heads x d
            p = 1 / (1 + np.exp(-np.clip(self.w @ z, -500, 500)))
            probabilities = np.array([1 - p[0], p[0]]) if self.heads == 1 else p / p.sum()
            correct += int(np.argmax(probabilities)) == yi
            loss -= np.log(max(probabilities[yi], 1e-7))
            target = np.array([float(yi)]) if self.heads == 1 else (np.arange(self.heads) == yi).astype(float)
            h = p * (1 - p)
            s = cz @ z
            self.w += cz * ((target - p) / (1 + h * s))[:, None]
            self.cov -= (h / (1 + h * s))[:, None, None] * cz[:, :, None] * cz[:, None, :]
            self.cov += noise
        return correct / len(y), loss / len(y)


def static_q(x, y, classes, q):
    """Prequential accuracy after the warm-up at one process-noise variance."""
    model = KalmanLogistic(x.shape[1], classes)
    model.run(x[:fs.WARMUP], y[:fs.WARMUP], q)
    return model.run(x[fs.WARMUP:], y[fs.WARMUP:], q)[0]


def evidence_rule(x, y, classes, start=RULE_START, tau=0.002):
    """The evidence rule of the general policies, on q instead of the learning rate: each period of
    1,000 samples, two shadow copies replay the period from the same state at the neighbouring q bins;
    step one bin toward a shadow whose mean log-loss beat the live filter's by more than tau ln K."""
    model, qi = KalmanLogistic(x.shape[1], classes), start
    model.run(x[:fs.WARMUP], y[:fs.WARMUP], RULE_QS[qi])
    accuracies = []
    for first in range(fs.WARMUP, len(y) - fs.PERIOD + 1, fs.PERIOD):
        xs, ys = x[first:first + fs.PERIOD], y[first:first + fs.PERIOD]
        before = model.copy()
        accuracy, live = model.run(xs, ys, RULE_QS[qi])
        accuracies.append(accuracy)
        best = (0.0, qi)
        for neighbour in (qi - 1, qi + 1):
            if 0 <= neighbour < len(RULE_QS):
                gain = (live - before.copy().run(xs, ys, RULE_QS[neighbour])[1]) / np.log(max(classes, 2))
                best = max(best, (gain, neighbour))
        if best[0] > tau:
            qi = best[1]
    return float(np.mean(accuracies))


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
            acc = {q: static_q(x, y, classes, q) for q in qs}
            acc["rule"] = evidence_rule(x, y, classes)
            rows.append((stream_set, name, river[name], acc))
            print(f"{stream_set:9s} {name:24s} stronger River {river[name]:.4f} "
                  + " ".join(f"{q if q == 'rule' else f'q={q:g}'} {a:.4f}" for q, a in acc.items()), flush=True)
    columns = qs + ["rule"]
    lines = ["# A second-order linear learner on the foreign streams (a probe)", "",
             "Written by `scripts/second_order_probe.py`: the extended Kalman filter for logistic regression",
             "(one-vs-rest for multiclass), online standardization, batch size 1, at one static process-noise",
             "variance q for every stream. 'Stronger River' is the better of River's `StandardScaler |",
             "LogisticRegression` and its bandit over learning rates, from the committed summaries. 'rule': q moves",
             "one half-decade bin (1e-6 to 1e-3, from 1e-5) toward a shadow copy at a neighbouring bin whose log-loss over",
             "the last period of 1,000 samples beat the live filter's by more than 0.002 ln K (the general policies'",
             "evidence rule, on q).", "",
             "| set | stream | stronger River | " + " | ".join("rule" if q == "rule" else f"q = {q:g}" for q in columns) + " |",
             "| --- | --- | ---: | " + " | ".join("---:" for _ in columns) + " |"]
    lines += [f"| {s} | {n} | {r:.4f} | " + " | ".join(f"{a[q]:.4f}" for q in columns) + " |" for s, n, r, a in rows]
    lines.append("")
    for q in columns:
        per_set = {s: sum(a[q] > r for s2, _, r, a in rows if s2 == s) for s in SETS}
        means = {s: np.mean([a[q] for s2, _, _, a in rows if s2 == s]) for s in SETS}
        river_means = {s: np.mean([r for s2, _, r, _ in rows if s2 == s]) for s in SETS}
        line = (("- rule" if q == "rule" else f"- q = {q:g}") + ": ahead of both River references on " + ", ".join(f"{per_set[s]} of 9 ({s})" for s in SETS)
                + f", {sum(per_set.values())} of {len(rows)} in all; mean accuracy "
                + ", ".join(f"{means[s]:.4f} against {river_means[s]:.4f}" for s in SETS) + ".")
        lines.append(line)
        print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
