/**
 * The gpu.js side of the backend: one `GPU` instance in the mode chosen at start-up, a probe that
 * the mode really computes in single precision, and a cache of compiled kernels.
 *
 * Every kernel is generated as source text (see codegen.ts) with the shapes it serves baked in,
 * and compiled once per distinct source: gpu.js compiles a kernel to GLSL (webgl2, webgl,
 * headlessgl), WebAssembly (webasm) or JavaScript (cpu) on its first call, which costs far more than
 * running it. Kernels take flat typed arrays and return a fresh Float32Array of `n` values.
 */
import { CPUKernel, GPU, HeadlessGLKernel, type IKernelRunShortcut, type KernelVariable, WebAssemblyKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import type { TypedArray } from '@dreamer/tensor';

/** gpu.js modes this backend runs in ('webgpu' is left out: its kernels only return Promises). */
export type GpujsMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';
export const GPUJS_MODES: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** A kernel argument: a flat typed array (gpu.js uploads it as a float texture in the GL modes). */
export type KernelArg = TypedArray;

/** NaN and ±Infinity cannot be written as literals in gpu.js kernels: kernels read them from `sp`. */
export const SPECIALS = new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
export const NAN = 'sp[0]';
export const INF = 'sp[1]';
export const NEG_INF = 'sp[2]';

/** The mode of a built gpu.js kernel, from its class (HeadlessGL and WebGL2 extend WebGL). */
export function modeOfKernel(kernel: object): GpujsMode | 'webgpu' | 'unknown' {
  if (kernel instanceof HeadlessGLKernel) return 'headlessgl';
  if (kernel instanceof WebGL2Kernel) return 'webgl2';
  if (kernel instanceof WebGLKernel) return 'webgl';
  if (kernel instanceof WebAssemblyKernel) return 'webasm';
  if (kernel instanceof CPUKernel) return 'cpu';
  const name = (kernel as { constructor?: { name?: string } }).constructor?.name ?? '';
  return name === 'WebGPUKernel' ? 'webgpu' : 'unknown';
}

/** Most elements a kernel reads or writes: flat indices are float32 arithmetic, exact below 2²⁴. */
export const MAX_ELEMENTS = 2 ** 24;

/** Values a single-precision kernel returns unchanged and a packed 8-bit one cannot. */
export const PROBE_VALUES = new Float32Array([1 + 2 ** -23, -3.0517578125e-5, 1.5e30, 16777215]);

/**
 * Throws unless a probe kernel ran in 'single' precision and returned `sent` exactly: gpu.js's
 * 'unsigned' precision packs values into 8-bit texture channels, which this backend refuses.
 */
export function verifySinglePrecision(mode: string, precision: string | undefined, sent: Float32Array, got: unknown): void {
  const exact = got instanceof Float32Array && got.length === sent.length && sent.every((v, i) => got[i] === v);
  if (precision === 'single' && exact) return;
  const read = got instanceof Float32Array ? Array.from(got).join(', ') : String(got);
  throw new Error(
    `gpujs: gpu.js mode '${mode}' does not compute in single precision here (kernel precision '${precision}', ` +
      `probe read back ${read} for ${Array.from(sent).join(', ')}); its packed 8-bit 'unsigned' textures would give ` +
      `wrong numbers, so this backend refuses to run. Choose another mode (e.g. { mode: 'webasm' } or 'cpu').`,
  );
}

export interface RuntimeOptions {
  /** A gpu.js mode, or 'auto' (default): gpu.js's own order, headlessgl → webgl2 → webgl → webasm → cpu. */
  mode?: GpujsMode | 'auto';
  /** Accept kernels that gpu.js silently moved to its cpu backend (default false: such a kernel throws). */
  allowFallback?: boolean;
}

export class GpujsRuntime {
  readonly gpu: GPU;
  readonly mode: GpujsMode;
  readonly #kernels = new Map<string, IKernelRunShortcut>();
  readonly #allowFallback: boolean;
  /** Kernels compiled so far, and the milliseconds their first calls took (compilation included). */
  compiled = 0;
  compileMs = 0;
  /** Kernel calls so far. */
  launches = 0;

  constructor(options: RuntimeOptions = {}) {
    const requested = options.mode ?? 'auto';
    this.#allowFallback = options.allowFallback ?? false;
    if (requested !== 'auto' && !GPUJS_MODES.includes(requested)) {
      throw new Error(`gpujs: unknown mode "${String(requested)}"; expected 'auto' or one of ${GPUJS_MODES.join(', ')}`);
    }
    try {
      this.gpu = new GPU(requested === 'auto' ? {} : { mode: requested });
    } catch (e) {
      throw new Error(`gpujs: gpu.js mode '${requested}' is not available here: ${(e as Error).message}`, { cause: e });
    }
    const probe = this.#probe();
    this.mode = probe;
    if (requested !== 'auto' && probe !== requested) {
      throw new Error(`gpujs: mode '${requested}' was requested but gpu.js ran the probe kernel in '${probe}'`);
    }
  }

  /**
   * Runs a kernel that checks the mode before any op uses it: values must round-trip at full f32
   * precision (1 + 2⁻²³, a denormal-free tiny value, a large one). Modes that only offer packed
   * 8-bit-per-channel 'unsigned' textures fail here with a clear error, never later with wrong numbers.
   */
  #probe(): GpujsMode {
    const values = PROBE_VALUES;
    let kernel: IKernelRunShortcut;
    let out: Float32Array;
    try {
      kernel = this.gpu.createKernel('function(a) { return a[this.thread.x] * 1.0; }', {
        output: [values.length],
        precision: 'single',
        tactic: 'precision',
      });
      out = kernel(values) as Float32Array;
    } catch (e) {
      throw new Error(`gpujs: the probe kernel failed in gpu.js mode ${this.gpu.mode ?? '?'}: ${(e as Error).message}`, { cause: e });
    }
    const mode = modeOfKernel(kernel.kernel);
    if (mode === 'webgpu' || mode === 'unknown') throw new Error(`gpujs: gpu.js chose an unsupported kernel type (${mode})`);
    verifySinglePrecision(mode, (kernel.kernel as { precision?: string }).precision, PROBE_VALUES, out);
    kernel.destroy();
    return mode;
  }

  /**
   * Runs the kernel `source` (a function expression taking `args` in order, plus `sp` last when
   * the source reads it) over `n` output elements; returns a fresh Float32Array of length n.
   * `functions` are helper functions (source text) the kernel calls.
   */
  run(source: string, n: number, args: readonly KernelArg[], functions: readonly string[] = []): Float32Array {
    if (n === 0) return new Float32Array(0);
    if (n > MAX_ELEMENTS || args.some((a) => a.length > MAX_ELEMENTS)) {
      throw new RangeError(`gpujs: a kernel over ${Math.max(n, ...args.map((a) => a.length))} elements is beyond the 2²⁴ this backend indexes exactly in float32`);
    }
    const withSpecials = source.includes('sp[') ? [...args, SPECIALS] : args;
    // gpu.js cannot take an empty array; a kernel never reads an argument that has no elements.
    // (f64 never reaches a kernel: the backend refuses the dtype.)
    const inputs = withSpecials.map((a) => (a.length === 0 ? new Float32Array(1) : a));
    const key = `${n}|${inputs.map((a) => `${a.constructor.name}:${a.length}`).join(',')}|${source}`;
    let kernel = this.#kernels.get(key);
    this.launches++;
    if (!kernel) {
      const t0 = performance.now();
      const settings: Record<string, unknown> = { output: [n], precision: 'single', tactic: 'precision', loopMaxIterations: 1 << 30 };
      if (functions.length) settings.functions = [...functions];
      kernel = this.gpu.createKernel(source, settings);
      const out = kernel(...(inputs as KernelVariable[])) as Float32Array;
      this.#checkMode(kernel, source);
      this.#kernels.set(key, kernel);
      this.compiled++;
      this.compileMs += performance.now() - t0;
      return out;
    }
    return kernel(...(inputs as KernelVariable[])) as Float32Array;
  }

  /** Throws when gpu.js moved a kernel to another backend than the mode this runtime reports. */
  #checkMode(kernel: IKernelRunShortcut, source: string): void {
    const ran = modeOfKernel(kernel.kernel);
    if (ran === this.mode || this.#allowFallback) return;
    const reason = (kernel.kernel as { fallbackReason?: string }).fallbackReason;
    kernel.destroy();
    throw new Error(
      `gpujs: gpu.js ran a kernel in '${ran}' instead of '${this.mode}'${reason ? ` (${reason})` : ''}; ` +
        `refusing to misreport the mode (pass allowFallback: true to accept). Kernel: ${source.slice(0, 200)}`,
    );
  }

  /** Compiled kernels held in the cache. */
  get cachedKernels(): number {
    return this.#kernels.size;
  }

  /** Releases every kernel and the GL context (gpu.js tears down on the next tick). */
  destroy(): Promise<void> {
    this.#kernels.clear();
    return Promise.resolve(this.gpu.destroy()).catch(() => undefined);
  }
}
