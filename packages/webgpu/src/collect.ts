/**
 * Forced collection of Dawn wrappers whose native cost V8 cannot see.
 *
 * Dawn's Node bindings free a GPUBindGroup's native objects only when V8 collects its JS wrapper
 * (WebGPU has no `GPUBindGroup.destroy()`), and to V8 a wrapper is a few dozen bytes, so nothing
 * makes it collect them soon: between two major GCs every bind group ever dropped stays alive in
 * Dawn and the driver. On lavapipe each one holds a descriptor set mapped by an mmap of its own
 * (4 KiB of the driver's memfd); a process may hold at most vm.max_map_count mappings (65530 by
 * default), and once an mmap fails lavapipe writes through MAP_FAILED and the process dies with
 * SIGSEGV inside createBindGroup. A training step creates a bind group per launch that misses the
 * backend's cache (most of them: ~10k per step at a small model size), so whether a run crossed
 * the limit depended on when V8 happened to run a major GC (`dreamer profile --timing cpu`, 61k
 * launches in 5 steps, crashed in 2 runs of 3; plain training reached 52k mappings).
 *
 * A WrapperBudget counts the wrappers it tracks that V8 has not yet collected (a
 * FinalizationRegistry) and forces a full GC when more than `limit` are outstanding. Dawn then
 * releases them (their finalizers run on a later turn of the event loop, and a descriptor set is
 * reused once the work that used it is done), so the mappings stay near `limit`.
 */
// Node's v8/vm modules are looked up at run time (process.getBuiltinModule), not imported: the
// package also runs in browsers, where there is no such module and nothing to collect this way.
type NodeBuiltins = {
  getBuiltinModule?: (id: string) => unknown;
};

let gcFunction: (() => void) | null | undefined;

/**
 * V8's `gc()`: the global one under `--expose-gc`, else one taken from a fresh context created
 * while the flag is set for an instant (the flag is cleared again: later contexts get no `gc`).
 * Null where that fails (an embedder refusing flags); it is looked up once.
 */
function getGC(): (() => void) | null {
  if (gcFunction !== undefined) return gcFunction;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return (gcFunction = global as () => void);
  const node = (globalThis as { process?: NodeBuiltins }).process;
  const v8 = node?.getBuiltinModule?.('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
  const vm = node?.getBuiltinModule?.('node:vm') as { runInNewContext(code: string): unknown } | undefined;
  if (!v8 || !vm) return (gcFunction = null);
  const setFlagsFromString = (flags: string): void => v8.setFlagsFromString(flags);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    gcFunction = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    gcFunction = null;
  } finally {
    try {
      setFlagsFromString('--no-expose-gc');
    } catch {
      // Nothing to undo.
    }
  }
  return gcFunction;
}

/** Runs a full (major) GC; false when no `gc` can be had. */
export function collectGarbage(): boolean {
  const gc = getGC();
  if (!gc) return false;
  gc();
  return true;
}

export class WrapperBudget {
  /** Most tracked wrappers left uncollected before a GC is forced. */
  readonly limit: number;
  #outstanding = 0;
  /** Wrappers tracked since the last forced GC: finalizers report late, so the next waits for limit/2 more. */
  #sinceForced = 0;
  #forced = 0;
  readonly #registry = new FinalizationRegistry<undefined>(() => void this.#outstanding--);

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`webgpu: a wrapper budget needs a limit of at least 1 (got ${limit})`);
    this.limit = limit;
  }

  /** Tracked wrappers not yet collected, as far as their finalizers have reported. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** GCs this budget has forced. */
  get forcedCollections(): number {
    return this.#forced;
  }

  /** Tracks a new wrapper; forces a full GC when too many are outstanding. */
  track(wrapper: object): void {
    this.#registry.register(wrapper, undefined);
    this.#outstanding++;
    this.#sinceForced++;
    if (this.#outstanding > this.limit && this.#sinceForced >= this.limit / 2) {
      this.#sinceForced = 0;
      if (collectGarbage()) this.#forced++;
    }
  }
}
