"""The shipped general policy in Python, numpy only: `drifttune learn --policy general`'s learner,
loop and expert pool. Run from the repository root (`PYTHONPATH=python` if not installed)."""
import numpy as np
from drifttune_policy import LinearBackend, Policy, TunedLearner

policy = Policy.load("results/general/logistic.policy")  # observation schema v4: its loop runs an expert pool
print(policy.loop["experts"], policy.feature_names[-3:])

rng = np.random.default_rng(0)  # a drifting binary stream with raw scales: the concept flips halfway
X = (rng.normal(size=(30_000, 6)) * [1e-3, 1, 1, 10, 1e3, 1e5]).astype(np.float32)
w = rng.normal(size=6) / [1e-3, 1, 1, 10, 1e3, 1e5]
y = (X @ w > 0).astype(int)
y[15_000:] = 1 - y[15_000:]

learner = TunedLearner(LinearBackend([0, 1]), policy, classes=[0, 1])  # the loop standardizes (policy.loop)
learner.warm_start(X[:3000], y[:3000])
for start in range(3000, len(X) - 999, 1000):
    out = learner.run_period(X[start:start + 1000], y[start:start + 1000])
    d, leader = out["decision"], out["observation"][-3:]  # leader_log_lr, leader_log2_batch, leader_margin
    print(out["period"], f"{out['metric']:.3f}", f"leader at lr {leader[0]:.2f} batch {leader[1]:.2f} lead {leader[2]:.3f}",
          "->", d["learning_rate"], d["batch_size"], d["retrain"], f"compute {out['compute']:.2f}")
