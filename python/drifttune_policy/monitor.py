"""The monitor: turns one period's predictions, labels and features into the observation vector,
exactly as the Swift `DriftDetection.Monitor` does (observation schema v1, docs/observation-schema.md).

Each feature is one function registered under its schema name (`@feature("name")`), computed from
the period's `reading` (raw figures), the monitor's state and the learner's `ControlState`; the
vector follows the order of the names the monitor is given (the policy file's schema), so a schema
that adds features adds functions. Numpy and the standard library only.

    monitor = Monitor(feature_count=20, class_count=2, metric="accuracy")
    obs = monitor.observe(features, probabilities, labels, labels_arrived, control)   # float32[18]
"""
import math
from dataclasses import dataclass, field

import numpy as np

from .detectors import ADWIN, DDM, PageHinkley, PopulationStabilityIndex, RiverADWIN, ks_statistic_sorted, river_adwin_available

#: Schema v1's feature names, in order (`ObservationSchema.v1` in Sources/PolicyRuntime).
SCHEMA_V1 = [
    "metric", "metric_change", "gap_to_best", "loss", "loss_trend", "adwin_change", "ddm_state",
    "page_hinkley", "max_psi", "ks_scores", "confidence", "entropy", "label_rate",
    "periods_since_retrain", "log_lr", "log2_batch", "compute_used", "episode_progress",
]

#: Page-Hinkley's threshold λ (River's default), the scale of the `page_hinkley` feature.
PAGE_HINKLEY_THRESHOLD = 50.0


@dataclass
class ControlState:
    """What the learner and its controller were doing (`DriftDetection.ControlState`)."""
    learning_rate: float
    batch_size: int
    learning_rate_range: tuple   # (smallest, largest) learning-rate bin
    batch_size_range: tuple      # (smallest, largest) batch-size bin
    periods_since_retrain: int
    compute_used: float
    compute_budget: float
    period: int                  # index of the period just observed (0 first)
    episode_length: int


@dataclass
class Reading:
    """The period's raw figures behind the observation (`MonitorReading`), plus the monitor state
    the features read (previous metric, best since retrain, loss EMA before this period)."""
    metric: float = 0.0
    loss: float = 0.0
    adwin_alarm: bool = False
    ddm_alarm: bool = False
    ddm_warning: bool = False
    page_hinkley: float = 0.0
    max_psi: float = 0.0
    ks_scores: float = 0.0
    confidence: float = 0.0
    entropy: float = 0.0
    label_rate: float = 0.0
    class_count: int = 2
    previous_metric: float = None
    best_since_retrain: float = 0.0
    loss_ema: float = None
    extra: dict = field(default_factory=dict)


FEATURES = {}


def feature(name):
    """Registers `function(reading, control) -> float` as the observation feature `name`."""
    def register(function):
        FEATURES[name] = function
        return function
    return register


def _clip(x, lo, hi):
    return min(max(x, lo), hi)


@feature("metric")
def metric_feature(r, c):
    return _clip(r.metric, 0, 1)


@feature("metric_change")
def metric_change(r, c):
    previous = r.metric if r.previous_metric is None else r.previous_metric
    return _clip(r.metric - previous, -1, 1)


@feature("gap_to_best")
def gap_to_best(r, c):
    return _clip(r.best_since_retrain - r.metric, 0, 1)


@feature("loss")
def loss_feature(r, c):
    return _clip(r.loss / (r.loss + math.log(r.class_count)), 0, 1)


@feature("loss_trend")
def loss_trend(r, c):
    ema = r.loss if r.loss_ema is None else r.loss_ema
    return _clip((r.loss - ema) / math.log(r.class_count), -1, 1)


@feature("adwin_change")
def adwin_change(r, c):
    return 1.0 if r.adwin_alarm else 0.0


@feature("ddm_state")
def ddm_state(r, c):
    return 1.0 if r.ddm_alarm else (0.5 if r.ddm_warning else 0.0)


@feature("page_hinkley")
def page_hinkley(r, c):
    return _clip(r.page_hinkley / PAGE_HINKLEY_THRESHOLD, 0, 1)


@feature("max_psi")
def max_psi(r, c):
    return _clip(r.max_psi / (r.max_psi + 0.25), 0, 1)


@feature("ks_scores")
def ks_scores(r, c):
    return _clip(r.ks_scores, 0, 1)


@feature("confidence")
def confidence(r, c):
    return _clip(r.confidence, 0, 1)


@feature("entropy")
def entropy(r, c):
    return _clip(r.entropy, 0, 1)


@feature("label_rate")
def label_rate(r, c):
    return _clip(r.label_rate, 0, 1)


@feature("periods_since_retrain")
def periods_since_retrain(r, c):
    return _clip(c.periods_since_retrain / 50, 0, 1)


def _f32(x):
    return float(np.float32(x))


@feature("log_lr")
def log_lr(r, c):
    lo, hi = (_f32(v) for v in c.learning_rate_range)
    if not hi > lo:
        return 0.0
    return _clip(math.log(_f32(c.learning_rate) / lo) / math.log(hi / lo), 0, 1)


@feature("log2_batch")
def log2_batch(r, c):
    lo, hi = c.batch_size_range
    if not hi > lo:
        return 0.0
    return _clip(math.log2(c.batch_size / lo) / math.log2(hi / lo), 0, 1)


@feature("compute_used")
def compute_used(r, c):
    return _clip(c.compute_used / max(c.compute_budget, 1e-12), 0, 1)


@feature("episode_progress")
def episode_progress(r, c):
    return _clip(c.period / max(c.episode_length, 1), 0, 1)


def task_metric(kind, probabilities, labels):
    """The period's task metric (`Monitor.metric`): accuracy, macro_f1 or auc."""
    p = np.asarray(probabilities)
    y = np.asarray(labels, dtype=np.int64)
    rows, k = p.shape
    if rows == 0:
        return 0.0
    pred = np.argmax(p, axis=1)  # the first of equal maxima, as Swift
    if kind == "accuracy":
        return float(np.count_nonzero(pred == y)) / rows
    if kind == "macro_f1":
        tp = np.bincount(y[pred == y], minlength=k).astype(np.float64)
        fp = np.bincount(pred[pred != y], minlength=k).astype(np.float64)
        fn = np.bincount(y[pred != y], minlength=k).astype(np.float64)
        present = tp + fp + fn > 0
        if not present.any():
            return 0.0
        return float(np.mean(2 * tp[present] / (2 * tp[present] + fp[present] + fn[present])))
    if kind == "auc":
        s = p[:, 1].astype(np.float64)
        order = np.argsort(s, kind="stable")
        sorted_s = s[order]
        _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
        ranks = np.empty(rows)
        for start, n in zip(first, counts):
            ranks[start:start + n] = (2 * start + n - 1) / 2 + 1
        positive = y[order] == 1
        pos = float(np.count_nonzero(positive))
        neg = rows - pos
        if pos == 0 or neg == 0:
            return 0.5
        return (float(np.sum(ranks[positive])) - pos * (pos + 1) / 2) / (pos * neg)
    raise ValueError(f"unknown metric {kind!r}: expected accuracy, macro_f1 or auc")


class ReferencePeriod:
    """The period later periods are compared with (`Monitor+Reference`): per feature the decile
    bins of `PopulationStabilityIndex` (all features binned at once: a value's bin is the number of
    its feature's edges strictly below it; missing edges are +inf, bins no sample can reach), and
    the sorted prediction scores for the KS statistic."""

    def __init__(self, x, scores):
        psi = [PopulationStabilityIndex(x[:, j].astype(np.float64)) for j in range(x.shape[1])]
        self.bins = max([p.edges.size for p in psi] + [0]) + 1
        self.edges = np.full((x.shape[1], self.bins - 1), np.inf)
        self.reference = np.zeros((x.shape[1], self.bins))
        for j, p in enumerate(psi):
            self.edges[j, :p.edges.size] = p.edges
            self.reference[j, :p.reference_proportions.size] = p.reference_proportions
        self.reference = np.where(self.reference == 0, psi[0].epsilon if psi else 1e-4, self.reference)
        self.epsilon = psi[0].epsilon if psi else 1e-4
        self.scores = np.sort(scores)
        self.edge_columns = [np.ascontiguousarray(self.edges[:, i:i + 1]) for i in range(self.bins - 1)]
        self.offsets = (self.bins * np.arange(x.shape[1]))[:, None]
        # the smallest integer type that holds every offset bin (bincount widens it exactly)
        self.bin_dtype = np.int16 if self.bins * max(x.shape[1], 1) < 2 ** 15 else np.intp

    def bin_indices(self, xd):
        """Features x rows: each value's bin, the number of its feature's edges strictly below it.
        The same comparisons as `(edges[None] < xd[:, :, None]).sum(axis=2)`, counted one edge
        column at a time (no rows x features x edges temporary), offset by feature for bincount."""
        xt = np.ascontiguousarray(xd.T)
        acc = np.empty(xt.shape, dtype=self.bin_dtype)
        acc[...] = self.offsets
        for column in self.edge_columns:
            acc += column < xt
        return acc

    def max_psi(self, x):
        """The largest per-feature PSI of a period against the reference."""
        rows, f = x.shape
        if rows == 0 or f == 0:
            return 0.0
        xd = x.astype(np.float64)
        bins = self.bin_indices(xd)  # features x rows, feature j's bins offset by j * self.bins
        counts = np.bincount(bins.ravel(), minlength=f * self.bins).reshape(f, self.bins)
        c = counts / rows
        c = np.where(c == 0, self.epsilon, c)
        psi = np.sum((c - self.reference) * np.log(c / self.reference), axis=1)
        return max(0.0, float(np.max(psi)))

    def ks_statistic(self, scores):
        return ks_statistic_sorted(self.scores, np.sort(scores))


class Monitor:
    """Builds the observation of each period, as `DriftDetection.Monitor` does.

    `observe` takes the period's raw features (rows x features, what the stream gave, before any
    standardization), the class probabilities predicted for each sample before it was learned
    (rows x classes), every label of the period, how many labels had arrived by the period's end,
    and the `ControlState`. ADWIN and DDM (River's defaults, DDM's warning at 0.5) watch the
    per-sample error (ADWIN: River's own when River 0.26 is installed, else the pure-Python port;
    `adwin="python"` or `"river"` chooses), Page-Hinkley (mode up) the per-sample log-loss; PSI and KS compare with the
    reference period (the first period after creation or `mark_retrained`). `metric_only=True`
    reads the task metric only (no detectors, no reference; an observation of zeros), as the Swift
    `Monitor(metricOnly:)` of an expert pool's experts.
    """

    def __init__(self, feature_count, class_count, metric="accuracy", feature_names=None, adwin="auto", metric_only=False):
        self.metric_only = metric_only
        self.feature_count = feature_count
        self.class_count = max(int(class_count), 2) if class_count else 2
        self.metric = metric
        self.feature_names = list(feature_names or SCHEMA_V1)
        unknown = [n for n in self.feature_names if n not in FEATURES]
        if unknown:
            raise ValueError(f"no monitor function for observation feature(s) {unknown}")
        self._functions = [FEATURES[n] for n in self.feature_names]
        if adwin not in ("auto", "python", "river"):
            raise ValueError("adwin: expected auto, python or river")
        self.adwin_implementation = "river" if adwin == "river" or (adwin == "auto" and river_adwin_available()) else "python"
        self.previous_metric = None
        self.best_since_retrain = 0.0
        self.loss_ema = None
        self._fresh_detectors()
        self.reference = None
        self.needs_reference = True
        self.last_reading = None

    def _fresh_detectors(self):
        self.adwin = RiverADWIN() if self.adwin_implementation == "river" else ADWIN()
        self.ddm = DDM()
        self.page_hinkley = PageHinkley(mode="up")

    def mark_retrained(self):
        """After a fine-tune or retrain: best-since-retrain restarts, the detectors are renewed and
        the next period becomes the reference."""
        self.best_since_retrain = 0.0
        self._fresh_detectors()
        self.needs_reference = True

    def _per_sample(self, p, y):
        """Per-sample error and log-loss through ADWIN, DDM and Page-Hinkley; returns the alarms
        and the period's largest Page-Hinkley increase statistic."""
        rows = p.shape[0]
        best = np.argmax(p, axis=1)
        errors = (best != y).astype(np.float64).tolist()
        py = np.maximum(p[np.arange(rows), y].astype(np.float64), 1e-7)
        losses = [-v for v in map(math.log, py.tolist())]  # libm's log, as Swift
        # Each detector sees the samples in order; they are independent, so one at a time.
        adwin_alarm = self.adwin.update_many(errors)
        ddm_alarm = self.ddm.update_many(errors)
        _, ph_max = self.page_hinkley.update_many_up(losses)
        return adwin_alarm, ddm_alarm, ph_max, losses, best

    def read(self, features, probabilities, labels, labels_arrived):
        """The period's raw figures (updates the detectors and, if due, the reference)."""
        x = np.asarray(features, dtype=np.float32).reshape(-1, self.feature_count)
        p = np.asarray(probabilities, dtype=np.float32).reshape(-1, self.class_count)
        y = np.asarray(labels, dtype=np.int64)
        rows, k = p.shape
        r = Reading(class_count=k)
        r.metric = task_metric(self.metric, p, y)
        r.adwin_alarm, r.ddm_alarm, r.page_hinkley, losses, best = self._per_sample(p, y)
        r.ddm_warning = self.ddm.warning_detected
        n = float(max(rows, 1))
        pd = p.astype(np.float64)
        top = pd[np.arange(rows), best]
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = -np.sum(np.where(pd > 0, pd * np.log(np.where(pd > 0, pd, 1.0)), 0.0), axis=1)
        r.loss = math.fsum(losses) / n
        r.confidence = float(np.sum(top)) / n
        r.entropy = float(np.sum(ent)) / n / math.log(k)
        r.label_rate = labels_arrived / n
        scores = pd[:, 1] if k == 2 else top
        if self.needs_reference:
            self.reference = ReferencePeriod(x, scores)
            self.needs_reference = False
        else:
            r.max_psi = self.reference.max_psi(x)
            r.ks_scores = self.reference.ks_statistic(scores)
        r.previous_metric = self.previous_metric
        r.best_since_retrain = max(self.best_since_retrain, r.metric)
        r.loss_ema = self.loss_ema
        return r

    def observe(self, features, probabilities, labels, labels_arrived, control):
        """The observation (float32, in `feature_names` order) of one period."""
        if self.metric_only:
            p = np.asarray(probabilities, dtype=np.float32).reshape(-1, self.class_count)
            self.last_reading = Reading(class_count=self.class_count, metric=task_metric(self.metric, p, np.asarray(labels)))
            return np.zeros(len(self.feature_names), dtype=np.float32)
        r = self.read(features, probabilities, labels, labels_arrived)
        obs = np.array([f(r, control) for f in self._functions], dtype=np.float32)
        self.best_since_retrain = r.best_since_retrain
        self.previous_metric = r.metric
        self.loss_ema = r.loss if self.loss_ema is None else 0.7 * self.loss_ema + 0.3 * r.loss
        self.last_reading = r
        return obs

    def observe_named(self, *args, **kwargs):
        """`observe` as a dict from feature name to value."""
        return dict(zip(self.feature_names, self.observe(*args, **kwargs).tolist()))
