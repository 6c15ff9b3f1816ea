/**
 * The GPU renderer: ray-casts a batch of scenes in one dispatch on the engine's own WebGPU
 * backend (same device, same command stream), so the images can feed the encoder as a tensor
 * without a readback.
 */
import { wrapBuffer, type Tensor } from '@dreamer/tensor';
import type { WebGPUBackend } from '@dreamer/webgpu';
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
    return wrapBuffer(gpu, out, [scenes.length, height, width, 3], 'f32', 'render');
  }

  /** Renders and reads back: [B, H, W, 3] bytes, for videos and PNGs. */
  async renderPixels(scenes: readonly Scene[], options: RenderOptions = {}): Promise<Uint8Array> {
    const images = this.render(scenes, options);
    try {
      return await readPixels(images);
    } finally {
      images.dispose();
    }
  }
}

/** A tensor of 0..255 values (as `Renderer.render` returns) read back as bytes; the tensor is kept. */
export async function readPixels(images: Tensor): Promise<Uint8Array> {
  const values = await images.data();
  const out = new Uint8Array(values.length);
  out.set(values); // whole numbers 0..255 convert exactly; set() is a bulk copy, unlike Uint8Array.from
  return out;
}
