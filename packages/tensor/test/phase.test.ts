// Engine phases: `phase(name, fn)` reaches the backend's optional `phase`, and valueAndGrad's
// backward pass runs each op's gradient under the phase the op ran in, plus 'backward'.
import { afterAll, describe, expect, test } from 'vitest';
import {
  type Backend,
  CpuBackend,
  currentPhase,
  matmul,
  mean,
  phase,
  registerBackend,
  removeBackend,
  setBackendSync,
  tanh,
  tensor,
  valueAndGrad,
} from '../src/index.ts';

/** A CPU backend that logs, per primitive launch, the backend-side phase path open at the time. */
function phasedCpu(): { backend: Backend; launches: string[]; reset(): void } {
  const cpu = new CpuBackend();
  const stack: string[] = [];
  const launches: string[] = [];
  const quiet = new Set(['name', 'dtypes', 'upload', 'read', 'readSync', 'dispose', 'bytesInUse', 'destroy', 'phase']);
  const backend = new Proxy(cpu, {
    get(target, key, receiver) {
      if (key === 'phase') {
        return <T>(name: string, fn: () => T): T => {
          stack.push(name);
          try {
            return fn();
          } finally {
            stack.pop();
          }
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof key !== 'string' || quiet.has(key)) return bound;
      return (...args: unknown[]) => {
        launches.push(`${stack.join('/')}:${key}`);
        return bound(...args);
      };
    },
  }) as Backend;
  return { backend, launches, reset: () => (launches.length = 0) };
}

const phased = phasedCpu();
registerBackend('phased-cpu', () => phased.backend);

afterAll(() => {
  removeBackend('phased-cpu');
  setBackendSync('cpu');
});

describe('phase', () => {
  test('returns fn’s result, nests, and keeps the engine path', () => {
    setBackendSync('cpu');
    expect(currentPhase()).toEqual([]);
    const out = phase('a', () => phase('b', () => [...currentPhase()]));
    expect(out).toEqual(['a', 'b']);
    expect(currentPhase()).toEqual([]);
    expect(() => phase('c', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(currentPhase()).toEqual([]);
  });

  test('an async phase stays open until its promise settles', async () => {
    setBackendSync('cpu');
    let inside: readonly string[] = [];
    const done = phase('later', async () => {
      await Promise.resolve();
      inside = currentPhase();
    });
    expect(currentPhase()).toEqual(['later']);
    await done;
    expect(inside).toEqual(['later']);
    expect(currentPhase()).toEqual([]);
  });

  test('forward launches run in the backend’s phase; gradients under <phase>/backward', () => {
    setBackendSync('phased-cpu');
    const w = tensor([[0.5, -0.25], [0.125, 1]]);
    const x = tensor([[1, 2]]);
    phased.reset();
    const { value, grads } = phase('step', () =>
      valueAndGrad((p: { w: ReturnType<typeof tensor> }) => {
        const h = phase('layer', () => tanh(matmul(x, p.w)));
        return phase('loss', () => mean(h));
      }, { w }),
    );
    expect(value.dataSync()[0]).toBeCloseTo(Math.tanh(0.75) / 2 + Math.tanh(1.75) / 2, 5);
    expect(grads.w.shape).toEqual([2, 2]);
    const where = new Set(phased.launches.map((l) => l.split(':')[0]));
    // Forward in 'step/layer' and 'step/loss'; their gradients nested below each; the seed in 'step/backward'.
    expect(where).toEqual(new Set(['step/layer', 'step/loss', 'step/loss/backward', 'step/layer/backward', 'step/backward']));
    expect(phased.launches.some((l) => l === 'step/layer/backward:matmul')).toBe(true);
    expect(phased.launches.some((l) => l.startsWith('step/layer:') && l.endsWith(':matmul'))).toBe(true);
    for (const t of [w, x, value, grads.w]) t.dispose();
  });

  test('without a backend phase, phase() is just fn() and gradients are unchanged', () => {
    setBackendSync('cpu');
    const w = tensor([1, 2, 3]);
    const plain = valueAndGrad((p: ReturnType<typeof tensor>) => mean(tanh(p)), w);
    const inPhases = phase('outer', () => valueAndGrad((p: ReturnType<typeof tensor>) => phase('inner', () => mean(tanh(p))), w));
    expect([...inPhases.grads.dataSync()]).toEqual([...plain.grads.dataSync()]);
    for (const t of [w, plain.value, plain.grads, inPhases.value, inPhases.grads]) t.dispose();
  });
});
