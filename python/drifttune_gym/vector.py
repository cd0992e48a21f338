"""Many DriftTune environments of one spec stepped in one call into the Swift simulator (in
parallel across cores there), as a Gymnasium vector environment with next-step autoreset."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from ._native import NativeEnvironments
from .env import step_info


class DriftTuneVectorEnv(gym.vector.VectorEnv):
    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, spec: str = "network-diagnosis", num_envs: int = 8, render_mode: str | None = None):
        self.native = NativeEnvironments(spec, num_envs)
        self.num_envs = num_envs
        self.single_observation_space = spaces.Box(low=self.native.lower, high=self.native.upper, dtype=np.float32)
        self.single_action_space = spaces.MultiDiscrete(self.native.action_sizes.astype(np.int64))
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.render_mode = render_mode
        self._autoreset = np.zeros(num_envs, dtype=bool)

    def _seed(self) -> int:
        return int(self._np_random.integers(0, 2**63 - 1))

    def reset(self, *, seed=None, options=None):
        if seed is None or isinstance(seed, int):
            self._np_random, _ = gym.utils.seeding.np_random(seed)
        if isinstance(seed, (list, tuple)):
            seeds = [s if s is not None else self._seed() for s in seed]
        elif isinstance(seed, int):
            # Environment i gets seed + i, as Gymnasium's sync vector env does.
            seeds = [seed + i for i in range(self.num_envs)]
        else:
            seeds = [self._seed() for _ in range(self.num_envs)]
        obs = self.native.reset(seeds)
        self._autoreset[:] = False
        return obs, {"seed": np.asarray(seeds, dtype=np.uint64)}

    def step(self, actions):
        actions = np.asarray(actions).reshape(self.num_envs, 3)
        obs, rewards, dones, rows = self.native.step(actions)
        terminated = dones.copy()
        infos: dict = {}
        for i in range(self.num_envs):
            if self._autoreset[i]:
                # Next-step autoreset: this call starts a new episode instead of stepping.
                obs[i] = self.native.reset([self._seed()], index=i)[0]
                rewards[i] = 0.0
                terminated[i] = False
                continue
            infos = self._add_info(infos, step_info(self.native, rows[i], i), i)
        self._autoreset = terminated.copy()
        return obs, rewards, terminated, np.zeros(self.num_envs, dtype=bool), infos

    def close_extras(self, **kwargs):
        self.native.close()
