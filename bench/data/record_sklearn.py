"""Records real learning curves of scikit-learn partial_fit loops for bench/stopping.

Usage (repo root):  /usr/bin/python3 bench/data/record_sklearn.py [N=300] [SEED=2025] [DATASETS=digits,breast_cancer,wine]
Writes bench/data/sklearn-<dataset>.json for each of scikit-learn's bundled digits, breast_cancer
and wine data sets (Debian python3-sklearn): N random configs, each an SGDClassifier (log_loss or
modified_huber, so it has predict_proba) or an MLPClassifier, trained with one partial_fit pass
per epoch for EPOCHS epochs on a fixed stratified 75/25 split (standardised features), with the
validation log loss and accuracy after each epoch (5 significant digits). A diverged model
(non-finite probabilities) is recorded with val_loss 50 and val_acc 0 for that epoch.

Costs, so the simulated executor replays them: `epochMs` per config is its median measured epoch
(partial_fit + evaluation, in this process); `startupMs` per data set is the median of 5 fresh
`python3` processes that import scikit-learn and load/split/scale the data (what a trial pays
before its first epoch). Configs run one after another in this one process.
"""
import json
import math
import os
import random
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCHS = 27
DIVERGED = 50.0
LOADERS = {"digits": datasets.load_digits, "breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine}


def sig(x, n=5):
    return float("%.*g" % (n, x))


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def load(name):
    d = LOADERS[name]()
    x_tr, x_va, y_tr, y_va = train_test_split(d.data, d.target, test_size=0.25, random_state=0, stratify=d.target)
    s = StandardScaler().fit(x_tr)
    return s.transform(x_tr), s.transform(x_va), y_tr, y_va, np.unique(d.target)


def sample(rng):
    if rng.random() < 0.5:
        return {
            "model": "sgd",
            "loss": rng.choice(["log_loss", "modified_huber"]),
            "penalty": rng.choice(["l2", "l1", "elasticnet"]),
            "alpha": sig(log_uniform(rng, 1e-6, 1e-1)),
            "l1_ratio": sig(rng.uniform(0, 1)),
            "learning_rate": rng.choice(["optimal", "constant", "invscaling", "adaptive"]),
            "eta0": sig(log_uniform(rng, 1e-4, 1.0)),
        }
    return {
        "model": "mlp",
        "hidden": rng.choice([16, 32, 64, 128]),
        "layers": rng.choice([1, 2]),
        "activation": rng.choice(["relu", "tanh"]),
        "solver": rng.choice(["adam", "sgd"]),
        "alpha": sig(log_uniform(rng, 1e-6, 1e-1)),
        "learning_rate_init": sig(log_uniform(rng, 1e-4, 1e-1)),
        "batch_size": rng.choice([16, 32, 64, 128]),
    }


def make(p, seed):
    if p["model"] == "sgd":
        return SGDClassifier(loss=p["loss"], penalty=p["penalty"], alpha=p["alpha"], l1_ratio=p["l1_ratio"],
                             learning_rate=p["learning_rate"], eta0=p["eta0"], random_state=seed)
    return MLPClassifier(hidden_layer_sizes=(p["hidden"],) * p["layers"], activation=p["activation"], solver=p["solver"],
                         alpha=p["alpha"], learning_rate_init=p["learning_rate_init"], batch_size=p["batch_size"],
                         momentum=0.9, random_state=seed)


def run(p, seed, data):
    x_tr, x_va, y_tr, y_va, classes = data
    model = make(p, seed)
    losses, accs, times = [], [], []
    for _ in range(EPOCHS):
        t0 = time.perf_counter()
        model.partial_fit(x_tr, y_tr, classes=classes)
        try:
            proba = model.predict_proba(x_va)
            ok = np.all(np.isfinite(proba))
        except (ValueError, FloatingPointError):
            ok = False
        if ok:
            proba = np.clip(proba, 1e-15, 1)
            proba = proba / proba.sum(axis=1, keepdims=True)
            loss = float(log_loss(y_va, proba, labels=classes))
            acc = float(np.mean(classes[np.argmax(proba, axis=1)] == y_va))
        else:
            loss, acc = DIVERGED, 0.0
        if not math.isfinite(loss):
            loss, acc = DIVERGED, 0.0
        times.append((time.perf_counter() - t0) * 1000)
        losses.append(sig(min(loss, DIVERGED)))
        accs.append(sig(acc))
    return losses, accs, times


def startup_ms(name):
    code = ("import sys; sys.path.insert(0, %r); import record_sklearn as r; r.load(%r)" % (HERE, name))
    ts = []
    for _ in range(5):
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", code], check=True)
        ts.append((time.monotonic() - t0) * 1000)
    return round(sorted(ts)[2])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2025
    names = sys.argv[3].split(",") if len(sys.argv) > 3 else list(LOADERS)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    np.seterr(all="ignore")
    for name in names:
        data = load(name)
        rng = random.Random("%s-%d" % (name, seed))
        configs = []
        t_all = time.monotonic()
        for i in range(n):
            p = sample(rng)
            losses, accs, times = run(p, 1000 + i, data)
            configs.append({"id": i + 1, "params": p, "val_loss": losses, "val_acc": accs,
                            "epochMs": sig(sorted(times)[len(times) // 2], 4)})
        start = startup_ms(name)
        epoch_ms = sorted(c["epochMs"] for c in configs)[n // 2]
        doc = {
            "source": "scikit-learn %s partial_fit loop on load_%s (SGDClassifier | MLPClassifier), 75/25 split" % (__import__("sklearn").__version__, name),
            "script": "bench/data/record_sklearn.py",
            "seed": seed,
            "metric": "val_loss",
            "goal": "minimize",
            "epochs": EPOCHS,
            "startupMs": start,
            "epochMs": epoch_ms,
            "configs": configs,
        }
        out = os.path.join(HERE, "sklearn-%s.json" % name)
        with open(out, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        best = min(min(c["val_loss"]) for c in configs)
        print("%s: %d configs in %.0f s, start-up %d ms, epoch %.2f ms, best val_loss %.4f -> %s" % (
            name, n, time.monotonic() - t_all, start, epoch_ms, best, out), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
