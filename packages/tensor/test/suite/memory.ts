/**
 * Every op, called outside any tidy scope, leaves exactly its result behind: composite ops must
 * release their intermediates themselves (a leak here is invisible to tests that use tidy).
 */
import { describe, expect, test } from 'vitest';
import * as T from '../../src/index.ts';
import { RandomKey, type Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { useDevice } from './util.ts';

/** Inputs prepared before the measurement, so a thunk calls only the op under test. */
interface In {
  x: Tensor; // [2, 3]
  y: Tensor; // [2, 3], positive
  m: Tensor; // [3, 2]
  x3: Tensor; // [1, 2, 3]
  x4: Tensor; // [1, 2, 3, 1]
  v: Tensor; // [3]
  cond: Tensor; // bool [2, 3]
  idx: Tensor; // i32 [1, 0, 1]
  idx2: Tensor; // i32 [0, 2]
  w: Tensor; // [2, 2, 1, 2]
  wt: Tensor; // [2, 2, 2, 1]
}

type Op = [string, (a: In) => Tensor | Tensor[]];

const UNARY = ['neg', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'abs', 'sign', 'reciprocal', 'floor', 'ceil', 'round', 'sin', 'cos'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'atan2', 'equal', 'less', 'greaterEqual'] as const;
/** Ops whose output carries no gradient (left out of the valueAndGrad variant). */
const NOT_DIFFERENTIABLE = new Set(['sign', 'floor', 'ceil', 'round', 'equal', 'less', 'greaterEqual', 'cast i32', 'argmax', 'oneHot', 'randomUniform', 'randomNormal']);

const OPS: Op[] = [
  ...UNARY.map((name): Op => [name, (a) => T[name](a.y)]),
  ...BINARY.map((name): Op => [name, (a) => T[name](a.x, a.y)]),
  ['add scalar', (a) => T.add(a.x, 2)],
  ['where', (a) => T.where(a.cond, a.x, 0)],
  ['cast i32', (a) => T.cast(a.x, 'i32')],
  ['relu', (a) => T.relu(a.x)],
  ['elu', (a) => T.elu(a.x)],
  ['softplus', (a) => T.softplus(a.x)],
  ['square', (a) => T.square(a.x)],
  ['clip', (a) => T.clip(a.x, -0.5, 0.5)],
  ['softmax', (a) => T.softmax(a.x)],
  ['logSoftmax', (a) => T.logSoftmax(a.x, 0)],
  ['sum', (a) => T.sum(a.x, 1)],
  ['mean', (a) => T.mean(a.x)],
  ['max', (a) => T.max(a.x, 0)],
  ['min', (a) => T.min(a.x, -1, true)],
  ['prod', (a) => T.prod(a.x)],
  ['logsumexp', (a) => T.logsumexp(a.x, 1)],
  ['argmax', (a) => T.argmax(a.x)],
  ['matmul', (a) => T.matmul(a.x, a.m)],
  ['matmul batched', (a) => T.matmul(a.x3, a.m)],
  ['matmul 1-D', (a) => T.matmul(a.v, a.m)],
  ['reshape', (a) => T.reshape(a.x, [3, 2])],
  ['transpose', (a) => T.transpose(a.x)],
  ['broadcastTo', (a) => T.broadcastTo(a.x, [4, 2, 3])],
  ['expandDims', (a) => T.expandDims(a.x, 0)],
  ['squeeze', (a) => T.squeeze(a.x3)],
  ['slice', (a) => T.slice(a.x, [0, 1])],
  ['pad', (a) => T.pad(a.x, [[1, 0], [0, 1]])],
  ['concat', (a) => T.concat([a.x, a.y], 1)],
  ['stack', (a) => T.stack([a.x, a.y])],
  ['split', (a) => T.split(a.x, 3, 1)],
  ['gather', (a) => T.gather(a.x, a.idx, 1)],
  ['scatterAdd', (a) => T.scatterAdd(a.x, a.idx, 1, [2, 2])],
  ['oneHot', (a) => T.oneHot(a.idx2, 3)],
  ['cumsum', (a) => T.cumsum(a.x, 1, { exclusive: true })],
  ['cumprod', (a) => T.cumprod(a.x, 0, { reverse: true })],
  ['conv2d', (a) => T.conv2d(a.x4, a.w, { padding: 'SAME', strides: 2 })],
  ['conv2dTranspose', (a) => T.conv2dTranspose(a.x4, a.wt, { strides: 2 })],
  ['randomUniform', (a) => T.randomUniform(RandomKey.fromSeed(1), [3], { low: -1, high: 1, dtype: a.x.dtype })],
  ['randomNormal', (a) => T.randomNormal(RandomKey.fromSeed(1), [3], { mean: 1, std: 2, dtype: a.x.dtype })],
];

export function memorySuite(device: SuiteDevice): void {
  describe(`${labelOf(device)} memory`, () => {
    useDevice(device);
    const dt = device.dtype;
    const prepare = (): In => {
      const f = (v: T.NestedArray, shape?: T.Shape) => T.tensor(v, shape, dt);
      const x = f([[0.5, -1, 2], [1.5, 0.25, -0.75]]);
      return {
        x,
        y: f([[1, 2, 3], [0.5, 0.25, 4]]),
        m: f([[1, 0], [0, 1], [1, 1]]),
        x3: f([0.5, -1, 2, 1.5, 0.25, -0.75], [1, 2, 3]),
        x4: f([0.5, -1, 2, 1.5, 0.25, -0.75], [1, 2, 3, 1]),
        v: f([1, -2, 0.5]),
        cond: T.tensor([[true, false, true], [false, false, true]]),
        idx: T.tensor([1, 0, 1], undefined, 'i32'),
        idx2: T.tensor([0, 2], undefined, 'i32'),
        w: T.ones([2, 2, 1, 2], dt),
        wt: T.ones([2, 2, 2, 1], dt),
      };
    };
    /** The float inputs, differentiated together in the valueAndGrad variant. */
    const params = (a: In): Tensor[] => [a.x, a.y, a.m, a.x3, a.x4, a.v, a.w, a.wt];
    const withParams = (a: In, p: Tensor[]): In => ({ ...a, x: p[0], y: p[1], m: p[2], x3: p[3], x4: p[4], v: p[5], w: p[6], wt: p[7] });

    test.each(OPS)('%s outside tidy leaves only its result behind', (_name, op) => {
      const a = prepare();
      const before = T.memory();
      T.dispose(op(a));
      expect(T.memory()).toEqual(before);
      T.dispose(a);
    });

    test.each(OPS.filter(([name]) => !NOT_DIFFERENTIABLE.has(name)))('%s under valueAndGrad frees all but value and grads', (_name, op) => {
      const a = prepare();
      const before = T.memory();
      const { value, grads } = T.valueAndGrad((p: Tensor[]) => {
        const out = op(withParams(a, p));
        return (Array.isArray(out) ? out : [out]).map((o) => T.sum(o)).reduce((s, t) => T.add(s, t));
      }, params(a));
      T.dispose([value, grads]);
      expect(T.memory()).toEqual(before);
      T.dispose(a);
    });
  });
}
