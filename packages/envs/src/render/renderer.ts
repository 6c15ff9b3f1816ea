/**
 * The GPU renderer: ray-casts a batch of scenes in one dispatch on the engine's own WebGPU
 * backend (same device, same command stream), so the images can feed the encoder as a tensor
 * without a readback.
 */
import { wrapBuffer, type Tensor } from '@dreamer/tensor';
import type { GpuBuffer, WebGPUBackend } from '@dreamer/webgpu';
import type { RenderOptions } from './cpu.ts';
import { packScenes } from './pack.ts';
import { FLAG_SHADOWS, rayCastWGSL } from './raycast.wgsl.ts';
import type { Scene } from './types.ts';

/**
 * Lanes per workgroup: runWGSL sizes its grid as ⌈threads / 256⌉ workgroups, so 256 gives one
 * pixel per lane. (8, 32 and 64 lanes measured no faster on lavapipe, within its noise.)
 */
const LANES = 256;

export class Renderer {
  readonly backend: WebGPUBackend;
  readonly #code = rayCastWGSL(LANES);

  private constructor(backend: WebGPUBackend) {
    this.backend = backend;
  }

  /**
   * A renderer on `backend`; pass the instance the engine uses (`await setBackend('webgpu')`) so
   * the tensors it returns mix with the engine's.
   */
  static create(backend: WebGPUBackend): Renderer {
    return new Renderer(backend);
  }

  /**
   * Renders every scene from its chosen camera: a [B, H, W, 3] f32 tensor of whole numbers
   * 0..255 (row 0 at the top), on the backend, not read back. The caller owns (disposes) it.
   */
  render(scenes: readonly Scene[], options: RenderOptions = {}): Tensor {
    const { buffer, shape } = this.#raycast(scenes, options);
    return wrapBuffer(this.backend, buffer, shape, 'f32', 'render');
  }

  /**
   * Renders and reads back: [B, H, W, 3] bytes, for videos, PNGs and uint8 observations. The
   * frames are packed four bytes to a word on the GPU first, so a quarter of the f32 image
   * crosses back (on lavapipe copying and mapping 4 bytes a channel cost about as much as the
   * ray casting itself at batch 64).
   */
  async renderPixels(scenes: readonly Scene[], options: RenderOptions = {}): Promise<Uint8Array> {
    const gpu = this.backend;
    const { buffer, shape } = this.#raycast(scenes, options);
    const values = shape.reduce((a, b) => a * b, 1);
    const words = Math.ceil(values / 4);
    if (words === 0) {
      gpu.dispose(buffer);
      return new Uint8Array(0);
    }
    let packed: GpuBuffer | null = null;
    try {
      packed = gpu.fill([words], 'i32', 0);
      gpu.runWGSL('render.packBytes', PACK_BYTES, [words, values], [buffer, packed], words);
    } catch (e) {
      if (packed) gpu.dispose(packed);
      throw e;
    } finally {
      gpu.dispose(buffer);
    }
    try {
      const read = await gpu.read(packed, 'i32', words);
      return new Uint8Array(read.buffer, read.byteOffset, values);
    } finally {
      gpu.dispose(packed);
    }
  }

  /** One dispatch over every pixel of the batch; the caller owns the returned buffer. */
  #raycast(scenes: readonly Scene[], options: RenderOptions): { buffer: GpuBuffer; shape: number[] } {
    const { cameras = 0, width = 64, height = 64, shadows = true } = options;
    const packed = packScenes(scenes, cameras, width, height);
    const gpu = this.backend;
    const pixels = scenes.length * width * height;
    // The backend has no public bare allocation; a fill is one cheap launch in the same stream.
    const out = gpu.fill([pixels * 3], 'f32', 0);
    if (pixels > 0) {
      const S = gpu.upload(packed.scenes, 'f32');
      const G = gpu.upload(packed.geoms, 'f32');
      const params = [scenes.length, width, height, shadows ? FLAG_SHADOWS : 0];
      try {
        gpu.runWGSL('render.raycast', this.#code, params, [S, G, out], pixels);
      } catch (e) {
        gpu.dispose(out);
        throw e;
      } finally {
        // Safe at once: the backend pools a disposed buffer only after the batch reading it is submitted.
        gpu.dispose(S);
        gpu.dispose(G);
      }
    }
    return { buffer: out, shape: [scenes.length, height, width, 3] };
  }
}

/** A tensor of 0..255 values (as `Renderer.render` returns) read back as bytes; the tensor is kept. */
export async function readPixels(images: Tensor): Promise<Uint8Array> {
  const values = await images.data();
  const out = new Uint8Array(values.length);
  out.set(values); // whole numbers 0..255 convert exactly; set() is a bulk copy, unlike Uint8Array.from
  return out;
}

/** Four 0..255 floats into one little-endian word (value 4i + k in byte k of word i). */
const PACK_BYTES = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>; // [words, values]
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Q: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  if (i >= P[0]) { return; }
  var w = 0u;
  for (var k = 0u; k < 4u; k++) {
    let j = i * 4u + k;
    if (j < P[1]) { w |= u32(X[j]) << (8u * k); }
  }
  Q[i] = w;
}
`;
