// Properties every MinAtar-style game must have.
import { describe, expect, it } from 'vitest';
import { makeEnv, type TaskName } from '../registry.ts';
import { renderGrid, type MinAtarEnv } from './base.ts';
import { randomPolicy, runEpisode } from './testing.ts';

const GAMES: { name: TaskName; channels: number; minimal: string[]; randomReturn: [number, number] }[] = [
  { name: 'minatar_breakout', channels: 4, minimal: ['noop', 'left', 'right'], randomReturn: [0.1, 5] },
  { name: 'minatar_freeway', channels: 7, minimal: ['noop', 'up', 'down'], randomReturn: [0, 5] },
  { name: 'minatar_asterix', channels: 4, minimal: ['noop', 'left', 'up', 'right', 'down'], randomReturn: [0.1, 10] },
  { name: 'minatar_seaquest', channels: 10, minimal: ['noop', 'left', 'up', 'right', 'down', 'fire'], randomReturn: [0, 3] },
  { name: 'minatar_space_invaders', channels: 6, minimal: ['noop', 'left', 'right', 'fire'], randomReturn: [0.5, 10] },
];

describe.each(GAMES)('$name', ({ name, channels, minimal, randomReturn }) => {
  it('has a 10×10×C boolean grid and a 64×64 RGB image that renders it', () => {
    const env = makeEnv(name) as MinAtarEnv;
    expect(env.observationSpec.grid).toMatchObject({ shape: [10, 10, channels], dtype: 'uint8', low: 0, high: 1 });
    expect(env.observationSpec.image).toMatchObject({ shape: [64, 64, 3], dtype: 'uint8' });
    const ep = runEpisode(env, 1, randomPolicy(6), 300);
    for (const ts of ep.steps) {
      const { grid, image } = ts.observation as { grid: Uint8Array; image: Uint8Array };
      expect(grid.length).toBe(100 * channels);
      expect(grid.every((v) => v === 0 || v === 1)).toBe(true);
      expect(image).toEqual(renderGrid(grid, env.game.palette));
    }
    // every palette colour is distinct and not black (the background)
    const keys = new Set(env.game.palette.map((c) => c.join(',')));
    expect(keys.size).toBe(channels);
    expect(keys.has('0,0,0')).toBe(false);
  });

  it('uses the 6-action set by default and the minimal set on request', () => {
    expect(makeEnv(name).actionSpec).toEqual({
      kind: 'discrete',
      n: 6,
      names: ['noop', 'left', 'up', 'right', 'down', 'fire'],
    });
    expect(makeEnv(name, { actionSet: 'minimal' }).actionSpec).toEqual({ kind: 'discrete', n: minimal.length, names: minimal });
  });

  it('rejects out-of-range discrete actions', () => {
    const env = makeEnv(name, { actionSet: 'minimal' });
    env.reset(0);
    expect(() => env.step(minimal.length)).toThrow(new RegExp(`invalid action ${minimal.length}; expected an integer index in \\[0, ${minimal.length - 1}\\]`));
    expect(() => env.step(-1)).toThrow(/invalid action -1/);
    expect(() => env.step(1.5)).toThrow(/invalid action 1.5/);
    expect(() => env.step(Number.NaN)).toThrow(/invalid action NaN/);
    expect(() => env.step([1] as unknown as number)).toThrow(/expected an integer index/);
  });

  it('is deterministic: same seed and actions give the same frames', () => {
    const play = (seed: number) => {
      const ep = runEpisode(makeEnv(name), seed, randomPolicy(6), 400);
      return ep.steps.map((ts) => [Array.from(ts.observation.grid as Uint8Array).join(''), ts.reward, ts.terminal]);
    };
    expect(play(3)).toEqual(play(3));
    const distinct = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((s) => JSON.stringify(play(s))));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('repeats the previous effective action with the sticky probability', () => {
    const always = makeEnv(name, { stickyActionProb: 1 });
    const ep = runEpisode(always, 0, () => 3, 50);
    for (const ts of ep.steps.slice(1)) expect(ts.info.action).toBe('noop');

    const env = makeEnv(name, { stickyActionProb: 0.1 });
    let sticky = 0;
    let total = 0;
    for (let seed = 0; seed < 1000 && total < 3000; seed++) {
      const e = runEpisode(env, seed, randomPolicy(6), 200);
      for (const ts of e.steps.slice(1)) {
        total++;
        if (ts.info.sticky) sticky++;
      }
    }
    expect(total).toBeGreaterThan(500);
    expect(Math.abs(sticky / total - 0.1)).toBeLessThan(0.03);

    const none = makeEnv(name, { stickyActionProb: 0 });
    const ep0 = runEpisode(none, 0, () => 5, 50);
    for (const ts of ep0.steps.slice(1)) expect(ts.info.action).toBe('fire');
  });

  it('random-policy returns are in a sane range', () => {
    const env = makeEnv(name, { image: false });
    const returns: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const ep = runEpisode(env, seed, randomPolicy(6), 5000, false);
      returns.push(ep.ret);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    expect(mean).toBeGreaterThanOrEqual(randomReturn[0]);
    expect(mean).toBeLessThanOrEqual(randomReturn[1]);
    for (const r of returns) expect(Number.isInteger(r) && r >= 0).toBe(true);
  });

  it('ends with discount 0 on terminal, and honours maxEpisodeSteps', () => {
    const env = makeEnv(name, { maxEpisodeSteps: 7 });
    const ep = runEpisode(env, 0, randomPolicy(6), 100);
    const last = ep.steps[ep.steps.length - 1];
    expect(last.terminal || last.truncated).toBe(true);
    if (last.terminal) expect(last.discount).toBe(0);
    else expect(ep.steps.length).toBe(8);
    expect(last.terminal && last.truncated).toBe(false);
  });
});
