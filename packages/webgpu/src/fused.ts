/**
 * The WebGPU backend's fused kernels (Backend.gruBlockReset … distributionBackward): operand
 * plumbing and launches, kept out of backend.ts, which exposes its allocator and launcher to them
 * as a KernelHost. WGSL and the strategy of each kernel: kernels/gru.ts, adam.ts, distributions.ts.
 */
import type { AdamHyper, DistributionOp, Operand, Shape } from '@dreamer/tensor';
import type { GpuBuffer } from './backend.ts';
import { SUM_SQUARES_TILING, type SumSquaresTiling } from './kernels/adam.ts';
import type { OperandRead } from './kernels/distributions.ts';
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
  launch(name: string, code: string, params: readonly number[], buffers: readonly GpuBuffer[], groups: number, outputs: number): void;
  /** One thread per element over n (skipped when n is 0). */
  launch1d(name: string, code: string, params: readonly number[], buffers: readonly GpuBuffer[], n: number, outputs: number): void;
  /** The device's maxStorageBuffersPerShaderStage (params take one). */
  storageBufferLimit(): number;
}

const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const unitsOf = (h: Op): number => h.shape[h.shape.length - 1];
const f32Bits = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];

function requireF32(name: string, xs: readonly Op[]): void {
  for (const x of xs) if (x.dtype !== 'f32') throw new Error(`not implemented on webgpu yet: ${name} for ${x.dtype}`);
}

/**
 * Launches `code(mask)` writing `outputs` (null: not wanted), as one launch when the binding
 * limit allows and otherwise over several, each writing the outputs its mask selects.
 */
function launchOutputs(
  host: KernelHost,
  name: string,
  code: (mask: readonly boolean[]) => string,
  params: readonly number[],
  inputs: readonly GpuBuffer[],
  outputs: readonly (GpuBuffer | null)[],
  n: number,
): void {
  const room = host.storageBufferLimit() - 1 - inputs.length;
  if (room < 1) throw new Error(`webgpu: ${name} needs ${inputs.length + 2} storage buffers; the device allows ${host.storageBufferLimit()}`);
  const live = outputs.flatMap((o, k) => (o ? [k] : []));
  for (let s = 0; s < live.length; s += room) {
    const part = live.slice(s, s + room);
    const mask = outputs.map((_, k) => part.includes(k));
    host.launch1d(name, code(mask), params, [...inputs, ...part.map((k) => outputs[k]!)], n, part.length);
  }
}

// ---- GRU -------------------------------------------------------------------------------------

export function gruBlockReset(host: KernelHost, pre: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer] {
  requireF32('gruBlockReset', [pre, bias, h]);
  const n = sizeOf(h.shape);
  const rh = host.alloc(n);
  const u = host.alloc(n);
  host.launch1d('gruBlockReset', gruBlockResetWGSL(), [n, unitsOf(h)], [pre.buffer, bias.buffer, h.buffer, rh, u], n, 2);
  return [rh, u];
}

export function gruBlockResetBackward(host: KernelHost, dRH: Op, dU: Op, pre: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer] {
  requireF32('gruBlockResetBackward', [dRH, dU, pre, bias, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer] = [host.alloc(2 * n), host.alloc(n)];
  const inputs = [dRH, dU, pre, bias, h].map((x) => x.buffer);
  launchOutputs(host, 'gruBlockResetBackward', gruBlockResetBackwardWGSL, [n, unitsOf(h)], inputs, outs, n);
  return outs;
}

export function gruBlockOutput(host: KernelHost, pre: Op, bias: Op, u: Op, h: Op): GpuBuffer {
  requireF32('gruBlockOutput', [pre, bias, u, h]);
  const n = sizeOf(h.shape);
  const out = host.alloc(n);
  host.launch1d('gruBlockOutput', gruBlockOutputWGSL(), [n, unitsOf(h)], [pre.buffer, bias.buffer, u.buffer, h.buffer, out], n, 1);
  return out;
}

export function gruBlockOutputBackward(host: KernelHost, g: Op, pre: Op, bias: Op, u: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('gruBlockOutputBackward', [g, pre, bias, u, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(n), host.alloc(n), host.alloc(n)];
  const inputs = [g, pre, bias, u, h].map((x) => x.buffer);
  launchOutputs(host, 'gruBlockOutputBackward', gruBlockOutputBackwardWGSL, [n, unitsOf(h)], inputs, outs, n);
  return outs;
}

export function gruResetAfter(host: KernelHost, x: Op, hp: Op, bias: Op, h: Op): GpuBuffer {
  requireF32('gruResetAfter', [x, hp, bias, h]);
  const n = sizeOf(h.shape);
  const out = host.alloc(n);
  host.launch1d('gruResetAfter', gruResetAfterWGSL(), [n, unitsOf(h)], [x.buffer, hp.buffer, bias.buffer, h.buffer, out], n, 1);
  return out;
}

export function gruResetAfterBackward(host: KernelHost, g: Op, x: Op, hp: Op, bias: Op, h: Op): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('gruResetAfterBackward', [g, x, hp, bias, h]);
  const n = sizeOf(h.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(3 * n), host.alloc(3 * n), host.alloc(n)];
  const inputs = [g, x, hp, bias, h].map((t) => t.buffer);
  launchOutputs(host, 'gruResetAfterBackward', gruResetAfterBackwardWGSL, [n, unitsOf(h)], inputs, outs, n);
  return outs;
}

// ---- optimiser -------------------------------------------------------------------------------

export function adamUpdate(host: KernelHost, p: Op, g: Op, m: Op, v: Op, hyper: AdamHyper): [GpuBuffer, GpuBuffer, GpuBuffer] {
  requireF32('adamUpdate', [p, g, m, v]);
  const n = sizeOf(p.shape);
  const outs: [GpuBuffer, GpuBuffer, GpuBuffer] = [host.alloc(n), host.alloc(n), host.alloc(n)];
  const { lrT, beta1, beta2, eps } = hyper;
  const params = [n, ...[lrT, beta1, 1 - beta1, beta2, 1 - beta2, eps].map(f32Bits)];
  host.launch1d('adamUpdate', adamWGSL(), params, [p.buffer, g.buffer, m.buffer, v.buffer, ...outs], n, 3);
  return outs;
}

/** Tensors bound by one partial launch: more pipelines are not worth it (at most this many variants). */
const SUM_SQUARES_MAX_INPUTS = 8;

export function sumSquares(host: KernelHost, xs: readonly Op[], tiling: SumSquaresTiling = SUM_SQUARES_TILING): GpuBuffer {
  requireF32('sumSquares', xs);
  const perLaunch = Math.min(SUM_SQUARES_MAX_INPUTS, host.storageBufferLimit() - 2);
  const chunk = tiling.lanes * tiling.perLane;
  const groupsOf = xs.map((x) => Math.ceil(sizeOf(x.shape) / chunk));
  const total = groupsOf.reduce((a, b) => a + b, 0);
  const partials = host.alloc(Math.max(1, total));
  let slot = 0;
  for (let s = 0; s < xs.length; s += perLaunch) {
    const part = xs.slice(s, s + perLaunch);
    const table: number[] = [];
    let groups = 0;
    part.forEach((x, k) => {
      table.push(sizeOf(x.shape), groups);
      groups += groupsOf[s + k];
    });
    if (groups === 0) continue;
    const buffers = [...part.map((x) => x.buffer), partials];
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

export function distribution(host: KernelHost, op: DistributionOp, xs: readonly Op[], outShape: Shape): GpuBuffer {
  requireF32(op, xs);
  const n = sizeOf(outShape);
  const out = host.alloc(n);
  const params = [n, ...xs.map((x) => sizeOf(x.shape))];
  host.launch1d(op, distributionWGSL(op, readsOf(xs, n)), params, [...xs.map((x) => x.buffer), out], n, 1);
  return out;
}

export function distributionBackward(host: KernelHost, op: DistributionOp, g: Op, xs: readonly Op[], wanted: readonly boolean[]): (GpuBuffer | null)[] {
  requireF32(`${op}Backward`, [g, ...xs]);
  const n = sizeOf(g.shape);
  const outs = wanted.map((w) => (w ? host.alloc(n) : null));
  const reads = readsOf(xs, n);
  const params = [n, ...xs.map((x) => sizeOf(x.shape))];
  const inputs = [g.buffer, ...xs.map((x) => x.buffer)];
  launchOutputs(host, `${op}Backward`, (mask) => distributionBackwardWGSL(op, reads, mask), params, inputs, outs, n);
  return outs;
}
