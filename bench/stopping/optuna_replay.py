"""Optuna's side of bench/stopping: ask/tell over the same recorded curves, in simulated time.

Usage: /usr/bin/python3 bench/stopping/optuna_replay.py  < request.json  > traces.json
request: {"file": "bench/data/x.json", "methods": ["tpe+hyperband", "random+median"],
          "seeds": [0, 1], "runCap": 300}
For each method and seed, a study (minimise val_loss) whose space is one categorical over the
recorded config ids (the same space Knobs searches) runs with 2 concurrent slots on a fake clock:
a slot asks for a trial, the trial "trains" by walking its config's curve (first report after the
config's start-up + one epoch, then one per epoch), reports each value and asks should_prune();
a pruned trial is told PRUNED and the slot asks again at the same instant; a finished one is told
its last value. Costs are the recorded ones, as on the Knobs side. Output per run: the reports
that improved the best so far, as [epochs so far, simulated ms, value], plus totals. With
"threshold" in the request a run ends at the first report ≤ threshold (TPE's ask cost grows with
the trials, and nothing after that report changes the result).
  Studies are named "<method>-seed<seed>" (HyperbandPruner hashes the name into its brackets).
  tpe+hyperband: TPESampler(seed) + HyperbandPruner(min_resource=1, max_resource=epochs, reduction_factor=3)
  random+median: RandomSampler(seed) + MedianPruner() (n_startup_trials 5, n_warmup_steps 0)
"""
import heapq
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def make_study(method, seed, epochs):
    sampler_name, pruner_name = method.split("+")
    sampler = optuna.samplers.TPESampler(seed=seed) if sampler_name == "tpe" else optuna.samplers.RandomSampler(seed=seed)
    if pruner_name == "hyperband":
        pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=epochs, reduction_factor=3)
    elif pruner_name == "median":
        pruner = optuna.pruners.MedianPruner()
    else:
        pruner = optuna.pruners.NopPruner()
    # a fixed study name: HyperbandPruner assigns brackets by a hash of study name and trial
    # number, and the default name is a random UUID, which made the replays differ run to run
    return optuna.create_study(study_name="%s-seed%d" % (method, seed), direction="minimize", sampler=sampler, pruner=pruner)


def replay(doc, method, seed, run_cap, threshold):
    epochs = doc["epochs"]
    configs = {c["id"]: c for c in doc["configs"] if len(c["val_loss"]) == epochs}
    ids = sorted(configs)
    study = make_study(method, seed, epochs)
    heap, seq = [], 0
    started = 0
    total_epochs = 0
    best = float("inf")
    trace = []
    slots = {}

    def launch(now, slot):
        nonlocal started, seq
        if started >= run_cap:
            return
        started += 1
        trial = study.ask()
        cid = trial.suggest_categorical("config", ids)
        c = configs[cid]
        startup = c.get("startupMs", doc["startupMs"])
        slots[slot] = (trial, c)
        heapq.heappush(heap, (now + startup + c["epochMs"], seq, slot, 0))
        seq += 1

    t0 = time.perf_counter()
    launch(0.0, 0)
    launch(0.0, 1)
    now = 0.0
    while heap:
        now, _, slot, i = heapq.heappop(heap)
        trial, c = slots[slot]
        v = c["val_loss"][i]
        total_epochs += 1
        trial.report(v, i + 1)
        if v < best:
            best = v
            trace.append([total_epochs, round(now, 1), v])
            if v <= threshold:
                break  # reached the target: the rest of the run does not change the result
        if trial.should_prune():
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            launch(now, slot)
        elif i + 1 == epochs:
            study.tell(trial, v)
            launch(now, slot)
        else:
            heapq.heappush(heap, (now + c["epochMs"], seq, slot, i + 1))
            seq += 1
    return {"method": method, "seed": seed, "trace": trace, "trials": started, "totalEpochs": total_epochs,
            "totalMs": round(now, 1), "realMs": round((time.perf_counter() - t0) * 1000)}


def main():
    req = json.load(sys.stdin)
    with open(req["file"]) as f:
        doc = json.load(f)
    out = []
    for method in req["methods"]:
        for seed in req["seeds"]:
            out.append(replay(doc, method, seed, req["runCap"], req.get("threshold", float("-inf"))))
            print("optuna %s seed %d: %d trials, %d epochs, %.1f s" % (method, seed, out[-1]["trials"], out[-1]["totalEpochs"], out[-1]["realMs"] / 1000), file=sys.stderr, flush=True)
    json.dump({"optuna": optuna.__version__, "runs": out}, sys.stdout)


if __name__ == "__main__":
    main()
