/**
 * Explicit random keys, as in JAX: a key is two u32 words; the same key always gives the same
 * numbers on every backend. `split` derives independent keys (Philox with a reserved counter
 * word), so no generator state is shared or mutated.
 */
import { philox4x32 } from './philox.ts';

/** Counter word 3 reserved for key derivation; data streams use counter [i, 0, 0, 0]. */
const SPLIT_TAG = 0x53504c54; // "SPLT"
const FOLD_TAG = 0x464f4c44; // "FOLD"

export class RandomKey {
  readonly words: readonly [number, number];

  constructor(k0: number, k1: number) {
    this.words = [k0 >>> 0, k1 >>> 0];
  }

  /** A key from an integer seed (0 ≤ seed < 2⁵³). */
  static fromSeed(seed: number): RandomKey {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`RandomKey.fromSeed: seed must be a non-negative safe integer, got ${seed}`);
    return new RandomKey(seed % 0x100000000, Math.floor(seed / 0x100000000));
  }

  /** `n` new keys, independent of each other and of this key's own stream. */
  split(n = 2): RandomKey[] {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`RandomKey.split: n must be a positive integer, got ${n}`);
    const out = new Uint32Array(4);
    const keys: RandomKey[] = [];
    for (let i = 0; i < n; i++) {
      philox4x32(i, 0, 0, SPLIT_TAG, this.words[0], this.words[1], out);
      keys.push(new RandomKey(out[0], out[1]));
    }
    return keys;
  }

  /** A key derived from this one and an integer (e.g. a step number). */
  foldIn(data: number): RandomKey {
    const out = new Uint32Array(4);
    philox4x32(data >>> 0, Math.floor(data / 0x100000000) >>> 0, 0, FOLD_TAG, this.words[0], this.words[1], out);
    return new RandomKey(out[0], out[1]);
  }

  toJSON(): [number, number] {
    return [this.words[0], this.words[1]];
  }

  toString(): string {
    return `RandomKey(${this.words[0]}, ${this.words[1]})`;
  }
}
