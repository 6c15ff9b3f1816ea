/**
 * Elementwise loops specialised per op. A single loop calling `f(a, b)` through a table is
 * megamorphic in V8 (every op shares its call site), costing ~20 ns an element; a loop compiled
 * for one op inlines the formula and runs at ~1 ns. So each op's formula is written once as an
 * expression and compiled into its own loops with `new Function`. Where code generation is not
 * allowed (a strict Content-Security-Policy), the generic table-driven loops are used instead.
 */
import type { BinaryOp, UnaryOp } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import { binaryFns, unaryFns } from './elementwise.ts';

type Arr = TypedArray;
export type BinaryLoop = (out: Arr, x: Arr, y: Arr, n: number) => void;
export type BinaryScalarLoop = (out: Arr, x: Arr, s: number, n: number) => void;
export type UnaryLoop = (out: Arr, x: Arr, n: number) => void;

/** The formulas of binaryFns / unaryFns as expressions of `a`, `b` (keep the two in step). */
const BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'Math.pow(a, b)',
  maximum: '(a !== a || b !== b ? NaN : a > b ? a : b)',
  minimum: '(a !== a || b !== b ? NaN : a < b ? a : b)',
  mod: 'a - b * Math.floor(a / b)',
  atan2: 'Math.atan2(a, b)',
  equal: '(a === b ? 1 : 0)',
  notEqual: '(a !== b ? 1 : 0)',
  less: '(a < b ? 1 : 0)',
  lessEqual: '(a <= b ? 1 : 0)',
  greater: '(a > b ? 1 : 0)',
  greaterEqual: '(a >= b ? 1 : 0)',
  and: '(a && b ? 1 : 0)',
  or: '(a || b ? 1 : 0)',
};

const UNARY: Record<UnaryOp, string> = {
  neg: '-a',
  exp: 'Math.exp(a)',
  expm1: 'Math.expm1(a)',
  log: 'Math.log(a)',
  log1p: 'Math.log1p(a)',
  sqrt: 'Math.sqrt(a)',
  rsqrt: '1 / Math.sqrt(a)',
  tanh: 'Math.tanh(a)',
  sigmoid: 'fns.sigmoid(a)',
  abs: 'Math.abs(a)',
  sign: '(a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN)',
  reciprocal: '1 / a',
  floor: 'Math.floor(a)',
  ceil: 'Math.ceil(a)',
  round: 'fns.round(a)',
  sin: 'Math.sin(a)',
  cos: 'Math.cos(a)',
  not: '(a ? 0 : 1)',
};

function compile<F>(params: string, body: string, fallback: F): F {
  try {
    return new Function('fns', `return function (${params}) { ${body} };`)(unaryFns) as F;
  } catch {
    return fallback;
  }
}

function table<K extends string, V>(keys: readonly K[], make: (k: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, V>;
}

const binaryOps = Object.keys(BINARY) as BinaryOp[];
const unaryOps = Object.keys(UNARY) as UnaryOp[];

/** out[i] = x[i] ∘ y[i] */
export const binaryLoops: Record<BinaryOp, BinaryLoop> = table(binaryOps, (op) =>
  compile<BinaryLoop>('out, x, y, n', `for (let i = 0; i < n; i++) { const a = x[i], b = y[i]; out[i] = ${BINARY[op]}; }`, (out, x, y, n) => {
    const f = binaryFns[op];
    for (let i = 0; i < n; i++) out[i] = f(x[i], y[i]);
  }),
);

/** out[i] = x[i] ∘ s */
export const binaryScalarRightLoops: Record<BinaryOp, BinaryScalarLoop> = table(binaryOps, (op) =>
  compile<BinaryScalarLoop>('out, x, b, n', `for (let i = 0; i < n; i++) { const a = x[i]; out[i] = ${BINARY[op]}; }`, (out, x, s, n) => {
    const f = binaryFns[op];
    for (let i = 0; i < n; i++) out[i] = f(x[i], s);
  }),
);

/** out[i] = s ∘ x[i] */
export const binaryScalarLeftLoops: Record<BinaryOp, BinaryScalarLoop> = table(binaryOps, (op) =>
  compile<BinaryScalarLoop>('out, y, a, n', `for (let i = 0; i < n; i++) { const b = y[i]; out[i] = ${BINARY[op]}; }`, (out, y, s, n) => {
    const f = binaryFns[op];
    for (let i = 0; i < n; i++) out[i] = f(s, y[i]);
  }),
);

export const unaryLoops: Record<UnaryOp, UnaryLoop> = table(unaryOps, (op) =>
  compile<UnaryLoop>('out, x, n', `for (let i = 0; i < n; i++) { const a = x[i]; out[i] = ${UNARY[op]}; }`, (out, x, n) => {
    const f = unaryFns[op];
    for (let i = 0; i < n; i++) out[i] = f(x[i]);
  }),
);

export type BinaryTiledLoop = (out: Arr, x: Arr, y: Arr, outer: number, len: number) => void;

/** out[o·len + j] = x[o·len + j] ∘ y[j]: y repeats along the leading axes (a bias add). */
export const binaryRowTiledLoops: Record<BinaryOp, BinaryTiledLoop> = table(binaryOps, (op) =>
  compile<BinaryTiledLoop>(
    'out, x, y, outer, len',
    `for (let o = 0, p = 0; o < outer; o++) for (let j = 0; j < len; j++, p++) { const a = x[p], b = y[j]; out[p] = ${BINARY[op]}; }`,
    (out, x, y, outer, len) => {
      const f = binaryFns[op];
      for (let o = 0, p = 0; o < outer; o++) for (let j = 0; j < len; j++, p++) out[p] = f(x[p], y[j]);
    },
  ),
);

/** out[o·len + j] = x[o·len + j] ∘ y[o]: y repeats along the trailing axes (a per-row scale). */
export const binaryColumnTiledLoops: Record<BinaryOp, BinaryTiledLoop> = table(binaryOps, (op) =>
  compile<BinaryTiledLoop>(
    'out, x, y, outer, len',
    `for (let o = 0, p = 0; o < outer; o++) { const b = y[o]; for (let j = 0; j < len; j++, p++) { const a = x[p]; out[p] = ${BINARY[op]}; } }`,
    (out, x, y, outer, len) => {
      const f = binaryFns[op];
      for (let o = 0, p = 0; o < outer; o++) for (let j = 0; j < len; j++, p++) out[p] = f(x[p], y[o]);
    },
  ),
);
