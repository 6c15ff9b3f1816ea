/** Shared pieces of the side-by-side kernel benchmarks (matmul.ts, conv.ts). */
import { WebGPUBackend, type GpuBuffer } from '../src/backend.ts';

/**
 * The f32 matmul kernels compared: the previous portable kernel ('blocked4x4', old), the portable
 * one ('blocked', new) and the subgroup one.
 */
export const kernels = ['blocked4x4', 'blocked', 'subgroup'] as const;
export type Kernel = (typeof kernels)[number];

/** Deterministic values in [-0.5, 0.5) from a linear congruential generator. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** A backend that can run both kernels, or exit with a message saying why not. */
export async function openBenchBackend(): Promise<WebGPUBackend> {
  const gpu = await WebGPUBackend.create();
  if (!gpu.subgroupMatmul) {
    console.error('This device cannot run the subgroup kernels (needs the "subgroups" feature and subgroup size 8).');
    gpu.destroy();
    process.exit(1);
  }
  return gpu;
}

/**
 * Milliseconds per launch: records `reps` launches with `kernel` selected and ends with a
 * 4-byte read, so the time covers encoding, submission and completion.
 */
export async function timeLaunches(gpu: WebGPUBackend, kernel: Kernel, reps: number, launch: () => GpuBuffer): Promise<number> {
  gpu.matmulKernel = kernel;
  const t0 = performance.now();
  let out: GpuBuffer | null = null;
  for (let r = 0; r < reps; r++) {
    if (out) gpu.dispose(out);
    out = launch();
  }
  await gpu.read(out!, 'f32', 1);
  const ms = (performance.now() - t0) / reps;
  gpu.dispose(out!);
  return ms;
}
