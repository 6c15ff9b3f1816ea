/**
 * The fused ops (ops/fused/ and the fused activations of ops/activation.ts): GRU gates, Adam, sum
 * of squares, distribution math, relu and elu.
 *
 * Values and gradients are compared with a float64 composed reference — the same op on the CPU
 * backend in f64 with fused kernels switched off, i.e. composed from primitives — at odd shapes
 * (3 rows × 7 units and 50 × 200), on the device with its kernels on ('fused') and off
 * ('composed'). Finite-difference checks cover the gradient rules of both paths.
 */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { DType, Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { type Gen, type GradCase, type GradInput, gens, makeInputs, registerGradCases } from './gradcheck.ts';
import { rng, sizeOfShape, uniforms, useDevice } from './util.ts';

type Outputs = Tensor | readonly Tensor[];
type Fn = (...xs: Tensor[]) => Outputs;

const asList = (y: Outputs): readonly Tensor[] => (y instanceof T.Tensor ? [y] : y);
const probability: Gen = (r, n) => uniforms(r, n, 0.02, 0.98);
const clipped: Gen = (r, n) => uniforms(r, n, 1.2, 2).map((v) => (r() < 0.5 ? -v : v));
const input = (shape: Shape, gen?: Gen): GradInput => ({ shape, gen });

/** Runs `f` with the fused kernels on or off (the vjp follows the choice made at the forward). */
function withFused(on: boolean, f: Fn): Fn {
  return (...xs) => {
    const was = T.setFusedKernels(on);
    try {
      return f(...xs);
    } finally {
      T.setFusedKernels(was);
    }
  };
}

interface FusedCase {
  readonly name: string;
  readonly f: Fn;
  readonly inputs: readonly GradInput[];
}

/** Every fused op at `rows` × `units` (H); `scalarScale` also exercises a rank-0 operand. */
function cases(rows: number, units: number, scalarScale: boolean): FusedCase[] {
  const h: Shape = [rows, units];
  const w = (k: number): Shape => [rows, k * units];
  return [
    { name: 'gruBlockReset', f: (p, b, x) => T.gruBlockReset(p, b, x), inputs: [input(w(2)), input([2 * units]), input(h)] },
    { name: 'gruBlockOutput', f: (p, b, u, x) => T.gruBlockOutput(p, b, u, x), inputs: [input(h), input([units]), input(h, probability), input(h)] },
    { name: 'gruResetAfter', f: (a, b, c, x) => T.gruResetAfter(a, b, c, x), inputs: [input(w(3)), input(w(3)), input([2, 3 * units]), input(h)] },
    {
      name: 'normalLogProb',
      f: (x, m, s) => T.normalLogProb(x, m, s),
      inputs: [input(h), input([units]), input(scalarScale ? [] : [units], gens.positive)],
    },
    { name: 'normalLogProb, loc [rows, 1]', f: (x, m, s) => T.normalLogProb(x, m, s), inputs: [input(h), input([rows, 1]), input(h, gens.positive)] },
    {
      name: 'normalKl',
      f: (a, b, c, d) => T.normalKl(a, b, c, d),
      inputs: [input(h), input(h, gens.positive), input(h), input(h, gens.positive)],
    },
    { name: 'tanhNormalLogProb', f: (y, m, s) => T.tanhNormalLogProb(y, m, s), inputs: [input(h, gens.small), input(h), input(h, gens.positive)] },
    { name: 'bernoulliLogProb', f: (x, l) => T.bernoulliLogProb(x, l), inputs: [input(h, probability), input(h)] },
    { name: 'normalSample', f: (m, s, e) => T.normalSample(m, s, e), inputs: [input([units]), input([units], gens.positive), input(h)] },
    { name: 'sumOfSquares', f: (...xs) => T.sumOfSquares(xs), inputs: [input(h), input([units]), input([rows, 3 * units])] },
    { name: 'relu', f: (x) => T.relu(x), inputs: [input(h, gens.nonzero)] },
    { name: 'elu', f: (x) => T.elu(x), inputs: [input(w(3), gens.nonzero)] },
  ];
}

interface Evaluated {
  outs: number[][];
  grads: number[][];
}

/** Values of f and the gradient of Σ_k sum(y_k · r_k) (fixed weights r) on `backend` in `dtype`. */
async function evaluate(f: Fn, shapes: readonly Shape[], values: readonly number[][], dtype: DType, backend: string, fused: boolean, home: string): Promise<Evaluated> {
  await T.setBackend(backend);
  const run = withFused(fused, f);
  const made: Tensor[] = [];
  try {
    const xs = values.map((v, k) => T.tensor(Float64Array.from(v), shapes[k], dtype));
    made.push(...xs);
    const ys = T.tidy(() => asList(run(...xs)));
    made.push(...ys);
    const rand = rng(99);
    const ws = ys.map((y) => T.tensor(Float64Array.from(uniforms(rand, y.size)), y.shape, dtype));
    made.push(...ws);
    const { value, grads } = T.valueAndGrad((ps: Tensor[]) => asList(run(...ps)).map((y, k) => T.sum(T.mul(y, ws[k]))).reduce((a, b) => T.add(a, b)), xs);
    made.push(value, ...grads);
    const read = async (ts: readonly Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));
    return { outs: await read(ys), grads: await read(grads) };
  } finally {
    for (const t of made) t.dispose();
    await T.setBackend(home);
  }
}

function expectClose(what: string, got: number[][], want: number[][], rtol: number, atol: number): void {
  const bad: string[] = [];
  want.forEach((w, k) => {
    expect(got[k].length, `${what} ${k}: length`).toBe(w.length);
    w.forEach((e, i) => {
      const a = got[k][i];
      if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) bad.push(`${what} ${k}[${i}]: got ${a}, expected ${e}`);
    });
  });
  expect(bad, `${bad.length} values differ (rtol ${rtol}, atol ${atol}): ${bad.slice(0, 6).join('; ')}`).toEqual([]);
}

export function fusedSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} fused ops vs a float64 composed reference`, () => {
    useDevice(device);
    const f64 = device.dtype === 'f64';
    // f32: the composed path rounds after each of up to ~20 primitives, so values carry a few ulps
    // of their intermediates; gradients of biases and shared operands sum 50 rows in f32.
    const tol = f64 ? { rtol: device.tol.rtol, atol: device.tol.atol } : { rtol: Math.max(device.tol.rtol, 1e-5), atol: Math.max(device.tol.atol, 1e-5) };
    const gradTol = f64 ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 2e-5 };
    const round = f64 ? (v: number) => v : Math.fround;
    for (const [rows, units, scalarScale] of [[3, 7, true], [50, 200, false]] as const) {
      for (const c of cases(rows, units, scalarScale)) {
        // In f64 the composed path is the reference itself.
        for (const fused of f64 ? [true] : [true, false]) {
          test(`${c.name} ${rows}×${units} (${fused ? 'fused' : 'composed'})`, async () => {
            const shapes = c.inputs.map((x) => x.shape);
            const values = makeInputs(c.inputs, rows * 1000 + units).map((v) => v.map(round));
            const ref = await evaluate(c.f, shapes, values, 'f64', 'cpu', false, device.name);
            const got = await evaluate(c.f, shapes, values, device.dtype, device.name, fused, device.name);
            expectClose('output', got.outs, ref.outs, tol.rtol, tol.atol);
            expectClose('gradient', got.grads, ref.grads, gradTol.rtol, gradTol.atol);
          });
        }
      }
    }

    for (const fused of [true, false]) {
      test(`adamUpdate 50×200 (${fused ? 'fused' : 'composed'})`, async () => {
        const shape: Shape = [50, 200];
        const rand = rng(5);
        const n = sizeOfShape(shape);
        const values = [uniforms(rand, n), uniforms(rand, n), uniforms(rand, n, -0.1, 0.1), uniforms(rand, n, 0, 0.01)].map((v) => v.map(round));
        const hyper = { lrT: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-4 };
        const step = (p: Tensor, g: Tensor, m: Tensor, v: Tensor) => T.adamUpdate(p, g, m, v, hyper);
        const ref = await evaluateNoGrad(step, shape, values, 'f64', 'cpu', false, device.name);
        const got = await evaluateNoGrad(step, shape, values, device.dtype, device.name, fused, device.name);
        expectClose('adam', got, ref, tol.rtol, tol.atol);
      });
    }
  });

  describe(`${labelOf(device)} gradients: fused ops`, () => {
    useDevice(device);
    const gradCases: GradCase[] = [];
    for (const fused of [true, false]) {
      const tag = fused ? 'fused' : 'composed';
      const small = cases(2, 3, true);
      const clippedTanh: FusedCase = {
        name: 'tanhNormalLogProb, y clipped',
        f: (y, m, s) => T.tanhNormalLogProb(y, m, s),
        inputs: [input([2, 3], clipped), input([3]), input([], gens.positive)],
      };
      for (const c of [...small, clippedTanh]) gradCases.push({ name: `${c.name} (${tag})`, f: withFused(fused, c.f), shapes: [c.inputs] });
    }
    registerGradCases(device, gradCases);
  });
}

async function evaluateNoGrad(
  f: (...xs: Tensor[]) => readonly Tensor[],
  shape: Shape,
  values: readonly number[][],
  dtype: DType,
  backend: string,
  fused: boolean,
  home: string,
): Promise<number[][]> {
  await T.setBackend(backend);
  const was = T.setFusedKernels(fused);
  try {
    const ys = T.tidy(() => f(...values.map((v) => T.tensor(Float64Array.from(v), shape, dtype))));
    const out = await Promise.all(ys.map(async (y) => Array.from(await y.data())));
    for (const y of ys) y.dispose();
    return out;
  } finally {
    T.setFusedKernels(was);
    await T.setBackend(home);
  }
}
