// The `pixels` option of control tasks: image observations from the CPU ray caster.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCpu } from '../render/cpu.ts';
import { makeEnv } from '../registry.ts';
import { ActionRepeat } from '../wrappers/action_repeat.ts';
import { sceneOf } from './base.ts';
import { loadMujoco } from './mujoco.ts';

beforeAll(async () => {
  await loadMujoco();
});

describe('pixels option', () => {
  it('adds a 64×64×3 uint8 image from camera 0, next to the state by default', () => {
    const env = makeEnv('cartpole_swingup', { pixels: true });
    expect(env.observationSpec.image).toEqual({ shape: [64, 64, 3], dtype: 'uint8', low: 0, high: 255, description: 'camera 0, RGB, HWC' });
    expect(Object.keys(env.observationSpec)).toEqual(['position', 'velocity', 'image']);
    const first = env.reset(3);
    const image = first.observation.image;
    expect(image).toBeInstanceOf(Uint8Array);
    expect(image).toEqual(renderCpu([sceneOf(env)]));
    expect(first.observation.position).toHaveLength(3);
    const next = env.step([1]);
    expect(next.observation.image).toEqual(renderCpu([sceneOf(env)]));
    expect(next.observation.image).not.toEqual(image); // the cart moved
    expect(next.observation.image).not.toBe(image);
    env.close();
  });

  it('honours width, height, camera and keepState: false', () => {
    const env = makeEnv('walker_walk', { pixels: { width: 40, height: 24, camera: 1, keepState: false } });
    expect(Object.keys(env.observationSpec)).toEqual(['image']);
    expect(env.observationSpec.image.shape).toEqual([24, 40, 3]);
    const ts = env.reset(0);
    expect(Object.keys(ts.observation)).toEqual(['image']);
    expect(ts.observation.image).toEqual(renderCpu([sceneOf(env)], { cameras: 1, width: 40, height: 24 }));
    expect(ts.observation.image).not.toEqual(renderCpu([sceneOf(env)], { cameras: 0, width: 40, height: 24 }));
    env.close();
  });

  it('gives the same frames for the same seed and actions, and changes nothing else', () => {
    const run = (pixels: boolean) => {
      const env = new ActionRepeat(makeEnv('reacher_easy', { pixels }), 2);
      const out = [env.reset(7)];
      for (let t = 0; t < 3; t++) out.push(env.step([0.5, -0.5]));
      env.close();
      return out;
    };
    const [a, b, plain] = [run(true), run(true), run(false)];
    expect(a.map((ts) => ts.observation.image)).toEqual(b.map((ts) => ts.observation.image));
    expect(a.map((ts) => [ts.reward, ts.observation.position])).toEqual(plain.map((ts) => [ts.reward, ts.observation.position]));
  });

  it('rejects bad pixel options with clear errors', () => {
    expect(() => makeEnv('cartpole_swingup', { pixels: { camera: 9 } })).toThrow(/pixels.camera 9 does not exist; the model has 2 cameras \(0..1\)/);
    expect(() => makeEnv('cartpole_swingup', { pixels: { width: 0 } })).toThrow(/pixels.width must be an integer ≥ 1, got 0/);
    expect(() => makeEnv('cartpole_swingup', { pixels: { height: 2.5 } })).toThrow(/pixels.height must be an integer ≥ 1, got 2.5/);
    expect(() => makeEnv('cartpole_swingup', { pixels: { size: 64 } as object })).toThrow(/unknown pixels option 'size'/);
    expect(() => makeEnv('cartpole_swingup', { pixels: { keepState: 'no' } as object })).toThrow(/keepState must be a boolean/);
    expect(() => makeEnv('cartpole_swingup', { pixels: 64 } as object)).toThrow(/option pixels must be true or an object/);
  });
});
