// The WGSL ray caster against the CPU reference, batching in one dispatch, and the tensor it returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memory, mul, setBackend, sum } from '@dreamer/tensor';
import { WebGPUBackend, registerWebGPU } from '@dreamer/webgpu';
import { lookAt, project } from './camera.ts';
import { renderCpu, type RenderOptions } from './cpu.ts';
import { figureScene, geom, primitivesScene } from './demo.ts';
import { Renderer, readPixels } from './renderer.ts';
import type { Scene } from './types.ts';

registerWebGPU();
let backend: WebGPUBackend;
let renderer: Renderer;

beforeAll(async () => {
  const b = await setBackend('webgpu');
  if (!(b instanceof WebGPUBackend)) throw new Error('setBackend("webgpu") did not return a WebGPUBackend');
  backend = b;
  renderer = Renderer.create(backend);
});
afterAll(async () => {
  backend?.destroy();
  await setBackend('cpu');
});

/** Fraction of channel values within `tol` levels. */
function agreement(a: Uint8Array, b: Uint8Array, tol = 2): number {
  expect(a.length).toBe(b.length);
  let ok = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) <= tol) ok++;
  return ok / a.length;
}

describe('GPU vs the CPU reference', () => {
  it.each([
    ['64×64 with shadows', { shadows: true }],
    ['64×64 without shadows', { shadows: false }],
    ['48×40, second camera', { width: 48, height: 40, cameras: [1, 0] }],
  ] as [string, RenderOptions][])('%s: at least 99 percent of channel values within 2 levels', async (_, options) => {
    const scenes = [primitivesScene(), figureScene(19, 0.7)];
    const gpu = await renderer.renderPixels(scenes, options);
    expect(agreement(gpu, renderCpu(scenes, options))).toBeGreaterThanOrEqual(0.99);
  });

  it('puts a small sphere where the pinhole projection predicts', async () => {
    const cam = lookAt([0.3, -2, 1.1], [0, 0, 0.4], 40);
    const target: [number, number, number] = [-0.3, 0.2, 0.7];
    const s: Scene = { geoms: [geom('sphere', [0.04, 0, 0], target, [0.9, 0.1, 0.1])], cameras: [cam], light: { dir: [0, 0, -1] } };
    const img = await renderer.renderPixels([s]);
    const [x, y] = project(cam, target, 64, 64).map(Math.floor);
    const i = (y * 64 + x) * 3;
    expect(img[i]).toBeGreaterThan(3 * img[i + 1]);
  });
});

describe('batches', () => {
  it('several different scenes in one dispatch equal rendering them one by one', async () => {
    const scenes = [primitivesScene(), figureScene(19, 0.2), figureScene(7, 1.1), primitivesScene()];
    const cameras = [0, 0, 0, 1];
    const all = await renderer.renderPixels(scenes, { cameras });
    const frame = 64 * 64 * 3;
    for (let i = 0; i < scenes.length; i++) {
      const one = await renderer.renderPixels([scenes[i]], { cameras: cameras[i] });
      expect(all.subarray(i * frame, (i + 1) * frame)).toEqual(one);
    }
  });
});

describe('the tensor', () => {
  it('is [B, H, W, 3] f32 0..255 on the webgpu backend, usable by ops, and freed by dispose', async () => {
    const before = memory().tensors;
    const images = renderer.render([primitivesScene(), figureScene()], { width: 32, height: 24 });
    expect(images.shape).toEqual([2, 24, 32, 3]);
    expect(images.dtype).toBe('f32');
    expect(images.backend).toBe(backend);
    const scaled = mul(images, 1 / 255);
    const total = sum(scaled);
    const bytes = await readPixels(images);
    expect(await total.item()).toBeCloseTo(bytes.reduce((a, v) => a + v, 0) / 255, 0);
    for (const t of [images, scaled, total]) t.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('renders an empty batch', async () => {
    const images = renderer.render([]);
    expect(images.shape).toEqual([0, 64, 64, 3]);
    images.dispose();
  });
});
