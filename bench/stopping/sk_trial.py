"""A real trial for the wall-clock run of bench:stopping: trains one recorded scikit-learn config.

Usage: /usr/bin/python3 sk_trial.py --data bench/data/sklearn-digits.json --config 17
Looks the config id up in the recorded curve set, rebuilds the same model and split as
bench/data/record_sklearn.py (same seed), and runs one partial_fit epoch at a time, reporting
val_loss and val_acc after each through the Knobs helper (helpers/python/knobs.py).
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

import knobs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--config", type=int, required=True)
    a = p.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.data)))  # bench/data/record_sklearn.py
    import record_sklearn as r
    with open(a.data) as f:
        doc = json.load(f)
    c = next(c for c in doc["configs"] if c["id"] == a.config)
    name = os.path.basename(a.data)[len("sklearn-"):-len(".json")]
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    np.seterr(all="ignore")
    x_tr, x_va, y_tr, y_va, classes = r.load(name)
    model = r.make(c["params"], 1000 + a.config - 1)
    for epoch in range(1, doc["epochs"] + 1):
        model.partial_fit(x_tr, y_tr, classes=classes)
        try:
            proba = model.predict_proba(x_va)
            ok = bool(np.all(np.isfinite(proba)))
        except (ValueError, FloatingPointError):
            ok = False
        if ok:
            proba = np.clip(proba, 1e-15, 1)
            proba = proba / proba.sum(axis=1, keepdims=True)
            loss = min(float(log_loss(y_va, proba, labels=classes)), r.DIVERGED)
            acc = float(np.mean(classes[np.argmax(proba, axis=1)] == y_va))
        else:
            loss, acc = r.DIVERGED, 0.0
        knobs.report(step=epoch, val_loss=loss, val_acc=acc)
        if knobs.should_stop():
            return 143
    return 0


if __name__ == "__main__":
    sys.exit(main())
