import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, type NdArray } from './npy.ts';

const header = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));

/** Hand-built .npy bytes (format 1.0) for cases our writer never produces. */
function rawNpy(descr: string, shape: string, body: Uint8Array, fortran = 'False'): Uint8Array {
  const text = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(body, 10 + text.length);
  return out;
}

describe('npy', () => {
  const cases: NdArray[] = [
    { dtype: 'uint8', shape: [2, 2, 3], data: Uint8Array.from({ length: 12 }, (_, i) => i * 21) },
    { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
    { dtype: 'int32', shape: [2, 2], data: Int32Array.from([-2147483648, -1, 0, 2147483647]) },
    { dtype: 'float32', shape: [4], data: Float32Array.from([0.1, -2.5, 1e-30, 3.4e38]) },
    { dtype: 'float64', shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
    { dtype: 'bool', shape: [2, 3], data: Uint8Array.from([1, 0, 0, 1, 1, 0]) },
    { dtype: 'float32', shape: [], data: Float32Array.from([7]) },
    { dtype: 'uint8', shape: [0, 64, 64, 3], data: new Uint8Array(0) },
  ];

  for (const a of cases) {
    it(`round-trips ${a.dtype} [${a.shape.join(', ')}]`, () => {
      const bytes = encodeNpy(a);
      expect((10 + header(bytes).length) % 64).toBe(0);
      const back = decodeNpy(bytes);
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect(back.data.constructor).toBe(a.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(a.data));
    });
  }

  it('writes the header numpy writes', () => {
    const bytes = encodeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(3) });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    expect(header(bytes)).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }${' '.repeat(60)}\n`);
    expect(header(encodeNpy({ dtype: 'bool', shape: [2, 1], data: new Uint8Array(2) }))).toMatch(
      /^\{'descr': '\|b1', 'fortran_order': False, 'shape': \(2, 1\), \} +\n$/,
    );
  });

  it('reads float16 (the TF2 seed under mixed precision) as float32', () => {
    const halves = Uint16Array.from([0x3800, 0xc000, 0x7bff, 0x0001, 0x7c00]); // 0.5 −2 65504 2^−24 ∞
    const a = decodeNpy(rawNpy('<f2', '(5,)', new Uint8Array(halves.buffer)));
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.data)).toEqual([0.5, -2, 65504, 2 ** -24, Infinity]);
  });

  it('reads big-endian data', () => {
    const a = decodeNpy(rawNpy('>i4', '(2,)', Uint8Array.from([0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe])));
    expect(Array.from(a.data)).toEqual([258, -2]);
  });

  it('rejects malformed input with a reason', () => {
    const good = encodeNpy({ dtype: 'float32', shape: [8], data: new Float32Array(8) });
    expect(() => decodeNpy(good.subarray(0, good.length - 4))).toThrow(/truncated: need 32 bytes for shape \[8\], have 28/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/bad magic/);
    expect(() => decodeNpy(rawNpy('<f4', '(1,)', new Uint8Array(4), 'True'))).toThrow(/Fortran/);
    expect(() => decodeNpy(rawNpy('<i8', '(1,)', new Uint8Array(8)))).toThrow(/unsupported npy dtype '<i8'/);
    expect(() => decodeNpy(rawNpy('<c8', '(1,)', new Uint8Array(8)))).toThrow(/unsupported/);
  });

  it('rejects arrays whose data and shape disagree', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(
      /3 elements but shape \[2, 2\] needs 4/,
    );
    expect(() => encodeNpy({ dtype: 'int32', shape: [1], data: new Float32Array(1) })).toThrow(/dtype int32 needs Int32Array data, got Float32Array/);
  });
});
