// The official MuJoCo WebAssembly build (@mujoco/mujoco), loaded once per process.
// WASM instantiation is asynchronous, so control tasks need `await loadMujoco()` (or
// `makeEnvAsync`) once before they can be built synchronously.
import loadModule, { type MainModule, type MjData, type MjModel } from '@mujoco/mujoco';

export type Mujoco = MainModule;

export type ObjectKind = 'body' | 'joint' | 'geom' | 'site' | 'camera' | 'actuator' | 'sensor' | 'tendon' | 'material';

/** MuJoCo's mjtObj codes for the object kinds we look up by name. */
export const OBJ_TYPE: Record<ObjectKind, number> = {
  body: 1,
  joint: 3,
  geom: 5,
  site: 6,
  camera: 7,
  material: 14,
  tendon: 18,
  actuator: 19,
  sensor: 20,
};
export type { MjData, MjModel };

let loaded: Mujoco | undefined;
let loading: Promise<Mujoco> | undefined;

/** Load the MuJoCo WASM module (once per process; later calls return the same module). */
export function loadMujoco(): Promise<Mujoco> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= loadModule().then(
    (mj) => (loaded = mj),
    (err: unknown) => {
      loading = undefined;
      throw new Error(`failed to load the MuJoCo WebAssembly module: ${messageOf(err)}`, { cause: err });
    },
  );
  return loading;
}

/** The loaded module; throws a clear error if `loadMujoco()` has not finished yet. */
export function mujoco(): Mujoco {
  if (!loaded) {
    throw new Error(
      'MuJoCo is not loaded yet: `await loadMujoco()` (or build the task with `await makeEnvAsync(name)`) ' +
        'before making a control task',
    );
  }
  return loaded;
}

/** True once `loadMujoco()` has resolved. */
export function isMujocoLoaded(): boolean {
  return loaded !== undefined;
}

/** MuJoCo's version string, e.g. '3.14.0'. */
export function mujocoVersion(): string {
  return mujoco().mj_versionString();
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  // Embind can throw bare numbers (C++ exception pointers); never try to decode them, it can trap.
  return String(err);
}

let fileCounter = 0;

/**
 * Compile an MJCF string through MuJoCo's virtual file system. A model MuJoCo rejects becomes an
 * Error that names `label` and carries MuJoCo's own message (element, line, reason).
 */
export function compileModel(xml: string, label = 'model'): MjModel {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new Error(`compileModel(${label}): expected a non-empty MJCF string, got ${typeof xml === 'string' ? "''" : typeof xml}`);
  }
  const mj = mujoco();
  const vfs = new mj.MjVFS();
  const file = `dreamer_${label.replace(/[^a-z0-9_]/gi, '_')}_${fileCounter++}.xml`;
  try {
    vfs.addBuffer(file, new TextEncoder().encode(xml));
    try {
      return mj.MjModel.mj_loadXML(file, vfs);
    } catch (err) {
      const text = messageOf(err).replace(/^MuJoCo Error:\s*/, '').trim().replace(/\s*\n\s*/g, '; ');
      throw new Error(`MuJoCo could not compile the MJCF model '${label}': ${text}`, { cause: err });
    }
  } finally {
    vfs.delete();
  }
}
