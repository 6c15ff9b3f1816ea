// temporary per-op breakdown (not committed)
import type { Conv2dGeometry, Shape } from '@dreamer/tensor';
import type { ConvKernel, GpuBuffer } from '../src/backend.ts';
import { median, openBenchBackend, values } from './common.ts';
const batch = Number(process.argv[2] ?? 50);
const fams = (process.argv[3] ?? 'blocked,subgroup').split(',') as ConvKernel[];
const only = process.argv[4];
const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
const L: [string, Shape, Shape][] = [
  ['enc1', [batch, 64, 64, 3], [4, 4, 3, 32]], ['enc2', [batch, 31, 31, 32], [4, 4, 32, 64]], ['enc3', [batch, 14, 14, 64], [4, 4, 64, 128]], ['enc4', [batch, 6, 6, 128], [4, 4, 128, 256]],
  ['dec1', [batch, 5, 5, 128], [5, 5, 128, 1024]], ['dec2', [batch, 13, 13, 64], [5, 5, 64, 128]], ['dec3', [batch, 30, 30, 32], [6, 6, 32, 64]], ['dec4', [batch, 64, 64, 3], [6, 6, 3, 32]],
];
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const gpu = await openBenchBackend();
const f = (buffer: GpuBuffer, shape: Shape) => ({ buffer, shape, dtype: 'f32' as const });
for (const [name, xs, ws] of L) {
  if (only && !only.split(',').includes(name)) continue;
  const ys = [xs[0], Math.floor((xs[1] - ws[0]) / 2) + 1, Math.floor((xs[2] - ws[1]) / 2) + 1, ws[3]];
  const flops = 2 * size(ys) * ws[0] * ws[1] * ws[2];
  const x = gpu.upload(values(size(xs), 1), 'f32'), w = gpu.upload(values(size(ws), 2), 'f32'), dy = gpu.upload(values(size(ys), 3), 'f32');
  const ops: [string, () => GpuBuffer][] = [
    ['fwd', () => gpu.conv2d(f(x, xs), f(w, ws), g)],
    ['dx', () => gpu.conv2dBackwardInput(f(dy, ys), f(w, ws), xs, g)],
    ['dw', () => gpu.conv2dBackwardFilter(f(x, xs), f(dy, ys), ws, g)],
  ];
  const line: string[] = [name];
  for (const [op, run] of ops) {
    for (const fam of fams) {
      gpu.convKernel = fam;
      const ts: number[] = []; const cs: number[] = [];
      for (let r = 0; r < 4; r++) { const c0 = process.cpuUsage(); const t0 = performance.now(); const o = run(); await gpu.read(o, 'f32', 1); const cu = process.cpuUsage(c0); ts.push(performance.now() - t0); cs.push((cu.user + cu.system) / 1000); gpu.dispose(o); }
      const ms = median(ts.slice(1));
      const cpu = median(cs.slice(1)); line.push(`${op}/${fam} ${ms.toFixed(1)}ms cpu ${cpu.toFixed(1)}ms ${(flops / ms / 1e6).toFixed(2)} (cpu/2: ${(2 * flops / cpu / 1e6).toFixed(2)})`);
    }
  }
  console.log(line.join(' | '));
  for (const b of [x, w, dy]) gpu.dispose(b);
}
gpu.destroy();
