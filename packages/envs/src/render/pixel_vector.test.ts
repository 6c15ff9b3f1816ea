// PixelVectorEnv with the CPU ray caster: the batching, auto-reset and error rules shared with the
// GPU path (which pixel_vector.gpu.test.ts checks against these frames).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from '../control/mujoco.ts';
import { DummyEnv } from '../dummy.ts';
import type { Env } from '../env.ts';
import { makeEnv } from '../registry.ts';
import { Rng } from '../rng.ts';
import { TimeLimit } from '../wrappers/time_limit.ts';
import { PixelVectorEnv } from './pixel_vector.ts';

beforeAll(async () => {
  await loadMujoco();
});

const envs = (n: number, name = 'cartpole_swingup', episodeLength = 1000): Env[] =>
  Array.from({ length: n }, () => makeEnv(name, { episodeLength }));

describe('PixelVectorEnv (CPU renderer)', () => {
  it('gives each env the frame its own pixel env would, state kept, seeds as VectorEnv draws them', async () => {
    const vec = new PixelVectorEnv(envs(3), { renderer: 'cpu' });
    expect(vec.size).toBe(3);
    expect(Object.keys(vec.observationSpec)).toEqual(['position', 'velocity', 'image']);
    const seeds = new Rng(11);
    const singles = [0, 1, 2].map(() => makeEnv('cartpole_swingup', { pixels: true }));
    const first = await vec.reset(11);
    const alone = singles.map((env) => env.reset(seeds.nextUint32()));
    expect(first.map((ts) => ts.observation)).toEqual(alone.map((ts) => ts.observation));
    const rng = new Rng(0);
    for (let t = 0; t < 3; t++) {
      const actions = [0, 1, 2].map(() => [rng.float() * 2 - 1]);
      const got = await vec.step(actions);
      const want = singles.map((env, i) => env.step(actions[i]));
      expect(got.map((ts) => [ts.observation, ts.reward])).toEqual(want.map((ts) => [ts.observation, ts.reward]));
    }
    vec.close();
    for (const env of singles) env.close();
  });

  it('auto-resets ended envs with their reset frame, and honours keepState: false and the image size', async () => {
    const vec = new PixelVectorEnv(envs(2, 'pendulum_swingup', 2), { renderer: 'cpu', keepState: false, width: 16, height: 8 });
    expect(Object.keys(vec.observationSpec)).toEqual(['image']);
    const reset = await vec.reset(0);
    expect(reset[0].observation.image).toHaveLength(8 * 16 * 3);
    await vec.step([[0], [0]]);
    const end = await vec.step([[0], [0]]);
    expect(end.map((ts) => ts.truncated)).toEqual([true, true]);
    const again = await vec.step([[0], [0]]);
    expect(again.map((ts) => ts.info.autoReset)).toEqual([true, true]);
    expect(Object.keys(again[0].observation)).toEqual(['image']);
    expect(again[0].observation.image).not.toEqual(again[1].observation.image); // different reset seeds
  });

  it('works through wrappers around control tasks', async () => {
    const vec = new PixelVectorEnv([new TimeLimit(makeEnv('reacher_easy'), 5), new TimeLimit(makeEnv('reacher_easy'), 5)], { renderer: 'cpu' });
    const ts = await vec.reset(1);
    expect(ts[0].observation.image).toHaveLength(64 * 64 * 3);
  });

  it('rejects bad input with clear errors, stepping nothing', async () => {
    const vec = new PixelVectorEnv(envs(2), { renderer: 'cpu' });
    await expect(vec.step([[0], [0]])).rejects.toThrow(/before reset/);
    await vec.reset(0);
    await expect(vec.step([[0]])).rejects.toThrow(/expected an array of 2 actions, one per env/);
    await expect(vec.step([[0], [NaN]])).rejects.toThrow(/env 1 \(cartpole_swingup\): invalid action .*element 0 is NaN/);
    await expect(vec.step([[0], [0, 0]])).rejects.toThrow(/length 2, expected length 1/);
    expect(vec.envs.map((env) => (env as unknown as { physics: { time: number } }).physics.time)).toEqual([0, 0]);
    expect(() => vec.stepTensor([[0], [0]])).toThrow(/the tensor path needs a GPU Renderer/);
    expect(() => new PixelVectorEnv(envs(1), {} as never)).toThrow(/renderer must be a Renderer .* or 'cpu'/);
    expect(() => new PixelVectorEnv(envs(1), { renderer: 'cpu', size: 64 } as never)).toThrow(/unknown option 'size'/);
    expect(() => new PixelVectorEnv(envs(1), { renderer: 'cpu', camera: 2 })).toThrow(/pixels.camera 2 does not exist/);
    expect(() => new PixelVectorEnv([makeEnv('cartpole_swingup', { pixels: true })], { renderer: 'cpu' })).toThrow(/already has an 'image' observation/);
    expect(() => new PixelVectorEnv([new DummyEnv()], { renderer: 'cpu' })).toThrow(/already has an 'image'/);
    expect(() => new PixelVectorEnv([makeEnv('minatar_breakout', { image: false })], { renderer: 'cpu' })).toThrow(/not a MuJoCo control task/);
    expect(() => new PixelVectorEnv([], { renderer: 'cpu' })).toThrow(/at least one env/);
  });
});
