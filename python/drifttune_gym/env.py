"""A DriftTune tuning environment as a Gymnasium environment.

One step is one period of the drifting stream: the action picks the production learner's
learning-rate bin, batch-size bin and retrain choice (none, fine-tune, full retrain) for the next
period; the observation is the monitor's feature vector (docs/observation-schema.md); the reward is
the period's task metric minus the compute and retraining costs the spec prices. The episode ends
after the spec's ``episode_length`` periods (or when the learner diverges): ``terminated``, never
``truncated``. The same seed gives the same trajectory as ``drifttune simulate --seeds S..S``.
"""
from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ._native import NativeEnvironments


def step_info(native: NativeEnvironments, row: np.ndarray, index: int) -> dict:
    """The ``info`` of one step: the period's metric, compute, learning rate, batch size, retrain
    (0 none, 1 fine-tune, 2 full), divergence, compute used so far, and the active drift events."""
    info = {name: float(v) for name, v in zip(native.info_names, row)}
    for key in ("period", "batch_size", "retrain"):
        info[key] = int(info[key])
    info["diverged"] = bool(info["diverged"])
    info["drift_events"] = native.events(index)
    return info


class DriftTuneEnv(gym.Env):
    """``spec``: a shipped environment's name (``network-diagnosis``), a spec file path, or YAML text."""

    metadata = {"render_modes": []}

    def __init__(self, spec: str = "network-diagnosis", render_mode: str | None = None):
        self.native = NativeEnvironments(spec, 1)
        self.spec_name = self.native.name
        self.observation_space = spaces.Box(low=self.native.lower, high=self.native.upper, dtype=np.float32)
        self.action_space = spaces.MultiDiscrete(self.native.action_sizes.astype(np.int64))
        self.render_mode = render_mode
        self.default_action = self.native.default_action.astype(np.int64)
        self._done = True

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        # The episode is a pure function of its seed: a given seed is passed through unchanged.
        episode_seed = seed if seed is not None else int(self.np_random.integers(0, 2**63 - 1))
        obs = self.native.reset([episode_seed])[0]
        self._done = False
        return obs, {"period": 0, "seed": int(episode_seed)}

    def step(self, action):
        if self._done:
            raise RuntimeError("step() after the episode ended; call reset()")
        obs, rewards, dones, info = self.native.step(np.asarray(action).reshape(1, 3))
        self._done = bool(dones[0])
        return obs[0], float(rewards[0]), self._done, False, step_info(self.native, info[0], 0)

    def close(self):
        self.native.close()
