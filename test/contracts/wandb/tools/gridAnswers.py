"""W&B's answers for the grid and params conformance cases (test/contracts/wandb/*.test.ts).

Runs W&B's own sweep engine (the public wandb/sweeps repository, NOT PyPI's `sweeps` 0.2.0) on
each case's sweep file and writes the fixture JSON. The cases (inputs) are ours, written from W&B's
tests/test_grid_search.py and tests/test_params.py; only W&B's answers come from its engine.

  git -C <wandb/sweeps clone> archive b1dfc5f | tar -x -C /tmp/wb/src
  python3 -m venv /tmp/wb/venv && /tmp/wb/venv/bin/pip install 'numpy<2' scipy scikit-learn \
      jsonschema jsonref pydantic PyYAML
  PYTHONPATH=/tmp/wb/src/src /tmp/wb/venv/bin/python gridAnswers.py <wandb commit> cases.json out.json \
      /tmp/wb/src/tests/test_grid_search.py

A config is written as `json.dumps` of its top-level values (NaN and Infinity as bare tokens,
floats with ".0"): what a script would read from `${args_json}`.
"""
import json
import os
import subprocess
import sys

import yaml
from sweeps.config import schema_violations_from_proposed_config
from sweeps.params import HyperParameterSet
from sweeps.run import next_run


def configs_of(config, randomize):
    runs = []
    while True:
        run = next_run(config, runs, randomize_order=randomize)
        if run is None:
            return [json.dumps({k: v["value"] for k, v in run_.config.items()}) for run_ in runs]
        runs.append(run)


def answer(case):
    """valid: W&B's engine accepts the file (builds its parameters; for grid, walks the grid).
    violations: what W&B's validator (schema_violations_from_proposed_config) reports; the wandb
    CLI prints these as warnings. The engine is given the file as loaded (SweepConfig(...) drops
    nested parameters, so W&B's own nested tests pass plain dicts too)."""
    config = yaml.safe_load(case["sweep"])
    out = {"valid": True, "violations": schema_violations_from_proposed_config(config)}
    try:
        HyperParameterSet.from_config(config["parameters"])
        if config.get("method") == "grid":
            ordered = configs_of(config, False)
            shuffled = configs_of(config, True)
            assert sorted(shuffled) == sorted(ordered), "randomize_order changed the set of configs"
            out["configs"] = ordered
    except Exception as e:  # the engine refuses the file
        out["valid"] = False
        out["error"] = f"{type(e).__name__}: {e}"
    return out


def test_ids(test_file):
    """Every test id (file::function[pytest id]) in W&B's test file, as pytest collects it."""
    out = subprocess.run([sys.executable, "-m", "pytest", "-c", os.devnull, "--collect-only", "-q", test_file],
                         capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(test_file))).stdout
    name = os.path.basename(test_file)
    return ["tests/" + line[line.index(name):] for line in out.splitlines() if name + "::" in line]


def main():
    commit, cases_path, out_path, test_file = sys.argv[1:5]
    with open(cases_path) as f:
        doc = json.load(f)
    doc["wandbCommit"] = commit
    doc["wandbTests"] = test_ids(os.path.abspath(test_file))
    for case in doc["cases"]:
        case["wandbAnswer"] = answer(case)
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
