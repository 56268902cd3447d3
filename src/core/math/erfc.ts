/**
 * Fast erf/erfc/erfcx in Float64 with Cephes' rational approximations (S. L. Moshier, ndtr.c;
 * published constants): erf(x) = x T(x²)/U(x²) for |x| < 1; erfc(x) = e^{−x²} P(x)/Q(x) for
 * 1 ≤ x < 8 and e^{−x²} R(x)/S(x) above (relative error ~1e-15). These are the hot path of the
 * acquisition function; math/normal.ts keeps the slower incomplete-gamma route.
 */

const T = [9.60497373987051638749, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const U = [
  1, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4,
];
const P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687, 4.86371970985681366614e1, 1.96520832956077098242e2,
  5.26445194995477358631e2, 9.3452852717195760754e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const Q = [
  1, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2, 1.82390916687909736289e3,
  2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const R = [
  5.64189583547755073984e-1, 1.27536670759978104416, 5.01905042251180477414, 6.16021097993053585195, 7.4097426995044893916,
  2.9788666537210024067,
];
const S = [
  1, 2.2605286322011727659, 9.39603524938001434673, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198,
  3.3690764510008151605,
];

/** Horner with coefficients from the highest power down (Cephes' polevl order). */
function polevl(x: number, c: readonly number[]): number {
  let s = c[0];
  for (let i = 1; i < c.length; i++) s = s * x + c[i];
  return s;
}

/** erf(x) for |x| < 1 (rational in x²). */
function erfSmall(x: number): number {
  const z = x * x;
  return (x * polevl(z, T)) / polevl(z, U);
}

/** erfcx(x) = e^{x²} erfc(x). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < 1) return Math.exp(x * x) * (1 - erfSmall(x));
  if (x < 8) return polevl(x, P) / polevl(x, Q);
  if (x > 1e8) return 1 / (x * Math.sqrt(Math.PI));
  return polevl(x, R) / polevl(x, S);
}

/** erfc(x). */
export function erfcFast(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let v: number;
  if (a < 1) v = 1 - erfSmall(a);
  else if (a > 27) v = 0;
  else v = Math.exp(-a * a) * erfcx(a);
  return x < 0 ? 2 - v : v;
}

/** Φ(z) = erfc(−z/√2)/2. */
export function normalCdfFast(z: number): number {
  return 0.5 * erfcFast(-z / Math.SQRT2);
}
