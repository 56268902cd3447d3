"""
The benchmark objectives, in plain Python (no numpy), mirroring bench/samplers/problems.ts.
The domains are not defined here: the TypeScript side sends them as JSON (built from the Knobs
Space of each problem), so both sides search exactly the same space. `python3 problems.py check`
reads {"points": [{"problem": name, "params": {...}}]} on stdin and prints the values, which the
bench and test/unit/benchProblems.test.ts compare against the TypeScript objectives.
"""
import json
import math
import sys

_H3_A = [[3.0, 10.0, 30.0], [0.1, 10.0, 35.0], [3.0, 10.0, 30.0], [0.1, 10.0, 35.0]]
_H3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
_H6_A = [
    [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
    [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
    [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
    [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
]
_H6_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]
_H_ALPHA = [1.0, 1.2, 3.0, 3.2]

# Mixed problem: per optimizer, base loss b, height h of the lr valley, centre c (log10 lr at the
# best depth), width w (decades), best depth L0. Mirrors MIXED_OPTIMIZERS in problems.ts.
MIXED_OPTIMIZERS = {
    "sgd": dict(b=0.12, h=1.6, c=-1.0, w=0.45, L0=3),
    "momentum": dict(b=0.07, h=1.8, c=-1.8, w=0.5, L0=4),
    "adam": dict(b=0.03, h=2.0, c=-3.0, w=0.6, L0=5),
    "rmsprop": dict(b=0.05, h=2.0, c=-3.4, w=0.4, L0=4),
}


def xs(params, n):
    return [float(params["x%d" % (i + 1)]) for i in range(n)]


def branin(p):
    x1, x2 = float(p["x1"]), float(p["x2"])
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def _hartmann(x, A, P):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(len(x)):
            d = x[j] - P[i][j] * 1e-4
            inner += A[i][j] * d * d
        total += _H_ALPHA[i] * math.exp(-inner)
    return -total


def hartmann3(p):
    return _hartmann(xs(p, 3), _H3_A, _H3_P)


def hartmann6(p):
    return _hartmann(xs(p, 6), _H6_A, _H6_P)


def rosenbrock4(p):
    x = xs(p, 4)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def ackley10(p):
    x = xs(p, 10)
    d = len(x)
    s1 = sum(v * v for v in x) / d
    s2 = sum(math.cos(2 * math.pi * v) for v in x) / d
    return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e


def styblinski10(p):
    x = xs(p, 10)
    return 0.5 * sum(v ** 4 - 16 * v * v + 5 * v for v in x)


def mixed(p):
    o = MIXED_OPTIMIZERS[p["optimizer"]]
    layers = float(p["layers"])
    centre = o["c"] - 0.15 * (layers - o["L0"])
    z = (math.log10(float(p["lr"])) - centre) / o["w"]
    return o["b"] + o["h"] * (1 - math.exp(-0.5 * z * z)) + 0.01 * (layers - o["L0"]) ** 2


OBJECTIVES = {
    "branin": branin,
    "hartmann3": hartmann3,
    "hartmann6": hartmann6,
    "rosenbrock4": rosenbrock4,
    "ackley10": ackley10,
    "styblinski10": styblinski10,
    "mixed": mixed,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] != "check":
        sys.exit("usage: problems.py check < {\"points\": [{\"problem\": ..., \"params\": {...}}]}")
    req = json.load(sys.stdin)
    json.dump({"values": [OBJECTIVES[q["problem"]](q["params"]) for q in req["points"]]}, sys.stdout)


if __name__ == "__main__":
    main()
