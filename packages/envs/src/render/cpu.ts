/**
 * The CPU reference of the ray caster: the same algorithm as raycast.wgsl.ts, line for line, on
 * the same packed words (pack.ts), in float64. For tests, and for machines without WebGPU.
 * Keep the two in step: renderer.gpu.test.ts compares them pixel by pixel.
 */
import { CHECKER_A, CHECKER_B, HEADLIGHT, SHADOW_LIFT, SKY, T_MIN } from './look.ts';
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

const FAR = 1e30;
type V = [number, number, number];
/** The hit being built: t, then the local normal. */
type Hit = [number, number, number, number];

function miss(h: Hit): Hit {
  h[0] = FAR;
  return h;
}

function sphereHit(h: Hit, ox: number, oy: number, oz: number, d: V, r: number): Hit {
  const b = ox * d[0] + oy * d[1] + oz * d[2];
  const disc = b * b - (ox * ox + oy * oy + oz * oz - r * r);
  if (disc < 0) return miss(h);
  const t = -b - Math.sqrt(disc);
  if (t < T_MIN) return miss(h);
  h[0] = t;
  h[1] = (ox + t * d[0]) / r;
  h[2] = (oy + t * d[1]) / r;
  h[3] = (oz + t * d[2]) / r;
  return h;
}

function ellipsoidHit(h: Hit, o: V, d: V, s: V): Hit {
  const os = [o[0] / s[0], o[1] / s[1], o[2] / s[2]];
  const ds = [d[0] / s[0], d[1] / s[1], d[2] / s[2]];
  const a = ds[0] * ds[0] + ds[1] * ds[1] + ds[2] * ds[2];
  const b = os[0] * ds[0] + os[1] * ds[1] + os[2] * ds[2];
  const disc = b * b - a * (os[0] * os[0] + os[1] * os[1] + os[2] * os[2] - 1);
  if (disc < 0) return miss(h);
  const t = (-b - Math.sqrt(disc)) / a;
  if (t < T_MIN) return miss(h);
  const n = [0, 1, 2].map((k) => (o[k] + t * d[k]) / (s[k] * s[k]));
  const len = Math.hypot(n[0], n[1], n[2]);
  h[0] = t;
  h[1] = n[0] / len;
  h[2] = n[1] / len;
  h[3] = n[2] / len;
  return h;
}

/** As side_hit in the kernel: a hit on the side within |z| ≤ hl, or the end to try (null: no hit at all). */
function sideHit(h: Hit, o: V, d: V, r: number, hl: number): number | null {
  h[0] = FAR;
  const a = d[0] * d[0] + d[1] * d[1];
  const b = o[0] * d[0] + o[1] * d[1];
  const disc = b * b - a * (o[0] * o[0] + o[1] * o[1] - r * r);
  if (disc < 0) return null;
  if (a < 1e-12) return d[2] > 0 ? -hl : hl;
  const t = (-b - Math.sqrt(disc)) / a;
  const z = o[2] + t * d[2];
  if (Math.abs(z) <= hl) {
    if (t >= T_MIN) {
      h[0] = t;
      h[1] = (o[0] + t * d[0]) / r;
      h[2] = (o[1] + t * d[1]) / r;
      h[3] = 0;
    }
    return null;
  }
  return z > 0 ? hl : -hl;
}

function capsuleHit(h: Hit, o: V, d: V, r: number, hl: number): Hit {
  const end = sideHit(h, o, d, r, hl);
  return end === null ? h : sphereHit(h, o[0], o[1], o[2] - end, d, r);
}

function cylinderHit(h: Hit, o: V, d: V, r: number, hl: number): Hit {
  const end = sideHit(h, o, d, r, hl);
  if (end === null || Math.abs(d[2]) < 1e-12) return h;
  const t = (end - o[2]) / d[2];
  const px = o[0] + t * d[0];
  const py = o[1] + t * d[1];
  if (t < T_MIN || px * px + py * py > r * r) return miss(h);
  h[0] = t;
  h[1] = 0;
  h[2] = 0;
  h[3] = Math.sign(end);
  return h;
}

const inv = (x: number): number => 1 / (Math.abs(x) < 1e-20 ? (x >= 0 ? 1e-20 : -1e-20) : x);

function boxHit(h: Hit, o: V, d: V, s: V): Hit {
  const tn: number[] = [];
  let tfar = Infinity;
  for (let k = 0; k < 3; k++) {
    const i = inv(d[k]);
    const t1 = (-s[k] - o[k]) * i;
    const t2 = (s[k] - o[k]) * i;
    tn.push(Math.min(t1, t2));
    tfar = Math.min(tfar, Math.max(t1, t2));
  }
  const t = Math.max(tn[0], tn[1], tn[2]);
  if (t > tfar || t < T_MIN) return miss(h);
  const axis = t === tn[0] ? 0 : t === tn[1] ? 1 : 2;
  h[0] = t;
  h[1] = h[2] = h[3] = 0;
  h[1 + axis] = -Math.sign(d[axis]);
  return h;
}

function planeHit(h: Hit, o: V, d: V, s: V): Hit {
  if (d[2] > -1e-12) return miss(h);
  const t = -o[2] / d[2];
  const px = o[0] + t * d[0];
  const py = o[1] + t * d[1];
  if (t < T_MIN || (s[0] > 0 && Math.abs(px) > s[0]) || (s[1] > 0 && Math.abs(py) > s[1])) return miss(h);
  h[0] = t;
  h[1] = 0;
  h[2] = 0;
  h[3] = 1;
  return h;
}

function hit(h: Hit, kind: number, o: V, d: V, s: V): Hit {
  switch (kind) {
    case 0:
      return planeHit(h, o, d, s);
    case 1:
      return sphereHit(h, o[0], o[1], o[2], d, s[0]);
    case 2:
      return capsuleHit(h, o, d, s[0], s[1]);
    case 3:
      return ellipsoidHit(h, o, d, s);
    case 4:
      return cylinderHit(h, o, d, s[0], s[1]);
    default:
      return boxHit(h, o, d, s);
  }
}

/** Reads vec4 `k` of a packed array. */
const vec = (a: Float32Array, k: number): [number, number, number, number] => [a[4 * k], a[4 * k + 1], a[4 * k + 2], a[4 * k + 3]];
const dot3 = (a: readonly number[], b: readonly number[]): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function toLocal(G: Float32Array, g: number, v: readonly number[]): V {
  return [dot3(vec(G, g + 2), v), dot3(vec(G, g + 3), v), dot3(vec(G, g + 4), v)];
}

function meets(bs: readonly number[], d: V, tmax: number): boolean {
  const b = dot3(bs, d);
  const disc = b * b - bs[3];
  if (disc < 0) return false;
  const q = Math.sqrt(disc);
  return -b + q > 0 && -b - q < tmax;
}

function occluded(G: Float32Array, o: V, d: V, cam: readonly number[], bs: readonly number[], first: number, planes: number, count: number, h: Hit): boolean {
  const rel = [0, 1, 2].map((k) => o[k] - cam[k] + bs[k]);
  const n = meets([...rel, dot3(rel, rel) - dot3(bs, bs) + bs[3]], d, FAR) ? count : planes;
  for (let k = 0; k < n; k++) {
    const g = (first + k) * GEOM_VEC4;
    const c = vec(G, g + 5);
    const rel: V = [o[0] - c[0], o[1] - c[1], o[2] - c[2]];
    if (k >= planes && !meets([...rel, dot3(rel, rel) - c[3] * c[3]], d, FAR)) continue;
    if (hit(h, G[4 * (g + 1) + 3], toLocal(G, g, rel), toLocal(G, g, d), vec(G, g + 6).slice(0, 3) as V)[0] < FAR) return true;
  }
  return false;
}

/** Renders packed scenes into [B, H, W, 3] bytes. */
export function rayCastPacked(packed: PackedScenes, shadows: boolean): Uint8Array {
  const { count, width: W, height: H, scenes: S, geoms: G } = packed;
  const SU = new Uint32Array(S.buffer, S.byteOffset, S.length);
  const out = new Uint8Array(count * H * W * 3);
  const h: Hit = [FAR, 0, 0, 0];
  const best: Hit = [FAR, 0, 0, 0];
  for (let b = 0; b < count; b++) {
    const s = b * SCENE_VEC4;
    const cam = vec(S, s);
    const right = vec(S, s + 1);
    const up = vec(S, s + 2);
    const fwd = vec(S, s + 3);
    const L = vec(S, s + 4);
    const first = SU[4 * (s + 1) + 3];
    const planes = SU[4 * (s + 2) + 3];
    const total = planes + SU[4 * (s + 3) + 3];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = (((x + 0.5) / W) * 2 - 1) * cam[3] * (W / H);
        const v = (1 - ((y + 0.5) / H) * 2) * cam[3];
        const raw = [0, 1, 2].map((k) => fwd[k] + u * right[k] + v * up[k]);
        const len = Math.hypot(raw[0], raw[1], raw[2]);
        const d: V = [raw[0] / len, raw[1] / len, raw[2] / len];
        best[0] = FAR;
        let hg = -1;
        const take = (g: number): void => {
          if (h[0] < best[0]) {
            best.splice(0, 4, ...h);
            hg = g;
          }
        };
        for (let k = 0; k < planes; k++) {
          const g = (first + k) * GEOM_VEC4;
          planeHit(h, vec(G, g + 1).slice(0, 3) as V, toLocal(G, g, d), vec(G, g + 6).slice(0, 3) as V);
          take(g);
        }
        if (total > planes && meets(vec(S, s + 5), d, best[0])) {
          for (let k = planes; k < total; k++) {
            const g = (first + k) * GEOM_VEC4;
            if (!meets(vec(G, g), d, best[0])) continue;
            const lo = vec(G, g + 1);
            hit(h, lo[3], lo.slice(0, 3) as V, toLocal(G, g, d), vec(G, g + 6).slice(0, 3) as V);
            take(g);
          }
        }
        let col = SKY.map((c) => c * (0.5 + 0.5 * d[2]));
        if (hg >= 0) {
          const p: V = [cam[0] + best[0] * d[0], cam[1] + best[0] * d[1], cam[2] + best[0] * d[2]];
          const a0 = vec(G, hg + 2);
          const a1 = vec(G, hg + 3);
          const a2 = vec(G, hg + 4);
          let n = [0, 1, 2].map((k) => a0[k] * best[1] + a1[k] * best[2] + a2[k] * best[3]);
          const nl = Math.hypot(n[0], n[1], n[2]);
          n = n.map((c) => c / nl);
          if (dot3(n, d) > 0) n = n.map((c) => -c);
          let albedo: readonly number[] = vec(G, hg + 7);
          const cell = G[4 * (hg + 6) + 3];
          if (cell > 0) {
            const c = vec(G, hg + 5);
            const q = toLocal(G, hg, [p[0] - c[0], p[1] - c[1], p[2] - c[2]]).map((z) => Math.floor(z / cell));
            const tone = ((q[0] + q[1]) & 1) !== 0 ? CHECKER_B : CHECKER_A;
            albedo = albedo.map((a, k) => a * tone[k]);
          }
          let lit = Math.max(-dot3(n, L), 0);
          const lift: V = [p[0] + n[0] * SHADOW_LIFT, p[1] + n[1] * SHADOW_LIFT, p[2] + n[2] * SHADOW_LIFT];
          if (shadows && lit > 0 && occluded(G, lift, [-L[0], -L[1], -L[2]], cam, vec(S, s + 5), first, planes, total, h)) lit = 0;
          const diffuse = vec(S, s + 6);
          const ambient = vec(S, s + 7);
          const head = HEADLIGHT * Math.max(-dot3(n, fwd), 0);
          col = [0, 1, 2].map((k) => albedo[k] * (ambient[k] + head + lit * diffuse[k]));
        }
        const o = ((b * H + y) * W + x) * 3;
        for (let k = 0; k < 3; k++) out[o + k] = Math.round(Math.min(Math.max(col[k], 0), 1) * 255);
      }
    }
  }
  return out;
}

/** Renders scenes on the CPU: [B, H, W, 3] bytes, row 0 at the top. */
export function renderCpu(scenes: readonly Scene[], options: RenderOptions = {}): Uint8Array {
  const { cameras = 0, width = 64, height = 64, shadows = true } = options;
  return rayCastPacked(packScenes(scenes, cameras, width, height), shadows);
}
