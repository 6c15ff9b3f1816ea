import { describe, expect, it } from 'vitest';
import { BufferUsage, MapMode, formatAdapter, openAdapter } from './index.ts';

const N = 1000;
const WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i < arrayLength(&out)) {
    out[i] = a[i] + b[i];
  }
}
`;

describe('openAdapter', () => {
  it('finds an adapter, opens a device and adds two arrays on it', async () => {
    const opened = await openAdapter();
    expect(formatAdapter(opened)).toMatch(/\S/);
    expect(opened.features).toEqual([...opened.features].sort());
    expect(opened.limits['maxStorageBufferBindingSize']).toBeGreaterThanOrEqual(N * 4);
    expect(opened.limits['maxComputeWorkgroupSizeX']).toBeGreaterThanOrEqual(64);

    const device = await opened.adapter.requestDevice();
    try {
      const a = new Float32Array(N);
      const b = new Float32Array(N);
      for (let i = 0; i < N; i++) {
        a[i] = i * 0.5;
        b[i] = 1000 - i * 0.25;
      }
      const bytes = N * 4;
      const upload = (data: Float32Array) => {
        const buf = device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
        device.queue.writeBuffer(buf, 0, data);
        return buf;
      };
      const bufA = upload(a);
      const bufB = upload(b);
      const bufOut = device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC });
      const readback = device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });

      device.pushErrorScope('validation');
      const module = device.createShaderModule({ code: WGSL });
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      const bindGroup = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: bufA } },
          { binding: 1, resource: { buffer: bufB } },
          { binding: 2, resource: { buffer: bufOut } },
        ],
      });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(Math.ceil(N / 64));
      pass.end();
      encoder.copyBufferToBuffer(bufOut, 0, readback, 0, bytes);
      device.queue.submit([encoder.finish()]);
      const error = await device.popErrorScope();
      expect(error?.message ?? null).toBeNull();

      await readback.mapAsync(MapMode.READ);
      const got = new Float32Array(readback.getMappedRange()).slice();
      readback.unmap();
      for (let i = 0; i < N; i++) {
        if (got[i] !== a[i] + b[i]) {
          expect.fail(`out[${i}] = ${got[i]}, expected ${a[i] + b[i]}`);
        }
      }
      expect(got[0]).toBe(1000);
      expect(got[N - 1]).toBe(999 * 0.5 + 1000 - 999 * 0.25);
    } finally {
      device.destroy();
    }
  });
});

describe('Dawn polling', () => {
  it("'gentle' wraps setImmediate once, passes other callers through; 'spin' restores it; reads work in both", async () => {
    const { setDawnPolling, getGPU } = await import('./index.ts');
    getGPU();
    const marked = (): boolean => Symbol.for('@dreamer/webgpu.gentlePolling') in globalThis.setImmediate;
    expect(marked()).toBe(true);
    const ran: number[] = [];
    await new Promise<void>((resolve) => setImmediate((x: number) => (ran.push(x), resolve()), 7));
    expect(ran).toEqual([7]);
    const opened = await openAdapter();
    const device = await opened.adapter.requestDevice();
    try {
      for (const mode of ['spin', 'gentle', 'gentle'] as const) {
        setDawnPolling(mode);
        expect(marked()).toBe(mode === 'gentle');
        const src = device.createBuffer({ size: 16, usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
        device.queue.writeBuffer(src, 0, new Float32Array([1, 2, 3, 4]));
        const dst = device.createBuffer({ size: 16, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(src, 0, dst, 0, 16);
        device.queue.submit([enc.finish()]);
        await dst.mapAsync(MapMode.READ);
        expect(Array.from(new Float32Array(dst.getMappedRange()))).toEqual([1, 2, 3, 4]);
        dst.unmap();
      }
      // Installing twice does not wrap the wrapper.
      const once = globalThis.setImmediate;
      setDawnPolling('gentle');
      expect(globalThis.setImmediate).toBe(once);
    } finally {
      setDawnPolling('gentle');
      device.destroy();
    }
  });
});
