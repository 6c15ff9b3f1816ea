/**
 * The CPU reference of the ray caster: the same algorithm as raycast.wgsl.ts, line for line, on
 * the same packed words (pack.ts), in float64. For tests, for single envs' `pixels`, and for
 * machines without WebGPU. Written in scalars with no allocation per pixel (array-valued helpers
 * made it 6–16× slower, and the `pixels` option draws a frame on every control step).
 * Keep the two in step: renderer.gpu.test.ts compares them pixel by pixel.
 *
 * renderCpu runs the culled version of this loop (cpu_culled.ts), which skips the tests that
 * cannot change a pixel and gives the same bytes; rayCastReference is kept as the plain statement
 * of the algorithm that the culled one is tested against.
 */
import { rayCastCulled } from './cpu_culled.ts';
import { CHECKER_A, CHECKER_B, HEADLIGHT, SHADOW_LIFT, SKY } from './look.ts';
import { FAR, hit, planeHit, type Hit } from './cpu_hits.ts';
import { GEOM_VEC4, SCENE_VEC4, packScenes, type PackedScenes } from './pack.ts';
import type { Scene } from './types.ts';

export interface RenderOptions {
  /** Camera index per scene, or one for all (default 0). */
  cameras?: number | readonly number[];
  width?: number;
  height?: number;
  /** One shadow ray per lit pixel toward the directional light (default true). */
  shadows?: boolean;
}

/** Does the ray along d meet the sphere given as (o − centre, |o − centre|² − R²) at some 0 < t < tmax? */
function meets(bx: number, by: number, bz: number, bw: number, dx: number, dy: number, dz: number, tmax: number): boolean {
  const b = bx * dx + by * dy + bz * dz;
  const disc = b * b - bw;
  if (disc < 0) return false;
  const q = Math.sqrt(disc);
  return -b + q > 0 && -b - q < tmax;
}

/** Any geom along o + t·d; the non-planes only when the ray meets the scene's bounding sphere (bs, given for the camera). */
function occluded(G: Float32Array, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, S: Float32Array, s4: number, first: number, planes: number, count: number, h: Hit): boolean {
  const bx = S[s4 + 20];
  const by = S[s4 + 21];
  const bz = S[s4 + 22];
  const bw = S[s4 + 23];
  const rx = ox - S[s4] + bx;
  const ry = oy - S[s4 + 1] + by;
  const rz = oz - S[s4 + 2] + bz;
  const n = meets(rx, ry, rz, rx * rx + ry * ry + rz * rz - (bx * bx + by * by + bz * bz) + bw, dx, dy, dz, FAR) ? count : planes;
  for (let k = 0; k < n; k++) {
    const w = (first + k) * GEOM_VEC4 * 4;
    const ex = ox - G[w + 20];
    const ey = oy - G[w + 21];
    const ez = oz - G[w + 22];
    const R = G[w + 23];
    if (k >= planes && !meets(ex, ey, ez, ex * ex + ey * ey + ez * ez - R * R, dx, dy, dz, FAR)) continue;
    const lox = G[w + 8] * ex + G[w + 9] * ey + G[w + 10] * ez;
    const loy = G[w + 12] * ex + G[w + 13] * ey + G[w + 14] * ez;
    const loz = G[w + 16] * ex + G[w + 17] * ey + G[w + 18] * ez;
    const ldx = G[w + 8] * dx + G[w + 9] * dy + G[w + 10] * dz;
    const ldy = G[w + 12] * dx + G[w + 13] * dy + G[w + 14] * dz;
    const ldz = G[w + 16] * dx + G[w + 17] * dy + G[w + 18] * dz;
    hit(h, G[w + 7], lox, loy, loz, ldx, ldy, ldz, G[w + 24], G[w + 25], G[w + 26]);
    if (h[0] < FAR) return true;
  }
  return false;
}

const channel = (c: number): number => Math.round(Math.min(Math.max(c, 0), 1) * 255);

/** Renders packed scenes into [B, H, W, 3] bytes: every geom tested for every ray. */
export function rayCastReference(packed: PackedScenes, shadows: boolean): Uint8Array {
  const { count, width: W, height: H, scenes: S, geoms: G } = packed;
  const SU = new Uint32Array(S.buffer, S.byteOffset, S.length);
  const out = new Uint8Array(count * H * W * 3);
  const h: Hit = new Float64Array(4);
  for (let b = 0; b < count; b++) {
    const s4 = b * SCENE_VEC4 * 4;
    const [cx, cy, cz, tanHalf] = [S[s4], S[s4 + 1], S[s4 + 2], S[s4 + 3]];
    const [rx, ry, rz, ux, uy, uz, fx, fy, fz] = [S[s4 + 4], S[s4 + 5], S[s4 + 6], S[s4 + 8], S[s4 + 9], S[s4 + 10], S[s4 + 12], S[s4 + 13], S[s4 + 14]];
    const [Lx, Ly, Lz] = [S[s4 + 16], S[s4 + 17], S[s4 + 18]];
    const first = SU[s4 + 7];
    const planes = SU[s4 + 11];
    const total = planes + SU[s4 + 15];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = (((x + 0.5) / W) * 2 - 1) * tanHalf * (W / H);
        const v = (1 - ((y + 0.5) / H) * 2) * tanHalf;
        let dx = fx + u * rx + v * ux;
        let dy = fy + u * ry + v * uy;
        let dz = fz + u * rz + v * uz;
        const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
        dx /= len;
        dy /= len;
        dz /= len;
        let best = FAR;
        let n1 = 0;
        let n2 = 0;
        let n3 = 0;
        let hw = -1;
        for (let k = 0; k < total; k++) {
          const w = (first + k) * GEOM_VEC4 * 4;
          if (k === planes && !meets(S[s4 + 20], S[s4 + 21], S[s4 + 22], S[s4 + 23], dx, dy, dz, best)) break;
          if (k >= planes && !meets(G[w], G[w + 1], G[w + 2], G[w + 3], dx, dy, dz, best)) continue;
          const ldx = G[w + 8] * dx + G[w + 9] * dy + G[w + 10] * dz;
          const ldy = G[w + 12] * dx + G[w + 13] * dy + G[w + 14] * dz;
          const ldz = G[w + 16] * dx + G[w + 17] * dy + G[w + 18] * dz;
          if (k < planes) planeHit(h, G[w + 4], G[w + 5], G[w + 6], ldx, ldy, ldz, G[w + 24], G[w + 25]);
          else hit(h, G[w + 7], G[w + 4], G[w + 5], G[w + 6], ldx, ldy, ldz, G[w + 24], G[w + 25], G[w + 26]);
          if (h[0] < best) {
            best = h[0];
            n1 = h[1];
            n2 = h[2];
            n3 = h[3];
            hw = w;
          }
        }
        const o = ((b * H + y) * W + x) * 3;
        if (hw < 0) {
          const sky = 0.5 + 0.5 * dz;
          for (let k = 0; k < 3; k++) out[o + k] = channel(SKY[k] * sky);
          continue;
        }
        const px = cx + best * dx;
        const py = cy + best * dy;
        const pz = cz + best * dz;
        let nx = G[hw + 8] * n1 + G[hw + 12] * n2 + G[hw + 16] * n3;
        let ny = G[hw + 9] * n1 + G[hw + 13] * n2 + G[hw + 17] * n3;
        let nz = G[hw + 10] * n1 + G[hw + 14] * n2 + G[hw + 18] * n3;
        const nl = Math.sqrt(nx * nx + ny * ny + nz * nz);
        const flip = nx * dx + ny * dy + nz * dz > 0 ? -nl : nl;
        nx /= flip;
        ny /= flip;
        nz /= flip;
        let ar = G[hw + 28];
        let ag = G[hw + 29];
        let ab = G[hw + 30];
        const cell = G[hw + 27];
        if (cell > 0) {
          const ex = px - G[hw + 20];
          const ey = py - G[hw + 21];
          const ez = pz - G[hw + 22];
          const qx = Math.floor((G[hw + 8] * ex + G[hw + 9] * ey + G[hw + 10] * ez) / cell);
          const qy = Math.floor((G[hw + 12] * ex + G[hw + 13] * ey + G[hw + 14] * ez) / cell);
          const tone = ((qx + qy) & 1) !== 0 ? CHECKER_B : CHECKER_A;
          ar *= tone[0];
          ag *= tone[1];
          ab *= tone[2];
        }
        let lit = Math.max(-(nx * Lx + ny * Ly + nz * Lz), 0);
        if (shadows && lit > 0) {
          const shaded = occluded(G, px + nx * SHADOW_LIFT, py + ny * SHADOW_LIFT, pz + nz * SHADOW_LIFT, -Lx, -Ly, -Lz, S, s4, first, planes, total, h);
          if (shaded) lit = 0;
        }
        const head = HEADLIGHT * Math.max(-(nx * fx + ny * fy + nz * fz), 0);
        out[o] = channel(ar * (S[s4 + 28] + head + lit * S[s4 + 24]));
        out[o + 1] = channel(ag * (S[s4 + 29] + head + lit * S[s4 + 25]));
        out[o + 2] = channel(ab * (S[s4 + 30] + head + lit * S[s4 + 26]));
      }
    }
  }
  return out;
}

/** Renders scenes on the CPU: [B, H, W, 3] bytes, row 0 at the top. */
export function renderCpu(scenes: readonly Scene[], options: RenderOptions = {}): Uint8Array {
  const { cameras = 0, width = 64, height = 64, shadows = true } = options;
  return rayCastCulled(packScenes(scenes, cameras, width, height), shadows);
}

/** renderCpu through the reference loop (rayCastReference): the same bytes, slower; for tests. */
export function renderCpuReference(scenes: readonly Scene[], options: RenderOptions = {}): Uint8Array {
  const { cameras = 0, width = 64, height = 64, shadows = true } = options;
  return rayCastReference(packScenes(scenes, cameras, width, height), shadows);
}
