// Reads a Physics' current frame into the renderer's plain Scene: world poses of visible geoms
// and cameras, colours resolved through materials, the light's direction.
import { OBJ_TYPE } from './mujoco.ts';
import type { Physics } from './physics.ts';
import type { Scene, SceneCamera, SceneGeom, Vec3 } from './scene.ts';

const GEOM_TYPES: Partial<Record<number, SceneGeom['type']>> = {
  0: 'plane',
  2: 'sphere',
  3: 'capsule',
  4: 'ellipsoid',
  5: 'cylinder',
  6: 'box',
};

/** What a frame needs from the model, which never changes: read once per Physics. */
interface Static {
  geoms: { g: number; type: SceneGeom['type']; size: Vec3; rgba: SceneGeom['rgba']; checker: boolean }[];
  cameras: { name: string; fovy: number }[];
  /** Visible tendons: index, width, rgba. */
  tendons: { t: number; width: number; rgba: number[] }[];
  lit: boolean;
  diffuse: Vec3;
  ambient: Vec3;
}

// Every Embind getter on the model allocates and name lookups cross into WASM, which cost more
// than a cartpole step; a renderer asks for a scene every step. Tasks edit the model only in
// `prepare`, before the first frame, so the cache never goes stale.
const statics = new WeakMap<Physics, Static>();

function staticPart(p: Physics): Static {
  const cached = statics.get(p);
  if (cached) return cached;
  const m = p.model;
  const types = m.geom_type as Int32Array;
  const size = m.geom_size as Float64Array;
  const geomRgba = m.geom_rgba as Float32Array;
  const matRgba = m.mat_rgba as Float32Array;
  const matid = m.geom_matid as Int32Array;
  const group = m.geom_group as Int32Array;
  const grid = p.mj.mj_name2id(m, OBJ_TYPE.material, 'grid');
  const geoms: Static['geoms'] = [];
  for (let g = 0; g < m.ngeom; g++) {
    const type = GEOM_TYPES[types[g]];
    if (!type || group[g] >= 3) continue;
    const rgba = pick4(geomRgba, g);
    const mat = matid[g];
    // MuJoCo uses the material's colour unless the geom overrides the default grey.
    if (mat >= 0 && rgba[0] === 0.5 && rgba[1] === 0.5 && rgba[2] === 0.5 && rgba[3] === 1) {
      rgba.splice(0, 4, ...pick4(matRgba, mat));
    }
    if (rgba[3] === 0) continue;
    geoms.push({ g, type, size: pick3(size, g), rgba: rgba as SceneGeom['rgba'], checker: mat >= 0 && mat === grid });
  }
  const fovy = m.cam_fovy as Float64Array;
  const cameras = Array.from({ length: m.ncam }, (_, c) => ({ name: p.mj.mj_id2name(m, OBJ_TYPE.camera, c) ?? '', fovy: fovy[c] }));
  const tendonWidth = m.ntendon > 0 ? (m.tendon_width as Float64Array) : new Float64Array(0);
  const tendonRgba = m.ntendon > 0 ? (m.tendon_rgba as Float32Array) : new Float32Array(0);
  const tendons: Static['tendons'] = [];
  for (let t = 0; t < tendonWidth.length; t++) {
    if (tendonWidth[t] > 0 && tendonRgba[4 * t + 3] !== 0) tendons.push({ t, width: tendonWidth[t], rgba: pick4(tendonRgba, t) });
  }
  const lit = m.nlight > 0;
  const diffuse: Vec3 = lit ? pick3(m.light_diffuse as Float32Array, 0) : [0.7, 0.7, 0.7];
  const ambient: Vec3 = pick3(m.vis.headlight.ambient as Float32Array, 0);
  const out = { geoms, cameras, tendons, lit, diffuse, ambient };
  statics.set(p, out);
  return out;
}

/** The current frame of `p` as a plain Scene (geoms in model order, then visible tendons). */
export function captureScene(p: Physics): Scene {
  const v = p.views;
  const st = staticPart(p);
  const geoms: SceneGeom[] = st.geoms.map(({ g, type, size, rgba, checker }) => {
    const geom: SceneGeom = {
      type,
      size: [size[0], size[1], size[2]],
      pos: pick3(v.geomXpos, g),
      mat: Array.from(v.geomXmat.subarray(9 * g, 9 * g + 9)),
      rgba: [rgba[0], rgba[1], rgba[2], rgba[3]],
    };
    if (checker) geom.checker = true;
    return geom;
  });
  geoms.push(...tendonGeoms(p, st.tendons));
  const cameras: SceneCamera[] = st.cameras.map(({ name, fovy }, c) => ({
    name,
    pos: pick3(v.camXpos, c),
    mat: Array.from(v.camXmat.subarray(9 * c, 9 * c + 9)),
    fovy,
  }));
  const dir: Vec3 = st.lit ? pick3(p.data.light_xdir as Float64Array, 0) : [0, 0, -1];
  return { geoms, cameras, light: { dir, ambient: [...st.ambient], diffuse: [...st.diffuse] } };
}

/** Visible spatial tendons (the cup's string) as thin capsules between their path points. */
function tendonGeoms(p: Physics, tendons: Static['tendons']): SceneGeom[] {
  if (tendons.length === 0) return [];
  const out: SceneGeom[] = [];
  const adr = p.data.ten_wrapadr as Int32Array;
  const num = p.data.ten_wrapnum as Int32Array;
  const pts = p.data.wrap_xpos as Float64Array;
  for (const { t, width, rgba } of tendons) {
    for (let k = 0; k + 1 < num[t]; k++) {
      const a = pick3(pts, adr[t] + k);
      const b = pick3(pts, adr[t] + k + 1);
      const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const len = Math.hypot(d[0], d[1], d[2]);
      if (len < 1e-9) continue;
      out.push({
        type: 'capsule',
        size: [width, len / 2, 0],
        pos: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2],
        mat: frameAlongZ([d[0] / len, d[1] / len, d[2] / len]),
        rgba: [rgba[0], rgba[1], rgba[2], rgba[3]],
      });
    }
  }
  return out;
}

function pick3(a: ArrayLike<number>, i: number): Vec3 {
  return [a[3 * i], a[3 * i + 1], a[3 * i + 2]];
}

function pick4(a: ArrayLike<number>, i: number): number[] {
  return [a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]];
}

/** Row-major rotation whose third column is the unit vector `z`. */
function frameAlongZ(z: Vec3): number[] {
  const helper: Vec3 = Math.abs(z[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const x = normalize(cross(helper, z));
  const y = cross(z, x);
  return [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}
