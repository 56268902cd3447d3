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
import os
import random
import sys

from recorder import curves, epoch_ms, log_uniform, med, parse_plain, progress, run_timed, sig, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "examples", "tfjs-digits")
OUT = os.path.join(HERE, "tfjs-digits.json")
TAGGED = "@@knobs "
EPOCHS = 30


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
    return parse_plain(line)


def run(params):
    argv = ["node", "train.mjs"] + ["--%s=%s" % (k, v) for k, v in params.items()] + ["--epochs=%d" % EPOCHS]
    return run_timed(argv, parse, "train.mjs", cwd=EXAMPLE)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2025
    rng = random.Random(seed)
    configs = []
    for i in range(n):
        params = sample(rng)
        epochs, times, wall = run(params)
        gap = epoch_ms(times)
        val_loss, val_acc = curves(epochs)
        configs.append({
            "id": i + 1,
            "params": params,
            "val_loss": val_loss,
            "val_acc": val_acc,
            "startupMs": round(times[0] - gap),
            "epochMs": sig(gap, 4),
            "wallMs": round(wall),
        })
        progress(i, n, epochs, wall)
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
    write_json(OUT, doc)


if __name__ == "__main__":
    main()
