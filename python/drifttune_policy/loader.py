"""Reference loader for DriftTune policy files (format version 2), numpy only.

For production stacks outside Swift. It mirrors the Swift PolicyRuntime: the same checks on load
(header, payload length, SHA-256, shapes, finite values, schema version) and the same decisions,
guardrails included, greedy or sampled (the same SplitMix64 draws as `TunedPolicy` for the same
seed). The format is described in docs/policy-format.md.

    policy = Policy.load("network.policy", expecting_schema=1)
    d = policy.decide(observation)          # dict: learning_rate, batch_size, retrain, bins, fallback
    d = policy.decide({"metric": 0.91, ...})  # by feature name; a missing name is the fallback
    d = policy.decide(observation, sample=True)  # each head drawn from its softmax (seeded)
"""
import hashlib
import json
import math

import numpy as np

FORMAT_NAME = "drifttune-policy"
SUPPORTED_VERSIONS = (2,)
TOLERANCE = np.float32(1e-4)


class PolicyFileError(Exception):
    """A policy file was refused; the message names the file and what was wrong."""


def _unique_keys(path):
    """object_pairs_hook refusing a key that appears twice in one object (json keeps the last
    silently, Swift's decoder another: one verified file must not give two networks)."""
    def hook(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise PolicyFileError(f'{path}: duplicate key "{key[:60]}"')
            obj[key] = value
        return obj
    return hook


def _nonconforming(name):
    return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]


class Policy:
    def __init__(self, document, path="<memory>", seed=0):
        self.document = document
        self._rng = SplitMix64(seed)
        self.path = path
        _validate(document, path)
        schema = document["observation_schema"]
        self.feature_names = [f["name"] for f in schema["features"]]
        self.lower = np.array([f["lower"] for f in schema["features"]], dtype=np.float32)
        self.upper = np.array([f["upper"] for f in schema["features"]], dtype=np.float32)
        norm = document["normalization"]
        mean = np.array(norm["mean"], dtype=np.float64)
        var = np.array(norm["variance"], dtype=np.float64)
        inverse_std = 1.0 / np.sqrt(var + norm["epsilon"])
        # The same arithmetic as the trainer's normalizer, so inputs match bit for bit.
        self.scale = inverse_std.astype(np.float32)
        self.shift = (-mean * inverse_std).astype(np.float32)
        self.clip = np.float32(norm["clip"])
        net = document["network"]
        self.activation = net["activation"]
        self.layers = [_layer(l) for l in net["hidden"]]
        self.heads = _layer(net["heads"])
        actions = document["actions"]
        self.learning_rates = actions["learning_rates"]
        self.batch_sizes = actions["batch_sizes"]
        self.retrain_choices = actions["retrain_choices"]
        # "steps": the first head's 3 outputs move one bin down, stay or move up from the learning
        # rate the observation's log_lr reports (the last period's), clamped at the ends.
        self.learning_rate_head = actions.get("learning_rate_head", "bins")
        # The same for the second head and batch sizes, from the observation's log2_batch.
        self.batch_size_head = actions.get("batch_size_head", "bins")
        self.head_sizes = [3 if self.learning_rate_head == "steps" else len(self.learning_rates),
                           3 if self.batch_size_head == "steps" else len(self.batch_sizes), len(self.retrain_choices)]
        self._log_lr = self.feature_names.index("log_lr") if "log_lr" in self.feature_names else None
        self._log2_batch = self.feature_names.index("log2_batch") if "log2_batch" in self.feature_names else None
        self._rates32 = [float(np.float32(r)) for r in self.learning_rates]  # the rates as Swift holds them
        fb = document["fallback"]
        if fb["retrain"] not in self.retrain_choices:
            raise PolicyFileError(f"fallback.retrain: {fb['retrain']!r} is not one of actions.retrain_choices")
        self.fallback_bins = [fb["learning_rate_bin"], fb["batch_size_bin"], self.retrain_choices.index(fb["retrain"])]
        self.fallback_learn_online = fb.get("learn_online", True)
        self.fallback_counts = {}
        self.decision_count = 0

    @classmethod
    def load(cls, path, expecting_schema=None, expecting_features=None, seed=0):
        """Reads, verifies and validates the file. `expecting_schema` refuses another observation
        schema version, `expecting_features` another feature order; `seed` drives sampled decisions."""
        with open(path, "rb") as f:
            data = f.read()
        newline = data.find(b"\n")
        if newline < 0:
            raise PolicyFileError(f"{path}:1: not a DriftTune policy file header: no header line")
        try:
            header = json.loads(data[:newline], object_pairs_hook=_unique_keys(path))
        except ValueError:
            raise PolicyFileError(f"{path}:1: not a DriftTune policy file header: the first line is not a JSON object")
        if header.get("format") != FORMAT_NAME:
            raise PolicyFileError(f'{path}:1: unknown format "{header.get("format")}" (expected "{FORMAT_NAME}")')
        if header.get("format_version") not in SUPPORTED_VERSIONS:
            raise PolicyFileError(f"{path}:1: format version {header.get('format_version')} is not supported")
        payload = data[newline + 1:]
        if len(payload) != header.get("payload_bytes"):
            raise PolicyFileError(f"{path}: truncated or padded: the header announces {header.get('payload_bytes')} payload bytes, found {len(payload)}")
        digest = hashlib.sha256(payload).hexdigest()
        if digest != str(header.get("sha256", "")).lower():
            raise PolicyFileError(f"{path}: SHA-256 mismatch: the header says {header.get('sha256')}, the payload hashes to {digest}")
        # Non-finite weights ("NaN" strings or bare NaN tokens) load, so validation can name them.
        # Duplicate keys are refused, as in Swift.
        try:
            document = json.loads(payload, parse_constant=_nonconforming, object_pairs_hook=_unique_keys(path))
        except ValueError as e:
            raise PolicyFileError(f"{path}: the payload is not valid JSON ({str(e)[:80]})")
        policy = cls(document, path, seed=seed)
        version = document["observation_schema"]["version"]
        if expecting_schema is not None and version != expecting_schema:
            raise PolicyFileError(f"{path}: observation schema version {version}, but this learner produces version {expecting_schema}")
        if expecting_features is not None and list(expecting_features) != policy.feature_names:
            for i in range(max(len(expecting_features), len(policy.feature_names))):
                got = policy.feature_names[i] if i < len(policy.feature_names) else "(none)"
                want = expecting_features[i] if i < len(expecting_features) else "(none)"
                if got != want:
                    raise PolicyFileError(f'{path}: observation feature {i} is "{got}", but this learner produces "{want}"')
        return policy

    @property
    def loop(self):
        """The learner loop settings (`loop`), or None when the file has none."""
        return self.document.get("loop")

    def _problem(self, x):
        if x is None or len(x) != len(self.feature_names):
            return "wrong_length"
        x = np.asarray(x, dtype=np.float32)
        if not np.all(np.isfinite(x)):
            return "non_finite"
        if np.any(x < self.lower - TOLERANCE) or np.any(x > self.upper + TOLERANCE):
            return "out_of_range"
        return None

    def logits(self, x):
        """Every head's logits (float64) for a valid observation."""
        x = np.asarray(x, dtype=np.float32)
        h = np.clip(x * self.scale + self.shift, -self.clip, self.clip).astype(np.float64)
        for w, b in self.layers:
            z = h @ w + b
            h = np.maximum(z, 0.0) if self.activation == "relu" else np.tanh(z)
        w, b = self.heads
        return h @ w + b

    def decide(self, observation, sample=False):
        """The decision for one observation (guardrails as in the Swift runtime).

        `observation` is a sequence in schema order, or a mapping from feature name to value (a
        missing name is the `missing_value` fallback; extra names are ignored). Greedy: each head's
        largest logit (the first of equal maxima). `sample=True`: each head's bin drawn from the
        softmax of its logits with the policy's seeded SplitMix64, exactly as `TunedPolicy`.
        """
        if isinstance(observation, dict):
            values = []
            for name in self.feature_names:
                if name not in observation:
                    self.decision_count += 1
                    self.fallback_counts["missing_value"] = self.fallback_counts.get("missing_value", 0) + 1
                    return self._decision(self.fallback_bins, "missing_value")
                values.append(observation[name])
            observation = values
        self.decision_count += 1
        reason = self._problem(observation)
        if reason is not None:
            self.fallback_counts[reason] = self.fallback_counts.get(reason, 0) + 1
            return self._decision(self.fallback_bins, reason)
        z = self.logits(observation)
        bins, offset = [], 0
        for size in self.head_sizes:
            head = z[offset:offset + size]
            bins.append(self._draw(head) if sample else int(np.argmax(head)))  # argmax: first of equal maxima, like Swift
            offset += size
        if self.learning_rate_head == "steps":
            current = self.learning_rate_bin(observation[self._log_lr])
            bins[0] = min(max(current + bins[0] - 1, 0), len(self.learning_rates) - 1)
        if self.batch_size_head == "steps":
            current = self.batch_size_bin(observation[self._log2_batch])
            bins[1] = min(max(current + bins[1] - 1, 0), len(self.batch_sizes) - 1)
        return self._decision(bins, None)

    def batch_size_bin(self, log2_batch):
        """The batch-size bin a `log2_batch` observation value stands for (as `ActionBins.batchSizeBin`)."""
        return _bin_of_feature(self.batch_sizes, log2_batch, lambda lo, hi, x: lo * 2.0 ** (x * math.log2(hi / lo)))

    def learning_rate_bin(self, log_lr):
        """The learning-rate bin a `log_lr` observation value stands for (as `ActionBins.learningRateBin`)."""
        return _bin_of_feature(self._rates32, log_lr, lambda lo, hi, x: lo * math.exp(x * math.log(hi / lo)))

    def _draw(self, logits):
        weights = [math.exp(v - max(logits)) for v in logits]
        u = self._rng.next_unit() * sum(weights)
        for i, w in enumerate(weights):
            u -= w
            if u < 0:
                return i
        return len(weights) - 1

    @property
    def fallback_decision(self):
        """The file's fallback decision (also the action of period 0 in the learner loop)."""
        return self._decision(self.fallback_bins, None)

    def _decision(self, bins, fallback):
        return {
            "bins": bins,
            "learning_rate": self.learning_rates[bins[0]],
            "batch_size": self.batch_sizes[bins[1]],
            "retrain": self.retrain_choices[bins[2]],
            "learn_online": self.fallback_learn_online if fallback else True,
            "fallback": fallback,
        }


class SplitMix64:
    """SplitMix64 (Steele, Lea & Flood 2014), the sampler's generator in the Swift runtime."""
    MASK = (1 << 64) - 1

    def __init__(self, seed=0):
        self.state = int(seed) & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def next_unit(self):
        """Uniform in [0, 1) with 53 bits."""
        return (self.next() >> 11) * 2.0 ** -53


def _layer(layer):
    w = np.array(layer["weights"], dtype=np.float32).astype(np.float64).reshape(layer["inputs"], layer["outputs"])
    b = np.array(layer["bias"], dtype=np.float32).astype(np.float64)
    return w, b


MAX_EXPERT_HALF_LIFE = 1_000_000_000  # LoopSettings.maxExpertHalfLife


def expert_pool_problem(loop):
    """Why a loop with `experts` (an expert pool, observation schema v4) cannot run, or None
    (`LoopSettings.expertPoolProblem`): the pool learns online, without shadow learners, its
    `expert_decay` and `expert_tolerance` lie in [0, 1], and its `expert_half_life` is a whole number
    of samples from 0 to 10^9 (and absent without a pool)."""
    if not (loop or {}).get("experts"):
        if (loop or {}).get("expert_half_life", 0) != 0:
            return "expert_half_life needs experts: true"
        return None
    if loop.get("updates", "online") != "online":
        return "an expert pool learns online: it cannot run with updates: deployed"
    if loop.get("shadow_learners"):
        return "an expert pool replaces the shadow learners: it cannot run with shadow_learners"
    decay = loop.get("expert_decay", 0.9)
    if not (isinstance(decay, (int, float)) and 0 <= decay <= 1):
        return f"expert_decay must be between 0 and 1, not {decay}"
    tolerance = loop.get("expert_tolerance", 0.0)
    if not (isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and 0 <= tolerance <= 1):
        return f"expert_tolerance must be between 0 and 1, not {tolerance}"
    half_life = loop.get("expert_half_life", 0)
    if not (isinstance(half_life, int) and not isinstance(half_life, bool) and 0 <= half_life <= MAX_EXPERT_HALF_LIFE):
        return f"expert_half_life must be between 0 and {MAX_EXPERT_HALF_LIFE} samples, not {half_life}"
    return None


def _validate(d, path):
    problem = expert_pool_problem(d.get("loop"))
    if problem:  # refused on load, as the Swift runtime refuses the file
        raise PolicyFileError(f"{path}: loop: {problem}")
    features = d["observation_schema"]["features"]
    n = len(features)
    norm = d["normalization"]
    for key in ("mean", "variance"):
        if len(norm[key]) != n:
            raise PolicyFileError(f"{path}: normalization.{key} has {len(norm[key])} values, expected {n}")
    width = n
    layers = [(f"network.hidden[{i}]", l) for i, l in enumerate(d["network"]["hidden"])] + [("network.heads", d["network"]["heads"])]
    for field, l in layers:
        if l["inputs"] != width:
            raise PolicyFileError(f"{path}: {field}.inputs has {l['inputs']} values, expected {width}")
        for key, count in (("weights", l["inputs"] * l["outputs"]), ("bias", l["outputs"])):
            if len(l[key]) != count:
                raise PolicyFileError(f"{path}: {field}.{key} has {len(l[key])} values, expected {count}")
            bad = np.flatnonzero(~np.isfinite(np.array(l[key], dtype=np.float64)))
            if bad.size:
                raise PolicyFileError(f"{path}: {field}.{key}[{bad[0]}] is not finite")
        width = l["outputs"]
    a = d["actions"]
    head = a.get("learning_rate_head", "bins")
    if head not in ("bins", "steps"):
        raise PolicyFileError(f"{path}: actions.learning_rate_head: {str(head)[:40]!r} is not bins or steps")
    if head == "steps" and "log_lr" not in [f["name"] for f in d["observation_schema"]["features"]]:
        raise PolicyFileError(f"{path}: actions.learning_rate_head: steps move from the observation's log_lr, which this schema does not have")
    batch_head = a.get("batch_size_head", "bins")
    if batch_head not in ("bins", "steps"):
        raise PolicyFileError(f"{path}: actions.batch_size_head: {str(batch_head)[:40]!r} is not bins or steps")
    if batch_head == "steps" and "log2_batch" not in [f["name"] for f in d["observation_schema"]["features"]]:
        raise PolicyFileError(f"{path}: actions.batch_size_head: steps move from the observation's log2_batch, which this schema does not have")
    heads = ((3 if head == "steps" else len(a["learning_rates"])) + (3 if batch_head == "steps" else len(a["batch_sizes"]))
             + len(a["retrain_choices"]))
    if d["network"]["heads"]["outputs"] != heads:
        raise PolicyFileError(f"{path}: network.heads.outputs has {d['network']['heads']['outputs']} values, expected {heads}")


def _bin_of_feature(values, feature, value_at):
    """The bin of `values` nearest in log scale to `value_at(lo, hi, x)`, x the observation feature
    clipped to 0..1 (the inverse of the monitor's scaling, in the arithmetic Swift uses); 0 when
    there is one value."""
    lo, hi = min(values), max(values)
    if not hi > lo:
        return 0
    v = value_at(lo, hi, min(max(float(np.float32(feature)), 0.0), 1.0))
    return min(range(len(values)), key=lambda i: abs(math.log2(values[i] / v)))
