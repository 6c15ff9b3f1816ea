import type { Conv2dGeometry, Shape } from '@dreamer/tensor';
import type { GpuBuffer } from '../src/backend.ts';
import { median, openBenchBackend, values } from './common.ts';
const g: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const gpu = await openBenchBackend();
gpu.convKernel = 'subgroup'; gpu.matmulKernel = 'subgroup';
const f = (buffer: GpuBuffer, shape: Shape) => ({ buffer, shape, dtype: 'f32' as const });
const n = 1024;
const A = gpu.upload(values(n * n, 1), 'f32'), B = gpu.upload(values(n * n, 2), 'f32');
const L: [string, Shape, Shape][] = [['enc2', [50, 31, 31, 32], [4, 4, 32, 64]], ['enc3', [50, 14, 14, 64], [4, 4, 64, 128]], ['dec3', [50, 30, 30, 32], [6, 6, 32, 64]], ['dec2', [50, 13, 13, 64], [5, 5, 64, 128]]];
const bufs = L.map(([, xs, ws]) => { const ys = [xs[0], Math.floor((xs[1] - ws[0]) / 2) + 1, Math.floor((xs[2] - ws[1]) / 2) + 1, ws[3]]; return { xs, ws, ys, x: gpu.upload(values(size(xs), 3), 'f32'), w: gpu.upload(values(size(ws), 4), 'f32'), dy: gpu.upload(values(size(ys), 5), 'f32'), fl: 2 * size(ys) * ws[0] * ws[1] * ws[2] }; });
const runs: [string, number, () => GpuBuffer][] = [['mm1024', 2 * n ** 3, () => gpu.matmul(f(A, [1, n, n]), f(B, [1, n, n]), false, false)]];
for (const [i, [name]] of L.entries()) {
  const b = bufs[i];
  runs.push([`${name} fwd`, b.fl, () => gpu.conv2d(f(b.x, b.xs), f(b.w, b.ws), g)]);
  runs.push([`${name} dx`, b.fl, () => gpu.conv2dBackwardInput(f(b.dy, b.ys), f(b.w, b.ws), b.xs, g)]);
  runs.push([`${name} dw`, b.fl, () => gpu.conv2dBackwardFilter(f(b.x, b.xs), f(b.dy, b.ys), b.ws, g)]);
}
const t: number[][] = runs.map(() => []);
for (let r = 0; r < 7; r++) for (const [i, [, , run]] of runs.entries()) { const t0 = performance.now(); const o = run(); await gpu.read(o, 'f32', 1); t[i].push(performance.now() - t0); gpu.dispose(o); }
for (const [i, [name, fl]] of runs.entries()) { const ms = median(t[i].slice(1)); console.log(name.padEnd(10), ms.toFixed(1).padStart(7), 'ms', (fl / ms / 1e6).toFixed(2).padStart(6), 'GFLOP/s'); }
gpu.destroy();
