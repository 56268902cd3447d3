"""A tiny offline stand-in for the `wandb` package that feeds Knobs (pure Python, no dependencies).

The Knobs runner puts helpers/python/shim first on PYTHONPATH when a sweep says `wandb: shim`
(or `knobs run --wandb-shim`). An unchanged W&B sweep script then runs offline:

    run = wandb.init(config=defaults)   # wandb.config holds the sweep's values
    wandb.log({"val_loss": 0.2})        # -> @@knobs {"step": 1, "metrics": {"val_loss": 0.2}}
    run.summary["best_acc"] = 0.9       # -> reported too
    wandb.finish()

What it does:
- `wandb.config` is filled from KNOBS_PARAMS at import; it is a dict with attribute access.
  Sweep values are locked: `config.update()` and assignment leave them as they are (with a
  warning) unless `allow_val_change=True`, and `init(config=...)` only fills the other keys.
- `wandb.log(data, step=None, commit=None)` reports the numeric values of `data` at once
  (nested dicts flattened with "/", other values such as images ignored). The reported step is
  `step` when given, else W&B's implicit row number counted from 1.
- `run.summary[...] = v` / `run.summary.update(...)` report at the last step.
- `wandb.sweep()` / `wandb.agent()` are refused: Knobs runs sweeps from a sweep file.
"""

import atexit
import os
import sys

__version__ = "0.0.0+knobs.shim"

SWEEP_REFUSAL = (
    "Knobs runs sweeps from a sweep file: put this config in sweep.yaml and run "
    "`knobs run sweep.yaml`"
)


def _load_knobs():
    try:
        import knobs as mod  # helpers/python is on PYTHONPATH in a sweep

        if hasattr(mod, "format_report"):
            return mod
    except ImportError:
        pass
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "knobs.py")
    spec = importlib.util.spec_from_file_location("knobs", path)
    if spec is None or spec.loader is None:
        raise ImportError("the Knobs W&B shim needs knobs.py next to shim/ (looked at %s)" % path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules.setdefault("knobs", mod)
    return mod


_knobs = _load_knobs()


class Error(Exception):
    """Base error of the shim (W&B's `wandb.Error`)."""


class UsageError(Error):
    pass


class CommError(Error):
    pass


def _warn(message):
    sys.stderr.write("wandb (knobs shim): %s\n" % message)
    sys.stderr.flush()


# W&B calls the shim accepts and ignores, as functions or methods (self is one of the args).
def _ignored(*args, **kwargs):
    return None


def _accepted(*args, **kwargs):
    return True


def _alert(title, text):
    _warn("alert: %s: %s" % (title, text))


def termlog(string="", newline=True, repeat=True):
    sys.stderr.write("wandb: %s%s" % (string, "\n" if newline else ""))


def termwarn(string, newline=True, repeat=True):
    sys.stderr.write("wandb: WARNING %s%s" % (string, "\n" if newline else ""))


def termerror(string, newline=True, repeat=True):
    sys.stderr.write("wandb: ERROR %s%s" % (string, "\n" if newline else ""))


# ----------------------------------------------------------------------------------------------
# Numbers


def _as_number(value):
    """A float/int for a numeric value (numpy/torch scalars too), else None (not reported)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (str, bytes, dict, list, tuple, set)) or value is None:
        return None
    shape = getattr(value, "shape", None)
    if shape is not None:
        try:
            if len(shape) != 0 and not all(int(d) == 1 for d in shape):
                return None
        except TypeError:
            return None
    if not hasattr(value, "__float__"):
        return None
    try:
        dtype = str(getattr(value, "dtype", ""))
        if "bool" in dtype:
            return None
        if "int" in dtype:
            return int(value)
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _flatten(data, prefix=""):
    out = {}
    for key, value in data.items():
        name = "%s/%s" % (prefix, key) if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


def _numeric_items(data):
    numbers = {}
    for name, value in _flatten(data).items():
        n = _as_number(value)
        if n is not None:
            numbers[name] = n
    return numbers


# ----------------------------------------------------------------------------------------------
# Config


class _AttrDict(dict):
    """A dict whose keys read and write as attributes too (names starting with "_" stay attributes)."""

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(self._no_key(key))

    def __setattr__(self, key, value):
        if key.startswith("_"):
            object.__setattr__(self, key, value)
        else:
            self.__setitem__(key, value)

    def _no_key(self, key):
        """The message of the AttributeError for a missing key."""
        return key


class Config(_AttrDict):
    """`wandb.config`: a dict with attribute access. Keys set by the sweep are locked."""

    def __init__(self, *args, **kwargs):
        dict.__init__(self, *args, **kwargs)
        object.__setattr__(self, "_locked", set())

    # attribute access -------------------------------------------------------------------------
    def _no_key(self, key):
        return "wandb.config has no key %r (keys: %s)" % (key, ", ".join(sorted(self)) or "none")

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key)

    # writes -------------------------------------------------------------------------------------
    def _set(self, key, value, allow_val_change):
        key = str(key)
        if key in self._locked and not allow_val_change:
            if dict.get(self, key) != value:
                _warn("Config item %r was locked by the sweep (ignored update to %r)." % (key, value))
            return
        dict.__setitem__(self, key, value)

    def __setitem__(self, key, value):
        self._set(key, value, allow_val_change=False)

    def update(self, d=None, allow_val_change=False, **kwargs):
        items = _to_dict(d)
        items.update(kwargs)
        for key, value in items.items():
            self._set(key, value, allow_val_change)

    def setdefaults(self, d):
        for key, value in _to_dict(d).items():
            if key not in self:
                dict.__setitem__(self, str(key), value)

    def setdefault(self, key, default=None):
        if key not in self:
            dict.__setitem__(self, str(key), default)
        return self[key]

    def as_dict(self):
        return dict(self)

    def persist(self):
        pass

    def _lock_sweep_values(self, values):
        for key, value in values.items():
            dict.__setitem__(self, str(key), value)
            self._locked.add(str(key))


def _to_dict(d):
    if d is None:
        return {}
    if isinstance(d, dict):
        return dict(d)
    if hasattr(d, "__dict__") and not hasattr(d, "keys"):  # argparse.Namespace, simple objects
        return {k: v for k, v in vars(d).items() if not k.startswith("_")}
    if hasattr(d, "keys"):
        return {k: d[k] for k in d.keys()}
    raise TypeError("wandb.config.update expects a dict or an argparse.Namespace, got %s" % type(d).__name__)


config = Config()
config._lock_sweep_values(_knobs.params())


# ----------------------------------------------------------------------------------------------
# Summary


class Summary(_AttrDict):
    """`run.summary`: the last value of each logged key; writing to it reports to Knobs."""

    def __init__(self, run):
        dict.__init__(self)
        object.__setattr__(self, "_run", run)

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, d=None, **kwargs):
        items = dict(d or {})
        items.update(kwargs)
        flat = _flatten(items)
        for key, value in flat.items():
            dict.__setitem__(self, key, value)
        numbers = _numeric_items(flat)
        if numbers:
            self._run._emit(self._run._last_step, numbers)

    def _record(self, flat):
        for key, value in flat.items():
            dict.__setitem__(self, key, value)


# ----------------------------------------------------------------------------------------------
# Run


class _Metric(object):
    def __init__(self, name, **kwargs):
        self.name = name
        for key, value in kwargs.items():
            setattr(self, key, value)


class Run(object):
    def __init__(self, kwargs):
        self.config = config
        self.summary = Summary(self)
        self._row = 0  # W&B's implicit step (0-based row number)
        self._explicit = False
        self._last_step = None
        self._finished = False
        self._metrics = {}
        tid = _knobs.trial_id()
        self.id = kwargs.get("id") or ("trial-%d" % tid if tid is not None else "offline")
        self.name = kwargs.get("name") or self.id
        self.project = kwargs.get("project")
        self.entity = kwargs.get("entity")
        self.group = kwargs.get("group")
        self.job_type = kwargs.get("job_type")
        self.notes = kwargs.get("notes")
        self.tags = tuple(kwargs.get("tags") or ())
        self.dir = _knobs.trial_dir() or os.getcwd()
        self.sweep_id = os.environ.get("KNOBS_SWEEP_DIR")
        self.url = None
        self.offline = True
        self.disabled = False
        self.resumed = (_knobs.attempt() or 1) > 1

    # context manager ----------------------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish(exit_code=1 if exc_type else 0)
        return False

    @property
    def step(self):
        return self._row

    def _emit(self, step, numbers):
        _knobs.report(step, **numbers)
        if step is not None:
            self._last_step = step

    def log(self, data, step=None, commit=None, sync=None):
        if self._finished:
            _warn("log() after finish() is ignored")
            return
        if not isinstance(data, dict):
            raise TypeError("wandb.log expects a dict, got %s" % type(data).__name__)
        if step is not None:
            step = int(step)
            if step < self._row:
                _warn(
                    "Tried to log to step %d that is less than the current step %d. Steps must be "
                    "monotonically increasing, so this data will be ignored." % (step, self._row)
                )
                return
            self._explicit = True
            self._row = step
            if commit is None:
                commit = False
        elif commit is None:
            commit = True
        flat = _flatten(data)
        self.summary._record(flat)
        numbers = _numeric_items(flat)
        if numbers:
            # An explicit step is reported as given; the implicit one counts rows from 1.
            self._emit(self._row if self._explicit else self._row + 1, numbers)
        if commit:
            self._row += 1

    def define_metric(self, name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None, overwrite=None, **kwargs):
        metric = _Metric(name, step_metric=step_metric, summary=summary, goal=goal, hidden=hidden)
        self._metrics[name] = metric
        return metric

    def finish(self, exit_code=None, quiet=None):
        # (the module-level run is reset below)
        if self._finished:
            return
        self._finished = True
        try:
            sys.stdout.flush()
        except Exception:
            pass
        if run is self:
            _set_run(None)

    # accepted and ignored ----------------------------------------------------------------------
    watch = unwatch = log_code = _ignored
    save = _accepted

    def alert(self, title="", text="", level=None, wait_duration=None):
        _alert(title, text)

    def log_artifact(self, artifact, *args, **kwargs):
        return artifact

    def use_artifact(self, *args, **kwargs):
        raise Error("artifacts are not available offline in the Knobs W&B shim")

    def mark_preempting(self):
        return None

    def get_url(self):
        return None

    def get_project_url(self):
        return None


run = None
summary = None


def _set_run(r):
    global run, summary
    run = r
    summary = r.summary if r is not None else None


def init(*args, **kwargs):
    """Start (or return the active) run. `config=` fills keys the sweep did not set."""
    if run is not None and not run._finished:
        return run
    cfg = kwargs.get("config")
    if cfg is not None:
        values = _to_dict(cfg) if not isinstance(cfg, str) else {}
        include = kwargs.get("config_include_keys")
        exclude = kwargs.get("config_exclude_keys")
        if include:
            values = {k: v for k, v in values.items() if k in include}
        if exclude:
            values = {k: v for k, v in values.items() if k not in exclude}
        for key, value in values.items():
            if str(key) not in config._locked:
                dict.__setitem__(config, str(key), value)
    r = Run(kwargs)
    _set_run(r)
    return r


def log(data, step=None, commit=None, sync=None):
    if run is None:
        raise Error("You must call wandb.init() before wandb.log()")
    run.log(data, step=step, commit=commit, sync=sync)


def define_metric(name, *args, **kwargs):
    if run is None:
        raise Error("You must call wandb.init() before wandb.define_metric()")
    return run.define_metric(name, *args, **kwargs)


def finish(exit_code=None, quiet=None):
    if run is not None:
        run.finish(exit_code=exit_code, quiet=quiet)


def _refuse_sweeps(*args, **kwargs):
    raise UsageError(SWEEP_REFUSAL)


sweep = agent = controller = _refuse_sweeps


def teardown(*args, **kwargs):
    finish()


setup = watch = unwatch = restore = _ignored
login = save = _accepted


def alert(title="", text="", level=None, wait_duration=None):
    _alert(title, text)


class Settings(dict):
    def __init__(self, **kwargs):
        dict.__init__(self, **kwargs)


class _Media(object):
    """Images, tables, histograms...: accepted by log() and not reported (not numeric)."""

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs


class Image(_Media):
    pass


class Histogram(_Media):
    pass


class Table(_Media):
    def add_data(self, *args):
        return None


class Video(_Media):
    pass


class Audio(_Media):
    pass


class Html(_Media):
    pass


class Object3D(_Media):
    pass


class Molecule(_Media):
    pass


class Artifact(_Media):
    add_file = add_dir = add_reference = _ignored


@atexit.register
def _finish_at_exit():
    if run is not None:
        run.finish()


def __getattr__(name):  # PEP 562: say clearly what the shim lacks
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        "wandb.%s is not provided by the Knobs W&B shim (offline: init, config, log, summary, "
        "define_metric, finish). Remove `wandb: shim` from the sweep file to use the real wandb." % name
    )
