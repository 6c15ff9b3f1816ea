/** Shared helpers of the op suite: device hooks, value assertions, a tiny deterministic RNG. */
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { type DType, type NestedArray, type Shape, type Tensor, memory, setBackend, tidy } from '../../src/index.ts';
import type { SuiteDevice } from './device.ts';

/**
 * Selects the device's backend before the enclosing describe block runs, and fails any test
 * that leaves more live tensors behind than it found (every test disposes what it creates).
 */
export function useDevice(device: SuiteDevice): void {
  let before = 0;
  beforeAll(async () => {
    await device.setup();
    await setBackend(device.name);
  });
  beforeEach(() => {
    before = memory().tensors;
  });
  afterEach(() => {
    expect(memory().tensors, 'live tensors after the test (a leak)').toBe(before);
  });
}

export interface ExpectOptions {
  /** Expected dtype (default: 'bool' when `expected` holds booleans, otherwise not checked). */
  dtype?: DType;
  /** Expected shape; by default inferred from the nesting of `expected`. */
  shape?: Shape;
  rtol?: number;
  atol?: number;
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] ?? 0;
  }
  return shape;
}

function flat(v: NestedArray): (number | boolean)[] {
  return Array.isArray(v) ? v.flatMap((x) => flat(x)) : [v];
}

const fmtShape = (s: Shape): string => `[${s.join(', ')}]`;

/**
 * Reads `t` and compares it with `expected` (nested arrays, or flat values with `shape`).
 * NaN must match NaN and infinities must match exactly; i32 and bool compare exactly.
 */
export async function expectTensor(t: Tensor, expected: NestedArray | ArrayLike<number>, options: ExpectOptions = {}): Promise<void> {
  const nested = !ArrayBuffer.isView(expected) && (typeof expected !== 'object' || Array.isArray(expected));
  const want = nested ? flat(expected as NestedArray) : Array.from(expected as ArrayLike<number>);
  const shape = options.shape ?? (nested ? inferShape(expected as NestedArray) : [want.length]);
  const dtype = options.dtype ?? (typeof want[0] === 'boolean' ? 'bool' : undefined);
  expect(fmtShape(t.shape), 'shape').toBe(fmtShape(shape));
  if (dtype) expect(t.dtype, 'dtype').toBe(dtype);
  const got = await t.data();
  expect(got.length).toBe(want.length);
  const exact = t.dtype === 'i32' || t.dtype === 'bool';
  const rtol = exact ? 0 : (options.rtol ?? 0);
  const atol = exact ? 0 : (options.atol ?? 0);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const e = Number(want[i]);
    const a = got[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad, `${bad.length} of ${want.length} values differ (rtol ${rtol}, atol ${atol}): ${bad.slice(0, 8).join('; ')}`).toEqual([]);
}

/** Computes `fn()` in a tidy scope, compares the result with `expected`, then disposes it. */
export async function check(fn: () => Tensor, expected: NestedArray | ArrayLike<number>, options: ExpectOptions = {}): Promise<void> {
  const t = tidy(fn);
  try {
    await expectTensor(t, expected, options);
  } finally {
    t.dispose();
  }
}

/** Computes `fn()` in a tidy scope and returns its values (and shape/dtype), disposing the result. */
export async function values(fn: () => Tensor): Promise<{ data: number[]; shape: Shape; dtype: DType }> {
  const t = tidy(fn);
  try {
    return { data: Array.from(await t.data()), shape: t.shape, dtype: t.dtype };
  } finally {
    t.dispose();
  }
}

/**
 * Expects `fn` to throw an error (of class `type`, if given) whose message contains every
 * fragment. Run inside tidy, so inputs created by `fn` are released.
 */
export function expectThrows(fn: () => unknown, fragments: readonly string[], type?: new (...args: never[]) => Error): Error {
  let caught: unknown;
  try {
    tidy(() => {
      fn();
    });
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected an error mentioning ${fragments.join(', ')}`).toBeInstanceOf(type ?? Error);
  const message = (caught as Error).message;
  for (const f of fragments) expect(message, 'error message').toContain(f);
  return caught as Error;
}

/** mulberry32: a tiny deterministic generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniforms(rand: () => number, n: number, low = -1, high = 1): number[] {
  return Array.from({ length: n }, () => low + (high - low) * rand());
}

/** Standard normal draws (Box–Muller on the generator). */
export function normals(rand: () => number, n: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u1 = 1 - rand();
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2));
  }
  return out.slice(0, n);
}

export function sizeOfShape(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
