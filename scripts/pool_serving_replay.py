#!/usr/bin/env python3
"""How the expert pool serves, measured on the foreign-stream sets (not CI): `learn --policy leader`
serving each period whole (`--leader-half-life 0`) against serving sample by sample at a grid of
half-lives and tolerances.

Every expert learns every sample whoever serves, so the serving rule changes only which expert's
prediction each sample gets. For every stream of the chosen sets (the committed generators of
scripts/foreign_streams.py, same seeds) it runs `drifttune learn --policy leader` (learn's defaults:
24 experts, standardized, no label delay, 1,000-sample periods, 3 warm-up periods) once per setting
and reports, per set: mean accuracy over samples 3,001 to 40,000, streams ahead of both River
references, and streams within 1 point of DriftTune's best static learning rate in the same loop.
The references are read from the committed `results/foreign-streams/**/summary.csv` (River LR and
River bandit; `fixed` at each learning rate), so only sets with a committed summary can be used.

Usage (repository root, after `swift build -c release --product drifttune`; river==0.26.1, numpy):
    python3 scripts/pool_serving_replay.py --out results/general/sample-serving/serving-grid.md
"""
import argparse
import csv
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foreign_streams as fs  # noqa: E402  the stream sets, their writer, period and warm-up
from pool_scoring_replay import learn  # noqa: E402  one `drifttune learn` run, its --log periods

SETS = ["benchmark", "fresh", "holdout", "confirm", "verify"]
SETTINGS = [(0, 0.001), (0, 0.0)] + [(h, t) for h in (100, 300, 1000, 3000) for t in (0.0, 0.001, 0.005)]


def references(stream_set):
    folder = "results/foreign-streams" + ("" if stream_set == "benchmark" else f"/{stream_set}")
    rows = {}
    with open(os.path.join(folder, "summary.csv")) as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["stream"], {})[r["method"]] = float(r["accuracy"])
    out = {}
    for stream, m in rows.items():
        prefix = "drifttune_fixed_lr" if "extra_nodelay_fixed_lr1" not in m else "extra_nodelay_fixed_lr"
        out[stream] = (max(m["river_logreg"], m["river_bandit"]), max(v for k, v in m.items() if k.startswith(prefix)))
    return out


def accuracy(binary, path, kind, classes, half_life, tolerance, log):
    """`learn --policy leader` (learn's defaults, batch 32) at this half-life and tolerance: the mean
    over its periods, each of 1,000 samples, so the mean over samples."""
    periods = learn(binary, path, kind, classes, ["--policy", "leader", "--batch", "32", "--leader-half-life", str(half_life),
                                                 "--leader-tolerance", repr(tolerance)], log)
    return round(sum(q["metric"] for q in periods) / len(periods), 4)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=".build/release/drifttune")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated stream sets with a committed summary")
    ap.add_argument("--out", default="", help="write the Markdown table here too")
    args = ap.parse_args()
    sets = args.sets.split(",")
    tmp = tempfile.mkdtemp(prefix="pool-serving-")
    started = time.time()
    # cells[(half_life, tolerance)][set] = (accuracies, ahead, within)
    cells = {s: {} for s in SETTINGS}
    for stream_set in sets:
        refs = references(stream_set)
        for name, _, kind, classes, it in fs.make_streams(40000, stream_set):
            path = os.path.join(tmp, name + ".csv")
            fs.write_csv(path, it.take(40000), 40000)
            river, best_static = refs[name]
            for setting in SETTINGS:
                a = accuracy(args.binary, path, kind, classes, *setting, path + ".jsonl")
                acc, ahead, within = cells[setting].get(stream_set, ([], 0, 0))
                cells[setting][stream_set] = (acc + [a], ahead + (a > river), within + (best_static - a <= 0.01))
            os.remove(path)
            print(f"{stream_set}/{name} done ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
    header = "| serving | half-life | tolerance | ahead of both River references | within 1 pt of best static | " + \
        " | ".join(sets) + " |\n|---|---:|---:|---:|---:|" + "---:|" * len(sets) + "\n"
    lines = []
    for setting in SETTINGS:
        half_life, tolerance = setting
        row = cells[setting]
        ahead = sum(row[s][1] for s in sets)
        within = sum(row[s][2] for s in sets)
        means = " | ".join(f"{sum(row[s][0]) / len(row[s][0]):.4f} ({row[s][1]}/{len(row[s][0])})" for s in sets)
        kind = "whole periods" if half_life == 0 else "sample by sample"
        lines.append(f"| {kind} | {half_life or '–'} | {tolerance:g} | {ahead}/{9 * len(sets)} | {within}/{9 * len(sets)} | {means} |")
    table = header + "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write("Made by `python3 scripts/pool_serving_replay.py" + (f" --sets {args.sets}" if args.sets != ",".join(SETS) else "")
                    + "`: `learn --policy leader` at each half-life (0: whole periods, the period leader decayed by 0.9 per period)"
                    " and tolerance; per set, mean accuracy over samples 3,001 to 40,000 and (in brackets) streams ahead of both"
                    " River references.\n\n" + table)


if __name__ == "__main__":
    main()
