// PixelVectorEnv with the CPU ray caster: the batching, auto-reset and error rules shared with the
// GPU path (which pixel_vector.gpu.test.ts checks against these frames).
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from '../control/mujoco.ts';
import { DummyEnv } from '../dummy.ts';
import type { Env, TimeStep } from '../env.ts';
import { makeEnv } from '../registry.ts';
import { Rng } from '../rng.ts';
import { ActionRepeat } from '../wrappers/action_repeat.ts';
import { TimeLimit } from '../wrappers/time_limit.ts';
import { PixelVectorEnv } from './pixel_vector.ts';
import type { Renderer } from './renderer.ts';

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

describe('PixelVectorEnv on worker threads', () => {
  const plain = (steps: TimeStep[]) => steps.map(({ observation, ...rest }) => ({ ...rest, observation: Object.fromEntries(Object.entries(observation).map(([k, v]) => [k, Array.from(v)])) }));

  it('gives the observations, rewards and auto-resets of the calling-thread path bit for bit', async () => {
    const spec = { task: 'cartpole_swingup', count: 5, episodeLength: 4 } as const;
    const threaded = new PixelVectorEnv(spec, { renderer: 'cpu', workers: 2 });
    const here = new PixelVectorEnv(spec, { renderer: 'cpu', workers: 0 });
    const given = new PixelVectorEnv(envs(5, 'cartpole_swingup', 4), { renderer: 'cpu' });
    expect([threaded.workers, here.workers, given.workers]).toEqual([2, 0, 0]);
    expect([threaded.size, threaded.envs.length, here.envs.length]).toEqual([5, 0, 5]);
    expect(threaded.observationSpec).toEqual(given.observationSpec);
    expect(threaded.actionSpec).toEqual(given.actionSpec);
    const all = [threaded, here, given];
    const first = await Promise.all(all.map((vec) => vec.reset(21)));
    expect(plain(first[0])).toEqual(plain(first[2]));
    expect(plain(first[1])).toEqual(plain(first[2]));
    const rng = new Rng(4);
    for (let t = 0; t < 10; t++) {
      const actions = [0, 1, 2, 3, 4].map(() => Float32Array.of(rng.float() * 2 - 1));
      const [a, b, c] = await Promise.all(all.map((vec) => vec.step(actions)));
      expect(plain(a)).toEqual(plain(c));
      expect(plain(b)).toEqual(plain(c));
      if (t === 4) expect(a.map((ts) => ts.info.autoReset)).toEqual([true, true, true, true, true]);
    }
    all.forEach((vec) => vec.close());
  });

  it('honours actionRepeat, keepState: false, the camera and image size; steps issued together run in order', async () => {
    const spec = { task: 'reacher_easy', count: 3, actionRepeat: 2 } as const;
    const options = { renderer: 'cpu', keepState: false, camera: 0, width: 24, height: 16 } as const;
    const threaded = new PixelVectorEnv(spec, { ...options, workers: 2 });
    const given = new PixelVectorEnv([0, 1, 2].map(() => new ActionRepeat(makeEnv('reacher_easy'), 2)), options);
    expect(Object.keys(threaded.observationSpec)).toEqual(['image']);
    const [a0, b0] = await Promise.all([threaded.reset(5), given.reset(5)]);
    expect(plain(a0)).toEqual(plain(b0));
    expect(a0[0].observation.image).toHaveLength(16 * 24 * 3);
    const actions = [[0.5, -0.5], [1, 1], [-1, 0.2]];
    // Two steps issued before either resolves: the second sees the first's results.
    const [a1, a2] = await Promise.all([threaded.step(actions), threaded.step(actions)]);
    const b1 = await given.step(actions);
    const b2 = await given.step(actions);
    expect(plain(a1)).toEqual(plain(b1));
    expect(plain(a2)).toEqual(plain(b2));
    expect(a2[0].info.repeats).toBe(2);
    threaded.close();
    given.close();
  });

  it('defaults to one worker per core (at most one per env) with the CPU renderer', () => {
    const vec = new PixelVectorEnv({ task: 'pendulum_swingup', count: 3 }, { renderer: 'cpu' });
    expect(vec.workers).toBe(Math.min(os.availableParallelism(), 3));
    vec.close();
  });

  it('checks actions before any env moves, and reports misuse clearly', async () => {
    const spec = { task: 'cartpole_swingup', count: 2, episodeLength: 2 } as const;
    const vec = new PixelVectorEnv(spec, { renderer: 'cpu', workers: 2, autoReset: false });
    const twin = new PixelVectorEnv(spec, { renderer: 'cpu', workers: 0, autoReset: false });
    await expect(vec.step([[0], [0]])).rejects.toThrow(/before reset/);
    await Promise.all([vec.reset(0), twin.reset(0)]);
    await expect(vec.step([[0]])).rejects.toThrow(/expected an array of 2 actions, one per env/);
    await expect(vec.step([[0], [NaN]])).rejects.toThrow(/env 1 \(cartpole_swingup\): invalid action .*element 0 is NaN/);
    await expect(vec.step([[0], [0, 0]])).rejects.toThrow(/length 2, expected length 1/);
    // Nothing moved: the next step matches a twin that never saw the bad ones.
    expect(plain(await vec.step([[0.3], [-0.3]]))).toEqual(plain(await twin.step([[0.3], [-0.3]])));
    await vec.step([[0], [0]]);
    await expect(vec.step([[0], [0]])).rejects.toThrow(/env 0 \(cartpole_swingup\) ended; call reset\(seed\) first/);
    vec.close();
    twin.close();
    await expect(vec.step([[0], [0]])).rejects.toThrow(/after close\(\)/);
    const fakeGpu = { render() {}, renderPixels() {} } as unknown as Renderer;
    expect(() => new PixelVectorEnv(envs(1), { renderer: 'cpu', workers: 2 })).toThrow(/workers needs the envs as a task/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 2 }, { renderer: fakeGpu, workers: 2 })).toThrow(/workers needs renderer 'cpu'/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swing', count: 2 } as never, { renderer: 'cpu' })).toThrow(/task must name a control task/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 0 }, { renderer: 'cpu' })).toThrow(/count must be an integer ≥ 1, got 0/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 1, repeat: 2 } as never, { renderer: 'cpu' })).toThrow(/unknown task field 'repeat'/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 1, actionRepeat: 0 }, { renderer: 'cpu' })).toThrow(/actionRepeat must be an integer ≥ 1/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 1 }, { renderer: 'cpu', workers: 1.5 })).toThrow(/workers must be an integer ≥ 0/);
    expect(() => new PixelVectorEnv({ task: 'cartpole_swingup', count: 1 }, { renderer: 'cpu', workers: 1, camera: 5 })).toThrow(/pixels.camera 5 does not exist/);
  });
});
