/**
 * tfjs-webgpu on the Dawn instance our backend uses, and the benchmark workloads written with
 * tfjs ops to mirror tools/workloads.ts op for op (bias add and relu included; VALID padding).
 * WEBGPU_CPU_FORWARD is turned off so that small tensors stay on the GPU as ours do.
 */
import { globals } from 'webgpu';
import { getGPU } from '@dreamer/webgpu';
import { BATCH, DECODER, ENCODER } from '../workloads.ts';

// tfjs-webgpu registers its backend at import time only if navigator.gpu exists, and uses the
// WebGPU interfaces (GPUBuffer, GPUBufferUsage, ...) as globals. navigator.gpu is Dawn's GPU object
// of @dreamer/webgpu (same Dawn module, same adapter), referenced for the process's life: Dawn
// aborts if it is collected.
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: getGPU() }, configurable: true, writable: true });

// The umbrella package for its ops: tfjs-core's Node bundle registers no gradients.
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
type Tensor = import('@tensorflow/tfjs').Tensor;

export async function openTfjs(): Promise<typeof tf> {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend failed to initialise');
  await tf.ready();
  return tf;
}

export interface TfWorkload {
  step(): Tensor;
  dispose(): void;
}

const normal = (shape: number[], seed: number, std = 1): Tensor => tf.randomNormal(shape, 0, std, 'float32', seed);

export function tfMatmul(n: number): TfWorkload {
  const a = normal([n, n], 1);
  const b = normal([n, n], 2);
  return { step: () => tf.matMul(a, b), dispose: () => tf.dispose([a, b]) };
}

interface ConvLayer {
  w: Tensor;
  b: Tensor;
}

function convStack(input: number[], params: ConvLayer[], apply: (x: Tensor, p: ConvLayer, i: number) => Tensor, grad: boolean): TfWorkload {
  const x = normal(input, 3);
  const forward = (ps: ConvLayer[]): Tensor => ps.reduce((y, p, i) => apply(y, p, i), x);
  const flat = params.flatMap((p) => [p.w, p.b]);
  const unflat = (ts: Tensor[]): ConvLayer[] => params.map((_, i) => ({ w: ts[2 * i], b: ts[2 * i + 1] }));
  const lossAndGrads = tf.valueAndGrads((...ts: Tensor[]) => tf.sum(forward(unflat(ts))));
  return {
    step: () => {
      if (!grad) return tf.tidy(() => forward(params));
      const { value, grads } = lossAndGrads(flat);
      tf.dispose(grads);
      return value;
    },
    dispose: () => tf.dispose([x, ...flat]),
  };
}

export function tfEncoder(grad: boolean, batch = BATCH): TfWorkload {
  const params = ENCODER.map((l, i) => ({ w: normal([l.k, l.k, l.cin, l.cout], 10 + i, 0.05), b: tf.zeros([l.cout]) }));
  const apply = (x: Tensor, p: ConvLayer): Tensor => tf.relu(tf.add(tf.conv2d(x as never, p.w as never, 2, 'valid'), p.b));
  return convStack([batch, 64, 64, 3], params, apply, grad);
}

export function tfDecoder(grad: boolean, batch = BATCH): TfWorkload {
  const params = DECODER.map((l, i) => ({ w: normal([l.k, l.k, l.cout, l.cin], 20 + i, 0.05), b: tf.zeros([l.cout]) }));
  const apply = (x: Tensor, p: ConvLayer, i: number): Tensor => {
    const l = DECODER[i];
    const size = (l.inSize - 1) * 2 + l.k;
    const y = tf.add(tf.conv2dTranspose(x as never, p.w as never, [batch, size, size, l.cout], 2, 'valid'), p.b);
    return i < DECODER.length - 1 ? tf.relu(y) : y;
  };
  return convStack([batch, 1, 1, 1024], params, apply, grad);
}

/** TF1 GRUBlockCell as in @dreamer/nn: gates [r | u] from [x, h]; candidate from [x, r∘h]. */
export function tfGru(batch = BATCH, inputs = 230, units = 200): TfWorkload {
  const x = normal([batch, inputs], 4);
  const h = normal([batch, units], 5);
  const params = [normal([inputs + units, 2 * units], 6, 0.05), tf.ones([2 * units]), normal([inputs + units, units], 7, 0.05), tf.zeros([units])];
  const cell = (kRu: Tensor, bRu: Tensor, kC: Tensor, bC: Tensor): Tensor => {
    const ru = tf.sigmoid(tf.add(tf.matMul(tf.concat([x, h], -1), kRu), bRu));
    const [r, u] = tf.split(ru, 2, -1);
    const c = tf.tanh(tf.add(tf.matMul(tf.concat([x, tf.mul(r, h)], -1), kC), bC));
    return tf.add(c, tf.mul(u, tf.sub(h, c)));
  };
  const lossAndGrads = tf.valueAndGrads((kRu: Tensor, bRu: Tensor, kC: Tensor, bC: Tensor) => tf.sum(cell(kRu, bRu, kC, bC)));
  return {
    step: () => {
      const { value, grads } = lossAndGrads(params);
      tf.dispose(grads);
      return value;
    },
    dispose: () => tf.dispose([x, h, ...params]),
  };
}

/** `n` chained negations of a 4-element tensor: one trivial dispatch each. */
export function tfChain(n: number): TfWorkload {
  const x = tf.ones([4]);
  return {
    step: () => {
      let y = tf.neg(x);
      for (let i = 1; i < n; i++) {
        const next = tf.neg(y);
        y.dispose();
        y = next;
      }
      return y;
    },
    dispose: () => x.dispose(),
  };
}
