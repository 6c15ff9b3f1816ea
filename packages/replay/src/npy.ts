// The NumPy `.npy` format, version 1.0 for writing (versions 1–3 for reading): a magic string,
// a little-endian header length, a Python-literal dict {descr, fortran_order, shape}, then the
// raw C-order data. Spec: numpy.lib.format (NEP 1). Only what episodes need is supported.

/** Element types an array may have here. `bool` is stored one byte per element (0 or 1). */
export type DType = 'uint8' | 'int8' | 'int32' | 'float32' | 'float64' | 'bool';

export type TypedData = Uint8Array | Int8Array | Int32Array | Float32Array | Float64Array;

/** A dense row-major array: `data.length` is the product of `shape`. */
export interface NdArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DESCR: Record<DType, string> = {
  uint8: '|u1',
  int8: '|i1',
  bool: '|b1',
  int32: '<i4',
  float32: '<f4',
  float64: '<f8',
};

const ITEM_SIZE: Record<DType, number> = { uint8: 1, int8: 1, bool: 1, int32: 4, float32: 4, float64: 8 };

// Typed arrays use the platform's byte order and the format's is little-endian; every platform
// Node supports is little-endian, so say so loudly rather than swap silently everywhere.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@dreamer/replay: big-endian platforms are not supported');
}

export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}

/** The typed-array constructor holding `dtype` (bool → Uint8Array). */
export function allocate(dtype: DType, length: number): TypedData {
  switch (dtype) {
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Check an array's dims are non-negative integers that match its data length. */
export function checkArray(a: NdArray, name = 'array'): void {
  if (!(a.dtype in DESCR)) throw new Error(`${name}: unknown dtype '${a.dtype}'; expected one of ${Object.keys(DESCR).join(', ')}`);
  for (const d of a.shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${name}: bad shape [${a.shape.join(', ')}]; dims must be integers ≥ 0`);
  }
  const n = shapeSize(a.shape);
  if (a.data.length !== n) {
    throw new Error(`${name}: data has ${a.data.length} elements but shape [${a.shape.join(', ')}] needs ${n}`);
  }
  const expected = allocate(a.dtype, 0).constructor;
  if (a.data.constructor !== expected) {
    throw new Error(`${name}: dtype ${a.dtype} needs ${expected.name} data, got ${a.data.constructor.name}`);
  }
}

function pythonShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Serialise one array as `.npy` bytes (format 1.0, header padded to 64 bytes like numpy). */
export function encodeNpy(a: NdArray): Uint8Array {
  checkArray(a);
  let header = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${pythonShape(a.shape)}, }`;
  const unpadded = MAGIC.length + 4 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new Error(`npy header of ${header.length} bytes does not fit format 1.0`);
  const body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major
  out[7] = 0; // minor
  out[8] = header.length & 0xff;
  out[9] = header.length >>> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  if (a.dtype === 'bool') {
    // numpy reads any non-zero byte as True, but write canonical 0/1.
    for (let i = 0; i < body.length; i++) out[10 + header.length + i] = body[i] === 0 ? 0 : 1;
  } else {
    out.set(body, 10 + header.length);
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

interface Layout {
  readonly dtype: DType;
  readonly size: number;
  readonly bigEndian: boolean;
  readonly half: boolean;
}

function parseDescr(descr: string): Layout {
  const order = descr[0];
  const code = descr.slice(1);
  const bigEndian = order === '>';
  if (!'<>|='.includes(order)) throw new Error(`unsupported npy descr '${descr}'`);
  const table: Record<string, Layout> = {
    u1: { dtype: 'uint8', size: 1, bigEndian, half: false },
    i1: { dtype: 'int8', size: 1, bigEndian, half: false },
    b1: { dtype: 'bool', size: 1, bigEndian, half: false },
    i4: { dtype: 'int32', size: 4, bigEndian, half: false },
    f4: { dtype: 'float32', size: 4, bigEndian, half: false },
    f8: { dtype: 'float64', size: 8, bigEndian, half: false },
    // The TF2 seed stores floats as float16 under mixed precision; widen them on read.
    f2: { dtype: 'float32', size: 2, bigEndian, half: true },
  };
  const layout = table[code];
  if (!layout) {
    throw new Error(`unsupported npy dtype '${descr}'; supported: u1, i1, b1, i4, f2 (read as float32), f4, f8`);
  }
  return layout;
}

/** Parse `.npy` bytes. Throws a descriptive Error on anything malformed or truncated. */
export function decodeNpy(bytes: Uint8Array): NdArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not an npy file (bad magic)');
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error('npy header truncated');
    headerLen = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
    start = 12;
  } else {
    throw new Error(`unsupported npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) throw new Error('npy header truncated');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`malformed npy header: ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') throw new Error('Fortran-order npy arrays are not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const d = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(d) || d < 0) throw new Error(`malformed npy shape (${shapeText})`);
      return d;
    });
  const layout = parseDescr(descr);
  const count = shapeSize(shape);
  const offset = start + headerLen;
  const nbytes = count * layout.size;
  if (offset + nbytes > bytes.length) {
    throw new Error(`npy data truncated: need ${nbytes} bytes for shape [${shape.join(', ')}], have ${bytes.length - offset}`);
  }
  // Copy so the result is aligned and owns its memory, whatever buffer `bytes` views.
  const raw = bytes.slice(offset, offset + nbytes);
  if (layout.bigEndian && layout.size > 1) {
    for (let i = 0; i < raw.length; i += layout.size) raw.subarray(i, i + layout.size).reverse();
  }
  if (layout.half) {
    const halves = new Uint16Array(raw.buffer);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = halfToFloat(halves[i]);
    return { dtype: 'float32', shape, data };
  }
  const data = viewAs(layout.dtype, raw.buffer);
  if (layout.dtype === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] === 0 ? 0 : 1;
  return { dtype: layout.dtype, shape, data };
}

function viewAs(dtype: DType, buffer: ArrayBuffer): TypedData {
  switch (dtype) {
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
  }
}
