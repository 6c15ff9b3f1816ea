// Physics-only env steps per second for every control task (no pixels): one env stepped alone,
// and 8 envs stepped in turn (what a sequential vector env does), with uniform random actions.
// Each figure is the best of 3 runs, since other processes on a small machine add noise.
// Usage: node bench/steps.ts [steps per env, default 2000] [task-name filter]
import { CONTROL_TASKS, loadMujoco, makeControlEnv, mujocoVersion, Rng, type ControlEnv, type ControlTaskName } from '../src/index.ts';

const STEPS = Number(process.argv[2] ?? 2000);
const FILTER = process.argv[3] ?? '';
if (!Number.isInteger(STEPS) || STEPS <= 0) throw new Error(`steps per env must be a positive integer, got ${process.argv[2]}`);

await loadMujoco();

function stepsPerSecond(envs: ControlEnv[], stepsEach: number): number {
  const rng = new Rng(0);
  const dim = envs[0].actionSpec.shape[0];
  const actions = Array.from({ length: 256 }, () => Float32Array.from({ length: dim }, () => rng.float() * 2 - 1));
  envs.forEach((env, i) => env.reset(i));
  let k = 0;
  const t0 = performance.now();
  for (let s = 0; s < stepsEach; s++) {
    for (const env of envs) {
      const ts = env.step(actions[k++ & 255]);
      if (ts.truncated) env.reset(s);
    }
  }
  return (stepsEach * envs.length) / ((performance.now() - t0) / 1000);
}

function best(measure: () => number): number {
  return Math.max(measure(), measure(), measure());
}

const rows: string[][] = [['task', 'substeps', 'env steps/s (1 env)', 'env steps/s (8 envs)', 'physics steps/s (1 env)']];
for (const name of Object.keys(CONTROL_TASKS) as ControlTaskName[]) {
  if (!name.includes(FILTER)) continue;
  const one = [makeControlEnv(name)];
  stepsPerSecond(one, Math.min(1000, STEPS)); // warm up the JIT
  const single = best(() => stepsPerSecond(one, STEPS));
  const eight = Array.from({ length: 8 }, () => makeControlEnv(name));
  const multi = best(() => stepsPerSecond(eight, Math.ceil(STEPS / 8)));
  const sub = one[0].task.substeps;
  rows.push([name, String(sub), single.toFixed(0), multi.toFixed(0), (single * sub).toFixed(0)]);
  for (const env of [...one, ...eight]) env.close();
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log(`MuJoCo ${mujocoVersion()} (WASM), node ${process.version}, ${STEPS} steps per measurement`);
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
