/**
 * Parameters and WGSL helpers shared by the implicit-GEMM conv gradient kernels (NHWC x, HWIO
 * filter w [KH, KW, C, O], dy [N, OH, OW, O]). Every such kernel takes the same u32 params:
 *   [N, H, W, C, KH, KW, O, OH, OW, sh, sw, pt, pl, rowTile0, colTile0, splitLen, M]
 * rowTile0/colTile0 offset the workgroup ids, so a grid over 65535 tiles runs as several launches;
 * splitLen (output pixels per split-K slice) and M (= KH·KW·C) are used by the filter gradient.
 *
 * Backward input by stride phase: dx pixel (y, x) is reached only by the taps with
 * ki ≡ y + pt (mod sh) and kj ≡ x + pl (mod sw). So the pixels of one phase (py, px) =
 * (y mod sh, x mod sw), y = yy·sh + py, form a dense stride-1 correlation: tap ti (ki = ki0 + ti·sh)
 * reads dy row yy + dy0 − ti. No zero tap of the "dilated dy" formulation is ever multiplied.
 */
import type { Conv2dGeometry, Shape } from '@dreamer/tensor';

/** Rows and columns of a register-blocked kernel's tile: 8×8 threads, 4×4 outputs each. */
export const BLOCKED_TILE = 32;

export function convGeoParams(xShape: Shape, wShape: Shape, dyShape: Shape, g: Conv2dGeometry): number[] {
  const [n, h, w, c] = xShape;
  const [kh, kw, , o] = wShape;
  const [, oh, ow] = dyShape;
  return [n, h, w, c, kh, kw, o, oh, ow, g.strides[0], g.strides[1], g.pads[0], g.pads[2], 0, 0, 0, kh * kw * c];
}

/** Rows of the largest stride phase (phase (0, 0)). */
export function maxPhaseRows(xShape: Shape, g: Conv2dGeometry): number {
  return xShape[0] * Math.ceil(xShape[1] / g.strides[0]) * Math.ceil(xShape[2] / g.strides[1]);
}

export const GEOMETRY_WGSL = /* wgsl */ `struct Geo { N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, O: i32, OH: i32, OW: i32, sh: i32, sw: i32, pt: i32, pl: i32 }
fn geo() -> Geo {
  return Geo(i32(P[0]), i32(P[1]), i32(P[2]), i32(P[3]), i32(P[4]), i32(P[5]), i32(P[6]), i32(P[7]), i32(P[8]), i32(P[9]), i32(P[10]), i32(P[11]), i32(P[12]));
}`;

export const PHASE_WGSL = /* wgsl */ `struct Phase { py: i32, px: i32, Wp: i32, rows: i32, ki0: i32, kj0: i32, TH: i32, TW: i32, dy0: i32, dx0: i32 }
fn phaseOf(g: Geo, z: i32) -> Phase {
  let py = z / g.sw; let px = z % g.sw;
  let Hp = (g.H - py + g.sh - 1) / g.sh; let Wp = (g.W - px + g.sw - 1) / g.sw;
  let ki0 = (py + g.pt) % g.sh; let kj0 = (px + g.pl) % g.sw;
  return Phase(py, px, Wp, g.N * Hp * Wp, ki0, kj0, (g.KH - ki0 + g.sh - 1) / g.sh, (g.KW - kj0 + g.sw - 1) / g.sw,
    (py + g.pt - ki0) / g.sh, (px + g.pl - kj0) / g.sw);
}
// Row r of a phase as (n, yy, xx), batch fastest: a tile's rows then share one or two pixels, and so
// the taps that reach them (few at the borders, one for a 1×1 dy).
fn rowOf(r: i32, N: i32, Wp: i32) -> vec3<i32> { let s = r / N; return vec3<i32>(r % N, s / Wp, s % Wp); }
// Flat dx index of channel 0 of row r.
fn dxIndex(g: Geo, ph: Phase, r: i32) -> i32 {
  let q = rowOf(r, g.N, ph.Wp);
  return ((q.x * g.H + q.y * g.sh + ph.py) * g.W + q.z * g.sw + ph.px) * g.C;
}
// Taps [first, last] (ti, tj) that reach any row in [r0, r1] of a phase: vec4(ti0, ti1, tj0, tj1).
fn tapBox(g: Geo, ph: Phase, r0: i32, r1: i32) -> vec4<i32> {
  let a = r0 / g.N; let b = r1 / g.N;
  let ya = a / ph.Wp; let yb = b / ph.Wp;
  let xa = select(0, a % ph.Wp, ya == yb); let xb = select(ph.Wp - 1, b % ph.Wp, ya == yb);
  return vec4<i32>(max(0, ya + ph.dy0 - g.OH + 1), min(ph.TH - 1, yb + ph.dy0), max(0, xa + ph.dx0 - g.OW + 1), min(ph.TW - 1, xb + ph.dx0));
}`;
