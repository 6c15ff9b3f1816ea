/**
 * The CPU ray caster as renderCpu runs it: the reference (cpu.ts, rayCastReference) with the work
 * that cannot change a pixel left out, so every frame is the reference's byte for byte
 * (cpu_culled.test.ts compares them over episodes of every task and on hand-made corner cases).
 *
 * Per scene, before the pixel loop:
 * - each non-plane geom's screen rectangle: the projection of its oriented bounding box (and of
 *   its bounding sphere), widened by a pixel. A primary ray is tested only against the geoms whose
 *   rectangle holds its pixel, which are the only ones it can hit; they are kept per image row.
 * - each non-plane geom's footprint seen along the light: a shadow ray travels along −L, so it can
 *   only meet geoms whose projection onto the plane across L covers its origin and that do not lie
 *   wholly behind it. The footprints sit in a coarse grid, so a shadow ray looks at one cell.
 * - the primary ray directions, which depend only on the camera's orientation, field of view and
 *   image size: kept between frames (trackcom and fixed cameras keep their orientation), with the
 *   sky's bytes along each.
 * - each plane's unit normal, direct light and its four possible colours (two checker tones, lit
 *   or shaded), computed with the reference's own expressions, so a plane pixel only finds its tone
 *   and its shadow.
 * - the plane cache: a camera, image size, light and set of planes seen before (fixed cameras) keep
 *   the planes-and-sky frame, with each lit pixel's shadow origin in light space. A pixel that no
 *   geom rectangle covers and whose shadow origin no footprint covers is exactly that frame's.
 * The tests that remain are the reference's own, in its order (the scene-sphere gate, each geom's
 * bounding sphere, the hit), on the same float32 words in float64, so the nearest hit, its ties
 * and the shadow decision come out the same.
 */
import { CHECKER_A, CHECKER_B, HEADLIGHT, SHADOW_LIFT, SKY } from './look.ts';
import { FAR, hit, planeHit, type Hit } from './cpu_hits.ts';
import { GEOM_VEC4, SCENE_VEC4, type PackedScenes } from './pack.ts';

/** Does the ray along d meet the sphere given as (o − centre, |o − centre|² − R²) at some 0 < t < tmax? (as cpu.ts) */
function meets(bx: number, by: number, bz: number, bw: number, dx: number, dy: number, dz: number, tmax: number): boolean {
  const b = bx * dx + by * dy + bz * dz;
  const disc = b * b - bw;
  if (disc < 0) return false;
  const q = Math.sqrt(disc);
  return -b + q > 0 && -b - q < tmax;
}

const channel = (c: number): number => Math.round(Math.min(Math.max(c, 0), 1) * 255);

/** Light-space grid cells per side. */
const CELLS = 8;
/** Slack on light-space footprints (metres): far above float64 rounding, far below any geom. */
const SLACK = 1e-6;

/** Scratch, grown as needed and reused between calls (the pixel loop allocates nothing). */
let cap = 0;
let rows = 0;
let X0 = new Int32Array(0);
let X1 = new Int32Array(0);
let Y0 = new Int32Array(0);
let Y1 = new Int32Array(0);
/** Per non-plane geom: light-space a-range, b-range, and the farthest reach along −L. */
let FA0 = new Float64Array(0);
let FA1 = new Float64Array(0);
let FB0 = new Float64Array(0);
let FB1 = new Float64Array(0);
let FUP = new Float64Array(0);
let rowStart = new Int32Array(0);
let rowList = new Int32Array(0);
const cellStart = new Int32Array(CELLS * CELLS + 1);
let cellList = new Int32Array(0);

function reserve(geoms: number, height: number): void {
  if (geoms > cap) {
    cap = Math.max(geoms, 2 * cap);
    [X0, X1, Y0, Y1] = [new Int32Array(cap), new Int32Array(cap), new Int32Array(cap), new Int32Array(cap)];
    [FA0, FA1, FB0, FB1, FUP] = [new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap)];
    cellList = new Int32Array(CELLS * CELLS * cap);
  }
  if (height + 1 > rowStart.length || height * cap > rowList.length) {
    rows = Math.max(height, rows);
    rowStart = new Int32Array(rows + 1);
    rowList = new Int32Array(rows * cap);
  }
}

/** Unit primary-ray directions [H·W·3] for a camera basis and image, as the reference computes them, and the sky's bytes along each. */
interface Directions {
  key: Float64Array;
  dirs: Float64Array;
  sky: Uint8Array;
}
const directionCache: Directions[] = [];

function directions(S: Float32Array, s4: number, W: number, H: number): Directions {
  const tanHalf = S[s4 + 3];
  const [rx, ry, rz, ux, uy, uz, fx, fy, fz] = [S[s4 + 4], S[s4 + 5], S[s4 + 6], S[s4 + 8], S[s4 + 9], S[s4 + 10], S[s4 + 12], S[s4 + 13], S[s4 + 14]];
  for (let i = directionCache.length - 1; i >= 0; i--) {
    const k = directionCache[i].key;
    if (k[0] === W && k[1] === H && k[2] === tanHalf && k[3] === rx && k[4] === ry && k[5] === rz && k[6] === ux && k[7] === uy && k[8] === uz && k[9] === fx && k[10] === fy && k[11] === fz) {
      return directionCache[i];
    }
  }
  const dirs = new Float64Array(W * H * 3);
  const sky = new Uint8Array(W * H * 3);
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
      const o = (y * W + x) * 3;
      dirs[o] = dx;
      dirs[o + 1] = dy;
      dirs[o + 2] = dz;
      const shade = 0.5 + 0.5 * dz;
      for (let k = 0; k < 3; k++) sky[o + k] = channel(SKY[k] * shade);
    }
  }
  if (directionCache.length >= 8) directionCache.shift();
  const entry = { key: Float64Array.of(W, H, tanHalf, rx, ry, rz, ux, uy, uz, fx, fy, fz), dirs, sky };
  directionCache.push(entry);
  return entry;
}

/** Half-extents of a geom's local bounding box, by type code (pack.ts TYPE_CODE), into out[0..2]. */
function halfExtents(kind: number, sx: number, sy: number, sz: number, out: Float64Array): void {
  switch (kind) {
    case 1: // sphere
      out[0] = out[1] = out[2] = sx;
      return;
    case 2: // capsule: radius, half-length of the cylinder part
      out[0] = out[1] = sx;
      out[2] = sy + sx;
      return;
    case 4: // cylinder
      out[0] = out[1] = sx;
      out[2] = sy;
      return;
    default: // ellipsoid, box
      out[0] = sx;
      out[1] = sy;
      out[2] = sz;
  }
}

const ext = new Float64Array(3);
const hitScratch: Hit = new Float64Array(4);

/**
 * Pixel rectangle (inclusive, clamped) of non-plane geom j at word w, into X0/X1/Y0/Y1[j]; an
 * empty one (x0 > x1) when it is wholly off screen. Whole screen when it reaches behind the camera.
 */
function screenRect(G: Float32Array, w: number, j: number, cx: number, cy: number, cz: number, rx: number, ry: number, rz: number, ux: number, uy: number, uz: number, fx: number, fy: number, fz: number, tanHalf: number, W: number, H: number): void {
  halfExtents(G[w + 7], G[w + 24], G[w + 25], G[w + 26], ext);
  const px = G[w + 20] - cx;
  const py = G[w + 21] - cy;
  const pz = G[w + 22] - cz;
  const R = G[w + 23];
  // Centre and half-axes in camera coordinates (right, up, forward).
  const X = px * rx + py * ry + pz * rz;
  const Y = px * ux + py * uy + pz * uz;
  const Z = px * fx + py * fy + pz * fz;
  let reachZ = 0;
  for (let i = 0; i < 3; i++) {
    const a = w + 8 + 4 * i;
    reachZ += ext[i] * Math.abs(G[a] * fx + G[a + 1] * fy + G[a + 2] * fz);
  }
  const near = 1e-3;
  let umin = -Infinity;
  let umax = Infinity;
  let vmin = -Infinity;
  let vmax = Infinity;
  if (Z - reachZ > near) {
    // The box's 8 corners: their projections' hull holds the box's projection.
    umin = vmin = Infinity;
    umax = vmax = -Infinity;
    for (let c = 0; c < 8; c++) {
      let qx = X;
      let qy = Y;
      let qz = Z;
      for (let i = 0; i < 3; i++) {
        const a = w + 8 + 4 * i;
        const s = (c >> i) & 1 ? ext[i] : -ext[i];
        qx += s * (G[a] * rx + G[a + 1] * ry + G[a + 2] * rz);
        qy += s * (G[a] * ux + G[a + 1] * uy + G[a + 2] * uz);
        qz += s * (G[a] * fx + G[a + 1] * fy + G[a + 2] * fz);
      }
      const u = qx / qz;
      const v = qy / qz;
      if (u < umin) umin = u;
      if (u > umax) umax = u;
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
    }
  }
  if (Z - R > near) {
    // The bounding sphere's silhouette: tangent planes through the camera's x (then y) axis.
    const d = Z * Z - R * R;
    const ru = R * Math.sqrt(X * X + d);
    const rv = R * Math.sqrt(Y * Y + d);
    umin = Math.max(umin, (X * Z - ru) / d);
    umax = Math.min(umax, (X * Z + ru) / d);
    vmin = Math.max(vmin, (Y * Z - rv) / d);
    vmax = Math.min(vmax, (Y * Z + rv) / d);
  }
  // u = ((x + .5)/W·2 − 1)·tanHalf·W/H  and  v = (1 − (y + .5)/H·2)·tanHalf, inverted; one pixel of slack.
  const su = tanHalf * (W / H);
  const x0 = Math.max(0, Math.floor(((umin / su + 1) / 2) * W - 0.5) - 1);
  const x1 = Math.min(W - 1, Math.ceil(((umax / su + 1) / 2) * W - 0.5) + 1);
  const y0 = Math.max(0, Math.floor(((1 - vmax / tanHalf) / 2) * H - 0.5) - 1);
  const y1 = Math.min(H - 1, Math.ceil(((1 - vmin / tanHalf) / 2) * H - 0.5) + 1);
  // NaN bounds (a degenerate camera) fall back to the whole screen.
  X0[j] = x0 === x0 ? x0 : 0;
  X1[j] = x1 === x1 ? x1 : W - 1;
  Y0[j] = y0 === y0 ? y0 : 0;
  Y1[j] = y1 === y1 ? y1 : H - 1;
}

/** Per plane of the scene being drawn: unit normal, its direct light, whether shadow rays can meet it, and its colours. */
let PN = new Float64Array(0);
let PLIT = new Float64Array(0);
let PSHADE = new Uint8Array(0);
/** 12 bytes per plane: rgb for [tone A lit, tone A shaded, tone B lit, tone B shaded] (no checker: A = B). */
let PCOL = new Uint8Array(0);

/**
 * What a fixed camera sees of the planes and sky, kept between frames: a pixel that no non-plane
 * geom's rectangle covers and whose shadow origin no non-plane footprint covers is exactly this.
 * Keyed by everything that enters it (image size, shadows, camera, light, the planes' words).
 */
interface PlaneCache {
  key: Float64Array;
  /** Built on the second sighting of a key (a moving camera makes a new key every frame). */
  bytes: Uint8Array | null;
  /** 1 where the pixel is lit by the light, so a non-plane geom could shade it. */
  check: Uint8Array;
  /** Shadow origin per checked pixel: (a, b, along −L). */
  origin: Float64Array;
}
const PLANE_CACHE_SIZE = 16;
const planeCaches: PlaneCache[] = [];
let keyScratch = new Float64Array(0);
const SCENE_KEY_WORDS = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 24, 25, 26, 28, 29, 30];

function planeCache(S: Float32Array, s4: number, G: Float32Array, first: number, planes: number, W: number, H: number, shadows: boolean): { cache: PlaneCache; build: boolean } {
  const n = 4 + SCENE_KEY_WORDS.length + planes * GEOM_VEC4 * 4;
  if (keyScratch.length < n) keyScratch = new Float64Array(n);
  const key = keyScratch;
  key[0] = W;
  key[1] = H;
  key[2] = shadows ? 1 : 0;
  key[3] = planes;
  for (let i = 0; i < SCENE_KEY_WORDS.length; i++) key[4 + i] = S[s4 + SCENE_KEY_WORDS[i]];
  const g0 = first * GEOM_VEC4 * 4;
  for (let i = 0, at = 4 + SCENE_KEY_WORDS.length; i < planes * GEOM_VEC4 * 4; i++) key[at + i] = G[g0 + i];
  search: for (let c = planeCaches.length - 1; c >= 0; c--) {
    const k = planeCaches[c].key;
    if (k.length !== n) continue;
    for (let i = 0; i < n; i++) if (k[i] !== key[i]) continue search;
    const cache = planeCaches[c];
    if (cache.bytes) return { cache, build: false };
    cache.bytes = new Uint8Array(W * H * 3);
    cache.check = new Uint8Array(W * H);
    cache.origin = new Float64Array(W * H * 3);
    return { cache, build: true };
  }
  if (planeCaches.length >= PLANE_CACHE_SIZE) planeCaches.shift();
  const cache = { key: key.slice(0, n), bytes: null, check: new Uint8Array(0), origin: new Float64Array(0) };
  planeCaches.push(cache);
  return { cache, build: false };
}

/** Renders packed scenes into [B, H, W, 3] bytes (into `out` when given), byte for byte as rayCastReference. */
export function rayCastCulled(packed: PackedScenes, shadows: boolean, out?: Uint8Array): Uint8Array {
  const { count, width: W, height: H } = packed;
  out ??= new Uint8Array(count * H * W * 3);
  if (out.length < count * H * W * 3) throw new RangeError(`render: output of ${out.length} bytes for ${count}×${H}×${W}×3`);
  const SU = new Uint32Array(packed.scenes.buffer, packed.scenes.byteOffset, packed.scenes.length);
  for (let b = 0; b < count; b++) {
    const s4 = b * SCENE_VEC4 * 4;
    const { cache, build } = planeCache(packed.scenes, s4, packed.geoms, SU[s4 + 7], SU[s4 + 11], W, H, shadows);
    if (build) traceScene(packed, SU, b, shadows, cache.bytes!, 0, cache, true);
    traceScene(packed, SU, b, shadows, out, b * H * W * 3, cache.bytes ? cache : null, false);
  }
  return out;
}

/**
 * Draws scene b into target[base…]. With `cache` and not `build`, pixels the cache holds are
 * copied from it. With `build`, draws the planes and sky alone into the cache (non-plane geoms
 * left out of both the primary and the shadow rays) and records which pixels are lit and where
 * their shadow rays start.
 */
function traceScene(packed: PackedScenes, SU: Uint32Array, b: number, shadows: boolean, target: Uint8Array, base: number, cache: PlaneCache | null, build: boolean): void {
  const { width: W, height: H, scenes: S, geoms: G } = packed;
  const h = hitScratch;
  const s4 = b * SCENE_VEC4 * 4;
  const [cx, cy, cz, tanHalf] = [S[s4], S[s4 + 1], S[s4 + 2], S[s4 + 3]];
  const [rx, ry, rz, ux, uy, uz, fx, fy, fz] = [S[s4 + 4], S[s4 + 5], S[s4 + 6], S[s4 + 8], S[s4 + 9], S[s4 + 10], S[s4 + 12], S[s4 + 13], S[s4 + 14]];
  const [Lx, Ly, Lz] = [S[s4 + 16], S[s4 + 17], S[s4 + 18]];
  const [sbx, sby, sbz, sbw] = [S[s4 + 20], S[s4 + 21], S[s4 + 22], S[s4 + 23]];
  const sdx = -Lx;
  const sdy = -Ly;
  const sdz = -Lz;
  const first = SU[s4 + 7];
  const planes = SU[s4 + 11];
  const m = build ? 0 : SU[s4 + 15];
  const { dirs, sky } = directions(S, s4, W, H);
  const bytes = cache && !build ? cache.bytes! : null;
  const check = cache ? cache.check : null;
  const origin = cache ? cache.origin : null;
  reserve(m, H);

  // Screen rectangles, then per row the geoms whose rectangle spans it (in geom order).
  for (let j = 0; j < m; j++) screenRect(G, (first + planes + j) * GEOM_VEC4 * 4, j, cx, cy, cz, rx, ry, rz, ux, uy, uz, fx, fy, fz, tanHalf, W, H);
  let n = 0;
  for (let y = 0; y < H; y++) {
    rowStart[y] = n;
    for (let j = 0; j < m; j++) if (Y0[j] <= y && y <= Y1[j] && X0[j] <= X1[j]) rowList[n++] = j;
  }
  rowStart[H] = n;

  // Light-space footprints: a ⟂ L, b = L × a; the shadow ray runs along −L.
  const helper = Math.abs(Lx) <= Math.abs(Ly) && Math.abs(Lx) <= Math.abs(Lz) ? 0 : Math.abs(Ly) <= Math.abs(Lz) ? 1 : 2;
  // a = L × e(helper), normalised.
  let ax = helper === 0 ? 0 : helper === 1 ? -Lz : Ly;
  let ay = helper === 0 ? Lz : helper === 1 ? 0 : -Lx;
  let az = helper === 0 ? -Ly : helper === 1 ? Lx : 0;
  const al = Math.sqrt(ax * ax + ay * ay + az * az);
  ax /= al;
  ay /= al;
  az /= al;
  const bx = Ly * az - Lz * ay;
  const by = Lz * ax - Lx * az;
  const bz = Lx * ay - Ly * ax;
  let amin = Infinity;
  let amax = -Infinity;
  let bmin = Infinity;
  let bmax = -Infinity;
  if (shadows) {
    for (let j = 0; j < m; j++) {
      const w = (first + planes + j) * GEOM_VEC4 * 4;
      halfExtents(G[w + 7], G[w + 24], G[w + 25], G[w + 26], ext);
      let ea = 0;
      let eb = 0;
      let el = 0;
      for (let i = 0; i < 3; i++) {
        const q = w + 8 + 4 * i;
        ea += ext[i] * Math.abs(G[q] * ax + G[q + 1] * ay + G[q + 2] * az);
        eb += ext[i] * Math.abs(G[q] * bx + G[q + 1] * by + G[q + 2] * bz);
        el += ext[i] * Math.abs(G[q] * Lx + G[q + 1] * Ly + G[q + 2] * Lz);
      }
      const R = G[w + 23];
      const pa = G[w + 20] * ax + G[w + 21] * ay + G[w + 22] * az;
      const pb = G[w + 20] * bx + G[w + 21] * by + G[w + 22] * bz;
      const pl = -(G[w + 20] * Lx + G[w + 21] * Ly + G[w + 22] * Lz);
      const ra = Math.min(ea, R) + SLACK * (1 + Math.abs(pa));
      const rb = Math.min(eb, R) + SLACK * (1 + Math.abs(pb));
      FA0[j] = pa - ra;
      FA1[j] = pa + ra;
      FB0[j] = pb - rb;
      FB1[j] = pb + rb;
      FUP[j] = pl + Math.min(el, R) + SLACK * (1 + Math.abs(pl));
      amin = Math.min(amin, FA0[j]);
      amax = Math.max(amax, FA1[j]);
      bmin = Math.min(bmin, FB0[j]);
      bmax = Math.max(bmax, FB1[j]);
    }
  }
  // Grid over the footprints' bounds; cell (i, k) lists the geoms overlapping it (cells widened a little).
  const ca = amax > amin ? CELLS / (amax - amin) : 0;
  const cb = bmax > bmin ? CELLS / (bmax - bmin) : 0;
  n = 0;
  for (let cell = 0; cell < CELLS * CELLS; cell++) {
    cellStart[cell] = n;
    if (ca === 0 || cb === 0) continue;
    const a0 = amin + (cell % CELLS) / ca - SLACK;
    const a1 = amin + ((cell % CELLS) + 1) / ca + SLACK;
    const b0 = bmin + ((cell / CELLS) | 0) / cb - SLACK;
    const b1 = bmin + (((cell / CELLS) | 0) + 1) / cb + SLACK;
    for (let j = 0; j < m; j++) if (FA0[j] <= a1 && FA1[j] >= a0 && FB0[j] <= b1 && FB1[j] >= b0) cellList[n++] = j;
  }
  cellStart[CELLS * CELLS] = n;

  // Planes: shading constants, computed as the pixel loop would for a plane hit (local normal +z).
  if (PLIT.length < planes) {
    [PN, PLIT, PSHADE, PCOL] = [new Float64Array(3 * planes), new Float64Array(planes), new Uint8Array(planes), new Uint8Array(12 * planes)];
  }
  for (let k = 0; k < planes; k++) {
    const w = (first + k) * GEOM_VEC4 * 4;
    const [n1, n2, n3] = [0, 0, 1];
    let nx = G[w + 8] * n1 + G[w + 12] * n2 + G[w + 16] * n3;
    let ny = G[w + 9] * n1 + G[w + 13] * n2 + G[w + 17] * n3;
    let nz = G[w + 10] * n1 + G[w + 14] * n2 + G[w + 18] * n3;
    // A plane is hit only from its front (local dz < 0), so the normal never flips.
    const nl = Math.sqrt(nx * nx + ny * ny + nz * nz);
    nx /= nl;
    ny /= nl;
    nz /= nl;
    PN[3 * k] = nx;
    PN[3 * k + 1] = ny;
    PN[3 * k + 2] = nz;
    const lit = Math.max(-(nx * Lx + ny * Ly + nz * Lz), 0);
    PLIT[k] = lit;
    PSHADE[k] = G[w + 16] * sdx + G[w + 17] * sdy + G[w + 18] * sdz > -1e-12 ? 0 : 1;
    const head = HEADLIGHT * Math.max(-(nx * fx + ny * fy + nz * fz), 0);
    const checker = G[w + 27] > 0;
    for (let t = 0; t < 2; t++) {
      const tone = t === 0 ? CHECKER_A : CHECKER_B;
      const ar = checker ? G[w + 28] * tone[0] : G[w + 28];
      const ag = checker ? G[w + 29] * tone[1] : G[w + 29];
      const ab = checker ? G[w + 30] * tone[2] : G[w + 30];
      for (let s = 0; s < 2; s++) {
        const l = s === 0 ? lit : 0;
        const o = 12 * k + 6 * t + 3 * s;
        PCOL[o] = channel(ar * (S[s4 + 28] + head + l * S[s4 + 24]));
        PCOL[o + 1] = channel(ag * (S[s4 + 29] + head + l * S[s4 + 25]));
        PCOL[o + 2] = channel(ab * (S[s4 + 30] + head + l * S[s4 + 26]));
      }
    }
  }

  for (let y = 0; y < H; y++) {
    const r0 = rowStart[y];
    const r1 = rowStart[y + 1];
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const o = base + p * 3;
      if (bytes) {
        let covered = false;
        for (let q = r0; q < r1; q++) {
          const j = rowList[q];
          if (x >= X0[j] && x <= X1[j]) {
            covered = true;
            break;
          }
        }
        if (!covered) {
          let under = false;
          if (check![p] && m > 0) {
            const pa = origin![3 * p];
            const pb = origin![3 * p + 1];
            const pl = origin![3 * p + 2];
            if (pa >= amin && pa <= amax && pb >= bmin && pb <= bmax) {
              const c = Math.min(CELLS - 1, ((pa - amin) * ca) | 0) + CELLS * Math.min(CELLS - 1, ((pb - bmin) * cb) | 0);
              for (let q = cellStart[c]; q < cellStart[c + 1]; q++) {
                const j = cellList[q];
                if (pa < FA0[j] || pa > FA1[j] || pb < FB0[j] || pb > FB1[j] || pl > FUP[j]) continue;
                under = true;
                break;
              }
            }
          }
          if (!under) {
            target[o] = bytes[3 * p];
            target[o + 1] = bytes[3 * p + 1];
            target[o + 2] = bytes[3 * p + 2];
            continue;
          }
        }
      }
      const dx = dirs[3 * p];
      const dy = dirs[3 * p + 1];
      const dz = dirs[3 * p + 2];
      let best = FAR;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      let hw = -1;
      let hk = -1;
      for (let k = 0; k < planes; k++) {
        const w = (first + k) * GEOM_VEC4 * 4;
        const ldx = G[w + 8] * dx + G[w + 9] * dy + G[w + 10] * dz;
        const ldy = G[w + 12] * dx + G[w + 13] * dy + G[w + 14] * dz;
        const ldz = G[w + 16] * dx + G[w + 17] * dy + G[w + 18] * dz;
        planeHit(h, G[w + 4], G[w + 5], G[w + 6], ldx, ldy, ldz, G[w + 24], G[w + 25]);
        if (h[0] < best) {
          best = h[0];
          hw = w;
          hk = k;
        }
      }
      let gated = false;
      for (let q = r0; q < r1; q++) {
        const j = rowList[q];
        if (x < X0[j] || x > X1[j]) continue;
        if (!gated) {
          gated = true;
          if (!meets(sbx, sby, sbz, sbw, dx, dy, dz, best)) break;
        }
        const w = (first + planes + j) * GEOM_VEC4 * 4;
        if (!meets(G[w], G[w + 1], G[w + 2], G[w + 3], dx, dy, dz, best)) continue;
        const ldx = G[w + 8] * dx + G[w + 9] * dy + G[w + 10] * dz;
        const ldy = G[w + 12] * dx + G[w + 13] * dy + G[w + 14] * dz;
        const ldz = G[w + 16] * dx + G[w + 17] * dy + G[w + 18] * dz;
        hit(h, G[w + 7], G[w + 4], G[w + 5], G[w + 6], ldx, ldy, ldz, G[w + 24], G[w + 25], G[w + 26]);
        if (h[0] < best) {
          best = h[0];
          n1 = h[1];
          n2 = h[2];
          n3 = h[3];
          hw = w;
          hk = -1;
        }
      }
      if (build) check![p] = 0;
      if (hw < 0) {
        target[o] = sky[3 * p];
        target[o + 1] = sky[3 * p + 1];
        target[o + 2] = sky[3 * p + 2];
        continue;
      }
      const px = cx + best * dx;
      const py = cy + best * dy;
      const pz = cz + best * dz;
      let nx: number;
      let ny: number;
      let nz: number;
      let lit: number;
      if (hk >= 0) {
        nx = PN[3 * hk];
        ny = PN[3 * hk + 1];
        nz = PN[3 * hk + 2];
        lit = PLIT[hk];
      } else {
        nx = G[hw + 8] * n1 + G[hw + 12] * n2 + G[hw + 16] * n3;
        ny = G[hw + 9] * n1 + G[hw + 13] * n2 + G[hw + 17] * n3;
        nz = G[hw + 10] * n1 + G[hw + 14] * n2 + G[hw + 18] * n3;
        const nl = Math.sqrt(nx * nx + ny * ny + nz * nz);
        const flip = nx * dx + ny * dy + nz * dz > 0 ? -nl : nl;
        nx /= flip;
        ny /= flip;
        nz /= flip;
        lit = Math.max(-(nx * Lx + ny * Ly + nz * Lz), 0);
      }
      const cell = G[hw + 27];
      let toneB = false;
      if (cell > 0) {
        const ex = px - G[hw + 20];
        const ey = py - G[hw + 21];
        const ez = pz - G[hw + 22];
        const qx = Math.floor((G[hw + 8] * ex + G[hw + 9] * ey + G[hw + 10] * ez) / cell);
        const qy = Math.floor((G[hw + 12] * ex + G[hw + 13] * ey + G[hw + 14] * ez) / cell);
        toneB = ((qx + qy) & 1) !== 0;
      }
      let shaded = false;
      if (shadows && lit > 0) {
        const ox = px + nx * SHADOW_LIFT;
        const oy = py + ny * SHADOW_LIFT;
        const oz = pz + nz * SHADOW_LIFT;
        // Planes first, as the reference (only those a ray along −L can meet from the front).
        for (let k = 0; k < planes && !shaded; k++) {
          if (PSHADE[k] === 0) continue;
          const w = (first + k) * GEOM_VEC4 * 4;
          const ex = ox - G[w + 20];
          const ey = oy - G[w + 21];
          const ez = oz - G[w + 22];
          const lox = G[w + 8] * ex + G[w + 9] * ey + G[w + 10] * ez;
          const loy = G[w + 12] * ex + G[w + 13] * ey + G[w + 14] * ez;
          const loz = G[w + 16] * ex + G[w + 17] * ey + G[w + 18] * ez;
          const ldx = G[w + 8] * sdx + G[w + 9] * sdy + G[w + 10] * sdz;
          const ldy = G[w + 12] * sdx + G[w + 13] * sdy + G[w + 14] * sdz;
          const ldz = G[w + 16] * sdx + G[w + 17] * sdy + G[w + 18] * sdz;
          planeHit(h, lox, loy, loz, ldx, ldy, ldz, G[w + 24], G[w + 25]);
          if (h[0] < FAR) shaded = true;
        }
        const pa = ox * ax + oy * ay + oz * az;
        const pb = ox * bx + oy * by + oz * bz;
        const pl = -(ox * Lx + oy * Ly + oz * Lz);
        if (build && !shaded) {
          check![p] = 1;
          origin![3 * p] = pa;
          origin![3 * p + 1] = pb;
          origin![3 * p + 2] = pl;
        }
        if (!shaded && m > 0 && pa >= amin && pa <= amax && pb >= bmin && pb <= bmax) {
          const c = Math.min(CELLS - 1, ((pa - amin) * ca) | 0) + CELLS * Math.min(CELLS - 1, ((pb - bmin) * cb) | 0);
          let gatedShadow = false;
          for (let q = cellStart[c]; q < cellStart[c + 1]; q++) {
            const j = cellList[q];
            if (pa < FA0[j] || pa > FA1[j] || pb < FB0[j] || pb > FB1[j] || pl > FUP[j]) continue;
            if (!gatedShadow) {
              gatedShadow = true;
              // The reference's scene-sphere gate, from this origin.
              const gx = ox - cx + sbx;
              const gy = oy - cy + sby;
              const gz = oz - cz + sbz;
              if (!meets(gx, gy, gz, gx * gx + gy * gy + gz * gz - (sbx * sbx + sby * sby + sbz * sbz) + sbw, sdx, sdy, sdz, FAR)) break;
            }
            const w = (first + planes + j) * GEOM_VEC4 * 4;
            const ex = ox - G[w + 20];
            const ey = oy - G[w + 21];
            const ez = oz - G[w + 22];
            const R = G[w + 23];
            if (!meets(ex, ey, ez, ex * ex + ey * ey + ez * ez - R * R, sdx, sdy, sdz, FAR)) continue;
            const lox = G[w + 8] * ex + G[w + 9] * ey + G[w + 10] * ez;
            const loy = G[w + 12] * ex + G[w + 13] * ey + G[w + 14] * ez;
            const loz = G[w + 16] * ex + G[w + 17] * ey + G[w + 18] * ez;
            const ldx = G[w + 8] * sdx + G[w + 9] * sdy + G[w + 10] * sdz;
            const ldy = G[w + 12] * sdx + G[w + 13] * sdy + G[w + 14] * sdz;
            const ldz = G[w + 16] * sdx + G[w + 17] * sdy + G[w + 18] * sdz;
            hit(h, G[w + 7], lox, loy, loz, ldx, ldy, ldz, G[w + 24], G[w + 25], G[w + 26]);
            if (h[0] < FAR) {
              shaded = true;
              break;
            }
          }
        }
      }
      if (hk >= 0) {
        const c = 12 * hk + (toneB ? 6 : 0) + (shaded ? 3 : 0);
        target[o] = PCOL[c];
        target[o + 1] = PCOL[c + 1];
        target[o + 2] = PCOL[c + 2];
        continue;
      }
      let ar = G[hw + 28];
      let ag = G[hw + 29];
      let ab = G[hw + 30];
      if (cell > 0) {
        const tone = toneB ? CHECKER_B : CHECKER_A;
        ar *= tone[0];
        ag *= tone[1];
        ab *= tone[2];
      }
      if (shaded) lit = 0;
      const head = HEADLIGHT * Math.max(-(nx * fx + ny * fy + nz * fz), 0);
      target[o] = channel(ar * (S[s4 + 28] + head + lit * S[s4 + 24]));
      target[o + 1] = channel(ag * (S[s4 + 29] + head + lit * S[s4 + 25]));
      target[o + 2] = channel(ab * (S[s4 + 30] + head + lit * S[s4 + 26]));
    }
  }
}
