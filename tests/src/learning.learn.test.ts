/**
 * Learning proof: Dreamer from proprio observations on cartpole_swingup, with a small model and
 * fixed seeds on the CPU backend, must reach an evaluation return ≥ 3× the random policy's mean
 * return, both measured here with the same env and wrappers. Two consecutive evaluation
 * episodes (policy mode, no noise) must both clear the bar, so one lucky episode is not enough.
 *
 * The curve (env steps, updates, seconds, return) goes to .vitest/learning-curve.json;
 * `node tools/plot-curve.ts` turns it into docs/learning/cartpole_swingup.png.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoopState, actionAdapter, createDreamer, makeTaskEnv, resolveConfig, trainLoop } from '@dreamer/agent';
import { Rng } from '@dreamer/envs';
import { setBackend } from '@dreamer/tensor';
import { expect, test } from 'vitest';

const TASK = 'cartpole_swingup';
/** Wall-clock budget of the training part (the test fails if the bar is not reached in it). */
const BUDGET_MS = Number(process.env.DREAMER_LEARN_BUDGET_MS ?? 13 * 60_000);
const RANDOM_EPISODES = 10;

export const LEARN_PARAMS = {
  tasks: [TASK],
  observation: 'proprio',
  backend: 'cpu',
  seed: 0,
  batch_shape: [8, 32],
  model_size: 64,
  state_size: 16,
  num_units: 64,
  encoder_units: 64,
  encoder_layers: 2,
  imagination_horizon: 12,
  num_seed_episodes: 2,
  num_seed_steps: 1000,
  // One 500-step episode and one evaluation every 25 updates (8 sequences each).
  train_steps: 200,
  collect_every: 200,
  max_steps: 1_000_000,
  model_lr: 1e-3,
  action_lr: 3e-4,
  value_lr: 3e-4,
};

test(`Dreamer learns ${TASK} from proprio: evaluation return ≥ 3× random`, async () => {
  await setBackend('cpu');
  const config = resolveConfig(LEARN_PARAMS);
  const env = await makeTaskEnv(config, TASK);
  const testEnv = await makeTaskEnv(config, TASK);

  const rng = new Rng(1234);
  const adapter = actionAdapter(env);
  let randomTotal = 0;
  for (let ep = 0; ep < RANDOM_EPISODES; ep++) {
    let ts = env.reset(rng.nextUint32());
    while (!ts.terminal && !ts.truncated) {
      ts = env.step(adapter.toEnv(adapter.random(rng)));
      randomTotal += ts.reward;
    }
  }
  const randomMean = randomTotal / RANDOM_EPISODES;
  const bar = 3 * randomMean;

  const dir = mkdtempSync(join(tmpdir(), 'learn-'));
  const agent = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: config.seed });
  const state: LoopState = { globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 };
  const curve: { envSteps: number; updates: number; seconds: number; return: number }[] = [];
  const start = performance.now();
  let reached = false;
  await trainLoop(config, env, testEnv, agent, agent.store, new Rng(config.seed), state, {
    onEpisode(kind, ret, _length, s) {
      if (kind !== 'test') return;
      curve.push({ envSteps: s.envSteps, updates: s.updates, seconds: (performance.now() - start) / 1000, return: ret });
      const last = curve.slice(-2);
      reached = last.length === 2 && last.every((p) => p.return >= bar);
      console.log(`learning: ${s.updates} updates, ${s.envSteps} env steps, ${curve.at(-1)!.seconds.toFixed(0)} s: eval return ${ret.toFixed(1)} (bar ${bar.toFixed(1)})`);
    },
    shouldStop: () => reached || performance.now() - start > BUDGET_MS,
  });
  mkdirSync('.vitest', { recursive: true });
  writeFileSync('.vitest/learning-curve.json', JSON.stringify({ task: TASK, randomMean, bar, params: LEARN_PARAMS, curve }, null, 1));
  agent.dispose();
  const best = Math.max(...curve.map((p) => p.return));
  console.log(`learning: random mean ${randomMean.toFixed(1)}, best eval ${best.toFixed(1)}, reached=${reached} after ${((performance.now() - start) / 1000).toFixed(0)} s`);
  expect(reached, `two consecutive evaluation returns ≥ ${bar.toFixed(1)} (3 × random ${randomMean.toFixed(1)}); best ${best.toFixed(1)}`).toBe(true);
}, BUDGET_MS + 5 * 60_000);
