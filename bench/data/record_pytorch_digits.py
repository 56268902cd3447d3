"""Records real learning curves of examples/pytorch-digits/train.py for bench/stopping.

Usage (repo root):
  /usr/bin/python3 bench/data/record_pytorch_digits.py [N=300] [SEED=2025] [options]
    --in-process        run train.py's own main() for every config inside this one process
                        (the same training code, seeds and data; it skips the ~3 s torch import
                        per config). The start-up cost is then measured on --startup-runs real
                        `train.py --epochs 2` processes and used for every config.
    --epochs E          epochs per config (default 20, as the example's sweep.yaml)
    --out NAME          bench/data/NAME.json (default pytorch-digits)
    -- ARGS...          extra train.py arguments for every config (e.g. --val_fraction 0.5)
Writes bench/data/NAME.json (rewritten every few configs, so a partial run is usable): per
config its params, per-epoch val_loss and val_acc (5 significant digits), its measured start-up
(launch to first report minus one epoch; per-process mode only) and median epoch time in ms.
Per-process mode runs each config as its own process (CPU, 1 thread, no Knobs helper: the script
prints "epoch N | ..." lines), one at a time. Configs are drawn from
examples/pytorch-digits/sweep.yaml's space (seeded).
"""
import importlib.util
import os
import random
import sys
import tempfile
import time

from recorder import curves, epoch_ms, log_uniform, med, parse_plain, progress, run_timed, sig, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "examples", "pytorch-digits")
TRAIN = os.path.join(EXAMPLE, "train.py")


def sample(rng):
    return {
        "lr": sig(log_uniform(rng, 3e-4, 3e-2)),
        "dropout": sig(rng.uniform(0.0, 0.5)),
        "weight_decay": sig(log_uniform(rng, 1e-6, 1e-2)),
        "l1": sig(log_uniform(rng, 1e-7, 1e-4)),
        "batch_size": rng.choice([32, 64, 128]),
        "hidden": rng.choice([64, 128, 256]),
    }


def train_argv(params, epochs, ckpt, extra):
    argv = [x for k, v in params.items() for x in ("--%s" % k, repr(v))]
    return argv + ["--epochs", str(epochs), "--checkpoint_dir", ckpt, "--device", "cpu", "--threads", "1"] + extra


def run_process(params, epochs, extra):
    """One config as its own process: (per-epoch metrics, report times in ms from launch, wall ms)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as ckpt:
        return run_timed([sys.executable, TRAIN] + train_argv(params, epochs, ckpt, extra), parse_plain, "train.py", env=env, cwd=ROOT)


class Tap:
    """sys.stdout while train.main() runs in-process: keeps each report line and its time."""

    def __init__(self, t0):
        self.t0, self.buf, self.out, self.times = t0, "", [], []

    def write(self, text):
        self.buf += text
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            m = parse_plain(line)
            if m is not None:
                self.times.append((time.monotonic() - self.t0) * 1000)
                self.out.append(m)
        return len(text)

    def flush(self):
        pass


def load_train():
    sys.path.insert(0, EXAMPLE)
    spec = importlib.util.spec_from_file_location("pytorch_digits_train", TRAIN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.knobs = None  # no Knobs helper: the script prints "epoch N | ..." lines
    return mod


def run_in_process(train, params, epochs, extra):
    with tempfile.TemporaryDirectory() as ckpt:
        t0 = time.monotonic()
        tap, real = Tap(t0), sys.stdout
        sys.stdout = tap
        try:
            rc = train.main(train_argv(params, epochs, ckpt, extra))
        finally:
            sys.stdout = real
        if rc:
            raise SystemExit("train.main returned %r" % rc)
        return tap.out, tap.times, (time.monotonic() - t0) * 1000


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    opts = {"--epochs": "20", "--out": "pytorch-digits", "--startup-runs": "10"}
    flags, pos = set(), []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in opts:
            opts[a] = argv[i + 1]
            i += 2
        elif a.startswith("--"):
            flags.add(a)
            i += 1
        else:
            pos.append(a)
            i += 1
    n = int(pos[0]) if pos else 300
    seed = int(pos[1]) if len(pos) > 1 else 2025
    epochs = int(opts["--epochs"])
    out_file = os.path.join(HERE, opts["--out"] + ".json")
    in_process = "--in-process" in flags
    meta = {"epochs": epochs, "extra": extra, "inProcess": in_process, "file": out_file, "seed": seed}
    startup = None
    if in_process:
        # start-up as a sweep pays it: real processes, launch to first report minus one epoch
        runs = []
        for k in range(int(opts["--startup-runs"])):
            _, times, _ = run_process(sample(random.Random(k)), 2, extra)
            runs.append(times[0] - (times[1] - times[0]))
        startup = round(med(runs))
        print("start-up %d ms (median of %d real processes)" % (startup, len(runs)), file=sys.stderr, flush=True)
        train = load_train()
    rng = random.Random(seed)
    configs = []
    for i in range(n):
        params = sample(rng)
        if in_process:
            epochs_out, times, wall = run_in_process(train, params, epochs, extra)
        else:
            epochs_out, times, wall = run_process(params, epochs, extra)
        gap = epoch_ms(times)
        val_loss, val_acc = curves(epochs_out)
        c = {
            "id": i + 1,
            "params": params,
            "val_loss": val_loss,
            "val_acc": val_acc,
            "epochMs": sig(gap, 4),
            "wallMs": round(wall),
        }
        if not in_process:
            c["startupMs"] = round(times[0] - gap)
        configs.append(c)
        progress(i, n, epochs_out, wall)
        if (i + 1) % 5 == 0 or i + 1 == n:
            write(configs, meta, startup)


def write(configs, meta, startup):
    extra = " ".join(meta["extra"])
    how = "train.py's main() in one process per recording, start-up measured on real processes" if meta["inProcess"] else "one process per config"
    doc = {
        "source": "examples/pytorch-digits/train.py%s (CPU, 1 thread, no Knobs helper), %s" % ((" " + extra) if extra else "", how),
        "script": "bench/data/record_pytorch_digits.py",
        "seed": meta["seed"],
        "metric": "val_loss",
        "goal": "minimize",
        "epochs": meta["epochs"],
        "trainArgs": meta["extra"],
        "startupMs": startup if startup is not None else round(med([c["startupMs"] for c in configs])),
        "epochMs": sig(med([c["epochMs"] for c in configs]), 4),
        "configs": configs,
    }
    write_json(meta["file"], doc)


if __name__ == "__main__":
    main()
