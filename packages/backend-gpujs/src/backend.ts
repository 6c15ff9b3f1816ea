/**
 * The gpu.js backend of @dreamer/tensor: every Backend primitive is a gpu.js kernel (kernels/),
 * run in the best mode gpu.js has at start-up (runtime.ts). Buffers are plain typed arrays of
 * their dtype (Float32Array, Int32Array, Uint8Array for bool) held between kernels; each kernel
 * uploads its operands (a float texture in the GL modes) and reads its result back. The fused
 * kernels of the Backend interface are not implemented: the engine composes GRU, Adam, sumSquares
 * and the distributions from these primitives.
 */
import type {
  ArgReduceOp,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DType,
  Operand,
  RandomDist,
  ReduceOp,
  ScanOp,
  Shape,
  TypedArray,
  UnaryOp,
} from '@dreamer/tensor';
import { registerBackend } from '@dreamer/tensor';
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from './kernels/conv.ts';
import { binary, cast, fill, unary, where } from './kernels/elementwise.ts';
import { gather, scatterAdd } from './kernels/gather.ts';
import { concat, expand, pad, slice, transpose } from './kernels/layout.ts';
import { matmul } from './kernels/matmul.ts';
import { random } from './kernels/random.ts';
import { argReduce, reduce } from './kernels/reduce.ts';
import { scan } from './kernels/scan.ts';
import { GpujsRuntime, type GpujsMode, type RuntimeOptions } from './runtime.ts';

type Arr = TypedArray;
type Op = Operand<Arr>;

export interface GpujsInfo {
  /** The gpu.js mode every kernel runs in. */
  readonly mode: GpujsMode;
  /** gpu.js's version. */
  readonly version: string;
  /** Kernels compiled (and cached) so far, and the milliseconds their first calls took. */
  readonly kernelsCompiled: number;
  readonly compileMs: number;
  readonly launches: number;
}

export interface GpujsBackendOptions extends RuntimeOptions {
  /** Print the mode once at start-up (default true). */
  log?: boolean;
}

const GPUJS_VERSION = '2.24.1';

function allocOf(dtype: DType, size: number): Arr {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'i32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    default:
      throw new TypeError(`gpujs: dtype ${dtype} is not supported by the gpujs backend (f32, i32 and bool are)`);
  }
}

export class GpujsBackend implements Backend<Arr> {
  readonly name: string;
  readonly dtypes: readonly DType[] = ['f32', 'i32', 'bool'];
  readonly runtime: GpujsRuntime;
  #bytes = 0;

  constructor(options: GpujsBackendOptions = {}, name = 'gpujs') {
    this.name = name;
    this.runtime = new GpujsRuntime(options);
    if (options.log ?? true) console.log(`gpujs backend: gpu.js ${GPUJS_VERSION} in mode '${this.runtime.mode}'`);
  }

  /** The gpu.js mode the kernels run in: 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu'. */
  get mode(): GpujsMode {
    return this.runtime.mode;
  }

  get info(): GpujsInfo {
    const rt = this.runtime;
    return { mode: rt.mode, version: GPUJS_VERSION, kernelsCompiled: rt.compiled, compileMs: rt.compileMs, launches: rt.launches };
  }

  #own(a: Arr): Arr {
    this.#bytes += a.byteLength;
    return a;
  }

  // ---- memory ---------------------------------------------------------------------------

  upload(values: TypedArray, dtype: DType): Arr {
    const out = allocOf(dtype, values.length);
    out.set(values);
    return this.#own(out);
  }

  async read(buffer: Arr, _dtype: DType, size: number): Promise<TypedArray> {
    return buffer.slice(0, size);
  }

  readSync(buffer: Arr, _dtype: DType, size: number): TypedArray {
    return buffer.slice(0, size);
  }

  dispose(buffer: Arr): void {
    this.#bytes -= buffer.byteLength;
  }

  bytesInUse(): number {
    return this.#bytes;
  }

  destroy(): void {
    void this.runtime.destroy();
  }

  // ---- primitives -----------------------------------------------------------------------

  fill(shape: Shape, dtype: DType, value: number): Arr {
    allocOf(dtype, 0);
    return this.#own(fill(this.runtime, shape, dtype, value));
  }

  unary(op: UnaryOp, x: Op): Arr {
    return this.#own(unary(this.runtime, op, x));
  }

  binary(op: BinaryOp, a: Op, b: Op, outShape: Shape, outDType: DType): Arr {
    return this.#own(binary(this.runtime, op, a, b, outShape, outDType));
  }

  where(cond: Op, a: Op, b: Op, outShape: Shape): Arr {
    return this.#own(where(this.runtime, cond, a, b, outShape));
  }

  cast(x: Op, dtype: DType): Arr {
    return this.#own(cast(this.runtime, x, dtype));
  }

  reduce(op: ReduceOp, x: Op, axes: readonly number[]): Arr {
    return this.#own(reduce(this.runtime, op, x, axes));
  }

  argReduce(op: ArgReduceOp, x: Op, axis: number): Arr {
    return this.#own(argReduce(this.runtime, op, x, axis));
  }

  matmul(a: Op, b: Op, transA: boolean, transB: boolean): Arr {
    return this.#own(matmul(this.runtime, a, b, transA, transB));
  }

  conv2d(x: Op, w: Op, geometry: Conv2dGeometry): Arr {
    return this.#own(conv2d(this.runtime, x, w, geometry));
  }

  conv2dBackwardInput(dy: Op, w: Op, inputShape: Shape, geometry: Conv2dGeometry): Arr {
    return this.#own(conv2dBackwardInput(this.runtime, dy, w, inputShape, geometry));
  }

  conv2dBackwardFilter(x: Op, dy: Op, filterShape: Shape, geometry: Conv2dGeometry): Arr {
    return this.#own(conv2dBackwardFilter(this.runtime, x, dy, filterShape, geometry));
  }

  transpose(x: Op, perm: readonly number[]): Arr {
    return this.#own(transpose(this.runtime, x, perm));
  }

  expand(x: Op, shape: Shape): Arr {
    return this.#own(expand(this.runtime, x, shape));
  }

  slice(x: Op, begin: readonly number[], size: readonly number[]): Arr {
    return this.#own(slice(this.runtime, x, begin, size));
  }

  pad(x: Op, pads: readonly (readonly [number, number])[], value: number): Arr {
    return this.#own(pad(this.runtime, x, pads, value));
  }

  concat(xs: readonly Op[], axis: number): Arr {
    return this.#own(concat(this.runtime, xs, axis));
  }

  gather(x: Op, indices: Op, axis: number): Arr {
    return this.#own(gather(this.runtime, x, indices, axis));
  }

  scatterAdd(updates: Op, indices: Op, axis: number, shape: Shape): Arr {
    return this.#own(scatterAdd(this.runtime, updates, indices, axis, shape));
  }

  scan(op: ScanOp, x: Op, axis: number, exclusive: boolean, reverse: boolean): Arr {
    return this.#own(scan(this.runtime, op, x, axis, exclusive, reverse));
  }

  random(dist: RandomDist, key: readonly [number, number], shape: Shape, dtype: DType): Arr {
    return this.#own(random(this.runtime, dist, key, shape, dtype));
  }
}

/**
 * Registers the backend under `name` (default 'gpujs'); it is created (and its mode chosen and
 * probed) on the first `setBackend(name)`.
 */
export function registerGpujs(options: GpujsBackendOptions = {}, name = 'gpujs'): void {
  registerBackend(name, () => new GpujsBackend(options, name));
}
