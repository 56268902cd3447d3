"""Reference draws of every W&B distribution from W&B's own random search, for
test/contracts/wandb/distributions.test.ts (two-sample KS tests of Knobs' sampler against them).

Runs W&B's engine (the public wandb/sweeps repository, NOT PyPI's `sweeps` 0.2.0) outside this
repository; see gridAnswers.py for the setup. Values are rounded to 6 significant digits.

  PYTHONPATH=/tmp/wb/src/src /tmp/wb/venv/bin/python distributionDraws.py <wandb commit> out.json
"""
import json
import random
import sys

import numpy as np
from sweeps.random_search import random_search_next_runs

N = 2000
SEED = 12

# name -> the parameter as written in a sweep file (our choice of parameters)
PARAMS = {
    "constant": {"value": 3},
    "categorical": {"values": ["a", "b", "c"]},
    "categorical_w_probabilities": {"values": ["a", "b", "c"], "probabilities": [0.2, 0.3, 0.5]},
    "int_uniform": {"distribution": "int_uniform", "min": -3, "max": 6},
    "uniform": {"distribution": "uniform", "min": -2, "max": 5},
    "q_uniform": {"distribution": "q_uniform", "min": 0, "max": 10, "q": 1},
    "log_uniform": {"distribution": "log_uniform", "min": -7, "max": 0},
    "log_uniform_values": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1},
    "q_log_uniform": {"distribution": "q_log_uniform", "min": 0, "max": 4.6, "q": 5},
    "q_log_uniform_values": {"distribution": "q_log_uniform_values", "min": 1, "max": 1000, "q": 10},
    "inv_log_uniform": {"distribution": "inv_log_uniform", "min": 0, "max": 5},
    "inv_log_uniform_values": {"distribution": "inv_log_uniform_values", "min": 0.01, "max": 10},
    "normal": {"distribution": "normal", "mu": 1, "sigma": 2},
    "q_normal": {"distribution": "q_normal", "mu": 0, "sigma": 3, "q": 1},
    "log_normal": {"distribution": "log_normal", "mu": 0, "sigma": 1},
    "q_log_normal": {"distribution": "q_log_normal", "mu": 2, "sigma": 0.5, "q": 1},
    "beta": {"distribution": "beta", "a": 2, "b": 5},
    "q_beta": {"distribution": "q_beta", "a": 2, "b": 2, "q": 0.1},
}


def rounded(v):
    if isinstance(v, (float, np.floating)):
        return float("%.6g" % v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def main():
    commit, out_path = sys.argv[1:3]
    random.seed(SEED)
    np.random.seed(SEED)
    runs = random_search_next_runs({"method": "random", "parameters": PARAMS}, n=N)
    with open(out_path, "w") as f:
        f.write('{"about": %s,\n "wandbCommit": %s,\n "n": %d,\n "params": {\n' % (
            json.dumps("Reference draws of every W&B distribution from W&B's random search "
                       "(random_search_next_runs at wandb/sweeps %s, Python random seed %d), "
                       "6 significant digits; made by tools/distributionDraws.py." % (commit, SEED)),
            json.dumps(commit), N))
        lines = []
        for name, spec in PARAMS.items():
            draws = [rounded(r.config[name]["value"]) for r in runs]
            lines.append('  %s: {"spec": %s, "draws": %s}' % (json.dumps(name), json.dumps(spec), json.dumps(draws, separators=(",", ":"))))
        f.write(",\n".join(lines) + "\n }\n}\n")


if __name__ == "__main__":
    main()
