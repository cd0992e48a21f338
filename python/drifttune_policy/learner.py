"""The learner loop of `drifttune learn` in Python, and `TunedLearner`, which runs a scikit-learn
estimator with `partial_fit` (or a River classifier) under a tuned policy.

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
`set_learning_rate(lr, batch_size)`, `reinitialize()`.
"""
import math
import time

import numpy as np

from .loader import SplitMix64
from .monitor import ControlState, Monitor

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


def _action(bins, retrain="none", learn_online=True):
    return {"bins": list(bins[:2]), "retrain": retrain, "learn_online": learn_online}


class PeriodLoop:
    """`PeriodRunner` in Python: `warm_start`, then `step(action, X, y)` once per period."""

    def __init__(self, backend, loop, learning_rates, batch_sizes, feature_count, class_count, metric="accuracy",
                 feature_names=None, seed=0, adwin="auto"):
        self.backend = backend
        self.loop = dict(LOOP_DEFAULTS, **(loop or {}))
        self.learning_rates = [float(np.float32(v)) for v in learning_rates]
        self.batch_sizes = list(batch_sizes)
        self.f = feature_count
        self.k = class_count
        self.monitor = Monitor(feature_count, class_count, metric, feature_names, adwin)
        self.rng = np.random.default_rng(seed)
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
        for _ in range(epochs):
            order = self.rng.permutation(rows)
            for s in range(0, rows, b):
                idx = order[s:s + b]
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
        if not learn_online:
            self.pending = self.count
        probabilities = np.empty((p, k), dtype=np.float32)
        trained = updates = 0
        b = self.batch_size
        s = 0
        while s < p:
            n = min(b, p - s)
            rows = self.hx[base + s:base + s + n]
            probabilities[s:s + n] = self.backend.predict_proba(self._view(rows))
            if self.scaler is not None:
                self.scaler.learn(rows)
            s += n
            if not learn_online:
                continue
            arrived = base + s - delay
            while arrived - self.pending >= b:
                z = self._view(self.hx[self.pending:self.pending + b])
                self.backend.partial_fit(z, self.hy[self.pending:self.pending + b])
                self.pending += b
                trained += b
                updates += 1
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
        self.period += 1
        return {"period": self.period - 1, "observation": observation, "metric": reading.metric, "loss": reading.loss,
                "online_compute": online, "learning_rate": self.learning_rate, "batch_size": self.batch_size,
                "probabilities": probabilities, "adwin_alarm": reading.adwin_alarm}


class TunedLearner:
    """A model learning a stream under a tuned policy, as `drifttune learn` runs it.

    `estimator` is a scikit-learn classifier with `partial_fit` (wrapped in `SklearnBackend`), a
    River classifier (`RiverBackend`), or a backend. Loop settings come from the policy file's
    `loop` (else `drifttune learn`'s defaults), then `loop` overrides. Period 0 runs the policy's
    fallback action; after each period the monitor's observation goes to the policy (greedy, or
    sampled with `sample=True` and `seed`) and its decision runs the next period.
    """

    def __init__(self, estimator, policy, classes, metric=None, loop=None, sample=False, seed=0,
                 lr_scale="per_update", feature_count=None):
        self.policy = policy
        self.classes = list(classes)
        if hasattr(estimator, "partial_fit"):
            backend = SklearnBackend(estimator, self.classes, lr_scale)
        elif hasattr(estimator, "learn_one"):
            backend = RiverBackend(estimator, self.classes, lr_scale)
        else:
            backend = estimator
        self.backend = backend
        # The metric the policy was trained with (its loop's `metric`), as `drifttune learn` does.
        self.metric = metric or (policy.loop or {}).get("metric") or "accuracy"
        self.loop_settings = {**LOOP_DEFAULTS, **(policy.loop or {}), **(loop or {})}
        if self.loop_settings.get("shadow_learners") or len(policy.feature_names) != 18:
            raise ValueError(f"{getattr(policy, 'path', 'policy')}: observation schema v{policy.document['observation_schema']['version']} "
                             "(shadow learners) is not run by the Python loop, which produces v1; use `drifttune learn`")
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
            self.loop = PeriodLoop(self.backend, self.loop_settings, self.policy.learning_rates, self.policy.batch_sizes,
                                   feature_count, len(self.classes), self.metric, self.policy.feature_names, self.seed)
            self.loop.configure(self.default_action["bins"])

    def warm_start(self, x, y):
        """Trains on pre-deployment data (`retrain_epochs` passes); its tail seeds the window."""
        x = np.asarray(x, dtype=np.float32)
        self._ensure_loop(x.shape[1])
        self.loop.warm_start(x, y)

    def run_period(self, x, y):
        """One period of `period_length` samples (predicted before learned), then the decision for
        the next period. Returns the period's log entry (observation, metric, compute, decision)."""
        x = np.asarray(x, dtype=np.float32)
        self._ensure_loop(x.shape[1])
        t0 = time.perf_counter()
        out = self.loop.step(self.action, x, y)
        t1, c1 = time.perf_counter(), time.process_time()
        decision = self.policy.decide(out["observation"], sample=self.sample)
        self.decide_seconds += time.process_time() - c1
        out["compute"] = out["online_compute"] + out["retrain_compute"]
        out["action"] = dict(self.action, retrain=out["retrain"])
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
        metrics, compute, retrains, fine_tunes = [], 0.0, 0, 0
        for start in range(warm, x.shape[0] - p + 1, p):
            out = self.run_period(x[start:start + p], y[start:start + p])
            retrains += out["retrain"] == "full_retrain"
            fine_tunes += out["retrain"] == "fine_tune"
            if out["period"] >= 1:
                metrics.append(out["metric"])
                compute += out["compute"]
        return {"periods": len(self.log), "mean_metric": float(np.mean(metrics)) if metrics else 0.0,
                "compute": compute, "retrains": retrains, "fine_tunes": fine_tunes,
                "fallbacks": dict(self.policy.fallback_counts)}

    def predict_proba(self, x):
        x = np.asarray(x, dtype=np.float32)
        return self.backend.predict_proba(self.loop._view(x) if self.loop else x)

    def predict(self, x):
        return np.asarray(self.classes)[np.argmax(self.predict_proba(x), axis=1)]
