"""Records real learning curves of examples/tfjs-digits/train.mjs for bench/stopping.

Usage (repo root):  python3 bench/data/record_tfjs_digits.py [N=300] [SEED=2025]
Writes bench/data/tfjs-digits.json (rewritten every few configs, so a partial run is usable):
per config its params, per-epoch val_loss and val_acc (5 significant digits), its measured
start-up (launch to first report minus one epoch) and median epoch time in ms. Each config runs
as its own `node train.mjs` process (the backend it picks by itself: wasm here), one at a time,
for the 30 epochs of its sweep.yaml. Configs are drawn (seeded) from
examples/tfjs-digits/sweep.yaml's space. Reports are read in either of the script's formats
(`@@knobs {json}` through the Node helper, or `epoch N | name: value | ...`).
"""
import json
import math
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "examples", "tfjs-digits")
OUT = os.path.join(HERE, "tfjs-digits.json")
PLAIN = re.compile(r"^epoch (\d+) \| (.*)$")
TAGGED = "@@knobs "
EPOCHS = 30


def sig(x, n=5):
    return float("%.*g" % (n, x)) if math.isfinite(x) else None


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def sample(rng):
    return {
        "lr": sig(log_uniform(rng, 1e-4, 3e-2)),
        "hidden": rng.choice([64, 128, 256]),
        "dropout": sig(rng.uniform(0.0, 0.5)),
        "weight_decay": sig(log_uniform(rng, 1e-5, 1e-2)),
        "batch_size": rng.choice([16, 32, 64]),
        "layers": 2,
    }


def parse(line):
    line = line.strip()
    if line.startswith(TAGGED):
        doc = json.loads(line[len(TAGGED):])
        m = doc.get("metrics", {})
        return m if "val_loss" in m else None
    m = PLAIN.match(line)
    if not m:
        return None
    return {k: float(v) for k, v in (part.split(": ") for part in m.group(2).split(" | "))}


def run(params):
    argv = ["node", "train.mjs"] + ["--%s=%s" % (k, v) for k, v in params.items()] + ["--epochs=%d" % EPOCHS]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=EXAMPLE)
    epochs, times = [], []
    for line in p.stdout:
        m = parse(line)
        if m is None:
            continue
        times.append((time.monotonic() - t0) * 1000)
        epochs.append(m)
    err = p.stderr.read()
    if p.wait() != 0:
        raise SystemExit("train.mjs failed: %s" % err[-2000:])
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
        epochs, times, wall = run(params)
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
        "source": "examples/tfjs-digits/train.mjs (node, wasm backend, Knobs Node helper), one process per config",
        "script": "bench/data/record_tfjs_digits.py",
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
