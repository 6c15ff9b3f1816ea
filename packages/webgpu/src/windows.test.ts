// The window planners (windows.ts), without a device: chunks and boxes cover the work exactly once,
// every window starts aligned and fits the limit, and what cannot be split is refused (null).
import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_LAUNCHES, WINDOW_ALIGN, planBoxes, planRows } from './windows.ts';

describe('planRows', () => {
  it('one chunk when everything fits, balanced aligned chunks otherwise', () => {
    expect(planRows(10, [5, 0], 100)).toEqual([{ r0: 0, rows: 10 }]);
    // 2500 images of 31·31·32 floats under 128 MiB: starts must be even (30752 ≡ 32 mod 64).
    const limit = (128 * 2 ** 20) / 4;
    const chunks = planRows(2500, [64 * 64 * 3, 31 * 31 * 32], limit)!;
    expect(chunks.length).toBe(3);
    expect(chunks.reduce((s, c) => s + c.rows, 0)).toBe(2500);
    for (const c of chunks) {
      expect((c.r0 * 31 * 31 * 32) % WINDOW_ALIGN).toBe(0);
      expect(c.rows * 31 * 31 * 32).toBeLessThanOrEqual(limit);
    }
  });

  it('odd rows: starts on multiples of the alignment; null when an aligned chunk cannot fit', () => {
    const chunks = planRows(1000, [7], 1000)!;
    for (const c of chunks) {
      expect((c.r0 * 7) % WINDOW_ALIGN).toBe(0);
      expect(c.rows * 7).toBeLessThanOrEqual(1000);
    }
    expect(chunks.map((c) => c.r0 + c.rows).at(-1)).toBe(1000);
    // 64 rows of 7 floats are the smallest aligned chunk: 448 > 400.
    expect(planRows(1000, [7], 400)).toBeNull();
    expect(planRows(10, [101], 100)).toBeNull();
  });
});

/** Every element of the space, visited once, reads inside each operand's window. */
function checkBoxes(shape: number[], strides: number[][], limit: number, sizes?: number[]): number {
  const operands = strides.map((s, j) => ({ strides: s, offset: 3 * j, size: sizes?.[j] ?? Number.POSITIVE_INFINITY }));
  const boxes = planBoxes(shape, operands, limit)!;
  expect(boxes).not.toBeNull();
  const seen = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  const rowMajor = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  for (const box of boxes) {
    box.windows.forEach((w) => {
      if (!w) return;
      expect(w.start % WINDOW_ALIGN).toBe(0);
      expect(w.size).toBeLessThanOrEqual(limit);
    });
    const n = box.shape.reduce((a, b) => a * b, 1);
    for (let e = 0; e < n; e++) {
      let rem = e;
      const idx = box.shape.map(() => 0);
      for (let k = box.shape.length - 1; k >= 0; k--) {
        idx[k] = (rem % box.shape[k]) + box.origin[k];
        rem = Math.floor(rem / box.shape[k]);
      }
      seen[idx.reduce((s, v, k) => s + v * rowMajor[k], 0)]++;
      box.windows.forEach((w, j) => {
        if (!w) return;
        const at = operands[j].offset + idx.reduce((s, v, k) => s + v * operands[j].strides[k], 0);
        expect(at >= w.start && at < w.start + w.size).toBe(true);
      });
    }
  }
  expect(seen.every((v) => v === 1)).toBe(true);
  return boxes.length;
}

describe('planBoxes', () => {
  it('a row-major output with a broadcast operand: cut along the leading axis', () => {
    // [300, 37] + [37] (a bias), limit 1000 floats.
    expect(checkBoxes([300, 37], [[37, 1], [0, 1]], 1000, [Infinity, 37])).toBeLessThan(20);
  });

  it('a transpose: each side cut along its own leading axis, few boxes', () => {
    expect(checkBoxes([90, 70], [[1, 90], [70, 1]], 2000)).toBeLessThanOrEqual(16);
  });

  it('a reduction layout (kept axis, then a reduced axis with a big stride)', () => {
    checkBoxes([7, 400], [[1, 7], [1, 0]], 500);
  });

  it('cuts a stride past the limit to single rows; refuses a limit under the alignment and too many boxes', () => {
    expect(planBoxes([2, 2], [{ strides: [1000, 1], offset: 0, size: Infinity }], 500)?.length).toBe(2);
    expect(planBoxes([2], [{ strides: [1], offset: 0, size: Infinity }], 10)).toBeNull();
    expect(planBoxes([MAX_WINDOW_LAUNCHES + 1, 200], [{ strides: [200, 1], offset: 0, size: Infinity }], 100)).toBeNull();
    expect(planBoxes([0, 5], [{ strides: [5, 1], offset: 0, size: Infinity }], 100)).toEqual([]);
  });
});
