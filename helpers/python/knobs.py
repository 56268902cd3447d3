"""Knobs trial helper: zero dependencies, Python 3.8+.

A training script reports metrics to the Knobs runner with one tagged line per report on stdout:

    @@knobs {"step": 3, "metrics": {"val_loss": 0.25, "val_acc": 0.91}}

Usage::

    import knobs
    p = knobs.params()                      # {} outside a sweep
    for epoch in range(1, epochs + 1):
        ...
        knobs.report(step=epoch, val_loss=vl, val_acc=va)
        if knobs.should_stop():             # SIGTERM received: save and leave
            save(knobs.checkpoint_dir()); sys.exit(143)

The runner puts this folder on PYTHONPATH and sets the KNOBS_* environment variables
(see src/core/runner/reportProtocol.ts). Outside a sweep every function still works:
params() is {}, the directories are None, and report() prints the same line.
"""

import json
import math
import operator
import os
import signal
import sys
import threading

__all__ = [
    "params",
    "report",
    "trial_dir",
    "checkpoint_dir",
    "resume_from",
    "should_stop",
    "in_sweep",
    "trial_id",
    "attempt",
    "lr_finder",
    "lr_at",
    "lr_finder_step",
    "REPORT_TAG",
]

REPORT_TAG = "@@knobs "

_ENV_TRIAL_ID = "KNOBS_TRIAL_ID"
_ENV_ATTEMPT = "KNOBS_ATTEMPT"
_ENV_TRIAL_DIR = "KNOBS_TRIAL_DIR"
_ENV_PARAMS = "KNOBS_PARAMS"
_ENV_RESUME_FROM = "KNOBS_RESUME_FROM"
_ENV_CHECKPOINT_DIR = "KNOBS_CHECKPOINT_DIR"
_ENV_LR_FIND = "KNOBS_LR_FIND"
_ENV_LR_MIN = "KNOBS_LR_MIN"
_ENV_LR_MAX = "KNOBS_LR_MAX"
_ENV_LR_STEPS = "KNOBS_LR_STEPS"

_write_lock = threading.Lock()
_stop = threading.Event()
_handler_installed = False


def _env(name):
    value = os.environ.get(name)
    return value if value else None


def in_sweep():
    """True when this process is a Knobs trial."""
    return _env(_ENV_TRIAL_ID) is not None


def trial_id():
    """The trial id as an int, or None outside a sweep."""
    value = _env(_ENV_TRIAL_ID)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def attempt():
    """The attempt number (1 for a first run, 2+ after a resume or retry), or None outside a sweep."""
    value = _env(_ENV_ATTEMPT)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def params():
    """The trial's parameters (a fresh dict), from KNOBS_PARAMS; {} outside a sweep."""
    raw = _env(_ENV_PARAMS)
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as e:
        raise ValueError("KNOBS_PARAMS is not valid JSON (%s): %r" % (e, raw[:200]))
    if not isinstance(value, dict):
        raise ValueError("KNOBS_PARAMS must be a JSON object, got %r" % (raw[:200],))
    return value


def trial_dir():
    """This trial's folder (KNOBS_TRIAL_DIR), or None outside a sweep."""
    return _env(_ENV_TRIAL_DIR)


def checkpoint_dir():
    """The folder to save checkpoints in (KNOBS_CHECKPOINT_DIR, else <trial dir>/checkpoints),
    created if missing; None outside a sweep."""
    path = _env(_ENV_CHECKPOINT_DIR)
    if path is None:
        tdir = trial_dir()
        if tdir is None:
            return None
        path = os.path.join(tdir, "checkpoints")
    os.makedirs(path, exist_ok=True)
    return path


def resume_from():
    """The checkpoint folder of an earlier attempt of this trial (KNOBS_RESUME_FROM), or None."""
    return _env(_ENV_RESUME_FROM)


def _on_sigterm(signum, frame):
    _stop.set()


def should_stop():
    """True once the runner has asked this trial to stop (SIGTERM).

    The first call installs a SIGTERM handler that only sets a flag, so the script can save a
    checkpoint and exit by itself; until then SIGTERM ends the process as usual. Call it once
    early (e.g. before the training loop) and then at convenient points. The runner sends
    SIGKILL after its grace period, so leave promptly.
    """
    global _handler_installed
    if not _handler_installed:
        _handler_installed = True
        try:
            signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:
            # Not the main thread: signal handlers can only be set there. The flag still works
            # if the main thread called should_stop() before.
            _handler_installed = False
    return _stop.is_set()


def _number(name, value):
    """A JSON-ready number: int stays int, floats (numpy/torch scalars too) via float()."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, (str, bytes)):
        raise TypeError("knobs.report: metric %r must be a number, got the string %r" % (name, value))
    # numpy/torch integer scalars have __index__; float scalars and 0-d tensors have __float__.
    is_integer = False
    try:
        dtype = getattr(value, "dtype", None)
        is_integer = dtype is not None and "int" in str(dtype)
    except Exception:
        is_integer = False
    if is_integer:
        try:
            return operator.index(value)
        except TypeError:
            pass
    try:
        return _encode_float(float(value))
    except (TypeError, ValueError) as e:
        raise TypeError(
            "knobs.report: metric %r must be a number (int, float, or a numpy/torch scalar), got %s: %s"
            % (name, type(value).__name__, e)
        )


def _encode_float(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def format_report(step=None, metrics=None):
    """The tagged line (without newline) for a report; used by report() and the W&B shim."""
    encoded = {}
    for name, value in (metrics or {}).items():
        if not isinstance(name, str) or not name:
            raise TypeError("knobs.report: metric names must be non-empty strings, got %r" % (name,))
        encoded[name] = _number(name, value)
    payload = {}
    if step is not None:
        s = _number("step", step)
        if isinstance(s, str):
            raise ValueError("knobs.report: step must be finite, got %s" % s)
        if isinstance(s, float) and s.is_integer():
            s = int(s)
        payload["step"] = s
    payload["metrics"] = encoded
    return REPORT_TAG + json.dumps(payload, allow_nan=False)


def report(step=None, **metrics):
    """Report metrics for a step: one tagged line on stdout, flushed at once.

    NaN and infinities are sent as the strings "NaN", "Infinity", "-Infinity".
    Without `step` the runner counts reports (1, 2, 3, ...).
    """
    line = format_report(step, metrics)
    with _write_lock:
        out = sys.stdout
        out.write(line + "\n")
        out.flush()
    return line


# --- learning-rate range test -------------------------------------------------------------------
#
# `knobs lr-find` runs the script once with KNOBS_LR_FIND=1 and an exponential ramp
# (KNOBS_LR_MIN, KNOBS_LR_MAX, KNOBS_LR_STEPS). The script trains for `steps` optimizer steps
# with lr = knobs.lr_at(step) and reports the training loss each step:
#
#     ramp = knobs.lr_finder()                 # None unless run by `knobs lr-find`
#     if ramp is not None:
#         for step, (x, y) in zip(range(ramp["steps"]), batches()):
#             lr = knobs.lr_finder_step(optimizer, step)   # sets the lr on every param group
#             loss = train_step(x, y)
#             knobs.report(step=step, loss=loss, lr=lr)
#         sys.exit(0)
#
# Knobs stops the process early once the smoothed loss has diverged (4x its best).


def lr_finder():
    """The lr range test's ramp {"min_lr", "max_lr", "steps"} when this run is one, else None."""
    if _env(_ENV_LR_FIND) is None:
        return None
    try:
        lo = float(os.environ[_ENV_LR_MIN])
        hi = float(os.environ[_ENV_LR_MAX])
        steps = int(os.environ[_ENV_LR_STEPS])
    except (KeyError, ValueError) as e:
        raise ValueError("KNOBS_LR_FIND is set but KNOBS_LR_MIN/KNOBS_LR_MAX/KNOBS_LR_STEPS are not valid: %s" % e)
    if not (lo > 0 and hi > lo and steps >= 2):
        raise ValueError("the lr ramp needs 0 < KNOBS_LR_MIN < KNOBS_LR_MAX and KNOBS_LR_STEPS >= 2, got %r, %r, %r" % (lo, hi, steps))
    return {"min_lr": lo, "max_lr": hi, "steps": steps}


def lr_at(step, ramp=None):
    """The ramp's lr at a 0-based step: min * (max/min) ** (step / (steps - 1)), clamped to the ramp.

    `ramp` defaults to lr_finder(); raises outside an lr range test when no ramp is given.
    """
    r = ramp if ramp is not None else lr_finder()
    if r is None:
        raise RuntimeError("knobs.lr_at: not an lr range test run (KNOBS_LR_FIND is not set)")
    n = max(1, r["steps"] - 1)
    s = min(n, max(0, step))
    return r["min_lr"] * (r["max_lr"] / r["min_lr"]) ** (float(s) / n)


def lr_finder_step(optimizer, step, ramp=None):
    """Sets lr_at(step) on every param group of a torch optimizer (anything with
    `param_groups`); returns the lr. Call it before optimizer.step()."""
    lr = lr_at(step, ramp)
    for group in optimizer.param_groups:
        group["lr"] = lr
    return lr
