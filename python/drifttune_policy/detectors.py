"""The drift detectors and statistics behind the observation, ported line by line from the Swift
DriftDetection module (itself checked update for update against River 0.26.1 and scipy), so the
Python monitor fires on the same samples: ADWIN, DDM, Page-Hinkley, the population stability index
and the two-sample Kolmogorov-Smirnov statistic. Pure Python and numpy; River's defaults.
"""
import math

import numpy as np


class ADWIN:
    """ADWIN with River's defaults (delta 0.002, clock 32, max_buckets 5, min_window_length 5,
    grace_period 10): the exponential histogram, its compression and the cut test in the same
    floating-point order as `DriftDetection.ADWIN` (River's Rust `AdaptiveWindowing`)."""

    def __init__(self, delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10):
        self.delta = delta
        self.clock = clock
        self.max_buckets = max_buckets
        self.min_window_length = min_window_length
        self.grace_period = grace_period
        self.detection_count = 0
        self._clear()

    def _clear(self):
        self.drift_detected = False
        self.width = 0.0
        self.total = 0.0
        self.variance = 0.0
        self.tick = 0
        # Row r holds buckets of 2**r values, oldest first; row 0 the newest values.
        self.totals = [[]]
        self.variances = [[]]

    def update(self, x):
        if self.drift_detected:  # River starts a new window after a detection
            self._clear()
        self._insert(float(x))
        self.drift_detected = self._detect_change()
        return self.drift_detected

    def update_many(self, values):
        """`update` on each value in turn; True if any of them signalled drift (the same updates,
        with the per-value bookkeeping inlined: the monitor's per-sample cost)."""
        alarm = False
        capacity = self.max_buckets + 1
        clock, grace = self.clock, self.grace_period
        for value in values:
            if self.drift_detected:
                self._clear()
            row0 = self.totals[0]
            row0.append(value)
            self.variances[0].append(0.0)
            width = self.width + 1
            self.width = width
            if width > 1:
                d = value - self.total / (width - 1)
                self.variance += (width - 1) * d * d / width
            else:
                self.variance += 0.0
            self.total += value
            if len(row0) == capacity:
                self._compress()
            self.tick += 1
            if self.tick % clock != 0 or not width > grace:
                self.drift_detected = False
                continue
            self.tick -= 1  # _detect_change counts this tick itself
            self.drift_detected = self._detect_change()
            alarm = alarm or self.drift_detected
        return alarm

    def _insert(self, value):
        self.totals[0].append(value)
        self.variances[0].append(0.0)
        self.width += 1
        increment = 0.0
        width = self.width
        if width > 1:
            d = value - self.total / (width - 1)
            increment = (width - 1) * d * d / width
        self.variance += increment
        self.total += value
        if len(self.totals[0]) == self.max_buckets + 1:
            self._compress()

    def _compress(self):
        capacity = self.max_buckets + 1
        totals, variances = self.totals, self.variances
        r = 0
        while len(totals[r]) == capacity:
            n1 = float(1 << r)
            t0, t1 = totals[r][0], totals[r][1]
            mu1, mu2 = t0 / n1, t1 / n1
            merged = t0 + t1
            v = variances[r][0] + variances[r][1] + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2)
            if r + 1 >= len(totals):
                totals.append([])
                variances.append([])
            totals[r + 1].append(merged)
            variances[r + 1].append(v)
            del totals[r][:2]
            del variances[r][:2]
            if len(totals[r + 1]) <= self.max_buckets:
                break
            r += 1

    def _delete_oldest(self):
        last = len(self.totals) - 1
        n = float(1 << last)
        u = self.totals[last][0]
        v = self.variances[last][0]
        mu = u / n
        self.width -= n
        self.total -= u
        mu_window = self.total / self.width
        self.variance -= v + n * self.width * (mu - mu_window) * (mu - mu_window) / (n + self.width)
        del self.totals[last][0]
        del self.variances[last][0]
        if not self.totals[last] and last > 0:
            self.totals.pop()
            self.variances.pop()

    def _detect_change(self):
        self.tick += 1
        if self.tick % self.clock != 0 or not self.width > self.grace_period:
            return False
        changed = False
        min_length = float(self.min_window_length)
        reduce = True
        while reduce:
            reduce = False
            n0, n1, u0, u1 = 0.0, self.width, 0.0, self.total
            delta_prime = math.log(2 * math.log(self.width) / self.delta)
            mean_variance = self.variance / self.width
            cut = False
            rows = len(self.totals)
            for r in range(rows - 1, -1, -1):
                size = float(1 << r)
                row = self.totals[r]
                c = len(row)
                for k in range(c):
                    n0 += size
                    n1 -= size
                    v = row[k]
                    u0 += v
                    u1 -= v
                    if r == 0 and k == c - 1:
                        break
                    if n1 >= min_length and n0 >= min_length:
                        delta_mean = (u0 / n0) - (u1 / n1)
                        m_recip = 1 / (n0 - min_length + 1) + 1 / (n1 - min_length + 1)
                        epsilon = math.sqrt(2 * m_recip * mean_variance * delta_prime) + 2.0 / 3.0 * delta_prime * m_recip
                        if abs(delta_mean) > epsilon:
                            cut = True
                            break
                if cut or r == 0:
                    break
            if cut:
                reduce = True
                changed = True
                if self.width > 0:
                    self._delete_oldest()
        if changed:
            self.detection_count += 1
        return changed


class RiverADWIN:
    """River's own ADWIN (`river.drift.ADWIN`, compiled) behind `update_many`: the detector the
    Swift port and `ADWIN` above reproduce update for update, about 6x faster than the pure-Python
    port. Used by the monitor when River 0.26 is installed (`adwin="auto"`)."""

    def __init__(self):
        from river.drift import ADWIN as _ADWIN
        self.detector = _ADWIN()

    def update_many(self, values):
        """`ADWIN.update` on each value in turn; True if any of them signalled drift. The body of
        River's `update` (reset the window after a detection, then `_helper.update`) inlined, with
        the same calls in the same order: the per-sample Python wrapper was most of its cost."""
        d = self.detector
        helper = d._helper
        update = helper.update
        drift = d._drift_detected
        alarm = False
        for v in values:
            if drift:
                d._reset()
                helper = d._helper
                update = helper.update
            drift = update(v)
            if drift:
                alarm = True
        d._drift_detected = drift
        return alarm


def river_adwin_available():
    """River 0.26 importable (the version the detectors are checked against)."""
    try:
        import river
        return river.__version__.startswith("0.26")
    except ImportError:
        return False


class DDM:
    """DDM with River's defaults (warm start 30, warning 2, drift 3 standard deviations)."""

    def __init__(self, warm_start=30, warning_threshold=2.0, drift_threshold=3.0):
        self.warm_start = warm_start
        self.warning_threshold = warning_threshold
        self.drift_threshold = drift_threshold
        self.reset()

    def reset(self):
        self.drift_detected = False
        self.warning_detected = False
        self.count = 0.0
        self.error_rate = 0.0
        self.p_min = 0.0
        self.s_min = 0.0
        self.ps_min = math.inf

    def update(self, x):
        if self.drift_detected:
            self.reset()
        self.count += 1
        self.error_rate += (1 / self.count) * (x - self.error_rate)
        p = self.error_rate
        s = math.sqrt(p * (1 - p) / self.count)
        if self.count > self.warm_start:
            if p + s <= self.ps_min:
                self.p_min = p
                self.s_min = s
                self.ps_min = self.p_min + self.s_min
            self.warning_detected = p + s > self.p_min + self.warning_threshold * self.s_min
            if p + s > self.p_min + self.drift_threshold * self.s_min:
                self.drift_detected = True
                self.warning_detected = False
        return self.drift_detected


    def update_many(self, values):
        """`update` on each value in turn; True if any signalled drift."""
        alarm = False
        warm, warn_t, drift_t = self.warm_start, self.warning_threshold, self.drift_threshold
        sqrt = math.sqrt
        count, rate = self.count, self.error_rate
        p_min, s_min, ps_min = self.p_min, self.s_min, self.ps_min
        drift, warning = self.drift_detected, self.warning_detected
        for x in values:
            if drift:
                drift = warning = False
                count = rate = p_min = s_min = 0.0
                ps_min = math.inf
            count += 1
            rate += (1 / count) * (x - rate)
            if count > warm:
                s = sqrt(rate * (1 - rate) / count)  # s and p + s only read past the warm start
                ps = rate + s
                if ps <= ps_min:
                    p_min = rate
                    s_min = s
                    ps_min = p_min + s_min
                warning = ps > p_min + warn_t * s_min
                if ps > p_min + drift_t * s_min:
                    drift = True
                    warning = False
                    alarm = True
        self.count, self.error_rate = count, rate
        self.p_min, self.s_min, self.ps_min = p_min, s_min, ps_min
        self.drift_detected, self.warning_detected = drift, warning
        return alarm


class PageHinkley:
    """Page-Hinkley with River's defaults (30 instances, delta 0.005, threshold 50, alpha 1 - 1e-4);
    `mode` is "up", "down" or "both"."""

    def __init__(self, min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001, mode="both"):
        self.min_instances = min_instances
        self.delta = delta
        self.threshold = threshold
        self.alpha = alpha
        self.mode = mode
        self.reset()

    def reset(self):
        self.drift_detected = False
        self.count = 0.0
        self.mean = 0.0
        self.sum_increase = 0.0
        self.sum_decrease = 0.0
        self.min_increase = math.inf
        self.max_decrease = -1.0

    @property
    def increase_statistic(self):
        return 0.0 if self.count == 0 else self.sum_increase - self.min_increase

    @property
    def decrease_statistic(self):
        return 0.0 if self.count == 0 else self.max_decrease - self.sum_decrease

    def update(self, x):
        if self.drift_detected:
            self.reset()
        self.count += 1
        self.mean += (1 / self.count) * (x - self.mean)
        dev = x - self.mean
        self.sum_increase = self.alpha * self.sum_increase + dev - self.delta
        self.sum_decrease = self.alpha * self.sum_decrease + dev + self.delta
        if self.sum_increase < self.min_increase:
            self.min_increase = self.sum_increase
        if self.sum_decrease > self.max_decrease:
            self.max_decrease = self.sum_decrease
        if self.count >= self.min_instances:
            up = self.sum_increase - self.min_increase
            down = self.max_decrease - self.sum_decrease
            if self.mode == "up":
                self.drift_detected = up > self.threshold
            elif self.mode == "down":
                self.drift_detected = down > self.threshold
            else:
                self.drift_detected = up > self.threshold or down > self.threshold
        return self.drift_detected


    def update_many_up(self, values):
        """`update` on each value in turn (mode "up"); returns (any drift signalled, the largest
        `increase_statistic` after an update)."""
        if self.mode != "up":
            raise ValueError("update_many_up needs mode up")
        alarm = False
        best = 0.0
        alpha, delta, threshold, min_n = self.alpha, self.delta, self.threshold, self.min_instances
        drift, count, mean = self.drift_detected, self.count, self.mean
        inc, dec, min_inc, max_dec = self.sum_increase, self.sum_decrease, self.min_increase, self.max_decrease
        for x in values:
            if drift:
                drift = False
                count = mean = inc = dec = 0.0
                min_inc, max_dec = math.inf, -1.0
            count += 1
            mean += (1 / count) * (x - mean)
            dev = x - mean
            inc = alpha * inc + dev - delta
            dec = alpha * dec + dev + delta
            if inc < min_inc:
                min_inc = inc
            if dec > max_dec:
                max_dec = dec
            up = inc - min_inc
            if count >= min_n:
                drift = up > threshold
                if drift:
                    alarm = True
            if up > best:
                best = up
        self.drift_detected, self.count, self.mean = drift, count, mean
        self.sum_increase, self.sum_decrease, self.min_increase, self.max_decrease = inc, dec, min_inc, max_dec
        return alarm, best


def quantile_edges(reference, bin_count=10):
    """Inner PSI bin edges of a reference sample: numpy-style linear quantiles at i/bin_count,
    duplicates merged (`PopulationStabilityIndex.init(reference:binCount:)`)."""
    s = np.sort(np.asarray(reference, dtype=np.float64))
    n = s.size
    edges = []
    for i in range(1, bin_count):
        pos = (i / bin_count) * (n - 1)
        j = int(math.floor(pos))
        frac = pos - j
        q = s[n - 1] if j + 1 >= n else s[j] + (s[j + 1] - s[j]) * frac
        if not edges or edges[-1] != q:
            edges.append(float(q))
    return np.array(edges, dtype=np.float64)


class PopulationStabilityIndex:
    """PSI against a reference: quantile bins of the reference, a value equal to an edge in the
    lower bin, empty bins at `epsilon` (`DriftDetection.PopulationStabilityIndex`)."""

    def __init__(self, reference, bin_count=10, epsilon=1e-4):
        reference = np.asarray(reference, dtype=np.float64)
        self.edges = quantile_edges(reference, bin_count)
        self.epsilon = epsilon
        counts = self.counts(reference)
        self.reference_proportions = counts / max(reference.size, 1)

    def counts(self, values):
        bins = np.searchsorted(self.edges, np.asarray(values, dtype=np.float64), side="left")
        return np.bincount(bins, minlength=self.edges.size + 1).astype(np.float64)

    def index(self, values):
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            return 0.0
        c = self.counts(values) / values.size
        r = self.reference_proportions
        r = np.where(r == 0, self.epsilon, r)
        c = np.where(c == 0, self.epsilon, c)
        return float(np.sum((c - r) * np.log(c / r)))


def ks_statistic_sorted(a, b):
    """Two-sample KS statistic D of two sorted float64 arrays, exactly as scipy's `ks_2samp`
    reports it (`KolmogorovSmirnov.statisticSorted`): an integer maximum of |c1*n2 - c2*n1|."""
    n1, n2 = a.size, b.size
    if n1 == 0 or n2 == 0:
        return 0.0
    pooled = np.concatenate([a, b])
    c1 = np.searchsorted(a, pooled, side="right").astype(np.int64)
    c2 = np.searchsorted(b, pooled, side="right").astype(np.int64)
    diff = int(np.max(np.abs(c1 * n2 - c2 * n1)))
    if max(n1, n2) > 10_000:
        return diff / (n1 * n2)
    g = math.gcd(n1, n2)
    return (diff // g) / ((n1 // g) * n2)
