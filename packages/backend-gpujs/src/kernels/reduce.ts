/**
 * Reductions. Axes are grouped (neighbouring reduced or kept axes merge); a kernel thread owns one
 * output element and loops over its reduced elements. Reductions longer than CHUNK first reduce
 * chunks of CHUNK into partial results (after a transpose that makes the reduced axes
 * innermost when needed), so no thread loops over a whole large tensor and sums are computed
 * pairwise-blocked. Sums use compensated (Kahan) accumulation in float32.
 */
import type { ArgReduceOp, Operand, ReduceOp, TypedArray } from '@dreamer/tensor';
import { coords, kernel, offsetExpr, sizeOf, splitAt, stridesOf } from '../codegen.ts';
import { checkI32Accumulation, checkI32Operands, checkI32Product, fromKernel, maxAbs } from '../ints.ts';
import { INF, NEG_INF, type GpujsRuntime } from '../runtime.ts';
import { transpose } from './layout.ts';

type Op = Operand<TypedArray>;

/** Longest run of elements one thread reduces. */
export const CHUNK = 1024;

/**
 * Compensated summation step; the compensation resets where the sum is not finite (so ±∞ and NaN
 * propagate as in a plain sum instead of turning into NaN through ∞ − ∞).
 */
export const KAHAN = `const yk = v - comp;
const tk = acc + yk;
if (Math.abs(tk) <= 3.4028234e38) { comp = (tk - acc) - yk; } else { comp = 0; }
acc = tk;`;

const INIT: Record<ReduceOp, string> = { sum: '0', prod: '1', max: NEG_INF, min: INF };

/** Statements folding `v` into `acc` (and the Kahan compensation `comp` for sums). */
const STEP: Record<ReduceOp, string> = {
  sum: KAHAN,
  prod: 'acc = acc * v;',
  max: 'if (v > acc || v != v) { acc = v; }',
  min: 'if (v < acc || v != v) { acc = v; }',
};

/**
 * One pass: x viewed as [outer, len] (contiguous rows), each thread reducing `span` consecutive
 * elements of a row into out [outer, ceil(len / span)].
 */
function rowPass(rt: GpujsRuntime, op: ReduceOp, x: TypedArray, outer: number, len: number, span: number): Float32Array {
  const parts = Math.ceil(len / span);
  const lines = [
    'const i = this.thread.x;',
    `let r = Math.floor(i / ${parts});`,
    `let p = i - r * ${parts};`,
    `if (p < 0) { r = r - 1; p = p + ${parts}; }`,
    `if (p >= ${parts}) { r = r + 1; p = p - ${parts}; }`,
    `const base = r * ${len} + p * ${span};`,
    `let acc = ${INIT[op]};`,
    'let comp = 0;',
    `for (let k = 0; k < ${span}; k++) {`,
    `  if (p * ${span} + k < ${len}) {`,
    `    const v = in0[base + k];`,
    STEP[op].replace(/^/gm, '    '),
    '  }',
    '}',
    'return acc;',
  ];
  return rt.run(kernel(['in0'], lines.join('\n')), outer * parts, [x]);
}

/** Reduces over `axes` (sorted, distinct); the result keeps them with size 1. */
export function reduce(rt: GpujsRuntime, op: ReduceOp, x: Op, axes: readonly number[]): TypedArray {
  const shape = x.shape;
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = sizeOf(outShape);
  const len = sizeOf(shape) / Math.max(n, 1);
  checkI32Operands(op, x.dtype, [x.buffer]);
  if (x.dtype === 'i32' && len > 0) {
    const m = maxAbs(x.buffer);
    if (op === 'sum') checkI32Accumulation(op, 'i32', [m], len);
    if (op === 'prod') checkI32Product(op, 'i32', m, len);
  }
  if (n === 0) return fromKernel(op, new Float32Array(0), x.dtype);
  if (len === 0 || sizeOf(shape) === 0) {
    return fromKernel(op, rt.run(kernel([], `return ${INIT[op]};`), n, []), x.dtype);
  }
  // Group neighbouring axes of the same kind (reduced or kept), dropping size-1 axes.
  const groups: { size: number; reduced: boolean; stride: number }[] = [];
  const strides = stridesOf(shape);
  shape.forEach((d, k) => {
    if (d === 1) return;
    const reduced = axes.includes(k);
    const last = groups[groups.length - 1];
    if (last && last.reduced === reduced) {
      last.size *= d;
      last.stride = strides[k];
    } else groups.push({ size: d, reduced, stride: strides[k] });
  });
  const reducedGroups = groups.filter((g) => g.reduced);
  const kept = groups.filter((g) => !g.reduced);
  let rows: TypedArray;
  if (reducedGroups.length === 1 && (reducedGroups[0] === groups[groups.length - 1] || len <= CHUNK)) {
    if (len <= CHUNK) {
      // One thread per output, looping over the reduced elements in place.
      const r = reducedGroups[0];
      const { code, vars } = coords('i', kept.map((g) => g.size));
      const lines = [
        'const i = this.thread.x;',
        code,
        `const base = ${offsetExpr(vars, kept.map((g) => g.stride))};`,
        `let acc = ${INIT[op]};`,
        'let comp = 0;',
        `for (let k = 0; k < ${r.size}; k++) {`,
        `  const v = in0[base + k * ${r.stride}];`,
        STEP[op].replace(/^/gm, '  '),
        '}',
        'return acc;',
      ];
      return fromKernel(op, rt.run(kernel(['in0'], lines.join('\n')), n, [x.buffer]), x.dtype);
    }
    rows = x.buffer; // reduced axes are already innermost: rows of `len`
  } else {
    // Move the reduced axes innermost, then reduce rows.
    const keptAxes = shape.map((_, k) => k).filter((k) => !axes.includes(k));
    rows = transpose(rt, { buffer: x.buffer, shape: x.shape, dtype: x.dtype === 'i32' ? 'i32' : 'f32' }, [...keptAxes, ...axes]);
  }
  let cur: TypedArray = rows;
  let curLen = len;
  while (curLen > 1) {
    const span = Math.min(curLen, CHUNK);
    cur = rowPass(rt, op, cur, n, curLen, span);
    curLen = Math.ceil(curLen / span);
  }
  return fromKernel(op, cur as Float32Array, x.dtype);
}

/** Index (i32) of the first extreme value along `axis`; the first NaN wins, as in NumPy. */
export function argReduce(rt: GpujsRuntime, op: ArgReduceOp, x: Op, axis: number): TypedArray {
  checkI32Operands(op, x.dtype, [x.buffer]);
  const [outer, len, inner] = splitAt(x.shape, axis);
  const cmp = op === 'argmax' ? 'v > best' : 'v < best';
  const lines = [
    'const i = this.thread.x;',
    `let o = Math.floor(i / ${inner});`,
    `let j = i - o * ${inner};`,
    `if (j < 0) { o = o - 1; j = j + ${inner}; }`,
    `if (j >= ${inner}) { o = o + 1; j = j - ${inner}; }`,
    `const base = o * ${len * inner} + j;`,
    'let best = in0[base];',
    'let at = 0;',
    'let done = 0;',
    'if (best != best) { done = 1; }',
    `for (let k = 1; k < ${len}; k++) {`,
    '  if (done == 0) {',
    `    const v = in0[base + k * ${inner}];`,
    `    if (${cmp} || v != v) { best = v; at = k; }`,
    '    if (v != v) { done = 1; }',
    '  }',
    '}',
    'return at;',
  ];
  return fromKernel(op, rt.run(kernel(['in0'], lines.join('\n')), outer * inner, [x.buffer]), 'i32');
}
