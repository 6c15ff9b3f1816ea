/**
 * Finite-difference gradient checks of reductions, matmul, layout ops, convolutions and scans.
 */
import { describe } from 'vitest';
import * as T from '../../src/index.ts';
import type { Shape, Tensor } from '../../src/index.ts';
import { type SuiteDevice, labelOf } from './device.ts';
import { type Gen, type GradCase, type GradInput, gens, registerGradCases } from './gradcheck.ts';
import { useDevice } from './util.ts';

const one = (shape: Shape, gen?: Gen): GradInput[] => [{ shape, gen }];
const two = (a: Shape, b: Shape): GradInput[] => [{ shape: a }, { shape: b }];

/** Indices (i32) made inside the checked function. */
const idx = (values: number[] | number[][], shape?: Shape): Tensor => T.tensor(values, shape, 'i32');

function reduceCases(): GradCase[] {
  const shapes3 = [one([2, 3, 4]), one([3, 1, 4]), one([1, 2, 1])];
  const withGen = (gen: Gen) => shapes3.map(([x]) => one(x.shape, gen));
  const out: GradCase[] = [];
  for (const [axis, keep] of [[undefined, false], [1, false], [-1, true], [[0, 2], false], [[-3, -1], true]] as const) {
    const tag = `axis ${JSON.stringify(axis) ?? 'all'}${keep ? ' keepdims' : ''}`;
    out.push(
      { name: `sum ${tag}`, f: (x) => T.sum(x, axis, keep), shapes: shapes3 },
      { name: `mean ${tag}`, f: (x) => T.mean(x, axis, keep), shapes: shapes3 },
      { name: `max ${tag}`, f: (x) => T.max(x, axis, keep), shapes: withGen(gens.distinct) },
      { name: `min ${tag}`, f: (x) => T.min(x, axis, keep), shapes: withGen(gens.distinct) },
      { name: `prod ${tag}`, f: (x) => T.prod(x, axis, keep), shapes: withGen(gens.factors) },
      { name: `logsumexp ${tag}`, f: (x) => T.logsumexp(x, axis, keep), shapes: shapes3 },
    );
  }
  out.push({ name: 'sum of a scalar', f: (x) => T.sum(x), shapes: [one([])] });
  return out;
}

function matmulCases(): GradCase[] {
  const mm = (name: string, a: Shape, b: Shape, options: T.MatmulOptions = {}, f64Only = false): GradCase => ({
    name: `matmul ${name}`,
    f: (x, y) => T.matmul(x, y, options),
    shapes: [two(a, b)],
    f64Only,
  });
  return [
    mm('2-D', [3, 4], [4, 5]),
    mm('transposeA', [4, 3], [4, 5], { transposeA: true }),
    mm('transposeB', [3, 4], [5, 4], { transposeB: true }),
    mm('transposeA+B', [4, 3], [5, 4], { transposeA: true, transposeB: true }),
    mm('batched, broadcast batch axes', [2, 1, 3, 4], [5, 4, 2]),
    mm('batched, shared a, transposeA', [1, 4, 3], [3, 4, 2], { transposeA: true }, true),
    mm('batched, shared b, transposeB', [2, 3, 3, 4], [1, 2, 4], { transposeB: true }, true),
    mm('1-D @ 2-D', [4], [4, 3]),
    mm('2-D @ 1-D', [3, 4], [4], {}, true),
    mm('1-D @ 1-D', [4], [4], {}, true),
    mm('batched @ 1-D', [2, 3, 4], [4], {}, true),
    mm('1-D @ batched', [4], [2, 4, 3], {}, true),
    mm('1-D transposeB @ 1-D', [3], [3], { transposeB: true }, true),
    mm('2-D transposeA @ 1-D', [4, 3], [4], { transposeA: true }, true),
  ];
}

function shapeCases(): GradCase[] {
  return [
    { name: 'reshape', f: (x) => T.reshape(x, [4, -1]), shapes: [one([2, 3, 4]), one([4, 1])] },
    { name: 'transpose perm', f: (x) => T.transpose(x, [2, 0, 1]), shapes: [one([3, 1, 4]), one([2, 3, 4])] },
    { name: 'transpose default', f: (x) => T.transpose(x), shapes: [one([2, 3]), one([2, 3, 4])] },
    { name: 'broadcastTo', f: (x) => T.broadcastTo(x, [2, 3, 5, 4]), shapes: [one([3, 1, 4]), one([5, 1]), one([])] },
    { name: 'expandDims -1', f: (x) => T.expandDims(x, -1), shapes: [one([2, 3]), one([])] },
    { name: 'expandDims 1', f: (x) => T.expandDims(x, 1), shapes: [one([2, 3])] },
    { name: 'squeeze', f: (x) => T.squeeze(x), shapes: [one([3, 1, 4, 1]), one([1])] },
    { name: 'squeeze axis -1', f: (x) => T.squeeze(x, -1), shapes: [one([3, 1, 4, 1])] },
    { name: 'slice', f: (x) => T.slice(x, [1, -3], [2, -1]), shapes: [one([4, 5]), one([3, 3, 2])] },
    { name: 'pad', f: (x) => T.pad(x, [[1, 0], [2, 1]], 0.5), shapes: [one([2, 3]), one([1, 1])] },
    { name: 'concat axis -1', f: (a, b, c) => T.concat([a, b, c], -1), shapes: [[{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }]] },
    { name: 'concat axis 0', f: (a, b) => T.concat([a, b], 0), shapes: [two([1, 3], [2, 3]), two([2, 1, 2], [1, 1, 2])] },
    { name: 'concat of one tensor used twice', f: (a) => T.concat([a, T.mul(a, 2)], 1), shapes: [one([2, 2])] },
    { name: 'stack axis 1', f: (a, b, c) => T.stack([a, b, c], 1), shapes: [[{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }]] },
    { name: 'stack axis -1', f: (a, b) => T.stack([a, b], -1), shapes: [two([3], [3]), two([], [])] },
    { name: 'split equal', f: (x) => T.split(x, 3, 0), shapes: [one([6, 2]), one([3, 1])] },
    { name: 'split sizes', f: (x) => T.split(x, [1, 3, 0], 1), shapes: [one([2, 4])] },
    {
      // Repeated and out-of-range (clamped) indices: their gradients add up at the clamped row.
      name: 'gather axis 0',
      f: (x) => T.gather(x, idx([[0, 3], [3, -1], [9, 1]])),
      shapes: [one([4, 3]), one([4])],
    },
    { name: 'gather axis 1', f: (x) => T.gather(x, idx([2, 0, 2]), 1), shapes: [one([2, 3, 2])] },
    { name: 'gather scalar index', f: (x) => T.gather(x, T.scalar(1, 'i32'), -1), shapes: [one([2, 3])], f64Only: true },
    { name: 'scatterAdd axis 0', f: (u) => T.scatterAdd(u, idx([0, 2, 0, 7]), 0, [3, 2]), shapes: [one([4, 2])] },
    { name: 'scatterAdd axis 1', f: (u) => T.scatterAdd(u, idx([[1, 1], [0, 2]]), 1, [2, 3]), shapes: [one([2, 2, 2])] },
    { name: 'flatten', f: (x) => T.flatten(x), shapes: [one([2, 1, 3])], f64Only: true },
  ];
}

function convCases(): GradCase[] {
  const conv = (name: string, x: Shape, w: Shape, options: T.ConvOptions, f64Only = false): GradCase => ({
    name: `conv2d ${name}`,
    f: (a, b) => T.conv2d(a, b, options),
    shapes: [two(x, w)],
    f64Only,
  });
  const convT = (name: string, x: Shape, w: Shape, options: T.ConvTransposeOptions, f64Only = false): GradCase => ({
    name: `conv2dTranspose ${name}`,
    f: (a, b) => T.conv2dTranspose(a, b, options),
    shapes: [two(x, w)],
    f64Only,
  });
  return [
    conv('stride 1 VALID', [2, 5, 6, 3], [3, 2, 3, 2], {}),
    conv('stride 2 VALID, odd sizes', [1, 7, 5, 2], [3, 3, 2, 3], { strides: 2 }),
    conv('stride 1 SAME', [1, 5, 5, 2], [3, 3, 2, 2], { padding: 'SAME' }, true),
    conv('stride 2 SAME, even kernel', [2, 6, 7, 1], [4, 3, 1, 2], { strides: 2, padding: 'SAME' }),
    conv('strides [2, 1], explicit pads', [1, 5, 6, 2], [3, 3, 2, 2], { strides: [2, 1], padding: [1, 0, 2, 1] }, true),
    convT('stride 1 VALID', [1, 3, 4, 2], [3, 3, 3, 2], {}),
    convT('stride 2 VALID', [2, 3, 2, 2], [4, 3, 1, 2], { strides: 2 }),
    convT('stride 2 SAME', [1, 3, 3, 2], [3, 3, 2, 2], { strides: 2, padding: 'SAME' }, true),
    convT('stride 2 explicit pads', [1, 3, 3, 1], [3, 4, 2, 1], { strides: 2, padding: [1, 1, 0, 1] }, true),
    convT('stride 2 VALID, outputSize', [1, 2, 3, 1], [3, 3, 2, 1], { strides: 2, outputSize: [6, 8] }, true),
  ];
}

function scanCases(): GradCase[] {
  const out: GradCase[] = [];
  for (const exclusive of [false, true]) {
    for (const reverse of [false, true]) {
      const tag = `${exclusive ? 'exclusive' : 'inclusive'}${reverse ? ' reverse' : ''}`;
      const options = { exclusive, reverse };
      out.push(
        { name: `cumsum ${tag}`, f: (x) => T.cumsum(x, -1, options), shapes: [one([3, 4]), one([1])] },
        { name: `cumsum ${tag} axis 1`, f: (x) => T.cumsum(x, 1, options), shapes: [one([2, 3, 2])], f64Only: true },
        { name: `cumprod ${tag}`, f: (x) => T.cumprod(x, -1, options), shapes: [one([3, 4], gens.factors), one([1], gens.factors)] },
        { name: `cumprod ${tag} axis 0`, f: (x) => T.cumprod(x, 0, options), shapes: [one([3, 1, 2], gens.factors)], f64Only: true },
      );
    }
  }
  return out;
}

export function structuredGradSuite(device: SuiteDevice): void {
  const label = labelOf(device);
  describe(`${label} gradients: reductions`, () => {
    useDevice(device);
    registerGradCases(device, reduceCases());
  });
  describe(`${label} gradients: matmul`, () => {
    useDevice(device);
    registerGradCases(device, matmulCases());
  });
  describe(`${label} gradients: shape and layout`, () => {
    useDevice(device);
    registerGradCases(device, shapeCases());
  });
  describe(`${label} gradients: convolution`, () => {
    useDevice(device);
    registerGradCases(device, convCases());
  });
  describe(`${label} gradients: scans`, () => {
    useDevice(device);
    registerGradCases(device, scanCases());
  });
}
