/**
 * Tensor: an immutable n-dimensional array on one backend. Ops never modify a tensor; they
 * return new ones. Memory is released by `dispose()` or by an enclosing `tidy` scope.
 */
import type { Backend } from './backend.ts';
import { type DType, type TypedArray, bytesPerElement, isFloat } from './dtype.ts';
import {
  NumericsError,
  type Storage,
  debugChecksOn,
  newStorage,
  newTensorId,
  releaseStorage,
  trackDisposed,
  trackNew,
} from './engine.ts';
import { type Shape, fmt, sizeOf } from './shape.ts';

export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  readonly isTensor = true;
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  #storage: Storage | null;
  /** References held by an autodiff tape that still needs this tensor for its backward pass. */
  #holds = 0;
  #disposeRequested = false;

  /** Use the creation ops (`tensor`, `zeros`, …); this wraps storage an op has produced. */
  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.id = newTensorId();
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    trackNew(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.#storage === null;
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  /** The backend buffer (for backends and tracers). */
  get buffer(): unknown {
    return this.storage.buffer;
  }

  get storage(): Storage {
    if (this.#storage === null) {
      throw new Error(`Tensor ${this.id} (shape ${fmt(this.shape)}, ${this.dtype}) is disposed (it was used after dispose())`);
    }
    return this.#storage;
  }

  /** A new tensor sharing this one's storage under another shape of the same size (no copy). */
  view(shape: Shape): Tensor {
    const s = this.storage;
    s.refs++;
    return new Tensor(s, shape, this.dtype);
  }

  /** Reads the values back (waits for pending device work). */
  async data(): Promise<TypedArray> {
    const s = this.storage;
    return s.backend.read(s.buffer, this.dtype, this.size);
  }

  /** Synchronous read, only on backends that support it (the CPU backend). */
  dataSync(): TypedArray {
    const s = this.storage;
    if (!s.backend.readSync) {
      throw new Error(`dataSync: backend "${s.backend.name}" reads asynchronously; use await tensor.data()`);
    }
    return s.backend.readSync(s.buffer, this.dtype, this.size);
  }

  /** The values as nested JS arrays (booleans for bool tensors). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor has shape ${fmt(this.shape)}; expected exactly one element`);
    return (await this.data())[0];
  }

  /**
   * Releases the memory. If a gradient tape still needs the tensor for its backward pass,
   * the release happens when the tape lets go of it.
   */
  dispose(): void {
    if (this.#storage === null) return;
    if (this.#holds > 0) {
      this.#disposeRequested = true;
      return;
    }
    releaseStorage(this.#storage);
    this.#storage = null;
    trackDisposed(this);
  }

  /** @internal Used by the autodiff tape to keep saved tensors alive until backward ends. */
  hold(): void {
    this.#holds++;
  }

  /** @internal */
  unhold(): void {
    if (--this.#holds === 0 && this.#disposeRequested) this.dispose();
  }

  toString(): string {
    if (this.disposed) return `Tensor(disposed, ${fmt(this.shape)}, ${this.dtype})`;
    const values = this.storage.backend.readSync && this.size <= 64 ? ` ${JSON.stringify(this.arraySync())}` : '';
    return `Tensor(${fmt(this.shape)}, ${this.dtype})${values}`;
  }
}

function nest(values: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const flat: (number | boolean)[] = dtype === 'bool' ? Array.from(values, (v) => v !== 0) : Array.from(values);
  if (shape.length === 0) return flat[0];
  const build = (axis: number, offset: number): NestedArray[] => {
    const n = shape[axis];
    const stride = sizeOf(shape.slice(axis + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(axis === shape.length - 1 ? flat[offset + i] : build(axis + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}

/**
 * Wraps a buffer a backend just produced; with debug checks on, names the op that made NaN/Inf.
 * Also the public way to adopt a buffer made outside the ops (a custom kernel launched through
 * the backend, e.g. WebGPUBackend.runWGSL): it must hold `shape`'s elements in `dtype`'s layout on
 * that backend, and the returned tensor owns it (disposing the tensor releases the buffer).
 */
export function wrapBuffer(backend: Backend, buffer: unknown, shape: Shape, dtype: DType, op = 'op', inputs: readonly Tensor[] = []): Tensor {
  const t = new Tensor(newStorage(backend, buffer, sizeOf(shape) * bytesPerElement(dtype)), shape, dtype);
  if (debugChecksOn() && isFloat(dtype) && backend.readSync) {
    const values = backend.readSync(buffer, dtype, t.size);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        const ins = inputs.map((x) => `${fmt(x.shape)} ${x.dtype}`).join(', ');
        t.dispose(); // nobody will own the failed output
        throw new NumericsError(`${op} produced ${values[i]} at flat index ${i} of its output ${fmt(shape)} (inputs: ${ins || 'none'})`);
      }
    }
  }
  return t;
}
