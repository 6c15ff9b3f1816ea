// `.npz` = a zip archive holding one `<key>.npy` per array, exactly what `numpy.savez`
// (stored) and `numpy.savez_compressed` (deflated) write and `numpy.load` reads back.
import { unzipSync, zipSync, type DeflateOptions, type Zippable } from 'fflate';
import { decodeNpy, encodeNpy, type NdArray } from './npy.ts';
import { checkCrcs } from './zipcrc.ts';

export type Compression = 'deflate' | 'store';

export interface NpzOptions {
  /** 'deflate' (like savez_compressed; default) or 'store' (like savez: faster, larger). */
  compression?: Compression;
  /** Deflate level 1..9 (default 6, zlib's and so savez_compressed's default). */
  level?: number;
}

/** Serialise named arrays as `.npz` bytes. Keys become file names, so they must be plain. */
export function encodeNpz(arrays: Readonly<Record<string, NdArray>>, options: NpzOptions = {}): Uint8Array {
  const { compression = 'deflate', level = 6 } = options;
  if (compression !== 'deflate' && compression !== 'store') {
    throw new Error(`npz: compression must be 'deflate' or 'store', got ${JSON.stringify(compression)}`);
  }
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new Error(`npz: level must be an integer 1..9, got ${level}`);
  const files: Zippable = {};
  for (const [key, array] of Object.entries(arrays)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
      throw new Error(`npz: array name ${JSON.stringify(key)} must match [A-Za-z0-9_.-]+ (it becomes a file name)`);
    }
    let npy: Uint8Array;
    try {
      npy = encodeNpy(array);
    } catch (e) {
      throw new Error(`npz: array '${key}': ${(e as Error).message}`);
    }
    files[`${key}.npy`] = [npy, { level: (compression === 'store' ? 0 : level) as DeflateOptions['level'] }];
  }
  return zipSync(files);
}

/** Parse `.npz` bytes into named arrays. Throws a descriptive Error on a damaged archive. */
export function decodeNpz(bytes: Uint8Array): Record<string, NdArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
    checkCrcs(bytes, entries);
  } catch (e) {
    throw new Error(`not a readable zip archive (${(e as Error).message})`);
  }
  const out: Record<string, NdArray> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) throw new Error(`unexpected entry '${name}' (an npz holds only .npy files)`);
    try {
      out[name.slice(0, -4)] = decodeNpy(data);
    } catch (e) {
      throw new Error(`entry '${name}': ${(e as Error).message}`);
    }
  }
  if (Object.keys(out).length === 0) throw new Error('npz archive holds no arrays');
  return out;
}
