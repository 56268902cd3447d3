/**
 * Benchmark problems for `npm run bench:samplers`: the classic synthetic functions on their
 * standard domains, plus one mixed space (categorical optimizer × integer layers × log-uniform
 * lr). Each is a Knobs Space built by hand, an objective over FlatParams and the known optimum.
 * bench/samplers/problems.py implements the same objectives for the Optuna side; the domains go
 * to Python as JSON built from the Space (`problemDomain`), so both search the same space.
 */
import type { CategoricalParam, FlatParams, NumericParam, Space } from '../../src/core/space/types';

export interface Problem {
  /** Short id used by --problems and by problems.py. */
  name: string;
  /** Display name. */
  title: string;
  space: Space;
  objective: (p: FlatParams) => number;
  /** The global minimum of the objective over the space. */
  optimum: number;
  /** A point where the optimum is attained. */
  argmin: FlatParams;
}

function uniform(name: string, min: number, max: number): NumericParam {
  return { kind: 'numeric', name, path: [name], distribution: 'uniform', min, max, integer: false };
}
function logUniformValues(name: string, min: number, max: number): NumericParam {
  return { kind: 'numeric', name, path: [name], distribution: 'log_uniform_values', min, max, integer: false };
}
function intUniform(name: string, min: number, max: number): NumericParam {
  return { kind: 'numeric', name, path: [name], distribution: 'int_uniform', min, max, integer: true };
}
function categorical(name: string, values: string[]): CategoricalParam {
  return { kind: 'categorical', name, path: [name], values };
}

/** x1..xd, each uniform on [lo, hi]. */
function box(d: number, lo: number, hi: number): Space {
  return { params: Array.from({ length: d }, (_, i) => uniform(`x${i + 1}`, lo, hi)) };
}
function xs(p: FlatParams, d: number): number[] {
  return Array.from({ length: d }, (_, i) => p[`x${i + 1}`] as number);
}
function point(x: readonly number[]): FlatParams {
  return Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v]));
}

export function branin(p: FlatParams): number {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H3_A = [
  [3.0, 10, 30],
  [0.1, 10, 35],
  [3.0, 10, 30],
  [0.1, 10, 35],
];
const H3_P = [
  [3689, 1170, 2673],
  [4699, 4387, 7470],
  [1091, 8732, 5547],
  [381, 5743, 8828],
];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

function hartmann(x: readonly number[], A: number[][], P: number[][]): number {
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < x.length; j++) {
      const d = x[j] - P[i][j] * 1e-4;
      inner += A[i][j] * d * d;
    }
    total += H_ALPHA[i] * Math.exp(-inner);
  }
  return -total;
}

export function rosenbrock(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}

export function ackley(x: readonly number[]): number {
  const d = x.length;
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    s1 += v * v;
    s2 += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(s1 / d)) - Math.exp(s2 / d) + 20 + Math.E;
}

export function styblinskiTang(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += v ** 4 - 16 * v * v + 5 * v;
  return 0.5 * s;
}

/** The minimiser of v⁴ - 16v² + 5v on [-5, 5] (the root of 4v³ - 32v + 5 near -2.9). */
export const STYBLINSKI_ARGMIN = -2.903534027771177;

/**
 * The mixed "training" problem: a smooth synthetic validation loss. Per optimizer, the loss is
 * a base b plus a Gaussian-shaped valley in log10(lr) of height h and width w (decades) centred
 * at c - 0.15 (layers - L0) (deeper nets want a smaller lr), plus 0.01 (layers - L0)². The
 * minimum is b of the best optimizer (adam: 0.03 at layers 5, lr 1e-3).
 */
export const MIXED_OPTIMIZERS: Record<string, { b: number; h: number; c: number; w: number; L0: number }> = {
  sgd: { b: 0.12, h: 1.6, c: -1.0, w: 0.45, L0: 3 },
  momentum: { b: 0.07, h: 1.8, c: -1.8, w: 0.5, L0: 4 },
  adam: { b: 0.03, h: 2.0, c: -3.0, w: 0.6, L0: 5 },
  rmsprop: { b: 0.05, h: 2.0, c: -3.4, w: 0.4, L0: 4 },
};

export function mixedLoss(p: FlatParams): number {
  const o = MIXED_OPTIMIZERS[p.optimizer as string];
  if (!o) throw new Error(`mixed: unknown optimizer ${JSON.stringify(p.optimizer)}`);
  const layers = p.layers as number;
  const centre = o.c - 0.15 * (layers - o.L0);
  const z = (Math.log10(p.lr as number) - centre) / o.w;
  return o.b + o.h * (1 - Math.exp(-0.5 * z * z)) + 0.01 * (layers - o.L0) ** 2;
}

export const PROBLEMS: readonly Problem[] = [
  {
    name: 'branin',
    title: 'Branin (2D)',
    space: { params: [uniform('x1', -5, 10), uniform('x2', 0, 15)] },
    objective: branin,
    optimum: 0.39788735772973816,
    argmin: { x1: Math.PI, x2: 2.275 },
  },
  {
    name: 'hartmann3',
    title: 'Hartmann3',
    space: box(3, 0, 1),
    objective: (p) => hartmann(xs(p, 3), H3_A, H3_P),
    optimum: -3.862779787332663,
    argmin: point([0.11458886864897844, 0.5556488959083181, 0.8525469849296603]),
  },
  {
    name: 'hartmann6',
    title: 'Hartmann6',
    space: box(6, 0, 1),
    objective: (p) => hartmann(xs(p, 6), H6_A, H6_P),
    optimum: -3.3223680114155147,
    argmin: point([
      0.2016895059830789, 0.15001069052328364, 0.47687397525314945, 0.2753324286043858, 0.3116516155926986, 0.6573005345807224,
    ]),
  },
  {
    name: 'rosenbrock4',
    title: 'Rosenbrock-4D',
    space: box(4, -5, 10),
    objective: (p) => rosenbrock(xs(p, 4)),
    optimum: 0,
    argmin: point([1, 1, 1, 1]),
  },
  {
    name: 'ackley10',
    title: 'Ackley-10D',
    space: box(10, -32.768, 32.768),
    objective: (p) => ackley(xs(p, 10)),
    optimum: 0,
    argmin: point(new Array(10).fill(0)),
  },
  {
    name: 'styblinski10',
    title: 'Styblinski-Tang-10D',
    space: box(10, -5, 5),
    objective: (p) => styblinskiTang(xs(p, 10)),
    optimum: 10 * 0.5 * (STYBLINSKI_ARGMIN ** 4 - 16 * STYBLINSKI_ARGMIN ** 2 + 5 * STYBLINSKI_ARGMIN),
    argmin: point(new Array(10).fill(STYBLINSKI_ARGMIN)),
  },
  {
    name: 'mixed',
    title: 'Mixed: optimizer × layers × log lr',
    space: {
      params: [
        categorical('optimizer', ['sgd', 'momentum', 'adam', 'rmsprop']),
        intUniform('layers', 1, 8),
        logUniformValues('lr', 1e-5, 1),
      ],
    },
    objective: mixedLoss,
    optimum: 0.03,
    argmin: { optimizer: 'adam', layers: 5, lr: 1e-3 },
  },
];

export function problemByName(name: string): Problem {
  const p = PROBLEMS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown problem \`${name}\`; known: ${PROBLEMS.map((q) => q.name).join(', ')}`);
  return p;
}

/** One dimension as Optuna sees it (suggest_float / suggest_int / suggest_categorical). */
export type DomainDim =
  | { name: string; type: 'float'; low: number; high: number; log: boolean }
  | { name: string; type: 'int'; low: number; high: number }
  | { name: string; type: 'categorical'; choices: (string | number | boolean | null)[] };

/** The JSON both sides share: the problem id (objective) and its dimensions. */
export interface ProblemDomain {
  problem: string;
  optimum: number;
  dims: DomainDim[];
}

/** The domain of a Knobs Space in Optuna's terms; throws for a distribution with no exact peer. */
export function spaceDomain(space: Space): DomainDim[] {
  return space.params.map((p): DomainDim => {
    if (p.kind === 'categorical') {
      if (p.probabilities) throw new Error(`${p.name}: weighted categoricals have no Optuna peer`);
      return { name: p.name, type: 'categorical', choices: p.values as (string | number | boolean | null)[] };
    }
    if (p.kind === 'constant') throw new Error(`${p.name}: constants are not benchmark dimensions`);
    switch (p.distribution) {
      case 'uniform':
        return { name: p.name, type: 'float', low: p.min ?? 0, high: p.max ?? 1, log: false };
      case 'log_uniform_values':
        return { name: p.name, type: 'float', low: p.min!, high: p.max!, log: true };
      case 'int_uniform':
        return { name: p.name, type: 'int', low: p.min!, high: p.max! };
      default:
        throw new Error(`${p.name}: distribution ${p.distribution} has no exact Optuna peer`);
    }
  });
}

export function problemDomain(p: Problem): ProblemDomain {
  return { problem: p.name, optimum: p.optimum, dims: spaceDomain(p.space) };
}

/** Deterministic probe points (a fixed LCG, not the samplers' rng) for cross-checking f. */
export function probePoints(p: Problem, count: number, seed = 12345): FlatParams[] {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out: FlatParams[] = [p.argmin];
  for (let k = 0; k < count; k++) {
    const flat: FlatParams = {};
    for (const d of spaceDomain(p.space)) {
      if (d.type === 'categorical') flat[d.name] = d.choices[Math.floor(u() * d.choices.length)];
      else if (d.type === 'int') flat[d.name] = d.low + Math.floor(u() * (d.high - d.low + 1));
      else if (d.log) flat[d.name] = Math.exp(Math.log(d.low) + u() * (Math.log(d.high) - Math.log(d.low)));
      else flat[d.name] = d.low + u() * (d.high - d.low);
    }
    out.push(flat);
  }
  return out;
}
