/**
 * `dreamer train`: the seed's train script. Claims a run directory, writes config.yaml, builds
 * the task's envs, the replay store and the agent, restores the last checkpoint if there is one,
 * and runs the loop, logging metrics.jsonl and TensorBoard events and checkpointing atomically.
 * Ctrl-C (SIGINT/SIGTERM) finishes the current update, checkpoints, and exits resumable.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ConfigError, type Config, dreamerOptions, makeTaskEnv, resolveConfig } from '@dreamer/agent';
import { claimRun, type RunClaim } from '../run/claim.ts';
import { collectParams, ParamsError } from '../params.ts';
import { runTraining } from '../training.ts';
import { startLine } from '../log/summary.ts';
import { TaskError, resolveTask } from '../tasks.ts';

/**
 * Builds the task's env and the agent's options once before claiming a run, so a config that
 * cannot work (continuous actor on a discrete game, say) is a usage error, not a FAIL run.
 */
async function preflight(config: Config): Promise<void> {
  try {
    const env = await makeTaskEnv(config, config.tasks[0]);
    try {
      dreamerOptions(config, env);
    } finally {
      env.close();
    }
  } catch (e) {
    throw e instanceof ConfigError ? e : new ConfigError((e as Error).message);
  }
}

const HELP = `Usage: pnpm dreamer train --logdir DIR [--params YAML] [options]

Trains Dreamer (or a preset's variant) on a task; re-running the same command resumes.
  --logdir DIR        where runs go: DIR/00001, DIR/00002, … (required)
  --params YAML       the seed's params, e.g. '{defaults: [dreamer, debug], tasks: [dummy]}'
  --configs A,B       presets to apply after --params' defaults (dreamer, actor, planet, debug, pcont, discrete, atari)
  --task NAME         the task (same as tasks: [NAME]); see 'pnpm dreamer tasks' (atari_<game> runs a stand-in)
  --set KEY=VALUE     override one param (repeatable), e.g. --set batch_shape=[16,50]
  --backend NAME      tensor backend: webgpu (default), cpu or gpujs (same as --set backend=NAME)
  --num_runs N        runs to do in this logdir (default 1)
  --resume_runs B     resume runs already started (default True)
  --quiet             no progress bar; one summary line per log interval (for CI and logs)
  --help              this help

Writes to the run directory: config.yaml, checkpoint.safetensors, metrics.jsonl, events/
(TensorBoard), train_episodes/*.npz, videos/test-<step>.gif, openloop/<step>.png, and
DONE (or FAIL) at the end. Ctrl-C saves a checkpoint and exits with code 130; re-run to resume.
Exit codes: 0 done, 1 a run failed, 2 bad usage, 130 interrupted.`;

function parseBool(flag: string, text: string): boolean {
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  throw new ParamsError(`${flag}: got "${text}", expected True or False`);
}

export async function train(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        logdir: { type: 'string' },
        params: { type: 'string' },
        configs: { type: 'string' },
        task: { type: 'string' },
        set: { type: 'string', multiple: true },
        backend: { type: 'string' },
        num_runs: { type: 'string', default: '1' },
        resume_runs: { type: 'string', default: 'True' },
        ping_every: { type: 'string', default: '0' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`dreamer train: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let config: Config;
  let numRuns: number;
  let resumeRuns: boolean;
  let presets: string[];
  try {
    if (!values.logdir) throw new ParamsError('--logdir is required (e.g. --logdir ./logdir/debug)');
    numRuns = Number(values.num_runs);
    if (!Number.isInteger(numRuns) || numRuns < 1) throw new ParamsError(`--num_runs: got "${values.num_runs}", expected a positive integer`);
    resumeRuns = parseBool('--resume_runs', values.resume_runs);
    const set = [...(values.set ?? []), ...(values.backend === undefined ? [] : [`backend=${values.backend}`])];
    const params = collectParams({ params: values.params, configs: values.configs, task: values.task, set });
    presets = Array.isArray(params.defaults) ? params.defaults.map(String) : [];
    config = resolveConfig(params);
    config.tasks = config.tasks.map((name) => {
      const { task, note } = resolveTask(name);
      if (note) console.log(`dreamer train: ${note}`);
      return task;
    });
    await preflight(config);
  } catch (e) {
    if (e instanceof ParamsError || e instanceof ConfigError || e instanceof TaskError) {
      console.error(`dreamer train: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let ran = 0;
  for (;;) {
    const claim = claimRun(values.logdir, { numRuns, resumeRuns });
    if (claim === null) break;
    ran++;
    const code = await trainRun(claim, config, presets, values.quiet);
    if (code !== 0) return code;
  }
  if (ran === 0) console.log(`dreamer train: every run in ${values.logdir} is done or taken (--num_runs ${numRuns}, --resume_runs ${resumeRuns})`);
  return 0;
}

async function trainRun(claim: RunClaim, config: Config, presets: string[], quiet: boolean): Promise<number> {
  console.log(startLine(claim.dir, claim.resumed, config, presets));
  const configPath = join(claim.dir, 'config.yaml');
  if (!existsSync(configPath)) writeFileSync(configPath, stringify(config));
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave now (the checkpoint on disk is intact)
    interrupted = true;
    console.error('\ndreamer train: interrupted — saving a checkpoint, then exiting (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runTraining({ config, runDir: claim.dir, resumed: claim.resumed, quiet, shouldStop: () => interrupted });
    if (result === 'stopped') {
      claim.release();
      console.error(`dreamer train: stopped; the checkpoint in ${claim.dir} is saved — run the same command again to resume`);
      return 130;
    }
    claim.done();
    return 0;
  } catch (e) {
    claim.fail(e);
    console.error(`dreamer train: run ${claim.dir} failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
