/**
 * Every WGSL generator the backend launches from, memoized by its arguments (kernels/common.ts
 * `memoWGSL`): backend.ts, fused.ts and convPlans.ts import the generators from here, so a launch
 * neither regenerates nor rehashes its kernel's source. The generators themselves (and their
 * strategy comments) live in kernels/.
 */
import * as adam from './kernels/adam.ts';
import * as binary from './kernels/binary.ts';
import { memoWGSL } from './kernels/common.ts';
import * as concat from './kernels/concat.ts';
import * as conv from './kernels/conv.ts';
import * as convBackwardFilterBlocked from './kernels/convBackwardFilterBlocked.ts';
import * as convBackwardFilterSubgroup from './kernels/convBackwardFilterSubgroup.ts';
import * as convBackwardInputBlocked from './kernels/convBackwardInputBlocked.ts';
import * as convBackwardInputNarrow from './kernels/convBackwardInputNarrow.ts';
import * as convBackwardInputSubgroup from './kernels/convBackwardInputSubgroup.ts';
import * as convForwardBlocked from './kernels/convForwardBlocked.ts';
import * as convForwardSubgroup from './kernels/convForwardSubgroup.ts';
import * as copy from './kernels/copy.ts';
import * as distributions from './kernels/distributions.ts';
import * as fill from './kernels/fill.ts';
import * as gather from './kernels/gather.ts';
import * as gru from './kernels/gru.ts';
import * as matmul from './kernels/matmul.ts';
import * as matmulSubgroup from './kernels/matmulSubgroup.ts';
import * as random from './kernels/random.ts';
import * as reduce from './kernels/reduce.ts';
import * as scan from './kernels/scan.ts';
import * as splitK from './kernels/splitK.ts';
import * as unary from './kernels/unary.ts';

export const adamWGSL = memoWGSL(adam.adamWGSL);
export const sumSquaresPartialWGSL = memoWGSL(adam.sumSquaresPartialWGSL);
export const sumSquaresFinalWGSL = memoWGSL(adam.sumSquaresFinalWGSL);
export const binaryWGSL = memoWGSL(binary.binaryWGSL);
export const whereWGSL = memoWGSL(binary.whereWGSL);
export const castWGSL = memoWGSL(binary.castWGSL);
export const conv2dWGSL = memoWGSL(conv.conv2dWGSL);
export const conv2dBackwardInputWGSL = memoWGSL(conv.conv2dBackwardInputWGSL);
export const conv2dBackwardFilterWGSL = memoWGSL(conv.conv2dBackwardFilterWGSL);
export const conv2dBackwardFilterBlockedWGSL = memoWGSL(convBackwardFilterBlocked.conv2dBackwardFilterBlockedWGSL);
export const conv2dBackwardFilterSubgroupWGSL = memoWGSL(convBackwardFilterSubgroup.conv2dBackwardFilterSubgroupWGSL);
export const conv2dBackwardInputBlockedWGSL = memoWGSL(convBackwardInputBlocked.conv2dBackwardInputBlockedWGSL);
export const conv2dBackwardInputNarrowWGSL = memoWGSL(convBackwardInputNarrow.conv2dBackwardInputNarrowWGSL);
export const narrowFilterWGSL = memoWGSL(convBackwardInputNarrow.narrowFilterWGSL);
export const conv2dBackwardInputSubgroupWGSL = memoWGSL(convBackwardInputSubgroup.conv2dBackwardInputSubgroupWGSL);
export const conv2dForwardBlockedWGSL = memoWGSL(convForwardBlocked.conv2dForwardBlockedWGSL);
export const conv2dForwardSubgroupWGSL = memoWGSL(convForwardSubgroup.conv2dForwardSubgroupWGSL);
export const concatWGSL = memoWGSL(concat.concatWGSL);
export const copyWGSL = memoWGSL(copy.copyWGSL);
export const distributionWGSL = memoWGSL(distributions.distributionWGSL);
export const distributionBackwardWGSL = memoWGSL(distributions.distributionBackwardWGSL);
export const fillWGSL = memoWGSL(fill.fillWGSL);
export const gatherWGSL = memoWGSL(gather.gatherWGSL);
export const scatterAddWGSL = memoWGSL(gather.scatterAddWGSL);
export const gruBlockResetWGSL = memoWGSL(gru.gruBlockResetWGSL);
export const gruBlockResetBackwardWGSL = memoWGSL(gru.gruBlockResetBackwardWGSL);
export const gruBlockOutputWGSL = memoWGSL(gru.gruBlockOutputWGSL);
export const gruBlockOutputBackwardWGSL = memoWGSL(gru.gruBlockOutputBackwardWGSL);
export const gruResetAfterWGSL = memoWGSL(gru.gruResetAfterWGSL);
export const gruResetAfterBackwardWGSL = memoWGSL(gru.gruResetAfterBackwardWGSL);
export const matmulPortableWGSL = memoWGSL(matmul.matmulPortableWGSL);
export const packKMajorWGSL = memoWGSL(matmul.packKMajorWGSL);
export const matmulBlocked4x4WGSL = memoWGSL(matmul.matmulBlocked4x4WGSL);
export const matmulSubgroupWGSL = memoWGSL(matmulSubgroup.matmulSubgroupWGSL);
export const packWGSL = memoWGSL(matmulSubgroup.packWGSL);
export const randomWGSL = memoWGSL(random.randomWGSL);
export const reduceWGSL = memoWGSL(reduce.reduceWGSL);
export const argReduceWGSL = memoWGSL(reduce.argReduceWGSL);
export const scanWGSL = memoWGSL(scan.scanWGSL);
export const sumSlicesWGSL = memoWGSL(splitK.sumSlicesWGSL);
export const unaryWGSL = memoWGSL(unary.unaryWGSL);
export const activationWGSL = memoWGSL(unary.activationWGSL);
export const activationBackwardWGSL = memoWGSL(unary.activationBackwardWGSL);
