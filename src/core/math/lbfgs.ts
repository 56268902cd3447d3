/**
 * Limited-memory BFGS with optional box bounds (a projected variant: variables at a bound whose
 * gradient points outward are held fixed for the step, the step is projected back into the box,
 * and an Armijo backtracking line search is run along the projected path). Used to fit GP
 * hyperparameters (unbounded, on log-parameters) and to refine the acquisition in [0, 1]^d.
 */

export interface LbfgsOptions {
  /** Iteration cap (default 100). */
  maxIter?: number;
  /** Memory size (default 10). */
  memory?: number;
  /** Stop when the projected gradient's max-norm is below this (default 1e-6). */
  gtol?: number;
  /** Stop when the relative decrease of f is below this (default 1e-10). */
  ftol?: number;
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

/** `fg(x, grad)` returns f(x) and writes ∇f(x) into grad. Non-finite values count as +Infinity. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 100;
  const m = opts.memory ?? 10;
  const gtol = opts.gtol ?? 1e-6;
  const ftol = opts.ftol ?? 1e-10;
  const lo = opts.lower;
  const hi = opts.upper;
  const clamp = (v: number, i: number): number => {
    if (lo && v < lo[i]) v = lo[i];
    if (hi && v > hi[i]) v = hi[i];
    return v;
  };
  let x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clamp(x0[i], i);
  let g = new Float64Array(n);
  let evaluations = 1;
  let f = fg(x, g);
  if (!Number.isFinite(f)) return { x, f: Infinity, iterations: 0, evaluations };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const free = new Uint8Array(n);
  const d = new Float64Array(n);
  const q = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    // free variables and projected gradient
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const atLo = lo !== undefined && x[i] <= lo[i] && g[i] > 0;
      const atHi = hi !== undefined && x[i] >= hi[i] && g[i] < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]));
    }
    if (pgMax < gtol) break;
    // two-loop recursion on the free subspace
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += S[j][i] * q[i];
      alpha[j] = rho[j] * s;
      for (let i = 0; i < n; i++) if (free[i]) q[i] -= alpha[j] * Y[j][i];
    }
    let gamma = 1;
    if (k > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      if (yy > 0 && sy > 0) gamma = sy / yy;
    } else {
      gamma = 1 / Math.max(1, Math.sqrt(q.reduce((a, v) => a + v * v, 0)));
    }
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += Y[j][i] * q[i];
      const beta = rho[j] * s;
      for (let i = 0; i < n; i++) if (free[i]) q[i] += S[j][i] * (alpha[j] - beta);
    }
    let dg = 0;
    for (let i = 0; i < n; i++) {
      d[i] = free[i] ? -q[i] : 0;
      dg += d[i] * g[i];
    }
    if (!(dg < 0)) {
      // not a descent direction: restart with steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const gn = Math.sqrt(g.reduce((a, v, i) => a + (free[i] ? v * v : 0), 0));
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] / Math.max(1, gn) : 0;
    }
    // projected backtracking line search
    let t = 1;
    let accepted = false;
    const xn = new Float64Array(n);
    const gn = new Float64Array(n);
    let fn = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        xn[i] = clamp(x[i] + t * d[i], i);
        decrease += g[i] * (xn[i] - x[i]);
      }
      evaluations++;
      fn = fg(xn, gn);
      if (Number.isFinite(fn) && fn <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i] - x[i];
      y[i] = gn[i] - g[i];
      sy += s[i] * y[i];
    }
    const fPrev = f;
    x = xn;
    g = gn;
    f = fn;
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if (Math.abs(fPrev - f) <= ftol * Math.max(1, Math.abs(f))) {
      iter++;
      break;
    }
  }
  return { x, f, iterations: iter, evaluations };
}
