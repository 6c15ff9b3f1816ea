// Backend-specific behaviour of the gpu.js backend (the op suite covers the primitives' values):
// the mode it reports, the kernel cache, and the refusals that keep integers and precision honest.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, test } from 'vitest';
import * as T from '@dreamer/tensor';
import { GPUJS_MODES, GpujsBackend, PROBE_VALUES, registerGpujs, verifySinglePrecision } from './index.ts';

const gpujsVersion = (createRequire(import.meta.url)('gpu.js/package.json') as { version: string }).version;

registerGpujs({ log: false }, 'gpujs-unit');

afterAll(async () => {
  await T.setBackend('cpu');
  T.removeBackend('gpujs-unit');
});

describe('gpujs backend', () => {
  test('reports the gpu.js mode it runs in and the pinned gpu.js version', async () => {
    const backend = (await T.setBackend('gpujs-unit')) as GpujsBackend;
    expect(GPUJS_MODES).toContain(backend.mode);
    expect(backend.info.mode).toBe(backend.mode);
    expect(backend.info.version).toBe(gpujsVersion);
    expect(backend.dtypes).toEqual(['f32', 'i32', 'bool']);
  });

  test('compiles a kernel once per distinct source and shape', async () => {
    const backend = (await T.setBackend('gpujs-unit')) as GpujsBackend;
    const run = async (shape: number[]): Promise<void> => {
      const y = T.tidy(() => T.mul(T.ones(shape), 3));
      expect(Array.from(await y.data())).toEqual(new Array(shape.reduce((a, b) => a * b, 1)).fill(3));
      y.dispose();
    };
    await run([5, 7]);
    const after = backend.info.kernelsCompiled;
    await run([5, 7]);
    expect(backend.info.kernelsCompiled).toBe(after);
    await run([6, 7]);
    expect(backend.info.kernelsCompiled).toBeGreaterThan(after);
  });

  test('i32 values of any size upload and read back exactly', async () => {
    await T.setBackend('gpujs-unit');
    const x = T.tensor([2147483647, -2147483648, 16777217], undefined, 'i32');
    expect(Array.from(await x.data())).toEqual([2147483647, -2147483648, 16777217]);
    x.dispose();
  });

  test('i32 arithmetic beyond float32 exactness is refused, not rounded', async () => {
    await T.setBackend('gpujs-unit');
    expect(() => T.tidy(() => T.add(T.tensor([16777217], undefined, 'i32'), T.tensor([1], undefined, 'i32')))).toThrow(/beyond ±16777216.*float32/);
    expect(() => T.tidy(() => T.mul(T.tensor([8388607], undefined, 'i32'), T.tensor([4], undefined, 'i32')))).toThrow(RangeError);
    // Partial sums must stay exact too, not only the result.
    expect(() => T.tidy(() => T.sum(T.tensor([8000000, 8000000, 8000000, -8000000], undefined, 'i32')))).toThrow(/partial sums/);
    const ok = T.tidy(() => T.sum(T.tensor([4000000, 4000000, -3], undefined, 'i32')));
    expect(Array.from(await ok.data())).toEqual([7999997]);
    ok.dispose();
  });

  test('float → i32 casts saturate without refusing', async () => {
    await T.setBackend('gpujs-unit');
    const y = T.tidy(() => T.cast(T.tensor([3e9, -3e9, 123456789]), 'i32'));
    expect(Array.from(await y.data())).toEqual([2147483647, -2147483648, 123456792]);
    y.dispose();
  });

  test('a mode gpu.js cannot run here is refused with its name', () => {
    expect(() => new GpujsBackend({ mode: 'webgl2', log: false })).toThrow(/webgl2/);
  });

  test('packed 8-bit precision is refused with a clear message', () => {
    const packed = PROBE_VALUES.map((v) => Math.round(v * 255) / 255);
    expect(() => verifySinglePrecision('webgl', 'unsigned', PROBE_VALUES, packed)).toThrow(/packed 8-bit 'unsigned'.*refuses/);
    expect(() => verifySinglePrecision('webgl', 'single', PROBE_VALUES, packed)).toThrow(/single precision/);
    expect(() => verifySinglePrecision('webgl2', 'single', PROBE_VALUES, PROBE_VALUES.slice())).not.toThrow();
  });
});
