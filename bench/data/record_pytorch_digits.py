"""Records real learning curves of examples/pytorch-digits/train.py for bench/stopping.

Usage (repo root):  /usr/bin/python3 bench/data/record_pytorch_digits.py [N=300] [SEED=2025]
Writes bench/data/pytorch-digits.json (rewritten every few configs, so a partial run is usable):
per config its params, per-epoch val_loss and val_acc (5 significant digits), its measured
start-up (launch to first report minus one epoch) and median epoch time in ms. Each config runs
as its own process (CPU, 1 thread, no Knobs helper: the script prints "epoch N | ..." lines),
one at a time. Configs are drawn from examples/pytorch-digits/sweep.yaml's space (seeded).
"""
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRAIN = os.path.join(ROOT, "examples", "pytorch-digits", "train.py")
OUT = os.path.join(HERE, "pytorch-digits.json")
LINE = re.compile(r"^epoch (\d+) \| (.*)$")
EPOCHS = 20


def sig(x, n=5):
    return float("%.*g" % (n, x)) if math.isfinite(x) else None


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def sample(rng):
    return {
        "lr": sig(log_uniform(rng, 3e-4, 3e-2)),
        "dropout": sig(rng.uniform(0.0, 0.5)),
        "weight_decay": sig(log_uniform(rng, 1e-6, 1e-2)),
        "l1": sig(log_uniform(rng, 1e-7, 1e-4)),
        "batch_size": rng.choice([32, 64, 128]),
        "hidden": rng.choice([64, 128, 256]),
    }


def run(params, ckpt):
    argv = [sys.executable, TRAIN] + [x for k, v in params.items() for x in ("--%s" % k, repr(v))]
    argv += ["--epochs", str(EPOCHS), "--checkpoint_dir", ckpt, "--device", "cpu", "--threads", "1"]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    epochs, times = [], []
    for line in p.stdout:
        m = LINE.match(line.strip())
        if not m:
            continue
        times.append((time.monotonic() - t0) * 1000)
        epochs.append({k: float(v) for k, v in (part.split(": ") for part in m.group(2).split(" | "))})
    err = p.stderr.read()
    if p.wait() != 0:
        raise SystemExit("train.py failed: %s" % err[-2000:])
    return epochs, times, (time.monotonic() - t0) * 1000


def med(xs):
    s = sorted(xs)
    return s[len(s) // 2] if s else 0.0


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2025
    rng = random.Random(seed)
    configs = []
    for i in range(n):
        params = sample(rng)
        with tempfile.TemporaryDirectory() as ckpt:
            epochs, times, wall = run(params, ckpt)
        gaps = [b - a for a, b in zip(times, times[1:])]
        epoch_ms = med(gaps)
        configs.append({
            "id": i + 1,
            "params": params,
            "val_loss": [sig(e["val_loss"]) for e in epochs],
            "val_acc": [sig(e["val_acc"]) for e in epochs],
            "startupMs": round(times[0] - epoch_ms),
            "epochMs": sig(epoch_ms, 4),
            "wallMs": round(wall),
        })
        print("%d/%d val_loss %.4f (%.1f s)" % (i + 1, n, epochs[-1]["val_loss"], wall / 1000), file=sys.stderr, flush=True)
        if (i + 1) % 5 == 0 or i + 1 == n:
            write(configs, seed)


def write(configs, seed):
    doc = {
        "source": "examples/pytorch-digits/train.py (CPU, 1 thread, no Knobs helper), one process per config",
        "script": "bench/data/record_pytorch_digits.py",
        "seed": seed,
        "metric": "val_loss",
        "goal": "minimize",
        "epochs": EPOCHS,
        "startupMs": round(med([c["startupMs"] for c in configs])),
        "epochMs": sig(med([c["epochMs"] for c in configs]), 4),
        "configs": configs,
    }
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
