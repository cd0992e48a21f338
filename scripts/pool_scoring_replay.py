#!/usr/bin/env python3
"""Replays the expert pool's leader offline on the five foreign-stream sets, for other ways to score
the experts (not CI).

Every expert of `learn --policy leader` learns every period whichever one serves, and never
retrains, so each expert is the same learner run alone: `learn --policy fixed` at its learning rate
and batch size gives, period by period, the metric the pool's log reports for it (checked here on
every stream). From each expert's per-period probabilities (`--log-probabilities`) this script
scores the experts by accuracy (what the pool does), by log loss or by Brier score, with a grid
of decays and tolerances, replays which expert would have served, and counts per stream set:
mean accuracy, streams ahead of both River references (read from the committed
`results/foreign-streams/**/summary.csv`), and streams within 1 point of the best of the 24 experts.
It first checks that the accuracy replay reproduces `--policy leader --leader-half-life 0`'s served metric exactly (the pool serving whole periods).

Usage (repository root, after `swift build -c release --product drifttune`; river==0.26.1, numpy):
    python3 scripts/pool_scoring_replay.py --out results/general/leader-tolerance/scoring-replay.md
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foreign_streams as fs  # noqa: E402  the stream sets, their writer, period and warm-up

SETS = ["benchmark", "fresh", "holdout", "confirm", "verify"]
BATCHES = [8, 32, 128, 512]  # LearnSetup.leaderBins: pool order is learning rate fastest, batch size outer
EXPERTS = [(lr, b) for b in BATCHES for lr in fs.LEARNING_RATES]
ADAPTIVITY = np.array([lr / b for lr, b in EXPERTS])
FIRST = 1 * len(fs.LEARNING_RATES) + 2  # period 0 serves the default action's expert: lr 0.0306, batch 32


def learn(binary, path, kind, classes, args, log):
    cmd = [binary, "learn", "--data", path, "--label", "label", "--standardize", "true", "--log", log, "--json",
           "--period", str(fs.PERIOD), "--warmup", str(fs.WARMUP_PERIODS),
           "--model", "logistic" if kind == "binary" else "softmax", *args]
    if kind == "multiclass":
        cmd += ["--classes", str(classes)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\n{p.stderr}")
    with open(log) as f:
        return [json.loads(line) for line in f]


def expert_scores(job):
    """Per-period accuracy, log loss and Brier score of every expert on one stream, and the pool's log."""
    binary, folder, name, kind, classes = job
    path = os.path.join(folder, name + ".csv")
    log = path + ".jsonl"
    labels = np.loadtxt(path, delimiter=",", skiprows=1, usecols=-1, dtype=np.int64)
    pool = learn(binary, path, kind, classes, ["--policy", "leader", "--leader-half-life", "0"], log)
    periods = len(pool)
    acc, loss, brier = (np.zeros((periods, len(EXPERTS))) for _ in range(3))
    for k, (lr, batch) in enumerate(EXPERTS):
        rows = learn(binary, path, kind, classes, ["--policy", "fixed", "--lr", repr(lr), "--batch", str(batch),
                                                    "--log-probabilities"], log)
        for t, row in enumerate(rows):
            p = np.array(row["probabilities"], dtype=np.float64).reshape(fs.PERIOD, -1)
            first = fs.WARMUP + row["period"] * fs.PERIOD
            y = labels[first:first + fs.PERIOD]
            picked = p[np.arange(fs.PERIOD), y]
            acc[t, k] = (p.argmax(1) == y).mean()  # the first of equal maxima, as Swift
            loss[t, k] = -np.log(np.maximum(picked, 1e-7)).mean()
            brier[t, k] = ((p ** 2).sum(1) - 2 * picked + 1).mean()
    os.remove(log)
    logged = np.array([q["expert_metrics"] for q in pool], dtype=np.float64)
    if not np.array_equal(logged, acc):
        raise RuntimeError(f"{name}: an expert run alone does not score as the pool's log says")
    return name, {"acc": acc, "loss": loss, "brier": brier, "served": np.array([q["metric"] for q in pool])}


def leader(scores, weight, tolerance):
    """ExpertPool.leader: within tolerance × weight of the best score, the fastest; then the higher score, then the first."""
    best = int(np.argmax(scores))
    if tolerance <= 0:
        return best
    tied = [k for k in range(len(scores)) if scores[k] >= scores[best] - tolerance * weight]
    return max(tied, key=lambda k: (ADAPTIVITY[k], scores[k], -k))


def replay(metric, decay, tolerance):
    """The expert serving each period when the pool scores experts by `metric` (higher is better)."""
    scores, weight, served = np.zeros(metric.shape[1]), 0.0, []
    for t in range(metric.shape[0]):
        served.append(FIRST if t == 0 else leader(scores, weight, tolerance))
        scores = decay * scores + metric[t]
        weight = decay * weight + 1
    return np.array(served)


def river_references():
    refs = {}
    for stream_set in SETS:
        path = "results/foreign-streams/summary.csv" if stream_set == "benchmark" else f"results/foreign-streams/{stream_set}/summary.csv"
        with open(path) as f:
            for r in csv.DictReader(f):
                if r["method"] in ("river_logreg", "river_bandit"):
                    refs.setdefault((stream_set, r["stream"]), {})[r["method"]] = float(r["accuracy"])
    return refs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=".build/release/drifttune")
    ap.add_argument("--samples", type=int, default=40000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out")
    args = ap.parse_args()
    refs = river_references()
    streams = []
    with tempfile.TemporaryDirectory(prefix="pool-scoring-") as folder:
        for stream_set in SETS:
            for name, _, kind, classes, it in fs.make_streams(args.samples, stream_set):
                fs.write_csv(os.path.join(folder, f"{stream_set}__{name}.csv"), it.take(args.samples), args.samples)
                streams.append((args.binary, folder, f"{stream_set}__{name}", kind, classes))
        print(f"{len(streams)} streams written; running {len(EXPERTS)} experts on each", file=sys.stderr)
        data = {}
        with ProcessPoolExecutor(args.jobs) as pool:
            for name, scores in pool.map(expert_scores, streams):
                data[name] = scores
                print(f"  {len(data)}/{len(streams)} {name}", file=sys.stderr, flush=True)
    for name, d in data.items():
        served = replay(d["acc"], 0.9, 0.001)
        if not np.array_equal(d["acc"][np.arange(len(served)), served], d["served"]):
            raise RuntimeError(f"{name}: the accuracy replay does not reproduce --policy leader")
    rules = [("accuracy", 0.9, 0.0), ("accuracy", 0.9, 0.001)]
    rules += [("accuracy", decay, tol) for decay in (0.8, 0.85, 0.95, 0.97) for tol in (0.0005, 0.001, 0.002, 0.003)]
    rules += [("accuracy", 0.9, tol) for tol in (0.0005, 0.002, 0.003)]
    rules += [("log loss", 0.9, tol) for tol in (0.0, 0.001, 0.002, 0.005)]
    rules += [("Brier", 0.9, tol) for tol in (0.0, 0.001, 0.002)]
    key = {"accuracy": ("acc", 1), "log loss": ("loss", -1), "Brier": ("brier", -1)}
    lines = ["| scored by | decay | tolerance | " + " | ".join(SETS) + " | ahead, all sets |",
             "| --- | ---: | ---: | " + " | ".join("---" for _ in SETS) + " | ---: |"]
    for scoring, decay, tol in rules:
        field, sign = key[scoring]
        cells, ahead_all = [], 0
        for stream_set in SETS:
            names = [n for n in data if n.startswith(stream_set + "__")]
            accs, ahead, within = [], 0, 0
            for n in names:
                d = data[n]
                served = replay(sign * d[field], decay, tol)
                a = d["acc"][np.arange(len(served)), served].mean()
                r = refs[(stream_set, n.split("__", 1)[1])]
                ahead += a > r["river_logreg"] and a > r["river_bandit"]
                within += a >= d["acc"].mean(0).max() - 0.01
                accs.append(a)
            ahead_all += ahead
            cells.append(f"{np.mean(accs):.4f}, {ahead}/{len(names)}, {within}/{len(names)}")
        shipped = " (shipped)" if (scoring, decay, tol) == ("accuracy", 0.9, 0.001) else ""
        lines.append(f"| {scoring}{shipped} | {decay} | {tol} | " + " | ".join(cells) + f" | {ahead_all}/{len(data)} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write("Each cell: mean accuracy, streams ahead of both River references, streams within 1 point of the "
                    "best of the 24 experts. Written by `python3 scripts/pool_scoring_replay.py`; the accuracy replay "
                    "reproduces `learn --policy leader` exactly on all streams.\n\n" + table + "\n")


if __name__ == "__main__":
    main()
