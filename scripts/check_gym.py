#!/usr/bin/env python3
"""Checks python/drifttune_gym against the Swift simulator (not run by CI: needs gymnasium and the
C ABI library; run it in a venv with `pip install ./python[gym]`).

For every shipped spec: `gymnasium.utils.env_checker.check_env` passes; the same seed gives the same
trajectory as `drifttune simulate --seeds S..S --json` (fixed settings, the spec's default and
one other, period by period: metric, reward, compute, learning rate, batch size, drift events);
the vector environment gives the single environment's trajectories; a spec whose learner runs an
expert pool (network-diagnosis with `learner.experts: true`, observation schema v4) passes the same
checks and gives `drifttune simulate --env FILE`'s trajectory; then it measures stepping
throughput from Python with a random policy (periods/s) and, in the same run, `drifttune bench`'s
`environment_periods_per_second_random_policy` (the same loop in Swift), and prints the ratio.

    swift build -c release --product DriftTuneCABI && swift build -c release --product drifttune
    python scripts/check_gym.py [--drifttune .build/release/drifttune] [--seconds 5]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
import drifttune_gym  # noqa: E402


def simulate(drifttune: str, name: str, seed: int, lr: float | None, batch: int | None) -> dict:
    cmd = [drifttune, "simulate", "--env", name, "--policy", "fixed", "--seeds", f"{seed}..{seed}", "--json"]
    if lr is not None:
        cmd += ["--lr", repr(lr), "--batch", str(batch)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout)


def parity(drifttune: str, env_id: str, seed: int, action_bins: list[int] | None, spec_file: str | None = None) -> int:
    """Periods of one episode identical to `drifttune simulate`'s; `spec_file`: the env is that spec file's."""
    env = drifttune_gym.DriftTuneEnv(spec=spec_file) if spec_file else gym.make(env_id).unwrapped
    obs, _ = env.reset(seed=seed)
    action = np.asarray(action_bins if action_bins is not None else env.default_action)
    rows = [{"period": 0, "metric": float(obs[0])}]
    done = False
    while not done:
        obs, reward, done, truncated, info = env.step(action)
        rows.append(dict(info, reward=reward))
    lr, batch = (rows[1]["learning_rate"], rows[1]["batch_size"]) if action_bins is not None else (None, None)
    expected = simulate(drifttune, spec_file or env.spec_name, seed, lr, batch)["periods"]
    assert len(expected) == len(rows), (env_id, len(expected), len(rows))
    assert abs(expected[0]["metric"] - rows[0]["metric"]) < 1e-6, (env_id, "period 0")
    for e, r in zip(expected[1:], rows[1:]):
        assert e["period"] == r["period"], (env_id, e["period"], r["period"])
        for key in ("metric", "reward", "compute"):
            assert e[key] == r[key], (env_id, seed, e["period"], key, e[key], r[key])
        assert abs(e["learning_rate"] - r["learning_rate"]) < 1e-7 and e["batch_size"] == r["batch_size"], (env_id, e["period"])
        assert e["active_events"] == r["drift_events"], (env_id, e["period"], e["active_events"], r["drift_events"])
    env.close()
    return len(rows) - 1


def expert_pool_spec_checks(drifttune: str) -> int:
    """network-diagnosis with an expert pool (`learner.experts: true`): check_env passes, the
    observation is schema v4 (21 features, the last three the leader's), and two episodes match
    `drifttune simulate --env FILE` period for period. Returns the periods compared."""
    text = (ROOT / "environments" / "network-diagnosis.yaml").read_text()
    assert "\nlearner:\n" in text
    text = text.replace("\nlearner:\n", "\nlearner:\n  experts: true\n", 1)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "network-diagnosis-pool.yaml")
        Path(path).write_text(text)
        env = drifttune_gym.DriftTuneEnv(spec=path)
        check_env(env, skip_render_check=True)
        assert env.observation_space.shape == (21,), env.observation_space.shape
        assert env.native.feature_names[-3:] == ["leader_log_lr", "leader_log2_batch", "leader_margin"], env.native.feature_names
        env.close()
        return parity(drifttune, "", 1001, None, spec_file=path) + parity(drifttune, "", 1002, [5, 0, 0], spec_file=path)


def vector_matches_single(env_id: str, seed: int, n: int = 3) -> None:
    envs = gym.make_vec(env_id, num_envs=n, vectorization_mode="vector_entry_point")
    single = gym.make(env_id).unwrapped
    rng = np.random.default_rng(0)
    obs, _ = envs.reset(seed=seed)
    length = single.native.episode_length
    actions = [rng.integers(0, single.action_space.nvec, size=(n, 3)) for _ in range(length)]
    vec_rewards = []
    for a in actions:
        obs, r, term, trunc, info = envs.step(a)
        vec_rewards.append(r)
    for i in range(n):
        single.reset(seed=seed + i)
        for t, a in enumerate(actions):
            _, r, done, _, _ = single.step(a[i])
            assert r == vec_rewards[t][i], (env_id, i, t)
    envs.close()
    single.close()


def throughput(env_id: str, seconds: float, n: int) -> tuple[float, float, float]:
    """Periods per second with a random policy: one Gymnasium env, the raw C calls, a vector env of n."""
    env = gym.make(env_id).unwrapped
    rng = np.random.default_rng(1)
    env.reset(seed=1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, _, done, _, _ = env.step(rng.integers(0, env.action_space.nvec))
        steps += 1
        if done:
            env.reset(seed=int(rng.integers(0, 1 << 30)))
    single = steps / (time.perf_counter() - start)
    # The same through the raw C calls (no Gymnasium, no info dict): what the Python layer costs.
    native = env.native
    native.reset([1])
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _, _, dones, _ = native.step(rng.integers(0, env.action_space.nvec).reshape(1, 3))
        steps += 1
        if dones[0]:
            native.reset([int(rng.integers(0, 1 << 30))])
    raw = steps / (time.perf_counter() - start)
    env.close()
    envs = gym.make_vec(env_id, num_envs=n, vectorization_mode="vector_entry_point")
    envs.reset(seed=1)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        envs.step(envs.action_space.sample())
        steps += n
    vector = steps / (time.perf_counter() - start)
    envs.close()
    return single, raw, vector


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drifttune", default=str(ROOT / ".build/release/drifttune"))
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--vector", type=int, default=8)
    ap.add_argument("--no-bench", action="store_true", help="skip the same-run drifttune bench comparison")
    args = ap.parse_args()
    ids = drifttune_gym.registered_ids()
    assert ids, "no DriftTune/* environments registered (environments/ not found)"
    for env_id in ids:
        check_env(gym.make(env_id).unwrapped, skip_render_check=True)
        periods = parity(args.drifttune, env_id, 1001, None) + parity(args.drifttune, env_id, 1002, [1, 3, 0])
        vector_matches_single(env_id, 7)
        print(f"{env_id}: check_env passed; {periods} periods identical to drifttune simulate; vector env = single env")
    periods = expert_pool_spec_checks(args.drifttune)
    print(f"network-diagnosis with an expert pool: check_env passed; schema v4; {periods} periods identical to drifttune simulate")
    measured = {}
    for env_id in ids:
        single, raw, vector = throughput(env_id, args.seconds, args.vector)
        measured[env_id] = single
        print(f"{env_id}: random policy from Python: {single:.0f} periods/s (one gym env; raw C calls {raw:.0f}), "
              f"{vector:.0f} periods/s (vector env of {args.vector})")
    if not args.no_bench:
        # The same run's Swift figure: whole periods under a random policy, in-process, one core.
        out = subprocess.run([args.drifttune, "bench", "--seconds", str(min(args.seconds, 2.0))], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        swift = json.loads(out)["environment_periods_per_second_random_policy"]
        for env_id, single in measured.items():
            name = env_id.split("/", 1)[1].rsplit("-v", 1)[0]
            if name in swift:
                print(f"{env_id}: drifttune bench {swift[name]:.0f} periods/s (CPU time); "
                      f"Python gym env / bench = {single / swift[name]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
