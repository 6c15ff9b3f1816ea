import { DummyEnv, makeEnvAsync } from '@dreamer/envs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { MinimumDuration, defaultActionRepeat, makeTaskEnv } from './envs.ts';

describe('task envs', () => {
  it('MinimumDuration continues short episodes until the duration, keeping the early end as discount', () => {
    const env = new MinimumDuration(new DummyEnv({ episodeLength: 5, size: 4 }), 12);
    env.reset(3);
    const flags: string[] = [];
    for (let t = 1; t <= 15; t++) {
      const ts = env.step(new Float32Array(5));
      flags.push(ts.truncated ? 'T' : ts.info.continued ? 'c' : '.');
      if (ts.truncated) break;
    }
    // Ends at 5 and 10 are continued; the first end at or after step 12 (step 15) is real.
    expect(flags.join('')).toBe('....c....c....T');
  });

  it('uses the seed per-task action repeat and keeps the model observations', async () => {
    expect(defaultActionRepeat('cartpole_swingup')).toBe(2);
    expect(defaultActionRepeat('minatar_breakout')).toBe(1);
    const proprio = await makeTaskEnv(resolveConfig({ tasks: ['cartpole_swingup'], observation: 'proprio' }), 'cartpole_swingup');
    expect(Object.keys(proprio.observationSpec)).toEqual(['position', 'velocity']);
    let ts = proprio.reset(0);
    let steps = 0;
    while (!ts.truncated) [ts, steps] = [proprio.step([0]), steps + 1];
    expect(steps).toBe(500);
    const breakout = await makeTaskEnv(resolveConfig({ defaults: ['discrete'], tasks: ['minatar_breakout'] }), 'minatar_breakout');
    expect(breakout.observationSpec.image.shape).toEqual([64, 64, 3]);
    expect((await makeEnvAsync('minatar_breakout')).actionSpec.kind).toBe('discrete');
  });
});
