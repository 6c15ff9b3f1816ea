// The one environment interface every task in this package implements.
//
// Conventions (shared by every env; see README.md):
// - `reset(seed)` starts a new episode and returns its first TimeStep: reward 0, discount 1,
//   terminal = truncated = false. The same seed and the same actions give the same episode.
// - `step(action)` advances one agent step. `reward[t]` is received on arriving at `obs[t]`.
// - `terminal` marks a true end of the MDP (game over): `discount` is then 0. `truncated` marks
//   a time limit: the episode stops but `discount` stays 1, so learners should bootstrap.
//   At most one of the two is true. After either, `step` throws until `reset` is called.
// - Observations are records of named typed arrays in row-major HWC layout; every TimeStep
//   holds freshly allocated arrays, so callers may keep them (e.g. in a replay buffer).
// - Bad actions throw an Error naming the value and what was expected.

/** dtypes an observation array may have. */
export type ObsDType = 'uint8' | 'float32';

/** Shape, dtype and value range of one named observation. */
export interface ArraySpec {
  readonly shape: readonly number[];
  readonly dtype: ObsDType;
  /** Inclusive bounds of every element (e.g. 0..255 for images, 0..1 for boolean grids). */
  readonly low: number;
  readonly high: number;
  /** Optional human-readable description (e.g. channel names). */
  readonly description?: string;
}

/** Named observation arrays, e.g. `{ image: ArraySpec }`. */
export type ObservationSpec = Readonly<Record<string, ArraySpec>>;

/** A box of real-valued actions. */
export interface ContinuousActionSpec {
  readonly kind: 'continuous';
  readonly shape: readonly number[];
  /** Inclusive per-element bounds (same length as the flattened shape). */
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** `n` discrete actions, indexed 0..n−1. */
export interface DiscreteActionSpec {
  readonly kind: 'discrete';
  readonly n: number;
  /** Meaning of each index, e.g. ['noop', 'left', 'right']. */
  readonly names: readonly string[];
}

export type ActionSpec = ContinuousActionSpec | DiscreteActionSpec;

/** A continuous action is a flat vector; a discrete action is an integer index. */
export type ContinuousAction = Float32Array | Float64Array | readonly number[];
export type DiscreteAction = number;
export type Action = ContinuousAction | DiscreteAction;

/** Observation arrays by name. */
export type Observation = Record<string, Uint8Array | Float32Array>;

export interface TimeStep {
  readonly observation: Observation;
  readonly reward: number;
  /** 0 at a true terminal, 1 otherwise (including time-limit truncation). */
  readonly discount: number;
  /** True when the episode really ended (game over). */
  readonly terminal: boolean;
  /** True when the episode was cut by a time limit. */
  readonly truncated: boolean;
  /** Extra diagnostics (step counter, effective action after sticky actions, ...). */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface Env {
  /** Registry name of the task, e.g. 'minatar_breakout'. */
  readonly name: string;
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ActionSpec;
  /** Start a new episode deterministically from `seed`; returns its first TimeStep. */
  reset(seed: number): TimeStep;
  /** Advance one step. Throws on a bad action, before the first reset, or after the episode ended. */
  step(action: Action): TimeStep;
  /** Release resources. Further calls to reset/step throw. */
  close(): void;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const arr = Array.from(value as ArrayLike<unknown>);
    const head = arr.slice(0, 8).map((v) => String(v)).join(', ');
    return `[${head}${arr.length > 8 ? ', …' : ''}] (length ${arr.length})`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Check an action against a spec and return it in canonical form (an integer for discrete,
 * a fresh Float32Array for continuous). Throws an Error naming the value and what was expected.
 */
export function validateAction(spec: DiscreteActionSpec, action: unknown, envName?: string): number;
export function validateAction(spec: ContinuousActionSpec, action: unknown, envName?: string): Float32Array;
export function validateAction(spec: ActionSpec, action: unknown, envName?: string): number | Float32Array;
export function validateAction(spec: ActionSpec, action: unknown, envName = 'env'): number | Float32Array {
  if (spec.kind === 'discrete') {
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= spec.n) {
      throw new Error(
        `${envName}: invalid action ${describe(action)}; expected an integer index in [0, ${spec.n - 1}] ` +
          `(${spec.names.map((n, i) => `${i}=${n}`).join(', ')})`,
      );
    }
    return action;
  }
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const isVec = Array.isArray(action) || action instanceof Float32Array || action instanceof Float64Array;
  if (!isVec) {
    throw new Error(
      `${envName}: invalid action ${describe(action)}; expected a number[] or Float32Array of length ${size}`,
    );
  }
  const vec = action as ArrayLike<unknown>;
  if (vec.length !== size) {
    throw new Error(
      `${envName}: invalid action ${describe(action)}: length ${vec.length}, expected length ${size} ` +
        `(shape [${spec.shape.join(', ')}])`,
    );
  }
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = vec[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(
        `${envName}: invalid action ${describe(action)}: element ${i} is ${String(v)}, expected a finite number`,
      );
    }
    if (v < spec.low[i] || v > spec.high[i]) {
      throw new Error(
        `${envName}: invalid action ${describe(action)}: element ${i} = ${v} is outside ` +
          `[${spec.low[i]}, ${spec.high[i]}]`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Number of elements of an array spec. */
export function specSize(spec: ArraySpec): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/** Shared bookkeeping for reset/step ordering; envs extend it. */
export abstract class EnvBase implements Env {
  abstract readonly name: string;
  abstract readonly observationSpec: ObservationSpec;
  abstract readonly actionSpec: ActionSpec;
  private phase: 'fresh' | 'running' | 'done' | 'closed' = 'fresh';

  reset(seed: number): TimeStep {
    if (this.phase === 'closed') throw new Error(`${this.name}: reset() called after close()`);
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new Error(`${this.name}: invalid seed ${describe(seed)}; expected a finite number`);
    }
    const ts = this.doReset(seed);
    this.phase = 'running';
    return ts;
  }

  step(action: Action): TimeStep {
    if (this.phase === 'closed') throw new Error(`${this.name}: step() called after close()`);
    if (this.phase === 'fresh') throw new Error(`${this.name}: step() called before reset(seed)`);
    if (this.phase === 'done') {
      throw new Error(`${this.name}: step() called after the episode ended; call reset(seed) first`);
    }
    const canonical = validateAction(this.actionSpec, action, this.name);
    const ts = this.doStep(canonical);
    if (ts.terminal || ts.truncated) this.phase = 'done';
    return ts;
  }

  close(): void {
    this.phase = 'closed';
  }

  protected abstract doReset(seed: number): TimeStep;
  protected abstract doStep(action: number | Float32Array): TimeStep;
}
