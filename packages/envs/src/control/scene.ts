// A plain, renderer-agnostic description of one frame of a MuJoCo control task.
// The physics side fills it from MuJoCo's data (geom_xpos/xmat, cam_xpos/xmat, ...) so the
// renderer never touches WASM memory and can be tested with hand-written scenes.

/** A 3-vector in world coordinates (MuJoCo convention: z up, metres). */
export type Vec3 = [number, number, number];

/**
 * One visible geom. `size` is MuJoCo's geom_size, whose meaning depends on `type`:
 * - plane:     [half-x, half-y, grid spacing]; a half-extent of 0 means infinite in that axis
 * - sphere:    [radius, _, _]
 * - capsule:   [radius, half-length of the cylinder part (along local z), _]
 * - ellipsoid: [radius-x, radius-y, radius-z]
 * - cylinder:  [radius, half-length (along local z), _]
 * - box:       [half-x, half-y, half-z]
 * `pos` is the geom's world centre; `mat` its world rotation, row-major 3×3 (MuJoCo geom_xmat),
 * so world = pos + mat · local. `rgba` in [0,1] (from geom_rgba, or its material's rgba when set).
 * `checker` marks geoms with the suite's "grid" material: draw its checker (.1,.2,.3)/(.2,.3,.4),
 * 0.5 m squares, instead of `rgba` (floors only). Geoms with alpha 0 or in group ≥ 3 are left out;
 * visible tendons (the cup's string) appear as thin capsules.
 */
export interface SceneGeom {
  type: 'plane' | 'sphere' | 'capsule' | 'ellipsoid' | 'cylinder' | 'box';
  size: Vec3;
  pos: Vec3;
  /** 9 numbers, row-major 3×3. */
  mat: number[];
  rgba: [number, number, number, number];
  checker?: boolean;
}

/**
 * A camera: world position (cam_xpos) and world rotation (cam_xmat, row-major 3×3) whose columns
 * are the camera's x (right), y (up) and z axes; like OpenGL the camera looks along −z.
 * `fovy` is the vertical field of view in degrees. `name` is the MJCF name ('' if unnamed).
 */
export interface SceneCamera {
  name: string;
  pos: Vec3;
  /** 9 numbers, row-major 3×3. */
  mat: number[];
  fovy: number;
}

/**
 * One frame. `cameras` are in model order (camera id i = cameras[i]). `light.dir` is a unit
 * world-space direction the light travels in (e.g. [0,0,-1] for straight down); a directional
 * light is enough for these tasks. `light.diffuse` is that light's RGB diffuse (MuJoCo
 * light_diffuse, .7 by default); `light.ambient` the headlight's ambient (.4 in the suite). The
 * headlight's own diffuse (.8 in the suite) shines along each camera's view direction.
 */
export interface Scene {
  geoms: SceneGeom[];
  cameras: SceneCamera[];
  light: { dir: Vec3; ambient?: Vec3; diffuse?: Vec3 };
}
