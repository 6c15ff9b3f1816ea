/**
 * The renderer draws the control tasks' scene description (control/scene.ts: geoms, cameras and
 * the light after forward kinematics, as plain arrays).
 */
import type { SceneGeom } from '../control/scene.ts';

export type { Scene, SceneCamera, SceneGeom, Vec3 } from '../control/scene.ts';
export type GeomType = SceneGeom['type'];
