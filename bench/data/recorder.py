"""Pieces shared by the learning-curve recorders of bench/data (record_*.py): rounding, seeded
sampling, reading a training script's per-epoch report lines with their times, and writing a
curve file. Imported as a sibling module (a script's own folder is first on sys.path).
"""
import json
import math
import os
import re
import subprocess
import sys
import time

PLAIN = re.compile(r"^epoch (\d+) \| (.*)$")


def sig(x, n=5):
    """x to n significant digits; None when not finite (JSON has no inf/NaN)."""
    return float("%.*g" % (n, x)) if math.isfinite(x) else None


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def med(xs):
    """The upper median (0.0 for none)."""
    s = sorted(xs)
    return s[len(s) // 2] if s else 0.0


def parse_plain(line):
    """An `epoch N | name: value | ...` line as {name: value}; None for any other line."""
    m = PLAIN.match(line.strip())
    return {k: float(v) for k, v in (part.split(": ") for part in m.group(2).split(" | "))} if m else None


def run_timed(argv, parse, what, **popen):
    """Runs argv as a process; keeps every stdout line that parse() turns into metrics, and when it
    came: (metrics per report, report times in ms from launch, wall ms). Exits with the process's
    stderr tail (`what failed: ...`) when it fails."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    out, times = [], []
    for line in p.stdout:
        m = parse(line)
        if m is None:
            continue
        times.append((time.monotonic() - t0) * 1000)
        out.append(m)
    err = p.stderr.read()
    if p.wait() != 0:
        raise SystemExit("%s failed: %s" % (what, err[-2000:]))
    return out, times, (time.monotonic() - t0) * 1000


def epoch_ms(times):
    """The median gap between consecutive reports (ms)."""
    return med([b - a for a, b in zip(times, times[1:])])


def curves(reports):
    """The per-epoch val_loss and val_acc of a config's reports, to 5 significant digits."""
    return [sig(e["val_loss"]) for e in reports], [sig(e["val_acc"]) for e in reports]


def progress(i, n, reports, wall):
    print("%d/%d val_loss %.4f (%.1f s)" % (i + 1, n, reports[-1]["val_loss"], wall / 1000), file=sys.stderr, flush=True)


def write_json(path, doc):
    """Writes doc compactly (one line), through a temporary file, so a reader never sees half."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
