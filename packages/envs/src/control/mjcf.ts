// Shared pieces of our MJCF models: the control suite's common look (sky, checker floor,
// materials, headlight) and a helper that assembles a model from its sections.
// Texture sizes are small on purpose: MuJoCo builds them at compile time and we never render
// with MuJoCo itself (the renderer reads `Scene`), so large textures would only cost startup.

export interface ModelParts {
  /** Model name (MJCF `<mujoco model=…>`). */
  name: string;
  /** Attributes of `<option>` (timestep, integrator, …) and its `<flag>` children. */
  option?: string;
  flags?: string;
  compiler?: string;
  default?: string;
  asset?: string;
  worldbody: string;
  tendon?: string;
  actuator?: string;
  sensor?: string;
  /** `<visual>` children beyond the shared headlight. */
  visual?: string;
}

export const SHARED_ASSETS = `
    <texture name="skybox" type="skybox" builtin="gradient" rgb1=".4 .6 .8" rgb2="0 0 0" width="32" height="32"/>
    <texture name="grid" type="2d" builtin="checker" rgb1=".1 .2 .3" rgb2=".2 .3 .4" width="32" height="32" mark="edge" markrgb=".2 .3 .4"/>
    <material name="grid" texture="grid" texrepeat="1 1" texuniform="true" reflectance=".2"/>
    <material name="self" rgba=".7 .5 .3 1"/>
    <material name="effector" rgba=".7 .4 .2 1"/>
    <material name="decoration" rgba=".3 .5 .7 1"/>
    <material name="target" rgba=".6 .3 .3 1"/>`;

/**
 * Each MjData's arena (contacts, constraint rows, stack). MuJoCo's automatic size is 13 MiB,
 * and the WASM heap stops at 2 GiB, which capped a process at ~150 envs. These models peak under
 * 20 KiB (MjData.maxuse_arena over bang-bang episodes of every task), so 2 MiB leaves 100× spare.
 */
export const ARENA = '2M';

/** Assemble a full MJCF document. */
export function model(p: ModelParts): string {
  const section = (tag: string, body: string | undefined) => (body ? `  <${tag}>${body}\n  </${tag}>\n` : '');
  const flags = p.flags ? `\n    <flag ${p.flags}/>\n  ` : '';
  return (
    `<mujoco model="${p.name}">\n` +
    `  <compiler autolimits="true" ${p.compiler ?? ''}/>\n` +
    `  <option ${p.option ?? ''}>${flags}</option>\n` +
    `  <size memory="${ARENA}"/>\n` +
    `  <visual>\n    <headlight ambient=".4 .4 .4" diffuse=".8 .8 .8" specular=".1 .1 .1"/>${p.visual ?? ''}\n  </visual>\n` +
    section('default', p.default) +
    `  <asset>${SHARED_ASSETS}${p.asset ?? ''}\n  </asset>\n` +
    `  <worldbody>${p.worldbody}\n  </worldbody>\n` +
    section('tendon', p.tendon) +
    section('actuator', p.actuator) +
    section('sensor', p.sensor) +
    `</mujoco>\n`
  );
}

/** Numbers for MJCF attributes: rounded to 6 decimals, no trailing zeros. */
export function num(x: number): string {
  const r = Math.round(x * 1e6) / 1e6;
  return Object.is(r, -0) ? '0' : String(r);
}

/** `fromto` of a segment starting at `from` (x, z) going `length` metres at `angleDeg` below +x (in the x-z plane). */
export function segment(from: readonly [number, number], angleDeg: number, length: number): { fromto: string; end: [number, number] } {
  const a = (angleDeg * Math.PI) / 180;
  const end: [number, number] = [from[0] + length * Math.cos(a), from[1] - length * Math.sin(a)];
  return { fromto: `${num(from[0])} 0 ${num(from[1])} ${num(end[0])} 0 ${num(end[1])}`, end };
}
