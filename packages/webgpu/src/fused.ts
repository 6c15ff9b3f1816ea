/**
 * The WebGPU backend's fused kernels (Backend.gruBlockReset … distributionBackward): operand
 * plumbing and launches, kept out of backend.ts, which exposes its allocator and launcher to them
 * as a KernelHost. WGSL and the strategy of each kernel: kernels/gru.ts, adam.ts, distributions.ts.
 */
import type { AdamHyper, DistributionOp, Operand, Shape } from '@dreamer/tensor';
import type { Binding, GpuBuffer } from './backend.ts';
import { SUM_SQUARES_TILING, type SumSquaresTiling } from './kernels/adam.ts';
import type { OperandRead } from './kernels/distributions.ts';
import { WINDOW_ALIGN } from './windows.ts';
import {
  adamWGSL,
  distributionBackwardWGSL,
  distributionWGSL,
  gruBlockOutputBackwardWGSL,
  gruBlockOutputWGSL,
  gruBlockResetBackwardWGSL,
  gruBlockResetWGSL,
  gruResetAfterBackwardWGSL,
  gruResetAfterWGSL,
  sumSquaresFinalWGSL,
  sumSquaresPartialWGSL,
} from './wgsl.ts';

type Op = Operand<GpuBuffer>;

/** What the fused kernels need of the backend. */
export interface KernelHost {
  alloc(size: number): GpuBuffer;
  dispose(buffer: GpuBuffer): void;
  /** `groups` 1-D workgroups (the host lays them out on its grid); the last `outputs` buffers are written. */
  launch(name: string, code: string, params: readonly number[], buffers: readonly Binding[], groups: number, outputs: number): void;
  /**
   * One thread per element over `rows` rows of `threadsPerRow` elements: one launch, or over big
   * buffers one per chunk of rows, buffer j bound as a window of perRow[j] elements per row (0:
   * whole); `params(rows)` gives a chunk's params (skipped when there are no threads).
   */
  launchRows(
    name: string,
    code: string,
    rows: number,
    buffers: readonly GpuBuffer[],
    perRow: readonly number[],
    threadsPerRow: number,
    params: (rows: number) => readonly number[],
    outputs: number,
  ): void;
  /** A window of `size` elements from `offset` (a multiple of WINDOW_ALIGN) of a buffer. */
  window(buffer: GpuBuffer, offset: number, size: number): Binding;
  /** Elements one storage binding may hold. */
  bindingLimit(): number;
  /** The device's maxStorageBuffersPerShaderStage (params take one). */
  storageBufferLimit(): number;
}

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const unitsOf = (h: Op): number => h.shape[h.shape.length - 1];
const f32Bits = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function requireF32(name: string, xs: readonly Op[]): void {
  for (const x of xs) if (x.dtype !== 'f32') throw new Error(`not implemented on webgpu yet: ${name} for ${x.dtype}`);
}

/** Rows, elements per row, for the row-chunked launches of the fused kernels. */
interface RowLayout {
  rows: number;
  /** Threads (elements of the output) per row. */
  threads: number;
  /** Per input, then per output: elements per row (0: bound whole). */
  perRow: readonly number[];
  /** Params of a chunk of `rows` rows. */
  params: (rows: number) => readonly number[];
}

/**
 * Launches `code(mask)` writing `outputs` (null: not wanted), as one launch when the binding
 * limit allows and otherwise over several, each writing the outputs its mask selects; each
 * launch over chunks of rows where the buffers are bigger than a binding.
 */
function launchOutputs(
  host: KernelHost,
  name: string,
  code: (mask: readonly boolean[]) => string,
  layout: RowLayout,
  inputs: readonly GpuBuffer[],
  outputs: readonly (GpuBuffer | null)[],
): void {
  const room = host.storageBufferLimit() - 1 - inputs.length;
  if (room < 1) throw new Error(`webgpu: ${name} needs ${inputs.length + 2} storage buffers; the device allows ${host.storageBufferLimit()}`);
  const live = outputs.flatMap((o, k) => (o ? [k] : []));
  for (let s = 0; s < live.length; s += room) {
    const part = live.slice(s, s + room);
    const mask = outputs.map((_, k) => part.includes(k));
    const perRow = [...layout.perRow.slice(0, inputs.length), ...part.map((k) => layout.perRow[inputs.length + k])];
    host.launchRows(name, code(mask), layout.rows, [...inputs, ...part.map((k) => outputs[k]!)], perRow, layout.threads, layout.params, part.length);
  }
}

/** The row layout of a GRU kernel: rows of h, H units each; `widths` in units of H per row (0: a bias, bound whole). */
function gruLayout(h: Op, widths: readonly number[]): RowLayout {
  const units = unitsOf(h);
  const rows = units === 0 ? 0 : sizeOf(h.shape) / units;
  return { rows, threads: units, perRow: widths.map((w) => w * units), params: (r) => [r * units, units] };
}

// ---- GRU -------------------------------------------------------------------------------------

export function gruBlockReset(host: KernelHost, pre: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer] {
  requireF32('gruBlockReset', [pre, bias, h]);
  const n = sizeOf(h.shape);
  const rh = host.alloc(n);
  const u = host.alloc(n);
  const layout = gruLayout(h, [2, 0, 1, 1, 1]);
  host.launchRows('gruBlockReset', gruBlockResetWGSL(), layout.rows, [pre.buffer, bias.buffer, h.buffer, rh, u], layout.perRow, layout.threads, layout.params, 2);
  return [rh, u];
}

export function gruBlockResetBackward(host: KernelHost, dRH: Op, dU: Op, pre: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer] {
  requireF32('gruBlockResetBackward', [dRH, dU, pre, bias, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer] = [host.alloc(2 * n), host.alloc(n)];
  const inputs = [dRH, dU, pre, bias, h].map((x) => x.buffer);
  launchOutputs(host, 'gruBlockResetBackward', gruBlockResetBackwardWGSL, gruLayout(h, [1, 1, 2, 0, 1, 2, 1]), inputs, outs);
  return outs;
}

export function gruBlockOutput(host: KernelHost, pre: Op, bias: Op, u: Op, h: Op): GpuBuffer {
  requireF32('gruBlockOutput', [pre, bias, u, h]);
  const n = sizeOf(h.shape);
  const out = host.alloc(n);
  const layout = gruLayout(h, [1, 0, 1, 1, 1]);
  host.launchRows('gruBlockOutput', gruBlockOutputWGSL(), layout.rows, [pre.buffer, bias.buffer, u.buffer, h.buffer, out], layout.perRow, layout.threads, layout.params, 1);
  return out;
}

export function gruBlockOutputBackward(host: KernelHost, g: Op, pre: Op, bias: Op, u: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('gruBlockOutputBackward', [g, pre, bias, u, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(n), host.alloc(n), host.alloc(n)];
  const inputs = [g, pre, bias, u, h].map((x) => x.buffer);
  launchOutputs(host, 'gruBlockOutputBackward', gruBlockOutputBackwardWGSL, gruLayout(h, [1, 1, 0, 1, 1, 1, 1, 1]), inputs, outs);
  return outs;
}

export function gruResetAfter(host: KernelHost, x: Op, hp: Op, bias: Op, h: Op): GpuBuffer {
  requireF32('gruResetAfter', [x, hp, bias, h]);
  const n = sizeOf(h.shape);
  const out = host.alloc(n);
  const layout = gruLayout(h, [3, 3, 0, 1, 1]);
  host.launchRows('gruResetAfter', gruResetAfterWGSL(), layout.rows, [x.buffer, hp.buffer, bias.buffer, h.buffer, out], layout.perRow, layout.threads, layout.params, 1);
  return out;
}

export function gruResetAfterBackward(host: KernelHost, g: Op, x: Op, hp: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('gruResetAfterBackward', [g, x, hp, bias, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(3 * n), host.alloc(3 * n), host.alloc(n)];
  const inputs = [g, x, hp, bias, h].map((t) => t.buffer);
  launchOutputs(host, 'gruResetAfterBackward', gruResetAfterBackwardWGSL, gruLayout(h, [1, 3, 3, 0, 1, 3, 3, 1]), inputs, outs);
  return outs;
}

// ---- optimiser -------------------------------------------------------------------------------

export function adamUpdate(host: KernelHost, p: Op, g: Op, m: Op, v: Op, hyper: AdamHyper): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('adamUpdate', [p, g, m, v]);
  const n = sizeOf(p.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(n), host.alloc(n), host.alloc(n)];
  const { lrT, beta1, beta2, eps } = hyper;
  const params = [n, ...[lrT, beta1, 1 - beta1, beta2, 1 - beta2, eps].map(f32Bits)];
  host.launchRows('adamUpdate', adamWGSL(), n, [p.buffer, g.buffer, m.buffer, v.buffer, ...outs], [1, 1, 1, 1, 1, 1, 1], 1, (r) => [r, ...params.slice(1)], 3);
  return outs;
}

/** Tensors bound by one partial launch: more pipelines are not worth it (at most this many variants). */
const SUM_SQUARES_MAX_INPUTS = 8;

export function sumSquares(host: KernelHost, xs: readonly Op[], tiling: SumSquaresTiling = SUM_SQUARES_TILING): GpuBuffer {
  requireF32('sumSquares', xs);
  const perLaunch = Math.min(SUM_SQUARES_MAX_INPUTS, host.storageBufferLimit() - 2);
  const chunk = tiling.lanes * tiling.perLane;
  // A tensor bigger than a binding is summed as several windows (each a tensor of its own here).
  const limit = host.bindingLimit();
  const pieceLen = Math.floor(limit / WINDOW_ALIGN) * WINDOW_ALIGN;
  const pieces = xs.flatMap((x): { bind: Binding; len: number }[] => {
    const len = sizeOf(x.shape);
    if (len <= limit) return [{ bind: x.buffer, len }];
    const out: { bind: Binding; len: number }[] = [];
    for (let at = 0; at < len; at += pieceLen) out.push({ bind: host.window(x.buffer, at, Math.min(pieceLen, len - at)), len: Math.min(pieceLen, len - at) });
    return out;
  });
  const groupsOf = pieces.map((x) => Math.ceil(x.len / chunk));
  const total = groupsOf.reduce((a, b) => a + b, 0);
  const partials = host.alloc(Math.max(1, total));
  let slot = 0;
  for (let s = 0; s < pieces.length; s += perLaunch) {
    const part = pieces.slice(s, s + perLaunch);
    const table: number[] = [];
    let groups = 0;
    part.forEach((x, k) => {
      table.push(x.len, groups);
      groups += groupsOf[s + k];
    });
    if (groups === 0) continue;
    const buffers = [...part.map((x) => x.bind), partials];
    host.launch('sumSquares', sumSquaresPartialWGSL(part.length, tiling), [groups, part.length, slot, ...table], buffers, groups, 1);
    slot += groups;
  }
  const out = host.alloc(1);
  host.launch('sumSquares.final', sumSquaresFinalWGSL(tiling.lanes), [total], [partials, out], 1, 1);
  host.dispose(partials);
  return out;
}

// ---- distributions ---------------------------------------------------------------------------

function readsOf(xs: readonly Op[], n: number): OperandRead[] {
  return xs.map((x) => {
    const len = sizeOf(x.shape);
    return len === n ? 'full' : len === 1 ? 'scalar' : 'mod';
  });
}

/**
 * Rows of a distribution kernel over big buffers: a row is the least common multiple of the 'mod'
 * operands' lengths, so every chunk starts where i mod each length is 0 (those and scalars are
 * bound whole, full operands and outputs in windows).
 */
function distributionLayout(xs: readonly Op[], reads: readonly OperandRead[], n: number, outputs: number): RowLayout {
  let unit = 1;
  reads.forEach((r, k) => {
    if (r === 'mod') {
      const len = sizeOf(xs[k].shape);
      unit = (unit / gcd(unit, len)) * len;
    }
  });
  const lens = xs.map((x) => sizeOf(x.shape));
  const rows = n === 0 ? 0 : n / unit;
  const perRow = [...reads.map((r) => (r === 'full' ? unit : 0)), ...new Array<number>(outputs).fill(unit)];
  return { rows, threads: unit, perRow, params: (r) => [r * unit, ...lens] };
}

export function distribution(host: KernelHost, op: DistributionOp, xs: readonly Op[], outShape: Shape): GpuBuffer {
  requireF32(op, xs);
  const n = sizeOf(outShape);
  const out = host.alloc(n);
  const reads = readsOf(xs, n);
  const layout = distributionLayout(xs, reads, n, 1);
  host.launchRows(op, distributionWGSL(op, reads), layout.rows, [...xs.map((x) => x.buffer), out], layout.perRow, layout.threads, layout.params, 1);
  return out;
}

export function distributionBackward(host: KernelHost, op: DistributionOp, g: Op, xs: readonly Op[], wanted: readonly boolean[]): (GpuBuffer | null)[] {
  requireF32(`${op}Backward`, [g, ...xs]);
  const n = sizeOf(g.shape);
  const outs = wanted.map((w) => (w ? host.alloc(n) : null));
  const reads = readsOf(xs, n);
  const inputs = [g.buffer, ...xs.map((x) => x.buffer)];
  // The incoming gradient is full-size: a window per row like the outputs.
  const base = distributionLayout(xs, reads, n, outs.length);
  const layout = { ...base, perRow: [base.threads, ...base.perRow] };
  launchOutputs(host, `${op}Backward`, (mask) => distributionBackwardWGSL(op, reads, mask), layout, inputs, outs);
  return outs;
}
