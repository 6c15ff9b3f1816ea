// Fixed-length sequence sampling as danijar/dreamer's `load_episodes` does it: pick an episode
// uniformly, then a start uniformly. For an episode of T rows and length L the seed draws
// `start = randint(0, T − L)` (exclusive), so it skips episodes with T ≤ L and never uses the
// last window (the final row is never sampled). `includeLastWindow` is DreamerV2's fix.
// `balance` is the seed's `dataset_balance`: `start = min(randint(0, T), T − L)`, which
// oversamples episode ends.
import type { Episode } from './episode.ts';
import { allocate, shapeSize, type NdArray } from './npy.ts';
import type { SamplerRng } from './rng.ts';

export interface SampleOptions {
  /** Also allow the window that ends on the last row (and episodes of exactly L rows). Default false (seed). */
  includeLastWindow?: boolean;
  /** The seed's `dataset_balance`: oversample windows at episode ends. Default false. */
  balance?: boolean;
}

/** Arrays shaped [B, L, ...item] by key. */
export type Batch = Record<string, NdArray>;

export interface NamedEpisode {
  readonly name: string;
  readonly episode: Episode;
  readonly rows: number;
}

function checkSize(what: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`replay.sample: ${what} must be a positive integer, got ${v}`);
}

/** Sample `batch` windows of `length` rows from `episodes` using `rng`. */
export function sampleBatch(
  episodes: readonly NamedEpisode[],
  rng: SamplerRng,
  batch: number,
  length: number,
  options: SampleOptions = {},
): Batch {
  checkSize('batch', batch);
  checkSize('length', length);
  const { includeLastWindow = false, balance = false } = options;
  const minRows = includeLastWindow ? length : length + 1;
  const eligible = episodes.filter((e) => e.rows >= minRows);
  if (eligible.length === 0) {
    const longest = episodes.reduce((m, e) => Math.max(m, e.rows), 0);
    throw new Error(
      `replay.sample: no episode has at least ${minRows} rows for sequences of length ${length} ` +
        `(${episodes.length} episodes, longest ${longest} rows)`,
    );
  }
  const schema = eligible[0];
  const out: Batch = {};
  const items: Record<string, number> = {};
  for (const [key, a] of Object.entries(schema.episode)) {
    const item = a.shape.slice(1);
    items[key] = shapeSize(item);
    out[key] = { dtype: a.dtype, shape: [batch, length, ...item], data: allocate(a.dtype, batch * length * items[key]) };
  }
  for (let b = 0; b < batch; b++) {
    const pick = eligible[rng.int(eligible.length)];
    const available = pick.rows - length;
    const start = balance
      ? Math.min(rng.int(pick.rows), available)
      : rng.int(includeLastWindow ? available + 1 : available);
    if (Object.keys(pick.episode).length !== Object.keys(out).length) {
      throw new Error(
        `replay.sample: episode ${pick.name} has keys [${Object.keys(pick.episode).join(', ')}] ` +
          `but ${schema.name} has [${Object.keys(out).join(', ')}]`,
      );
    }
    for (const [key, target] of Object.entries(out)) {
      const source = pick.episode[key];
      const n = items[key];
      if (!source || source.dtype !== target.dtype || shapeSize(source.shape.slice(1)) !== n) {
        throw new Error(
          `replay.sample: episode ${pick.name} does not match ${schema.name} for '${key}' ` +
            `(${source ? `${source.dtype} [${source.shape.join(', ')}]` : 'missing'} vs ${target.dtype} [${target.shape.slice(2).join(', ')}] per step)`,
        );
      }
      target.data.set(source.data.subarray(start * n, (start + length) * n), b * length * n);
    }
  }
  return out;
}
