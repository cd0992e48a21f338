import numpy as np
from sklearn.linear_model import SGDClassifier
from drifttune_policy import Policy, TunedLearner

policy = Policy.load("results/network-diagnosis/policies/network-diagnosis.policy", expecting_schema=1)
print(policy.loop)  # the learner loop the policy was trained with: period_length, window, label_delay, ...

rng = np.random.default_rng(0)  # a drifting binary stream: the concept flips halfway
X = rng.normal(size=(30_000, 12)).astype(np.float32)
w = rng.normal(size=12)
y = (X @ w > 0).astype(int)
y[15_000:] = (X[15_000:] @ -w > 0).astype(int)

learner = TunedLearner(SGDClassifier(loss="log_loss"), policy, classes=[0, 1])
learner.warm_start(X[:3000], y[:3000])  # loop.warmup_periods x loop.period_length samples
for start in range(3000, len(X) - 999, 1000):  # one period = one decision
    out = learner.run_period(X[start:start + 1000], y[start:start + 1000])
    d = out["decision"]  # what the next period runs with
    print(out["period"], f"{out['metric']:.3f}", d["learning_rate"], d["batch_size"], d["retrain"])
print(learner.predict(X[:5]), policy.fallback_counts)
