/**
 * Learning proof: Dreamer from proprio observations on cartpole_swingup, with a small model and
 * fixed seeds on the WebGPU backend (lavapipe in CI; DREAMER_LEARN_BACKEND=cpu runs it on the CPU
 * reference, whose rounding differs, so its curve does too), must reach an evaluation return ≥ 3× the random policy's mean
 * return, both measured here with the same env and wrappers. An evaluation episode (policy mode,
 * no noise) over the bar is confirmed by four more episodes of the same policy: their mean over
 * all five must clear the bar, so one lucky start is not enough.
 *
 * For context the test also measures every constant action in {0, ±¼, ±½, ±¾, ±1}: on this task
 * a steady push of ½ already scores about 3× random (the cart hits the end of the rail and the
 * pole swings), so the curve is printed against the best constant too.
 *
 * Configuration (beyond the small model): the seed's actor starts with a pre-tanh std of 5, i.e.
 * bang-bang random actions, and on this budget it collapses to a constant full push (≈ 75) in
 * every variant we tried; here the actor starts at std 1 (`action_init_std`), stays fixed for its
 * first 150 updates while the model and the value learn (`actor_warmup`), carries a small entropy
 * bonus (`action_entropy`), and is evaluated by tanh(mean) (`action_mode: analytic`).
 *
 * The curve (env steps, updates, seconds, return) goes to .vitest/learning-curve.json;
 * `node tools/plot-curve.ts` turns it into docs/learning/cartpole_swingup.png.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LoopState, actionAdapter, createDreamer, makeTaskEnv, resolveConfig, runEpisode, trainLoop } from '@dreamer/agent';
import { type Env, Rng } from '@dreamer/envs';
import { setBackend } from '@dreamer/tensor';
import { expect, test } from 'vitest';
import { LEARN_PARAMS, TASK } from './learn-params.ts';

/** Wall-clock budget of the training part (the test fails if the bar is not reached in it). */
const BUDGET_MS = Number(process.env.DREAMER_LEARN_BUDGET_MS ?? 13 * 60_000);
const RANDOM_EPISODES = 10;
const CONFIRM_EPISODES = 4;


function episodeReturn(env: Env, seed: number, act: (obs: Record<string, ArrayLike<number>>) => Float32Array): number {
  let ts = env.reset(seed);
  let total = 0;
  while (!ts.terminal && !ts.truncated) {
    ts = env.step(act(ts.observation as Record<string, ArrayLike<number>>));
    total += ts.reward;
  }
  return total;
}

test(`Dreamer learns ${TASK} from proprio: evaluation return ≥ 3× random`, async () => {
  // The WGSL kernels (lavapipe in CI); DREAMER_LEARN_BACKEND=cpu runs the same agent on the CPU reference.
  const backend = process.env.DREAMER_LEARN_BACKEND ?? 'webgpu';
  if (backend === 'webgpu') (await import('@dreamer/webgpu')).registerWebGPU();
  await setBackend(backend);
  // DREAMER_LEARN_PARAMS: JSON overrides, for experiments (the test's claim is about LEARN_PARAMS).
  const params = { ...LEARN_PARAMS, backend, ...JSON.parse(process.env.DREAMER_LEARN_PARAMS ?? '{}') };
  const config = resolveConfig(params);
  const env = await makeTaskEnv(config, TASK);
  const testEnv = await makeTaskEnv(config, TASK);

  const rng = new Rng(1234);
  const adapter = actionAdapter(env);
  let randomTotal = 0;
  for (let ep = 0; ep < RANDOM_EPISODES; ep++) randomTotal += episodeReturn(env, rng.nextUint32(), () => adapter.toEnv(adapter.random(rng)) as Float32Array);
  const randomMean = randomTotal / RANDOM_EPISODES;
  const bar = 3 * randomMean;
  const constants: Record<string, number> = {};
  for (const c of [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]) {
    let total = 0;
    for (let ep = 0; ep < 3; ep++) total += episodeReturn(env, 500 + ep, () => Float32Array.of(c));
    constants[String(c)] = total / 3;
  }
  const bestConstant = Math.max(...Object.values(constants));
  console.log(`learning: random mean ${randomMean.toFixed(1)} (bar ${bar.toFixed(1)}); constant actions ${Object.entries(constants).map(([c, r]) => `${c}: ${r.toFixed(0)}`).join(', ')}`);

  const dir = mkdtempSync(join(tmpdir(), 'learn-'));
  const agent = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: config.seed });
  const state: LoopState = { globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 };
  const curve: { envSteps: number; updates: number; seconds: number; return: number }[] = [];
  const confirmRng = new Rng(99);
  let confirmed: { updates: number; returns: number[] } | null = null;
  const start = performance.now();
  await trainLoop(config, env, testEnv, agent, agent.store, new Rng(config.seed), state, {
    async onEpisode(kind, ret, _length, s) {
      if (kind !== 'test') return;
      curve.push({ envSteps: s.envSteps, updates: s.updates, seconds: (performance.now() - start) / 1000, return: ret });
      console.log(`learning: ${s.updates} updates, ${s.envSteps} env steps, ${curve.at(-1)!.seconds.toFixed(0)} s: eval return ${ret.toFixed(1)} (bar ${bar.toFixed(1)})`);
      if (ret < bar) return;
      const returns = [ret];
      for (let i = 0; i < CONFIRM_EPISODES; i++) returns.push((await runEpisode(testEnv, agent, 'mode', config, confirmRng, s, false)).ret);
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      console.log(`learning: confirming at ${s.updates} updates: returns ${returns.map((r) => r.toFixed(1)).join(', ')}, mean ${mean.toFixed(1)}`);
      if (mean >= bar) confirmed = { updates: s.updates, returns };
    },
    shouldStop: () => confirmed !== null || performance.now() - start > BUDGET_MS,
  });
  const seconds = (performance.now() - start) / 1000;
  const out = process.env.DREAMER_LEARN_CURVE ?? '.vitest/learning-curve.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ task: TASK, randomMean, bar, constants, bestConstant, params, curve, confirmed, seconds }, null, 1));
  agent.dispose();
  const best = Math.max(...curve.map((p) => p.return));
  console.log(`learning: random mean ${randomMean.toFixed(1)}, best constant ${bestConstant.toFixed(1)}, best eval ${best.toFixed(1)}, confirmed=${JSON.stringify(confirmed)} after ${seconds.toFixed(0)} s`);
  expect(confirmed, `an evaluation ≥ ${bar.toFixed(1)} (3 × random ${randomMean.toFixed(1)}) confirmed by ${CONFIRM_EPISODES} more episodes; best ${best.toFixed(1)}`).not.toBeNull();
}, BUDGET_MS + 5 * 60_000);
