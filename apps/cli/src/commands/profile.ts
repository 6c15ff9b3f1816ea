/**
 * `dreamer profile`: where one training step of a config spends its time. Always the CPU-side
 * wall time per phase (env step, policy step, update, checkpoint); on WebGPU also the backend's
 * per-kernel GPU table over the updates. Works in a scratch directory; nothing of a run is touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as T from '@dreamer/tensor';
import { Rng } from '@dreamer/envs';
import { ConfigError, type Config, type LoopState, actionAdapter, createDreamer, makeTaskEnv, resolveConfig, runEpisode } from '@dreamer/agent';
import { ParamsError, collectParams } from '../params.ts';
import { TaskError, resolveTask } from '../tasks.ts';
import { useBackend } from '../backends.ts';
import { table } from './tasks.ts';

const DEFAULT_PARAMS = '{defaults: [dreamer, debug], tasks: [dummy]}';

const HELP = `Usage: pnpm dreamer profile [--params YAML] [options]

Times one training step of a config (default ${DEFAULT_PARAMS}) on its backend
(webgpu unless --set backend=cpu): CPU-side wall time per phase, and on WebGPU the per-kernel
GPU time of the updates (by timestamp queries where the adapter has them).
  --params YAML       the seed's params, as for train
  --configs A,B       presets to add
  --task NAME         the task
  --set KEY=VALUE     override one param (repeatable)
  --steps N           updates to time after a warm-up update (default 1)
  --timing T          WebGPU timing: timestamp or cpu (default: timestamp when available)
  --help              this help`;

interface ProfileBackend {
  profile(fn: () => unknown, options?: { timing?: 'timestamp' | 'cpu' }): Promise<unknown>;
}

class Timer {
  readonly rows = new Map<string, { calls: number; ms: number }>();

  async time<R>(phase: string, fn: () => Promise<R> | R, calls = 1): Promise<R> {
    const t0 = performance.now();
    const out = await fn();
    const row = this.rows.get(phase) ?? { calls: 0, ms: 0 };
    row.calls += calls;
    row.ms += performance.now() - t0;
    this.rows.set(phase, row);
    return out;
  }

  format(): string {
    const rows = [...this.rows].map(([phase, r]) => [phase, String(r.calls), r.ms.toFixed(1), (r.ms / r.calls).toFixed(2)]);
    return table([['phase (CPU-side wall time)', 'calls', 'total ms', 'mean ms'], ...rows]);
  }
}

export async function profile(argv: string[]): Promise<number> {
  let values;
  let config: Config;
  let steps: number;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        params: { type: 'string' },
        configs: { type: 'string' },
        task: { type: 'string' },
        set: { type: 'string', multiple: true },
        steps: { type: 'string', default: '1' },
        timing: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    steps = Number(values.steps);
    if (!Number.isInteger(steps) || steps < 1) throw new ParamsError(`--steps: got "${values.steps}", expected a positive integer`);
    if (values.timing !== undefined && values.timing !== 'timestamp' && values.timing !== 'cpu') throw new ParamsError(`--timing: got "${values.timing}", expected timestamp or cpu`);
    const params = collectParams({ params: values.params ?? (values.configs ? undefined : DEFAULT_PARAMS), configs: values.configs, task: values.task, set: values.set });
    config = resolveConfig(params);
    config.tasks = [resolveTask(config.tasks[0]).task];
  } catch (e) {
    const badFlag = String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (badFlag || e instanceof ParamsError || e instanceof ConfigError || e instanceof TaskError) {
      console.error(`dreamer profile: ${(e as Error).message}${badFlag ? `\n\n${HELP}` : ''}`);
      return 2;
    }
    throw e;
  }
  const backend = await useBackend(config.backend);
  const scratch = mkdtempSync(join(tmpdir(), 'dreamer-profile-'));
  try {
    await run(config, steps, values.timing as 'timestamp' | 'cpu' | undefined, backend as unknown as Partial<ProfileBackend>, scratch);
    return 0;
  } catch (e) {
    console.error(`dreamer profile: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    T.removeBackend(config.backend);
  }
}

async function run(config: Config, steps: number, timing: 'timestamp' | 'cpu' | undefined, backend: Partial<ProfileBackend>, scratch: string): Promise<void> {
  const task = config.tasks[0];
  const [batch, length] = config.batch_shape;
  console.log(`dreamer profile: task ${task} · backend ${config.backend} · batch ${batch}×${length} · model ${config.model_size}/${config.state_size} · cnn depth ${config.cnn_depth}`);
  const timer = new Timer();
  const env = await makeTaskEnv(config, task);
  const agent = await createDreamer(config, env, { episodeDir: join(scratch, 'episodes'), seed: config.seed });
  const rng = new Rng(config.seed);
  const state: LoopState = { globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 };
  try {
    // Enough random data that a [batch, length] sample exists (an episode longer than `length`).
    let longest = 0;
    for (let i = 0; longest <= length; i++) {
      if (i === 50) throw new Error(`${task}: 50 random episodes, none longer than ${length} steps; lower batch_shape[1]`);
      const { steps: ep } = await timer.time('env step (random actions)', () => runEpisode(env, null, 'random', config, rng, state, true), 0);
      timer.rows.get('env step (random actions)')!.calls += ep.length - 1;
      await agent.store.addEpisode(ep);
      longest = Math.max(longest, ep.length);
    }
    const adapter = actionAdapter(env);
    let ts = env.reset(rng.nextUint32());
    let prev: Float32Array = new Float32Array(adapter.size);
    agent.reset();
    for (let i = 0; i < 10 && !ts.terminal && !ts.truncated; i++) {
      const obs = ts.observation;
      const action = await timer.time('policy step (act)', () => agent.act(obs, prev, 'sample'));
      ts = env.step(adapter.toEnv(action));
      prev = action;
    }
    await timer.time('update (first: builds kernels, warms caches)', () => agent.train());
    for (let i = 0; i < steps; i++) await timer.time('update (sample + train step)', () => agent.train());
    await timer.time('checkpoint save', () => agent.save(join(scratch, 'checkpoint.safetensors'), { loop: state, rng: rng.getState() }));
    console.log('');
    console.log(timer.format());
    if (typeof backend.profile === 'function') {
      const { formatProfile } = await import('@dreamer/webgpu');
      const result = await backend.profile(async () => {
        for (let i = 0; i < steps; i++) await agent.train();
      }, timing ? { timing } : {});
      console.log('');
      console.log(formatProfile(result as Parameters<typeof formatProfile>[0], { title: `GPU time of ${steps} update${steps > 1 ? 's' : ''} (sample + train step), by kernel:` }));
    } else if (config.backend !== 'cpu') {
      console.log(`\n(the ${config.backend} backend has no kernel profiler; only the CPU-side times above)`);
    }
  } finally {
    agent.dispose();
    env.close();
  }
}
