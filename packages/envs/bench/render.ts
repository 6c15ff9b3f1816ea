// 64×64 frames per second of the ray caster on a 20-geom scene (a floor and 19 capsules and
// spheres), at batch 1, 8 and 64, with and without shadows: the GPU renderer to a tensor (no
// readback: timed to backend.sync()), the same plus readPixels, and at batch 1 the CPU ray caster
// (renderCpu, culled; the same scene every call, so its planes come from the plane cache) and the
// CPU reference loop (renderCpuReference).
// Configurations are interleaved round by round and medians reported (the machines are noisy).
// Run: node packages/envs/bench/render.ts [rounds]
import { setBackend } from '@dreamer/tensor';
import { WebGPUBackend, registerWebGPU } from '@dreamer/webgpu';
import { renderCpu, renderCpuReference } from '../src/render/cpu.ts';
import { figureScene } from '../src/render/demo.ts';
import { Renderer, readPixels } from '../src/render/renderer.ts';

const rounds = Number(process.argv[2] ?? 7);
const batches = [1, 8, 64];
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

registerWebGPU();
const gpu = await setBackend('webgpu');
if (!(gpu instanceof WebGPUBackend)) throw new Error('no WebGPU backend');
const renderer = Renderer.create(gpu);
const scenes = (b: number) => Array.from({ length: b }, (_, i) => figureScene(19, 0.1 * i));

/** Milliseconds per call over enough calls to fill ~150 ms. */
async function time(fn: () => Promise<void>): Promise<number> {
  await fn();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 150 || reps < 2) {
    await fn();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

type Row = { name: string; b: number; shadows: boolean; run: () => Promise<void> };
const rows: Row[] = [];
for (const shadows of [false, true]) {
  for (const b of batches) {
    const batch = scenes(b);
    rows.push({ name: 'gpu → tensor', b, shadows, run: async () => { renderer.render(batch, { shadows }).dispose(); await gpu.sync(); } });
    rows.push({
      name: 'gpu → readPixels',
      b,
      shadows,
      run: async () => {
        const t = renderer.render(batch, { shadows });
        await readPixels(t);
        t.dispose();
      },
    });
  }
  const one = scenes(1);
  rows.push({ name: 'cpu (renderCpu)', b: 1, shadows, run: async () => void renderCpu(one, { shadows }) });
  rows.push({ name: 'cpu reference', b: 1, shadows, run: async () => void renderCpuReference(one, { shadows }) });
}

const samples = rows.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) for (const [i, row] of rows.entries()) samples[i].push(await time(row.run));

console.log(`64×64 frames/s, 20 geoms, median of ${rounds} interleaved rounds`);
console.log('| path | shadows | batch | ms / call | frames/s |');
console.log('|---|---|---|---|---|');
for (const [i, row] of rows.entries()) {
  const ms = median(samples[i]);
  console.log(`| ${row.name} | ${row.shadows ? 'on' : 'off'} | ${row.b} | ${ms.toFixed(2)} | ${Math.round((row.b * 1000) / ms)} |`);
}
gpu.destroy();
