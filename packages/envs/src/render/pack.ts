/**
 * Packs a batch of scenes into the two flat arrays the ray caster reads (the WGSL kernel and the
 * CPU reference read the very same words, so they agree on every input bit).
 *
 * Everything that is the same for every pixel of a scene is computed here once: the camera basis,
 * each geom's world→local rotation, the camera origin in each geom's frame and each geom's
 * bounding-sphere test against the camera (so a primary ray's early-out costs one dot product).
 * Planes come first in each scene's range and skip the bounding tests; the other geoms sit under
 * one bounding sphere per scene so sky and floor pixels skip them all.
 */
import { AMBIENT, CHECKER_CELL, LIGHT } from './look.ts';
import type { GeomType, Scene } from './types.ts';

/** vec4s per geom record:
 *  0 (cam − pos, |cam − pos|² − R²)  primary-ray bounding-sphere test (R = bounding radius)
 *  1 (camera origin in the geom frame, type code)
 *  2..4 (local x/y/z axis in world, ·)  rows of the world→local rotation
 *  5 (pos, R)   6 (size, checker square side, 0 for none)   7 (rgb, ·) */
export const GEOM_VEC4 = 8;
/** vec4s per scene record:
 *  0 (camera pos, tan(fovy/2))  1 (camera right, first geom as u32 bits)
 *  2 (camera up, plane count as u32 bits)  3 (camera forward, other-geom count as u32 bits)
 *  4 (light travel direction, ·)  5 (cam − centre, |cam − centre|² − R²) of the scene's bounding sphere
 *  6 (light diffuse rgb, ·)  7 (ambient rgb, ·) */
export const SCENE_VEC4 = 8;

export const TYPE_CODE: Record<GeomType, number> = { plane: 0, sphere: 1, capsule: 2, ellipsoid: 3, cylinder: 4, box: 5 };

export interface PackedScenes {
  count: number;
  width: number;
  height: number;
  scenes: Float32Array;
  geoms: Float32Array;
}

type V3 = [number, number, number];

function boundingRadius(type: GeomType, s: readonly number[]): number {
  switch (type) {
    case 'sphere':
      return s[0];
    case 'capsule':
      return s[0] + s[1];
    case 'cylinder':
      return Math.hypot(s[0], s[1]);
    case 'ellipsoid':
      return Math.max(s[0], s[1], s[2]);
    case 'box':
      return Math.hypot(s[0], s[1], s[2]);
    case 'plane':
      return Infinity;
  }
}

const sub = (a: readonly number[], b: readonly number[]): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: readonly number[], b: readonly number[]): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** `cameras[i]` picks the camera of scene i (a single number applies to every scene). */
export function packScenes(scenes: readonly Scene[], cameras: number | readonly number[], width: number, height: number): PackedScenes {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`render: image size must be positive integers, got ${width}×${height}`);
  }
  if (typeof cameras !== 'number' && cameras.length !== scenes.length) {
    throw new RangeError(`render: ${scenes.length} scenes but ${cameras.length} camera indices`);
  }
  const visible = scenes.map((s) => {
    const shown = s.geoms.filter((g) => g.rgba[3] > 0);
    return [...shown.filter((g) => g.type === 'plane'), ...shown.filter((g) => g.type !== 'plane')];
  });
  const total = visible.reduce((n, g) => n + g.length, 0);
  const sceneBuf = new ArrayBuffer(Math.max(1, scenes.length) * SCENE_VEC4 * 16);
  const sf = new Float32Array(sceneBuf);
  const su = new Uint32Array(sceneBuf);
  const gf = new Float32Array(Math.max(1, total) * GEOM_VEC4 * 4);
  let next = 0;
  scenes.forEach((scene, si) => {
    const ci = typeof cameras === 'number' ? cameras : cameras[si];
    const cam = scene.cameras[ci];
    if (cam === undefined) throw new RangeError(`render: scene ${si} has ${scene.cameras.length} cameras; camera ${ci} requested`);
    const m = cam.mat;
    const eye = cam.pos;
    const geoms = visible[si];
    const planes = geoms.filter((g) => g.type === 'plane').length;
    const s = si * SCENE_VEC4 * 4;
    sf.set([...eye, Math.tan((cam.fovy * Math.PI) / 360)], s);
    sf.set([m[0], m[3], m[6]], s + 4);
    su[s + 7] = next;
    sf.set([m[1], m[4], m[7]], s + 8);
    su[s + 11] = planes;
    sf.set([-m[2], -m[5], -m[8]], s + 12);
    su[s + 15] = geoms.length - planes;
    const L = scene.light.dir;
    const len = Math.hypot(L[0], L[1], L[2]);
    sf.set(len > 0 ? [L[0] / len, L[1] / len, L[2] / len] : [0, 0, -1], s + 16);
    sf.set(scene.light.diffuse ?? [LIGHT, LIGHT, LIGHT], s + 24);
    sf.set(scene.light.ambient ?? [AMBIENT, AMBIENT, AMBIENT], s + 28);

    // The scene's bounding sphere of the non-plane geoms: centroid of centres, radius enclosing all.
    const others = geoms.slice(planes);
    const centre: V3 = [0, 0, 0];
    for (const g of others) for (let k = 0; k < 3; k++) centre[k] += g.pos[k] / others.length;
    let radius = 0;
    for (const g of others) radius = Math.max(radius, Math.hypot(...sub(g.pos, centre)) + boundingRadius(g.type, g.size));
    const oc = sub(eye, centre);
    sf.set([...oc, dot(oc, oc) - radius * radius], s + 20);

    for (const g of geoms) {
      const o = next * GEOM_VEC4 * 4;
      const R = g.type === 'plane' ? 0 : boundingRadius(g.type, g.size);
      const rel = sub(eye, g.pos);
      const axes = [0, 1, 2].map((c) => [g.mat[c], g.mat[3 + c], g.mat[6 + c]]);
      gf.set([...rel, dot(rel, rel) - R * R], o);
      gf.set([dot(axes[0], rel), dot(axes[1], rel), dot(axes[2], rel), TYPE_CODE[g.type]], o + 4);
      gf.set(axes[0], o + 8);
      gf.set(axes[1], o + 12);
      gf.set(axes[2], o + 16);
      gf.set([...g.pos, R], o + 20);
      gf.set([...g.size, g.checker === true ? CHECKER_CELL : 0], o + 24);
      gf.set(g.rgba.slice(0, 3), o + 28);
      next++;
    }
  });
  return { count: scenes.length, width, height, scenes: sf, geoms: gf };
}
