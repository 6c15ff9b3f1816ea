import * as T from '@dreamer/tensor';
import { dreamer } from '@dreamer/behavior';
import { WebGPUBackend, formatProfile, registerWebGPU } from '@dreamer/webgpu';
import type { Env } from '@dreamer/envs';
import { dreamerOptions, resolveConfig } from '../src/index.ts';

const which = process.argv[2] ?? 'debug';
const backendName = process.argv[3] ?? 'webgpu';
const A = 6;
const env = { name: 'bench', observationSpec: { image: { shape: [64, 64, 3], dtype: 'uint8', low: 0, high: 255 } }, actionSpec: { kind: 'continuous', shape: [A], low: new Float32Array(A).fill(-1), high: new Float32Array(A).fill(1) } } as unknown as Env;
const config = resolveConfig({ defaults: which === 'debug' ? ['dreamer', 'debug'] : ['dreamer'] });
const d = dreamer(env.observationSpec, env.actionSpec as never, dreamerOptions(config, env));
if (backendName === 'webgpu') registerWebGPU();
const backend = await T.setBackend(backendName);
let params = d.init(T.RandomKey.fromSeed(0));
let opt = d.initOptState(params);
const [B, L] = config.batch_shape;
const k = T.RandomKey.fromSeed(1).split(3);
const batch = T.tidy(() => ({
  obs: { image: T.floor(T.randomUniform(k[0], [B, L, 64, 64, 3], { high: 256 })) },
  action: T.randomUniform(k[1], [B, L, A], { low: -1, high: 1 }),
  reward: T.randomUniform(k[2], [B, L]),
  discount: T.onesLike(T.zeros([B, L])),
}));
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const out = d.trainStep(params, opt, batch, T.RandomKey.fromSeed(10 + i));
  const t1 = performance.now();
  T.dispose([params, opt]);
  params = out.params; opt = out.optState;
  const m = await (await import('@dreamer/world-model')).readMetrics(out.metrics);
  console.log(i, 'encode', (t1 - t0).toFixed(0), 'total', (performance.now() - t0).toFixed(0), 'ms', m['objectives/model'], T.memory());
}
if (backend instanceof WebGPUBackend) {
  const prof = await backend.profile(async () => {
    const out = d.trainStep(params, opt, batch, T.RandomKey.fromSeed(99));
    T.dispose([params, opt]);
    params = out.params; opt = out.optState;
    await (await import('@dreamer/world-model')).readMetrics(out.metrics);
  });
  console.log(formatProfile(prof).split('\n').filter((l) => !/^\s*$/.test(l)).slice(-80).join('\n'));
}
