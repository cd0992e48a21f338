#!/usr/bin/env python3
"""How much room can any tuner of a linear learner have? (issue "Tuning that pays")

Headroom is planner − static-hindsight. This script bounds it from above, without any tuner: for
each environment it fits, per quarter of every period, the best model of the learner's own class
(logistic regression for network-diagnosis, multinomial for intent-recognition) on that quarter's
samples pooled over many stream seeds — a model that knows the current distribution exactly, has
no lag, and pays nothing for compute or updates — and scores it on the same quarter of the
held-out seeds the committed sweeps use. Every policy of `drifttune` serves, at each moment, a
model of that class fitted on the past, so its expected accuracy in a period is at most this
oracle's (up to the estimate's sampling error, given below), and its episode reward, accuracy minus
costs, is at most the sum of the oracle's accuracies. The ceiling on headroom is therefore
`oracle − static-hindsight`.

Streams come from `drifttune stream` (the simulator's own draw for each seed), so nothing here
re-implements a generator. Two ways to get enough samples per block:

- network-diagnosis draws the same concept for every seed (the label weights are the spec's), so each
  block's model is fitted on that block pooled over stream seeds 1..N and scored on the held-out seeds.
- intent-recognition draws its intent centroids per seed, so pooling seeds would mix concepts. Its
  oracle is fitted per seed, on a copy of the spec with a longer period (`--intent-period`): the seed's
  centroids, drift schedule and label noise are the same (they come from the seed's "structure"
  stream, and drift is scheduled in periods), only more samples are drawn in each period. Even samples
  fit the model, odd ones score it. Its class concept is Gaussian with one shared isotropic spread,
  so the Bayes classifier is itself linear in the embedding: this oracle is also the Bayes ceiling.

Needs numpy and scikit-learn.

    python scripts/headroom_ceiling.py --binary .build/release/drifttune \
        --out results/planner-study/ceiling.md
"""
import argparse
import csv
import os
import subprocess
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

NETWORK_TABLES = [
    ("online", "results/network-diagnosis/summary.csv", "network-diagnosis"),
    ("deployed", "results/deployed/summary.csv", "network-deployed"),
]
# environment, model class, fitting mode, committed tables whose static-hindsight and planner rows we compare.
ENVIRONMENTS = [
    ("network-diagnosis", "logistic regression", "pooled", NETWORK_TABLES),
    ("network-diagnosis", "Bayes (logistic with firmware-v3 interactions)", "pooled-bayes", NETWORK_TABLES),
    ("intent-recognition", "softmax regression", "per-seed", [
        ("online", "results/intent-recognition/summary.csv", "intent-recognition"),
        ("deployed", "results/deployed/summary.csv", "intent-deployed"),
    ]),
]
BLOCKS_PER_PERIOD = 4


def read_stream(binary, env, seed, environments):
    """The seed's stream as (features, labels), drawn by the simulator itself."""
    out = subprocess.run([binary, "stream", "--environments", environments, "--env", env, "--seed", str(seed)],
                         check=True, capture_output=True).stdout
    header, body = out.split(b"\n", 1)
    columns = header.count(b",") + 1
    data = np.array(body.replace(b"\n", b",").rstrip(b",").split(b","), dtype=np.float64).reshape(-1, columns)
    return data[:, :-1], data[:, -1].astype(np.int64)


def longer_period_spec(environments, env, period, folder):
    """A copy of the spec whose periods hold `period` samples; everything else unchanged."""
    with open(os.path.join(environments, env + ".yaml")) as f:
        text = f.read()
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if line.startswith("period_length:")]
    if len(hits) != 1:
        sys.exit(f"{env}.yaml: expected one top-level period_length line, found {len(hits)}")
    lines[hits[0]] = f"period_length: {period}"
    path = os.path.join(folder, env + ".yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def block_accuracy(fit_x, fit_y, score_x, score_y):
    """(held-out, in-sample) accuracy of the model of the learner's class fitted on the fitting samples.
    The held-out figure underestimates the best model's accuracy (the fit is from finitely many
    samples), the in-sample one overestimates it (the fit has seen them): the ceiling lies between."""
    if len(np.unique(fit_y)) < 2:
        return float(np.mean(score_y == fit_y[0])), 1.0
    model = LogisticRegression(C=10.0, max_iter=1000).fit(fit_x, fit_y)
    return model.score(score_x, score_y), model.score(fit_x, fit_y)


def with_firmware_interactions(stream):
    """network-diagnosis only: appends x · firmware.v3 to every row. Samples of the gradual firmware
    rollout carry the firmware.v3 marker and their logit changes linearly in x, so the true P(y | x) is
    logistic in (x, x · v3): on these features the best logistic model is the Bayes classifier."""
    x, y = stream
    v3 = x[:, -1]        # the spec's last feature group is firmware [v1, v2, v3]
    if not np.all((v3 == 0) | (v3 == 1)) or v3[:15000].any():
        sys.exit("network-diagnosis: the last column is not the firmware.v3 marker (0/1, none before the rollout)")
    return np.hstack([x, x[:, :-1] * v3[:, None]]), y


def oracle_pooled(binary, env, environments, fit_seeds, score_seeds, transform=lambda s: s):
    """Per seed and counted period: accuracy of each block's model fitted on the fitting seeds pooled."""
    fit = [transform(read_stream(binary, env, s, environments)) for s in fit_seeds]
    score = [transform(read_stream(binary, env, s, environments)) for s in score_seeds]
    period = 1000
    first = fit[0][0].shape[0] // period - 50      # the last 50 periods of the stream are the counted ones
    block = period // BLOCKS_PER_PERIOD
    acc = np.zeros((2, len(score_seeds), 50))
    for k in range(50):
        for b in range(BLOCKS_PER_PERIOD):
            lo = (first + k) * period + b * block
            x = np.concatenate([f[0][lo:lo + block] for f in fit])
            y = np.concatenate([f[1][lo:lo + block] for f in fit])
            sx = np.concatenate([s[0][lo:lo + block] for s in score])
            sy = np.concatenate([s[1][lo:lo + block] for s in score])
            correct = block_predictions(x, y, sx, sy)
            acc[0, :, k] += correct.reshape(len(score), block).mean(axis=1) / BLOCKS_PER_PERIOD
            acc[1, :, k] += block_accuracy(x, y, x[:1], y[:1])[1] / BLOCKS_PER_PERIOD
        print(f"{env}: period {k + 1}/50, oracle accuracy {acc[0, :, k].mean():.4f}", file=sys.stderr)
    return acc


def block_predictions(fit_x, fit_y, score_x, score_y):
    """Per scored sample, whether the model fitted on the fitting samples gets it right."""
    if len(np.unique(fit_y)) < 2:
        return score_y == fit_y[0]
    model = LogisticRegression(C=10.0, max_iter=1000).fit(fit_x, fit_y)
    return model.predict(score_x) == score_y


def oracle_per_seed(binary, env, environments, score_seeds, period):
    """Per seed and counted period: accuracy of a model fitted on the even samples of that seed's period
    (drawn `period` samples long), scored on its odd samples."""
    import tempfile
    acc = np.zeros((2, len(score_seeds), 50))
    with tempfile.TemporaryDirectory() as folder:
        spec = longer_period_spec(environments, env, period, folder)
        for i, seed in enumerate(score_seeds):
            x, y = read_stream(binary, spec, seed, environments)
            first = x.shape[0] // period - 50
            for k in range(50):
                lo, hi = (first + k) * period, (first + k + 1) * period
                acc[:, i, k] = block_accuracy(x[lo:hi:2], y[lo:hi:2], x[lo + 1:hi:2], y[lo + 1:hi:2])
            print(f"{env}: seed {seed}, oracle accuracy {acc[0, i].mean():.4f}", file=sys.stderr)
    return acc


def table_means(path, environment, seeds):
    """Mean episode reward and task metric of static-hindsight and planner over `seeds`."""
    values = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["environment"] != environment or row["method"] not in ("static-hindsight", "planner"):
                continue
            if row["seed"] and int(row["seed"]) in seeds and row["metric"] in ("episode_reward", "task_metric"):
                values.setdefault((row["method"], row["metric"]), {})[int(row["seed"])] = float(row["value"])
    return values


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=".build/release/drifttune")
    ap.add_argument("--environments", default="environments")
    ap.add_argument("--fit-seeds", type=int, default=40, help="stream seeds 1..N pooled to fit each block's model")
    ap.add_argument("--score-seeds", type=int, default=20, help="held-out seeds 1001..1000+N scored")
    ap.add_argument("--intent-period", type=int, default=12000, help="samples per period for the per-seed oracle")
    ap.add_argument("--out", default=None, help="markdown file (default: standard output)")
    args = ap.parse_args()
    started = time.time()
    lines = ["# The ceiling on headroom: the best model of the learner's class, fitted per period", "",
             "Made by `scripts/headroom_ceiling.py` (its docstring gives the method). Scored on the sweeps' "
             f"held-out seeds 1001–{1000 + args.score_seeds}, over the episode's 50 counted periods (the "
             "simulator's periods 1–50; the reset period and the warm-up are not counted). network-diagnosis: "
             f"{BLOCKS_PER_PERIOD} models per period, each fitted on its quarter pooled over stream seeds "
             f"1–{args.fit_seeds}. intent-recognition: one model per seed and period, fitted on half of a "
             f"{args.intent_period}-sample draw of that period, scored on the other half.", "",
             "Command (repository root, after `swift build -c release --product drifttune`; numpy and scikit-learn in "
             "the Python):", "", "```sh", "python3 scripts/headroom_ceiling.py " + " ".join(sys.argv[1:]), "```", ""]
    summary_rows = []
    per_period = {}
    for env, learner, mode, tables in ENVIRONMENTS:
        score_seeds = list(range(1001, 1001 + args.score_seeds))
        if mode == "pooled":
            acc = oracle_pooled(args.binary, env, args.environments, range(1, args.fit_seeds + 1), score_seeds)
        elif mode == "pooled-bayes":
            acc = oracle_pooled(args.binary, env, args.environments, range(1, args.fit_seeds + 1), score_seeds,
                                with_firmware_interactions)
        else:
            acc = oracle_per_seed(args.binary, env, args.environments, score_seeds, args.intent_period)
        per_period[f"{env}, {learner}"] = acc[0].mean(axis=0)
        for regime, path, label in tables:
            v = table_means(path, label, set(score_seeds))
            common = sorted(set(v[("static-hindsight", "episode_reward")]) & set(v[("planner", "episode_reward")]))
            idx = [score_seeds.index(s) for s in common]
            low, high = acc[0][idx].sum(axis=1), acc[1][idx].sum(axis=1)     # per seed, no costs
            column = {key: np.array([v[key][s] for s in common]) for key in v}
            hindsight = column[("static-hindsight", "episode_reward")]
            planner = column[("planner", "episode_reward")]
            share = lambda d: 100 * d.mean() / hindsight.mean()
            summary_rows.append(
                f"| {label} ({regime}) | {learner} | {len(common)} | {acc[0][idx].mean():.4f} – {acc[1][idx].mean():.4f} "
                f"| {column[('static-hindsight', 'task_metric')].mean():.4f} | {column[('planner', 'task_metric')].mean():.4f} "
                f"| {hindsight.mean():.2f} | {planner.mean():.2f} | {low.mean():.2f} – {high.mean():.2f} "
                f"| {(low - hindsight).mean():+.3f} – {(high - hindsight).mean():+.3f} "
                f"| {share(low - hindsight):+.1f}% – {share(high - hindsight):+.1f}% | {share(planner - hindsight):+.1f}% |")
    lines += ["Each oracle figure is a range: held-out accuracy of the fitted models (below the best model of the "
              "class: they were fitted on finitely many samples) to their in-sample accuracy (above it: they have "
              "seen those samples). The ceiling on headroom is the oracle's reward, which pays no costs, minus "
              "static-hindsight's, per seed, from the committed tables.", "",
              "| environment | model class | seeds | oracle accuracy | static-hindsight accuracy | planner accuracy "
              "| static-hindsight reward | planner reward | oracle reward (no costs) | ceiling on headroom | "
              "ceiling % | measured headroom % |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += summary_rows
    lines += ["", "Held-out oracle accuracy per counted period (mean over the scored seeds):", ""]
    for env, series in per_period.items():
        lines.append(f"- {env}: " + " ".join(f"{v:.3f}" for v in series))
    lines += ["", f"Wall time {time.time() - started:.0f} s; numpy {np.__version__}, "
              f"scikit-learn {__import__('sklearn').__version__}, binary `{args.binary}`."]
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
