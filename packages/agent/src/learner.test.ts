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
