/**
 * Engine state: the registered backends, the active one, ownership scopes and debug checks.
 *
 * Ownership: every tensor is created inside the innermost open `tidy` scope (or owned by
 * the caller when none is open). Closing a scope disposes every tensor created in it except
 * those returned from it (which move to the enclosing scope) and those passed to `keep`.
 * Storage is reference-counted so zero-copy views (reshape) and their source can be disposed
 * in any order.
 */
import type { Backend } from './backend.ts';
import type { Tensor } from './tensor.ts';

export interface Storage {
  readonly backend: Backend;
  readonly buffer: unknown;
  readonly bytes: number;
  refs: number;
}

type BackendFactory = () => Backend | Promise<Backend>;

const factories = new Map<string, BackendFactory>();
const instances = new Map<string, Backend>();
let active: Backend | null = null;

export function registerBackend(name: string, factory: BackendFactory): void {
  factories.set(name, factory);
}

export function listBackends(): string[] {
  return [...factories.keys()];
}

/** Makes `name` the backend that new tensors are created on (initialising it on first use). */
export async function setBackend(name: string): Promise<Backend> {
  let backend = instances.get(name);
  if (!backend) {
    const factory = factories.get(name);
    if (!factory) {
      throw new Error(`setBackend: unknown backend "${name}"; registered: ${listBackends().join(', ') || 'none'}`);
    }
    backend = await factory();
    instances.set(name, backend);
  }
  active = backend;
  return backend;
}

/** Synchronous variant for backends whose factory is synchronous (the CPU backend). */
export function setBackendSync(name: string): Backend {
  let backend = instances.get(name);
  if (!backend) {
    const factory = factories.get(name);
    if (!factory) throw new Error(`setBackend: unknown backend "${name}"; registered: ${listBackends().join(', ')}`);
    const made = factory();
    if (made instanceof Promise) throw new Error(`setBackend: backend "${name}" initialises asynchronously; use await setBackend("${name}")`);
    backend = made;
    instances.set(name, backend);
  }
  active = backend;
  return backend;
}

/**
 * Destroys a backend instance (its device and buffers) and forgets it; a later `setBackend(name)`
 * creates a fresh one. Tensors still on it become unusable. If it was active, `cpu` becomes active.
 */
export function removeBackend(name: string): void {
  const backend = instances.get(name);
  if (!backend) return;
  instances.delete(name);
  if (active === backend) active = null;
  backend.destroy?.();
}

export function getBackend(): Backend {
  if (!active) active = setBackendSync('cpu');
  return active;
}

// ---- phases -----------------------------------------------------------------------------

let phasePath: readonly string[] = [];

/**
 * Runs `fn` as a named phase of the work: the active backend's `phase(name, fn)` when it has one
 * (a profiler sums the launches recorded inside under the name; phases nest as 'outer/inner'),
 * else just `fn()`. The engine also keeps the path of open phases, so the backward pass of
 * `valueAndGrad` can run each recorded op's gradient under '<the phase it ran in>/backward'.
 * If `fn` returns a promise, the phase stays open until it settles.
 */
export function phase<T>(name: string, fn: () => T): T {
  const outer = phasePath;
  phasePath = [...outer, name];
  const close = (): void => {
    phasePath = outer;
  };
  let result: T;
  try {
    const backend = active;
    result = backend?.phase ? backend.phase(name, fn) : fn();
  } catch (e) {
    close();
    throw e;
  }
  if (result instanceof Promise) return result.finally(close) as T;
  close();
  return result;
}

/** The names of the phases open now, outermost first (an array that is never mutated). */
export function currentPhase(): readonly string[] {
  return phasePath;
}

/**
 * Runs `fn` inside the phases `names` (outermost first) on the active backend only, without
 * touching the engine's path: how the backward pass re-enters the phase an op was recorded in.
 */
export function inBackendPhases<T>(names: readonly string[], fn: () => T): T {
  const backend = active;
  if (!backend?.phase) return fn();
  const enter = (i: number): T => (i === names.length ? fn() : backend.phase!(names[i], () => enter(i + 1)));
  return enter(0);
}

/** True when the active backend takes phases (so the backward pass groups its work by phase). */
export function backendHasPhases(): boolean {
  return active?.phase !== undefined;
}

// ---- ownership -------------------------------------------------------------------------

let liveTensors = 0;
let liveStorages = 0;
let nextId = 0;
const scopes: Set<Tensor>[] = [];
const kept = new WeakSet<Tensor>();

export function newTensorId(): number {
  return nextId++;
}

/** The id the next tensor will get: every tensor created from now on has an id ≥ this. */
export function tensorIdWatermark(): number {
  return nextId;
}

export function trackNew(t: Tensor): void {
  liveTensors++;
  const scope = scopes[scopes.length - 1];
  if (scope) scope.add(t);
}

export function trackDisposed(t: Tensor): void {
  liveTensors--;
  const scope = scopes[scopes.length - 1];
  if (scope) scope.delete(t);
}

export function newStorage(backend: Backend, buffer: unknown, bytes: number): Storage {
  liveStorages++;
  return { backend, buffer, bytes, refs: 1 };
}

export function releaseStorage(s: Storage): void {
  if (--s.refs === 0) {
    liveStorages--;
    s.backend.dispose(s.buffer);
  }
}

/** Tensors a tree-shaped value holds (arrays, plain objects, Maps); used to find what a scope returns. */
export function collectTensors(value: unknown, into: Tensor[] = []): Tensor[] {
  if (value === null || typeof value !== 'object') return into;
  if (isTensor(value)) {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into);
  } else if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, into);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
  return into;
}

function isTensor(v: object): v is Tensor {
  return (v as { isTensor?: boolean }).isTensor === true;
}

/**
 * Runs `fn` in a scope: tensors it creates are disposed when it returns, except the tensors
 * in its result (a tensor, or arrays/objects/Maps of them) and those passed to `keep`.
 * Async functions are not allowed (a scope must not span an await).
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!kept.has(t)) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new Error('tidy: the function returned a Promise; scopes cannot span an await — read data outside tidy');
  }
  const keepSet = new Set(collectTensors(result));
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (keepSet.has(t) || kept.has(t)) {
      if (parent && !kept.has(t)) parent.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

/** Exempts `t` from disposal by any enclosing `tidy` scope; the caller then owns it. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  return t;
}

/** Disposes every tensor in a tree-shaped value. */
export function dispose(value: unknown): void {
  for (const t of collectTensors(value)) t.dispose();
}

export interface MemoryInfo {
  /** Tensors created and not yet disposed. */
  tensors: number;
  /** Distinct backend buffers held by them (views share one). */
  buffers: number;
  /** Bytes the active backend holds. */
  bytes: number;
}

export function memory(): MemoryInfo {
  return { tensors: liveTensors, buffers: liveStorages, bytes: active ? active.bytesInUse() : 0 };
}

// ---- debug ---------------------------------------------------------------------------

let debugChecks = false;

/**
 * With debug checks on, every op's floating-point output is read back and checked; the first
 * op that produces NaN or Inf throws a NumericsError naming it and its input shapes.
 * Slow (a synchronous read per op), and only for backends with `readSync`.
 */
export function setDebugChecks(on: boolean): void {
  debugChecks = on;
}

export function debugChecksOn(): boolean {
  return debugChecks;
}

export class NumericsError extends Error {
  override name = 'NumericsError';
}
