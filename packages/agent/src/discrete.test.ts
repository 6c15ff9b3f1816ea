// The seed's discrete modes on a MinAtar-style game (issue 7, must-hold 3): the `discrete` and
// `pcont` presets — one-hot actions (onehot_score, onehot_straight), epsilon-greedy exploration
// on its schedule, reward clipping, the pcont head in the model loss and in the behaviour's
// returns — trained for a few updates with a tiny model on the CPU backend.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Action, Rng, type TimeStep, Wrapper } from '@dreamer/envs';
import { describe, expect, it, vi } from 'vitest';
import { type Config, resolveConfig } from './config.ts';
import { makeTaskEnv } from './envs.ts';
import { noiseAmount } from './exploration.ts';
import { createDreamer } from './learner.ts';
import { type LoopState, type StepRecord, trainLoop } from './loop.ts';

// Every epsilon-greedy call the loop makes, with the policy's action it was given.
const greedyCalls: { epsilon: number; action: Float32Array }[] = [];
vi.mock('./exploration.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./exploration.ts')>();
  return {
    ...actual,
    epsilonGreedy: (action: Float32Array, epsilon: number, rng: Rng) => {
      greedyCalls.push({ epsilon, action: Float32Array.from(action) });
      return actual.epsilonGreedy(action, epsilon, rng);
    },
  };
});

/** Records what the loop steps into the env and what comes back (outermost, so after reward clipping). */
class Recorder extends Wrapper {
  steps = 0;
  actions: Action[] = [];
  rewards: { reward: number; raw: number }[] = [];
  /** Each epsilon-greedy call's env step count at the time (= the loop's envSteps for the train env). */
  stepsAtCall: number[] = [];

  override step(action: Action): TimeStep {
    const ts = this.env.step(action);
    this.steps++;
    this.actions.push(action);
    this.rewards.push({ reward: ts.reward, raw: ts.info.rawReward as number });
    return ts;
  }
}

const fresh = (): LoopState => ({ globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 });
const isOneHot = (a: ArrayLike<number>): boolean => Array.from(a).filter((v) => v === 1).length === 1 && Array.from(a).every((v) => v === 0 || v === 1);

/** A tiny [dreamer, discrete, pcont] run on minatar_breakout: 4 updates of batch [2, 8], two train episodes, one test episode. */
function tinyConfig(overrides: Record<string, unknown>): Config {
  return resolveConfig({
    defaults: ['dreamer', 'discrete', 'pcont', 'debug'],
    tasks: ['minatar_breakout'],
    backend: 'cpu',
    action_repeat: 1,
    batch_shape: [2, 8],
    model_size: 16,
    state_size: 4,
    num_units: 16,
    cnn_depth: 4,
    imagination_horizon: 5,
    max_steps: 8,
    train_collects: [{ steps_after: 2, steps_every: 4 }],
    ...overrides,
  });
}

async function run(config: Config, seed: number) {
  const task = config.tasks[0];
  const env = new Recorder(await makeTaskEnv(config, task));
  const testEnv = await makeTaskEnv(config, task);
  const dir = mkdtempSync(join(tmpdir(), 'discrete-'));
  const agent = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed });
  const episodes: StepRecord[][] = [];
  const add = agent.store.addEpisode.bind(agent.store);
  const store = Object.assign(Object.create(agent.store) as typeof agent.store, {
    addEpisode: (steps: StepRecord[]) => (episodes.push(steps), add(steps)),
  });
  // The step count of the train env at each epsilon-greedy call (the loop calls it before stepping).
  greedyCalls.length = 0;
  const callsBefore = () => greedyCalls.length;
  const recorded: number[] = [];
  const origAct = agent.act.bind(agent);
  agent.act = async (obs, prev, mode) => {
    const a = await origAct(obs, prev, mode);
    recorded[callsBefore()] = env.steps;
    return a;
  };
  const metrics: Record<string, number>[] = [];
  const state = await trainLoop(config, env, testEnv, agent, store, new Rng(seed), fresh(), { onUpdate: (m) => void metrics.push(m) });
  const checkpoint = join(dir, 'checkpoint.safetensors');
  await agent.save(checkpoint, { loop: state, rng: [1, 2, 3, 4] });
  return { env, agent, episodes, metrics, state, checkpoint, calls: greedyCalls.map((c, i) => ({ ...c, envSteps: recorded[i] })) };
}

describe.each([
  { dist: 'onehot_score', clip: 'tanh', seed: 0 },
  { dist: 'onehot_straight', clip: 'sign', seed: 1 },
] as const)('minatar_breakout with [dreamer, discrete, pcont], $dist, clip_rewards $clip', ({ dist, clip, seed }) => {
  it('trains, explores epsilon-greedily on the schedule, steps one-hot actions, clips rewards and checkpoints', async () => {
    // The discrete preset's schedule (0.4 → 0.25 over 10^7 steps) barely moves in a short run: this
    // ramp of 40 steps lets the run cross it, floor included.
    const config = tinyConfig({ action_head_dist: dist, clip_rewards: clip, train_action_noise_ramp: -40 });
    expect(config).toMatchObject({ action_noise_type: 'epsilon_greedy', train_action_noise: 0.4, train_action_noise_min: 0.25, test_action_noise: 0.001 });
    expect(config.gradient_heads).toContain('pcont');
    const schedule = { initial: config.train_action_noise, min: config.train_action_noise_min, ramp: config.train_action_noise_ramp };
    // The linear schedule with a floor: ε(s) = max(min, initial + (min − initial)·s/|ramp|).
    expect(noiseAmount(schedule, 0)).toBe(0.4);
    expect(noiseAmount(schedule, 20)).toBeCloseTo(0.325, 12);
    expect(noiseAmount(schedule, 40)).toBe(0.25);
    expect(noiseAmount(schedule, 1000)).toBe(0.25);
    // The preset's own ramp (−1e7): 0.4 − 0.15·s/10^7.
    const seedSchedule = { ...schedule, ramp: resolveConfig({ defaults: ['discrete'] }).train_action_noise_ramp };
    expect(seedSchedule.ramp).toBe(-1e7);
    expect(noiseAmount(seedSchedule, 5e6)).toBeCloseTo(0.325, 12);
    expect(noiseAmount(seedSchedule, 2e7)).toBe(0.25);

    const { env, agent, episodes, metrics, state, checkpoint, calls } = await run(config, seed);

    // 8 sequences / batch 2 = 4 updates; every loss finite, the pcont objective logged.
    expect(state.updates).toBe(4);
    expect(metrics).toHaveLength(4);
    for (const m of metrics) {
      for (const key of ['objectives/model', 'objectives/image', 'objectives/reward', 'objectives/pcont', 'objectives/divergence', 'objectives/action', 'objectives/value']) {
        expect(Number.isFinite(m[key]), `${key} = ${m[key]}`).toBe(true);
      }
      // pcont is a gradient head: its log-likelihood is in the model loss beside image and reward
      // (scale 1), with the discrete preset's divergence scale 0.1.
      const model = 0.1 * m['objectives/divergence'] - m['objectives/image'] - m['objectives/reward'] - m['objectives/pcont'];
      expect(m['objectives/model']).toBeCloseTo(model, 2);
    }

    // Exploration: train steps with ε on the schedule at the loop's env-step count, test steps with test_action_noise.
    const train = calls.filter((c) => c.epsilon !== config.test_action_noise);
    const test = calls.filter((c) => c.epsilon === config.test_action_noise);
    expect(state.trainEpisodes).toBe(2);
    expect(state.testEpisodes).toBe(1);
    expect(train.length).toBeGreaterThan(0);
    expect(test.length).toBeGreaterThan(0);
    for (const c of train) expect(c.epsilon).toBe(noiseAmount(schedule, c.envSteps));
    // The runs cross the ramp: ε starts above the floor and reaches it.
    expect(Math.max(...train.map((c) => c.epsilon))).toBeGreaterThan(0.25);
    expect(train.at(-1)!.epsilon).toBe(0.25);
    // The policy's actions (before exploration) are one-hot, for both gradient estimators.
    for (const c of calls) expect(isOneHot(c.action), Array.from(c.action).join(',')).toBe(true);

    // What reached the env: action indices of the 6 breakout actions, stored as their one-hot vectors.
    expect(env.actions.every((a) => typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < 6)).toBe(true);
    const stored = episodes.flatMap((e) => e.slice(1));
    expect(stored).toHaveLength(env.steps);
    stored.forEach((s, i) => {
      expect(s.action).toHaveLength(6);
      expect(isOneHot(s.action)).toBe(true);
      expect(s.action.indexOf(1)).toBe(env.actions[i]);
    });

    // Rewards: clipped as configured, the raw reward kept in info; stored rewards are the clipped ones.
    const clipFn = clip === 'tanh' ? Math.tanh : (r: number) => Math.sign(r) + 0;
    for (const r of env.rewards) {
      expect(r.reward).toBe(clipFn(r.raw));
      expect(Math.abs(r.reward)).toBeLessThanOrEqual(1);
    }
    expect(stored.map((s) => s.reward)).toEqual(env.rewards.map((r) => r.reward));
    expect(env.rewards.some((r) => r.raw > 0), 'some brick was hit').toBe(true);
    if (clip === 'tanh') expect(env.rewards.filter((r) => r.raw === 1).every((r) => r.reward === Math.tanh(1))).toBe(true);
    // Early ends (the game lost before the sequence length) are kept as discount 0: what pcont learns.
    expect(stored.every((s) => s.discount === 0 || s.discount === 1)).toBe(true);
    expect(stored.some((s) => s.discount === 0)).toBe(true);

    // The checkpoint: written, and it loads into a fresh agent with the loop state.
    expect(existsSync(checkpoint) && statSync(checkpoint).size > 0).toBe(true);
    const other = await createDreamer(config, await makeTaskEnv(config, 'minatar_breakout'), { episodeDir: join(mkdtempSync(join(tmpdir(), 'discrete-load-')), 'episodes'), seed: 9 });
    expect((await other.load(checkpoint)).loop).toEqual(state);
    other.dispose();
    agent.dispose();
  }, 120_000);
});
