/** valueAndGrad semantics: accumulation, trees, constants, stopGradient, aux, errors, memory. */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { expectTensor, useDevice } from './util.ts';

export function autodiffSuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} autodiff`, () => {
    useDevice(device);
    const dt = device.dtype;
    const tol = { rtol: device.tol.rtol, atol: device.tol.atol };
    const f = (v: T.NestedArray): Tensor => T.tensor(v, undefined, dt);

    test('a tensor used twice accumulates its gradient (d/dx Σ x·x = 2x)', async () => {
      const x = f([1, -2, 3]);
      const { value, grads } = T.valueAndGrad((p: Tensor) => T.sum(T.mul(p, p)), x);
      await expectTensor(value, 14, { ...tol, dtype: dt });
      await expectTensor(grads, [2, -4, 6], { ...tol, dtype: dt });
      T.dispose([x, value, grads]);
    });

    test('gradients through broadcasting sum back to the operand shape', async () => {
      const p = { w: f([[1, 2, 3], [4, 5, 6]]), b: f([10, 20, 30]), s: T.scalar(2, dt) };
      const { value, grads } = T.valueAndGrad((q: typeof p) => T.sum(T.mul(T.add(q.w, q.b), q.s)), p);
      await expectTensor(value, 2 * (21 + 120), tol);
      await expectTensor(grads.w, [[2, 2, 2], [2, 2, 2]], tol);
      await expectTensor(grads.b, [4, 4, 4], tol);
      await expectTensor(grads.s, 141, tol);
      T.dispose([p, value, grads]);
    });

    test('params the loss does not reach get zeros of their shape and dtype', async () => {
      const p = { used: f([1, 2]), unused: T.ones([2, 3], dt) };
      const { value, grads } = T.valueAndGrad((q: typeof p) => T.sum(q.used), p);
      await expectTensor(grads.used, [1, 1], tol);
      await expectTensor(grads.unused, [[0, 0, 0], [0, 0, 0]], { dtype: dt });
      T.dispose([p, value, grads]);
    });

    test('a tree of params {a, b: [c, d]} gives a tree of gradients of the same form', async () => {
      const p = { a: f([1]), b: [f([2, 3]), f([[4]])] as const };
      const { value, grads } = T.valueAndGrad(
        (q: typeof p) => T.add(T.add(T.sum(T.mul(q.a, 3)), T.sum(T.square(q.b[0]))), T.sum(T.mul(q.b[1], q.a))),
        p,
      );
      expect(Object.keys(grads)).toEqual(['a', 'b']);
      expect(Array.isArray(grads.b)).toBe(true);
      expect(grads.b.length).toBe(2);
      await expectTensor(grads.a, [7], tol);
      await expectTensor(grads.b[0], [4, 6], tol);
      await expectTensor(grads.b[1], [[1]], tol);
      await expectTensor(value, 3 + 13 + 4, tol);
      T.dispose([p, value, grads]);
    });

    test('tensors outside params are constants: only the params get gradients', async () => {
      const c = f([5, 7]);
      const a = f([1, 1]);
      const { value, grads } = T.valueAndGrad((q: { a: Tensor }) => T.sum(T.mul(T.mul(q.a, c), c)), { a });
      expect(Object.keys(grads)).toEqual(['a']);
      await expectTensor(grads.a, [25, 49], tol);
      await expectTensor(value, 74, tol);
      T.dispose([a, c, value, grads]);
    });

    test('grad returns only the gradients', async () => {
      const x = f([3]);
      const g = T.grad((p: Tensor) => T.sum(T.mul(T.mul(p, p), p)), x);
      await expectTensor(g, [27], tol);
      T.dispose([x, g]);
    });

    test('stopGradient blocks the flow', async () => {
      const x = f([1, 2, 3]);
      const { value, grads } = T.valueAndGrad((p: Tensor) => T.sum(T.mul(p, T.stopGradient(p))), x);
      await expectTensor(grads, [1, 2, 3], tol);
      const blocked = T.grad((p: Tensor) => T.sum(T.stopGradient(T.exp(p))), x);
      await expectTensor(blocked, [0, 0, 0], tol);
      const method = T.grad((p: Tensor) => p.mul(p.stopGradient()).sum(), x);
      await expectTensor(method, [1, 2, 3], tol);
      T.dispose([x, value, grads, blocked, method]);
    });

    test('subgradients at kinks follow the documented conventions', async () => {
      const x = f([-1, 0, 0.5, 2]);
      const at = async (fn: (p: Tensor) => Tensor, expected: number[]) => {
        const g = T.grad((p: Tensor) => T.sum(fn(p)), x);
        await expectTensor(g, expected, tol);
        g.dispose();
      };
      await at(T.relu, [0, 0, 1, 1]); // 0 at x = 0
      await at(T.abs, [-1, 0, 1, 1]); // sign(x)
      await at((p) => T.clip(p, 0, 0.5), [0, 1, 1, 0]); // 1 on the closed interval
      await at((p) => T.maximum(p, 0.5), [0, 0, 0.5, 1]); // ties split evenly
      await at((p) => T.minimum(p, 0), [1, 0.5, 0, 0]);
      await at((p) => T.reshape(T.max(p), [1]), [0, 0, 0, 1]);
      const ties = f([[1, 3, 3], [2, 2, 2]]);
      const g = T.grad((p: Tensor) => T.sum(T.max(p, 1)), ties);
      await expectTensor(g, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], tol); // shared among tied maxima
      const h = T.grad((p: Tensor) => T.sum(T.cast(T.argmax(p), dt)), ties);
      await expectTensor(h, [[0, 0, 0], [0, 0, 0]], tol); // integer results carry no gradient
      T.dispose([x, ties, g, h]);
    });

    test('{loss, aux}: aux comes back alive beside value and grads', async () => {
      const x = f([1, 2]);
      const { value, grads, aux } = T.valueAndGrad((p: Tensor) => {
        const y = T.mul(p, 3);
        return { loss: T.sum(y), aux: { y, note: 'kept', n: T.max(y) } };
      }, x);
      await expectTensor(value, 9, tol);
      await expectTensor(grads, [3, 3], tol);
      expect(aux?.note).toBe('kept');
      await expectTensor(aux!.y, [3, 6], tol);
      await expectTensor(aux!.n, 6, tol);
      T.dispose([x, value, grads, aux]);
    });

    test('a non-scalar loss throws and leaves nothing behind', () => {
      const x = f([1, 2]);
      expect(() => T.valueAndGrad((p: Tensor) => T.mul(p, 2), x)).toThrow(/scalar/);
      expect(() => T.valueAndGrad((p: Tensor) => T.sum(T.cast(p, 'i32')), x)).toThrow(/float scalar/);
      expect(() => T.valueAndGrad((p: Tensor) => (T.exp(p), undefined as unknown as Tensor), x)).toThrow(/scalar/);
      // The failed tape must have let go of x: disposing it frees it now.
      x.dispose();
      expect(x.disposed).toBe(true);
    });

    test('a throwing function leaves nothing behind', () => {
      const x = f([1, 2]);
      expect(() =>
        T.valueAndGrad((p: Tensor) => {
          T.exp(p);
          throw new Error('boom');
        }, x),
      ).toThrow('boom');
      x.dispose();
      expect(x.disposed).toBe(true);
    });

    test('non-float params are refused', () => {
      const i = T.tensor([1], undefined, 'i32');
      expect(() => T.valueAndGrad((p: Tensor) => T.sum(T.cast(p, dt)), i)).toThrow(/i32/);
      expect(() => T.valueAndGrad(() => T.scalar(1, dt), [])).toThrow(/no tensors/);
      i.dispose();
    });

    test('memory: nothing but value and grads survives a valueAndGrad call', () => {
      const p = { w: f([[0.5, -1], [2, 1]]), b: f([0.1, 0.2]) };
      const x = f([[1, 2], [3, 4], [5, 6]]);
      const loss = (q: typeof p) => T.mean(T.softplus(T.add(T.matmul(x, q.w), q.b)));
      const before = T.memory();
      const { value, grads } = T.valueAndGrad(loss, p);
      expect(T.memory().tensors).toBe(before.tensors + 3);
      T.dispose([value, grads]);
      expect(T.memory()).toEqual(before);
      T.dispose([p, x]);
    });

    test('an intermediate disposed inside fn is released with the tape', () => {
      const x = f([1, 2]);
      const before = T.memory().tensors;
      const { value, grads } = T.valueAndGrad((p: Tensor) => {
        const y = T.exp(p);
        const loss = T.sum(T.mul(y, y));
        y.dispose(); // the tape still needs y for the backward pass
        return loss;
      }, x);
      T.dispose([value, grads]);
      expect(T.memory().tensors).toBe(before);
      x.dispose();
    });
  });
}
