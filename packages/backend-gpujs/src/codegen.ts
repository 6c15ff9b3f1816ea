/**
 * Source-text helpers for gpu.js kernels. Kernels index flat 1-D arrays; an output element's
 * coordinates come from its flat index by division with a remainder correction, so the integer
 * arithmetic (done in float32, as every gpu.js mode computes) stays exact for indices below 2²⁴.
 */
import type { Shape } from '@dreamer/tensor';

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: Shape): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** Strides of `inShape` read as broadcast to `outShape` (0 along repeated or missing axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const own = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < lead || inShape[i - lead] === 1 ? 0 : own[i - lead]));
}

/** [product of axes before `axis`, size of `axis`, product of axes after]. */
export function splitAt(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** A finite number as a kernel literal (gpu.js has no NaN/Infinity literals: see runtime SPECIALS). */
export function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`gpujs codegen: ${v} cannot be a kernel literal`);
  return Object.is(v, -0) ? '0' : String(v);
}

/**
 * Drops size-1 axes and merges neighbouring axes that every stride list walks contiguously, so a
 * strided read of shape [2, 3, 4] with row-major strides becomes one axis of 24. Returns the
 * shape and the stride lists of the merged axes (at least one axis).
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, j) => out[j][last] === s[k] * shape[k])) {
      dims[last] *= shape[k];
      strides.forEach((s, j) => (out[j][last] = s[k]));
    } else {
      dims.push(shape[k]);
      strides.forEach((s, j) => out[j].push(s[k]));
    }
  }
  if (dims.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: dims, strides: out };
}

/**
 * Statements that split the flat index `index` of `shape` into coordinates: returns the code and
 * the coordinate expressions, outermost first (variables named after `prefix`, so the same
 * call always gives the same text and the kernel cache can match it). Each step is a floor division whose remainder is
 * corrected into [0, d) (GPU division need not round correctly).
 */
export function coords(index: string, shape: readonly number[], prefix = 'o'): { code: string; vars: string[] } {
  const vars = new Array<string>(shape.length);
  const lines: string[] = [];
  let rest = index;
  for (let k = shape.length - 1; k >= 1; k--) {
    const d = shape[k];
    const q = `${prefix}q${k}`;
    const c = `${prefix}c${k}`;
    lines.push(
      `let ${q} = Math.floor(${rest} / ${d});`,
      `let ${c} = ${rest} - ${q} * ${d};`,
      `if (${c} < 0) { ${q} = ${q} - 1; ${c} = ${c} + ${d}; }`,
      `if (${c} >= ${d}) { ${q} = ${q} + 1; ${c} = ${c} - ${d}; }`,
    );
    vars[k] = c;
    rest = q;
  }
  if (shape.length > 0) vars[0] = rest;
  return { code: lines.join('\n'), vars };
}

/** Σ coordinate · stride (+ offset), leaving out zero strides. */
export function offsetExpr(vars: readonly string[], strides: readonly number[], offset = 0): string {
  const terms = vars.flatMap((v, k) => (strides[k] === 0 ? [] : [strides[k] === 1 ? v : `${v} * ${strides[k]}`]));
  if (offset !== 0 || terms.length === 0) terms.push(String(offset));
  return terms.join(' + ');
}

/**
 * `function(names...) { body }` — the kernel source form gpu.js compiles. A body that reads the
 * special values (`sp[…]`) gets `sp` as its last parameter; the runtime passes it.
 */
export function kernel(params: readonly string[], body: string): string {
  const all = body.includes('sp[') ? [...params, 'sp'] : params;
  return `function(${all.join(', ')}) {\n${body}\n}`;
}

/** floor(a / b) and a − b·floor(a / b) of non-negative integers held in floats, exactly (a < 2²⁴). */
export function exactDivmod(a: string, b: string, q: string, r: string): string {
  return [
    `let ${q} = Math.floor(${a} / ${b});`,
    `let ${r} = ${a} - ${q} * ${b};`,
    `if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${b}; }`,
    `if (${r} >= ${b}) { ${q} = ${q} + 1; ${r} = ${r} - ${b}; }`,
  ].join('\n');
}
