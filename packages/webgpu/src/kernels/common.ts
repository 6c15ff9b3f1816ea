/**
 * Shared WGSL pieces. Every kernel binds its parameters as a read-only storage buffer of u32
 * words at binding 0 (`P`; floats travel as their bits), so shapes and strides of any rank fit
 * without uniform-alignment rules. Element-wise kernels run WG (256) lanes per workgroup on a 2-D grid
 * (x ≤ 65535 groups, then rows in y); the flat index is gid.x + gid.y · nwg.x · WG, and P[0] is
 * the element count.
 */
import type { DType } from '@dreamer/tensor';

/** Lanes per element-wise workgroup: on lavapipe 256 (the default limit) runs a 4M-element sigmoid
 * ~2.5× faster than 64 and ~6× faster than 8 — per-workgroup overhead dominates memory-bound kernels. */
export const WG = 256;

/** The WGSL scalar type a dtype is stored as: bool is stored as u32 0/1 on the GPU. */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'f32':
      return 'f32';
    case 'i32':
      return 'i32';
    case 'bool':
      return 'u32';
    case 'f64':
      throw new TypeError('webgpu: f64 is not supported (dtypes: f32, i32, bool)');
  }
}

export const PARAMS = /* wgsl */ `@group(0) @binding(0) var<storage, read> P: array<u32>;
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn pf(k: u32) -> f32 { return bitcast<f32>(P[k]); }
// Non-finite constants: a constant bitcast to inf/NaN is a WGSL compile error, so they go through a runtime 0.
fn f_inf() -> f32 { return bitcast<f32>(0x7f800000u | min(P[0], 0u)); }
fn f_nan() -> f32 { return bitcast<f32>(0x7fc00000u | min(P[0], 0u)); }
`;

/**
 * A finite f32 constant as WGSL that denotes exactly that f32: its bits, bitcast (an abstract-float
 * literal that is not exactly representable may round to either neighbour).
 */
export function f32Const(v: number): string {
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0];
  if ((bits & 0x7f800000) === 0x7f800000) throw new RangeError(`f32Const: ${v} is not finite (a WGSL compile error)`);
  return `bitcast<f32>(0x${bits.toString(16)}u)`;
}

/** The entry point header of an element-wise kernel: defines `i` and returns past P[0]. */
export const MAIN_1D = /* wgsl */ `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= P[0]) { return; }`;

/**
 * Code that decomposes `idx` over a shape of compile-time `rank` at P[shapeAt..shapeAt+rank) and
 * accumulates Σ coord·stride into each named variable from the stride lists at the given P
 * offsets. Unrolled with constant P indices: on lavapipe a load inside a loop (or at an address
 * computed at run time) is emitted per lane, ~11 instructions each, while a load at a constant
 * index is one scalar load for the whole SIMD group — a rank loop made a 10 K-element slice cost
 * ~0.7 ms. The outermost coordinate needs no division (idx is in range).
 */
export function stridedIndex(idx: string, rank: number, shapeAt: number, vars: readonly [string, number][]): string {
  const decl = vars.map(([v]) => `var ${v} = 0u;`).join(' ');
  const lines: string[] = [];
  for (let k = rank - 1; k >= 0; k--) {
    const coord = k === 0 ? 'rem_' : `rem_ - q_ * P[${shapeAt + k}]`;
    const step = k === 0 ? '' : `let q_ = rem_ / P[${shapeAt + k}]; `;
    const acc = vars.map(([v, at]) => `${v} += c_ * P[${at + k}];`).join(' ');
    lines.push(`    { ${step}let c_ = ${coord}; ${acc}${k === 0 ? '' : ' rem_ = q_;'} }`);
  }
  return `${decl}
  { var rem_ = ${idx};
${lines.join('\n')}
  }`;
}

/**
 * Memoizes a WGSL generator by its (JSON-serialisable) arguments. The backend caches pipelines by
 * WGSL source; a freshly generated string costs its generation plus hashing and comparing it in
 * that cache on every launch (~25–70 µs for the 12 KB matmul kernels), a memoized one only a
 * lookup of its arguments (its hash is cached on the string).
 */
export function memoWGSL<A extends readonly unknown[]>(generate: (...args: A) => string): (...args: A) => string {
  const cache = new Map<string, string>();
  return (...args: A): string => {
    const key = args.length === 0 ? '' : JSON.stringify(args);
    let code = cache.get(key);
    if (code === undefined) {
      code = generate(...args);
      cache.set(key, code);
    }
    return code;
  };
}
