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

/** The current frame of `p` as a plain Scene (geoms in model order, then visible tendons). */
export function captureScene(p: Physics): Scene {
  const m = p.model;
  const v = p.views;
  const types = m.geom_type as Int32Array;
  const size = m.geom_size as Float64Array;
  const geomRgba = m.geom_rgba as Float32Array;
  const matRgba = m.mat_rgba as Float32Array;
  const matid = m.geom_matid as Int32Array;
  const group = m.geom_group as Int32Array;
  const grid = p.mj.mj_name2id(m, OBJ_TYPE.material, 'grid');
  const geoms: SceneGeom[] = [];
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
    const geom: SceneGeom = {
      type,
      size: pick3(size, g),
      pos: pick3(v.geomXpos, g),
      mat: Array.from(v.geomXmat.subarray(9 * g, 9 * g + 9)),
      rgba: rgba as SceneGeom['rgba'],
    };
    if (mat >= 0 && mat === grid) geom.checker = true;
    geoms.push(geom);
  }
  geoms.push(...tendonGeoms(p));
  const cameras: SceneCamera[] = [];
  const fovy = m.cam_fovy as Float64Array;
  for (let c = 0; c < m.ncam; c++) {
    cameras.push({
      name: p.mj.mj_id2name(m, OBJ_TYPE.camera, c) ?? '',
      pos: pick3(v.camXpos, c),
      mat: Array.from(v.camXmat.subarray(9 * c, 9 * c + 9)),
      fovy: fovy[c],
    });
  }
  const lit = m.nlight > 0;
  const dir: Vec3 = lit ? pick3(p.data.light_xdir as Float64Array, 0) : [0, 0, -1];
  const diffuse: Vec3 = lit ? pick3(m.light_diffuse as Float32Array, 0) : [0.7, 0.7, 0.7];
  const ambient: Vec3 = pick3(m.vis.headlight.ambient as Float32Array, 0);
  return { geoms, cameras, light: { dir, ambient, diffuse } };
}

/** Visible spatial tendons (the cup's string) as thin capsules between their path points. */
function tendonGeoms(p: Physics): SceneGeom[] {
  const m = p.model;
  if (m.ntendon === 0) return [];
  const out: SceneGeom[] = [];
  const adr = p.data.ten_wrapadr as Int32Array;
  const num = p.data.ten_wrapnum as Int32Array;
  const pts = p.data.wrap_xpos as Float64Array;
  const width = m.tendon_width as Float64Array;
  const rgba = m.tendon_rgba as Float32Array;
  for (let t = 0; t < m.ntendon; t++) {
    if (!(width[t] > 0) || rgba[4 * t + 3] === 0) continue;
    for (let k = 0; k + 1 < num[t]; k++) {
      const a = pick3(pts, adr[t] + k);
      const b = pick3(pts, adr[t] + k + 1);
      const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const len = Math.hypot(d[0], d[1], d[2]);
      if (len < 1e-9) continue;
      out.push({
        type: 'capsule',
        size: [width[t], len / 2, 0],
        pos: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2],
        mat: frameAlongZ([d[0] / len, d[1] / len, d[2] / len]),
        rgba: pick4(rgba, t) as SceneGeom['rgba'],
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
