/** Shapes are plain arrays of non-negative integers, outermost axis first (row-major). */
export type Shape = readonly number[];

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function assertShape(shape: unknown, op: string): asserts shape is Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** NumPy broadcasting of any number of shapes; the error names the op and every shape. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const axis = rank - s.length + i;
      const d = s[i];
      if (d === out[axis] || d === 1) continue;
      if (out[axis] === 1) {
        out[axis] = d;
        continue;
      }
      throw new ShapeError(
        `${op}: shapes ${shapes.map(fmt).join(' and ')} cannot be broadcast (axis ${axis - rank} has sizes ${out[axis]} and ${d})`,
      );
    }
  }
  return out;
}

/** The axes of `outShape` along which an operand of shape `inShape` was broadcast (for summing gradients back). */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const lead = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead || (inShape[i - lead] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Resolves a possibly negative axis; the error names the op, the axis and the shape. */
export function normalizeAxis(op: string, axis: number, rank: number, shape?: Shape): number {
  // A rank-0 tensor has no axes: accepting 0 there made cumsum/gather/concat read past the shape.
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const where = shape ? ` for shape ${fmt(shape)}` : '';
    const valid = rank === 0 ? 'a rank-0 tensor has no axes' : `expected -${rank} <= axis < ${rank}`;
    throw new ShapeError(`${op}: axis ${axis} is out of range${where} (rank ${rank}; ${valid})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises `axis` (undefined = all axes) into a sorted list of distinct non-negative axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, shape: Shape): number[] {
  const rank = shape.length;
  if (axis === undefined) return [...Array(rank).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(op, a, rank, shape));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((x, y) => x - y);
}
