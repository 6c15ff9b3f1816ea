/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
 * a counter-based generator. Block i of a stream is a pure function of (counter i, key), so
 * any element can be drawn independently — a GPU thread computes exactly the words the CPU
 * does, and streams can be split without shared state.
 *
 * Stream layout used by every backend: element e of a random tensor takes word (e mod 4) of
 * philox(counter = [⌊e/4⌋, 0, 0, 0], key).
 *   uniform: (w >>> 8) · 2⁻²⁴ ∈ [0, 1), exact in f32.
 *   normal:  Box–Muller on word pairs (w0, w1) → (z0, z1) and (w2, w3) → (z2, z3) of the same block,
 *            u1 = ((w0 >>> 8) + 1) · 2⁻²⁴ ∈ (0, 1], u2 = (w1 >>> 8) · 2⁻²⁴,
 *            z0 = √(−2 ln u1) cos(2π u2), z1 = √(−2 ln u1) sin(2π u2).
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32 bits of the 64-bit product of two u32. */
function mulhilo(a: number, b: number): [number, number] {
  const lo = Math.imul(a, b) >>> 0;
  // Split b into 16-bit halves so each partial product stays exact in a double.
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t = a * bl; // < 2^48
  const u = a * bh + Math.floor(t / 0x10000); // < 2^49
  const hi = Math.floor(u / 0x10000) >>> 0;
  return [hi, lo];
}

/** One Philox4x32-10 block; writes 4 words into out[offset..offset+3]. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  offset = 0,
): void {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[offset] = c0;
  out[offset + 1] = c1;
  out[offset + 2] = c2;
  out[offset + 3] = c3;
}

/** The first `n` words of the stream under `key` (block b holds words 4b..4b+3). */
export function philoxWords(key: readonly [number, number], n: number): Uint32Array {
  const blocks = Math.ceil(n / 4);
  const out = new Uint32Array(blocks * 4);
  for (let b = 0; b < blocks; b++) philox4x32(b, 0, 0, 0, key[0], key[1], out, 4 * b);
  return n === out.length ? out : out.subarray(0, n);
}

const TWO_POW_M24 = 1 / 16777216;

export function uniformFromWord(w: number): number {
  return (w >>> 8) * TWO_POW_M24;
}

/** Fills `out` with U[0, 1) draws of the stream under `key`. */
export function fillUniform(out: { length: number; [i: number]: number }, key: readonly [number, number]): void {
  const words = philoxWords(key, out.length);
  for (let i = 0; i < out.length; i++) out[i] = uniformFromWord(words[i]);
}

/** Fills `out` with N(0, 1) draws of the stream under `key` (Box–Muller per word pair). */
export function fillNormal(out: { length: number; [i: number]: number }, key: readonly [number, number]): void {
  const n = out.length;
  const words = philoxWords(key, n + (n % 2));
  for (let i = 0; i < n; i += 2) {
    const u1 = ((words[i] >>> 8) + 1) * TWO_POW_M24;
    const u2 = (words[i + 1] >>> 8) * TWO_POW_M24;
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
}
