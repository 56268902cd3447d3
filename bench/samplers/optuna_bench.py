"""
The Optuna side of `npm run bench:samplers` (Debian's python3-optuna 3.1.0), driven by run.ts.

  optuna_bench.py versions
  optuna_bench.py run JOB.json OUT.json       one (problem, sampler) batch over seeds
  optuna_bench.py latency JOB.json OUT.json   ms per ask at n trials x d params (TPE)

run JOB: {"domain": {"problem", "optimum", "dims": [...]}, "sampler": "optuna-tpe", "seeds": [..],
"budget": 100}. Each seed is one study driven by ask/tell; OUT gets the objective value of every
trial per seed. Progress lines go to stderr.
"""
import json
import os
import random
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from problems import OBJECTIVES  # noqa: E402

warnings.filterwarnings("ignore")
import optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)

SAMPLERS = {
    "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna-tpe-mv": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "optuna-cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    # scramble=True so that the seed matters (Optuna's default is an unscrambled sequence).
    "optuna-qmc": lambda seed: optuna.samplers.QMCSampler(seed=seed, qmc_type="sobol", scramble=True),
}


def suggest(trial, dims):
    params = {}
    for d in dims:
        if d["type"] == "float":
            params[d["name"]] = trial.suggest_float(d["name"], d["low"], d["high"], log=d["log"])
        elif d["type"] == "int":
            params[d["name"]] = trial.suggest_int(d["name"], d["low"], d["high"])
        else:
            params[d["name"]] = trial.suggest_categorical(d["name"], d["choices"])
    return params


def run(job):
    domain = job["domain"]
    f = OBJECTIVES[domain["problem"]]
    name = job["sampler"]
    out = {"sampler": name, "problem": domain["problem"], "values": [], "seconds": [], "cpu": []}
    for k, seed in enumerate(job["seeds"]):
        t0 = time.perf_counter()
        c0 = time.process_time()
        study = optuna.create_study(sampler=SAMPLERS[name](seed), direction="minimize")
        values = []
        for _ in range(job["budget"]):
            trial = study.ask()
            v = f(suggest(trial, domain["dims"]))
            study.tell(trial, v)
            values.append(v)
        out["values"].append(values)
        out["seconds"].append(time.perf_counter() - t0)
        out["cpu"].append(time.process_time() - c0)
        print(
            "[optuna] %s %s seed %d (%d/%d) best %.6g in %.1fs (cpu %.1fs)"
            % (name, domain["problem"], seed, k + 1, len(job["seeds"]), min(values), out["seconds"][-1], out["cpu"][-1]),
            file=sys.stderr,
            flush=True,
        )
    return out


def latency(job):
    """For each cell (n trials, d params): a study with n completed random trials, then `reps`
    timed asks. Each asked trial is told FAIL, which TPE ignores, so every ask sees exactly n
    completed trials (Optuna keeps no incremental state). One untimed warm-up ask first."""
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState, create_trial

    name = job.get("sampler", "optuna-tpe")
    out = {"sampler": name, "cells": []}
    for cell in job["cells"]:
        n, d, reps = cell["trials"], cell["params"], job["reps"]
        rnd = random.Random(job.get("seed", 0) * 7919 + n * 31 + d)
        dists = {"x%d" % (j + 1): FloatDistribution(0.0, 1.0) for j in range(d)}
        study = optuna.create_study(sampler=SAMPLERS[name](job.get("seed", 0)), direction="minimize")
        trials = []
        for _ in range(n):
            params = {k: rnd.random() for k in dists}
            v = sum((x - 0.3) ** 2 for x in params.values())
            trials.append(create_trial(params=params, distributions=dists, value=v))
        study.add_trials(trials)
        ms = []
        cpu_ms = []
        for r in range(reps + 1):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            t = study.ask(fixed_distributions=dists)
            elapsed = (time.perf_counter() - t0) * 1000
            cpu = (time.thread_time() - c0) * 1000
            study.tell(t, state=TrialState.FAIL)
            if r > 0:
                ms.append(elapsed)
                cpu_ms.append(cpu)
        out["cells"].append({"trials": n, "params": d, "ms": ms, "cpuMs": cpu_ms})
        print("[optuna] latency %s n=%d d=%d: median %.2f ms" % (name, n, d, sorted(ms)[len(ms) // 2]), file=sys.stderr, flush=True)
    return out


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "versions":
        json.dump({"python": sys.version.split()[0], "optuna": optuna.__version__}, sys.stdout)
        return
    if cmd not in ("run", "latency") or len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(sys.argv[2]) as fh:
        job = json.load(fh)
    result = run(job) if cmd == "run" else latency(job)
    with open(sys.argv[3], "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
