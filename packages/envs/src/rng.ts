// A small, fast, seedable PRNG so every environment is deterministic given `reset(seed)`.
// Generator: xoshiro128** (Blackman & Vigna), 32-bit state words, seeded by expanding the
// seed with splitmix32. Not cryptographic. Plain numbers only; no dependency on anything.

/** splitmix32 step: returns the next state and a well-mixed 32-bit output. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Turn any finite number into a 32-bit seed word (integers map to themselves mod 2^32). */
export function seedWord(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  if (Number.isInteger(seed) && Math.abs(seed) <= Number.MAX_SAFE_INTEGER) {
    // Fold the high bits in so seeds differing only above bit 32 still differ.
    const hi = Math.floor(seed / 0x100000000);
    return ((seed >>> 0) ^ Math.imul(hi | 0, 0x27d4eb2d)) >>> 0;
  }
  const f = new Float64Array([seed]);
  const u = new Uint32Array(f.buffer);
  return (u[0] ^ Math.imul(u[1], 0x27d4eb2d)) >>> 0;
}

/** xoshiro128** generator. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number) {
    let st = seedWord(seed);
    let out: number;
    [st, out] = splitmix32(st);
    this.s0 = out;
    [st, out] = splitmix32(st);
    this.s1 = out;
    [st, out] = splitmix32(st);
    this.s2 = out;
    [st, out] = splitmix32(st);
    this.s3 = out;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** The generator's four state words, for checkpoints (restore with `setState`). */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: readonly number[]): this {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || state.every((w) => w === 0)) {
      throw new Error(`Rng.setState: expected 4 uint32 words, not all zero, got [${state.join(', ')}]`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0);
    return this;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** Uniform integer in [0, n). `n` must be a positive integer ≤ 2^32. Unbiased (rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Fill a byte array with uniform random bytes. */
  fillBytes(out: Uint8Array): Uint8Array {
    let i = 0;
    const n4 = out.length & ~3;
    for (; i < n4; i += 4) {
      const x = this.nextUint32();
      out[i] = x & 0xff;
      out[i + 1] = (x >>> 8) & 0xff;
      out[i + 2] = (x >>> 16) & 0xff;
      out[i + 3] = x >>> 24;
    }
    if (i < out.length) {
      let x = this.nextUint32();
      for (; i < out.length; i++, x >>>= 8) out[i] = x & 0xff;
    }
    return out;
  }
}
