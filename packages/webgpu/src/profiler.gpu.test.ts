// The profiler on the real device: the table names the kernels that ran with their call counts,
// times are positive and finite under both timings, results are unchanged by profiling, and with
// no profile open no query set is made and no pass asks for timestamps.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Operand } from '@dreamer/tensor';
import { GpuBuffer, WebGPUBackend } from './backend.ts';
import { type Profile, formatProfile } from './profileTable.ts';
import type { ProfileTiming } from './profiler.ts';

let gpu: WebGPUBackend;
beforeAll(async () => {
  gpu = await WebGPUBackend.create();
});
afterAll(() => gpu?.destroy());

const op = (buffer: GpuBuffer, shape: number[]): Operand<GpuBuffer> => ({ buffer, shape, dtype: 'f32' });
const values = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i));

/**
 * 3 matmuls 64×48·48×40, 5 exps, 2 adds; returns the last add's output, read back. `settle` waits
 * for the GPU after each launch, as cpu timing needs to see every completion (else a quick GPU may
 * finish them all before JS looks, and all the time lands on one dispatch).
 */
async function workload(settle = false): Promise<Float32Array> {
  const a = gpu.upload(values(64 * 48), 'f32');
  const b = gpu.upload(values(48 * 40), 'f32');
  const made: GpuBuffer[] = [a, b];
  let y = a;
  const launch = async (make: () => GpuBuffer): Promise<void> => {
    made.push((y = make()));
    if (settle) await gpu.sync();
  };
  for (let i = 0; i < 3; i++) await launch(() => gpu.matmul(op(a, [1, 64, 48]), op(b, [1, 48, 40]), false, false));
  for (let i = 0; i < 5; i++) await launch(() => gpu.unary('exp', op(y, [64, 40])));
  for (let i = 0; i < 2; i++) await launch(() => gpu.binary('add', op(y, [64, 40]), op(made[2], [64, 40]), [64, 40], 'f32'));
  const out = (await gpu.read(y, 'f32', 64 * 40)) as Float32Array;
  for (const m of made) gpu.dispose(m);
  return out;
}

function byKernel(p: Profile): Record<string, number> {
  return Object.fromEntries(p.kernels.map((k) => [k.kernel.startsWith('matmul') ? 'matmul' : k.kernel, k.calls]));
}

const timings: ProfileTiming[] = ['timestamp', 'cpu'];

describe.each(timings)('%s timing', (timing) => {
  it('lists the kernels that ran with their call counts, positive finite times and rates', async (ctx) => {
    if (timing === 'timestamp' && !gpu.timestampQuery) ctx.skip();
    const expected = await workload();
    let got: Float32Array | undefined;
    const profile = await gpu.profile(async () => {
      got = await workload(timing === 'cpu');
    }, { timing });
    expect(got).toEqual(expected);
    expect(profile.timing).toBe(timing);
    expect(byKernel(profile)).toEqual({ matmul: 3, 'unary.exp': 5, 'binary.add': 2 });
    expect(profile.dispatches).toBe(10);
    if (timing === 'cpu') expect(profile.submits).toBeGreaterThanOrEqual(10);
    else expect(profile.submits).toBeGreaterThanOrEqual(1);
    for (const k of profile.kernels) {
      expect(k.totalMs, k.kernel).toBeGreaterThan(0);
      expect(Number.isFinite(k.totalMs) && Number.isFinite(k.meanUs), k.kernel).toBe(true);
      expect(k.gflops, k.kernel).not.toBeNull();
      expect(k.gbps, k.kernel).not.toBeNull();
      expect(Number.isFinite(k.gflops!) && k.gflops! > 0, k.kernel).toBe(true);
    }
    const times = profile.kernels.map((k) => k.totalMs);
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(profile.gpuMs).toBeCloseTo(times.reduce((s, t) => s + t, 0), 9);
    const text = formatProfile(profile);
    expect(text).toMatch(/^kernel +calls +total ms +% +mean µs +GFLOP\/s +GB\/s/);
    expect(text).toContain('unary.exp');
    expect(text).toContain(`10 dispatches in ${profile.submits} submit${profile.submits === 1 ? '' : 's'}; GPU time`);
  });

  it('sums launches by phase, nested as outer/inner, async phases included', async (ctx) => {
    if (timing === 'timestamp' && !gpu.timestampQuery) ctx.skip();
    const x = gpu.upload(values(1000), 'f32');
    const run = (n: number): void => {
      for (let i = 0; i < n; i++) gpu.dispose(gpu.unary('tanh', op(x, [1000])));
    };
    gpu.startProfile({ timing });
    run(1);
    gpu.phase('outer', () => {
      run(2);
      gpu.phase('inner', () => run(3));
    });
    await gpu.phase('later', async () => {
      await gpu.sync();
      run(4);
    });
    const profile = await gpu.stopProfile();
    gpu.dispose(x);
    expect(profile.phases.map((p) => [p.phase, p.dispatches])).toEqual([
      ['', 1],
      ['outer', 2],
      ['outer/inner', 3],
      ['later', 4],
    ]);
    // cpu timing may charge a phase's quick work to the next one: only the sum is sure there.
    if (timing === 'timestamp') expect(profile.phases.every((p) => p.totalMs > 0)).toBe(true);
    expect(profile.phases.reduce((sum, p) => sum + p.totalMs, 0)).toBeCloseTo(profile.gpuMs, 9);
    expect(formatProfile(profile)).toMatch(/\nphase +dispatches +total ms +%\n[- ]+\n\(none\) +1 /);
  });
});

it('with no profile open, launches make no query set and ask no pass for timestamps', async () => {
  const querySets = vi.spyOn(gpu.device, 'createQuerySet');
  const passes: unknown[] = [];
  const original = gpu.device.createCommandEncoder.bind(gpu.device);
  const encoders = vi.spyOn(gpu.device, 'createCommandEncoder').mockImplementation((descriptor?: GPUCommandEncoderDescriptor) => {
    const encoder = original(descriptor);
    const begin = encoder.beginComputePass.bind(encoder);
    encoder.beginComputePass = (d?: GPUComputePassDescriptor) => (passes.push(d), begin(d));
    return encoder;
  });
  try {
    await workload();
    expect(gpu.profiling).toBe(false);
    expect(querySets).not.toHaveBeenCalled();
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((d) => d === undefined)).toBe(true);
  } finally {
    querySets.mockRestore();
    encoders.mockRestore();
  }
});

it('closes the profile when the profiled function throws; one profile at a time', async () => {
  await expect(gpu.profile(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(gpu.profiling).toBe(false);
  gpu.startProfile();
  expect(() => gpu.startProfile()).toThrow(/already open/);
  const empty = await gpu.stopProfile();
  expect(empty.dispatches).toBe(0);
  expect(empty.kernels).toEqual([]);
  await expect(gpu.stopProfile()).rejects.toThrow(/no profile/);
});
