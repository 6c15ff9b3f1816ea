import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@dreamer/envs';
import { memory } from '@dreamer/tensor';
import { flattenParams } from '@dreamer/nn';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { makeTaskEnv } from './envs.ts';
import { createDreamer } from './learner.ts';
import { type LoopState, trainLoop } from './loop.ts';

const fresh = (): LoopState => ({ globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 });

describe('Dreamer learner', () => {
  it('trains the seed test configuration on dummy, checkpoints and restores exactly', async () => {
    // The seed's tests/test_dreamer.py: [dreamer, debug] + dummy with max_steps 30 and H = 3.
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], max_steps: 10, imagination_horizon: 3, backend: 'cpu' });
    const env = await makeTaskEnv(config, 'dummy');
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    const agent = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: 0 });
    const losses: Record<string, number>[] = [];
    const state = await trainLoop(config, env, env, agent, agent.store, new Rng(0), fresh(), { onUpdate: (m) => void losses.push(m) });
    expect(state.updates).toBe(2);
    for (const m of losses) {
      for (const key of ['objectives/model', 'objectives/action', 'objectives/value', 'objectives/image', 'objectives/divergence']) {
        expect(Number.isFinite(m[key]), key).toBe(true);
      }
    }
    const path = join(dir, 'checkpoint.safetensors');
    await agent.save(path, { loop: state, rng: [1, 2, 3, 4] });
    const tensorsBefore = memory().tensors;
    const other = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: 1 });
    expect(other.store.numEpisodes).toBe(agent.store.numEpisodes);
    const extra = await other.load(path);
    expect(extra.loop).toEqual(state);
    const a = flattenParams(agent.params);
    const b = new Map(flattenParams(other.params));
    for (const [name, t] of a) expect(Array.from(await b.get(name)!.data()), name).toEqual(Array.from(await t.data()));
    other.dispose();
    expect(memory().tensors).toBe(tensorsBefore);
    agent.dispose();
  }, 120_000);
});

describe('PlaNet mode', () => {
  it('acts by CEM and trains only the world model (planet preset on dummy)', async () => {
    const config = resolveConfig({
      defaults: ['planet', 'debug'],
      tasks: ['dummy'],
      max_steps: 10,
      backend: 'cpu',
      cnn_depth: 4,
      planner_horizon: 3,
      cem_iterations: 2,
      cem_amount: 16,
      cem_topk: 4,
    });
    const env = await makeTaskEnv(config, 'dummy');
    const agent = await createDreamer(config, env, { episodeDir: join(mkdtempSync(join(tmpdir(), 'planet-')), 'episodes'), seed: 0 });
    const actorBefore = flattenParams(agent.params.actor).map(([, t]) => t);
    const metrics: Record<string, number>[] = [];
    const state = await trainLoop(config, env, env, agent, agent.store, new Rng(0), fresh(), { onUpdate: (m) => void metrics.push(m) });
    expect(state.updates).toBe(2);
    expect(Number.isFinite(metrics[1]['objectives/model'])).toBe(true);
    expect(metrics[1]['objectives/action']).toBeUndefined();
    // The actor is never trained in PlaNet mode: its tensors are the very same ones.
    expect(flattenParams(agent.params.actor).map(([, t]) => t)).toEqual(actorBefore);
    const action = await agent.act((await makeTaskEnv(config, 'dummy')).reset(0).observation, new Float32Array(5), 'mode');
    expect(action.length).toBe(5);
    expect(Math.max(...action.map(Math.abs))).toBeLessThanOrEqual(1);
    agent.dispose();
  }, 120_000);

  it('trains on a control task: cartpole_swingup from proprio, CEM actions in the box', async () => {
    // debug's action repeat 50 keeps an episode at 20 agent steps (1000 physics steps).
    const config = resolveConfig({
      defaults: ['planet', 'debug'],
      tasks: ['cartpole_swingup'],
      observation: 'proprio',
      max_steps: 10,
      backend: 'cpu',
      planner_horizon: 3,
      cem_iterations: 2,
      cem_amount: 16,
      cem_topk: 4,
    });
    expect(config).toMatchObject({ train_planner: 'cem', test_planner: 'cem', planner_objective: 'reward', action_head: false, value_head: false, imagination_horizon: 0 });
    const env = await makeTaskEnv(config, 'cartpole_swingup');
    expect(Object.keys(env.observationSpec)).toEqual(['position', 'velocity']);
    const agent = await createDreamer(config, env, { episodeDir: join(mkdtempSync(join(tmpdir(), 'planet-cartpole-')), 'episodes'), seed: 0 });
    const metrics: Record<string, number>[] = [];
    const episodes: string[] = [];
    const state = await trainLoop(config, env, await makeTaskEnv(config, 'cartpole_swingup'), agent, agent.store, new Rng(0), fresh(), {
      onUpdate: (m) => void metrics.push(m),
      onEpisode: (kind) => void episodes.push(kind),
    });
    expect(state.updates).toBe(2);
    // The train episode (collected at 10 sequences) and the test episode both act by CEM.
    expect(episodes).toEqual(['prefill', 'train', 'test']);
    for (const m of metrics) {
      for (const key of ['objectives/model', 'objectives/position', 'objectives/velocity', 'objectives/reward', 'objectives/divergence']) expect(Number.isFinite(m[key]), key).toBe(true);
      expect(m['objectives/action']).toBeUndefined();
      expect(m['objectives/value']).toBeUndefined();
    }
    agent.reset();
    const obs = env.reset(3).observation;
    const action = await agent.act(obs, new Float32Array(1), 'mode');
    expect(action).toHaveLength(1);
    expect(Math.abs(action[0])).toBeLessThanOrEqual(1);
    agent.dispose();
  }, 120_000);
});

describe('actor_warmup', () => {
  it('keeps the actor fixed for the first updates while the model and value learn, and survives a checkpoint', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['cartpole_swingup'], observation: 'proprio', actor_warmup: 2, action_entropy: 0.01, action_mode: 'analytic', max_steps: 10, imagination_horizon: 3, backend: 'cpu' });
    const env = await makeTaskEnv(config, 'cartpole_swingup');
    const dir = mkdtempSync(join(tmpdir(), 'warmup-'));
    const agent = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: 0 });
    const snapshot = async (tree: Parameters<typeof flattenParams>[0]) => new Map(await Promise.all(flattenParams(tree).map(async ([n, t]) => [n, Array.from(await t.data())] as const)));
    const actorBefore = await snapshot(agent.params.actor);
    const valueBefore = await snapshot(agent.params.value);
    const metrics: Record<string, number>[] = [];
    const state = await trainLoop(config, env, env, agent, agent.store, new Rng(0), fresh(), { onUpdate: (m) => void metrics.push(m) });
    expect(state.updates).toBe(2);
    for (const m of metrics) {
      expect(m['optimizer_action/grad_norm']).toBeUndefined();
      expect(Number.isFinite(m['objectives/action'])).toBe(true);
      expect(Number.isFinite(m['optimizer_value/grad_norm'])).toBe(true);
    }
    expect(await snapshot(agent.params.actor)).toEqual(actorBefore);
    expect(await snapshot(agent.params.value)).not.toEqual(valueBefore);
    // The update count is part of the checkpoint: a reloaded agent's next update trains the actor.
    const path = join(dir, 'checkpoint.safetensors');
    await agent.save(path, { loop: state, rng: [1] });
    const again = await createDreamer(config, env, { episodeDir: join(dir, 'episodes'), seed: 0 });
    await again.load(path);
    const m = await again.train();
    expect(m['optimizer_action/grad_norm']).toBeGreaterThan(0);
    expect(Number.isFinite(m['behavior/action_entropy'])).toBe(true);
    expect(await snapshot(again.params.actor)).not.toEqual(actorBefore);
    agent.dispose();
    again.dispose();
  }, 120_000);
});

describe('value_head: False', () => {
  it('trains the dreamer preset without a value network on a control task (cartpole_swingup, proprio)', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['cartpole_swingup'], observation: 'proprio', value_head: false, max_steps: 10, imagination_horizon: 3, backend: 'cpu' });
    expect(config).toMatchObject({ action_head: true, value_head: false, train_planner: 'policy_sample' });
    const env = await makeTaskEnv(config, 'cartpole_swingup');
    const agent = await createDreamer(config, env, { episodeDir: join(mkdtempSync(join(tmpdir(), 'novalue-')), 'episodes'), seed: 0 });
    const valueBefore = flattenParams(agent.params.value).map(([, t]) => t);
    const actorBefore = new Map(await Promise.all(flattenParams(agent.params.actor).map(async ([n, t]) => [n, Array.from(await t.data())] as const)));
    const metrics: Record<string, number>[] = [];
    const state = await trainLoop(config, env, env, agent, agent.store, new Rng(0), fresh(), { onUpdate: (m) => void metrics.push(m) });
    expect(state.updates).toBe(2);
    for (const m of metrics) {
      expect(Number.isFinite(m['objectives/model'])).toBe(true);
      expect(Number.isFinite(m['objectives/action'])).toBe(true);
      expect(m['objectives/value']).toBeUndefined();
    }
    expect(flattenParams(agent.params.value).map(([, t]) => t)).toEqual(valueBefore);
    // The actor did learn (from the imagined rewards alone).
    let moved = false;
    for (const [n, t] of flattenParams(agent.params.actor)) if (Array.from(await t.data()).some((v, i) => v !== actorBefore.get(n)![i])) moved = true;
    expect(moved).toBe(true);
    agent.dispose();
  }, 120_000);
});

describe('the actor preset (no value head)', () => {
  it('trains the actor on imagined rewards alone and leaves the value network untouched', async () => {
    const config = resolveConfig({ defaults: ['actor', 'debug'], tasks: ['dummy'], max_steps: 10, imagination_horizon: 3, backend: 'cpu', cnn_depth: 4 });
    const env = await makeTaskEnv(config, 'dummy');
    const agent = await createDreamer(config, env, { episodeDir: join(mkdtempSync(join(tmpdir(), 'actor-')), 'episodes'), seed: 0 });
    const valueBefore = flattenParams(agent.params.value).map(([, t]) => t);
    const metrics: Record<string, number>[] = [];
    await trainLoop(config, env, env, agent, agent.store, new Rng(0), fresh(), { onUpdate: (m) => void metrics.push(m) });
    expect(Number.isFinite(metrics[1]['objectives/action'])).toBe(true);
    expect(metrics[1]['objectives/value']).toBeUndefined();
    expect(flattenParams(agent.params.value).map(([, t]) => t)).toEqual(valueBefore);
    agent.dispose();
  }, 120_000);
});
