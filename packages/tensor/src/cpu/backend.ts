/**
 * The CPU reference backend: plain TypeScript loops over typed arrays. It is the definition
 * every other backend is tested against, so clarity wins over speed — except in matmul and
 * convolution, which are blocked enough to keep tests and small experiments quick.
 * Sums accumulate in float64.
 */
import type { ActivationOp, AdamHyper, ArgReduceOp, Backend, BinaryOp, Conv2dGeometry, DistributionOp, Operand, RandomDist, ReduceOp, ScanOp, UnaryOp } from '../backend.ts';
import { ATANH_CLIP } from '../backend.ts';
import { type DType, type TypedArray, allocArray, bytesPerElement } from '../dtype.ts';
import { fillNormal, fillUniform } from '../random/philox.ts';
import { type Shape, shapesEqual, sizeOf, stridesOf } from '../shape.ts';
import { conv2dBackwardFilter, conv2dBackwardInput, conv2dForward } from './conv.ts';
import { binaryColumnTiledLoops, binaryLoops, binaryRowTiledLoops, binaryScalarLeftLoops, binaryScalarRightLoops, unaryLoops } from './loops.ts';
import { reduceBlocks, reductionBlocks } from './reduce.ts';
import * as fused from './fused.ts';
import { matmul } from './matmul.ts';
import { broadcastStrides, stridedCopy } from './strided.ts';

type Arr = TypedArray;
type Op = Operand<Arr>;

const DTYPE_OF = new Map<unknown, DType>([
  [Float32Array, 'f32'],
  [Float64Array, 'f64'],
  [Int32Array, 'i32'],
  [Uint8Array, 'bool'],
]);

/** Ops where a ∘ b = b ∘ a, so a repeating left operand can use the tiled loops too. */
const COMMUTATIVE = new Set<BinaryOp>(['add', 'mul', 'maximum', 'minimum', 'equal', 'notEqual', 'and', 'or']);

export class CpuBackend implements Backend<Arr> {
  readonly name = 'cpu';
  readonly dtypes: readonly DType[] = ['f32', 'f64', 'i32', 'bool'];
  #bytes = 0;
  /**
   * Disposed arrays by type and length, reused zeroed: a training step allocates the same shapes
   * every time, and fresh typed arrays cost a zeroing page-fault pass plus GC pressure each.
   */
  #pool = new Map<string, Arr[]>();
  #pooledBytes = 0;
  /** Most bytes the pool keeps; 0 turns pooling off. */
  poolLimit = 256 * 1024 * 1024;

  #alloc(dtype: DType, size: number): Arr {
    this.#bytes += size * bytesPerElement(dtype);
    const reused = this.#pool.get(`${dtype}:${size}`)?.pop();
    if (reused) {
      this.#pooledBytes -= reused.byteLength;
      return reused.fill(0);
    }
    return allocArray(dtype, size);
  }

  upload(values: TypedArray, dtype: DType): Arr {
    const out = this.#alloc(dtype, values.length);
    out.set(values);
    return out;
  }

  async read(buffer: Arr, _dtype: DType, size: number): Promise<TypedArray> {
    return buffer.slice(0, size);
  }

  readSync(buffer: Arr, _dtype: DType, size: number): TypedArray {
    return buffer.slice(0, size);
  }

  dispose(buffer: Arr): void {
    this.#bytes -= buffer.byteLength;
    // Small arrays are cheap to allocate; pooling them only costs map lookups.
    if (buffer.length < 64 || this.#pooledBytes + buffer.byteLength > this.poolLimit) return;
    const key = `${DTYPE_OF.get(buffer.constructor)}:${buffer.length}`;
    let list = this.#pool.get(key);
    if (!list) this.#pool.set(key, (list = []));
    list.push(buffer);
    this.#pooledBytes += buffer.byteLength;
  }

  /** Bytes held by the reuse pool (not counted in bytesInUse). */
  pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Drops every pooled array (e.g. after a phase with unusual shapes). */
  trimPool(): void {
    this.#pool.clear();
    this.#pooledBytes = 0;
  }

  bytesInUse(): number {
    return this.#bytes;
  }

  fill(shape: Shape, dtype: DType, value: number): Arr {
    const out = this.#alloc(dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    return out;
  }

  unary(op: UnaryOp, x: Op): Arr {
    const src = x.buffer;
    const out = this.#alloc(x.dtype, src.length);
    unaryLoops[op](out, src, src.length);
    return out;
  }

  /** x's values laid out as `shape` (a no-op when it already is). */
  #broadcast(x: Op, shape: Shape): Arr {
    if (shapesEqual(x.shape, shape)) return x.buffer;
    const out = allocArray(x.dtype, sizeOf(shape));
    stridedCopy(x.buffer, 0, broadcastStrides(x.shape, shape), shape, out);
    return out;
  }

  binary(op: BinaryOp, a: Op, b: Op, outShape: Shape, outDType: DType): Arr {
    const n = sizeOf(outShape);
    const out = this.#alloc(outDType, n);
    const aFull = shapesEqual(a.shape, outShape);
    const bFull = shapesEqual(b.shape, outShape);
    if (aFull && bFull) binaryLoops[op](out, a.buffer, b.buffer, n);
    else if (aFull && b.buffer.length === 1) binaryScalarRightLoops[op](out, a.buffer, b.buffer[0], n);
    else if (bFull && a.buffer.length === 1) binaryScalarLeftLoops[op](out, b.buffer, a.buffer[0], n);
    else if (aFull && this.#tiledBinary(op, out, a.buffer, b, outShape)) return out;
    else if (bFull && COMMUTATIVE.has(op) && this.#tiledBinary(op, out, b.buffer, a, outShape)) return out;
    else binaryLoops[op](out, this.#broadcast(a, outShape), this.#broadcast(b, outShape), n);
    return out;
  }

  /**
   * out = full ∘ small when `small` repeats along only leading axes of `shape` (a bias add) or
   * only trailing ones (a per-row scale): tight loops instead of materialising the broadcast.
   */
  #tiledBinary(op: BinaryOp, out: Arr, full: Arr, small: Op, shape: Shape): boolean {
    const lead = shape.length - small.shape.length;
    const dims = shape.map((_, i) => (i < lead ? 1 : small.shape[i - lead]));
    let k = 0;
    while (k < shape.length && dims[k] === 1) k++;
    if (dims.slice(k).every((d, i) => d === shape[k + i])) {
      const len = sizeOf(shape.slice(k));
      binaryRowTiledLoops[op](out, full, small.buffer, sizeOf(shape) / len, len);
      return true;
    }
    let m = shape.length;
    while (m > 0 && dims[m - 1] === 1) m--;
    if (dims.slice(0, m).every((d, i) => d === shape[i])) {
      const len = sizeOf(shape.slice(m));
      binaryColumnTiledLoops[op](out, full, small.buffer, sizeOf(shape) / len, len);
      return true;
    }
    return false;
  }

  where(cond: Op, a: Op, b: Op, outShape: Shape): Arr {
    const c = this.#broadcast(cond, outShape);
    const av = this.#broadcast(a, outShape);
    const bv = this.#broadcast(b, outShape);
    const out = this.#alloc(a.dtype, c.length);
    for (let i = 0; i < c.length; i++) out[i] = c[i] ? av[i] : bv[i];
    return out;
  }

  cast(x: Op, dtype: DType): Arr {
    const src = x.buffer;
    const out = this.#alloc(dtype, src.length);
    if (dtype === 'bool') {
      for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    } else if (dtype === 'i32') {
      // Truncate toward zero and saturate at the i32 range (NaN → 0), as WGSL's i32(f32) does.
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        out[i] = v !== v ? 0 : v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
      }
    } else {
      out.set(src);
    }
    return out;
  }

  reduce(op: ReduceOp, x: Op, axes: readonly number[]): Arr {
    const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const n = sizeOf(outShape);
    const init = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
    const acc = new Float64Array(n).fill(init);
    const block = reductionBlocks(x.shape, axes);
    if (block !== null) {
      reduceBlocks(op, x.buffer, acc, block);
      const out = this.#alloc(x.dtype, n);
      out.set(acc);
      return out;
    }
    // General layout: walk the input in order; each element lands in the output slot with reduced axes zeroed.
    const outStrides = stridesOf(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
    const src = x.buffer;
    const rank = x.shape.length;
    const idx = new Array<number>(rank).fill(0);
    let o = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (op === 'sum') acc[o] += v;
      else if (op === 'prod') acc[o] *= v;
      else if (op === 'max') acc[o] = v > acc[o] || v !== v ? v : acc[o];
      else acc[o] = v < acc[o] || v !== v ? v : acc[o];
      for (let k = rank - 1; k >= 0; k--) {
        idx[k]++;
        o += outStrides[k];
        if (idx[k] < x.shape[k]) break;
        o -= outStrides[k] * x.shape[k];
        idx[k] = 0;
      }
    }
    const out = this.#alloc(x.dtype, n);
    out.set(acc);
    return out;
  }

  argReduce(op: ArgReduceOp, x: Op, axis: number): Arr {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const out = this.#alloc('i32', outer * inner);
    const src = x.buffer;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = src[o * len * inner + j];
        let at = 0;
        for (let i = 1; i < len; i++) {
          const v = src[(o * len + i) * inner + j];
          if (best !== best) break; // the first NaN wins, as in NumPy
          if (op === 'argmax' ? v > best || v !== v : v < best || v !== v) {
            best = v;
            at = i;
          }
        }
        out[o * inner + j] = at;
      }
    }
    return out;
  }

  matmul(a: Op, b: Op, transA: boolean, transB: boolean): Arr {
    const m = transA ? a.shape[2] : a.shape[1];
    const n = transB ? b.shape[1] : b.shape[2];
    const batch = Math.max(a.shape[0], b.shape[0]);
    const out = this.#alloc(a.dtype, batch * m * n);
    matmul(a, b, transA, transB, out);
    return out;
  }

  conv2d(x: Op, w: Op, g: Conv2dGeometry): Arr {
    const [n, h, wd] = x.shape;
    const [kh, kw, , cout] = w.shape;
    const oh = Math.floor((h + g.pads[0] + g.pads[1] - kh) / g.strides[0]) + 1;
    const ow = Math.floor((wd + g.pads[2] + g.pads[3] - kw) / g.strides[1]) + 1;
    const out = this.#alloc(x.dtype, n * oh * ow * cout);
    conv2dForward(x, w, g, [n, oh, ow, cout], out);
    return out;
  }

  conv2dBackwardInput(dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry): Arr {
    const out = this.#alloc(dy.dtype, sizeOf(inputShape));
    conv2dBackwardInput(dy, w, inputShape, g, out);
    return out;
  }

  conv2dBackwardFilter(x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry): Arr {
    const out = this.#alloc(x.dtype, sizeOf(filterShape));
    conv2dBackwardFilter(x, dy, filterShape, g, out);
    return out;
  }

  transpose(x: Op, perm: readonly number[]): Arr {
    const strides = stridesOf(x.shape);
    const shape = perm.map((p) => x.shape[p]);
    const out = this.#alloc(x.dtype, x.buffer.length);
    stridedCopy(x.buffer, 0, perm.map((p) => strides[p]), shape, out);
    return out;
  }

  expand(x: Op, shape: Shape): Arr {
    const out = this.#alloc(x.dtype, sizeOf(shape));
    stridedCopy(x.buffer, 0, broadcastStrides(x.shape, shape), shape, out);
    return out;
  }

  slice(x: Op, begin: readonly number[], size: readonly number[]): Arr {
    const strides = stridesOf(x.shape);
    const offset = begin.reduce((o, b, i) => o + b * strides[i], 0);
    const out = this.#alloc(x.dtype, sizeOf(size));
    stridedCopy(x.buffer, offset, strides, size, out);
    return out;
  }

  pad(x: Op, pads: readonly (readonly [number, number])[], value: number): Arr {
    const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const out = this.#alloc(x.dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    // Copy x row by row into the interior box.
    const outStrides = stridesOf(shape);
    const rank = shape.length;
    if (rank === 0) {
      out[0] = x.buffer[0];
      return out;
    }
    const inner = x.shape[rank - 1];
    const idx = new Array<number>(rank).fill(0);
    const src = x.buffer;
    for (let i = 0; i < src.length; i += inner) {
      let o = 0;
      for (let k = 0; k < rank; k++) o += (idx[k] + pads[k][0]) * outStrides[k];
      for (let j = 0; j < inner; j++) out[o + j] = src[i + j];
      for (let k = rank - 2; k >= 0; k--) {
        if (++idx[k] < x.shape[k]) break;
        idx[k] = 0;
      }
    }
    return out;
  }

  concat(xs: readonly Op[], axis: number): Arr {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = this.#alloc(xs[0].dtype, sizeOf(shape));
    const outer = sizeOf(shape.slice(0, axis));
    const rowOut = sizeOf(shape.slice(axis));
    let offset = 0;
    for (const x of xs) {
      const row = sizeOf(x.shape.slice(axis));
      for (let o = 0; o < outer; o++) out.set(x.buffer.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
    return out;
  }

  gather(x: Op, indices: Op, axis: number): Arr {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const idx = indices.buffer;
    const k = idx.length;
    const out = this.#alloc(x.dtype, outer * k * inner);
    const src = x.buffer;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < k; i++) {
        const at = Math.min(Math.max(idx[i], 0), len - 1);
        const from = (o * len + at) * inner;
        out.set(src.subarray(from, from + inner), (o * k + i) * inner);
      }
    }
    return out;
  }

  scatterAdd(updates: Op, indices: Op, axis: number, shape: Shape): Arr {
    const [outer, len, inner] = splitAt(shape, axis);
    const idx = indices.buffer;
    const k = idx.length;
    const acc = new Float64Array(sizeOf(shape));
    const src = updates.buffer;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < k; i++) {
        const at = Math.min(Math.max(idx[i], 0), len - 1);
        const to = (o * len + at) * inner;
        const from = (o * k + i) * inner;
        for (let j = 0; j < inner; j++) acc[to + j] += src[from + j];
      }
    }
    const out = this.#alloc(updates.dtype, acc.length);
    out.set(acc);
    return out;
  }

  scan(op: ScanOp, x: Op, axis: number, exclusive: boolean, reverse: boolean): Arr {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const out = this.#alloc(x.dtype, x.buffer.length);
    const src = x.buffer;
    const identity = op === 'sum' ? 0 : 1;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let acc = identity;
        for (let s = 0; s < len; s++) {
          const i = reverse ? len - 1 - s : s;
          const p = (o * len + i) * inner + j;
          const v = src[p];
          if (exclusive) {
            out[p] = acc;
            acc = op === 'sum' ? acc + v : acc * v;
          } else {
            acc = op === 'sum' ? acc + v : acc * v;
            out[p] = acc;
          }
        }
      }
    }
    return out;
  }

  random(dist: RandomDist, key: readonly [number, number], shape: Shape, dtype: DType): Arr {
    const out = this.#alloc(dtype, sizeOf(shape));
    if (dist === 'uniform') fillUniform(out, key);
    else fillNormal(out, key);
    return out;
  }

  // ---- fused kernels (loops in cpu/fused.ts) --------------------------------------------------

  gruBlockReset(preRU: Op, biasRU: Op, h: Op): [Arr, Arr] {
    return fused.gruBlockReset(preRU.buffer, biasRU.buffer, h.buffer, h.shape[h.shape.length - 1], this.#allocFor(h));
  }

  gruBlockResetBackward(dRH: Op, dU: Op, preRU: Op, biasRU: Op, h: Op): [Arr, Arr] {
    return fused.gruBlockResetBackward(dRH.buffer, dU.buffer, preRU.buffer, biasRU.buffer, h.buffer, h.shape[h.shape.length - 1], this.#allocFor(h));
  }

  gruBlockOutput(preC: Op, biasC: Op, u: Op, h: Op): Arr {
    return fused.gruBlockOutput(preC.buffer, biasC.buffer, u.buffer, h.buffer, this.#allocFor(h));
  }

  gruBlockOutputBackward(dOut: Op, preC: Op, biasC: Op, u: Op, h: Op): [Arr, Arr, Arr] {
    return fused.gruBlockOutputBackward(dOut.buffer, preC.buffer, biasC.buffer, u.buffer, h.buffer, this.#allocFor(h));
  }

  gruResetAfter(xProj: Op, hProj: Op, bias: Op, h: Op): Arr {
    return fused.gruResetAfter(xProj.buffer, hProj.buffer, bias.buffer, h.buffer, h.shape[h.shape.length - 1], this.#allocFor(h));
  }

  gruResetAfterBackward(dOut: Op, xProj: Op, hProj: Op, bias: Op, h: Op): [Arr, Arr, Arr] {
    return fused.gruResetAfterBackward(dOut.buffer, xProj.buffer, hProj.buffer, bias.buffer, h.buffer, h.shape[h.shape.length - 1], this.#allocFor(h));
  }

  adamUpdate(param: Op, grad: Op, m: Op, v: Op, hyper: AdamHyper): [Arr, Arr, Arr] {
    return fused.adamUpdate(param.buffer, grad.buffer, m.buffer, v.buffer, hyper, this.#allocFor(param));
  }

  sumSquares(xs: readonly Op[]): Arr {
    const out = this.#alloc(xs[0].dtype, 1);
    out[0] = fused.sumSquares(xs.map((x) => x.buffer));
    return out;
  }

  activation(op: ActivationOp, x: Op): Arr {
    return fused.activation(op, x.buffer, this.#allocFor(x));
  }

  activationBackward(op: ActivationOp, dOut: Op, x: Op): Arr {
    return fused.activationBackward(op, dOut.buffer, x.buffer, this.#allocFor(dOut));
  }

  distribution(op: DistributionOp, xs: readonly Op[], outShape: Shape): Arr {
    const bound = this.#clipBound(xs[0]);
    return fused.distribution(op, xs.map((x) => x.buffer), sizeOf(outShape), bound, this.#allocFor(xs[0]));
  }

  distributionBackward(op: Exclude<DistributionOp, 'normalSample'>, dOut: Op, xs: readonly Op[], wanted: readonly boolean[]): (Arr | null)[] {
    const bound = this.#clipBound(dOut);
    return fused.distributionBackward(op, dOut.buffer, xs.map((x) => x.buffer), wanted, bound, this.#allocFor(dOut));
  }

  #allocFor(like: Op): (size: number) => Arr {
    return (size) => this.#alloc(like.dtype, size);
  }

  /** ATANH_CLIP as the operands' dtype holds it (a composed clip compares with that constant). */
  #clipBound(like: Op): number {
    return like.dtype === 'f32' ? Math.fround(ATANH_CLIP) : ATANH_CLIP;
  }
}

/** [product of axes before `axis`, size of `axis`, product of axes after]. */
function splitAt(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}
