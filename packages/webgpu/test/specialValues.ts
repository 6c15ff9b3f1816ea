/**
 * IEEE special values (±0, ±∞, NaN, overflow and underflow) through every float op that WGSL
 * leaves to the implementation, on a device's backend, each compared with the CPU reference
 * backend (which computes in f64 with JS Math and rounds to f32 once). WGSL gives no guarantee for
 * log(0), log(x < 0), exp(NaN), exp overflow, sqrt(x < 0), pow's corner cases, atan2 at 0 or ∞, or
 * sin/cos of ±∞: the kernels produce them explicitly, and this suite holds them to it on any
 * adapter — Node (Dawn on lavapipe: `special.gpu.test.ts`) and the browser
 * (`pnpm --filter @dreamer/backend-gpujs test:browser:webgpu`, group `special`).
 *
 * Inputs stay away from subnormals (WGSL lets an implementation flush them) and keep sin/cos
 * inside [−π, π], where WGSL promises an absolute error of 2⁻¹¹ and no more: that is their
 * tolerance here (SwiftShader's are ~2e-4 off at 3, lavapipe's a few ulps). NaN must give NaN and
 * ±∞ the same ∞; other finite values compare with the device's forward tolerance.
 */
import { describe, test } from 'vitest';
import * as T from '@dreamer/tensor';
import type { NestedArray, Shape, Tensor } from '@dreamer/tensor';
import { type SuiteDevice, labelOf } from '../../tensor/test/suite/device.ts';
import { check, useDevice } from '../../tensor/test/suite/util.ts';

const { PI } = Math;
const INF = Infinity;
/** The f32 overflow threshold of exp: the smallest f32 whose exp rounds to +∞ in f32. */
const EXP_OVER = 88.72283935546875;
/** The largest f32 whose exp rounds to 0 in f32. */
const EXP_UNDER = -103.97208404541016;

/** WGSL's accuracy of sin and cos on [−π, π]: an absolute error of 2⁻¹¹. */
const TRIG = { atol: 2 ** -11 };

/** Inputs per unary op: its special points and a few ordinary values around them (and a looser tolerance). */
const UNARY: [string, (x: Tensor) => Tensor, number[], { atol?: number }?][] = [
  ['exp', T.exp, [0, -0, 1, -1, 20, -20, 88, 88.72, EXP_OVER, 89, 100, 1e30, -80, EXP_UNDER, -104, -1000, -1e30, INF, -INF, NaN]],
  ['expm1', T.expm1, [0, -0, 1e-5, -1e-5, 0.3, -0.3, 1, -1, 20, -20, 88, EXP_OVER, 100, -104, -1e30, INF, -INF, NaN]],
  ['log', T.log, [1, Math.E, 0.5, 2, 1e-30, 1e30, 3.4e38, 0, -0, -1e-30, -1, -1e30, INF, -INF, NaN]],
  ['log1p', T.log1p, [0, -0, 1e-5, -1e-5, 0.5, -0.3, -0.5, -0.99, 1, 1e30, -1, -1.5, -2, -1e30, INF, -INF, NaN]],
  ['sqrt', T.sqrt, [0, -0, 4, 2, 0.25, 1e-30, 1e30, 3.4e38, -1e-30, -1, -1e30, INF, -INF, NaN]],
  ['rsqrt', T.rsqrt, [0, -0, 4, 2, 0.25, 1e-30, 1e30, 3.4e38, -1e-30, -1, INF, -INF, NaN]],
  ['reciprocal', T.reciprocal, [0, -0, 2, -4, 1e-30, -1e-30, 1e30, INF, -INF, NaN]],
  ['tanh', T.tanh, [0, -0, 0.5, -0.5, 10, -10, 20, 50, -50, 100, 1e30, -1e30, INF, -INF, NaN]],
  ['sigmoid', T.sigmoid, [0, -0, 2, -2, 20, -20, 88, -88, 89, -89, 104, -104, 1000, -1000, INF, -INF, NaN]],
  ['sin', T.sin, [0, -0, 1, -1, PI / 2, -PI, 3, INF, -INF, NaN], TRIG],
  ['cos', T.cos, [0, -0, 1, -1, PI, -PI / 3, 3, INF, -INF, NaN], TRIG],
  ['neg', T.neg, [0, -0, 1.5, 1e30, INF, -INF, NaN]],
  ['abs', T.abs, [0, -0, -1.5, 1e30, -1e30, INF, -INF, NaN]],
  ['sign', T.sign, [0, -0, -1.5, 1e-30, 1e30, -1e30, INF, -INF, NaN]],
  ['floor', T.floor, [0, -0, -1.5, 2.5, 1e30, -1e30, INF, -INF, NaN]],
  ['ceil', T.ceil, [0, -0, -1.5, 2.5, 1e30, -1e30, INF, -INF, NaN]],
  ['round', T.round, [0, -0, -1.5, 2.5, 1e30, -1e30, INF, -INF, NaN]],
];

/** Every pair of these (as a column against a row, by broadcasting) for the binary ops. */
const PAIR_A = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, 1e30, INF, -INF, NaN];
const PAIR_B = [0, -0, 1, -1, 2, 3, -2, -3, 0.5, -0.5, 200, -200, INF, -INF, NaN];

export function specialValuesSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} IEEE special values against the CPU reference`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const f = (v: NestedArray, shape?: Shape): Tensor => T.tensor(v, shape, dt);

    /** Runs `fn` on the CPU reference, then on the device, and compares the two. */
    async function againstCpu(fn: () => Tensor, looser: { atol?: number } = {}): Promise<void> {
      await T.setBackend('cpu');
      let want: ArrayLike<number>;
      let shape: Shape;
      let dtype: T.DType;
      try {
        const ref = T.tidy(fn);
        want = await ref.data();
        shape = ref.shape;
        dtype = ref.dtype;
        ref.dispose();
      } finally {
        await T.setBackend(device.name);
      }
      await check(fn, Array.from(want), { ...tol, ...looser, shape, dtype });
    }

    test.each(UNARY)('%s', async (_name, op, x, looser) => {
      await againstCpu(() => op(f(x)), looser);
    });

    test('unary special values mixed with ordinary ones over many workgroups (2-D)', async () => {
      // Special and ordinary inputs (|x| ≤ 2.75) interleaved over 300 × 7 elements, so a kernel's
      // fast path and its guards run side by side in one launch.
      const x = Array.from({ length: 2100 }, (_, i) => [0, -0, -1, 1, NaN, INF, -INF][i % 7] * ((1 + (i % 11)) / 4));
      for (const [, op, , looser] of UNARY) await againstCpu(() => op(f(x, [300, 7])), looser);
    });

    test.each(['pow', 'atan2', 'maximum', 'minimum', 'div', 'mod'] as const)('%s over every pair of special operands', async (name) => {
      // mod(1e30, 0.5) is a − b·floor(a/b) with a quotient past 2^24: f32 division (2.5 ulp in
      // WGSL) leaves ~1e23 of a's rounding, where the CPU's f64 gets 0 — precision, not a special value.
      const a = name === 'mod' ? PAIR_A.filter((v) => v !== 1e30) : PAIR_A;
      await againstCpu(() => T[name](f(a, [a.length, 1]), f(PAIR_B)));
    });

    test('pow of negative bases, large exponents and the ±∞ corner cases', async () => {
      await againstCpu(() => T.pow(f([-INF, -INF, -INF, -INF, -INF, 10, 10, 2, 2, 0.5, 1e30, 1e-30, 1, -1, -2, -8]), f([3, 2, 0.5, -1, -2, 38, 39, 127.5, 128, -150, 2, -2, NaN, INF, 1e30, 1 / 3])));
    });

    test('max, min, sum and prod propagate NaN and keep ±∞ (short and long rows)', async () => {
      const rows = [
        [1, NaN, 3],
        [NaN, NaN, NaN],
        [-INF, -INF, -INF],
        [INF, -INF, 0],
        [INF, 1, INF],
        [1, 2, 3],
      ];
      for (const op of ['max', 'min', 'sum', 'prod'] as const) {
        await againstCpu(() => T[op](f(rows), 1));
        // 6 × 300 per row: the tree (one workgroup per output) path.
        await againstCpu(() => T[op](f(rows.map((r) => Array.from({ length: 300 }, (_, i) => r[i % 3]))), 1));
      }
    });

    test('logsumexp, logSoftmax and softmax with −∞, +∞, NaN and huge values', async () => {
      const rows = [
        [-INF, -INF],
        [INF, 0],
        [0, -INF],
        [NaN, 1],
        [INF, INF],
        [INF, -INF],
        [1000, 1000],
        [-1000, -1000],
        [1e30, -1e30],
      ];
      await againstCpu(() => T.logsumexp(f(rows), 1));
      await againstCpu(() => T.logsumexp(f(rows.map((r) => Array.from({ length: 300 }, (_, i) => r[i % 2]))), 1));
      await againstCpu(() => T.logSoftmax(f(rows.filter((r) => r.every((v) => v !== INF && !Number.isNaN(v))))));
      await againstCpu(() => T.softmax(f([[0, -INF], [-INF, 1000], [1e30, -1e30]])));
      await againstCpu(() => T.softplus(f([0, 20, -20, 100, -100, 1e30, -1e30, INF, -INF, NaN])));
    });

    test('fused distribution kernels: log of 0 and ∞ scales, softplus of ±∞ logits', async () => {
      await againstCpu(() => T.normalLogProb(f([0, 1, 2, 0]), f([0, 0, 0, 0]), f([1, INF, 1e30, 1e-30])));
      await againstCpu(() => T.normalKl(f([0, 0, 1, 0]), f([1, INF, 1, 1e-30]), f([0, 0, 0, 0]), f([1, 1, INF, 1])));
      await againstCpu(() => T.bernoulliLogProb(f([0, 1, 0, 1, 0.5, 0.5]), f([INF, -INF, -INF, INF, 100, -100])));
      await againstCpu(() => T.tanhNormalLogProb(f([0, 1, -1, 0.5]), f([0, 0, 0, INF]), f([1, 1, 1, 1])));
    });
  });
}
