#!/usr/bin/env python3
"""CI check: the Python reference loader reproduces the Swift runtime's decisions.

Loads Tests/PolicyRuntimeTests/Fixtures/reference.policy, decides on observations.csv, and compares
with decisions.csv, which the Swift runtime produced and its own test reproduces; the same for
reference-steps.policy (a learning-rate head of steps) against decisions-steps.csv, and for
reference-batch-steps.policy (both heads of steps) against decisions-batch-steps.csv. Also checks that
a flipped byte is refused, and an expert-pool loop with deployed updates, shadow learners or a tolerance outside [0, 1] too, naming
the file. Needs numpy only.
"""
import csv
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from drifttune_policy import Policy, PolicyFileError  # noqa: E402

FIXTURES = os.path.join(ROOT, "Tests", "PolicyRuntimeTests", "Fixtures")


def compare(policy_file, decisions_file):
    """(policy, mismatches, total): the loader's decisions on observations.csv against the Swift runtime's."""
    policy = Policy.load(os.path.join(FIXTURES, policy_file), expecting_schema=1)
    with open(os.path.join(FIXTURES, "observations.csv")) as f:
        rows = list(csv.reader(f))
    assert rows[0] == policy.feature_names, "observation columns differ from the policy's schema"
    observations = [[float(v) for v in row] for row in rows[1:]]
    with open(os.path.join(FIXTURES, decisions_file)) as f:
        expected = list(csv.reader(f))[1:]
    assert len(observations) == len(expected), "observation and decision counts differ"
    mismatches = 0
    for x, want in zip(observations, expected):
        d = policy.decide(x)
        got = [str(b) for b in d["bins"]] + [d["fallback"] or ""]
        mismatches += got != want
    return policy, mismatches, len(expected)


def main():
    policy, mismatches, total = compare("reference.policy", "decisions.csv")
    steps, steps_mismatches, steps_total = compare("reference-steps.policy", "decisions-steps.csv")
    assert steps.learning_rate_head == "steps" and steps.head_sizes[0] == 3
    batch, batch_mismatches, batch_total = compare("reference-batch-steps.policy", "decisions-batch-steps.csv")
    assert batch.batch_size_head == "steps" and batch.head_sizes == [3, 3, 3]
    with open(os.path.join(FIXTURES, "reference.policy"), "rb") as f:
        data = bytearray(f.read())
    data[-100] ^= 1
    with tempfile.NamedTemporaryFile(suffix=".policy", delete=False) as f:
        f.write(data)
    try:
        Policy.load(f.name)
        refused = False
    except PolicyFileError as e:
        refused = "SHA-256 mismatch" in str(e)
    finally:
        os.unlink(f.name)
    duplicate_refused = duplicate_key_refused()
    shadows_refused = shadow_loop_refused()
    pool_refused = pool_loop_refused()
    print(f"python loader: {total - mismatches} of {total} decisions equal the Swift runtime's; "
          f"learning-rate steps head: {steps_total - steps_mismatches} of {steps_total}; "
          f"both heads of steps: {batch_total - batch_mismatches} of {batch_total}; "
          f"fallbacks {policy.fallback_counts}; flipped byte refused: {refused}; duplicate key refused: {duplicate_refused}; "
          f"v1 policy with a shadow-learner loop refused by the Python loop: {shadows_refused}; "
          f"expert pool with deployed updates, shadow learners, a tolerance outside [0, 1] or a bad half-life refused: {pool_refused}")
    if (mismatches or steps_mismatches or batch_mismatches or not refused or not duplicate_refused or not shadows_refused
            or not pool_refused):
        sys.exit(1)


def duplicate_key_refused():
    """A correctly signed payload holding "provenance" twice is refused, naming the key (as in Swift)."""
    import hashlib
    import json
    with open(os.path.join(FIXTURES, "reference.policy"), "rb") as f:
        data = f.read()
    payload = data[data.find(b"\n") + 1:]
    payload = b'{"provenance":{},' + payload[1:]
    header = {"format": "drifttune-policy", "format_version": 2, "payload_bytes": len(payload),
              "sha256": hashlib.sha256(payload).hexdigest()}
    with tempfile.NamedTemporaryFile(suffix=".policy", delete=False) as f:
        f.write(json.dumps(header).encode() + b"\n" + payload)
    try:
        Policy.load(f.name)
        return False
    except PolicyFileError as e:
        return 'duplicate key "provenance"' in str(e)
    finally:
        os.unlink(f.name)


def write_policy(document):
    """`document` as a policy file (header with payload length and SHA-256) in a temporary file; its path."""
    import hashlib
    import json
    payload = json.dumps(document).encode()
    header = {"format": "drifttune-policy", "format_version": 2, "payload_bytes": len(payload),
              "sha256": hashlib.sha256(payload).hexdigest()}
    with tempfile.NamedTemporaryFile(suffix=".policy", delete=False) as f:
        f.write(json.dumps(header).encode() + b"\n" + payload)
    return f.name


def shadow_loop_refused():
    """A policy whose loop runs shadow learners but whose schema is v1 (no shadow features) is
    refused by the Python learner loop, with a message naming the schema, as `drifttune learn`
    refuses it."""
    import json
    from drifttune_policy.learner import TunedLearner
    with open(os.path.join(FIXTURES, "reference.policy"), "rb") as f:
        data = f.read()
    document = json.loads(data[data.find(b"\n") + 1:])
    document["loop"] = dict(document.get("loop") or {"model": "logistic", "period_length": 100, "window": 400,
                                                      "label_delay": 0, "fine_tune_epochs": 1, "retrain_epochs": 3,
                                                      "update_overhead": 0, "compute_budget": 10, "episode_length": 10,
                                                      "warmup_periods": 1}, shadow_learners=True)
    path = write_policy(document)
    try:
        TunedLearner(object(), Policy.load(path), classes=[0, 1])
        return False
    except ValueError as e:
        return "observation schema v1" in str(e) and "shadow learners" in str(e)
    finally:
        os.unlink(path)


def pool_loop_refused():
    """A loop with `experts` and `updates: deployed`, `shadow_learners`, an `expert_tolerance`
    outside [0, 1] or an `expert_half_life` that is not a whole number from 0 to 10^9 is refused on load, naming the file (as the Swift runtime refuses it), and so is
    such a `loop=` override of `TunedLearner`."""
    import json
    from drifttune_policy.learner import TunedLearner
    with open(os.path.join(FIXTURES, "reference.policy"), "rb") as f:
        data = f.read()
    document = json.loads(data[data.find(b"\n") + 1:])
    ok = True
    loop = dict(document.get("loop") or {})
    for bad in ({"updates": "deployed"}, {"shadow_learners": True}, {"expert_tolerance": 1.5}, {"expert_tolerance": -0.001},
                {"expert_half_life": -1}, {"expert_half_life": 2.5}, {"expert_half_life": 10 ** 9 + 1}):
        says = ("expert_tolerance must be between 0 and 1" if "expert_tolerance" in bad
                else "expert_half_life must be between 0 and" if "expert_half_life" in bad else "an expert pool")
        document["loop"] = dict(loop, experts=True, **bad)
        path = write_policy(document)
        try:
            Policy.load(path)
            ok = False
        except PolicyFileError as e:
            ok &= str(e).startswith(path) and says in str(e)
        finally:
            os.unlink(path)
        try:
            TunedLearner(object(), Policy.load(os.path.join(FIXTURES, "reference.policy")), classes=[0, 1],
                         loop=dict(experts=True, **bad))
            ok = False
        except ValueError as e:
            ok &= f"reference.policy: loop: {says}" in str(e)
    # A half-life without a pool is refused too, as the Swift runtime refuses it.
    document["loop"] = dict(loop, expert_half_life=100)
    path = write_policy(document)
    try:
        Policy.load(path)
        ok = False
    except PolicyFileError as e:
        ok &= str(e).startswith(path) and "expert_half_life needs experts: true" in str(e)
    finally:
        os.unlink(path)
    return ok


if __name__ == "__main__":
    main()
