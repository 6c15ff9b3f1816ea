// Launch plans of the conv gradients, without a GPU: grid chunking under the 65535 limit, the
// narrow/wide choice for the input gradient, and the split-K slices of the filter gradient.
import { describe, expect, it } from 'vitest';
import type { Conv2dGeometry } from '@dreamer/tensor';
import { backwardFilterPlan, backwardInputPlan, chunkGrid, splitKSlices } from './convPlans.ts';
import { MAX_GROUPS, gridChunks } from './grid.ts';

const s2: Conv2dGeometry = { strides: [2, 2], pads: [0, 0, 0, 0] };

describe('grid chunks', () => {
  it('cover the grid exactly, ≤ 65535 per dimension, with their offsets', () => {
    const chunks = gridChunks(70_000, 3, 131_071);
    expect(chunks.length).toBe(2 * 1 * 3);
    for (const { groups } of chunks) expect(Math.max(...groups)).toBeLessThanOrEqual(MAX_GROUPS);
    const covered = (axis: 0 | 1 | 2, key: 'x0' | 'y0' | 'z0') => new Set(chunks.map((c) => `${c[key]}+${c.groups[axis]}`));
    expect(covered(0, 'x0')).toEqual(new Set(['0+65535', '65535+4465']));
    expect(covered(2, 'z0')).toEqual(new Set(['0+65535', '65535+65535', '131070+1']));
    expect(gridChunks(1, 1, 1)).toEqual([{ x0: 0, y0: 0, z0: 0, groups: [1, 1, 1] }]);
  });

  it('conv launches carry the chunk offsets in params 13 (row tiles) and 14 (column tiles)', () => {
    const launches = chunkGrid('k', 'code', new Array(17).fill(7), 2, 140_000, 4);
    expect(launches.map((l) => [l.params[13], l.params[14], ...l.groups])).toEqual([
      [0, 0, 2, 65535, 4],
      [65535, 0, 2, 65535, 4],
      [131070, 0, 2, 8930, 4],
    ]);
    expect(() => chunkGrid('k', 'code', [], 1, 1, 70_000)).toThrow(/70000 > 65535/);
  });
});

describe('conv gradient plans', () => {
  it('input gradient: one launch over sh·sw phases; for C ≤ 8 the narrow kernel over super-pixels, after a filter pack', () => {
    const wide = backwardInputPlan('subgroup', [50, 14, 14, 64], [4, 4, 32, 64], [50, 31, 31, 32], s2);
    expect(wide.pack).toBeNull();
    expect(wide.launches.map((l) => [l.name, ...l.groups])).toEqual([['conv2dBackwardInput.subgroup', 1, Math.ceil((50 * 16 * 16) / 16), 4]]);
    // Decoder's last layer: k6 s2 VALID, C = 3: offsets u, v ∈ [−2, 0], J = 2·2·3 = 12 columns.
    const narrow = backwardInputPlan('blocked', [50, 30, 30, 32], [6, 6, 3, 32], [50, 64, 64, 3], s2);
    expect(narrow.launches.map((l) => [l.name, ...l.groups])).toEqual([['conv2dBackwardInput.narrow.blocked', 1, Math.ceil((50 * 32 * 32) / 512), 1]]);
    expect(narrow.launches[0].params.slice(17)).toEqual([-2, 3, -2, 3, 12, 3]);
    expect(narrow.pack?.size).toBe(3 * 3 * 32 * 12);
    expect(backwardInputPlan('blocked', [1, 5, 5, 7], [3, 3, 2, 7], [1, 7, 7, 2], { strides: [1, 1], pads: [0, 0, 0, 0] }).pack?.size).toBe(3 * 3 * 8 * 4);
    // Asymmetric pads and stride 3 with k 4: phases have 1 or 2 taps at different offsets.
    const odd = backwardInputPlan('subgroup', [3, 4, 5, 7], [4, 4, 5, 7], [3, 13, 13, 5], { strides: [3, 3], pads: [2, 0, 1, 3] });
    expect(odd.launches[0].params.slice(17, 21)).toEqual([0, 2, 0, 2]);
    const big = backwardInputPlan('subgroup', [1, 2050, 2050, 1], [1, 1, 1, 1], [1, 2050, 2050, 1], { strides: [1, 1], pads: [0, 0, 0, 0] });
    expect(big.launches.map((l) => l.groups[1])).toEqual([65535, Math.ceil((2050 * 2050) / 64) - 65535]);
  });

  it('filter gradient: split-K where the output has few tiles and K is long', () => {
    expect(splitKSlices(3, 961, 50)).toBe(16);
    expect(splitKSlices(6400, 1, 50)).toBe(1);
    expect(splitKSlices(1, 4, 2)).toBe(1);
    const enc1 = backwardFilterPlan('subgroup', [50, 64, 64, 3], [50, 31, 31, 32], [4, 4, 3, 32], s2);
    expect(enc1.slices).toBe(16);
    const sliceLen = enc1.launches[0].params[15];
    expect(sliceLen * enc1.slices).toBeGreaterThanOrEqual(31 * 31);
    expect(sliceLen * (enc1.slices - 1)).toBeLessThan(31 * 31);
    expect(enc1.launches[0].groups).toEqual([1, 3, 16]);
    const dec1 = backwardFilterPlan('subgroup', [50, 5, 5, 128], [50, 1, 1, 1024], [5, 5, 128, 1024], s2);
    expect([dec1.slices, ...dec1.launches[0].groups]).toEqual([1, 32, 200, 1]);
    const capped = backwardFilterPlan('blocked', [50, 64, 64, 3], [50, 31, 31, 32], [4, 4, 3, 32], s2, 2);
    expect(capped.slices).toBe(2);
  });
});
