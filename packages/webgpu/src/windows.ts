/**
 * Planning of windowed launches, for tensors bigger than a storage binding may be
 * (maxStorageBufferBindingSize, 128 MiB on lavapipe; buffers themselves may be up to maxBufferSize).
 * A kernel sees a binding as an array starting at the binding's offset, so a launch over part of
 * an op binds *windows* (offset + size) of its big buffers and runs on the sub-problem they hold;
 * the op runs as several such launches. Plain functions of shapes and sizes (no device), so a
 * launch stays plain data: pipeline, bindings (buffer, offset, size) and workgroup counts.
 *
 * Two planners:
 * - `planRows`: the op is a loop over rows (batch images, output rows, elements) and each operand
 *   spans a fixed number of elements per row (or is bound whole: a filter, a bias, a scalar). The
 *   kernel runs unchanged on a chunk of rows (its row count in params), so every window must start
 *   on an aligned offset: chunk starts are multiples of the rows that make every operand aligned.
 * - `planBoxes`: a strided iteration space (copies, broadcasting binary/where, reductions) is cut
 *   into boxes; each operand's window covers the elements the box touches, its start aligned down,
 *   and the kernel takes the remainder as an element offset (the windowed kernel variants).
 */

/**
 * Offsets of storage bindings are multiples of 256 bytes: WebGPU's largest allowed
 * minStorageBufferOffsetAlignment (lavapipe asks for 16), so windows bind on every device.
 */
export const WINDOW_ALIGN_BYTES = 256;
/** The same in 4-byte elements. */
export const WINDOW_ALIGN = WINDOW_ALIGN_BYTES / 4;
/** Launches one op may be split into before the plan is refused (a RangeError names the op). */
export const MAX_WINDOW_LAUNCHES = 1 << 16;

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

export interface RowChunk {
  /** First row of the chunk. */
  r0: number;
  /** Rows in the chunk. */
  rows: number;
}

/**
 * Splits `rows` rows into as few balanced chunks as fit: operand j spans `perRow[j]` elements per
 * row (0: bound whole, not planned here), chunk starts are multiples of the rows that put every
 * windowed operand on an `align`-element boundary, and no window exceeds `limit` elements.
 * Null when even the smallest aligned chunk does not fit (the caller says which op and shape).
 */
export function planRows(rows: number, perRow: readonly number[], limit: number, align = WINDOW_ALIGN): RowChunk[] | null {
  const windowed = perRow.filter((p) => p > 0);
  if (rows <= 0) return [];
  if (windowed.length === 0) return [{ r0: 0, rows }];
  const maxRows = Math.min(...windowed.map((p) => Math.floor(limit / p)));
  if (maxRows >= rows) return [{ r0: 0, rows }];
  // Rows per alignment step: r0·p ≡ 0 (mod align) for every operand.
  const step = windowed.reduce((q, p) => lcm(q, align / gcd(p, align)), 1);
  const most = Math.floor(maxRows / step) * step;
  if (most === 0) return null;
  const count = Math.ceil(rows / most);
  if (count > MAX_WINDOW_LAUNCHES) return null;
  // Balanced: every chunk but the last has the same multiple of `step` rows.
  const size = Math.ceil(rows / count / step) * step;
  const out: RowChunk[] = [];
  for (let r0 = 0; r0 < rows; r0 += size) out.push({ r0, rows: Math.min(size, rows - r0) });
  return out;
}

/** An operand of a strided iteration space: element = offset + Σ idx_k · strides[k]. */
export interface StridedOperand {
  readonly strides: readonly number[];
  readonly offset: number;
  /**
   * Elements of its buffer: an operand whose buffer fits the limit is bound whole (its window is
   * the buffer); Infinity always windows it.
   */
  readonly size: number;
}

/** One operand's window in a box: elements [start, start + size) of its buffer; `rel` = the box origin's element − start. */
export interface Window {
  readonly start: number;
  readonly size: number;
  readonly rel: number;
}

export interface Box {
  /** The box's index along each axis (origin = tile · the planned extent). */
  readonly tile: readonly number[];
  readonly origin: readonly number[];
  readonly shape: readonly number[];
  /** Per operand; null where the operand is bound whole (`rel` is then its absolute offset). */
  readonly windows: readonly (Window | null)[];
  /** Per operand: the element of the box origin (absolute). */
  readonly at: readonly number[];
}

/** Elements spanned by a box of extents `e` (all ≥ 1) over `strides` (non-negative). */
function span(e: readonly number[], strides: readonly number[]): number {
  let s = 1;
  for (let k = 0; k < e.length; k++) s += (e[k] - 1) * strides[k];
  return s;
}

/**
 * Cuts the iteration space `shape` into boxes such that every windowed operand's window (the span
 * of the box, its start aligned down to `align` elements) fits `limit` elements. Repeatedly, an
 * operand that does not fit has the axis contributing most to its span cut to the longest extent
 * that fits (balanced over the axis), so a row-major output is cut along its leading axes and a
 * transposed input along its own. Strides must be non-negative. Null when a single element's box
 * still does not fit (a stride beyond the limit) or the boxes would exceed MAX_WINDOW_LAUNCHES.
 * An empty space has no boxes.
 */
export function planBoxes(shape: readonly number[], operands: readonly StridedOperand[], limit: number, align = WINDOW_ALIGN): Box[] | null {
  if (shape.some((d) => d === 0)) return [];
  const room = limit - (align - 1);
  const windowed = operands.map((o) => !(o.size <= limit));
  const e = [...shape];
  for (;;) {
    const p = operands.findIndex((o, j) => windowed[j] && span(e, o.strides) > room);
    if (p < 0) break;
    const str = operands[p].strides;
    let axis = -1;
    let most = 0;
    for (let k = 0; k < e.length; k++) {
      const c = (e[k] - 1) * str[k];
      if (c > most) [axis, most] = [k, c];
    }
    if (axis < 0) return null;
    const rest = span(e, str) - most;
    const fit = Math.max(1, Math.min(e[axis] - 1, Math.floor((room - rest) / str[axis]) + 1));
    // Balanced over the axis: the same number of pieces, as even as they come.
    e[axis] = Math.ceil(shape[axis] / Math.ceil(shape[axis] / fit));
  }
  const counts = shape.map((d, k) => Math.ceil(d / e[k]));
  const total = counts.reduce((a, b) => a * b, 1);
  if (total > MAX_WINDOW_LAUNCHES) return null;
  const boxes: Box[] = [];
  const idx = counts.map(() => 0);
  for (let b = 0; b < total; b++) {
    const origin = idx.map((t, k) => t * e[k]);
    const ext = origin.map((o, k) => Math.min(e[k], shape[k] - o));
    const at = operands.map((o) => o.offset + origin.reduce((s, v, k) => s + v * o.strides[k], 0));
    const windows = operands.map((o, j): Window | null => {
      if (!windowed[j]) return null;
      const start = Math.floor(at[j] / align) * align;
      return { start, size: at[j] - start + span(ext, o.strides), rel: at[j] - start };
    });
    boxes.push({ tile: [...idx], origin, shape: ext, windows, at });
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k] < counts[k]) break;
      idx[k] = 0;
    }
  }
  return boxes;
}
