/** Synthetic scenes for the renderer's tests, bench and pictures (dm_control's colours). */
import { axisAngle, lookAt, zAlong } from './camera.ts';
import type { Scene, SceneGeom } from './types.ts';

type V3 = [number, number, number];
const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export const SELF: V3 = [0.7, 0.5, 0.3];
export const EFFECTOR: V3 = [0.7, 0.4, 0.2];
export const DECORATION: V3 = [0.3, 0.5, 0.7];
export const TARGET: V3 = [0.6, 0.3, 0.3];

export function geom(type: SceneGeom['type'], size: V3, pos: V3, rgb: V3, mat: number[] = I): SceneGeom {
  return { type, size, pos, mat, rgba: [...rgb, 1] };
}

/** dm_control's grid floor (as the control tasks' scenes give it: white material, checker). */
export function floor(half = 3, z = 0): SceneGeom {
  return { ...geom('plane', [half, half, 0.2], [0, 0, z], [1, 1, 1]), checker: true };
}

/** A capsule from a to b. */
export function capsule(a: V3, b: V3, r: number, rgb: V3): SceneGeom {
  const d: V3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const mid: V3 = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  return geom('capsule', [r, Math.hypot(...d) / 2, 0], mid, rgb, zAlong(d));
}

/** One of each primitive on a checker floor, seen from the side like dm_control's tasks. */
export function primitivesScene(): Scene {
  return {
    geoms: [
      floor(),
      geom('sphere', [0.15, 0, 0], [-0.7, 0, 0.15], SELF),
      capsule([-0.4, 0.05, 0.1], [-0.15, -0.05, 0.55], 0.06, EFFECTOR),
      geom('ellipsoid', [0.14, 0.08, 0.1], [0.1, 0, 0.25], DECORATION, axisAngle([0, 1, 0], 0.5)),
      geom('cylinder', [0.1, 0.12, 0], [0.4, 0, 0.12], TARGET),
      geom('box', [0.1, 0.1, 0.1], [0.72, 0, 0.1], [0.5, 0.6, 0.3], axisAngle([0, 0, 1], 0.6)),
    ],
    cameras: [lookAt([0, -2.2, 0.8], [0, 0, 0.25], 45), lookAt([0, -0.01, 3], [0, 0, 0], 45)],
    light: { dir: [-0.3, 0.4, -1] },
  };
}

/**
 * A walker-like figure of `n` capsules (n ≥ 1) plus a floor, posed by `phase`: about the
 * size of a control-suite scene, for the bench and batch tests.
 */
export function figureScene(n = 19, phase = 0): Scene {
  const geoms: SceneGeom[] = [floor()];
  for (let i = 0; i < n; i++) {
    const a = phase + (i * 2 * Math.PI) / n;
    const ring = 0.25 + 0.08 * (i % 3);
    const base: V3 = [ring * Math.cos(a), 0.15 * Math.sin(a), 0.2 + 0.05 * (i % 4)];
    const tip: V3 = [base[0] + 0.15 * Math.cos(a + phase), base[1], base[2] + 0.2 + 0.1 * Math.sin(a)];
    const rgb = [SELF, EFFECTOR, DECORATION, TARGET][i % 4];
    geoms.push(i % 5 === 4 ? geom('sphere', [0.06, 0, 0], tip, rgb) : capsule(base, tip, 0.04, rgb));
  }
  return { geoms, cameras: [lookAt([0, -2, 0.7], [0, 0, 0.35], 45)], light: { dir: [0.2, 0.3, -1] } };
}
