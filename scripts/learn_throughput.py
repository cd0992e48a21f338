#!/usr/bin/env python3
"""`drifttune learn` end to end against River on the same CSV file, in one run (not CI).

Writes a 10-feature, N-row drift stream (River's Hyperplane, 5 drifting features, 5% label noise,
seed 7) as CSV to a temporary folder, then times on that file:

- `drifttune learn` (release build) with the committed network-diagnosis policy and online
  standardization: parse, standardize, predict, learn, monitor and one policy decision per
  1,000-sample period, the whole process (best of --repeats, wall and CPU, peak RSS);
- River's `StandardScaler | LogisticRegression` (and the plain `LogisticRegression`), reading the
  same file with the csv module, predicting each sample before learning it (one pass).

Prints a Markdown table; with --out writes it there too.

    swift build -c release --product drifttune
    python3 scripts/learn_throughput.py [--rows 400000] [--out results/learn-throughput/summary.md]
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from river import compose, datasets, linear_model, preprocessing

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY = "results/network-diagnosis/policies/network-diagnosis.policy"


def write_stream(path: Path, rows: int) -> None:
    gen = datasets.synth.Hyperplane(seed=7, n_features=10, n_drift_features=5, mag_change=0.001, noise_percentage=0.05)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{i}" for i in range(10)] + ["label"])
        for x, y in gen.take(rows):
            w.writerow([repr(x[i]) for i in range(10)] + [int(y)])


def time_learn(binary: str, policy: str, data: Path, repeats: int) -> dict:
    best = None
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # /usr/bin/time reports the process's own peak RSS (Python's rusage of children would count
        # the forked interpreter's pages before exec).
        out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "learn", "--policy", policy, "--data", str(data),
                              "--label", "label", "--standardize", "true", "--json"],
                             check=True, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        summary = json.loads(out.stdout)
        run = {"wall": wall, "cpu": cpu, "summary": summary, "peak_rss_mb": int(out.stderr.split()[-1]) / 1024}
        if best is None or wall < best["wall"]:
            best = run
    return best


def time_river(model, data: Path) -> dict:
    start = time.perf_counter()
    cpu0 = time.process_time()
    correct = n = 0
    with data.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        names = header[:-1]
        for row in reader:
            x = {k: float(v) for k, v in zip(names, row[:-1])}
            y = int(row[-1])
            p = model.predict_one(x)
            correct += int(p == y) if p is not None else 0
            n += 1
            model.learn_one(x, y)
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu0, "accuracy": correct / max(n, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--drifttune", default=str(ROOT / ".build/release/drifttune"))
    ap.add_argument("--policy", default=DEFAULT_POLICY)
    ap.add_argument("--out")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "hyperplane.csv"
        write_stream(data, args.rows)
        size_mb = data.stat().st_size / 1e6
        ours = time_learn(args.drifttune, args.policy, data, args.repeats)
        scaled = time_river(compose.Pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression()), data)
        plain = time_river(linear_model.LogisticRegression(), data)
    rows = args.rows
    s = ours["summary"]
    lines = [
        f"# `drifttune learn` end to end against River, same file, same run",
        "",
        f"Stream: River Hyperplane, 10 features (5 drifting, mag 0.001), 5% label noise, seed 7; {rows:,} rows, "
        f"{size_mb:.1f} MB of CSV. Command: `python3 scripts/learn_throughput.py --rows {rows}"
        + (f" --policy {args.policy} --out {args.out}" if args.policy != DEFAULT_POLICY else "") + "` after "
        "`swift build -c release --product drifttune`. DriftTune: best of "
        f"{args.repeats} whole-process runs with `--policy {args.policy} --standardize true` (parse, standardize, "
        "predict, learn, monitor, one policy decision per 1,000-sample period; the next period is parsed on a "
        "second thread, so its CPU time exceeds its wall time). River: one pass on one thread, reading the CSV "
        "with the csv module, predict then learn each sample.",
        "",
        "| method | wall s | CPU s | samples/s (wall) | samples per CPU s | accuracy | × River scaled LR (wall / CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| drifttune learn (policy) | {ours['wall']:.2f} | {ours['cpu']:.2f} | {rows / ours['wall']:,.0f} | "
        f"{rows / ours['cpu']:,.0f} | {s['mean_metric']:.4f} (periods 1–{s['periods'] - 1}) | "
        f"{scaled['wall'] / ours['wall']:.1f} / {scaled['cpu'] / ours['cpu']:.1f} |",
        f"| River StandardScaler \\| LogisticRegression | {scaled['wall']:.2f} | {scaled['cpu']:.2f} | "
        f"{rows / scaled['wall']:,.0f} | {rows / scaled['cpu']:,.0f} | {scaled['accuracy']:.4f} (every sample) | 1.0 / 1.0 |",
        f"| River LogisticRegression | {plain['wall']:.2f} | {plain['cpu']:.2f} | {rows / plain['wall']:,.0f} | "
        f"{rows / plain['cpu']:,.0f} | {plain['accuracy']:.4f} (every sample) | "
        f"{scaled['wall'] / plain['wall']:.1f} / {scaled['cpu'] / plain['cpu']:.1f} |",
        "",
        f"DriftTune peak RSS (`/usr/bin/time`, fastest run): {ours['peak_rss_mb']:.0f} MB. Accuracies are not on the same samples "
        "(DriftTune leaves out its warm-up periods and period 0), so they are context, not a comparison.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
