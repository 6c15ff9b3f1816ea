/**
 * safetensors checkpoints (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header (padded with spaces to a multiple of 8), then the raw
 * little-endian tensor bytes. The header maps each name to {dtype, shape, data_offsets:[begin,
 * end]} (offsets relative to the start of the data section) plus an optional `__metadata__`
 * object of string → string.
 */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DType, type Tensor, type TensorTree, type TypedArray, tensor } from '@dreamer/tensor';
import { flattenParams, unflattenParams } from './tree.ts';

const DTYPE_TO_ST: Partial<Record<DType, string>> = { f32: 'F32', i32: 'I32', f64: 'F64' };
const ST_TO_DTYPE: Record<string, { dtype: DType; bytes: number }> = {
  F32: { dtype: 'f32', bytes: 4 },
  I32: { dtype: 'i32', bytes: 4 },
  F64: { dtype: 'f64', bytes: 8 },
};
/** Refuse headers larger than this (the reference implementation uses 100 MB). */
const MAX_HEADER = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Encodes named tensors into one safetensors file image. Reads every tensor back (await). */
export async function encodeSafetensors(entries: readonly [string, Tensor][], metadata?: Record<string, string>): Promise<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`safetensors: metadata value for "${k}" must be a string, got ${typeof v}`);
    }
    header.__metadata__ = { ...metadata };
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error('safetensors: "__metadata__" is reserved and cannot name a tensor');
    if (seen.has(name)) throw new Error(`safetensors: duplicate tensor name "${name}"`);
    seen.add(name);
    const st = DTYPE_TO_ST[t.dtype];
    if (!st) throw new TypeError(`safetensors: tensor "${name}" has dtype ${t.dtype}; supported: f32, i32, f64`);
    const data = await t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: st, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  const jsonBytes0 = new TextEncoder().encode(json);
  const padded = Math.ceil(jsonBytes0.byteLength / 8) * 8;
  json += ' '.repeat(padded - jsonBytes0.byteLength);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/**
 * Writes a tree (or a flat list of named tensors) to `path` atomically: the bytes go to
 * `path.tmp-<pid>`, which is fsynced and renamed over `path`; then the directory is fsynced.
 * Tree leaves are named by their '/'-joined path (see flattenParams).
 */
export async function saveSafetensors(path: string, tree: TensorTree | readonly [string, Tensor][], metadata?: Record<string, string>): Promise<void> {
  const entries = isEntryList(tree) ? tree : flattenParams(tree);
  const bytes = await encodeSafetensors(entries, metadata);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } catch (e) {
    // Some filesystems/platforms cannot fsync a directory; the rename is still atomic.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await dh.close();
  }
}

function isEntryList(x: unknown): x is readonly [string, Tensor][] {
  return Array.isArray(x) && x.length > 0 && Array.isArray(x[0]) && typeof x[0][0] === 'string';
}

export interface Loaded {
  /** Tensors by their stored name, in header order. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` object ({} when absent). */
  metadata: Record<string, string>;
  /** The tensors rebuilt into a nested tree by splitting names on '/'. */
  tree: Record<string, TensorTree>;
}

/** Parses a safetensors image; `source` names the file in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): Loaded {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`safetensors: ${source}: ${msg}`);
  };
  if (bytes.byteLength < 8) fail(`truncated: ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) fail(`bad header: header length ${n64} exceeds the ${MAX_HEADER}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.byteLength) fail(`truncated: header length is ${n} bytes but only ${bytes.byteLength - 8} bytes follow the length field`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`bad header: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('bad header: the JSON header must be an object');
  const dataStart = 8 + n;
  const dataLen = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const specs: { name: string; dtype: DType; bytes: number; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('bad header: __metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`bad header: __metadata__["${k}"] is ${typeof v}, not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`bad header: entry "${name}" is not an object`);
    const st = typeof e.dtype === 'string' ? ST_TO_DTYPE[e.dtype] : undefined;
    if (!st) fail(`bad header: tensor "${name}" has unsupported dtype ${JSON.stringify(e.dtype)} (supported: F32, I32, F64)`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`bad header: tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`bad header: tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
    }
    const [begin, end] = off as number[];
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * st!.bytes;
    if (end < begin) fail(`bad header: tensor "${name}" has data_offsets [${begin}, ${end}] with end before begin`);
    if (end - begin !== expected) fail(`bad header: tensor "${name}" of shape [${shape.join(', ')}] ${e.dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
    if (end > dataLen) fail(`offsets out of range: tensor "${name}" has data_offsets [${begin}, ${end}] but the data section holds ${dataLen} bytes (truncated file?)`);
    specs.push({ name, dtype: st!.dtype, bytes: st!.bytes, shape, begin, end });
  }
  // The data section must be covered exactly, without gaps or overlaps.
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const s of sorted) {
    if (s.begin !== cursor) fail(`bad header: tensor "${s.name}" starts at byte ${s.begin} of the data section, expected ${cursor} (gap or overlap)`);
    cursor = s.end;
  }
  if (cursor !== dataLen) fail(`bad header: the tensors cover ${cursor} bytes but the data section holds ${dataLen} (trailing bytes)`);
  const tensors: Record<string, Tensor> = {};
  for (const s of specs) {
    // Copy into a fresh, aligned buffer.
    const copy = bytes.slice(dataStart + s.begin, dataStart + s.end);
    let values: TypedArray;
    if (s.dtype === 'f32') values = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    else if (s.dtype === 'f64') values = new Float64Array(copy.buffer, 0, copy.byteLength / 8);
    else values = new Int32Array(copy.buffer, 0, copy.byteLength / 4);
    tensors[s.name] = tensor(values, s.shape, s.dtype);
  }
  return { tensors, metadata, tree: unflattenParams(Object.entries(tensors)) };
}

/** Reads and validates a safetensors file; errors name the file and the problem. */
export async function loadSafetensors(path: string): Promise<Loaded> {
  let bytes: Uint8Array;
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new SafetensorsError(`safetensors: ${path}: cannot open (${e.code ?? e.message})`);
  });
  try {
    bytes = new Uint8Array(await fh.readFile());
  } finally {
    await fh.close();
  }
  return decodeSafetensors(bytes, path);
}
