/**
 * CEM plans per second on a world model of the seed's sizes (deter 200, stoch 30, hidden 200,
 * reward head 2 × 400, a 6-dim action), from one posterior-like state, on the CPU backend and on
 * WebGPU. Planning runs in latent space, so the observation encoder does not matter (proprio here).
 *
 *   node bench/cem.ts [plans] [backends] [candidates] [iterations]      (defaults 2, cpu,webgpu, 1000, 10)
 *
 * Each backend first plans once with one iteration, untimed (WebGPU compiles its pipelines then), then `plans` times,
 * each ending with a read of the action (the flush a caller pays). Prints a markdown table.
 */
import { RandomKey, Tensor, type TensorTree, dispose, randomNormal, removeBackend, setBackend, tidy } from '@dreamer/tensor';
import { worldModel } from '@dreamer/world-model';
import { PLANNER_DEFAULTS, createPlannerPolicy } from '../src/index.ts';

const plans = Number(process.argv[2] ?? 2);
const backends = (process.argv[3] ?? 'cpu,webgpu').split(',');
const candidates = Number(process.argv[4] ?? PLANNER_DEFAULTS.candidates);
const iterations = Number(process.argv[5] ?? PLANNER_DEFAULTS.iterations);
const { horizon } = PLANNER_DEFAULTS;
const actions = 6;

const wm = worldModel({ proprio: { shape: [24], dtype: 'float32' } }, { kind: 'continuous', shape: [actions] }, { observation: 'proprio', pcont: false });
const topK = Math.min(PLANNER_DEFAULTS.topK, candidates);
const policy = createPlannerPolicy(wm, { candidates, iterations, topK });
// Same shapes, one iteration: enough to compile every WebGPU pipeline.
const warmupPolicy = createPlannerPolicy(wm, { candidates, iterations: 1, topK });

const weights = (tree: TensorTree): number =>
  tree instanceof Tensor ? (tree.shape.length > 1 ? tree.size : 0) : Object.values(tree).reduce((s: number, t) => s + weights(t as TensorTree), 0);

const rows: string[] = [];
for (const name of backends) {
  if (name === 'webgpu') (await import('@dreamer/webgpu')).registerWebGPU();
  await setBackend(name);
  const params = wm.init(RandomKey.fromSeed(0));
  // One multiply-add per weight of the prior (not the posterior) and the reward head, per candidate and step.
  const { post_hidden0: _, post_mean: __, post_std: ___, ...prior } = params.rssm;
  const flopsPerPlan = 2 * (weights(prior) + weights(params.heads.reward)) * candidates * horizon * iterations;
  const state = tidy(() => {
    const [a, b] = RandomKey.fromSeed(1).split(2);
    return { ...wm.rssm.initialState(1), stoch: randomNormal(a, [1, wm.rssm.stoch]), deter: randomNormal(b, [1, wm.rssm.deter]) };
  });
  const planOnce = async (i: number, p = policy): Promise<number> => {
    const t0 = performance.now();
    const action: Tensor = p.act({ model: params }, state, RandomKey.fromSeed(10 + i));
    await action.data();
    action.dispose();
    return (performance.now() - t0) / 1000;
  };
  const warmup = await planOnce(-1, warmupPolicy);
  const times: number[] = [];
  for (let i = 0; i < plans; i++) times.push(await planOnce(i));
  const best = Math.min(...times);
  const sorted = [...times].sort((x, y) => x - y);
  const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
  rows.push(
    `| ${name} | ${horizon}·${iterations}·${candidates} | ${warmup.toFixed(2)} | ${median.toFixed(2)} | ${best.toFixed(2)} | ${(1 / median).toFixed(3)} | ${((candidates * horizon * iterations) / median / 1000).toFixed(0)} | ${(flopsPerPlan / median / 1e9).toFixed(2)} |`,
  );
  console.error(`${name}: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
  dispose([params, state]);
  if (name === 'webgpu') {
    await setBackend('cpu');
    removeBackend('webgpu');
  }
}

console.log(`\nCEM, world model deter 200 / stoch 30 / hidden 200, reward head 2 × 400, A = ${actions}; ${plans} timed plans per backend\n`);
console.log('| backend | H·iters·candidates | warm-up, 1 iteration (s) | median (s) | best (s) | plans/s | k candidate-steps/s | GFLOP/s (prior + reward head) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
