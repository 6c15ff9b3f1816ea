/** Running sums and products along an axis. */
import type { ScanOp } from '../backend.ts';
import { record } from '../autodiff.ts';
import { normalizeAxis } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { div, mul } from './elementwise.ts';
import { assertTensor, wrap } from './util.ts';

export interface ScanOptions {
  /** Element i excludes x[i] itself (the first output is 0 for sums, 1 for products). */
  exclusive?: boolean;
  /** Run from the last element towards the first. */
  reverse?: boolean;
}

function scan(op: ScanOp, x: Tensor, axis: number, options: ScanOptions): Tensor {
  const name = op === 'sum' ? 'cumsum' : 'cumprod';
  assertTensor(x, name);
  if (x.dtype === 'bool') throw new TypeError(`${name}: input has dtype bool; cast it first`);
  const ax = normalizeAxis(name, axis, x.rank, x.shape);
  const exclusive = options.exclusive ?? false;
  const reverse = options.reverse ?? false;
  const backend = x.backend;
  const y = wrap(name, backend, backend.scan(op, x, ax, exclusive, reverse), x.shape, x.dtype, [x]);
  return record(name, [x], y, (g) => {
    // Each output sums (or multiplies) inputs on one side, so the gradient runs the other way.
    if (op === 'sum') return [cumsum(g, ax, { exclusive, reverse: !reverse })];
    return [div(cumsum(mul(g, y), ax, { exclusive, reverse: !reverse }), x)];
  });
}

export const cumsum = (x: Tensor, axis = -1, options: ScanOptions = {}): Tensor => scan('sum', x, axis, options);
/** Running product (its gradient divides by x: undefined where x has zeros). */
export const cumprod = (x: Tensor, axis = -1, options: ScanOptions = {}): Tensor => scan('prod', x, axis, options);
