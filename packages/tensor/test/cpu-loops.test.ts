import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '../src/backend.ts';
import { binaryFns, unaryFns } from '../src/cpu/elementwise.ts';
import { binaryLoops, binaryScalarLeftLoops, binaryScalarRightLoops, unaryLoops } from '../src/cpu/loops.ts';

// Values that tell formulas apart: signs, zeros, halves (rounding), NaN and infinities.
const VALUES = [-2.5, -1, -0.5, -0, 0, 0.5, 1, 1.5, 2.5, 3, NaN, Infinity, -Infinity];

describe('specialised CPU loops', () => {
  it('every binary loop matches its scalar formula, elementwise and with a scalar on either side', () => {
    const n = VALUES.length * VALUES.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    VALUES.forEach((a, i) => VALUES.forEach((b, j) => ((x[i * VALUES.length + j] = a), (y[i * VALUES.length + j] = b))));
    for (const op of Object.keys(binaryFns) as BinaryOp[]) {
      const f = binaryFns[op];
      const want = Array.from(x, (a, i) => f(a, y[i]));
      const out = new Float64Array(n);
      binaryLoops[op](out, x, y, n);
      expect(Array.from(out), op).toEqual(want);
      binaryScalarRightLoops[op](out, x, 1.5, n);
      expect(Array.from(out), `${op} scalar right`).toEqual(Array.from(x, (a) => f(a, 1.5)));
      binaryScalarLeftLoops[op](out, y, -0.5, n);
      expect(Array.from(out), `${op} scalar left`).toEqual(Array.from(y, (b) => f(-0.5, b)));
    }
  });

  it('every unary loop matches its scalar formula', () => {
    const x = Float64Array.from(VALUES);
    for (const op of Object.keys(unaryFns) as UnaryOp[]) {
      const out = new Float64Array(x.length);
      unaryLoops[op](out, x, x.length);
      expect(Array.from(out), op).toEqual(Array.from(x, unaryFns[op]));
    }
  });
});
