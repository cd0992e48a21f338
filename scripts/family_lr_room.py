#!/usr/bin/env python3
"""How much the learning rate matters in an environment family: reads the grid rows that
`drifttune family evaluate --grid-out FILE` writes (every static setting's per-seed rewards) and, for
the settings at one batch size without retraining, reports per learning rate the mean reward, how
many episodes give the same reward at every rate, and what choosing the rate per episode is worth
over the best single rate. Standard library only.

Usage:
    drifttune family evaluate environments/families/binary.yaml --subfamilies sudden,gradual,incremental,recurring \\
        --seeds 0..39 --grid-out /tmp/grid.json > /dev/null
    python3 scripts/family_lr_room.py /tmp/grid.json [--batch 32]
"""
import argparse
import json
import re
import statistics


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("grid", help="JSON rows written by `family evaluate --grid-out`")
    ap.add_argument("--batch", type=int, default=32, help="batch size of the settings compared (default 32)")
    args = ap.parse_args()
    with open(args.grid) as f:
        rows = json.load(f)
    pattern = re.compile(r"^static \(lr=([0-9.e+-]+) b=(\d+) K=never\)$")
    rates = {}
    for r in rows:
        m = pattern.match(r["method"])
        if m and int(m.group(2)) == args.batch:
            rates[m.group(1)] = r["rewards"]
    if len(rates) < 2:
        raise SystemExit(f"{args.grid}: fewer than two learning rates at batch {args.batch} without retraining")
    n = len(next(iter(rates.values())))
    per_episode_best = [max(v[i] for v in rates.values()) for i in range(n)]
    insensitive = [i for i in range(n) if max(v[i] for v in rates.values()) - min(v[i] for v in rates.values()) < 1e-9]
    sensitive = [i for i in range(n) if i not in insensitive]
    best_rate = max(rates, key=lambda k: statistics.mean(rates[k]))
    print(f"{len(rates)} learning rates at batch {args.batch}, no retraining, {n} episodes")
    print("| learning rate | mean reward | mean reward where the rate matters | best in episodes |")
    print("|---:|---:|---:|---:|")
    for k, v in rates.items():
        wins = sum(1 for i in sensitive if v[i] == max(w[i] for w in rates.values()))
        sub = statistics.mean(v[i] for i in sensitive) if sensitive else float("nan")
        print(f"| {k} | {statistics.mean(v):.3f} | {sub:.3f} | {wins} |")
    print(f"episodes with the same reward at every rate: {len(insensitive)} of {n}")
    print(f"best rate per episode − best single rate ({best_rate}): "
          f"{statistics.mean(per_episode_best) - statistics.mean(rates[best_rate]):+.3f} reward per episode (all episodes)"
          + (f", {statistics.mean(per_episode_best[i] - rates[best_rate][i] for i in sensitive):+.3f} where the rate matters"
             if sensitive else ""))


if __name__ == "__main__":
    main()
