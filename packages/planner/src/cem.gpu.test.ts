// The planner on WebGPU against the CPU backend: same keys, same draws (Philox), same model weights.
import { afterAll, describe, expect, it } from 'vitest';
import { RandomKey, type Tensor, randomNormal, removeBackend, setBackend, tensor, tidy } from '@dreamer/tensor';
import { registerWebGPU } from '@dreamer/webgpu';
import { worldModel } from '@dreamer/world-model';
import { cem, evaluatePlans, topKMask } from './cem.ts';
import { worldModelPlanningModel } from './world_model.ts';

registerWebGPU();
afterAll(async () => {
  await setBackend('cpu');
  removeBackend('webgpu');
});

const wm = worldModel({ proprio: { shape: [3], dtype: 'float32' } }, { kind: 'continuous', shape: [2] }, { observation: 'proprio', deter: 8, stoch: 4, hidden: 8, units: 8, encoderUnits: 8, pcont: false });
const config = { horizon: 4, iterations: 2, candidates: 64, topK: 8 };

/** Everything the comparison reads, computed on one backend. */
async function runOn(backend: string) {
  await setBackend(backend);
  const params = wm.init(RandomKey.fromSeed(0));
  const model = worldModelPlanningModel(wm, params);
  const state = tidy(() => ({ ...wm.rssm.initialState(1), deter: randomNormal(RandomKey.fromSeed(1), [1, 8]) }));
  const read = async (t: Tensor) => Array.from(await t.data());
  const scores = await read(evaluatePlans(model, state, randomNormal(RandomKey.fromSeed(2), [1, 16, 4, 2]), RandomKey.fromSeed(3)));
  const plan = cem(model, state, RandomKey.fromSeed(4), config);
  const mask = await read(topKMask(tensor([[3, 1, 2, 5], [1, 1, 1, 1], [Number.NaN, 0, -1, Number.NaN]]), 2));
  return { scores, action: await read(plan.action), mean: await read(plan.mean), mask };
}

describe('planner on WebGPU', () => {
  it('scores rollouts, ranks and plans as the CPU backend does', async () => {
    const cpu = await runOn('cpu');
    const gpu = await runOn('webgpu');
    gpu.scores.forEach((s, i) => expect(s).toBeCloseTo(cpu.scores[i], 4));
    expect(gpu.mask).toEqual(cpu.mask);
    expect(gpu.action.every((v) => v >= -1 && v <= 1)).toBe(true);
    // Same top-8 sets in both iterations (these draws have no near-ties), so the means agree to rounding.
    gpu.mean.forEach((m, i) => expect(Math.abs(m - cpu.mean[i])).toBeLessThan(1e-4));
  });
});
