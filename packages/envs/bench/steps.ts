// Control steps per second of every control task, summed over envs, with uniform random actions:
// physics only (1 env; 8 and 64 envs in a VectorEnv), and with 64×64 pixels: the `pixels` option
// (CPU ray caster) for 1 env, PixelVectorEnv with the CPU ray caster for 8 envs on the calling
// thread and for 8 and 64 envs on worker threads (one per core, os.availableParallelism()), and
// PixelVectorEnv on the GPU for 8 and 64 envs, both as a tensor left on the GPU (synced every step,
// as an agent reading its action back would) and read back as uint8.
// Every configuration of a task is measured once per round, rounds interleaved, medians reported;
// the machine is shared, so the load average is printed with the figures.
// Writes the "Environments" section of docs/benchmarks.md and docs/benchmarks/envs.json unless a
// filter or non-default round count or duration is given (or --no-write).
// Usage: node bench/steps.ts [--rounds=3] [--ms=400] [--only=walker] [--no-write]
import os from 'node:os';
import { setBackend } from '@dreamer/tensor';
import { WebGPUBackend, formatAdapter, openAdapter, registerWebGPU } from '@dreamer/webgpu';
import {
  CONTROL_TASKS,
  loadMujoco,
  makeControlEnv,
  mujocoVersion,
  PixelVectorEnv,
  Renderer,
  Rng,
  VectorEnv,
  type ControlEnv,
  type ControlTaskName,
} from '../src/index.ts';
import { cpuTicks, othersShare, load, machine, median, writeJson, writeSection } from './doc.ts';
import { environmentsSection } from './steps_doc.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string?]));
const ROUNDS = Number(args.rounds ?? 3);
const MS = Number(args.ms ?? 400);
const ONLY = args.only ?? '';
const WRITE = !('no-write' in args) && !ONLY && args.rounds === undefined && args.ms === undefined;
if (!(ROUNDS >= 1 && MS > 0)) throw new Error(`bad --rounds/--ms: ${process.argv.slice(2).join(' ')}`);

const WORKERS = os.availableParallelism();
const COLUMNS = [
  ['phys1', 'physics, 1 env'],
  ['phys8', 'physics, 8 envs'],
  ['phys64', 'physics, 64 envs'],
  ['cpu1', 'pixels CPU, 1 env'],
  ['cpu8', 'pixels CPU, 8 envs'],
  ['cpu8w', `pixels CPU, 8 envs, ${WORKERS} workers`],
  ['cpu64w', `pixels CPU, 64 envs, ${WORKERS} workers`],
  ['gpu8', 'pixels GPU tensor, 8 envs'],
  ['gpu64', 'pixels GPU tensor, 64 envs'],
  ['gpu8u8', 'pixels GPU uint8, 8 envs'],
  ['gpu64u8', 'pixels GPU uint8, 64 envs'],
] as const;
type Key = (typeof COLUMNS)[number][0];

const started = performance.now();
const loadStart = load();
const ticksStart = cpuTicks();
const cpuStart = process.cpuUsage();
await loadMujoco();
let gpu: WebGPUBackend | null = null;
let adapter = 'none (GPU columns skipped)';
try {
  registerWebGPU();
  const b = await setBackend('webgpu');
  if (b instanceof WebGPUBackend) [gpu, adapter] = [b, formatAdapter(await openAdapter())];
} catch (e) {
  console.warn(`no WebGPU: ${(e as Error).message.split('\n')[0]}`);
}
const renderer = gpu ? Renderer.create(gpu) : null;

/** Runs `call` (which returns the env steps it took) for at least MS milliseconds; steps per second. */
async function rate(call: () => number | Promise<number>): Promise<number> {
  let steps = 0;
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MS || calls < 2) {
    steps += await call();
    calls++;
  }
  return steps / ((performance.now() - t0) / 1000);
}

type Run = () => number | Promise<number>;

/** Each configuration gets envs of its own: auto-resets in one must not end episodes under another. */
async function configs(name: ControlTaskName): Promise<{ runs: Partial<Record<Key, Run>>; close: () => void }> {
  const made: ControlEnv[] = [];
  const vectors: PixelVectorEnv[] = [];
  const envs = (n: number, pixels = false) => Array.from({ length: n }, () => made[made.push(makeControlEnv(name, { pixels })) - 1]);
  const rng = new Rng(0);
  const dim = envs(1)[0].actionSpec.shape[0]; // (closed with the rest)
  const table = Array.from({ length: 256 }, () => Float32Array.from({ length: dim }, () => rng.float() * 2 - 1));
  let k = 0;
  const batch = (n: number) => Array.from({ length: n }, () => table[k++ & 255]);
  const alone = (env: ControlEnv, steps: number): Run => {
    env.reset(0);
    return () => {
      for (let s = 0; s < steps; s++) if (env.step(table[k++ & 255]).truncated) env.reset(k);
      return steps;
    };
  };
  const vector = (n: number): Run => {
    const vec = new VectorEnv(envs(n));
    vec.reset(n);
    return () => (vec.step(batch(n)), n);
  };
  const runs: Partial<Record<Key, Run>> = { phys1: alone(envs(1)[0], 20), phys8: vector(8), phys64: vector(64), cpu1: alone(envs(1, true)[0], 1) };
  const cpu = new PixelVectorEnv(envs(8), { renderer: 'cpu', keepState: false });
  await cpu.reset(8);
  runs.cpu8 = async () => (await cpu.step(batch(8)), 8);
  for (const n of [8, 64] as const) {
    const threaded = new PixelVectorEnv({ task: name, count: n }, { renderer: 'cpu', keepState: false, workers: WORKERS });
    vectors.push(threaded);
    await threaded.reset(n);
    runs[`cpu${n}w`] = async () => (await threaded.step(batch(n)), n);
  }
  if (renderer && gpu) {
    const backend = gpu;
    for (const n of [8, 64] as const) {
      const tensor = new PixelVectorEnv(envs(n), { renderer, keepState: false });
      tensor.resetTensor(n).images.dispose();
      runs[`gpu${n}`] = async () => {
        tensor.stepTensor(batch(n)).images.dispose();
        await backend.sync();
        return n;
      };
      const bytes = new PixelVectorEnv(envs(n), { renderer, keepState: false });
      await bytes.reset(n);
      runs[`gpu${n}u8`] = async () => (await bytes.step(batch(n)), n);
    }
  }
  return { runs, close: () => [...made, ...vectors].forEach((env) => env.close()) };
}

interface Row {
  task: ControlTaskName;
  substeps: number;
  samples: Partial<Record<Key, number[]>>;
  median: Partial<Record<Key, number>>;
}
const rows: Row[] = [];
for (const task of Object.keys(CONTROL_TASKS) as ControlTaskName[]) {
  if (!task.includes(ONLY)) continue;
  const { runs, close } = await configs(task);
  const keys = COLUMNS.map(([key]) => key).filter((key) => runs[key]);
  for (const key of keys) await runs[key]!(); // warm-up: JIT, pipelines, buffer pools
  const samples: Partial<Record<Key, number[]>> = {};
  for (let r = 0; r < ROUNDS; r++) for (const key of keys) (samples[key] ??= []).push(await rate(runs[key]!));
  const med = Object.fromEntries(keys.map((key) => [key, median(samples[key]!)]));
  rows.push({ task, substeps: CONTROL_TASKS[task]().substeps, samples, median: med });
  console.log(`${task}: ${keys.map((key) => `${key} ${Math.round(med[key])}`).join(', ')}`);
  close();
}
gpu?.destroy();

const seconds = (performance.now() - started) / 1000;
const report = {
  date: new Date().toISOString().slice(0, 10),
  machine: machine(),
  adapter,
  mujoco: mujocoVersion(),
  load: { start: loadStart, end: load() },
  others: othersShare(ticksStart, cpuTicks(), ((c) => c.user + c.system)(process.cpuUsage(cpuStart)), seconds),
  rounds: ROUNDS,
  msPerSample: MS,
  seconds,
  columns: Object.fromEntries(COLUMNS),
  rows,
};
const section = environmentsSection(report);
console.log(`\n${section}`);
if (WRITE) {
  writeJson('docs/benchmarks/envs.json', report);
  writeSection('Environments', section);
  console.log('wrote docs/benchmarks/envs.json and the "Environments" section of docs/benchmarks.md');
}
