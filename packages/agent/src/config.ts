/**
 * The run configuration: the seed's (google-research/dreamer, TF1) parameter names and defaults,
 * its presets, and its merge rule — presets listed in `defaults` are applied in order, explicit
 * params win, and a key nobody knows is an error (the seed's "Found unused config overrides").
 *
 * The seed counts its schedule in *sequences seen*: `global_step` grows by the batch size each
 * update, so train_steps = 50000 with batch 50 is 1000 updates. We keep that meaning so that
 * the presets (notably `debug`) mean what they meant there.
 */
import { editDistance } from '@dreamer/envs';

export interface CollectSchedule {
  steps_after: number;
  steps_every: number;
}

export interface Config {
  // ---- run ----------------------------------------------------------------------------
  tasks: string[];
  seed: number;
  /** Tensor backend: 'webgpu' (WGSL kernels), 'cpu' (the pure-TS reference) or 'gpujs' (gpu.js kernels, @dreamer/backend-gpujs). */
  backend: 'webgpu' | 'cpu' | 'gpujs';
  debug: boolean;
  // ---- env ----------------------------------------------------------------------------
  /** Env steps per agent step; null: the task's own (DMC 2, dummy and MinAtar-style games 1, room_collect 1 on top of its built-in 4). */
  action_repeat: number | null;
  /** Agent steps per episode before truncation (null: the task's own limit). */
  max_length: number | null;
  render_size: number;
  camera_id: number;
  clip_rewards: false | 'tanh' | 'sign';
  atari_lifes: boolean;
  /** Observation kind fed to the model: 'image' (64×64 pixels) or 'proprio' (state vector). */
  observation: 'image' | 'proprio';
  // ---- data ---------------------------------------------------------------------------
  /** [sequences, steps] per batch. */
  batch_shape: [number, number];
  image_bits: number;
  loader: 'cache';
  loader_every: number;
  loader_window: number;
  pcont_scale: number;
  open_loop_context: number;
  // ---- networks -----------------------------------------------------------------------
  activation: 'elu' | 'relu';
  num_layers: number;
  num_units: number;
  cnn_depth: number;
  model_size: number;
  state_size: number;
  min_stddev: number;
  model_layers: number;
  gru: 'block' | 'keras';
  state_diagnostics: boolean;
  // ---- heads --------------------------------------------------------------------------
  action_head: boolean;
  value_head: boolean;
  action_head_dist: 'tanh_normal_tanh' | 'onehot_score' | 'onehot_straight';
  action_init_std: number;
  action_min_std: number;
  /** Continuous actions: the pre-tanh mean is bounded to ±action_mean_scale (the seed: 5). */
  action_mean_scale: number;
  /**
   * Not in the seed (DreamerV2's `actor_ent`): the actor's loss subtracts this × the entropy of the
   * action distribution at each imagined step (for tanh-Normal a one-draw estimate that includes the
   * tanh's log-det-Jacobian, so it also pulls the pre-tanh mean out of saturation). 0 = the seed.
   */
  action_entropy: number;
  /**
   * How the policy's mode (evaluation episodes) is taken for tanh-Normal actions: 'sample' = the
   * seed's SampleDist (the most likely of 100 draws); 'analytic' = tanh(mean).
   */
  action_mode: 'sample' | 'analytic';
  /**
   * Not in the seed: for the first actor_warmup updates the actor stays fixed while the world model
   * and the value learn, so the actor's first gradients follow a value that has been fitted to
   * imagined returns, not a random network's input gradient. 0 = the seed.
   */
  actor_warmup: number;
  /** Layers of each head; null derives them from num_layers as the seed's defaults do (reward n−1, value n, action n+1, pcont n). */
  reward_layers: number | null;
  pcont_layers: number | null;
  value_layers: number | null;
  action_layers: number | null;
  /** Proprio encoder (MLP) layers × units. */
  encoder_layers: number;
  encoder_units: number;
  gradient_heads: string[];
  // ---- imagination and returns --------------------------------------------------------
  imagination_horizon: number;
  imagination_skip_last: number | null;
  action_discount: number;
  action_lambda: number;
  value_discount: number;
  value_lambda: number;
  action_loss_pcont: boolean;
  value_loss_pcont: boolean;
  // ---- losses and optimisers ----------------------------------------------------------
  divergence_scale: number;
  free_nats: number;
  model_lr: number;
  value_lr: number;
  action_lr: number;
  grad_clip: number;
  adam_epsilon: number;
  // ---- schedule (in sequences seen, as the seed) ---------------------------------------
  train_steps: number;
  test_steps: number;
  max_steps: number;
  num_seed_episodes: number;
  num_seed_steps: number;
  collect_every: number;
  collect_steps: number;
  train_collects: CollectSchedule[] | null;
  test_collects: CollectSchedule[] | null;
  num_envs: number;
  checkpoint_every: number;
  // ---- planning and exploration -------------------------------------------------------
  train_planner: 'policy_sample' | 'policy_mode' | 'cem' | 'random';
  test_planner: 'policy_sample' | 'policy_mode' | 'cem' | 'random';
  planner_objective: 'reward' | 'reward_value';
  planner_horizon: number;
  cem_iterations: number;
  cem_amount: number;
  cem_topk: number;
  action_noise_type: 'additive_normal' | 'epsilon_greedy';
  train_action_noise: number;
  train_action_noise_ramp: number;
  train_action_noise_min: number;
  test_action_noise: number;
}

/** The seed's full defaults (reference.md §1.1), plus our own run keys. */
export const DEFAULTS: Readonly<Config> = Object.freeze({
  tasks: ['cartpole_swingup'],
  seed: 0,
  backend: 'webgpu',
  debug: false,
  action_repeat: null,
  max_length: null,
  render_size: 64,
  camera_id: 0,
  clip_rewards: false,
  atari_lifes: false,
  observation: 'image',
  batch_shape: [50, 50],
  image_bits: 8,
  loader: 'cache',
  loader_every: 1000,
  loader_window: 400,
  pcont_scale: 0.99,
  open_loop_context: 5,
  activation: 'elu',
  num_layers: 3,
  num_units: 400,
  cnn_depth: 32,
  model_size: 200,
  state_size: 30,
  min_stddev: 0.1,
  model_layers: 1,
  gru: 'block',
  state_diagnostics: false,
  action_head: true,
  value_head: true,
  action_head_dist: 'tanh_normal_tanh',
  action_init_std: 5.0,
  action_min_std: 1e-4,
  action_mean_scale: 5,
  action_entropy: 0,
  action_mode: 'sample',
  actor_warmup: 0,
  reward_layers: null,
  pcont_layers: null,
  value_layers: null,
  action_layers: null,
  encoder_layers: 3,
  encoder_units: 300,
  gradient_heads: ['image', 'reward'],
  imagination_horizon: 15,
  imagination_skip_last: null,
  action_discount: 0.99,
  action_lambda: 0.95,
  value_discount: 0.99,
  value_lambda: 0.95,
  action_loss_pcont: false,
  value_loss_pcont: false,
  divergence_scale: 1.0,
  free_nats: 3.0,
  model_lr: 6e-4,
  value_lr: 8e-5,
  action_lr: 8e-5,
  grad_clip: 100,
  adam_epsilon: 1e-4,
  train_steps: 50000,
  test_steps: 50,
  max_steps: 5e7,
  num_seed_episodes: 5,
  num_seed_steps: 2500,
  collect_every: 5000,
  collect_steps: 500,
  train_collects: null,
  test_collects: null,
  num_envs: 1,
  checkpoint_every: 500,
  train_planner: 'policy_sample',
  test_planner: 'policy_mode',
  planner_objective: 'reward_value',
  planner_horizon: 12,
  cem_iterations: 10,
  cem_amount: 1000,
  cem_topk: 100,
  action_noise_type: 'additive_normal',
  train_action_noise: 0.3,
  train_action_noise_ramp: 0,
  train_action_noise_min: 0,
  test_action_noise: 0,
}) as Config;

export type ConfigOverrides = { [K in keyof Config]?: Config[K] };

/** The seed's presets, verbatim values (reference.md §1.1 "Presets"). */
export const PRESETS: Readonly<Record<string, ConfigOverrides>> = {
  dreamer: {
    train_planner: 'policy_sample',
    test_planner: 'policy_mode',
    planner_objective: 'reward_value',
    action_head: true,
    value_head: true,
    train_action_noise: 0.3,
  },
  actor: {
    train_planner: 'policy_sample',
    test_planner: 'policy_mode',
    planner_objective: 'reward',
    action_head: true,
    value_head: false,
    train_action_noise: 0.3,
  },
  planet: {
    train_planner: 'cem',
    test_planner: 'cem',
    planner_objective: 'reward',
    action_head: false,
    value_head: false,
    imagination_horizon: 0,
    train_action_noise: 0.3,
  },
  debug: {
    debug: true,
    action_repeat: 50,
    num_seed_episodes: 1,
    num_seed_steps: 1,
    collect_steps: 1,
    train_steps: 10,
    test_steps: 10,
    max_steps: 500,
    train_collects: [{ steps_after: 10, steps_every: 10 }],
    test_collects: [{ steps_after: 10, steps_every: 10 }],
    model_size: 10,
    state_size: 5,
    num_layers: 1,
    num_units: 10,
    batch_shape: [5, 10],
    loader_every: 5,
    loader_window: 2,
  },
  pcont: {
    gradient_heads: ['image', 'reward', 'pcont'],
    imagination_skip_last: 1,
    value_loss_pcont: true,
    action_loss_pcont: true,
    action_discount: 1.0,
    value_discount: 1.0,
  },
  discrete: {
    action_head_dist: 'onehot_score',
    imagination_horizon: 10,
    divergence_scale: 0.1,
    clip_rewards: 'tanh',
    action_noise_type: 'epsilon_greedy',
    train_action_noise: 0.4,
    train_action_noise_ramp: -10000000,
    train_action_noise_min: 0.25,
    test_action_noise: 0.001,
  },
  atari: { max_length: 27000, atari_lifes: true },
};

/** Keys whose value is one of a fixed set: checked so a typo fails at start-up, not mid-run. */
const CHOICES: { [K in keyof Config]?: readonly unknown[] } = {
  backend: ['webgpu', 'cpu', 'gpujs'],
  clip_rewards: [false, 'tanh', 'sign'],
  observation: ['image', 'proprio'],
  loader: ['cache'],
  activation: ['elu', 'relu'],
  gru: ['block', 'keras'],
  action_head_dist: ['tanh_normal_tanh', 'onehot_score', 'onehot_straight'],
  train_planner: ['policy_sample', 'policy_mode', 'cem', 'random'],
  test_planner: ['policy_sample', 'policy_mode', 'cem', 'random'],
  planner_objective: ['reward', 'reward_value'],
  action_noise_type: ['additive_normal', 'epsilon_greedy'],
  action_mode: ['sample', 'analytic'],
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function nearest(name: string, candidates: readonly string[]): string {
  let best = candidates[0];
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

/** Checks one override against the default's type (numbers, booleans, strings, lists, choices). */
function checkValue(key: keyof Config, value: unknown): void {
  const choices = CHOICES[key];
  if (choices) {
    if (!choices.includes(value)) {
      throw new ConfigError(`config ${key}: got ${JSON.stringify(value)}, expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
    }
    return;
  }
  const def = DEFAULTS[key];
  if (def === null || value === null) return; // nullable keys take a value of the documented type
  const want = typeName(def);
  if (typeName(value) !== want) {
    throw new ConfigError(`config ${key}: got ${JSON.stringify(value)} (${typeName(value)}), expected a ${want} like ${JSON.stringify(def)}`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ConfigError(`config ${key}: got ${value}, expected a finite number`);
}

/**
 * The seed's spellings of keys this config names differently (see packages/agent/README.md):
 * accepted and applied to ours, so a params string written for the seed resolves unchanged.
 * Giving both spellings of one key is an error.
 */
export const SEED_KEY_ALIASES: Readonly<Record<string, keyof Config>> = Object.freeze({
  action_head_init_std: 'action_init_std',
  action_head_min_std: 'action_min_std',
  proprio_encoder_num_layers: 'encoder_layers',
  proprio_encoder_units: 'encoder_units',
  optimizer_epsilon: 'adam_epsilon',
  planner_iterations: 'cem_iterations',
  planner_beams: 'cem_amount',
  planner_topk: 'cem_topk',
});

/**
 * Resolves params as the seed does: DEFAULTS, then each preset named in `params.defaults` in
 * order, then every other key of `params`. Unknown keys and presets are errors naming the
 * nearest valid one; values are type-checked against the defaults.
 */
export function resolveConfig(params: Record<string, unknown> = {}): Config {
  const config = structuredClone(DEFAULTS) as Config;
  const presets = params.defaults ?? [];
  if (!Array.isArray(presets)) throw new ConfigError(`config defaults: expected a list of presets like [dreamer, debug], got ${JSON.stringify(presets)}`);
  const layers: ConfigOverrides[] = [];
  for (const p of presets) {
    if (typeof p !== 'string' || !Object.hasOwn(PRESETS, p)) {
      const names = Object.keys(PRESETS);
      throw new ConfigError(`config defaults: unknown preset ${JSON.stringify(p)} (did you mean '${nearest(String(p), names)}'?); presets: ${names.join(', ')}`);
    }
    layers.push(PRESETS[p]);
  }
  const explicit: ConfigOverrides = {};
  const unknown: string[] = [];
  for (const [given, value] of Object.entries(params)) {
    if (given === 'defaults') continue;
    const key = Object.hasOwn(SEED_KEY_ALIASES, given) ? SEED_KEY_ALIASES[given] : given;
    if (key !== given && Object.hasOwn(params, key)) {
      throw new ConfigError(`config: both '${given}' (the seed's spelling) and '${key}' are given; keep one`);
    }
    if (!Object.hasOwn(DEFAULTS, key)) unknown.push(key);
    else (explicit as Record<string, unknown>)[key] = value;
  }
  if (unknown.length > 0) {
    const keys = Object.keys(DEFAULTS).sort();
    const hints = unknown.map((k) => `'${k}' (did you mean '${nearest(k, keys)}'?)`).join(', ');
    throw new ConfigError(`Found unused config overrides: ${hints}. Valid keys: ${keys.join(', ')}`);
  }
  layers.push(explicit);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      checkValue(key as keyof Config, value);
      (config as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  validate(config);
  return config;
}

function validate(c: Config): void {
  if (c.action_repeat !== null && (!Number.isInteger(c.action_repeat) || c.action_repeat < 1)) {
    throw new ConfigError(`config action_repeat: got ${c.action_repeat}, expected a positive integer (or null for the task's own)`);
  }
  if (!Number.isInteger(c.actor_warmup) || c.actor_warmup < 0) throw new ConfigError(`config actor_warmup: got ${c.actor_warmup}, expected an integer ≥ 0 (updates)`);
  if (!(c.action_entropy >= 0)) throw new ConfigError(`config action_entropy: got ${c.action_entropy}, expected a number ≥ 0`);
  if (!(c.action_mean_scale > 0)) throw new ConfigError(`config action_mean_scale: got ${c.action_mean_scale}, expected a number > 0`);
  const positiveInts: (keyof Config)[] = ['num_units', 'model_size', 'state_size', 'train_steps', 'test_steps', 'num_envs', 'planner_horizon'];
  for (const key of positiveInts) {
    const v = c[key] as number;
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`config ${key}: got ${v}, expected a positive integer`);
  }
  const [b, t] = c.batch_shape;
  if (c.batch_shape.length !== 2 || !Number.isInteger(b) || !Number.isInteger(t) || b < 1 || t < 2) {
    throw new ConfigError(`config batch_shape: got ${JSON.stringify(c.batch_shape)}, expected [sequences ≥ 1, steps ≥ 2]`);
  }
  if (c.tasks.length === 0) throw new ConfigError('config tasks: expected at least one task, e.g. [cartpole_swingup]');
  if (c.action_head === false && (c.train_planner.startsWith('policy') || c.test_planner.startsWith('policy'))) {
    throw new ConfigError(`config action_head is False but the planners are ${c.train_planner}/${c.test_planner}: a policy planner needs the action head (use cem, e.g. the planet preset)`);
  }
}

/** Updates (gradient steps) per train phase and per run, derived from the seed's sequence counts. */
export function updatesPerPhase(c: Config): number {
  return Math.max(1, Math.floor(c.train_steps / c.batch_shape[0]));
}

/** The config as YAML-ready plain data, for config.yaml in a run directory. */
export function configRecord(c: Config): Record<string, unknown> {
  return structuredClone(c) as unknown as Record<string, unknown>;
}
