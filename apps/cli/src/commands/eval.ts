/**
 * `dreamer eval`: loads a run's config.yaml and checkpoint and runs its policy for N episodes
 * (the policy's mode, as the seed's test phase), printing each return and the mean, writing a
 * GIF per episode and eval.json. Training state is only read: eval may run beside a live run.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import * as T from '@dreamer/tensor';
import { Rng } from '@dreamer/envs';
import { ConfigError, type Config, type LoopState, FrameRecorder, createDreamer, makeTaskEnv, resolveConfig, runEpisode } from '@dreamer/agent';
import { ParamsError, parseSetting } from '../params.ts';
import { atomicWriteFile } from '../run/atomic.ts';
import { writeGif } from '../log/media.ts';
import { TaskError, resolveTask } from '../tasks.ts';
import { useBackend } from '../backends.ts';

const HELP = `Usage: pnpm dreamer eval --logdir RUN [options]

Runs a trained run's policy for N episodes and reports the returns.
  --logdir RUN        a run directory (e.g. ./logdir/debug/00001), or a logdir holding one run
  --checkpoint FILE   the checkpoint to load (default RUN/checkpoint.safetensors)
  --episodes N        episodes to run (default 1)
  --policy P          mode (default, as the seed's test phase) or sample
  --task NAME         another task with the same spaces (default: the run's own)
  --set KEY=VALUE     override a value of the run's config (repeatable), e.g. --set backend=cpu
  --seed N            seed of the episodes (default: the config's seed + 1000)
  --out DIR           where the videos and eval.json go (default RUN/eval)
  --no-video          no GIFs
  --help              this help

Writes OUT/episode-001.gif, … and OUT/eval.json (returns, lengths, mean, the checkpoint's update).
Exit codes: 0 done, 1 the evaluation failed, 2 bad usage.`;

class UsageError extends Error {}

/** The run directory: RUN itself, or the one run of a logdir. */
function findRun(path: string): string {
  if (existsSync(join(path, 'config.yaml'))) return path;
  if (!existsSync(path)) throw new UsageError(`--logdir: ${path} does not exist`);
  const runs = readdirSync(path).filter((n) => /^\d{5}$/.test(n) && existsSync(join(path, n, 'config.yaml')));
  if (runs.length === 1) return join(path, runs[0]);
  if (runs.length === 0) throw new UsageError(`--logdir: ${path} has no config.yaml and no run directories (00001, …); pass a run directory`);
  throw new UsageError(`--logdir: ${path} holds ${runs.length} runs (${runs.join(', ')}); pass one, e.g. --logdir ${join(path, runs[0])}`);
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: got "${text}", expected a positive integer`);
  return n;
}

export async function evaluate(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        logdir: { type: 'string' },
        checkpoint: { type: 'string' },
        episodes: { type: 'string', default: '1' },
        policy: { type: 'string', default: 'mode' },
        task: { type: 'string' },
        set: { type: 'string', multiple: true },
        seed: { type: 'string' },
        out: { type: 'string' },
        'no-video': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`dreamer eval: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let run: string;
  let config: Config;
  let checkpoint: string;
  let episodes: number;
  let seed: number;
  const policy = values.policy;
  try {
    if (!values.logdir) throw new UsageError('--logdir is required (a run directory, e.g. --logdir ./logdir/debug/00001)');
    if (policy !== 'mode' && policy !== 'sample') throw new UsageError(`--policy: got "${policy}", expected mode or sample`);
    run = findRun(resolve(values.logdir));
    const params = parse(readFileSync(join(run, 'config.yaml'), 'utf8')) as Record<string, unknown>;
    for (const s of values.set ?? []) {
      const [k, v] = parseSetting(s);
      params[k] = v;
    }
    config = resolveConfig(params);
    if (values.task) {
      const { task, note } = resolveTask(values.task);
      if (note) console.log(`dreamer eval: ${note}`);
      config.tasks = [task];
    } else config.tasks = [resolveTask(config.tasks[0]).task];
    checkpoint = values.checkpoint ? resolve(values.checkpoint) : join(run, 'checkpoint.safetensors');
    if (!existsSync(checkpoint)) {
      throw new UsageError(`no checkpoint at ${checkpoint}: training writes one every checkpoint_every (${config.checkpoint_every}) updates and at the end`);
    }
    episodes = positiveInt('--episodes', values.episodes);
    seed = values.seed === undefined ? config.seed + 1000 : Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed: got "${values.seed}", expected a non-negative integer`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ParamsError || e instanceof ConfigError || e instanceof TaskError) {
      console.error(`dreamer eval: ${e.message}`);
      return 2;
    }
    throw e;
  }
  try {
    await runEval({ run, config, checkpoint, episodes, seed, policy, out: values.out ? resolve(values.out) : join(run, 'eval'), video: !values['no-video'] });
    return 0;
  } catch (e) {
    console.error(`dreamer eval: ${(e as Error).message}`);
    return 1;
  }
}

interface EvalOptions {
  run: string;
  config: Config;
  checkpoint: string;
  episodes: number;
  seed: number;
  policy: 'mode' | 'sample';
  out: string;
  video: boolean;
}

async function runEval(o: EvalOptions): Promise<void> {
  const { config } = o;
  await useBackend(config.backend);
  const task = config.tasks[0];
  const base = await makeTaskEnv(config, task);
  const recorder = o.video ? new FrameRecorder(base, { size: config.render_size, camera: config.camera_id }) : null;
  const env = recorder ?? base;
  // The agent opens a replay on its episode directory: an empty scratch one, so the run's episodes are not loaded.
  const scratch = mkdtempSync(join(tmpdir(), 'dreamer-eval-'));
  const agent = await createDreamer(config, env, { episodeDir: scratch, seed: config.seed });
  try {
    const { loop } = await agent.load(o.checkpoint);
    console.log(`dreamer eval: ${o.run} · task ${task} · checkpoint at update ${loop.updates} (${loop.envSteps} env steps) · backend ${config.backend} · policy ${o.policy}`);
    mkdirSync(o.out, { recursive: true });
    const rng = new Rng(o.seed);
    const state: LoopState = { ...loop };
    const results: { return: number; length: number; video: string | null }[] = [];
    for (let i = 1; i <= o.episodes; i++) {
      const { steps, ret } = await runEpisode(env, agent, o.policy, config, rng, state, false);
      let video: string | null = null;
      const frames = recorder?.take() ?? [];
      if (recorder && frames.length > 0) {
        video = join(o.out, `episode-${String(i).padStart(3, '0')}.gif`);
        writeGif(video, frames, recorder.shape);
      }
      results.push({ return: ret, length: steps.length - 1, video });
      console.log(`episode ${i}/${o.episodes}: return ${ret.toFixed(2)} · length ${steps.length - 1}${video ? ` · ${video}` : ''}`);
    }
    const returns = results.map((r) => r.return);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
    const report = {
      run: o.run,
      checkpoint: o.checkpoint,
      task,
      policy: o.policy,
      seed: o.seed,
      updates: loop.updates,
      global_step: loop.globalStep,
      env_steps: loop.envSteps,
      episodes: results,
      mean_return: mean,
      std_return: std,
      time: new Date().toISOString(),
    };
    atomicWriteFile(join(o.out, 'eval.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`mean return ${mean.toFixed(2)} ± ${std.toFixed(2)} over ${o.episodes} episode${o.episodes > 1 ? 's' : ''} · ${join(o.out, 'eval.json')}`);
  } finally {
    agent.dispose();
    env.close();
    rmSync(scratch, { recursive: true, force: true });
    T.removeBackend(config.backend);
  }
}
