/**
 * One training run in a claimed run directory: backend, envs, replay, agent, logs, checkpoints.
 *
 * Files of a run: config.yaml, train_episodes/*.npz (every collected episode, written
 * atomically), checkpoint.safetensors (params, optimiser states, counters and RNG states,
 * replaced atomically), metrics.jsonl and TensorBoard events/ (both trimmed back to the
 * checkpoint's step on resume, so the logs match the model on disk), and the test phases'
 * pictures: videos/test-<step>.gif and openloop/<step>.png (see log/media.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import * as T from '@dreamer/tensor';
import { Rng } from '@dreamer/envs';
import { type Config, type LoopState, createDreamer, makeTaskEnv, trainLoop } from '@dreamer/agent';
import { EventWriter } from './log/tensorboard.ts';
import { MetricsLog } from './log/metrics.ts';
import { TestMedia } from './log/media.ts';
import { updateLine } from './log/summary.ts';
import { useBackend } from './backends.ts';

export interface TrainingOptions {
  config: Config;
  runDir: string;
  resumed: boolean;
  quiet: boolean;
  shouldStop: () => boolean;
  /** Updates between metric lines (default: 10 per train phase, as the seed prints). */
  logEvery?: number;
  /** Test-episode videos and open-loop strips (default true). */
  media?: boolean;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export async function runTraining(opts: TrainingOptions): Promise<'done' | 'stopped'> {
  const { config, runDir, quiet } = opts;
  await useBackend(config.backend);
  const task = config.tasks[0];
  const env = await makeTaskEnv(config, task);
  const events = new EventWriter(join(runDir, 'events'));
  const media = opts.media === false ? null : new TestMedia(runDir, config, events, task);
  const testEnv = media ? media.wrap(await makeTaskEnv(config, task)) : await makeTaskEnv(config, task);
  const checkpointPath = join(runDir, 'checkpoint.safetensors');
  const agent = await createDreamer(config, env, { episodeDir: join(runDir, 'train_episodes'), seed: config.seed });
  const rng = new Rng(config.seed + 1);
  let state: LoopState = { globalStep: 0, envSteps: 0, updates: 0, trainEpisodes: 0, testEpisodes: 0 };
  if (existsSync(checkpointPath)) {
    const restored = await agent.load(checkpointPath);
    state = restored.loop;
    rng.setState(restored.rng);
    console.log(`dreamer train: resumed ${runDir} at update ${state.updates} (${state.globalStep} sequences, ${state.envSteps} env steps)`);
  } else if (opts.resumed) {
    console.log(`dreamer train: ${runDir} had no checkpoint yet; starting it over (its episodes are kept)`);
  }
  // Without a checkpoint a restarted run starts at step 0, so everything logged before is dropped too.
  const metrics = new MetricsLog(join(runDir, 'metrics.jsonl'), state.globalStep);
  if (opts.resumed) events.restart(state.globalStep + 1, `resumed at update ${state.updates}`);
  const updatesPerPhase = Math.max(1, Math.floor(config.train_steps / config.batch_shape[0]));
  const logEvery = opts.logEvery ?? Math.max(1, Math.floor(updatesPerPhase / 10));
  const totalUpdates = Math.ceil(config.max_steps / config.batch_shape[0]);
  const started = { time: performance.now(), updates: state.updates, envSteps: state.envSteps };
  const pending: Record<string, number[]> = {};
  let lastReturn = Number.NaN;
  const bar = quiet || !process.stderr.isTTY
    ? null
    : new cliProgress.SingleBar(
        { format: '{phase} |{bar}| {value}/{total} updates · {envSteps} env steps · {rate} upd/s · ETA {eta_formatted} · return {ret}', hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(totalUpdates, state.updates, { phase: 'prefill', envSteps: state.envSteps, rate: '-', ret: '-' });

  const checkpoint = async (s: LoopState): Promise<void> => {
    await agent.save(checkpointPath, { loop: s, rng: rng.getState() });
    metrics.sync();
    events.sync();
  };
  const rate = (s: LoopState): number => (s.updates - started.updates) / ((performance.now() - started.time) / 1000);

  const final = await trainLoop(config, env, testEnv, agent, agent.store, rng, state, {
    async onEpisode(kind, ret, length, s) {
      const prefix = kind === 'test' ? `test_main_${task}` : `train-${task}`;
      if (kind !== 'prefill') {
        metrics.write(s.globalStep, { [`${prefix}/return`]: ret, [`${prefix}/length`]: length, env_steps: s.envSteps });
        events.scalars(s.globalStep, { [`${prefix}/return`]: ret, [`${prefix}/length`]: length });
      }
      if (kind === 'test') {
        lastReturn = ret;
        const pictures = (await media?.afterTest(agent, s.globalStep)) ?? {};
        if (Object.keys(pictures).length > 0) {
          metrics.write(s.globalStep, pictures);
          events.scalars(s.globalStep, pictures);
        }
      }
      bar?.update(s.updates, { phase: kind, envSteps: s.envSteps, ret: Number.isNaN(lastReturn) ? '-' : lastReturn.toFixed(1) });
    },
    async onUpdate(m, s) {
      const bad = Object.entries(m).find(([, v]) => !Number.isFinite(v));
      if (bad) throw new Error(`training diverged at update ${s.updates} (sequence ${s.globalStep}): ${bad[0]} = ${bad[1]}; the last checkpoint (${checkpointPath}) is intact`);
      for (const [k, v] of Object.entries(m)) (pending[k] ??= []).push(v);
      bar?.update(s.updates, { phase: 'train', envSteps: s.envSteps, rate: rate(s).toFixed(2) });
      if (s.updates % logEvery === 0) {
        const means = Object.fromEntries(Object.entries(pending).map(([k, v]) => [k, mean(v)]));
        for (const k of Object.keys(pending)) delete pending[k];
        const perSecond = rate(s);
        const record = { ...means, steps_per_second: perSecond * config.batch_shape[0], updates_per_second: perSecond, env_steps: s.envSteps };
        metrics.write(s.globalStep, record);
        events.scalars(s.globalStep, record);
        if (bar === null) console.log(updateLine(s.updates, totalUpdates, s.envSteps, perSecond, means, lastReturn));
      }
      if (s.updates % config.checkpoint_every === 0) await checkpoint(s);
    },
    shouldStop: opts.shouldStop,
  });
  await checkpoint(final);
  bar?.stop();
  events.close();
  env.close();
  testEnv.close();
  agent.dispose();
  T.removeBackend(config.backend);
  return final.globalStep >= config.max_steps ? 'done' : 'stopped';
}
