// The engine's op suite (test/suite/) on the CPU reference backend, in f64 — where every
// differentiable op is gradient-checked on every shape with tight tolerances — and in f32,
// the dtype GPU backends compute in, with loose gradient tolerances on a subset.
import { opSuite } from './suite/index.ts';

opSuite({
  name: 'cpu',
  setup() {},
  dtype: 'f64',
  tol: {
    // Forward values: the reference computes the same formulas in double precision.
    rtol: 1e-12,
    atol: 1e-14,
    // Central differences with h = 1e-6: truncation error ~h²·f''' ≈ 1e-12, rounding ~ε·|L|/h ≈ 1e-9.
    grad: { eps: 1e-6, rtol: 1e-5, atol: 1e-7 },
  },
});

opSuite({
  name: 'cpu',
  setup() {},
  dtype: 'f32',
  tol: {
    // A few f32 ulps (2⁻²³ ≈ 1.2e-7).
    rtol: 1e-6,
    atol: 1e-6,
    // h = 1e-2: truncation ~h²·f'''/6 ≈ 1e-4, f32 rounding of the loss ~6e-8·|L|/h ≈ 1e-5.
    grad: { eps: 1e-2, rtol: 1e-2, atol: 1e-3 },
  },
});
