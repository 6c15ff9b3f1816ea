// An episode is a record of arrays that share their first axis (time). Row 0 is the reset step
// (zero action, reward 0, discount 1), so an episode of T rows holds T − 1 environment steps:
// the TF2 seed's convention, and why its step counter subtracts 1 per file.
import type { ObservationSpec, TimeStep } from '@dreamer/envs';
import { allocate, checkArray, shapeSize, type DType, type NdArray, type TypedData } from './npy.ts';

export type Episode = Readonly<Record<string, NdArray>>;

/**
 * One step's values by key. Conversions follow the seed's `Collect` wrapper: floats → float32,
 * signed integers → int32, uint8 stays uint8, booleans → bool; plain numbers are float32.
 */
export type StepValue = number | boolean | Uint8Array | Int8Array | Int32Array | Float32Array | Float64Array | readonly number[];
export type Step = Readonly<Record<string, StepValue>>;

/** Rows (time steps stored) of an episode; throws if its arrays disagree. */
export function episodeRows(episode: Episode, name = 'episode'): number {
  const keys = Object.keys(episode);
  if (keys.length === 0) throw new Error(`${name}: has no arrays`);
  let rows = -1;
  for (const key of keys) {
    const a = episode[key];
    checkArray(a, `${name}: '${key}'`);
    if (a.shape.length === 0) throw new Error(`${name}: '${key}' is a scalar; every array needs a time axis`);
    if (rows < 0) rows = a.shape[0];
    else if (a.shape[0] !== rows) {
      throw new Error(`${name}: '${key}' has ${a.shape[0]} rows but '${keys[0]}' has ${rows}; arrays must share the time axis`);
    }
  }
  return rows;
}

/** Environment steps in an episode: rows − 1 (row 0 is the reset). */
export function episodeSteps(episode: Episode): number {
  return Math.max(0, episodeRows(episode) - 1);
}

/** A Step from an env TimeStep and the action that led to it (zeros on reset). */
export function timeStepToStep(ts: TimeStep, action: Float32Array | readonly number[]): Step {
  return { ...ts.observation, action, reward: ts.reward, discount: ts.discount };
}

/** Item shapes of an env's observations, for `ReplayOptions.shapes`. */
export function shapesFromSpec(spec: ObservationSpec): Record<string, readonly number[]> {
  return Object.fromEntries(Object.entries(spec).map(([key, s]) => [key, s.shape]));
}

function kindOf(v: StepValue): { dtype: DType; shape: number[] } {
  if (typeof v === 'number') return { dtype: 'float32', shape: [] };
  if (typeof v === 'boolean') return { dtype: 'bool', shape: [] };
  if (v instanceof Uint8Array) return { dtype: 'uint8', shape: [v.length] };
  if (v instanceof Int8Array || v instanceof Int32Array) return { dtype: 'int32', shape: [v.length] };
  if (v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v)) return { dtype: 'float32', shape: [v.length] };
  throw new Error(`unsupported step value ${String(v)}; expected a number, boolean, typed array or number[]`);
}

interface Column {
  readonly dtype: DType;
  readonly itemShape: number[];
  readonly itemSize: number;
  data: TypedData;
}

/** Accumulates steps column by column (amortised doubling) and stacks them into an Episode. */
export class EpisodeBuilder {
  private columns = new Map<string, Column>();
  private rows = 0;

  private readonly shapes: Readonly<Record<string, readonly number[]>>;

  /** Item shapes for keys whose values are flat arrays (e.g. image → [64, 64, 3]). */
  constructor(shapes: Readonly<Record<string, readonly number[]>> = {}) {
    this.shapes = shapes;
  }

  get length(): number {
    return this.rows;
  }

  add(step: Step): void {
    const keys = Object.keys(step);
    if (this.rows === 0) {
      if (keys.length === 0) throw new Error('replay: a step needs at least one value');
      this.columns.clear(); // a rejected first step must not leave columns behind
      for (const key of keys) this.columns.set(key, this.newColumn(key, step[key]));
    } else {
      const known = [...this.columns.keys()];
      const missing = known.filter((k) => !(k in step));
      const extra = keys.filter((k) => !this.columns.has(k));
      if (missing.length || extra.length) {
        throw new Error(
          `replay: step ${this.rows} has keys [${keys.join(', ')}] but the episode started with [${known.join(', ')}]` +
            (missing.length ? `; missing ${missing.join(', ')}` : '') +
            (extra.length ? `; unexpected ${extra.join(', ')}` : ''),
        );
      }
    }
    for (const [key, col] of this.columns) this.write(key, col, step[key]);
    this.rows++;
  }

  /** Stack the steps so far (copies; the builder can be reused after `clear`). */
  build(): Episode {
    const out: Record<string, NdArray> = {};
    for (const [key, col] of this.columns) {
      out[key] = { dtype: col.dtype, shape: [this.rows, ...col.itemShape], data: col.data.slice(0, this.rows * col.itemSize) };
    }
    return out;
  }

  clear(): void {
    this.columns.clear();
    this.rows = 0;
  }

  private newColumn(key: string, v: StepValue): Column {
    const { dtype, shape } = kindOf(v);
    const declared = this.shapes[key];
    const itemShape = declared ? [...declared] : shape;
    const itemSize = shapeSize(itemShape);
    if (declared && itemSize !== (shape.length ? shape[0] : 1)) {
      throw new Error(`replay: '${key}' has ${shape[0] ?? 1} values but its declared shape [${declared.join(', ')}] needs ${itemSize}`);
    }
    return { dtype, itemShape, itemSize, data: allocate(dtype, itemSize * 16) };
  }

  private write(key: string, col: Column, v: StepValue): void {
    const at = this.rows * col.itemSize;
    if (at + col.itemSize > col.data.length) {
      const grown = allocate(col.dtype, Math.max(2 * col.data.length, at + col.itemSize));
      grown.set(col.data);
      col.data = grown;
    }
    if (typeof v === 'number' || typeof v === 'boolean') {
      if (col.itemSize !== 1) throw new Error(`replay: '${key}' at step ${this.rows} is a scalar; expected ${col.itemSize} values`);
      if (typeof v === 'boolean' ? col.dtype !== 'bool' : col.dtype === 'bool') {
        throw new Error(`replay: '${key}' at step ${this.rows} is ${typeof v}; earlier steps stored ${col.dtype}`);
      }
      col.data[at] = Number(v);
      return;
    }
    if (v.length !== col.itemSize) {
      throw new Error(`replay: '${key}' at step ${this.rows} has ${v.length} values; expected ${col.itemSize} like step 0`);
    }
    const { dtype } = kindOf(v);
    if (dtype !== col.dtype) throw new Error(`replay: '${key}' at step ${this.rows} is ${dtype}; earlier steps stored ${col.dtype}`);
    col.data.set(v, at);
  }
}
