"""Confirms the answers in test/fixtures/wandb-tests/*.json with W&B's own engine.

Runs W&B's validator (and, where a case says so, its engine) on every input and checks that W&B
gives the answer the fixture records. W&B's code stays outside this repository:
  git -C <wandb/sweeps clone> archive b1dfc5f | tar -x -C /tmp/wb/src
  python3 -m venv /tmp/wb/venv && /tmp/wb/venv/bin/pip install numpy scipy scikit-learn jsonschema jsonref pydantic PyYAML
  PYTHONPATH=/tmp/wb/src/src /tmp/wb/venv/bin/python scripts/wandb/confirm.py test/fixtures/wandb-tests/*.json
"""
import json, re, sys, yaml
from sweeps import next_run, stop_runs
from sweeps.config import SweepConfig, schema_violations_from_proposed_config
from sweeps.grid_search import grid_search_next_runs

def load(inp):
    text = "\n".join(inp["yaml"]) + "\n"
    cfg = yaml.safe_load(text)
    if inp.get("program", True) and isinstance(cfg, dict) and "program" not in cfg and "command" not in cfg:
        cfg = {"program": "train.py", **cfg}
    return cfg

def validator(cfg):
    try:
        v = schema_violations_from_proposed_config(cfg)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return "invalid", [f"raises {type(e).__name__}: {e}"]
    if v:
        return "invalid", v
    try:
        SweepConfig(cfg)
    except Exception as e:
        return "invalid", [f"SweepConfig raises {type(e).__name__}: {e}"]
    return "valid", []

def raises(fn):
    try:
        fn()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None

bad = 0
total = 0
for path in sys.argv[1:]:
    fx = json.load(open(path))
    for case in fx["cases"]:
        for i, inp in enumerate(case.get("inputs", [])):
            total += 1
            cfg = load(inp)
            answer, why = validator(cfg)
            want = inp["wandb"]
            check = inp.get("wandbCheck")
            if check:
                # W&B's engine, without validation, on the same config
                fn = {"next_run": lambda: next_run(cfg, [], validate=False),
                      "stop_runs": lambda: stop_runs(cfg, [], validate=False),
                      "grid_search": lambda: grid_search_next_runs([], SweepConfig(cfg), validate=False)}[check]
                err = raises(fn)
                got = "invalid" if err else "valid"
                why = why + [f"{check}: {err}"]
                if check == "grid_search" and answer != "valid":
                    got = "invalid"
            elif want == "warn":
                got = "warn" if answer == "invalid" and all("base-e exponents" in w for w in why) else answer
            else:
                got = answer
            if inp.get("wandbEngine") == "raises":
                err = raises(lambda: next_run(cfg, [], validate=False))
                if not err:
                    print(f"MISMATCH {case['test']}#{i}: expected W&B's engine to raise"); bad += 1
            if "match" in inp and got == "invalid" and not any(re.search(re.escape(inp["match"]), w) for w in why):
                print(f"MISMATCH {case['test']}#{i}: no violation matches {inp['match']!r}: {why}"); bad += 1
            status = "ok " if got == want else "MISMATCH"
            if got != want:
                bad += 1
            print(f"{status} {case['test']}#{i}: W&B {got} (fixture {want}) {why[:2] if why else ''}")
print(f"{total} inputs, {bad} mismatches")
sys.exit(1 if bad else 0)
