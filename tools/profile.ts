/**
 * Per-kernel GPU profile of one workload on the WebGPU backend: `node tools/profile.ts [workload]
 * [--timing timestamp|cpu] [--steps N]` (or `pnpm profile ...`). One step runs first to compile the
 * pipelines; then N steps (default 1) are profiled and the table printed. Workloads: see USAGE.
 */
import { parseArgs } from 'node:util';
import * as T from '@dreamer/tensor';
import { type ProfileTiming, WebGPUBackend, formatAdapter, formatProfile, openAdapter, registerWebGPU } from '@dreamer/webgpu';
import { type Phase, type Workload, decoder, encoder, gru, matmul, mlpStep } from './workloads.ts';

const WORKLOADS: Record<string, { about: string; make: (phase: Phase) => Workload }> = {
  matmul: { about: 'one 1024³ f32 matmul', make: () => matmul(1024) },
  mlp: { about: 'an MLP head 230→400×3→1 at batch 2500: loss, gradients, Adam', make: (phase) => mlpStep({ phase }) },
  encoder: { about: 'the Dreamer conv encoder 64×64×3 → 32-64-128-256 (k4 s2), batch 50, forward+backward', make: (phase) => encoder({ grad: true, phase }) },
  decoder: { about: 'the Dreamer decoder convTranspose 1×1×1024 → 128-64-32-3, batch 50, forward+backward', make: (phase) => decoder({ grad: true, phase }) },
  gru: { about: 'the RSSM GRU cell 230→200 at batch 50, forward+backward', make: () => gru() },
};

const USAGE = `usage: node tools/profile.ts [workload] [--timing timestamp|cpu] [--steps N]
workloads (default encoder):
${Object.entries(WORKLOADS)
  .map(([name, w]) => `  ${name.padEnd(8)} ${w.about}`)
  .join('\n')}`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { timing: { type: 'string' }, steps: { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h' } },
});
const name = positionals[0] ?? 'encoder';
const timing = values.timing as ProfileTiming | undefined;
const steps = Number(values.steps);
if (values.help || !(name in WORKLOADS) || (timing !== undefined && timing !== 'timestamp' && timing !== 'cpu') || !(steps >= 1)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

registerWebGPU();
const backend = await T.setBackend('webgpu');
if (!(backend instanceof WebGPUBackend)) throw new Error('the webgpu backend is not a WebGPUBackend');
try {
  // The engine's phase (the backend's, plus the backward pass of valueAndGrad under '<phase>/backward').
  const phase: Phase = (label, fn) => T.phase(label, fn);
  const workload = WORKLOADS[name].make(phase);
  const warm = workload.step();
  await warm.data();
  warm.dispose();
  let gflop = 0;
  const profile = await backend.profile(async () => {
    for (let i = 0; i < steps; i++) {
      const out = workload.step();
      await out.data();
      out.dispose();
      gflop += workload.flops / 1e9;
    }
  }, timing ? { timing } : {});
  workload.dispose();
  console.log(`${workload.name}: ${steps} step${steps > 1 ? 's' : ''}, ${gflop.toFixed(3)} GFLOP`);
  console.log(`Adapter: ${formatAdapter(await openAdapter())}`);
  console.log('');
  console.log(formatProfile(profile));
  const rate = profile.gpuMs > 0 ? ` = ${(gflop / (profile.gpuMs / 1000)).toFixed(2)} GFLOP/s over GPU time` : '';
  console.log(`workload ${gflop.toFixed(3)} GFLOP / ${profile.gpuMs.toFixed(1)} ms${rate}`);
  if (profile.phases.length > 1) {
    console.log('(phase "X/backward": the gradient launches of the ops recorded in phase X; "(none)": launches outside the named phases)');
  }
} finally {
  T.removeBackend('webgpu');
}
