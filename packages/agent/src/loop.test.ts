import { DummyEnv, Rng } from '@dreamer/envs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { crossesSchedule, type EpisodeStore, type Learner, type LoopState, type StepRecord, trainLoop } from './loop.ts';

class MemoryStore implements EpisodeStore {
  episodes: StepRecord[][] = [];
  get numEpisodes() {
    return this.episodes.length;
  }
  get numSteps() {
    return this.episodes.reduce((n, e) => n + e.length - 1, 0);
  }
  addEpisode(steps: StepRecord[]) {
    this.episodes.push(steps);
  }
}

class CountingLearner implements Learner {
  resets = 0;
  acts: string[] = [];
  updates = 0;
  reset() {
    this.resets++;
  }
  async act(_obs: unknown, prev: Float32Array, mode: 'sample' | 'mode') {
    this.acts.push(mode);
    return new Float32Array(prev.length).fill(0.5);
  }
  async train() {
    this.updates++;
    return { loss: 1 / this.updates };
  }
}

const fresh = (): LoopState => ({ globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 });

describe('trainLoop', () => {
  it('crossesSchedule fires once per interval, from steps_after on', () => {
    const fires = [];
    for (let g = 0; g < 60; g += 5) if (crossesSchedule(g, g + 5, 10, 10)) fires.push(g + 5);
    expect(fires).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('runs the debug schedule on dummy: prefill, updates, collects and test episodes', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], max_steps: 40 });
    const env = new DummyEnv({ episodeLength: 20 });
    const store = new MemoryStore();
    const learner = new CountingLearner();
    const episodes: string[] = [];
    const state = await trainLoop(config, env, new DummyEnv({ episodeLength: 20 }), learner, store, new Rng(0), fresh(), {
      onEpisode: (kind) => void episodes.push(kind),
    });
    // 40 sequences / batch 5 = 8 updates; train phases of 10 sequences = 2 updates each, 4 phases.
    expect(state.updates).toBe(8);
    expect(learner.updates).toBe(8);
    expect(episodes.filter((k) => k === 'prefill')).toHaveLength(1);
    expect(episodes.filter((k) => k === 'test')).toHaveLength(4);
    // debug collects at 10, 20, 30, 40 sequences.
    expect(episodes.filter((k) => k === 'train')).toHaveLength(4);
    expect(store.numEpisodes).toBe(5);
    expect(store.episodes[0]).toHaveLength(21);
    expect(Array.from(store.episodes[0][0].action)).toEqual([0, 0, 0, 0, 0]);
    expect(state.envSteps).toBe(5 * 20);
    // Train episodes sample with noise (clipped), test episodes use the mode without noise.
    expect(learner.acts.filter((m) => m === 'mode')).toHaveLength(4 * 20);
    const trainAction = store.episodes[1][1].action;
    expect(trainAction.some((v) => v !== 0.5)).toBe(true);
    expect(trainAction.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('stops cleanly when asked and resumes from the state', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], max_steps: 40 });
    const env = new DummyEnv({ episodeLength: 20 });
    const store = new MemoryStore();
    const state = await trainLoop(config, env, env, new CountingLearner(), store, new Rng(0), fresh(), { shouldStop: (s) => s.updates === 3 });
    expect(state.updates).toBe(3);
    const resumed = await trainLoop(config, env, env, new CountingLearner(), store, new Rng(1), state);
    expect(resumed.updates).toBe(8);
    expect(resumed.globalStep).toBe(40);
  });

  it('keeps prefilling until an episode is long enough to sample, and names the fix when none is', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], max_steps: 0 });
    const env = new DummyEnv({ episodeLength: 20 });
    const store = Object.assign(new MemoryStore(), { canSample: () => false });
    await expect(trainLoop(config, env, env, new CountingLearner(), store, new Rng(0), fresh())).rejects.toThrow(/none is long enough for sequences of 10 steps .*lower action_repeat or batch_shape\[1\]/);
    expect(store.numEpisodes).toBe(101);
    const longEnough = Object.assign(new MemoryStore(), { canSample(this: MemoryStore) { return this.episodes.length >= 3; } });
    await trainLoop(config, env, env, new CountingLearner(), longEnough, new Rng(0), fresh());
    expect(longEnough.numEpisodes).toBe(3);
  });
});
