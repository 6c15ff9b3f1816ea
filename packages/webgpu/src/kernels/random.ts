/**
 * Philox4x32-10 in WGSL with u32 math; one thread per 4-word block (counter [b, 0, 0, 0]).
 * mulhilo splits both factors into 16-bit halves so the high word is exact. Element e takes
 * word e mod 4 of block ⌊e/4⌋ (random/philox.ts). uniform: (w >> 8)·2⁻²⁴ — bit-identical to the CPU.
 * normal: Box–Muller on word pairs (w0, w1), (w2, w3), u1 = ((w0 >> 8) + 1)·2⁻²⁴ — f32 log/cos/sin,
 * so it matches the CPU within ~1e-5. Params [nBlocks, n, k0, k1, block0]: a launch over part of
 * a big output (a window starting at element 4·block0) counts its blocks from block0.
 */
import { MAIN_1D, PARAMS } from './common.ts';

export function randomWGSL(dist: 'uniform' | 'normal'): string {
  const write =
    dist === 'uniform'
      ? `for (var j = 0u; j < 4u; j++) { let e = 4u * i + j; if (e < n) { out[e] = f32(c[j] >> 8u) * (1.0 / 16777216.0); } }`
      : `for (var j = 0u; j < 4u; j += 2u) {
    let u1 = f32((c[j] >> 8u) + 1u) * (1.0 / 16777216.0);
    let u2 = f32(c[j + 1u] >> 8u) * (1.0 / 16777216.0);
    let rad = sqrt(-2.0 * log(u1));
    let th = 6.283185307179586 * u2;
    let e = 4u * i + j;
    if (e < n) { out[e] = rad * cos(th); }
    if (e + 1u < n) { out[e + 1u] = rad * sin(th); }
  }`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
fn mulhilo(a: u32, b: u32) -> vec2u {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl; let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2u(hi, a * b);
}
${MAIN_1D}
  let n = P[1];
  var c = array<u32, 4>(i + P[4], 0u, 0u, 0u);
  var k0 = P[2]; var k1 = P[3];
  for (var r = 0u; r < 10u; r++) {
    let p0 = mulhilo(0xd2511f53u, c[0]);
    let p1 = mulhilo(0xcd9e8d57u, c[2]);
    c = array<u32, 4>(p1.x ^ c[1] ^ k0, p1.y, p0.x ^ c[3] ^ k1, p0.y);
    k0 = k0 + 0x9e3779b9u; k1 = k1 + 0xbb67ae85u;
  }
  ${write}
}`;
}
