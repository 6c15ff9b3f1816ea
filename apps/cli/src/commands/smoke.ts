/** `dreamer smoke`: a one-minute end-to-end check of the tensor engine on the chosen backend. */
import { parseArgs } from 'node:util';
import * as T from '@dreamer/tensor';
import { BACKENDS, isBackendName, useBackend } from '../backends.ts';

const HELP = `Usage: pnpm dreamer smoke [--steps N] [--seed N] [--backend NAME]

Fits y = sin(x) with a 1-32-1 tanh MLP trained by gradient descent and prints the loss.
  --steps N        training steps (default 300)
  --seed N         random seed (default 0)
  --backend NAME   tensor backend: cpu (default), webgpu or gpujs`;

const LR = 0.02;

export async function smoke(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        steps: { type: 'string', default: '300' },
        seed: { type: 'string', default: '0' },
        backend: { type: 'string', default: 'cpu' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`dreamer smoke: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const steps = Number(values.steps);
  const seed = Number(values.seed);
  if (!Number.isInteger(steps) || steps < 1) {
    console.error(`dreamer smoke: --steps must be a positive integer, got "${values.steps}"`);
    return 2;
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    console.error(`dreamer smoke: --seed must be a non-negative integer, got "${values.seed}"`);
    return 2;
  }
  const backend = values.backend;
  if (!isBackendName(backend)) {
    console.error(`dreamer smoke: --backend must be one of ${BACKENDS.join(', ')}, got "${backend}"`);
    return 2;
  }
  try {
    await useBackend(backend);
  } catch (e) {
    console.error(`dreamer smoke: ${(e as Error).message}`);
    return 2;
  }
  try {
    return await fit(steps, seed);
  } finally {
    // Release the device so the process can exit (Dawn keeps Node alive while one is open).
    if (values.backend !== 'cpu') T.removeBackend(values.backend);
    T.setBackendSync('cpu');
  }
}

async function fit(steps: number, seed: number): Promise<number> {

  const [k1, k2] = T.RandomKey.fromSeed(seed).split(2);
  const x = T.reshape(T.linspace(-Math.PI, Math.PI, 64), [64, 1]);
  const y = T.sin(x);
  let params = {
    w1: T.randomNormal(k1, [1, 32]),
    b1: T.zeros([32]),
    w2: T.randomNormal(k2, [32, 1], { std: 1 / Math.sqrt(32) }),
    b2: T.zeros([1]),
  };
  type P = typeof params;
  const loss = (p: P) => T.mean(T.square(T.sub(T.add(T.matmul(T.tanh(T.add(T.matmul(x, p.w1), p.b1)), p.w2), p.b2), y)));
  const start = performance.now();
  let first = NaN;
  let last = NaN;
  for (let step = 0; step < steps; step++) {
    const { value, grads } = T.valueAndGrad(loss, params);
    if (step === 0) first = (await value.data())[0];
    if (step === steps - 1) last = (await value.data())[0];
    const next = T.tidy(() => ({
      w1: T.sub(params.w1, T.mul(grads.w1, LR)),
      b1: T.sub(params.b1, T.mul(grads.b1, LR)),
      w2: T.sub(params.w2, T.mul(grads.w2, LR)),
      b2: T.sub(params.b2, T.mul(grads.b2, LR)),
    }));
    T.dispose([params, grads, value]);
    params = next;
  }
  const seconds = (performance.now() - start) / 1000;
  T.dispose([params, x, y]);
  console.log(`backend ${T.getBackend().name}: MLP loss ${first.toFixed(4)} -> ${last.toFixed(4)} in ${steps} steps (${(steps / seconds).toFixed(0)} steps/s)`);
  if (!(last < first)) {
    console.error('dreamer smoke: FAILED — the loss did not fall');
    return 1;
  }
  console.log('smoke: ok');
  return 0;
}
