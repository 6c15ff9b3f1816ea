import { resolveConfig, makeTaskEnv, createDreamer, trainLoop } from '@dreamer/agent';
import { Rng } from '@dreamer/envs';
import * as T from '@dreamer/tensor';
const backend = process.argv[2] ?? 'cpu';
const sizes = JSON.parse(process.argv[3] ?? '{}');
if (backend === 'webgpu') (await import('@dreamer/webgpu')).registerWebGPU();
await T.setBackend(backend);
const config = resolveConfig({ tasks: ['cartpole_swingup'], observation: 'proprio', backend, batch_shape: [16, 32], model_size: 64, state_size: 16, num_units: 64, encoder_units: 64, encoder_layers: 2, imagination_horizon: 10, num_seed_episodes: 1, num_seed_steps: 100, max_steps: 32, train_steps: 32, collect_every: 100000, ...sizes });
const env = await makeTaskEnv(config, 'cartpole_swingup');
const agent = await createDreamer(config, env, { episodeDir: '/tmp/exp-ep-' + process.pid, seed: 0 });
const state = { globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 };
await trainLoop({ ...config, max_steps: 0 }, env, env, agent, agent.store, new Rng(0), state);
const times = [];
for (let i = 0; i < 4; i++) { const t0 = performance.now(); await agent.train(); times.push(performance.now() - t0); }
let t0 = performance.now();
agent.reset();
const a = new Float32Array(1);
let ts = env.reset(0);
for (let i = 0; i < 50; i++) { await agent.act(ts.observation, a, 'sample'); }
const actMs = (performance.now() - t0) / 50;
console.log(backend, JSON.stringify(sizes), 'update ms', times.map((t) => t.toFixed(0)).join(' '), 'act ms', actMs.toFixed(1));
if (backend === 'webgpu') T.removeBackend('webgpu');
