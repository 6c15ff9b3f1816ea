// Does stepping control envs on worker threads pay on this machine? N envs stepped on the calling
// thread against the same N split over 2 worker threads (each with its own MuJoCo instance, one
// message round trip per step carrying the actions there and the observations back), for physics
// only (plus the scene capture and packing a GPU render needs) and for physics plus the CPU ray
// caster's 64×64 frames. Interleaved rounds, medians, control steps/s summed over envs.
// Usage: node bench/workers.ts [rounds=3]
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadMujoco, makeControlEnv, Rng, type ControlEnv, type ControlTaskName } from '../src/index.ts';
import { renderCpu } from '../src/render/cpu.ts';
import { packScenes } from '../src/render/pack.ts';
import { median } from './doc.ts';

type Mode = 'physics' | 'pixels';

/** One step of `envs` with actions taken from `actions` (dim per env); returns what goes back. */
function stepAll(envs: ControlEnv[], actions: Float32Array, dim: number, mode: Mode): ArrayBufferView[] {
  const out: ArrayBufferView[] = [];
  envs.forEach((env, i) => {
    const ts = env.step(actions.subarray(i * dim, (i + 1) * dim));
    out.push(...Object.values(ts.observation));
    if (ts.truncated) env.reset(i);
  });
  const scenes = envs.map((env) => env.scene());
  out.push(mode === 'pixels' ? renderCpu(scenes) : packScenes(scenes, 0, 64, 64).geoms);
  return out;
}

await loadMujoco();
if (!isMainThread) {
  const { task, n, mode } = workerData as { task: ControlTaskName; n: number; mode: Mode };
  const envs = Array.from({ length: n }, () => makeControlEnv(task));
  envs.forEach((env, i) => env.reset(i));
  parentPort!.on('message', ({ actions, dim }: { actions: Float32Array; dim: number }) => parentPort!.postMessage(stepAll(envs, actions, dim, mode)));
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const MS = 600;
  console.log(`load average ${os.loadavg()[0].toFixed(1)} at the start; ${os.cpus().length} cores`);
  console.log('| task | envs | work per step | calling thread | 2 workers | workers / calling thread |\n|---|---|---|---|---|---|');
  for (const [task, n] of [['walker_walk', 8], ['walker_walk', 64], ['cartpole_swingup', 8], ['cartpole_swingup', 64]] as const) {
    for (const mode of ['physics', 'pixels'] as const) {
      const envs = Array.from({ length: n }, () => makeControlEnv(task));
      envs.forEach((env, i) => env.reset(i));
      const dim = envs[0].actionSpec.shape[0];
      const rng = new Rng(0);
      const actions = Float32Array.from({ length: n * dim }, () => rng.float() * 2 - 1);
      const half = n / 2;
      const workers = [0, 1].map(() => new Worker(new URL(import.meta.url), { workerData: { task, n: half, mode } }));
      const ask = (w: Worker, k: number) =>
        new Promise((resolve) => {
          w.once('message', resolve);
          w.postMessage({ actions: actions.slice(k * half * dim, (k + 1) * half * dim), dim });
        });
      const run = { main: async () => void stepAll(envs, actions, dim, mode), workers: async () => void (await Promise.all(workers.map(ask))) };
      const rate = async (f: () => Promise<void>) => {
        let steps = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < MS) {
          await f();
          steps += n;
        }
        return steps / ((performance.now() - t0) / 1000);
      };
      await rate(run.main);
      await rate(run.workers);
      const samples = { main: [] as number[], workers: [] as number[] };
      for (let r = 0; r < rounds; r++) for (const k of ['main', 'workers'] as const) samples[k].push(await rate(run[k]));
      const [m, w] = [median(samples.main), median(samples.workers)];
      console.log(`| ${task} | ${n} | ${mode === 'physics' ? 'physics + scene packing' : 'physics + CPU 64×64 frames'} | ${Math.round(m)} | ${Math.round(w)} | ${(w / m).toFixed(2)} |`);
      await Promise.all(workers.map((w) => w.terminate()));
      envs.forEach((env) => env.close());
    }
  }
  console.log(`load average ${os.loadavg()[0].toFixed(1)} at the end`);
}
