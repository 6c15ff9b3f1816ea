import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@dreamer/tensor';
import { SafetensorsError, loadSafetensors, saveSafetensors } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'nn-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tree = {
  encoder: { conv0: { kernel: tensor([[1.5, -2], [3.25, 4]]), bias: tensor([0.125]) } },
  step: tensor([7, -8, 9], [3], 'i32'),
  precise: tensor([Math.PI, -Math.E], [2], 'f64'),
  empty: tensor(new Float32Array(0), [0, 4]),
  scalar: tensor([42], []),
};

/** An independent reader: parses the header by hand and checks the layout rules. */
function parseByHand(bytes: Buffer) {
  const n = Number(bytes.readBigUInt64LE(0));
  expect(n % 8).toBe(0); // header padded to 8 bytes…
  const text = bytes.subarray(8, 8 + n).toString('utf8');
  expect(text).toMatch(/^\{.*\} *$/s); // …with trailing spaces
  const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const data = bytes.subarray(8 + n);
  const values = (name: string): number[] => {
    const { dtype, data_offsets: [b, e] } = header[name];
    const out: number[] = [];
    const size = dtype === 'F64' ? 8 : 4;
    for (let o = b; o < e; o += size) {
      out.push(dtype === 'F64' ? data.readDoubleLE(o) : dtype === 'I32' ? data.readInt32LE(o) : data.readFloatLE(o));
    }
    return out;
  };
  return { header, values, dataLength: data.length };
}

describe('safetensors', () => {
  it('writes the format (checked by a hand-written reader) and round-trips with metadata', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await saveSafetensors(path, tree, { step: '123', format: 'dreamer' });
    // No temp file left behind.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const { header, values, dataLength } = parseByHand(readFileSync(path));
    expect(header.__metadata__).toEqual({ step: '123', format: 'dreamer' });
    expect(header['encoder/conv0/kernel']).toMatchObject({ dtype: 'F32', shape: [2, 2] });
    expect(header['step']).toMatchObject({ dtype: 'I32', shape: [3] });
    expect(header['precise']).toMatchObject({ dtype: 'F64', shape: [2] });
    expect(header['empty']).toMatchObject({ dtype: 'F32', shape: [0, 4] });
    expect(header['scalar']).toMatchObject({ dtype: 'F32', shape: [] });
    expect(values('encoder/conv0/kernel')).toEqual([1.5, -2, 3.25, 4]);
    expect(values('encoder/conv0/bias')).toEqual([0.125]);
    expect(values('step')).toEqual([7, -8, 9]);
    expect(values('precise')).toEqual([Math.PI, -Math.E]);
    expect(values('scalar')).toEqual([42]);
    expect(dataLength).toBe(16 + 4 + 12 + 16 + 0 + 4);

    const loaded = await loadSafetensors(path);
    expect(loaded.metadata).toEqual({ step: '123', format: 'dreamer' });
    expect(Object.keys(loaded.tensors)).toEqual(['encoder/conv0/kernel', 'encoder/conv0/bias', 'step', 'precise', 'empty', 'scalar']);
    const t = loaded.tree as unknown as typeof tree;
    expect(t.encoder.conv0.kernel.arraySync()).toEqual([[1.5, -2], [3.25, 4]]);
    expect(t.step.dtype).toBe('i32');
    expect(Array.from(t.step.dataSync())).toEqual([7, -8, 9]);
    expect(t.precise.dtype).toBe('f64');
    expect(Array.from(t.precise.dataSync())).toEqual([Math.PI, -Math.E]);
    expect(t.empty.shape).toEqual([0, 4]);
    expect(t.scalar.shape).toEqual([]);
  });

  it('overwrites an existing file atomically and works without metadata', async () => {
    const path = join(dir, 'over.safetensors');
    await saveSafetensors(path, { a: tensor([1]) });
    await saveSafetensors(path, { b: tensor([2, 3]) });
    const loaded = await loadSafetensors(path);
    expect(Object.keys(loaded.tensors)).toEqual(['b']);
    expect(loaded.metadata).toEqual({});
  });

  const numpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!numpy)('is readable by an independent numpy reader', async () => {
    const path = join(dir, 'np.safetensors');
    await saveSafetensors(path, tree, { who: 'vitest' });
    const script = `
import json, struct, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
out = {'__metadata__': header.pop('__metadata__', None)}
types = {'F32': '<f4', 'F64': '<f8', 'I32': '<i4'}
for name, e in header.items():
    b, end = e['data_offsets']
    arr = np.frombuffer(data[b:end], dtype=types[e['dtype']]).reshape(e['shape'])
    out[name] = arr.tolist()
print(json.dumps(out))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
    expect(out.__metadata__).toEqual({ who: 'vitest' });
    expect(out['encoder/conv0/kernel']).toEqual([[1.5, -2], [3.25, 4]]);
    expect(out['step']).toEqual([7, -8, 9]);
    expect(out['precise']).toEqual([Math.PI, -Math.E]);
    expect(out['empty']).toEqual([]);
    expect(out['scalar']).toEqual(42);
  });

  describe('load errors name the file and the problem', () => {
    const good = async (): Promise<Buffer> => {
      const p = join(dir, 'good.safetensors');
      await saveSafetensors(p, { w: tensor([1, 2, 3, 4]) as Tensor });
      return readFileSync(p);
    };
    const expectError = async (name: string, bytes: Uint8Array, pattern: RegExp) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      const err = await loadSafetensors(p).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(SafetensorsError);
      expect(err!.message).toContain(p);
      expect(err!.message).toMatch(pattern);
    };

    it('missing file', async () => {
      await expect(loadSafetensors(join(dir, 'nope.safetensors'))).rejects.toThrow(/nope\.safetensors: cannot open \(ENOENT\)/);
    });
    it('shorter than 8 bytes', async () => {
      await expectError('tiny.safetensors', new Uint8Array([1, 2, 3]), /truncated/);
    });
    it('truncated inside the header', async () => {
      const b = await good();
      await expectError('cut-header.safetensors', b.subarray(0, 20), /truncated: header length/);
    });
    it('truncated inside the data', async () => {
      const b = await good();
      await expectError('cut-data.safetensors', b.subarray(0, b.length - 3), /out of range.*truncated/);
    });
    it('header that is not JSON', async () => {
      const b = Buffer.alloc(8 + 8 + 0);
      b.writeBigUInt64LE(8n, 0);
      b.write('{"a":  x', 8);
      await expectError('badjson.safetensors', b, /bad header: not valid UTF-8 JSON/);
    });
    it('absurd header length', async () => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64LE(1n << 40n, 0);
      await expectError('huge.safetensors', b, /bad header: header length/);
    });
    it('offsets inconsistent with the shape, and trailing bytes', async () => {
      const mk = (header: object, dataBytes: number) => {
        let json = JSON.stringify(header);
        json += ' '.repeat((8 - (json.length % 8)) % 8);
        const b = Buffer.alloc(8 + json.length + dataBytes);
        b.writeBigUInt64LE(BigInt(json.length), 0);
        b.write(json, 8);
        return b;
      };
      await expectError('size.safetensors', mk({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4), /needs 8 bytes/);
      await expectError('range.safetensors', mk({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, 8), /out of range/);
      await expectError('gap.safetensors', mk({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap or overlap/);
      await expectError('trail.safetensors', mk({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8), /trailing bytes/);
      await expectError('dtype.safetensors', mk({ w: { dtype: 'BF16', shape: [1], data_offsets: [0, 2] } }, 2), /unsupported dtype "BF16"/);
      await expectError('meta.safetensors', mk({ __metadata__: { a: 1 } }, 0), /__metadata__\["a"\] is number/);
    });
  });

  it('refuses unsupported dtypes and non-string metadata when saving', async () => {
    await expect(saveSafetensors(join(dir, 'bool.safetensors'), { b: tensor([true, false]) })).rejects.toThrow(/dtype bool/);
    await expect(saveSafetensors(join(dir, 'm.safetensors'), { a: tensor([1]) }, { n: 1 as unknown as string })).rejects.toThrow(/must be a string/);
  });
});
