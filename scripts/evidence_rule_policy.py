#!/usr/bin/env python3
"""Write the evidence rule alone as a policy file (a diagnostic, not a trained policy).

The rule the evidence anchor (`drifttune family train --evidence-anchor`) starts PPO at, exactly:
with a `steps` learning-rate head and observation schema v2, step one bin toward a neighbouring
learning rate whose shadow learner beat the live learner's period log-loss by more than TAU (in
units of ln K), else stay; a fixed batch-size bin; never retrain. The network is ReLU with two
hidden units (relu(g_up - TAU), relu(g_down - TAU)) and an identity normalization, so the file's
decisions are the rule's, bit for bit. With a `steps` batch-size head and schema v3 (batch-size
shadows), the batch size follows the same rule on its own shadows (two more hidden units) instead
of a fixed bin.

The template is a trained steps policy file with shadow learners (results/general/logistic.policy
for `rule/logistic.policy`, softmax.policy for `rule/softmax.policy`): the output keeps its schema,
action bins, loop and fallback and replaces its network, normalization and provenance.

Usage:
    python3 scripts/evidence_rule_policy.py TEMPLATE.policy OUT.policy [--tau 0.002] [--batch-bin 1]
"""
import argparse
import hashlib
import json
import sys


def rule_document(template: dict, tau: float, batch_bin: int, gain: float = 1000.0) -> dict:
    d = json.loads(json.dumps(template))
    names = [f["name"] for f in d["observation_schema"]["features"]]
    if d["actions"].get("learning_rate_head") != "steps":
        raise SystemExit("template: needs actions.learning_rate_head: steps")
    if "shadow_gain_lr_up" not in names or "shadow_gain_lr_down" not in names:
        raise SystemExit("template: needs observation schema v2 (shadow_gain_lr_up, shadow_gain_lr_down)")
    batches, retrains = len(d["actions"]["batch_sizes"]), len(d["actions"]["retrain_choices"])
    if not 0 <= batch_bin < batches:
        raise SystemExit(f"--batch-bin {batch_bin}: the template has {batches} batch-size bins")
    if "none" not in d["actions"]["retrain_choices"]:
        raise SystemExit("template: no 'none' retrain choice")
    batch_steps = d["actions"].get("batch_size_head") == "steps"
    if batch_steps and ("shadow_gain_batch_up" not in names or "shadow_gain_batch_down" not in names):
        raise SystemExit("template: a batch-size head of steps needs observation schema v3 (shadow_gain_batch_up, shadow_gain_batch_down)")
    n = len(names)
    d["normalization"] = {"clip": 10.0, "epsilon": 0.0, "mean": [0.0] * n, "variance": [1.0] * n}
    # Hidden unit 2h reads head h's "up" evidence, unit 2h + 1 its "down" evidence.
    evidence = [("shadow_gain_lr_up", "shadow_gain_lr_down")] + ([("shadow_gain_batch_up", "shadow_gain_batch_down")] if batch_steps else [])
    units = 2 * len(evidence)
    hidden = [0.0] * (n * units)
    batch_outputs = 3 if batch_steps else batches
    outputs = 3 + batch_outputs + retrains
    heads = [0.0] * (units * outputs)
    bias = [0.0] * outputs
    for h, (up, down) in enumerate(evidence):
        offset = 3 * h                                    # head 0 at 0, a steps batch head at 3
        hidden[names.index(up) * units + 2 * h] = 1.0
        hidden[names.index(down) * units + 2 * h + 1] = 1.0
        heads[(2 * h) * outputs + offset + 2] = gain      # up evidence -> "one bin up"
        heads[(2 * h + 1) * outputs + offset + 0] = gain  # down evidence -> "one bin down"
        bias[offset + 1] = 1e-6                           # "stay" wins when neither shadow is ahead by more than tau
    if not batch_steps:
        bias[3 + batch_bin] = 1.0
    bias[3 + batch_outputs + d["actions"]["retrain_choices"].index("none")] = 1.0
    d["network"] = {"activation": "relu",
                    "hidden": [{"inputs": n, "outputs": units, "weights": hidden, "bias": [-tau] * units}],
                    "heads": {"inputs": units, "outputs": outputs, "weights": heads, "bias": bias}}
    batch = "batch size by the same rule" if batch_steps else f"batch bin {batch_bin}"
    d["provenance"] = {"algorithm": f"evidence rule (tau {tau:g}, {batch}), not trained",
                       "environment": d["provenance"]["environment"], "git_commit": "", "scenario": "scripts/evidence_rule_policy.py",
                       "seeds": [], "tool_version": d["provenance"].get("tool_version", "")}
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("template")
    ap.add_argument("out")
    ap.add_argument("--tau", type=float, default=0.002)
    ap.add_argument("--batch-bin", type=int, default=1)
    args = ap.parse_args()
    raw = open(args.template, "rb").read()
    header, sep, payload = raw.partition(b"\n")
    if not sep:
        raise SystemExit(f"{args.template}:1: not a DriftTune policy file header")
    document = rule_document(json.loads(payload), args.tau, args.batch_bin)
    body = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    head = json.dumps({"format": "drifttune-policy", "format_version": 2, "payload_bytes": len(body),
                       "sha256": hashlib.sha256(body).hexdigest()}, separators=(",", ":")).encode()
    with open(args.out, "wb") as f:
        f.write(head + b"\n" + body)
    print(f"wrote {args.out}: evidence rule, tau {args.tau:g}, batch bin {args.batch_bin}", file=sys.stderr)


if __name__ == "__main__":
    main()
