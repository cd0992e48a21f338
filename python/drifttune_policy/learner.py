"""The learner loop of `drifttune learn` in Python, and `TunedLearner`, which runs a scikit-learn
estimator with `partial_fit`, a River classifier or `LinearBackend` (`drifttune learn`'s own
learner) under a tuned policy, shadow learners (observation schemas v2 and v3) and the expert pool
(`ExpertPool`, loop `experts`: schema v4) included.

`PeriodLoop` mirrors the Swift `ProductionLearner.PeriodRunner` step for step: every period the
action's learning rate and batch size are applied, then its fine-tune or full retrain on the most
recent labelled window (never before period 0), then the period: each minibatch of the current
batch size is predicted before anything is learned from it, and full minibatches are learned once
their labels have arrived (`label_delay` samples later); the window keeps `window` raw samples;
compute is counted in units of one period of sample gradients plus `update_overhead` per update;
the monitor turns the period into the observation. With `standardize`, features are standardized
online (running mean and population variance, River's `StandardScaler`): a minibatch is predicted
with the statistics before it and learned with those at the time of learning.

    from sklearn.linear_model import SGDClassifier
    learner = TunedLearner(SGDClassifier(loss="log_loss"), Policy.load("network.policy"), classes=[0, 1])
    summary = learner.run(X, y)          # warm-up periods, then one decision per period

A backend adapts a model to the loop: `predict_proba(Z)`, `partial_fit(Z, y)`,
`set_learning_rate(lr, batch_size)`, `reinitialize()`; shadow learners copy it with `copy.deepcopy`.
"""
import copy
import dataclasses
import math
import time

import numpy as np

from .loader import SplitMix64, expert_pool_problem
from .monitor import SCHEMA_V1, ControlState, Monitor, log2_batch, log_lr

SHADOW_FEATURES = ["shadow_gain_lr_down", "shadow_gain_lr_up", "shadow_gain_batch_down", "shadow_gain_batch_up"]
LEADER_FEATURES = ["leader_log_lr", "leader_log2_batch", "leader_margin"]  # schema v4: the expert pool's
LOOP_DEFAULTS = {  # `drifttune learn` without a policy loop or --env
    "model": "logistic", "period_length": 1000, "window": 4000, "label_delay": 0, "fine_tune_epochs": 1,
    "retrain_epochs": 3, "update_overhead": 0.0, "compute_budget": 100.0, "episode_length": 100,
    "warmup_periods": 1, "standardize": True,
}


class SklearnBackend:
    """A scikit-learn classifier with `partial_fit` and `predict_proba` (e.g. `SGDClassifier(loss=
    "log_loss")`). The learning rate goes to `eta0` with `learning_rate="constant"`. sklearn's SGD
    steps once per sample, the policy's rate is per minibatch update (mean gradient), so by default
    (`lr_scale="per_update"`) eta0 = lr / batch_size: a batch's per-sample steps add up to one
    minibatch step of the policy's rate; `lr_scale="per_sample"` sets eta0 = lr."""

    def __init__(self, estimator, classes, lr_scale="per_update"):
        if lr_scale not in ("per_update", "per_sample"):
            raise ValueError("lr_scale: expected per_update or per_sample")
        self.template = estimator
        self.estimator = estimator
        self.classes = np.asarray(classes)
        self.lr_scale = lr_scale
        self.fitted = hasattr(estimator, "classes_")
        self.has_eta0 = "eta0" in estimator.get_params()  # get_params inspects signatures: once, not per period

    def set_learning_rate(self, lr, batch_size):
        if self.has_eta0:
            eta0 = float(lr / batch_size if self.lr_scale == "per_update" else lr)
            est = self.estimator
            # set_params only assigns the two attributes: skip it when they already hold these values
            if not (est.learning_rate == "constant" and type(est.eta0) is float and est.eta0 == eta0):
                est.set_params(learning_rate="constant", eta0=eta0)

    def predict_proba(self, z):
        if not self.fitted:
            return np.full((z.shape[0], self.classes.size), 1.0 / self.classes.size)
        return self.estimator.predict_proba(z)

    def partial_fit(self, z, y):
        if self.fitted:  # classes only on the first call: sklearn re-checks them on every call that has them
            self.estimator.partial_fit(z, y)
        else:
            self.estimator.partial_fit(z, y, classes=self.classes)
            self.fitted = True

    def reinitialize(self):
        from sklearn.base import clone
        params = self.estimator.get_params()
        self.estimator = clone(self.template).set_params(**{k: params[k] for k in ("learning_rate", "eta0") if k in params})
        self.fitted = False


class RiverBackend:
    """A River classifier (`predict_proba_one`, `learn_one`), e.g. `linear_model.LogisticRegression`.
    The learning rate goes to its optimizer's `lr` (River's SGD steps once per sample; the same
    `lr_scale` rule as `SklearnBackend`). Samples go in as dicts {0: x0, 1: x1, ...}."""

    def __init__(self, model, classes, lr_scale="per_update"):
        self.template = model.clone()
        self.model = model
        self.classes = list(classes)
        self.lr_scale = lr_scale

    def set_learning_rate(self, lr, batch_size):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "lr"):
            from river import optim
            value = lr / batch_size if self.lr_scale == "per_update" else lr
            optimizer.lr = optim.schedulers.Constant(float(value))

    def predict_proba(self, z):
        out = np.zeros((z.shape[0], len(self.classes)))
        for i, row in enumerate(z.tolist()):
            p = self.model.predict_proba_one(dict(enumerate(row)))
            for j, c in enumerate(self.classes):
                out[i, j] = p.get(c, 0.0)
            s = out[i].sum()
            out[i] = out[i] / s if s > 0 else 1.0 / len(self.classes)
        return out

    def partial_fit(self, z, y):
        for row, label in zip(z.tolist(), y.tolist()):
            self.model.learn_one(dict(enumerate(row)), int(label))

    def reinitialize(self):
        self.model = self.template.clone()


class LinearBackend:
    """`drifttune learn`'s own linear learner in numpy (float32), for `model: logistic` (two classes)
    and `model: softmax` policies: zero-initialized weights and intercept, plain SGD on the
    minibatch-mean cross-entropy at the policy's learning rate (per update, as in the simulator; no
    L2, no separate intercept rate). The weights are made on the first call, from its feature count.
    A full retrain starts again from zero. An update that would make the weights non-finite is not
    applied and sets `diverged` (the Swift learner's health), after which it learns nothing more
    until a full retrain."""

    def __init__(self, classes):
        self.k = len(classes)
        if self.k < 2:
            raise ValueError("LinearBackend: needs at least two classes")
        self.lr = np.float32(0.01)
        self.w = None  # features x 1 (two classes: logistic) or features x classes (softmax)
        self.b = None
        self.diverged = False

    def set_learning_rate(self, lr, batch_size):
        self.lr = np.float32(lr)

    def reinitialize(self):
        self.w = self.b = None
        self.diverged = False

    def _ensure(self, f):
        if self.w is None:
            outputs = 1 if self.k == 2 else self.k
            self.w = np.zeros((f, outputs), dtype=np.float32)
            self.b = np.zeros(outputs, dtype=np.float32)

    def _probabilities(self, z):
        self._ensure(z.shape[1])
        s = np.asarray(z, dtype=np.float32) @ self.w + self.b
        if self.k == 2:  # Swift's Kernels.sigmoid, branch for branch
            s = s[:, 0]
            e = np.exp(-np.abs(s))
            q = np.where(s >= 0, np.float32(1) / (np.float32(1) + e), e / (np.float32(1) + e)).astype(np.float32)
            return np.stack([np.float32(1) - q, q], axis=1)
        s = s - s.max(axis=1, keepdims=True)
        e = np.exp(s)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def predict_proba(self, z):
        return self._probabilities(z)

    def partial_fit(self, z, y):
        if self.diverged:
            return
        z = np.asarray(z, dtype=np.float32)
        p = self._probabilities(z)
        y = np.asarray(y, dtype=np.int64)
        rows = np.float32(z.shape[0])
        if self.k == 2:
            g = ((p[:, 1] - (y > 0).astype(np.float32)) / rows)[:, None]
        else:
            g = p
            g[np.arange(z.shape[0]), y] -= np.float32(1)
            g /= rows
        g = g.astype(np.float32)
        w, b = self.w - self.lr * (z.T @ g), self.b - self.lr * g.sum(axis=0)
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            self.diverged = True  # keep the last finite weights
            return
        self.w, self.b = w, b


class RecordedPredictions:
    """A backend that replays recorded probabilities (one array per period, `rows x classes`) and
    learns nothing: it runs the loop's bookkeeping and the monitor on another learner's predictions
    (the parity check replays `drifttune learn --log-probabilities`)."""

    def __init__(self, periods):
        self.periods = [np.asarray(p, dtype=np.float32) for p in periods]
        self.period = -1
        self.offset = 0

    def start_period(self, index):
        self.period, self.offset = index, 0

    def set_learning_rate(self, lr, batch_size):
        pass

    def predict_proba(self, z):
        out = self.periods[self.period][self.offset:self.offset + z.shape[0]]
        self.offset += z.shape[0]
        return out

    def partial_fit(self, z, y):
        pass

    def reinitialize(self):
        pass


class StandardScaler:
    """Running mean and population variance per feature (River's `StandardScaler`); 0 where the
    variance is 0. `learn` updates in batch (Chan's parallel update), `transform` never does."""

    def __init__(self, feature_count):
        self.count = 0
        self.mean = np.zeros(feature_count)
        self.m2 = np.zeros(feature_count)

    def learn(self, x):
        n = x.shape[0]
        if n == 0:
            return
        x = x.astype(np.float64)
        mean_b = x.mean(axis=0)
        m2_b = ((x - mean_b) ** 2).sum(axis=0)
        total = self.count + n
        delta = mean_b - self.mean
        self.mean = self.mean + delta * n / total
        self.m2 = self.m2 + m2_b + delta ** 2 * self.count * n / total
        self.count = total

    def transform(self, x):
        var = self.m2 / max(self.count, 1)
        inv = np.where(var > 0, 1 / np.sqrt(np.where(var > 0, var, 1)), 0.0)
        return ((x.astype(np.float64) - self.mean) * inv).astype(np.float32)


class RandomSource:
    """The Swift `Linalg.RandomSource`: xoshiro256** seeded through SplitMix64, `split(name)` by a
    FNV-1a hash, Fisher-Yates `shuffle` with Lemire's `next_int(below)`. The loop's retrain shuffles
    draw from `RandomSource(seed).split("retrain")`, as `drifttune learn --seed` does, so a run
    repeats Swift's minibatch order exactly."""
    MASK = (1 << 64) - 1

    def __init__(self, seed=0):
        self.seed = int(seed) & self.MASK
        sm = SplitMix64(self.seed)
        self.s = [sm.next() for _ in range(4)]

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & RandomSource.MASK

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & self.MASK, 7) * 9) & self.MASK
        t = (s1 << 17) & self.MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, self._rotl(s3, 45)]
        return result

    def split(self, name):
        key = 0xCBF29CE484222325
        for byte in name.encode():
            key = ((key ^ byte) * 0x100000001B3) & self.MASK
        sm = SplitMix64(self.seed ^ 0x6A09E667F3BCC909)
        a = sm.next()
        return RandomSource(SplitMix64((key + a) & self.MASK).next() ^ self._rotl(a, 17))

    def next_int(self, below):
        return (self.next() * below) >> 64

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.next_int(i + 1)
            if i != j:
                items[i], items[j] = items[j], items[i]


def shadow_features(loop, feature_names):
    """The shadow-learner features a loop appends to the monitor's (none, schema v2's two, or v3's
    four); a ValueError when `feature_names` do not end in exactly those."""
    if loop.get("batch_shadows") and not loop.get("shadow_learners"):
        raise ValueError("loop: batch_shadows needs shadow_learners")
    expected = SHADOW_FEATURES[:4 if loop.get("batch_shadows") else 2] if loop.get("shadow_learners") else []
    names = list(feature_names)
    given = [n for n in names if n.startswith("shadow_gain_")]
    if given != expected or names[len(names) - len(expected):] != expected:
        raise ValueError(f"the observation's shadow-learner features are {given}, but the loop's shadow learners "
                         f"(shadow_learners: {bool(loop.get('shadow_learners'))}, batch_shadows: "
                         f"{bool(loop.get('batch_shadows'))}) give {expected}")
    return expected


def leader_features(loop, feature_names):
    """The expert pool's features a loop appends to the monitor's (schema v4's three with
    `experts`, else none); a ValueError when `feature_names` do not end in exactly those."""
    expected = LEADER_FEATURES if loop.get("experts") else []
    names = list(feature_names)
    given = [n for n in names if n in LEADER_FEATURES]
    if given != expected or names[len(names) - len(expected):] != expected:
        raise ValueError(f"the observation's expert-pool features are {given}, but the loop "
                         f"(experts: {bool(loop.get('experts'))}) gives {expected}")
    return expected


def _action(bins, retrain="none", learn_online=True):
    return {"bins": list(bins[:2]), "retrain": retrain, "learn_online": learn_online}


class PeriodLoop:
    """`PeriodRunner` in Python: `warm_start`, then `step(action, X, y)` once per period.
    `metric_only`: the monitor reads the task metric only (an expert pool's experts)."""

    def __init__(self, backend, loop, learning_rates, batch_sizes, feature_count, class_count, metric="accuracy",
                 feature_names=None, seed=0, adwin="auto", metric_only=False):
        self.backend = backend
        self.loop = dict(LOOP_DEFAULTS, **(loop or {}))
        if self.loop.get("shadow_learners") and hasattr(backend, "start_period"):
            raise ValueError("loop: shadow_learners need a backend that learns; recorded predictions cannot replay a "
                             "period at another learning rate")
        self.learning_rates = [float(np.float32(v)) for v in learning_rates]
        self.batch_sizes = list(batch_sizes)
        self.f = feature_count
        self.k = class_count
        names = list(feature_names or SCHEMA_V1)
        shadows = shadow_features(self.loop, names)
        self.monitor = Monitor(feature_count, class_count, metric, names[:len(names) - len(shadows)], adwin, metric_only)
        self.rng = RandomSource(seed).split("retrain")  # `drifttune learn --seed`'s retrain shuffles
        p, w = self.loop["period_length"], self.loop["window"]
        self.capacity = w + p
        self.hx = np.zeros((self.capacity, feature_count), dtype=np.float32)
        self.hy = np.zeros(self.capacity, dtype=np.int64)
        self.count = 0
        self.pending = 0
        self.period = 0
        self.periods_since_retrain = 0
        self.compute_used = 0.0
        self.scaler = StandardScaler(feature_count) if self.loop.get("standardize") else None
        self.learning_rate = self.learning_rates[0]
        self.batch_size = self.batch_sizes[0]
        self.monitor_seconds = 0.0  # CPU seconds spent in the monitor (observation building)

    def _view(self, x):
        return self.scaler.transform(x) if self.scaler is not None else x

    def configure(self, bins):
        lr_bin = min(max(bins[0], 0), len(self.learning_rates) - 1)
        b_bin = min(max(bins[1], 0), len(self.batch_sizes) - 1)
        self.learning_rate = self.learning_rates[lr_bin]
        self.batch_size = self.batch_sizes[b_bin]
        self.backend.set_learning_rate(self.learning_rate, self.batch_size)

    def _train(self, x, y, epochs):
        """`epochs` passes in shuffled minibatches of the batch size (the last may be short)."""
        rows, b = x.shape[0], self.batch_size
        order = list(range(rows))  # shuffled again each epoch, from the previous epoch's order (as Swift)
        for _ in range(epochs):
            self.rng.shuffle(order)
            idx_all = np.asarray(order)
            for s in range(0, rows, b):
                idx = idx_all[s:s + b]
                self.backend.partial_fit(x[idx], y[idx])

    def warm_start(self, x, y):
        x = np.asarray(x, dtype=np.float32)
        y = np.asarray(y, dtype=np.int64)
        if self.scaler is not None:
            self.scaler.learn(x)
        self._train(self._view(x), y, self.loop["retrain_epochs"])
        keep = min(x.shape[0], self.loop["window"])
        self.hx[:keep] = x[x.shape[0] - keep:]
        self.hy[:keep] = y[y.shape[0] - keep:]
        self.count = self.pending = keep

    def retrain(self, choice):
        if choice == "none":
            self.periods_since_retrain += 1
            return 0.0
        self.periods_since_retrain = 0
        self.monitor.mark_retrained()
        labelled = max(0, self.count - self.loop["label_delay"])
        rows = min(labelled, self.loop["window"])
        if rows <= 0:
            return 0.0
        epochs = self.loop["fine_tune_epochs"] if choice == "fine_tune" else self.loop["retrain_epochs"]
        if choice == "full_retrain":
            self.backend.reinitialize()
            self.backend.set_learning_rate(self.learning_rate, self.batch_size)
        first = labelled - rows
        self._train(self._view(self.hx[first:labelled]), self.hy[first:labelled], epochs)
        b = self.batch_size
        updates = epochs * ((rows + b - 1) // b)
        return (epochs * rows + updates * self.loop["update_overhead"]) / self.loop["period_length"]

    def step(self, action, x, y):
        """One period under `action` (dict with `bins`, `retrain`, `learn_online`)."""
        self.configure(action["bins"])
        retrain_compute = 0.0 if self.period == 0 else self.retrain(action["retrain"])
        out = self._run_period(np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.int64),
                               action.get("learn_online", True), retrain_compute)
        out["retrain"] = "none" if self.period == 1 else action["retrain"]
        out["retrain_compute"] = retrain_compute
        return out

    def _run_period(self, x, y, learn_online, extra_compute):
        p, f, k, delay = self.loop["period_length"], self.f, self.k, self.loop["label_delay"]
        if hasattr(self.backend, "start_period"):
            self.backend.start_period(self.period)
        if self.count + p > self.capacity:
            drop = self.count + p - self.capacity
            self.hx[:self.count - drop] = self.hx[drop:self.count].copy()
            self.hy[:self.count - drop] = self.hy[drop:self.count].copy()
            self.count -= drop
            self.pending = max(0, self.pending - drop)
        base = self.count
        self.hx[base:base + p] = x
        self.hy[base:base + p] = y
        self.count += p
        # What the shadows start from: the live model, scaler and first unlearned sample before the period.
        shadow_start = ((copy.deepcopy(self.backend), copy.deepcopy(self.scaler),
                         self.pending if learn_online else max(0, base - delay))
                        if self.loop.get("shadow_learners") else None)
        if not learn_online:
            self.pending = self.count
        probabilities, trained, updates, self.pending = self._prequential(
            self.backend, self.scaler, base, self.pending, learn_online, self.batch_size)
        online = (trained + updates * self.loop["update_overhead"]) / p
        self.compute_used += extra_compute + online
        control = ControlState(
            learning_rate=self.learning_rate, batch_size=self.batch_size,
            learning_rate_range=(min(self.learning_rates), max(self.learning_rates)),
            batch_size_range=(min(self.batch_sizes), max(self.batch_sizes)),
            periods_since_retrain=self.periods_since_retrain, compute_used=self.compute_used,
            compute_budget=self.loop["compute_budget"], period=self.period, episode_length=self.loop["episode_length"])
        t0 = time.process_time()
        observation = self.monitor.observe(x, probabilities, y, p - delay, control)
        self.monitor_seconds += time.process_time() - t0
        reading = self.monitor.last_reading
        shadow_compute = 0.0
        if shadow_start is not None:
            features, shadow_compute = self._shadow_evidence(shadow_start, base, reading.loss)
            self.compute_used += shadow_compute
            observation = np.concatenate([observation, np.asarray(features, dtype=np.float32)])
            # compute_used includes the shadows' compute of this period
            observation[SCHEMA_V1.index("compute_used")] = np.float32(
                min(max(self.compute_used / max(self.loop["compute_budget"], 1e-12), 0), 1))
        self.period += 1
        return {"period": self.period - 1, "observation": observation, "metric": reading.metric, "loss": reading.loss,
                "online_compute": online, "shadow_compute": shadow_compute, "learning_rate": self.learning_rate,
                "batch_size": self.batch_size, "probabilities": probabilities, "adwin_alarm": reading.adwin_alarm}

    def _prequential(self, backend, scaler, base, pending, learn, batch):
        """One prequential pass of `backend` over the period at history row `base`: each minibatch
        of `batch` samples is predicted with `scaler`'s statistics before it, which then learn it;
        with `learn`, full minibatches whose labels have arrived are learned. Returns (probabilities,
        samples trained, updates, first unlearned row)."""
        p, delay = self.loop["period_length"], self.loop["label_delay"]

        def view(rows):
            return scaler.transform(rows) if scaler is not None else rows

        probabilities = np.empty((p, self.k), dtype=np.float32)
        trained = updates = s = 0
        while s < p:
            n = min(batch, p - s)
            rows = self.hx[base + s:base + s + n]
            probabilities[s:s + n] = backend.predict_proba(view(rows))
            if scaler is not None:
                scaler.learn(rows)
            s += n
            if not learn:
                continue
            arrived = base + s - delay
            while arrived - pending >= batch:
                backend.partial_fit(view(self.hx[pending:pending + batch]), self.hy[pending:pending + batch])
                pending += batch
                trained += batch
                updates += 1
        return probabilities, trained, updates, pending

    def _shadow_evidence(self, start, base, live_loss):
        """The shadow learners' features (schema v2, or v3 with `batch_shadows`) and compute, as the
        Swift `PeriodRunner`: copies of the live model before the period at the next lower and higher
        learning-rate bin (live batch size), then with `batch_shadows` at the next smaller and larger
        batch-size bin (live learning rate); none beyond the ends (feature 0, no compute). Each
        replays the period prequentially; feature (L live - L shadow) / ln K, clipped to [-1, 1]."""
        backend, scaler, pending = start
        p, k = self.loop["period_length"], self.k
        rates, batches = self.learning_rates, self.batch_sizes
        rate = min(range(len(rates)), key=lambda i: abs(math.log(rates[i]) - math.log(self.learning_rate)))
        batch = min(range(len(batches)), key=lambda i: abs(math.log2(batches[i]) - math.log2(self.batch_size)))
        shadows = [(slot, rates[n], self.batch_size) for slot, n in enumerate((rate - 1, rate + 1)) if 0 <= n < len(rates)]
        if self.loop.get("batch_shadows"):
            shadows += [(2 + slot, self.learning_rate, batches[n]) for slot, n in enumerate((batch - 1, batch + 1))
                        if 0 <= n < len(batches) and batches[n] <= p]
        features, compute = [0.0] * (4 if self.loop.get("batch_shadows") else 2), 0.0
        labels = self.hy[base:base + p]
        ln_k = math.log(max(k, 2))
        for slot, lr, b in shadows:
            shadow, shadow_scaler = copy.deepcopy(backend), copy.deepcopy(scaler)
            shadow.set_learning_rate(lr, b)
            probabilities, trained, updates, _ = self._prequential(shadow, shadow_scaler, base, pending, True, b)
            picked = np.maximum(probabilities[np.arange(p), labels].astype(np.float64), 1e-7)
            loss = -math.fsum(map(math.log, picked.tolist())) / p
            gain = (live_loss - loss) / ln_k
            features[slot] = float(np.float32(min(max(gain if math.isfinite(gain) else 0.0, -1), 1))) if math.isfinite(loss) else -1.0
            compute += (trained + updates * self.loop["update_overhead"]) / p
        return features, compute


class ExpertPool:
    """The Swift `ExpertPool` in Python (loop `experts`, observation schema v4): one `PeriodLoop`
    per learning-rate bin x batch-size bin (pool order: learning rate fastest, index = batch bin x
    learning-rate bins + learning-rate bin), each with a deep copy of the backend, its own window,
    standardizer and retrain shuffles (the same seed for every expert, as Swift), learning online at
    its own setting every period. The action's bins choose the expert that serves the period (an
    inactive one: the leader instead); its retrain or fine-tune applies to it alone, never before
    period 0. One full monitor watches the served expert's predictions; the experts' monitors read
    the metric only. Compute: every active expert's online compute plus the served one's retrain.
    After a period each active expert's score becomes `expert_decay x score + metric`. The leader
    is, of the active experts within `expert_tolerance` (absent: 0) of the best decayed mean metric,
    the one with the highest learning rate per sample (lr / batch); then the higher score, then the
    first. The observation is the served monitor's (`compute_used` the pool's), then the leader's
    learning rate and batch size (scaled as `log_lr`, `log2_batch`) and its margin. An expert whose backend
    reports `diverged` leaves the pool. With `expert_half_life` N > 0 every sample is served instead by
    the leader (same tolerance and tie-break) of the experts' per-sample correctness over the labels
    that have arrived, decayed to half in N samples (the action's expert until a first label
    arrives); the action then names only the expert its retrain applies to, and the period reports
    the expert that served most rows. Same interface as `PeriodLoop`."""

    def __init__(self, backend, loop, learning_rates, batch_sizes, feature_count, class_count, metric="accuracy",
                 feature_names=None, seed=0, adwin="auto"):
        self.loop = dict(LOOP_DEFAULTS, **(loop or {}))
        problem = expert_pool_problem(dict(self.loop, experts=True))
        if problem:
            raise ValueError(f"loop: {problem}")
        names = list(feature_names or SCHEMA_V1 + LEADER_FEATURES)
        leader_features(dict(self.loop, experts=True), names)
        monitor_names = names[:-len(LEADER_FEATURES)]
        self.decay = float(self.loop.get("expert_decay", 0.9))
        self.tolerance = float(self.loop.get("expert_tolerance", 0.0))
        self.half_life = int(self.loop.get("expert_half_life", 0))
        self.settings = [(l, b) for b in range(len(batch_sizes)) for l in range(len(learning_rates))]
        self.experts = []
        for bins in self.settings:
            expert = PeriodLoop(copy.deepcopy(backend), self.loop, learning_rates, batch_sizes, feature_count,
                                class_count, metric, monitor_names, seed, adwin, metric_only=True)
            expert.configure(bins)
            self.experts.append(expert)
        self.learning_rates, self.batch_sizes = self.experts[0].learning_rates, self.experts[0].batch_sizes
        self.monitor = Monitor(feature_count, class_count, metric, monitor_names, adwin)
        self.scores = [0.0] * len(self.experts)
        self.score_weight = 0.0  # decay x weight + 1 a period: score / weight is the decayed mean metric
        self.adaptivity = [self.learning_rates[l] / self.batch_sizes[b] for l, b in self.settings]
        self.active = [True] * len(self.experts)
        self.served = 0
        self.period = 0
        self.compute_used = 0.0
        self.sample_scores = [0.0] * len(self.experts)  # per-sample correctness, decayed (expert_half_life > 0)
        self.sample_weight = 0.0
        self.pending = []  # correctness vectors of served rows whose labels have not arrived, oldest first
        self.served_rows = [0] * len(self.experts)  # rows each expert served in the last period
        self.expert_metrics = []  # every expert's metric in the last period, pool order; None once it left
        self.monitor_seconds = 0.0

    def index(self, bins):
        """The expert an action's bins name (clamped to the bins)."""
        l = min(max(bins[0], 0), len(self.learning_rates) - 1)
        b = min(max(bins[1], 0), len(self.batch_sizes) - 1)
        return b * len(self.learning_rates) + l

    def leader(self, scores=None, active=None, weight=None):
        """Of the active experts within `expert_tolerance x score_weight` of the best (finite) score,
        the one with the highest adaptivity, then the higher score, then the first (tolerance 0: the
        best score, the first of equals); None if none is active (Swift `ExpertPool.leader`). The
        period scores unless others are given (the per-sample ones)."""
        scores = self.scores if scores is None else scores
        active = self.active if active is None else active
        weight = self.score_weight if weight is None else weight
        best = None
        for k, score in enumerate(scores):
            if active[k] and math.isfinite(score) and (best is None or score > scores[best]):
                best = k
        if best is None or self.tolerance <= 0:
            return best
        floor = scores[best] - self.tolerance * weight
        leader = best
        for k, score in enumerate(scores):
            if active[k] and math.isfinite(score) and score >= floor:
                a, b = self.adaptivity[k], self.adaptivity[leader]
                if a > b or (a == b and score > scores[leader]):
                    leader = k
        return leader

    def _serve_sample_by_sample(self, outs, y, first):
        """The period's served probabilities, row by row from the per-sample leader (Swift
        `ExpertPool.serveSampleBySample`), and the expert that served most rows (the first of equals)."""
        p, n = self.loop["period_length"], len(self.experts)
        delay = self.loop["label_delay"]
        decay = 0.5 ** (1.0 / self.half_life)
        eligible = [o is not None and not getattr(self.experts[k].backend, "diverged", False) for k, o in enumerate(outs)]
        y = np.asarray(y)[:p]
        predictions = [None if o is None else np.asarray(o["probabilities"], dtype=np.float32).reshape(p, -1) for o in outs]
        right = np.zeros((p, n), dtype=np.uint8)
        for k, probabilities in enumerate(predictions):
            if probabilities is not None:
                right[:, k] = np.argmax(probabilities, axis=1) == y  # the first of equal maxima
        waiting = len(self.pending)
        self.pending.extend(right)
        head, count = 0, [0] * n
        served = np.empty_like(predictions[first])
        for t in range(p):
            while waiting + t - head > delay:
                self.sample_weight = decay * self.sample_weight + 1.0
                c = self.pending[head]
                self.sample_scores = [decay * s + float(c[k]) for k, s in enumerate(self.sample_scores)]
                head += 1
            k = first
            if self.sample_weight > 0:
                leader = self.leader(self.sample_scores, eligible, self.sample_weight)
                k = first if leader is None else leader
            count[k] += 1
            served[t] = predictions[k][t]
        del self.pending[:head]
        self.served_rows = count
        return served.reshape(-1), max(range(n), key=lambda k: (count[k], -k))

    @property
    def backend(self):
        return self.experts[self.served].backend

    def _view(self, x):
        return self.experts[self.served]._view(x)

    def configure(self, bins):
        """Chooses the expert that serves (before period 0: the default action's)."""
        self.served = self.index(bins)

    def warm_start(self, x, y):
        for expert in self.experts:
            expert.warm_start(x, y)

    def step(self, action, x, y):
        """One period: every active expert at its own setting, the served one with the action's retrain."""
        if not any(self.active):
            raise RuntimeError("expert pool: every expert's learner diverged")
        served = self.index(action["bins"])
        self.served = chosen = served if self.active[served] else self.leader()
        outs = []  # None for an expert that has left
        for k, (expert, bins) in enumerate(zip(self.experts, self.settings)):
            retrain = action["retrain"] if k == chosen else "none"
            outs.append(expert.step(_action(bins, retrain), x, y) if self.active[k] else None)
        if self.half_life > 0:
            probabilities, self.served = self._serve_sample_by_sample(outs, y, chosen)
            out = dict(outs[self.served], probabilities=probabilities, retrain=outs[chosen]["retrain"],
                       retrain_compute=outs[chosen]["retrain_compute"])
        else:
            self.served_rows = [self.loop["period_length"] if k == self.served else 0 for k in range(len(self.experts))]
            out = outs[self.served]
        expert = self.experts[self.served]
        if self.period > 0 and out["retrain"] != "none":
            self.monitor.mark_retrained()
        online = sum(o["online_compute"] for o in outs if o is not None)
        self.compute_used += online + out["retrain_compute"]
        control = ControlState(
            learning_rate=expert.learning_rate, batch_size=expert.batch_size,
            learning_rate_range=(min(self.learning_rates), max(self.learning_rates)),
            batch_size_range=(min(self.batch_sizes), max(self.batch_sizes)),
            periods_since_retrain=expert.periods_since_retrain, compute_used=self.compute_used,
            compute_budget=self.loop["compute_budget"], period=self.period, episode_length=self.loop["episode_length"])
        t0 = time.process_time()
        arrived = self.loop["period_length"] - self.loop["label_delay"]
        observation = self.monitor.observe(x, out["probabilities"], y, arrived, control)
        self.monitor_seconds += time.process_time() - t0
        reading = self.monitor.last_reading
        self.expert_metrics = [o["metric"] if o is not None else None for o in outs]
        self.score_weight = self.decay * self.score_weight + 1.0
        for k, o in enumerate(outs):
            if o is not None and getattr(self.experts[k].backend, "diverged", False):
                self.active[k] = False
            elif o is not None:
                self.scores[k] = self.decay * self.scores[k] + o["metric"]
        observation = np.concatenate([observation, np.asarray(self._leader_features(control), dtype=np.float32)])
        self.period += 1
        return dict(out, period=self.period - 1, observation=observation, metric=reading.metric, loss=reading.loss,
                    adwin_alarm=reading.adwin_alarm, online_compute=online, expert_metrics=self.expert_metrics,
                    served_rows=list(self.served_rows) if self.half_life > 0 else None,
                    action=_action(self.settings[self.served], out["retrain"]))

    def _leader_features(self, control):
        """`leader_log_lr`, `leader_log2_batch`, `leader_margin` for the scores as they are."""
        leader = self.leader()
        if leader is None:
            return [0.0, 0.0, 0.0]
        l, b = self.settings[leader]
        at = dataclasses.replace(control, learning_rate=self.learning_rates[l], batch_size=self.batch_sizes[b])
        served = self.scores[self.served]
        served_in = self.active[self.served] and math.isfinite(served)  # a served expert that just left: 1
        lead = (self.scores[leader] - served) * (1 - self.decay) if served_in else 1.0
        return [log_lr(None, at), log2_batch(None, at), min(max(lead, 0.0), 1.0)]


class TunedLearner:
    """A model learning a stream under a tuned policy, as `drifttune learn` runs it.

    `estimator` is a backend (anything with `set_learning_rate`, e.g. `LinearBackend(classes)`,
    `drifttune learn`'s own learner), a scikit-learn classifier with `partial_fit` (wrapped in
    `SklearnBackend`) or a River classifier (`RiverBackend`). Loop settings come from the policy
    file's `loop` (else `drifttune learn`'s defaults), then `loop` overrides. With the loop's
    `shadow_learners` (observation schema v2; v3 adds `batch_shadows`) every period also replays
    copies of the model (`copy.deepcopy`) at the neighbouring learning rates (and batch sizes), as
    `drifttune learn` does, and charges their compute. With the loop's `experts` (schema v4) it runs
    an `ExpertPool` of deep copies of the model, one per learning rate x batch size, and the
    policy's bins choose the expert that serves. Period 0 runs the policy's fallback action;
    after each period the monitor's observation goes to the policy (greedy, or sampled with
    `sample=True` and `seed`) and its decision runs the next period.
    """

    def __init__(self, estimator, policy, classes, metric=None, loop=None, sample=False, seed=0,
                 lr_scale="per_update", feature_count=None):
        self.policy = policy
        self.classes = list(classes)
        if hasattr(estimator, "set_learning_rate"):
            backend = estimator
        elif hasattr(estimator, "partial_fit"):
            backend = SklearnBackend(estimator, self.classes, lr_scale)
        elif hasattr(estimator, "learn_one"):
            backend = RiverBackend(estimator, self.classes, lr_scale)
        else:
            backend = estimator
        self.backend = backend
        # The metric the policy was trained with (its loop's `metric`), as `drifttune learn` does.
        self.metric = metric or (policy.loop or {}).get("metric") or "accuracy"
        self.loop_settings = {**LOOP_DEFAULTS, **(policy.loop or {}), **(loop or {})}
        problem = expert_pool_problem(self.loop_settings)
        if problem:
            raise ValueError(f"{getattr(policy, 'path', 'policy')}: loop: {problem}")
        try:
            shadow_features(self.loop_settings, policy.feature_names)
            leader_features(self.loop_settings, policy.feature_names)
        except ValueError as e:
            raise ValueError(f"{getattr(policy, 'path', 'policy')}: observation schema "
                             f"v{policy.document['observation_schema']['version']}: {e}") from None
        self.sample = sample
        self.seed = seed
        if sample:  # sampled decisions draw from SplitMix64(seed), as the Swift TunedPolicy(seed:)
            policy._rng = SplitMix64(seed)
        self.default_action = _action(policy.fallback_bins)
        self.action = self.default_action
        self.last_decision = None
        self.loop = None
        self.feature_count = feature_count
        self.decide_seconds = 0.0  # CPU seconds spent in policy.decide (the monitor's: self.loop.monitor_seconds)
        self.log = []

    def _ensure_loop(self, feature_count):
        if self.loop is None:
            kind = ExpertPool if self.loop_settings.get("experts") else PeriodLoop
            self.loop = kind(self.backend, self.loop_settings, self.policy.learning_rates, self.policy.batch_sizes,
                             feature_count, len(self.classes), self.metric, self.policy.feature_names, self.seed)
            self.loop.configure(self.default_action["bins"])

    def warm_start(self, x, y):
        """Trains on pre-deployment data (`retrain_epochs` passes); its tail seeds the window."""
        x = np.asarray(x, dtype=np.float32)
        self._ensure_loop(x.shape[1])
        self.loop.warm_start(x, y)

    def run_period(self, x, y):
        """One period of `period_length` samples (predicted before learned), then the decision for
        the next period. Returns the period's log entry (observation, metric, compute, decision; with
        an expert pool also `expert_metrics`, every expert's metric in pool order, None once it left, and
        when it serves sample by sample `served_rows`, how many rows each expert served)."""
        x = np.asarray(x, dtype=np.float32)
        self._ensure_loop(x.shape[1])
        t0 = time.perf_counter()
        out = self.loop.step(self.action, x, y)
        t1, c1 = time.perf_counter(), time.process_time()
        decision = self.policy.decide(out["observation"], sample=self.sample)
        self.decide_seconds += time.process_time() - c1
        out["compute"] = out["online_compute"] + out["retrain_compute"] + out["shadow_compute"]
        out.setdefault("action", dict(self.action, retrain=out["retrain"]))  # a pool's: the served expert's bins
        out["decision"] = decision
        out["seconds"] = t1 - t0
        self.action = _action(decision["bins"], decision["retrain"], decision.get("learn_online", True))
        self.last_decision = decision
        self.log.append({k: v for k, v in out.items() if k != "probabilities"})
        return out

    def run(self, x, y):
        """The whole stream: `warmup_periods` periods of warm start, then every whole period.
        Returns the summary `drifttune learn` prints (mean metric and compute after period 0)."""
        x = np.asarray(x, dtype=np.float32)
        y = np.asarray(y, dtype=np.int64)
        p = self.loop_settings["period_length"]
        warm = self.loop_settings["warmup_periods"] * p
        if warm:
            self.warm_start(x[:warm], y[:warm])
        metrics, compute, retrains, fine_tunes, stopped = [], 0.0, 0, 0, None
        for start in range(warm, x.shape[0] - p + 1, p):
            out = self.run_period(x[start:start + p], y[start:start + p])
            retrains += out["retrain"] == "full_retrain"
            fine_tunes += out["retrain"] == "fine_tune"
            if out["period"] >= 1:
                metrics.append(out["metric"])
                compute += out["compute"]
            if isinstance(self.loop, ExpertPool) and not any(self.loop.active):  # as `drifttune learn` stops
                stopped = f"every expert's learner diverged by period {out['period']}"
                break
        return {"periods": len(self.log), "mean_metric": float(np.mean(metrics)) if metrics else 0.0,
                "compute": compute, "retrains": retrains, "fine_tunes": fine_tunes,
                "fallbacks": dict(self.policy.fallback_counts), "stopped_early": stopped}

    def predict_proba(self, x):
        x = np.asarray(x, dtype=np.float32)
        if self.loop is None:
            return self.backend.predict_proba(x)
        return self.loop.backend.predict_proba(self.loop._view(x))  # a pool's: the expert that served last

    def predict(self, x):
        return np.asarray(self.classes)[np.argmax(self.predict_proba(x), axis=1)]
