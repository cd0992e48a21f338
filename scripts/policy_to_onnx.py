#!/usr/bin/env python3
"""Exports a DriftTune policy file's normalization and network to ONNX, and checks it.

The graph takes `observation` (float32, [N, features], schema order) and returns `logits` (float64,
[N, bins of all heads], head order) and one int64 output per head (`learning_rate_bin`,
`batch_size_bin`, `retrain_bin`: the greedy bins, the first of equal maxima). Normalization is the
trainer's float32 arithmetic (`z = clip(x*scale + shift, -clip, clip)`, `scale` and `shift` rounded
to float32 from the float64 statistics), the network runs in float64, as in the Swift runtime.
The guardrails are not in the graph: a caller gives only trusted observations (right length,
finite, within the schema's ranges ± 1e-4) and uses the file's fallback otherwise.

    pip install onnx onnxruntime numpy
    python3 scripts/policy_to_onnx.py POLICY --out policy.onnx
    python3 scripts/policy_to_onnx.py --check   # the test vectors: reference.policy on
                                               # observations.csv against decisions.csv (Swift)
"""
import argparse
import csv
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from drifttune_policy import Policy  # noqa: E402

HEAD_NAMES = ["learning_rate_bin", "batch_size_bin", "retrain_bin"]


def export(policy, path):
    n = len(policy.feature_names)
    init = [numpy_helper.from_array(policy.scale.reshape(1, n), "scale"),
            numpy_helper.from_array(policy.shift.reshape(1, n), "shift"),
            numpy_helper.from_array(np.array(-policy.clip, dtype=np.float32), "clip_lo"),
            numpy_helper.from_array(np.array(policy.clip, dtype=np.float32), "clip_hi")]
    nodes = [helper.make_node("Mul", ["observation", "scale"], ["scaled"]),
             helper.make_node("Add", ["scaled", "shift"], ["shifted"]),
             helper.make_node("Clip", ["shifted", "clip_lo", "clip_hi"], ["normalized"]),
             helper.make_node("Cast", ["normalized"], ["h0"], to=TensorProto.DOUBLE)]
    h = "h0"
    layers = policy.layers + [policy.heads]
    for i, (w, b) in enumerate(layers):
        init += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes += [helper.make_node("MatMul", [h, f"w{i}"], [f"m{i}"]), helper.make_node("Add", [f"m{i}", f"b{i}"], [f"z{i}"])]
        h = f"z{i}"
        if i < len(layers) - 1:
            act = "Relu" if policy.activation == "relu" else "Tanh"
            nodes.append(helper.make_node(act, [h], [f"a{i}"]))
            h = f"a{i}"
    nodes.append(helper.make_node("Identity", [h], ["logits"]))
    outputs = [helper.make_tensor_value_info("logits", TensorProto.DOUBLE, ["N", sum(policy.head_sizes)])]
    offset = 0
    for name, size in zip(HEAD_NAMES, policy.head_sizes):
        init += [numpy_helper.from_array(np.array([offset], dtype=np.int64), f"{name}_start"),
                 numpy_helper.from_array(np.array([offset + size], dtype=np.int64), f"{name}_end"),
                 numpy_helper.from_array(np.array([1], dtype=np.int64), f"{name}_axis")]
        nodes += [helper.make_node("Slice", ["logits", f"{name}_start", f"{name}_end", f"{name}_axis"], [f"{name}_logits"]),
                  helper.make_node("ArgMax", [f"{name}_logits"], [name], axis=1, keepdims=0, select_last_index=0)]
        outputs.append(helper.make_tensor_value_info(name, TensorProto.INT64, ["N"]))
        offset += size
    graph = helper.make_graph(nodes, "drifttune_policy", [helper.make_tensor_value_info("observation", TensorProto.FLOAT, ["N", n])],
                              outputs, init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="drifttune scripts/policy_to_onnx.py")
    model.ir_version = 8
    model.doc_string = f"DriftTune policy, observation schema version {policy.document['observation_schema']['version']}: " + \
        ", ".join(policy.feature_names)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def check():
    import onnxruntime as ort
    fixtures = os.path.join(ROOT, "Tests", "PolicyRuntimeTests", "Fixtures")
    policy = Policy.load(os.path.join(fixtures, "reference.policy"), expecting_schema=1)
    with open(os.path.join(fixtures, "observations.csv")) as f:
        obs = [[float(v) for v in row] for row in list(csv.reader(f))[1:]]
    with open(os.path.join(fixtures, "decisions.csv")) as f:
        want = list(csv.reader(f))[1:]
    trusted = [i for i, w in enumerate(want) if not w[3]]  # the rows the network decided in Swift
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "reference.onnx")
        export(policy, path)
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        x = np.array([obs[i] for i in trusted], dtype=np.float32)
        out = session.run(None, {"observation": x})
    bins = np.stack(out[1:], axis=1)
    mismatches = sum(list(map(int, bins[j])) != [int(v) for v in want[i][:3]] for j, i in enumerate(trusted))
    worst = float(np.max(np.abs(out[0] - np.array([policy.logits(obs[i]) for i in trusted]))))
    print(f"onnx export: {len(trusted) - mismatches} of {len(trusted)} network decisions equal the Swift runtime's "
          f"(onnxruntime {ort.__version__}); worst logit difference from the numpy loader {worst:.1e}")
    return mismatches == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("policy", nargs="?")
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.check:
        sys.exit(0 if check() else 1)
    if not args.policy or not args.out:
        ap.error("POLICY and --out, or --check")
    export(Policy.load(args.policy), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
