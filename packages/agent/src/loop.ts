/**
 * The training loop of the seed: prefill with random episodes, then alternate a train phase
 * (gradient updates, with an episode collected on a schedule) and a test phase (one evaluation
 * episode with the policy's mode). `globalStep` counts sequences seen, as the seed's does, so
 * the `debug` preset's small numbers keep their meaning.
 *
 * Everything the loop touches is behind small interfaces (Learner, EpisodeStore, the Env), so
 * the loop reads like the schedule it implements and tests can drive it with fakes.
 */
import { type Env, Rng, type TimeStep } from '@dreamer/envs';
import type { Config } from './config.ts';
import { additiveNormal, epsilonGreedy, noiseAmount } from './exploration.ts';

/** One step of an episode as stored: the action is the one that led to this observation. */
export interface StepRecord {
  observation: Record<string, Uint8Array | Float32Array>;
  action: Float32Array;
  reward: number;
  discount: number;
}

export interface EpisodeStore {
  readonly numEpisodes: number;
  readonly numSteps: number;
  /** Stores a finished episode (written to disk by the implementation). */
  addEpisode(steps: StepRecord[]): Promise<void> | void;
  /** Whether some stored episode is long enough for sequences of `length` steps (absent: assume yes). */
  canSample?(length: number): boolean;
}

/** Prefill episodes, past the seed's counts, tried before giving up on too-short episodes. */
const MAX_EXTRA_PREFILL = 100;

export type PolicyMode = 'sample' | 'mode' | 'random';

/** The model side of the agent: acting (with a latent state it keeps) and learning. */
export interface Learner {
  /** Starts a new episode (resets the latent state). */
  reset(): void;
  /** The action for `observation`, given the action that led to it; updates the latent state. */
  act(observation: TimeStep['observation'], prevAction: Float32Array, mode: Exclude<PolicyMode, 'random'>): Promise<Float32Array>;
  /** One gradient update on a freshly sampled batch; returns named scalar metrics. */
  train(): Promise<Record<string, number>>;
}

export interface LoopState {
  /** Sequences seen (the seed's global_step). */
  globalStep: number;
  /** Agent steps taken in the environment (after action repeat). */
  envSteps: number;
  updates: number;
  trainEpisodes: number;
  testEpisodes: number;
}

export interface LoopHooks {
  onEpisode?(kind: 'prefill' | 'train' | 'test', ret: number, length: number, state: LoopState): void | Promise<void>;
  onUpdate?(metrics: Record<string, number>, state: LoopState): void | Promise<void>;
  /** Called after every update; return true to stop cleanly (e.g. on SIGINT). */
  shouldStop?(state: LoopState): boolean;
}

/** Converts between the env's action (index or vector) and the model's vector (one-hot for discrete). */
export function actionAdapter(env: Env): { size: number; toEnv(a: Float32Array): number | Float32Array; random(rng: Rng): Float32Array } {
  const spec = env.actionSpec;
  if (spec.kind === 'discrete') {
    return {
      size: spec.n,
      toEnv: (a) => a.indexOf(Math.max(...a)),
      random: (rng) => {
        const a = new Float32Array(spec.n);
        a[rng.int(spec.n)] = 1;
        return a;
      },
    };
  }
  const size = spec.shape.reduce((x, y) => x * y, 1);
  return {
    size,
    toEnv: (a) => a,
    random: (rng) => {
      const a = new Float32Array(size);
      for (let i = 0; i < size; i++) a[i] = spec.low[i] + (spec.high[i] - spec.low[i]) * rng.float();
      return a;
    },
  };
}

/** Runs one episode with `mode`; returns its records, return and length. */
export async function runEpisode(
  env: Env,
  learner: Learner | null,
  mode: PolicyMode,
  config: Config,
  rng: Rng,
  state: LoopState,
  training: boolean,
): Promise<{ steps: StepRecord[]; ret: number }> {
  const adapter = actionAdapter(env);
  let ts = env.reset(rng.nextUint32());
  let prev: Float32Array = new Float32Array(adapter.size);
  const steps: StepRecord[] = [{ observation: ts.observation, action: prev, reward: 0, discount: 1 }];
  learner?.reset();
  let ret = 0;
  while (!ts.terminal && !ts.truncated) {
    let action: Float32Array;
    if (mode === 'random' || learner === null) action = adapter.random(rng);
    else {
      action = await learner.act(ts.observation, prev, mode);
      const amount = training
        ? noiseAmount({ initial: config.train_action_noise, min: config.train_action_noise_min, ramp: config.train_action_noise_ramp }, state.envSteps)
        : config.test_action_noise;
      if (amount > 0) action = config.action_noise_type === 'epsilon_greedy' ? epsilonGreedy(action, amount, rng) : additiveNormal(action, amount, rng);
    }
    ts = env.step(adapter.toEnv(action));
    ret += ts.reward;
    steps.push({ observation: ts.observation, action, reward: ts.reward, discount: ts.discount });
    prev = action;
    if (training) state.envSteps++;
  }
  return { steps, ret };
}

/** Did the step counter cross a point of the collect schedule in (prev, next]? */
export function crossesSchedule(prev: number, next: number, after: number, every: number): boolean {
  if (next < after) return false;
  const idx = (g: number) => (g < after ? -1 : Math.floor((g - after) / every));
  return idx(next) !== idx(prev) || prev < after;
}

function collectDue(config: Config, prev: number, next: number): boolean {
  const schedules = config.train_collects ?? [{ steps_after: 0, steps_every: config.collect_every }];
  return schedules.some((s) => crossesSchedule(prev, next, s.steps_after, s.steps_every));
}

/** Prefill, then train/test phases until `max_steps`; resumable from `state`. */
export async function trainLoop(
  config: Config,
  env: Env,
  testEnv: Env,
  learner: Learner,
  store: EpisodeStore,
  rng: Rng,
  state: LoopState,
  hooks: LoopHooks = {},
): Promise<LoopState> {
  const [batch, length] = config.batch_shape;
  let extra = 0;
  const seeded = (): boolean => store.numEpisodes >= config.num_seed_episodes && store.numSteps >= config.num_seed_steps;
  while (!seeded() || !(store.canSample?.(length) ?? true)) {
    if (seeded() && ++extra > MAX_EXTRA_PREFILL) {
      throw new Error(
        `${env.name}: after ${store.numEpisodes} random episodes none is long enough for sequences of ${length} steps ` +
          `(action_repeat ${config.action_repeat}); lower action_repeat or batch_shape[1]`,
      );
    }
    const { steps, ret } = await runEpisode(env, null, 'random', config, rng, state, true);
    await store.addEpisode(steps);
    await hooks.onEpisode?.('prefill', ret, steps.length - 1, state);
  }
  const trainMode: PolicyMode = config.train_planner === 'policy_mode' ? 'mode' : config.train_planner === 'random' ? 'random' : 'sample';
  const testMode: PolicyMode = config.test_planner === 'policy_sample' ? 'sample' : config.test_planner === 'random' ? 'random' : 'mode';
  while (state.globalStep < config.max_steps) {
    const phaseEnd = Math.min(config.max_steps, (Math.floor(state.globalStep / config.train_steps) + 1) * config.train_steps);
    while (state.globalStep < phaseEnd) {
      const next = state.globalStep + batch;
      if (collectDue(config, state.globalStep, next)) {
        let collected = 0;
        do {
          const { steps, ret } = await runEpisode(env, learner, trainMode, config, rng, state, true);
          await store.addEpisode(steps);
          collected += steps.length - 1;
          state.trainEpisodes++;
          await hooks.onEpisode?.('train', ret, steps.length - 1, state);
        } while (collected < config.collect_steps);
      }
      const metrics = await learner.train();
      state.globalStep = next;
      state.updates++;
      await hooks.onUpdate?.(metrics, state);
      if (hooks.shouldStop?.(state)) return state;
    }
    const { steps, ret } = await runEpisode(testEnv, learner, testMode, config, rng, state, false);
    state.testEpisodes++;
    await hooks.onEpisode?.('test', ret, steps.length - 1, state);
  }
  return state;
}
