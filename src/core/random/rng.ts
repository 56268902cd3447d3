/**
 * Seeded RNG (xoshiro128**), the only source of randomness in core.
 * `child(...keys)` derives an independent stream from the seed and keys (e.g. a trial index),
 * so a config can depend on (seed, index) alone; `getState`/`fromState` serialise it.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** A uint32. */
  uint32(): number;
  /** An independent stream derived from this one's seed and the keys. */
  child(...keys: (number | string)[]): Rng;
  getState(): RngState;
}

export interface RngState {
  seed: number;
  s: [number, number, number, number];
}

function splitmix32(x: number): () => number {
  let a = x >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the key's text, mixed with the seed: a stable 32-bit hash. */
export function hashKeys(seed: number, keys: (number | string)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = keys.map(String).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)();
}

class Xoshiro128 implements Rng {
  private s: [number, number, number, number];
  constructor(
    readonly seed: number,
    state?: [number, number, number, number],
  ) {
    if (state) {
      this.s = [...state];
    } else {
      const sm = splitmix32(seed);
      this.s = [sm(), sm(), sm(), sm()];
      if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    }
  }
  uint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    s[0] >>>= 0;
    s[1] >>>= 0;
    s[2] >>>= 0;
    s[3] >>>= 0;
    return result;
  }
  next(): number {
    // 53 bits of randomness
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`int(n) needs n > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }
  /** Box–Muller; no cached spare, so getState() captures the whole stream. */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  child(...keys: (number | string)[]): Rng {
    return new Xoshiro128(hashKeys(this.seed, keys));
  }
  getState(): RngState {
    return { seed: this.seed, s: [...this.s] };
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function createRng(seed: number): Rng {
  return new Xoshiro128(seed >>> 0);
}

export function rngFromState(state: RngState): Rng {
  return new Xoshiro128(state.seed >>> 0, state.s);
}
