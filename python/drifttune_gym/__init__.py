"""Gymnasium environments over DriftTune's Swift simulator, reached in-process through its C ABI.

    import gymnasium as gym
    import drifttune_gym                       # registers DriftTune/<spec>-v1 per shipped spec
    env = gym.make("DriftTune/network-diagnosis-v1")
    obs, info = env.reset(seed=1001)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    envs = gym.make_vec("DriftTune/network-diagnosis-v1", num_envs=8)   # one C call steps all 8

Any spec file works too: ``DriftTuneEnv(spec="path/to/spec.yaml")``. Build the library first:
``swift build -c release --product DriftTuneCABI`` (see _native.py for how it is found).
"""
from __future__ import annotations

from gymnasium.envs.registration import register, registry

from ._native import environments_directory
from .env import DriftTuneEnv
from .vector import DriftTuneVectorEnv

__all__ = ["DriftTuneEnv", "DriftTuneVectorEnv", "registered_ids"]

VERSION = 1


def registered_ids() -> list[str]:
    """Ids registered for the shipped specs."""
    return sorted(i for i in registry if i.startswith("DriftTune/"))


def _register_shipped() -> None:
    directory = environments_directory()
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.yaml")):
        env_id = f"DriftTune/{path.stem}-v{VERSION}"
        if env_id in registry:
            continue
        register(id=env_id, entry_point="drifttune_gym.env:DriftTuneEnv",
                 vector_entry_point="drifttune_gym.vector:DriftTuneVectorEnv",
                 kwargs={"spec": str(path.resolve())}, disable_env_checker=False)


_register_shipped()
