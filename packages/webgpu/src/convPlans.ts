/**
 * Launch plans of the implicit-GEMM conv kernels (kernels/convForward*.ts, convBackward*.ts) as
 * plain data, kept out of backend.ts: which WGSL, which params, which workgroup counts. Grids are
 * chunked so that no dimension exceeds 65535 workgroups (grid.ts), and the filter gradient's long
 * reduction is split over grid z when its output has few tiles.
 */
import type { Conv2dGeometry, Shape } from '@dreamer/tensor';
import { NARROW_MAX_C, NARROW_ROWS_PER_LANE, narrowColumnGroup, narrowLanes } from './kernels/convBackwardInputNarrow.ts';
import { BLOCKED_TILE, convGeoParams, maxPhaseRows } from './kernels/convGeometry.ts';
import { TILE_M, TILE_N } from './kernels/subgroupTile.ts';
import { MAX_GROUPS, gridChunks } from './grid.ts';
import {
  conv2dBackwardFilterBlockedWGSL,
  conv2dBackwardFilterSubgroupWGSL,
  conv2dBackwardInputBlockedWGSL,
  conv2dBackwardInputNarrowWGSL,
  conv2dBackwardInputSubgroupWGSL,
  conv2dForwardBlockedWGSL,
  conv2dForwardSubgroupWGSL,
  narrowFilterWGSL,
} from './wgsl.ts';

export type ConvGemmKernel = 'blocked' | 'subgroup';

export interface ConvLaunch {
  name: string;
  code: string;
  params: number[];
  groups: [number, number, number];
}

/**
 * Split-K aims at this many workgroups: on lavapipe (2 cores, a workgroup at a time per core) a
 * few dozen keep both cores busy to the end; more only add partial planes to sum.
 */
export const SPLIT_TARGET_GROUPS = 48;
/** ...but a slice keeps at least this many k-steps (output pixels × batch), or launch costs dominate. */
export const SPLIT_MIN_K = 512;

const tileRows = (kernel: ConvGemmKernel): number => (kernel === 'subgroup' ? TILE_M : BLOCKED_TILE);
const tileCols = (kernel: ConvGemmKernel): number => (kernel === 'subgroup' ? TILE_N : BLOCKED_TILE);

/** One launch per grid chunk (grid.ts); the chunk's first tiles travel in params 13 (rows) and 14 (columns). */
export function chunkGrid(name: string, code: string, params: readonly number[], colTiles: number, rowTiles: number, depth: number): ConvLaunch[] {
  if (depth > MAX_GROUPS) throw new RangeError(`webgpu: ${name} needs ${depth} > ${MAX_GROUPS} workgroups along z`);
  return gridChunks(colTiles, rowTiles, depth).map(({ x0, y0, groups }) => {
    const p = [...params];
    p[13] = y0;
    p[14] = x0;
    return { name, code, params: p, groups };
  });
}

/** conv2d forward; the subgroup kernel needs C % 4 = 0 and O % 4 = 0 (else matmulSubgroup.ts's 'conv' mode). */
export function forwardLaunches(kernel: ConvGemmKernel, xShape: Shape, wShape: Shape, yShape: Shape, g: Conv2dGeometry): ConvLaunch[] {
  const params = convGeoParams(xShape, wShape, yShape, g);
  const rows = yShape[0] * yShape[1] * yShape[2];
  const code = kernel === 'subgroup' ? conv2dForwardSubgroupWGSL() : conv2dForwardBlockedWGSL(xShape[3] % 4 === 0, wShape[3] % 4 === 0);
  return chunkGrid(`conv2d.${kernel}`, code, params, Math.ceil(wShape[3] / tileCols(kernel)), Math.ceil(rows / tileRows(kernel)), 1);
}

/** dy offsets t = dy0(p) − ti read by the taps of every stride phase p along one axis: [first, count]. */
function dyOffsets(k: number, s: number, pad: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < s; p++) {
    const k0 = (p + pad) % s;
    const taps = Math.ceil((k - k0) / s);
    if (taps <= 0) continue;
    const d = (p + pad - k0) / s;
    lo = Math.min(lo, d - taps + 1);
    hi = Math.max(hi, d);
  }
  return [lo, hi - lo + 1];
}

/** A launch over `size` threads in 1-D element-wise workgroups. */
export interface ConvPass {
  name: string;
  code: string;
  params: number[];
  size: number;
}

/**
 * The input gradient: per stride phase on 32-column tiles, or for C ≤ NARROW_MAX_C the narrow
 * kernel, after `pack` has rearranged the filter into a scratch buffer of `pack.size` floats.
 */
export function backwardInputPlan(
  kernel: ConvGemmKernel,
  dyShape: Shape,
  wShape: Shape,
  xShape: Shape,
  g: Conv2dGeometry,
): { pack: ConvPass | null; launches: ConvLaunch[] } {
  const vecO = wShape[3] % 4 === 0;
  const params = convGeoParams(xShape, wShape, dyShape, g);
  const [sh, sw] = g.strides;
  if (xShape[3] <= NARROW_MAX_C) {
    const [uLo, u] = dyOffsets(wShape[0], sh, g.pads[0]);
    const [vLo, v] = dyOffsets(wShape[1], sw, g.pads[2]);
    const j = sh * sw * xShape[3];
    const j4 = Math.ceil(j / 4);
    const jg = narrowColumnGroup(j);
    const packSize = u * v * Math.ceil(wShape[3] / 4) * 4 * j4 * 4;
    const narrow = [...params, uLo, u, vLo, v, j, j4];
    const pack = { name: 'conv2dBackwardInput.narrowFilter', code: narrowFilterWGSL(), params: [...narrow, packSize], size: packSize };
    const rows = xShape[0] * Math.ceil(xShape[1] / sh) * Math.ceil(xShape[2] / sw);
    const lanes = narrowLanes(kernel === 'subgroup') * NARROW_ROWS_PER_LANE;
    const code = conv2dBackwardInputNarrowWGSL(kernel === 'subgroup', vecO, jg);
    return { pack, launches: chunkGrid(`conv2dBackwardInput.narrow.${kernel}`, code, narrow, Math.ceil(j4 / jg), Math.ceil(rows / lanes), 1) };
  }
  const code = kernel === 'subgroup' ? conv2dBackwardInputSubgroupWGSL(vecO, xShape[3] % 4 === 0) : conv2dBackwardInputBlockedWGSL(vecO);
  const colTiles = Math.ceil(xShape[3] / tileCols(kernel));
  const rowTiles = Math.ceil(maxPhaseRows(xShape, g) / tileRows(kernel));
  return { pack: null, launches: chunkGrid(`conv2dBackwardInput.${kernel}`, code, params, colTiles, rowTiles, sh * sw) };
}

/** The number of split-K slices for a filter gradient of `tiles` output tiles over `pixels` × `batch` k-steps. */
export function splitKSlices(tiles: number, pixels: number, batch: number): number {
  const wanted = Math.ceil(SPLIT_TARGET_GROUPS / Math.max(1, tiles));
  const affordable = Math.floor((pixels * batch) / SPLIT_MIN_K);
  return Math.max(1, Math.min(wanted, affordable, pixels, MAX_GROUPS));
}

/**
 * The filter gradient's GEMM launches; with `slices` > 1 they write `slices` partial planes of
 * KH·KW·C·O floats, to be summed (kernels/splitK.ts) into the result. `maxSlices` bounds the
 * planes' buffer (by the binding size limit).
 */
export function backwardFilterPlan(
  kernel: ConvGemmKernel,
  xShape: Shape,
  dyShape: Shape,
  wShape: Shape,
  g: Conv2dGeometry,
  maxSlices = MAX_GROUPS,
): { launches: ConvLaunch[]; slices: number } {
  const [kh, kw, c, o] = wShape;
  const rows = kh * kw * c;
  const colTiles = Math.ceil(o / tileCols(kernel));
  const rowTiles = Math.ceil(rows / tileRows(kernel));
  const pixels = dyShape[1] * dyShape[2];
  let slices = Math.max(1, Math.min(maxSlices, splitKSlices(colTiles * rowTiles, pixels, dyShape[0])));
  const sliceLen = Math.max(1, Math.ceil(pixels / slices));
  slices = Math.max(1, Math.ceil(pixels / sliceLen));
  const vecC = c % 4 === 0;
  const vecO = o % 4 === 0;
  const code = kernel === 'subgroup' ? conv2dBackwardFilterSubgroupWGSL(vecC, vecO) : conv2dBackwardFilterBlockedWGSL(vecC, vecO);
  const params = convGeoParams(xShape, wShape, dyShape, g);
  params[15] = sliceLen;
  return { launches: chunkGrid(`conv2dBackwardFilter.${kernel}`, code, params, colTiles, rowTiles, slices), slices };
}
