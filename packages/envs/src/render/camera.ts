/** Small helpers for building scenes by hand: cameras that look at a point, and rotations. */
import type { SceneCamera } from './types.ts';

type V3 = [number, number, number];

const norm = (v: readonly number[]): V3 => {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
};
const cross = (a: readonly number[], b: readonly number[]): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** A camera at `eye` looking at `target`, with `up` (default +z) kept upright on screen. */
export function lookAt(eye: V3, target: V3, fovy = 45, up: V3 = [0, 0, 1], name = ''): SceneCamera {
  const f = norm([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  const r = norm(cross(f, up));
  const u = cross(r, f);
  // Columns are the camera's local axes: x right, y up, z backwards (MuJoCo cam_xmat).
  return { name, pos: [...eye], mat: [r[0], u[0], -f[0], r[1], u[1], -f[1], r[2], u[2], -f[2]], fovy };
}

/** Row-major rotation by `angle` radians about `axis` (Rodrigues). */
export function axisAngle(axis: V3, angle: number): number[] {
  const [x, y, z] = norm(axis);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

/** A rotation taking local +z to `dir` (for capsules and cylinders along a segment). */
export function zAlong(dir: V3): number[] {
  const d = norm(dir);
  const axis = cross([0, 0, 1], d);
  const s = Math.hypot(...axis);
  if (s < 1e-12) return d[2] > 0 ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : axisAngle([1, 0, 0], Math.PI);
  return axisAngle(axis, Math.atan2(s, d[2]));
}

/** Projects a world point to fractional pixel coordinates (x right, y down from the top-left corner). */
export function project(cam: SceneCamera, p: V3, width: number, height: number): [number, number] {
  const m = cam.mat;
  const rel = [p[0] - cam.pos[0], p[1] - cam.pos[1], p[2] - cam.pos[2]];
  const c = [0, 1, 2].map((k) => m[k] * rel[0] + m[3 + k] * rel[1] + m[6 + k] * rel[2]);
  const t = Math.tan((cam.fovy * Math.PI) / 360);
  const nx = c[0] / -c[2] / (t * (width / height));
  const ny = c[1] / -c[2] / t;
  return [((nx + 1) / 2) * width, ((1 - ny) / 2) * height];
}
