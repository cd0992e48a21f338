"""ctypes binding of the DriftTune C ABI (the `DriftTuneCABI` SwiftPM product, libDriftTuneCABI.so).

The library is found, in order, at ``$DRIFTTUNE_LIB``, then under ``$DRIFTTUNE_ROOT`` (default:
the repository this package sits in) in ``.build/release`` and ``.build/debug``. Build it with
``swift build -c release --product DriftTuneCABI``.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

_LIB = None


def repository_root() -> Path:
    """``$DRIFTTUNE_ROOT``, else the repository holding this package (python/drifttune_gym/..)."""
    if os.environ.get("DRIFTTUNE_ROOT"):
        return Path(os.environ["DRIFTTUNE_ROOT"])
    return Path(__file__).resolve().parent.parent.parent


def environments_directory() -> Path:
    """``$DRIFTTUNE_ENVIRONMENTS``, else ``environments/`` of the repository."""
    if os.environ.get("DRIFTTUNE_ENVIRONMENTS"):
        return Path(os.environ["DRIFTTUNE_ENVIRONMENTS"])
    return repository_root() / "environments"


def library_path() -> Path:
    if os.environ.get("DRIFTTUNE_LIB"):
        return Path(os.environ["DRIFTTUNE_LIB"])
    root = repository_root()
    for config in ("release", "debug"):
        p = root / ".build" / config / "libDriftTuneCABI.so"
        if p.exists():
            return p
    raise OSError(
        f"libDriftTuneCABI.so not found under {root}/.build/(release|debug); build it with "
        "`swift build -c release --product DriftTuneCABI` or set DRIFTTUNE_LIB to its path"
    )


def library() -> ctypes.CDLL:
    global _LIB
    if _LIB is not None:
        return _LIB
    lib = ctypes.CDLL(str(library_path()))
    P, I32, F, D, U8, U64, C = (ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_float),
                                ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_uint8),
                                ctypes.POINTER(ctypes.c_uint64), ctypes.c_char_p)
    I32P = ctypes.POINTER(ctypes.c_int32)
    sig = {
        "drifttune_env_create": (P, [C, I32, ctypes.c_char_p, I32]),
        "drifttune_env_free": (None, [P]),
        "drifttune_env_count": (I32, [P]),
        "drifttune_env_observation_size": (I32, [P]),
        "drifttune_env_observation_bounds": (None, [P, F, F]),
        "drifttune_env_action_sizes": (None, [P, I32P]),
        "drifttune_env_default_action": (None, [P, I32P]),
        "drifttune_env_episode_length": (I32, [P]),
        "drifttune_env_name": (I32, [P, ctypes.c_char_p, I32]),
        "drifttune_env_feature_names": (I32, [P, ctypes.c_char_p, I32]),
        "drifttune_env_info_names": (I32, [ctypes.c_char_p, I32]),
        "drifttune_env_reset": (I32, [P, I32, U64, F]),
        "drifttune_env_step": (I32, [P, I32P, F, D, U8, D, ctypes.c_char_p, I32]),
        "drifttune_env_events": (I32, [P, I32, ctypes.c_char_p, I32]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    _LIB = lib
    return lib


def _text(fn, *args) -> str:
    need = fn(*args, None, 0)
    buf = ctypes.create_string_buffer(need + 1)
    fn(*args, buf, need + 1)
    return buf.value.decode("utf-8")


def _ptr(a: np.ndarray, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype))


class NativeEnvironments:
    """``count`` copies of one spec in the Swift simulator, stepped together in one call."""

    def __init__(self, spec: str, count: int = 1):
        lib = library()
        err = ctypes.create_string_buffer(4096)
        handle = lib.drifttune_env_create(spec.encode("utf-8"), count, err, len(err))
        if not handle:
            raise ValueError(f"DriftTune environment {spec!r}: {err.value.decode('utf-8', 'replace')}")
        self._lib, self._handle = lib, handle
        self.count = count
        self.observation_size = lib.drifttune_env_observation_size(handle)
        self.lower = np.zeros(self.observation_size, dtype=np.float32)
        self.upper = np.zeros(self.observation_size, dtype=np.float32)
        lib.drifttune_env_observation_bounds(handle, _ptr(self.lower, ctypes.c_float), _ptr(self.upper, ctypes.c_float))
        self.action_sizes = np.zeros(3, dtype=np.int32)
        lib.drifttune_env_action_sizes(handle, _ptr(self.action_sizes, ctypes.c_int32))
        self.default_action = np.zeros(3, dtype=np.int32)
        lib.drifttune_env_default_action(handle, _ptr(self.default_action, ctypes.c_int32))
        self.episode_length = lib.drifttune_env_episode_length(handle)
        self.name = _text(lib.drifttune_env_name, handle)
        self.feature_names = _text(lib.drifttune_env_feature_names, handle).split(",")
        self.info_names = _text(lib.drifttune_env_info_names).split(",")
        self._obs = np.zeros((count, self.observation_size), dtype=np.float32)
        self._rewards = np.zeros(count, dtype=np.float64)
        self._dones = np.zeros(count, dtype=np.uint8)
        self._info = np.zeros((count, len(self.info_names)), dtype=np.float64)
        self._err = ctypes.create_string_buffer(1024)

    def reset(self, seeds, index: int = -1) -> np.ndarray:
        """Resets every environment (one seed each) or only ``index``; returns the observations."""
        seeds = np.ascontiguousarray(np.asarray(seeds, dtype=np.uint64).reshape(-1))
        out = np.zeros((self.count if index == -1 else 1, self.observation_size), dtype=np.float32)
        if self._lib.drifttune_env_reset(self._handle, index, _ptr(seeds, ctypes.c_uint64), _ptr(out, ctypes.c_float)) != 0:
            raise ValueError("reset: bad index or seeds")
        return out

    def step(self, actions):
        """Steps all environments with ``actions`` (count × 3 bins); returns copies of
        (observations, rewards, dones, info rows)."""
        a = np.ascontiguousarray(np.asarray(actions, dtype=np.int32).reshape(self.count, 3))
        rc = self._lib.drifttune_env_step(self._handle, _ptr(a, ctypes.c_int32), _ptr(self._obs, ctypes.c_float),
                                          _ptr(self._rewards, ctypes.c_double), _ptr(self._dones, ctypes.c_uint8),
                                          _ptr(self._info, ctypes.c_double), self._err, len(self._err))
        if rc != 0:
            raise ValueError(f"step: {self._err.value.decode('utf-8', 'replace')}")
        return self._obs.copy(), self._rewards.copy(), self._dones.astype(bool), self._info.copy()

    def events(self, index: int) -> list[str]:
        text = _text(self._lib.drifttune_env_events, self._handle, index)
        return text.split(",") if text else []

    def close(self) -> None:
        if self._handle:
            self._lib.drifttune_env_free(self._handle)
            self._handle = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
