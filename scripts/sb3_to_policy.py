#!/usr/bin/env python3
"""Converts a Stable-Baselines3 PPO policy (MlpPolicy, MultiDiscrete action space of a DriftTune
Gymnasium environment) into a DriftTune policy file (format version 2, docs/policy-format.md) that
`drifttune simulate --policy FILE`, `drifttune learn`, a scenario's `policy:PATH` method and
python/drifttune_policy load.

What is taken from where:
- observation_schema: version 1, names/ranges/meanings of Sources/PolicyRuntime/ObservationSchema.swift
  (read from the source, checked against the bridge's feature names and bounds);
- actions and loop: the environment spec (YAML), computed as EnvironmentSpec+YAML.swift does
  (learning rates log-spaced in Double, stored as Float);
- fallback: the spec's default action (the bridge's `default_action`), retrain `none`;
- normalization: identity (mean 0, variance 1, epsilon 0), or SB3 VecNormalize's obs_rms with its
  epsilon and clip_obs when `--vecnormalize STATS.pkl` is given;
- network: SB3's policy branch `mlp_extractor.policy_net` (Linear/Tanh or ReLU pairs) as hidden
  layers and `action_net` (the logits of all heads side by side, in head order) as `heads`.
  Weights are transposed to the file's row-major `W[i][o]` (PyTorch stores `[out][in]`).

Deterministic SB3 `predict` takes each head's argmax, as the file's greedy decision does.

    python scripts/sb3_to_policy.py MODEL.zip OUT.policy --env network-diagnosis [--vecnormalize vecnorm.pkl]
        [--verify N]   # compare N observations' decisions with SB3 predict (python loader)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))


# --- the file's JSON: keys sorted, no spaces, floats in shortest round-trip form ----------------

def _num32(x) -> str:
    """A Float (float32) as the Swift encoder writes it: integral values without a fraction,
    otherwise the shortest text that reads back to the same float32."""
    f = np.float32(x)
    if not np.isfinite(f):
        raise ValueError("non-finite number")
    if float(f) == int(f) and abs(float(f)) < 1e15:
        return str(int(f))
    return np.format_float_positional(f, unique=True, trim="-") if 1e-4 <= abs(f) < 1e16 else \
        np.format_float_scientific(f, unique=True, trim="-", exp_digits=2)


def _num64(x) -> str:
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("non-finite number")
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


class F32(float):
    """Marks a value to be written as a Float."""


def dumps(v) -> str:
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + dumps(v[k]) for k in sorted(v)) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, F32) or isinstance(v, np.float32):
        return _num32(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _num64(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(type(v))


def write_policy(document: dict, path: str) -> str:
    """Header line + payload, the header's sha256 being the payload's digest; written atomically."""
    payload = dumps(document).encode("utf-8")
    digest = hashlib.sha256(payload).hexdigest()
    header = dumps({"format": "drifttune-policy", "format_version": 2, "payload_bytes": len(payload), "sha256": digest})
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(header.encode("utf-8") + b"\n" + payload)
    os.replace(tmp, path)
    return digest


# --- what comes from the spec and the schema -------------------------------------------------

def schema_v1() -> dict:
    """Observation schema version 1 as Sources/PolicyRuntime/ObservationSchema.swift declares it."""
    text = (ROOT / "Sources/PolicyRuntime/ObservationSchema.swift").read_text()
    block = text[text.index("static let v1"):]
    version = int(re.search(r"ObservationSchema\(version: (\d+)", block).group(1))
    features = [{"name": n, "meaning": m, "lower": F32(float(lo)), "upper": F32(float(hi))}
                for n, m, lo, hi in re.findall(
                    r'\.init\(name: "([^"]+)", meaning: "((?:[^"\\]|\\.)*)", lower: ([-\d.]+), upper: ([-\d.]+)\)', block)]
    return {"version": version, "features": features}


def spec_path(env: str) -> Path:
    p = Path(env)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return ROOT / "environments" / f"{env}.yaml"


def spec_parts(env: str) -> tuple[str, dict, dict]:
    import yaml
    spec = yaml.safe_load(spec_path(env).read_text())
    lrs = spec["actions"]["learning_rates"]
    lo, hi, n = float(lrs["min"]), float(lrs["max"]), int(lrs["bins"])
    rates = [lo if n == 1 else math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * i / (n - 1)) for i in range(n)]
    actions = {"learning_rates": [F32(r) for r in rates], "batch_sizes": [int(b) for b in spec["actions"]["batch_sizes"]],
               "retrain_choices": ["none", "fine_tune", "full_retrain"]}
    learner, costs = spec["learner"], spec.get("costs", {})
    loop = {"model": learner["model"], "period_length": int(spec["period_length"]), "window": int(learner["window"]),
            "label_delay": int(spec.get("labels", {}).get("delay", 0)),
            "fine_tune_epochs": int(learner["fine_tune_epochs"]), "retrain_epochs": int(learner["retrain_epochs"]),
            "update_overhead": F32(costs["update_overhead"]), "compute_budget": F32(costs["compute_budget"]),
            "episode_length": int(spec["episode_length"]), "warmup_periods": int(spec.get("warmup_periods", 3))}
    if learner.get("updates", "online") == "deployed":
        loop["updates"] = "deployed"
    return spec["name"], actions, loop


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "unknown"


# --- the network ------------------------------------------------------------------------------

def layer(linear) -> dict:
    w = linear.weight.detach().cpu().numpy().astype(np.float32)  # [out][in]
    b = linear.bias.detach().cpu().numpy().astype(np.float32)
    return {"inputs": int(w.shape[1]), "outputs": int(w.shape[0]),
            "weights": [F32(v) for v in w.T.reshape(-1)], "bias": [F32(v) for v in b]}


def network(model) -> dict:
    import torch.nn as nn
    policy = model.policy
    if getattr(policy, "features_extractor", None) is not None and not isinstance(policy.features_extractor.flatten, nn.Flatten):
        raise SystemExit("only SB3's FlattenExtractor (MlpPolicy) is supported")
    hidden, activation = [], None
    for m in policy.mlp_extractor.policy_net:
        if isinstance(m, nn.Linear):
            hidden.append(layer(m))
        elif isinstance(m, (nn.Tanh, nn.ReLU)):
            a = "tanh" if isinstance(m, nn.Tanh) else "relu"
            if activation not in (None, a):
                raise SystemExit("mixed activations are not representable")
            activation = a
        else:
            raise SystemExit(f"unsupported layer in policy_net: {m}")
    if not hidden:
        raise SystemExit("a policy without hidden layers is not representable (network.hidden needs one)")
    return {"activation": activation or "tanh", "hidden": hidden, "heads": layer(policy.action_net)}


def convert(model_path: str, out: str, env: str, vecnormalize: str | None = None, scenario: str = "",
            seeds: list[int] | None = None, evaluation: tuple[float, float, int] | None = None) -> str:
    from stable_baselines3 import PPO
    import stable_baselines3
    from gymnasium import spaces
    model = PPO.load(model_path, device="cpu")
    name, actions, loop = spec_parts(env)
    schema = schema_v1()
    n = len(schema["features"])
    sizes = [len(actions["learning_rates"]), len(actions["batch_sizes"]), 3]
    space = model.action_space
    if not isinstance(space, spaces.MultiDiscrete) or list(space.nvec) != sizes:
        raise SystemExit(f"the model's action space {space} is not MultiDiscrete({sizes}) of {name}")
    if model.observation_space.shape != (n,):
        raise SystemExit(f"the model's observation space {model.observation_space.shape} is not ({n},)")
    if vecnormalize:
        import pickle
        with open(vecnormalize, "rb") as f:
            vn = pickle.load(f)
        if not vn.norm_obs:
            normalization = None
        else:
            normalization = {"mean": [float(v) for v in vn.obs_rms.mean], "variance": [float(v) for v in vn.obs_rms.var],
                             "epsilon": float(vn.epsilon), "clip": F32(vn.clip_obs)}
    else:
        normalization = None
    if normalization is None:
        normalization = {"mean": [0.0] * n, "variance": [1.0] * n, "epsilon": 0.0, "clip": F32(1e6)}
    # The fallback: the spec's default configuration (nearest bins to the learner's settings).
    from drifttune_gym._native import NativeEnvironments
    native = NativeEnvironments(str(spec_path(env)) if Path(env).suffix in (".yaml", ".yml") else name, 1)
    if native.feature_names != [f["name"] for f in schema["features"]]:
        raise SystemExit(f"the bridge's features {native.feature_names} differ from ObservationSchema.v1")
    default = [int(v) for v in native.default_action]
    native.close()
    provenance = {"environment": name, "scenario": scenario or name, "algorithm": "sb3-ppo",
                  "seeds": list(seeds or []), "git_commit": git_commit(),
                  "tool_version": f"stable-baselines3 {stable_baselines3.__version__}"}
    if evaluation is not None:
        provenance.update(evaluation_mean_reward=float(evaluation[0]), evaluation_std_reward=float(evaluation[1]),
                          evaluation_episodes=int(evaluation[2]))
    document = {"observation_schema": schema, "normalization": normalization, "actions": actions,
                "network": network(model),
                "fallback": {"learning_rate_bin": default[0], "batch_size_bin": default[1], "retrain": "none"},
                "provenance": provenance, "loop": loop}
    return write_policy(document, out)


def observations(env: str, count: int, seed: int = 7, model=None, vecnormalize=None) -> np.ndarray:
    """`count` observations the environment produces: episodes from held-out-like seeds with random
    actions (and the model's own actions for half of them)."""
    from drifttune_gym import DriftTuneEnv
    e = DriftTuneEnv(spec=env)
    rng = np.random.default_rng(seed)
    out, episode = [], 0
    while len(out) < count:
        obs, _ = e.reset(seed=int(seed * 1000 + episode))
        done = False
        while not done and len(out) < count:
            out.append(obs)
            if model is not None and episode % 2 == 0:
                a, _ = model.predict(vecnormalize.normalize_obs(obs) if vecnormalize else obs, deterministic=True)
            else:
                a = rng.integers(0, e.action_space.nvec)
            obs, _, done, _, _ = e.step(a)
        episode += 1
    e.close()
    return np.array(out, dtype=np.float32)


def verify(model_path: str, policy_file: str, env: str, count: int, vecnormalize: str | None = None) -> tuple[int, np.ndarray, np.ndarray]:
    """Mismatches between SB3's deterministic predict and the converted file's greedy decisions
    (python/drifttune_policy) on `count` observations; returns (mismatches, observations, sb3 actions)."""
    from stable_baselines3 import PPO
    from drifttune_policy import Policy
    model = PPO.load(model_path, device="cpu")
    vn = None
    if vecnormalize:
        import pickle
        with open(vecnormalize, "rb") as f:
            vn = pickle.load(f)
        vn.training = False
    obs = observations(env, count, model=model, vecnormalize=vn)
    sb3, _ = model.predict(vn.normalize_obs(obs) if vn else obs, deterministic=True)
    policy = Policy.load(policy_file, expecting_schema=1)
    mine = np.array([policy.decide(o)["bins"] for o in obs])
    fallbacks = sum(1 for o in obs if policy.decide(o)["fallback"])
    if fallbacks:
        print(f"note: {fallbacks} observations took the fallback (out of range)")
    return int(np.sum(np.any(mine != sb3, axis=1))), obs, sb3


def verify_simulate(model_path: str, policy_file: str, env: str, seeds: list[int], drifttune: str,
                    vecnormalize: str | None = None) -> tuple[int, int, list[float]]:
    """Runs `drifttune simulate --policy FILE` on each seed and the same episode through the Gymnasium
    bridge with SB3's deterministic actions; counts periods whose learning rate, batch size, retrain
    or reward differ. Returns (mismatched periods, periods, SB3 episode rewards)."""
    from stable_baselines3 import PPO
    from drifttune_gym import DriftTuneEnv
    model = PPO.load(model_path, device="cpu")
    vn = None
    if vecnormalize:
        import pickle
        with open(vecnormalize, "rb") as f:
            vn = pickle.load(f)
        vn.training = False
    e = DriftTuneEnv(spec=env)
    choices = ["none", "fine_tune", "full_retrain"]
    bad = total = 0
    rewards = []
    for s in seeds:
        out = subprocess.run([drifttune, "simulate", "--env", env, "--policy", str(Path(policy_file).resolve()), "--seeds", f"{s}..{s}", "--json"],
                             check=True, capture_output=True, text=True, cwd=ROOT).stdout
        periods = json.loads(out)["periods"][1:]
        obs, _ = e.reset(seed=s)
        done, rows = False, []
        while not done:
            a, _ = model.predict(vn.normalize_obs(obs) if vn else obs, deterministic=True)
            obs, r, done, _, info = e.step(a)
            rows.append(dict(info, reward=r))
        rewards.append(sum(r["reward"] for r in rows))
        if len(rows) != len(periods):
            raise SystemExit(f"seed {s}: {len(rows)} periods through the bridge, {len(periods)} from simulate")
        for p, r in zip(periods, rows):
            total += 1
            retrain = "full_retrain" if p["full_retrains"] else "fine_tune" if p["fine_tunes"] else "none"
            if (abs(p["learning_rate"] - r["learning_rate"]) > 1e-7 or p["batch_size"] != r["batch_size"]
                    or retrain != choices[r["retrain"]] or p["reward"] != r["reward"]):
                bad += 1
    e.close()
    return bad, total, rewards


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="SB3 PPO .zip")
    ap.add_argument("out", help="policy file to write")
    ap.add_argument("--env", default="network-diagnosis", help="environment name or spec path")
    ap.add_argument("--vecnormalize", help="VecNormalize statistics (.pkl) used in training")
    ap.add_argument("--scenario", default="")
    ap.add_argument("--seeds", default="", help="training seeds for provenance, e.g. 1..16")
    ap.add_argument("--verify", type=int, default=0, help="check this many observations against SB3 predict")
    ap.add_argument("--simulate-seeds", default="", help="also compare `drifttune simulate --policy` on these seeds, e.g. 1001..1020")
    ap.add_argument("--drifttune", default=str(ROOT / ".build/release/drifttune"))
    args = ap.parse_args()
    seeds = []
    if args.seeds:
        a, b = args.seeds.split("..")
        seeds = list(range(int(a), int(b) + 1))
    digest = convert(args.model, args.out, args.env, args.vecnormalize, args.scenario, seeds)
    print(f"wrote {args.out} (payload sha256 {digest})")
    if args.verify:
        mismatches, _, _ = verify(args.model, args.out, args.env, args.verify, args.vecnormalize)
        print(f"{args.verify} observations: {mismatches} mismatches between SB3 predict(deterministic) and the file")
        if mismatches:
            return 1
    if args.simulate_seeds:
        a, b = args.simulate_seeds.split("..")
        bad, total, rewards = verify_simulate(args.model, args.out, args.env, list(range(int(a), int(b) + 1)), args.drifttune,
                                              args.vecnormalize)
        print(f"drifttune simulate --policy on seeds {args.simulate_seeds}: {bad} of {total} periods differ from SB3 predict "
              f"through the bridge (SB3 mean episode reward {np.mean(rewards):.4f})")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
