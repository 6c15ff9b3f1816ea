/**
 * The slice of vitest's API the engine's op suite uses (describe, test, test.each, hooks, expect
 * with its matchers), for running the suite in a browser page without vitest. The Vite build of
 * the page aliases `vitest` to this file. Tests are collected when the suite functions run and
 * executed by `runCollected()`, in order, one at a time. A matcher the shim lacks fails the test
 * that calls it (never passes silently).
 */
type Fn = (ctx?: TestContext) => unknown;

/** The test context vitest passes to a test function: `ctx.skip()` ends the test as skipped. */
export interface TestContext {
  skip(note?: string): never;
}

class SkipSignal extends Error {
  override name = 'SkipSignal';
}

const context: TestContext = {
  skip(note?: string): never {
    throw new SkipSignal(note ?? 'skipped');
  },
};

interface TestNode {
  kind: 'test';
  name: string;
  fn: Fn | null;
}

interface SuiteNode {
  kind: 'suite';
  name: string;
  children: (SuiteNode | TestNode)[];
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

const newSuite = (name: string): SuiteNode => ({ kind: 'suite', name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] });
let root = newSuite('');
let current = root;

export function describe(name: string, fn: () => void): void {
  const suite = newSuite(name);
  current.children.push(suite);
  const outer = current;
  current = suite;
  try {
    fn();
  } finally {
    current = outer;
  }
}
describe.skip = (name: string, _fn: () => void): void => {
  current.children.push({ kind: 'test', name: `${name} (skipped)`, fn: null });
};

/** vitest's printf-style test titles: %s %d %i %f %j %o %%. */
function title(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%[sdifjo%]/g, (m) => {
    if (m === '%%') return '%';
    const v = args[i++];
    if (m === '%j' || m === '%o') return JSON.stringify(v);
    return String(v);
  });
}

type TestFn = ((name: string, fn: Fn, timeout?: number) => void) & {
  each: <C>(cases: readonly C[]) => (name: string, fn: (...args: never[]) => unknown, timeout?: number) => void;
  skip: (name: string, fn?: Fn) => void;
};

export const test: TestFn = Object.assign(
  (name: string, fn: Fn): void => {
    current.children.push({ kind: 'test', name, fn });
  },
  {
    each:
      <C>(cases: readonly C[]) =>
      (name: string, fn: (...args: never[]) => unknown): void => {
        for (const c of cases) {
          const args = Array.isArray(c) ? (c as unknown[]) : [c];
          current.children.push({ kind: 'test', name: title(name, args), fn: () => (fn as (...a: unknown[]) => unknown)(...args) });
        }
      },
    skip: (name: string): void => {
      current.children.push({ kind: 'test', name: `${name} (skipped)`, fn: null });
    },
  },
);
export const it = test;

export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn);

// ---- expect --------------------------------------------------------------------------------

class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}[${Array.from(v as unknown as ArrayLike<number>).slice(0, 16).join(', ')}${(v as unknown as ArrayLike<number>).length > 16 ? ', …' : ''}]`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
}

/** vitest's toEqual: recursive equality, NaN equal to NaN, undefined properties ignored. */
export function equals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => equals(v, y[i]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => equals(v, b[i]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && equals(v, b.get(k)));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Expected = string | RegExp | (abstract new (...args: never[]) => unknown) | Error | undefined;

function throwMatches(e: unknown, expected: Expected): boolean {
  if (expected === undefined) return true;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof expected === 'string') return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (expected instanceof Error) return message === expected.message;
  return e instanceof expected;
}

type Matchers = Record<string, (...args: never[]) => unknown>;

function matchers(actual: unknown, label: string | undefined, negate: boolean): Matchers {
  const check = (pass: boolean, what: string): void => {
    if (pass === negate) throw new AssertionError(`${label ? `${label}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${what}`);
  };
  const num = (): number => {
    if (typeof actual !== 'number' && typeof actual !== 'bigint') throw new AssertionError(`${label ? `${label}: ` : ''}${show(actual)} is not a number`);
    return Number(actual);
  };
  const threw = (): { threw: boolean; error: unknown } => {
    if (typeof actual !== 'function') throw new AssertionError('toThrow: expected a function');
    try {
      (actual as () => unknown)();
      return { threw: false, error: undefined };
    } catch (error) {
      return { threw: true, error };
    }
  };
  return {
    toBe: (e: unknown) => check(Object.is(actual, e), `to be ${show(e)}`),
    toEqual: (e: unknown) => check(equals(actual, e), `to equal ${show(e)}`),
    toStrictEqual: (e: unknown) => check(equals(actual, e), `to strictly equal ${show(e)}`),
    toBeCloseTo: (e: number, digits = 2) => check(Math.abs(num() - e) < 10 ** -digits / 2, `to be close to ${e} (${digits} digits)`),
    toBeGreaterThan: (e: number) => check(num() > e, `to be > ${e}`),
    toBeGreaterThanOrEqual: (e: number) => check(num() >= e, `to be ≥ ${e}`),
    toBeLessThan: (e: number) => check(num() < e, `to be < ${e}`),
    toBeLessThanOrEqual: (e: number) => check(num() <= e, `to be ≤ ${e}`),
    toBeNaN: () => check(Number.isNaN(actual), 'to be NaN'),
    toBeTruthy: () => check(Boolean(actual), 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeInstanceOf: (c: abstract new (...args: never[]) => unknown) => check(actual instanceof c, `to be an instance of ${c.name}`),
    toHaveLength: (n: number) => check((actual as { length?: number } | null)?.length === n, `to have length ${n}`),
    toContain: (e: unknown) =>
      check(typeof actual === 'string' ? actual.includes(String(e)) : Array.from(actual as Iterable<unknown>).includes(e), `to contain ${show(e)}`),
    toMatch: (e: string | RegExp) => check(typeof actual === 'string' && (typeof e === 'string' ? actual.includes(e) : e.test(actual)), `to match ${String(e)}`),
    toThrow: (e?: Expected) => {
      const r = threw();
      if (negate) check(r.threw, 'to throw');
      else check(r.threw && throwMatches(r.error, e), `to throw ${e === undefined ? '' : show(e)}${r.threw ? ` (threw ${show(r.error)})` : ' (did not throw)'}`);
    },
  };
}

function strictMatchers(m: Matchers): Matchers {
  return new Proxy(m, {
    get(target, prop) {
      if (typeof prop === 'string' && !(prop in target)) {
        return () => {
          throw new AssertionError(`the browser vitest shim has no matcher ${prop}`);
        };
      }
      return target[prop as string];
    },
  });
}

/** Matchers on a promise: `await expect(p).rejects.toThrow(…)`. */
function promiseMatchers(actual: unknown, label: string | undefined, rejects: boolean): Matchers {
  const names = Object.keys(matchers(undefined, label, false));
  return strictMatchers(
    Object.fromEntries(
      names.map((name) => [
        name,
        async (...args: never[]) => {
          let settled: unknown;
          try {
            settled = await (actual as Promise<unknown>);
          } catch (error) {
            if (!rejects) throw new AssertionError(`expected the promise to resolve, it rejected with ${show(error)}`);
            const fn = (): never => {
              throw error;
            };
            return matchers(name === 'toThrow' ? fn : error, label, false)[name](...args);
          }
          if (rejects) throw new AssertionError(`expected the promise to reject, it resolved to ${show(settled)}`);
          return matchers(settled, label, false)[name](...args);
        },
      ]),
    ),
  );
}

export function expect(actual: unknown, label?: string): Matchers & { not: Matchers; rejects: Matchers; resolves: Matchers } {
  const m = strictMatchers(matchers(actual, label, false));
  return Object.assign(m, {
    not: strictMatchers(matchers(actual, label, true)),
    rejects: promiseMatchers(actual, label, true),
    resolves: promiseMatchers(actual, label, false),
  }) as Matchers & { not: Matchers; rejects: Matchers; resolves: Matchers };
}

// ---- runner --------------------------------------------------------------------------------

export interface TestResult {
  name: string;
  state: 'pass' | 'fail' | 'skip';
  ms: number;
  error?: string;
}

/** Per-test time limit (a hung kernel fails its test instead of the page). */
const TIMEOUT_MS = 120_000;

async function withTimeout(fn: Fn, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => fn(context)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Runs every collected test (then forgets them), calling `onResult` after each. Hooks run as
 * vitest runs them: beforeAll/afterAll once per describe, beforeEach outer-first and afterEach
 * inner-first around each test. A failing beforeAll fails the tests below it.
 */
export async function runCollected(onResult: (r: TestResult) => void = () => {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const report = (r: TestResult): void => {
    results.push(r);
    onResult(r);
  };
  const failAll = (s: SuiteNode, path: string, error: string): void => {
    for (const c of s.children) {
      const name = path ? `${path} > ${c.name}` : c.name;
      if (c.kind === 'suite') failAll(c, name, error);
      else report({ name, state: 'fail', ms: 0, error });
    }
  };
  const visit = async (s: SuiteNode, path: string, each: SuiteNode[]): Promise<void> => {
    const chain = [...each, s];
    try {
      for (const h of s.beforeAll) await withTimeout(h, 'beforeAll');
    } catch (e) {
      failAll(s, path, `beforeAll failed: ${describeError(e)}`);
      return;
    }
    for (const c of s.children) {
      const name = path ? `${path} > ${c.name}` : c.name;
      if (c.kind === 'suite') {
        await visit(c, name, chain);
        continue;
      }
      if (c.fn === null) {
        report({ name, state: 'skip', ms: 0 });
        continue;
      }
      const t0 = performance.now();
      let error: string | undefined;
      let skipped = false;
      try {
        for (const sn of chain) for (const h of sn.beforeEach) await withTimeout(h, 'beforeEach');
        await withTimeout(c.fn, 'test');
      } catch (e) {
        if (e instanceof SkipSignal) skipped = true;
        else error = describeError(e);
      }
      for (const sn of [...chain].reverse()) {
        for (const h of sn.afterEach) {
          try {
            await withTimeout(h, 'afterEach');
          } catch (e) {
            error ??= `afterEach: ${describeError(e)}`;
          }
        }
      }
      report({ name, state: error !== undefined ? 'fail' : skipped ? 'skip' : 'pass', ms: performance.now() - t0, error });
    }
    for (const h of s.afterAll) {
      try {
        await withTimeout(h, 'afterAll');
      } catch (e) {
        report({ name: `${path} (afterAll)`, state: 'fail', ms: 0, error: describeError(e) });
      }
    }
  };
  const collected = root;
  root = newSuite('');
  current = root;
  await visit(collected, '', []);
  return results;
}
