/**
 * Element types. `f64` exists only on backends that list it (the CPU reference uses it for
 * finite-difference gradient checks); GPU backends compute in `f32`.
 * `bool` is stored as one byte per element (0 or 1).
 */
export type DType = 'f32' | 'f64' | 'i32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32', 'bool'];

export function isFloat(dtype: DType): boolean {
  return dtype === 'f32' || dtype === 'f64';
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'f64':
      return 8;
    case 'f32':
    case 'i32':
      return 4;
    case 'bool':
      return 1;
  }
}

export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'f64':
      return new Float64Array(size);
    case 'i32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Copies `values` into a fresh array of `dtype` (rounding, truncating or testing != 0 as the type needs). */
export function toTypedArray(values: ArrayLike<number> | ArrayLike<boolean>, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else if (dtype === 'i32') {
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(Number(values[i]));
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'f32';
  if (values instanceof Float64Array) return 'f64';
  if (values instanceof Int32Array) return 'i32';
  return 'bool';
}

export function assertDType(value: unknown, where: string): asserts value is DType {
  if (!DTYPES.includes(value as DType)) {
    throw new TypeError(`${where}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`);
  }
}
