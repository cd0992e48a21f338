#!/usr/bin/env python3
"""Reference throughput for `drifttune bench --reference`: River and numpy on the same data.

`drifttune bench --reference` writes the data it benchmarks (a labelled stream CSV and a
univariate stream) to a temporary folder and runs this script on it in the same run, so the
ratios it reports compare like with like on the same machine at the same time.

Usage: python3 scripts/bench_reference.py --stream STREAM.csv --values VALUES.txt [--seconds S]
Needs: river (0.26.1 was used), numpy. Prints one JSON object: River's online logistic regression and
drift detectors, numpy's sgemm and numpy's forward + backward of the bench's policy network.
"""
import argparse
import csv
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def per_second(count, body, min_seconds):
    body()  # warm-up
    runs, start = 0, time.perf_counter()
    while True:
        body()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return count * runs / elapsed


def policy_gflops(np, min_seconds, batch=4096):
    """numpy's forward + backward of the bench's policy network (`PolicyBenchmark.referenceArchitecture`:
    tanh actor 24-64-64-18 and critic 24-64-64-1, float32, batch 4,096, one thread), in GFLOP/s counted as
    `PolicyBenchmark.gemmFlops` counts: 2·m·n·k per matrix product, no input gradient for the first layers."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((batch, 24), dtype=np.float32)
    trunks = []
    for outputs in (18, 1):
        sizes = [24, 64, 64, outputs]
        trunks.append([(rng.standard_normal((a, b), dtype=np.float32) / np.float32(np.sqrt(a)), np.zeros(b, np.float32))
                       for a, b in zip(sizes, sizes[1:])])
    upstream = [rng.standard_normal((batch, 18), dtype=np.float32), rng.standard_normal((batch, 1), dtype=np.float32)]

    def one_pass():
        for layers, d_out in zip(trunks, upstream):
            activations = [x]
            for i, (w, b) in enumerate(layers):
                z = activations[-1] @ w + b
                activations.append(np.tanh(z) if i < len(layers) - 1 else z)
            grad = d_out
            for i in reversed(range(len(layers))):
                w, _ = layers[i]
                _ = activations[i].T @ grad, grad.sum(0)  # weight and bias gradients
                if i > 0:
                    grad = (grad @ w.T) * (1 - activations[i] ** 2)

    macs = sum(a * b for layers in trunks for a, b in (w.shape for w, _ in layers))
    flops = 2 * batch * macs + 2 * batch * (2 * macs - 2 * 24 * 64)
    return flops * per_second(1, one_pass, min_seconds) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stream", required=True)
    ap.add_argument("--values", required=True)
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()

    import numpy as np
    from river import drift, linear_model, optim

    with open(args.stream) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    names = header[:-1]
    samples = [({n: float(v) for n, v in zip(names, r[:-1])}, int(r[-1]) == 1) for r in rows]
    with open(args.values) as f:
        values = [float(line) for line in f if line.strip()]

    out = {"river_version": __import__("river").__version__, "numpy_version": np.__version__}

    def logistic_pass():
        model = linear_model.LogisticRegression(optimizer=optim.SGD(0.05))
        for x, y in samples:
            model.predict_proba_one(x)
            model.learn_one(x, y)

    out["logistic_samples_per_second"] = per_second(len(samples), logistic_pass, args.seconds)

    def detector_pass(make, data):
        def run():
            d = make()
            for v in data:
                d.update(v)
        return run

    out["adwin_updates_per_second"] = per_second(len(values), detector_pass(drift.ADWIN, values), args.seconds)
    out["page_hinkley_updates_per_second"] = per_second(
        len(values), detector_pass(drift.PageHinkley, values), args.seconds)
    kswin_values = values[:5000]  # River's KSWIN recomputes from scratch: keep the pass short
    out["kswin_updates_per_second"] = per_second(
        len(kswin_values), detector_pass(lambda: drift.KSWIN(seed=1), kswin_values), args.seconds)

    out["numpy_policy_gflops"] = policy_gflops(np, args.seconds)

    rng = np.random.default_rng(1)
    for n in (256, 1024):
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        calls = per_second(1, lambda: a @ b, args.seconds)
        out[f"numpy_sgemm_gflops_n{n}"] = 2 * n ** 3 * calls / 1e9
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
