// PixelVectorEnv on the GPU: one dispatch's frames against per-env CPU renders, determinism,
// the tensor path, bad input; and the renderer's packed byte readback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memory, setBackend } from '@dreamer/tensor';
import { WebGPUBackend, registerWebGPU } from '@dreamer/webgpu';
import { sceneOf, type ControlEnv } from '../control/base.ts';
import { loadMujoco } from '../control/mujoco.ts';
import type { Env } from '../env.ts';
import { makeEnv } from '../registry.ts';
import { Rng } from '../rng.ts';
import { renderCpu } from './cpu.ts';
import { figureScene, primitivesScene } from './demo.ts';
import { PixelVectorEnv, type PixelVectorOptions } from './pixel_vector.ts';
import { Renderer, readPixels } from './renderer.ts';

registerWebGPU();
let backend: WebGPUBackend;
let renderer: Renderer;

beforeAll(async () => {
  await loadMujoco();
  const b = await setBackend('webgpu');
  if (!(b instanceof WebGPUBackend)) throw new Error('setBackend("webgpu") did not return a WebGPUBackend');
  backend = b;
  renderer = Renderer.create(backend);
});
afterAll(async () => {
  backend?.destroy();
  await setBackend('cpu');
});

const FRAME = 64 * 64 * 3;

function make(name: string, n: number, options: Partial<PixelVectorOptions> = {}, episodeLength = 1000): PixelVectorEnv {
  const envs: Env[] = Array.from({ length: n }, () => makeEnv(name, { episodeLength }));
  return new PixelVectorEnv(envs, { renderer, ...options });
}

function actions(vec: PixelVectorEnv, rng: Rng): Float32Array[] {
  const dim = vec.actionSpec.kind === 'continuous' ? vec.actionSpec.shape[0] : 0;
  return vec.envs.map(() => Float32Array.from({ length: dim }, () => rng.float() * 2 - 1));
}

/** Fraction of channel values within 2 levels. */
function agreement(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let ok = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) <= 2) ok++;
  return ok / a.length;
}

describe('one dispatch vs per-env CPU renders', () => {
  it.each(['walker_walk', 'cartpole_swingup', 'cup_catch', 'finger_spin'])(
    '%s, 4 envs through an auto-reset: at least 99 percent of channel values within 2 levels',
    async (name) => {
      const vec = make(name, 4, {}, 3);
      const rng = new Rng(1);
      let steps = await vec.reset(5);
      for (let t = 0; t <= 4; t++) {
        vec.envs.forEach((env, i) => {
          const cpu = renderCpu([sceneOf(env)]);
          expect(agreement(steps[i].observation.image as Uint8Array, cpu)).toBeGreaterThanOrEqual(0.99);
        });
        if (t < 4) steps = await vec.step(actions(vec, rng));
      }
      expect(steps.some((ts) => ts.info.autoReset)).toBe(true);
      vec.close();
    },
  );

  it('the tensor path holds the same frames as the byte path; the caller disposes it', async () => {
    const before = memory().tensors;
    const [a, b] = [make('walker_walk', 3, { keepState: false }), make('walker_walk', 3, { keepState: false })];
    const first = a.resetTensor(2);
    expect(first.images.shape).toEqual([3, 64, 64, 3]);
    expect(first.images.dtype).toBe('f32');
    expect(first.timesteps.map((ts) => Object.keys(ts.observation))).toEqual([[], [], []]);
    const bytes = await b.reset(2);
    expect(await readPixels(first.images)).toEqual(Uint8Array.from(bytes.flatMap((ts) => [...(ts.observation.image as Uint8Array)])));
    first.images.dispose();
    const rng = new Rng(3);
    const act = actions(a, rng);
    const next = a.stepTensor(act);
    const nextBytes = await b.step(act);
    const frames = await readPixels(next.images);
    nextBytes.forEach((ts, i) => expect(frames.subarray(i * FRAME, (i + 1) * FRAME)).toEqual(ts.observation.image));
    expect(next.timesteps.map((ts) => ts.reward)).toEqual(nextBytes.map((ts) => ts.reward));
    next.images.dispose();
    a.close();
    b.close();
    expect(memory().tensors).toBe(before);
  });
});

describe('determinism', () => {
  it('the same seed and actions give identical frames, a different seed different ones', async () => {
    const run = async (seed: number) => {
      const vec = make('cheetah_run', 4, { camera: 1, width: 48, height: 32 });
      const rng = new Rng(9);
      const out = [await vec.reset(seed)];
      for (let t = 0; t < 3; t++) out.push(await vec.step(actions(vec, rng)));
      vec.close();
      return out.map((row) => row.map((ts) => ts.observation.image));
    };
    const a = await run(4);
    expect(a[0][0]).toHaveLength(48 * 32 * 3);
    expect(await run(4)).toEqual(a);
    expect(await run(5)).not.toEqual(a);
  });
});

describe('bad input', () => {
  it('a wrong number of actions or a NaN throws and steps no env, on both paths', async () => {
    const vec = make('cartpole_swingup', 2);
    expect(() => vec.stepTensor([[0], [0]])).toThrow(/before reset/);
    await vec.reset(0);
    const times = () => vec.envs.map((env) => (env as ControlEnv).physics.time);
    await expect(vec.step([[0]])).rejects.toThrow(/expected an array of 2 actions, one per env/);
    await expect(vec.step([[0], [0], [0]])).rejects.toThrow(/expected an array of 2 actions/);
    await expect(vec.step([[NaN], [0]])).rejects.toThrow(/env 0 \(cartpole_swingup\): invalid action .*element 0 is NaN/);
    expect(() => vec.stepTensor([[0]])).toThrow(/expected an array of 2 actions/);
    expect(() => vec.stepTensor([[0], [Infinity]])).toThrow(/env 1 \(cartpole_swingup\): invalid action .*element 0 is Infinity/);
    expect(times()).toEqual([0, 0]);
    const ok = vec.stepTensor([[0], [0]]);
    ok.images.dispose();
    expect(times()[0]).toBeGreaterThan(0);
    vec.close();
  });
});

describe('packed byte readback', () => {
  it('renderPixels equals readPixels of the tensor, also when the byte count is not a multiple of 4', async () => {
    const scenes = [primitivesScene(), figureScene(19, 0.4), primitivesScene()];
    for (const [width, height] of [[64, 64], [5, 3], [7, 1]]) {
      const images = renderer.render(scenes, { width, height, cameras: [0, 0, 1] });
      const want = await readPixels(images);
      images.dispose();
      const got = await renderer.renderPixels(scenes, { width, height, cameras: [0, 0, 1] });
      expect(got).toEqual(want);
    }
    expect(await renderer.renderPixels([])).toEqual(new Uint8Array(0));
  });
});
