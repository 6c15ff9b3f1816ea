// The `pixels` option shared by control tasks (rendered on the CPU, synchronously) and
// PixelVectorEnv (rendered on the GPU, many envs per dispatch): one place checks it and says
// what the observation becomes, so both give the same `image` spec.
import type { ArraySpec, ObservationSpec } from '../env.ts';

export interface PixelOptions {
  /** Image width in pixels (default 64). */
  width?: number;
  /** Image height in pixels (default 64). */
  height?: number;
  /** MuJoCo camera index (default 0; Dreamer uses 2 for quadruped). */
  camera?: number;
  /** Keep the state observations next to `image` (default true); false leaves only `image`. */
  keepState?: boolean;
}

export type ResolvedPixels = Required<PixelOptions>;

const KEYS = ['width', 'height', 'camera', 'keepState'];

/** `true` means the defaults; `false`/`undefined` means no pixels (null). Throws on a bad option. */
export function resolvePixels(owner: string, options: PixelOptions | boolean | undefined): ResolvedPixels | null {
  if (options === undefined || options === false) return null;
  if (options === true) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${owner}: option pixels must be true or an object { width, height, camera, keepState }, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw new Error(`${owner}: unknown pixels option '${key}'; expected one of: ${KEYS.join(', ')}`);
  }
  const { width = 64, height = 64, camera = 0, keepState = true } = options;
  for (const [key, v, min] of [['width', width, 1], ['height', height, 1], ['camera', camera, 0]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`${owner}: pixels.${key} must be an integer ≥ ${min}, got ${String(v)}`);
    }
  }
  if (typeof keepState !== 'boolean') throw new Error(`${owner}: pixels.keepState must be a boolean, got ${String(keepState)}`);
  return { width, height, camera, keepState };
}

export function imageSpec(px: ResolvedPixels): ArraySpec {
  return { shape: [px.height, px.width, 3], dtype: 'uint8', low: 0, high: 255, description: `camera ${px.camera}, RGB, HWC` };
}

/** The observation spec of an env given pixels: `image` after the state arrays, or alone. */
export function withImage(state: ObservationSpec, px: ResolvedPixels): ObservationSpec {
  return px.keepState ? { ...state, image: imageSpec(px) } : { image: imageSpec(px) };
}

export function checkCamera(owner: string, cameras: number, px: ResolvedPixels): void {
  if (px.camera >= cameras) {
    throw new Error(`${owner}: pixels.camera ${px.camera} does not exist; the model has ${cameras} camera${cameras === 1 ? '' : 's'} (0..${cameras - 1})`);
  }
}
