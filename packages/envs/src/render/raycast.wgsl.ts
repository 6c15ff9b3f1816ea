/**
 * The ray-casting kernel: one invocation per output pixel of a batch of scenes.
 *
 * Strategy. A pinhole ray per pixel is tested analytically against every geom of its scene in
 * that geom's local frame (the world→local rotation and the camera origin in that frame are
 * precomputed per geom by pack.ts, so a primary ray only rotates its direction). Planes go first;
 * the remaining geoms are skipped wholesale when the ray misses the scene's bounding sphere and
 * one by one when it misses a geom's own bounding sphere (one dot product, again thanks to the
 * camera-relative precomputation) or that sphere starts beyond the nearest hit so far. The nearest
 * hit is shaded once: albedo (checkered or not) × (ambient + headlight + directional light), the
 * directional term dropped when an optional shadow ray toward the light hits any geom.
 *
 * Scenes are ≤ ~30 geoms, so a plain loop beats any acceleration structure. On lavapipe every
 * lane loads geom words itself (scalarised), so the records are vec4-aligned and the bounding
 * test reads one vec4 before anything else. Lanes of a workgroup are consecutive pixels of a row
 * and so mostly take the same branches.
 *
 * Dispatch: pixel = (wg.x + wg.y·nwg.x)·WGS + local index, over B·H·W pixels; out is
 * [B, H, W, 3] f32 holding 0..255 integers, row 0 at the top.
 */
import { GEOM_VEC4, SCENE_VEC4 } from './pack.ts';
import { CHECKER_A, CHECKER_B, HEADLIGHT, SHADOW_LIFT, SKY, T_MIN } from './look.ts';

const f = (x: number): string => (Number.isInteger(x) ? `${x}.0` : `${x}`);
const v3 = (c: readonly number[]): string => `vec3f(${c.map(f).join(', ')})`;

/** Bit 0 of P[3]: cast shadow rays. */
export const FLAG_SHADOWS = 1;

export function rayCastWGSL(workgroupSize: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>; // [scenes, width, height, flags]
@group(0) @binding(1) var<storage, read> S: array<vec4f>;
@group(0) @binding(2) var<storage, read> G: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

const WGS = ${workgroupSize}u;
const GV = ${GEOM_VEC4}u;
const SV = ${SCENE_VEC4}u;
const FAR = 1e30;
const T_MIN = ${f(T_MIN)};
const MISS = vec4f(1e30, 0.0, 0.0, 0.0);
const NONE = 0xffffffffu;

fn sphere_hit(o: vec3f, d: vec3f, r: f32) -> vec4f {
  let b = dot(o, d);
  let h = b * b - (dot(o, o) - r * r);
  if (h < 0.0) { return MISS; }
  let t = -b - sqrt(h);
  if (t < T_MIN) { return MISS; }
  return vec4f(t, (o + t * d) / r);
}

fn ellipsoid_hit(o: vec3f, d: vec3f, s: vec3f) -> vec4f {
  let os = o / s;
  let ds = d / s;
  let a = dot(ds, ds);
  let b = dot(os, ds);
  let h = b * b - a * (dot(os, os) - 1.0);
  if (h < 0.0) { return MISS; }
  let t = (-b - sqrt(h)) / a;
  if (t < T_MIN) { return MISS; }
  return vec4f(t, normalize((o + t * d) / (s * s)));
}

// The side of the infinite cylinder x² + y² = r² (the capsule and the cylinder both lie inside
// it, so missing it misses them). Returns the side hit if it lies within |z| ≤ hl, else MISS with
// the z of the end (±hl) the ray meets first in .y.
fn side_hit(o: vec3f, d: vec3f, r: f32, hl: f32) -> vec4f {
  let a = dot(d.xy, d.xy);
  let b = dot(o.xy, d.xy);
  let h = b * b - a * (dot(o.xy, o.xy) - r * r);
  if (h < 0.0) { return vec4f(FAR, 0.0, 0.0, 1.0); }
  if (a < 1e-12) { return vec4f(FAR, select(hl, -hl, d.z > 0.0), 0.0, 0.0); }
  let t = (-b - sqrt(h)) / a;
  let z = o.z + t * d.z;
  if (abs(z) <= hl) {
    if (t < T_MIN) { return vec4f(FAR, 0.0, 0.0, 1.0); }
    return vec4f(t, (o.xy + t * d.xy) / r, 0.0);
  }
  return vec4f(FAR, select(-hl, hl, z > 0.0), 0.0, 0.0);
}

fn capsule_hit(o: vec3f, d: vec3f, r: f32, hl: f32) -> vec4f {
  let s = side_hit(o, d, r, hl);
  if (s.x < FAR || s.w > 0.5) { return s; }
  return sphere_hit(o - vec3f(0.0, 0.0, s.y), d, r);
}

fn cylinder_hit(o: vec3f, d: vec3f, r: f32, hl: f32) -> vec4f {
  let s = side_hit(o, d, r, hl);
  if (s.x < FAR || s.w > 0.5 || abs(d.z) < 1e-12) { return select(s, MISS, s.x >= FAR); }
  let t = (s.y - o.z) / d.z;
  let p = o.xy + t * d.xy;
  if (t < T_MIN || dot(p, p) > r * r) { return MISS; }
  return vec4f(t, 0.0, 0.0, sign(s.y));
}

fn inv(x: f32) -> f32 {
  return 1.0 / select(x, select(-1e-20, 1e-20, x >= 0.0), abs(x) < 1e-20);
}

fn box_hit(o: vec3f, d: vec3f, s: vec3f) -> vec4f {
  let id = vec3f(inv(d.x), inv(d.y), inv(d.z));
  let t1 = (-s - o) * id;
  let t2 = (s - o) * id;
  let tn = min(t1, t2);
  let tf = max(t1, t2);
  let t = max(max(tn.x, tn.y), tn.z);
  if (t > min(min(tf.x, tf.y), tf.z) || t < T_MIN) { return MISS; }
  var n = vec3f(0.0, 0.0, -sign(d.z));
  if (t == tn.x) { n = vec3f(-sign(d.x), 0.0, 0.0); } else if (t == tn.y) { n = vec3f(0.0, -sign(d.y), 0.0); }
  return vec4f(t, n);
}

// One-sided, facing local +z; a half-size of 0 leaves that axis unbounded.
fn plane_hit(o: vec3f, d: vec3f, s: vec3f) -> vec4f {
  if (d.z > -1e-12) { return MISS; }
  let t = -o.z / d.z;
  let p = o.xy + t * d.xy;
  if (t < T_MIN || (s.x > 0.0 && abs(p.x) > s.x) || (s.y > 0.0 && abs(p.y) > s.y)) { return MISS; }
  return vec4f(t, 0.0, 0.0, 1.0);
}

// (t, local normal) of the nearest hit past T_MIN; t = FAR on a miss.
fn hit(kind: u32, o: vec3f, d: vec3f, s: vec3f) -> vec4f {
  switch kind {
    case 0u: { return plane_hit(o, d, s); }
    case 1u: { return sphere_hit(o, d, s.x); }
    case 2u: { return capsule_hit(o, d, s.x, s.y); }
    case 3u: { return ellipsoid_hit(o, d, s); }
    case 4u: { return cylinder_hit(o, d, s.x, s.y); }
    default: { return box_hit(o, d, s); }
  }
}

fn to_local(g: u32, v: vec3f) -> vec3f {
  return vec3f(dot(G[g + 2u].xyz, v), dot(G[g + 3u].xyz, v), dot(G[g + 4u].xyz, v));
}

// Does the ray o + t·d (|d| = 1) meet the sphere given as (o − centre, |o − centre|² − R²) at some 0 < t < tmax?
fn meets(bs: vec4f, d: vec3f, tmax: f32) -> bool {
  let b = dot(bs.xyz, d);
  let h = b * b - bs.w;
  if (h < 0.0) { return false; }
  let q = sqrt(h);
  return -b + q > 0.0 && -b - q < tmax;
}

// Any hit along o + t·d; the non-plane geoms only when the ray meets the scene's bounding sphere
// (given for the camera as bs = (cam − centre, |cam − centre|² − R²)).
fn occluded(o: vec3f, d: vec3f, cam: vec3f, bs: vec4f, first: u32, planes: u32, count: u32) -> bool {
  let rel = o - cam + bs.xyz;
  let n = select(planes, count, meets(vec4f(rel, dot(rel, rel) - dot(bs.xyz, bs.xyz) + bs.w), d, FAR));
  for (var k = 0u; k < n; k++) {
    let g = (first + k) * GV;
    let c = G[g + 5u];
    let rel = o - c.xyz;
    if (k >= planes && !meets(vec4f(rel, dot(rel, rel) - c.w * c.w), d, FAR)) { continue; }
    if (hit(u32(G[g + 1u].w), to_local(g, rel), to_local(g, d), G[g + 6u].xyz).x < FAR) { return true; }
  }
  return false;
}

@compute @workgroup_size(WGS)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let W = P[1];
  let H = P[2];
  let per = W * H;
  let i = (wid.x + wid.y * nwg.x) * WGS + lid;
  if (i >= P[0] * per) { return; }
  let b = i / per;
  let y = (i - b * per) / W;
  let x = i - b * per - y * W;
  let s = b * SV;
  let cam = S[s];
  let right = S[s + 1u];
  let up = S[s + 2u];
  let fwd = S[s + 3u];
  let u = ((f32(x) + 0.5) / f32(W) * 2.0 - 1.0) * cam.w * f32(W) / f32(H);
  let v = (1.0 - (f32(y) + 0.5) / f32(H) * 2.0) * cam.w;
  let d = normalize(fwd.xyz + u * right.xyz + v * up.xyz);
  let first = bitcast<u32>(right.w);
  let planes = bitcast<u32>(up.w);
  let count = planes + bitcast<u32>(fwd.w);

  var best = MISS;
  var hg = NONE;
  for (var k = 0u; k < planes; k++) {
    let g = (first + k) * GV;
    let h = plane_hit(G[g + 1u].xyz, to_local(g, d), G[g + 6u].xyz);
    if (h.x < best.x) { best = h; hg = g; }
  }
  if (count > planes && meets(S[s + 5u], d, best.x)) {
    for (var k = planes; k < count; k++) {
      let g = (first + k) * GV;
      if (!meets(G[g], d, best.x)) { continue; }
      let lo = G[g + 1u];
      let h = hit(u32(lo.w), lo.xyz, to_local(g, d), G[g + 6u].xyz);
      if (h.x < best.x) { best = h; hg = g; }
    }
  }

  var col = ${v3(SKY)} * (0.5 + 0.5 * d.z);
  if (hg != NONE) {
    let p = cam.xyz + best.x * d;
    var n = normalize(G[hg + 2u].xyz * best.y + G[hg + 3u].xyz * best.z + G[hg + 4u].xyz * best.w);
    if (dot(n, d) > 0.0) { n = -n; }
    var albedo = G[hg + 7u].xyz;
    let cell = G[hg + 6u].w;
    if (cell > 0.0) {
      let q = floor(to_local(hg, p - G[hg + 5u].xyz).xy / cell);
      albedo *= select(${v3(CHECKER_A)}, ${v3(CHECKER_B)}, ((i32(q.x) + i32(q.y)) & 1) != 0);
    }
    let L = S[s + 4u].xyz;
    var lit = max(-dot(n, L), 0.0);
    if ((P[3] & 1u) != 0u && lit > 0.0 && occluded(p + n * ${f(SHADOW_LIFT)}, -L, cam.xyz, S[s + 5u], first, planes, count)) { lit = 0.0; }
    col = albedo * (S[s + 7u].xyz + ${f(HEADLIGHT)} * max(-dot(n, fwd.xyz), 0.0) + lit * S[s + 6u].xyz);
  }
  let px = round(clamp(col, vec3f(0.0), vec3f(1.0)) * 255.0);
  O[i * 3u] = px.x;
  O[i * 3u + 1u] = px.y;
  O[i * 3u + 2u] = px.z;
}
`;
}
