#!/usr/bin/env python3
"""CI check: the Python monitor and learner loop reproduce `drifttune learn`, period for period.

Reads the committed fixtures in python/tests/fixtures/monitor-parity/ (made by
scripts/fixtures/monitor_parity_fixtures.sh: exported simulator streams and `drifttune learn --log
--log-probabilities` logs). For every case it replays the Swift learner's predicted probabilities
through `drifttune_policy.PeriodLoop` (label delay, window, retrains, compute) and `Monitor`, asks
the Python `Policy` for each decision, and compares with the Swift log: every observation within
1e-5, every decision (bins, retrain, fallback) equal, metric and compute within 1e-9. The cases of
policies with shadow learners (the general policies: observation schema v2, and v3 with batch-size
shadows) run end to end instead: the Python `TunedLearner` with its own `LinearBackend` (the Swift
learner in numpy, same retrain shuffles) learns the stream, shadows included, and must make every
decision Swift made, with observations within 1e-4 and metric and compute within 1e-9; so does the
expert-pool cases (general-pool: a policy whose loop has `experts`, schema v4, served sample by
sample; general-pool-whole-periods: one serving whole periods with a leader tolerance;
general-pool-best-score: one without either), every expert's metric
(`expert_metrics`) included. Also checks the ported detectors against the River detection indices the
Swift tests use (Tests/DriftDetectionTests/Fixtures), and by-name and sampled decisions. Needs numpy only.

    python3 scripts/check_python_monitor.py [--json]
"""
import csv
import gzip
import io
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from drifttune_policy import LinearBackend, Policy, PeriodLoop, RecordedPredictions, SplitMix64, TunedLearner  # noqa: E402
from drifttune_policy.detectors import ADWIN, DDM, PageHinkley  # noqa: E402

FIXTURES = os.path.join(ROOT, "python", "tests", "fixtures", "monitor-parity")
TOLERANCE = 1e-5
LINEAR_TOLERANCE = 1e-4  # end to end: the numpy learner's float32 sums in another order than Swift's BLAS
ENV_POLICY = {  # the loop and bins a rule run takes from --env equal the env's exported policy's
    "network-diagnosis": "results/network-diagnosis/policies/network-diagnosis.policy",
    "intent-recognition": "results/intent-recognition/policies/intent-recognition.policy",
    "recommendation": "results/recommendation/policies/recommendation.policy",
}


def read_stream(path):
    with gzip.open(path, "rt", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    label = header.index("label")
    data = np.array([[float(v) for v in r] for r in rows[1:]], dtype=np.float64)
    x = np.delete(data, label, axis=1).astype(np.float32)
    return x, data[:, label].astype(np.int64)


def read_log(path):
    with gzip.open(path, "rt") as f:
        return [json.loads(line) for line in f if line.strip()]


def action_of(entry):
    a = entry["action"]
    return {"bins": [a["learning_rate_bin"], a["batch_size_bin"]], "retrain": a["retrain"],
            "learn_online": a.get("learn_online", True)}


def replay(case, adwin="python"):
    log = read_log(os.path.join(FIXTURES, case["name"] + ".jsonl.gz"))
    x, y = read_stream(os.path.join(FIXTURES, case["name"] + ".csv.gz"))
    is_rule = not case["policy"].endswith(".policy")
    policy = Policy.load(os.path.join(ROOT, ENV_POLICY[case["env"]] if is_rule else case["policy"]), expecting_schema=1)
    loop = dict(policy.loop, period_length=case["period"], warmup_periods=case["warmup"])
    p = loop["period_length"]
    classes = len(log[0]["probabilities"]) // p
    metric = "auc" if loop["model"] == "fm" else "accuracy"
    runner = PeriodLoop(RecordedPredictions([np.reshape(e["probabilities"], (p, classes)) for e in log]), loop, policy.learning_rates,
                        policy.batch_sizes, x.shape[1], classes, metric, policy.feature_names, adwin=adwin)
    warm = loop["warmup_periods"] * p
    runner.configure(policy.fallback_bins)
    runner.warm_start(x[:warm], y[:warm])
    worst, worst_at, mismatches, decisions, metric_err, compute_err = 0.0, None, [], 0, 0.0, 0.0
    action = {"bins": policy.fallback_bins[:2], "retrain": "none", "learn_online": True}
    for t, entry in enumerate(log):
        start = warm + t * p
        out = runner.step(action, x[start:start + p], y[start:start + p])
        diff = np.abs(out["observation"].astype(np.float64) - np.array(entry["observation"], dtype=np.float64))
        if diff.max() > worst:
            worst, worst_at = float(diff.max()), (t, policy.feature_names[int(diff.argmax())])
        metric_err = max(metric_err, abs(out["metric"] - entry["metric"]))
        compute_err = max(compute_err, abs(out["online_compute"] + out["retrain_compute"] - entry["compute"]))
        if [out["learning_rate"], out["batch_size"]] != [float(np.float32(entry["learning_rate"])), entry["batch_size"]]:
            mismatches.append((t, "learning rate or batch size", out["learning_rate"], entry["learning_rate"]))
        if t + 1 < len(log):
            swift = log[t + 1]
            if not is_rule:  # the Python policy decides on the Python observation
                d = policy.decide(out["observation"])
                decisions += 1
                got = ([*d["bins"][:2]], d["retrain"], d["fallback"])
                want = (action_of(swift)["bins"], swift["action"]["retrain"], swift.get("fallback"))
                if got != want:
                    mismatches.append((t, "decision", got, want))
            action = action_of(swift)  # follow Swift's action (a mismatch is counted, not propagated)
    return {"case": case["name"], "periods": len(log), "worst_observation_difference": worst, "worst_at": worst_at,
            "decisions": decisions, "mismatches": mismatches, "metric_error": metric_err, "compute_error": compute_err,
            "retrains": sum(e["action"]["retrain"] != "none" for e in log),
            "adwin_alarms": sum(bool(e["adwin_alarm"]) for e in log),
            "ddm_signals": sum(e["observation"][policy.feature_names.index("ddm_state")] > 0 for e in log)}


def replay_linear(case):
    """A shadow-learner or expert-pool policy end to end: `TunedLearner(LinearBackend)` on the
    stream, its own decisions, period by period against `drifttune learn`'s log."""
    log = read_log(os.path.join(FIXTURES, case["name"] + ".jsonl.gz"))
    x, y = read_stream(os.path.join(FIXTURES, case["name"] + ".csv.gz"))
    policy = Policy.load(os.path.join(ROOT, case["policy"]))
    flags = case["flags"]
    classes = int(flags[flags.index("--classes") + 1]) if "--classes" in flags else 2
    learner = TunedLearner(LinearBackend(list(range(classes))), policy, classes=list(range(classes)),
                           loop={"period_length": case["period"], "warmup_periods": case["warmup"]})
    summary = learner.run(x, y)
    worst, worst_at, mismatches, metric_err, compute_err = 0.0, None, [], 0.0, 0.0
    for t, (mine, swift) in enumerate(zip(learner.log, log)):
        diff = np.abs(np.asarray(mine["observation"], dtype=np.float64) - np.array(swift["observation"], dtype=np.float64))
        if diff.max() > worst:
            worst, worst_at = float(diff.max()), (t, policy.feature_names[int(diff.argmax())])
        metric_err = max(metric_err, abs(mine["metric"] - swift["metric"]))
        compute_err = max(compute_err, abs(mine["compute"] - swift["compute"]))
        if (mine["action"]["bins"], mine["action"]["retrain"]) != (action_of(swift)["bins"], swift["action"]["retrain"]):
            mismatches.append((t, "decision", mine["action"], swift["action"]))
        if "expert_metrics" in swift:  # an expert pool: every expert's metric, None for one that left
            ours, theirs = mine.get("expert_metrics") or [], swift["expert_metrics"]
            if [m is None for m in ours] != [m is None for m in theirs]:
                mismatches.append((t, "experts", ours, theirs))
            else:
                metric_err = max([metric_err] + [abs(a - b) for a, b in zip(ours, theirs) if a is not None])
            if mine.get("served_rows") != swift.get("served_rows"):  # a pool serving sample by sample: rows per expert
                mismatches.append((t, "served rows", mine.get("served_rows"), swift.get("served_rows")))
    if len(learner.log) != len(log):
        mismatches.append(("periods", len(learner.log), len(log)))
    metric_err = max(metric_err, abs(summary["mean_metric"] - case["summary"]["mean_metric"]))  # learn's summary too
    shadow = [i for i, n in enumerate(policy.feature_names) if n.startswith("shadow_gain_")]
    extra = ({"shadow_features_nonzero": sum(e["observation"][i] != 0 for e in log for i in shadow)} if shadow else
             {"experts": len(log[0]["expert_metrics"])} if "expert_metrics" in log[0] else {})
    return {"case": case["name"] + " (end to end, LinearBackend)", "periods": len(log), "worst_observation_difference": worst,
            "worst_at": worst_at, "decisions": len(log), "mismatches": mismatches, "metric_error": metric_err,
            "compute_error": compute_err, "retrains": sum(e["action"]["retrain"] != "none" for e in log),
            "adwin_alarms": sum(bool(e["adwin_alarm"]) for e in log),
            "ddm_signals": sum(e["observation"][policy.feature_names.index("ddm_state")] > 0 for e in log),
            "tolerance": LINEAR_TOLERANCE, **extra}


def check_detectors():
    """The ported ADWIN, DDM and Page-Hinkley fire where River does on the Swift tests' streams."""
    base = os.path.join(ROOT, "Tests", "DriftDetectionTests", "Fixtures")
    with open(os.path.join(base, "detections.json")) as f:
        runs = json.load(f)["runs"]
    with open(os.path.join(base, "streams.json")) as f:
        streams = json.load(f)["streams"]
    kinds = {"adwin": ADWIN, "ddm": DDM, "page-hinkley": PageHinkley}
    equal = total = 0
    for run in runs:
        if run["detector"] not in kinds:
            continue
        detector = kinds[run["detector"]](**run["params"])
        total += 1
        equal += [i for i, v in enumerate(streams[run["stream"]]) if detector.update(v)] == run["indices"]
    return equal, total


def check_decide_api():
    """By name = by position; a missing name is the fallback; sampled decisions repeat per seed."""
    path = os.path.join(ROOT, "Tests", "PolicyRuntimeTests", "Fixtures", "reference.policy")
    a, b = Policy.load(path, seed=7), Policy.load(path, seed=7)
    x = [0.5 * (lo + hi) for lo, hi in zip(a.lower.tolist(), a.upper.tolist())]
    named = dict(zip(a.feature_names, x))
    ok = a.decide(named)["bins"] == a.decide(x)["bins"]
    del named[a.feature_names[3]]
    ok &= a.decide(named)["fallback"] == "missing_value"
    ok &= [a.decide(x, sample=True)["bins"] for _ in range(50)] == [b.decide(x, sample=True)["bins"] for _ in range(50)]
    g = SplitMix64(1234567)  # SplitMix64's published test vector (the generator of Swift's sampled decisions)
    ok &= [g.next() for _ in range(3)] == [6457827717110365317, 3203168211198807973, 9817491932198370423]
    return bool(ok)


def main():
    with open(os.path.join(FIXTURES, "cases.json")) as f:
        cases = json.load(f)
    from drifttune_policy.detectors import river_adwin_available
    end_to_end = [c for c in cases if c["name"].startswith("general-")]
    recorded = [c for c in cases if c not in end_to_end]
    results = [replay(c) for c in recorded] + [replay_linear(c) for c in end_to_end]
    if river_adwin_available():  # River installed (not in CI): the monitor with River's ADWIN too
        results += [dict(r, case=r["case"] + " (River's ADWIN)") for r in (replay(c, "river") for c in recorded)]
    equal, total = check_detectors()
    api = check_decide_api()
    worst = max(r["worst_observation_difference"] for r in results)
    mismatched = sum(len(r["mismatches"]) for r in results)
    for r in results:
        print(f"monitor parity {r['case']}: {r['periods']} periods, worst observation difference "
              f"{r['worst_observation_difference']:.2e} at {r['worst_at']}, {r['decisions'] - sum(m[1] == 'decision' for m in r['mismatches'])}"
              f" of {r['decisions']} decisions equal, metric error {r['metric_error']:.1e}, compute error {r['compute_error']:.1e}, "
              f"retrains {r['retrains']}, periods with an ADWIN alarm {r['adwin_alarms']}, with a DDM warning or drift {r['ddm_signals']}"
              + (f", nonzero shadow features {r['shadow_features_nonzero']}" if "shadow_features_nonzero" in r else "")
              + (f", experts {r['experts']} (every one's metric compared)" if "experts" in r else ""))
        for m in r["mismatches"][:5]:
            print("   mismatch:", m)
    print(f"python monitor: worst observation difference {worst:.2e} (tolerance {TOLERANCE} replayed, {LINEAR_TOLERANCE} end to end), {mismatched} mismatches; "
          f"detectors equal River's indices on {equal} of {total} runs; by-name and sampled decisions: {api}")
    if "--json" in sys.argv:
        print(json.dumps({"worst_observation_difference": worst, "mismatches": mismatched,
                          "decisions": sum(r["decisions"] for r in results), "cases": results}, default=str))
    bad = mismatched or equal != total or not api or any(
        r["worst_observation_difference"] > r.get("tolerance", TOLERANCE) or r["metric_error"] > 1e-9 or r["compute_error"] > 1e-9
        for r in results)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
