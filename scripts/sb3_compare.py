#!/usr/bin/env python3
"""Stable-Baselines3 PPO (default settings) trained through the Gymnasium bridge on a DriftTune
environment, next to DriftTune's own PPO (a script, not CI).

Training: SB3 `PPO("MlpPolicy", env)` with every default (n_steps 2048, batch 64, 10 epochs, lr 3e-4,
gamma 0.99, tanh, net_arch pi/vf [64, 64]) on one `DriftTuneEnv`, for `--steps` environment steps
(periods). Each episode's reset seed is drawn from the training seeds (1..16, as the scenario's
`train_seeds`) with a generator seeded by `--seed`. Evaluation: deterministic `predict` on the
held-out seeds (1001..1020), one episode each; the episode reward is the sum of the period rewards.
Mean with a 95% percentile bootstrap CI (5,000 resamples). The model is then converted with
scripts/sb3_to_policy.py and its decisions checked against SB3's.

    python scripts/sb3_compare.py --steps 40000 --out results/sb3
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "scripts"))
from drifttune_gym import DriftTuneEnv  # noqa: E402
import sb3_to_policy  # noqa: E402


class TrainSeeds(gym.Wrapper):
    """Every reset starts an episode from a seed drawn from the training seeds."""

    def __init__(self, env, seeds, seed):
        super().__init__(env)
        self.seeds = list(seeds)
        self.rng = np.random.default_rng(seed)
        self.used = []

    def reset(self, *, seed=None, options=None):
        s = int(self.rng.choice(self.seeds))
        self.used.append(s)
        return self.env.reset(seed=s, options=options)


def evaluate(model, env_name, seeds):
    env = DriftTuneEnv(spec=env_name)
    rewards = []
    for s in seeds:
        obs, _ = env.reset(seed=s)
        done, total = False, 0.0
        while not done:
            a, _ = model.predict(obs, deterministic=True)
            obs, r, done, _, _ = env.step(a)
            total += r
        rewards.append(total)
    env.close()
    return np.array(rewards)


def bootstrap(x, resamples=5000, seed=20261123, confidence=0.95):
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(resamples, len(x)))].mean(axis=1)
    a = (1 - confidence) / 2
    return float(x.mean()), float(np.quantile(means, a)), float(np.quantile(means, 1 - a))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--env", default="network-diagnosis")
    ap.add_argument("--steps", type=int, default=40000)
    ap.add_argument("--seed", type=int, default=0, help="SB3 seed and the seed of the reset-seed draws")
    ap.add_argument("--train-seeds", default="1..16")
    ap.add_argument("--test-seeds", default="1001..1020")
    ap.add_argument("--out", default=str(ROOT / "results/sb3"))
    ap.add_argument("--verify", type=int, default=500)
    args = ap.parse_args()
    import stable_baselines3
    import torch
    from stable_baselines3 import PPO
    torch.set_num_threads(1)
    span = lambda t: list(range(int(t.split("..")[0]), int(t.split("..")[1]) + 1))  # noqa: E731
    train_seeds, test_seeds = span(args.train_seeds), span(args.test_seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{args.env}-sb3-ppo-{args.steps}"

    env = TrainSeeds(DriftTuneEnv(spec=args.env), train_seeds, args.seed)
    model = PPO("MlpPolicy", env, seed=args.seed, device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=args.steps)
    train_wall = time.perf_counter() - start
    model_path = out / f"{tag}.zip"
    model.save(model_path)

    start = time.perf_counter()
    rewards = evaluate(model, args.env, test_seeds)
    eval_wall = time.perf_counter() - start
    mean, lo, hi = bootstrap(rewards)

    policy_path = out / f"{tag}.policy"
    digest = sb3_to_policy.convert(str(model_path), str(policy_path), args.env, scenario="sb3_compare.py",
                                   seeds=train_seeds, evaluation=(mean, float(rewards.std()), len(rewards)))
    mismatches, _, _ = sb3_to_policy.verify(str(model_path), str(policy_path), args.env, args.verify)
    result = {"environment": args.env, "steps": args.steps, "timesteps_trained": int(model.num_timesteps),
              "seed": args.seed, "train_seeds": train_seeds, "test_seeds": test_seeds,
              "episodes_trained": len(env.used), "rewards": rewards.tolist(), "mean": mean, "ci95": [lo, hi],
              "std": float(rewards.std()), "train_wall_seconds": train_wall, "eval_wall_seconds": eval_wall,
              "policy_file": policy_path.name, "policy_payload_sha256": digest,
              "converter_observations": args.verify, "converter_mismatches": mismatches,
              "stable_baselines3": stable_baselines3.__version__, "torch": torch.__version__,
              "torch_threads": torch.get_num_threads()}
    (out / f"{tag}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{tag}: {args.steps} steps in {train_wall:.1f} s; held-out reward {mean:.3f} [{lo:.3f}, {hi:.3f}] "
          f"over {len(rewards)} seeds; converter: {mismatches}/{args.verify} mismatches; wrote {policy_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
