/**
 * Central finite-difference gradient checks.
 *
 * For f(x₁ … xₙ) → y (one tensor or several) the checked scalar is L = Σₖ sum(yₖ · rₖ) with
 * fixed random weights rₖ ∈ [−1, 1], so every output element and every input element matters.
 * The analytic gradient comes from `valueAndGrad`; the numeric one from
 * (L(x + h·eⱼ) − L(x − h·eⱼ)) / 2h for every element j of every input. All losses of one
 * input's perturbations are stacked into a single tensor so a device reads back once.
 */
import { expect, test } from 'vitest';
import { type DType, type Shape, Tensor, cast, getBackend, mul, stack, sum, tensor, tidy, valueAndGrad } from '../../src/index.ts';
import type { SuiteDevice } from './device.ts';
import { normals, rng, sizeOfShape, uniforms } from './util.ts';

/** Makes `n` input values from a deterministic generator. */
export type Gen = (rand: () => number, n: number) => number[];

function distinct(r: () => number, n: number, shift: number): number[] {
  const grid = Array.from({ length: n }, (_, k) => (k - Math.floor(n / 2)) * 0.15 + 0.02 + shift + 0.05 * r());
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [grid[i], grid[j]] = [grid[j], grid[i]];
  }
  return grid;
}

/** Input generators that keep values away from each op's kinks and poles. */
export const gens = {
  /** N(0, 1). */
  normal: ((r, n) => normals(r, n)) satisfies Gen,
  /** U[0.5, 2]: safe for log, sqrt, rsqrt, reciprocal, pow bases. */
  positive: ((r, n) => uniforms(r, n, 0.5, 2)) satisfies Gen,
  /** U[−0.9, 0.9]. */
  small: ((r, n) => uniforms(r, n, -0.9, 0.9)) satisfies Gen,
  /** ±U[0.3, 1.5]: away from 0 (abs, relu, elu, reciprocal, atan2's origin). */
  nonzero: ((r, n) => uniforms(r, n, 0.3, 1.5).map((v) => (r() < 0.5 ? -v : v))) satisfies Gen,
  /** ±U[0.6, 1.4]: factors for products (away from 0, magnitude about 1). */
  factors: ((r, n) => uniforms(r, n, 0.6, 1.4).map((v) => (r() < 0.5 ? -v : v))) satisfies Gen,
  /**
   * Distinct values at least 0.1 apart (a shuffled grid with jitter): no ties for max/min.
   * Grid points are k·0.15 + 0.02 + U[0, 0.05], so they also stay 0.02 away from 0 (relu's kink).
   */
  distinct: ((r, n) => distinct(r, n, 0)) satisfies Gen,
  /** The same grid shifted by half a step: always at least 0.025 away from any `distinct` value. */
  distinctShifted: ((r, n) => distinct(r, n, 0.075)) satisfies Gen,
  /** Dividends for mod: integer part in −2..2, fractional part in [0.3, 0.7]. */
  modDividend: ((r, n) => Array.from({ length: n }, () => Math.floor(r() * 5) - 2 + 0.3 + 0.4 * r())) satisfies Gen,
  /** Divisors for mod: ±U[0.95, 1.05], so a / b keeps its fractional part inside [0.14, 0.86]. */
  modDivisor: ((r, n) => uniforms(r, n, 0.95, 1.05).map((v) => (r() < 0.5 ? -v : v))) satisfies Gen,
} as const;

/** N(0, σ²) draws re-drawn until at least `margin` away from every point in `kinks`. */
export function avoiding(kinks: readonly number[], margin = 0.05, scale = 1): Gen {
  return (r, n) => {
    const out: number[] = [];
    while (out.length < n) {
      const v = normals(r, 1)[0] * scale;
      if (kinks.every((k) => Math.abs(v - k) >= margin)) out.push(v);
    }
    return out;
  };
}

export interface GradInput {
  readonly shape: Shape;
  /** Default: gens.normal. */
  readonly gen?: Gen;
}

export interface GradCheckOptions {
  readonly dtype: 'f32' | 'f64';
  readonly eps: number;
  readonly rtol: number;
  readonly atol: number;
  /** Seeds the inputs and the weights r. */
  readonly seed?: number;
}

type Outputs = Tensor | readonly Tensor[];

const asList = (y: Outputs): readonly Tensor[] => (y instanceof Tensor ? [y] : y);

/** The inputs' values for a case: each input's generator over its size, from one seed. */
export function makeInputs(inputs: readonly GradInput[], seed: number): number[][] {
  const rand = rng(seed);
  return inputs.map((x) => (x.gen ?? gens.normal)(rand, sizeOfShape(x.shape)));
}

/**
 * Checks the gradient of `f` with respect to every input at the point `values` (one flat
 * array per input of `shapes`). Throws (through expect) naming the worst elements.
 */
export async function gradCheck(
  f: (...xs: Tensor[]) => Outputs,
  shapes: readonly Shape[],
  values: readonly (readonly number[])[],
  options: GradCheckOptions,
): Promise<void> {
  const { dtype, eps, rtol, atol, seed = 1 } = options;
  // In f32 the stored x ± h is rounded; divide by the step actually taken.
  const round = dtype === 'f32' ? Math.fround : (v: number) => v;
  const make = (i: number, vals: readonly number[]): Tensor => tensor(Float64Array.from(vals), shapes[i], dtype);

  // Fixed random weights, one tensor per output, in the output's own dtype.
  const probe = tidy(() => asList(f(...values.map((v, i) => make(i, v)))).map((y) => ({ shape: y.shape, dtype: y.dtype })));
  const rand = rng(seed * 7919 + 17);
  const weights = probe.map((y) => uniforms(rand, sizeOfShape(y.shape)));
  const lossOf = (ys: Outputs, rs: readonly Tensor[]): Tensor => {
    const parts = asList(ys).map((y, k) => {
      const s = sum(mul(y, rs[k]));
      return s.dtype === dtype ? s : cast(s, dtype);
    });
    return parts.reduce((a, b) => a.add(b));
  };
  const makeWeights = (): Tensor[] => probe.map((y, k) => tensor(Float64Array.from(weights[k]), y.shape, y.dtype as DType));

  // Analytic gradient.
  const params = values.map((v, i) => make(i, v));
  const rs = makeWeights();
  const { value, grads } = valueAndGrad((ps: Tensor[]) => lossOf(f(...ps), rs), params);
  const analytic: number[][] = [];
  try {
    grads.forEach((g, i) => {
      expect(`${g.dtype} [${g.shape.join(', ')}]`, `gradient ${i}`).toBe(`${dtype} [${shapes[i].join(', ')}]`);
    });
    for (const g of grads) analytic.push(Array.from(await g.data()));
    expect(Number.isFinite((await value.data())[0]), 'loss is finite').toBe(true);
  } finally {
    for (const t of [value, ...grads, ...params, ...rs]) t.dispose();
  }

  // Numeric gradient, one read per input.
  const failures: { input: number; index: number; a: number; n: number; err: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const base = values[i].map(round);
    const steps: number[] = [];
    const losses = tidy(() => {
      const ws = makeWeights();
      const others = values.map((v, k) => (k === i ? null : make(k, v)));
      const at = (vals: readonly number[]): Tensor => lossOf(f(...others.map((o, k) => o ?? make(k, vals))), ws);
      const out: Tensor[] = [];
      for (let j = 0; j < base.length; j++) {
        const plus = [...base];
        const minus = [...base];
        plus[j] = round(base[j] + eps);
        minus[j] = round(base[j] - eps);
        steps.push(plus[j] - minus[j]);
        out.push(at(plus), at(minus));
      }
      return out.length > 0 ? stack(out) : null;
    });
    if (losses === null) continue;
    const l = await losses.data();
    losses.dispose();
    for (let j = 0; j < base.length; j++) {
      const n = (l[2 * j] - l[2 * j + 1]) / steps[j];
      const a = analytic[i][j];
      const err = Math.abs(a - n);
      if (!(err <= atol + rtol * Math.max(Math.abs(a), Math.abs(n)))) failures.push({ input: i, index: j, a, n, err });
    }
  }
  failures.sort((x, y) => y.err - x.err);
  const report = failures
    .slice(0, 6)
    .map((e) => `input ${e.input} [${unravel(e.index, shapes[e.input]).join(', ')}]: analytic ${e.a}, numeric ${e.n}`)
    .join('; ');
  expect(failures.length, `gradient mismatch (${dtype}, eps ${eps}, rtol ${rtol}, atol ${atol}): ${report}`).toBe(0);
}

function unravel(index: number, shape: Shape): number[] {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(index % shape[k]);
    index = Math.floor(index / shape[k]);
  }
  return out;
}

/** True if the active backend can hold `dtype`. */
export function supports(dtype: DType): boolean {
  return getBackend().dtypes.includes(dtype);
}

/** One differentiable function to check, at one or more input shapes. */
export interface GradCase {
  readonly name: string;
  readonly f: (...xs: Tensor[]) => Outputs;
  /** Input shapes (and generators) to check at: one test each. The first set is the f32 subset. */
  readonly shapes: readonly (readonly GradInput[])[];
  /** Leave out of the f32 subset. */
  readonly f64Only?: boolean;
  /** A dtype the backend must support for this case (skipped otherwise). */
  readonly needs?: DType;
  /** Overrides of the device's gradient tolerances (each use states why). */
  readonly tol?: { readonly eps?: number; readonly rtol?: number; readonly atol?: number };
}

/** Registers one test per case and input set; with an f32 device, only the subset. */
export function registerGradCases(device: SuiteDevice, cases: readonly GradCase[]): void {
  const full = device.dtype === 'f64';
  for (const c of cases) {
    if (!full && c.f64Only) continue;
    const sets = full ? c.shapes : c.shapes.slice(0, 1);
    sets.forEach((inputs, s) => {
      const title = `${c.name} ${inputs.map((x) => `[${x.shape.join(', ')}]`).join(' ')}`;
      test(title, async (ctx) => {
        if (c.needs && !supports(c.needs)) ctx.skip();
        const seed = 1 + s + hashName(c.name);
        await gradCheck(
          c.f,
          inputs.map((x) => x.shape),
          makeInputs(inputs, seed),
          { dtype: device.dtype, ...device.tol.grad, ...c.tol, seed },
        );
      });
    });
  }
}

function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  return h % 100_000;
}
