import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpz, encodeNpz } from './npz.ts';
import type { NdArray } from './npy.ts';
import { NUMPY_VERSION, python } from './testing.ts';

const episode: Record<string, NdArray> = {
  image: { dtype: 'uint8', shape: [3, 4, 4, 3], data: Uint8Array.from({ length: 144 }, (_, i) => (i * 37) % 256) },
  action: { dtype: 'float32', shape: [3, 2], data: Float32Array.from([0, 0, 0.25, -1, 1, 0.5]) },
  reward: { dtype: 'float32', shape: [3], data: Float32Array.from([0, 0.1, 2.5]) },
  discount: { dtype: 'float32', shape: [3], data: Float32Array.from([1, 1, 0]) },
  count: { dtype: 'int32', shape: [3], data: Int32Array.from([0, -7, 123456]) },
  terminal: { dtype: 'bool', shape: [3], data: Uint8Array.from([0, 0, 1]) },
};

const plain = (arrays: Record<string, NdArray>) =>
  Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { dtype: a.dtype, shape: a.shape, data: Array.from(a.data) }]));

describe('npz', () => {
  for (const compression of ['deflate', 'store'] as const) {
    it(`round-trips every episode dtype (${compression})`, () => {
      expect(plain(decodeNpz(encodeNpz(episode, { compression })))).toEqual(plain(episode));
    });
  }

  it('deflate is smaller than store on images', () => {
    const big = { image: { dtype: 'uint8', shape: [50, 64, 64, 3], data: new Uint8Array(50 * 64 * 64 * 3).fill(9) } } as const;
    expect(encodeNpz(big).length).toBeLessThan(encodeNpz(big, { compression: 'store' }).length / 10);
  });

  it('rejects a truncated archive and a flipped bit', () => {
    const bytes = encodeNpz(episode, { compression: 'store' });
    expect(() => decodeNpz(bytes.subarray(0, bytes.length - 100))).toThrow(/not a readable zip archive/);
    const flipped = bytes.slice();
    flipped[200] ^= 0x10; // inside image.npy's data
    expect(() => decodeNpz(flipped)).toThrow(/image.npy' fails its CRC-32 check/);
    expect(() => decodeNpz(new TextEncoder().encode('definitely not a zip'))).toThrow(/not a readable zip/);
  });

  it('rejects names that are not plain file names', () => {
    expect(() => encodeNpz({ '../x': episode.reward })).toThrow(/must match/);
  });
});

describe.skipIf(!NUMPY_VERSION)(`npz against numpy ${NUMPY_VERSION ?? '(python3 with numpy not found: skipped)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-npz-'));

  for (const compression of ['deflate', 'store'] as const) {
    it(`numpy.load reads what we write (${compression})`, () => {
      const path = join(dir, `ours-${compression}.npz`);
      writeFileSync(path, encodeNpz(episode, { compression }));
      const seen = python(
        `import json, sys, numpy as np
with np.load(sys.argv[1]) as f:
    print(json.dumps({k: {'dtype': str(f[k].dtype), 'shape': list(f[k].shape), 'data': f[k].ravel().tolist()} for k in f.files}))`,
        path,
      ) as Record<string, { dtype: string; shape: number[]; data: (number | boolean)[] }>;
      expect(Object.keys(seen).sort()).toEqual(Object.keys(episode).sort());
      for (const [key, a] of Object.entries(episode)) {
        expect(seen[key].dtype).toBe(a.dtype);
        expect(seen[key].shape).toEqual(a.shape);
        expect(seen[key].data.map(Number)).toEqual(Array.from(a.data));
      }
    });
  }

  it('reads what numpy.savez and savez_compressed write', () => {
    const out = python(
      `import json, sys, numpy as np
kw = dict(image=np.arange(2*3*3*3, dtype=np.uint8).reshape(2, 3, 3, 3), action=np.array([[0.5, -1], [1, 0.25]], np.float32),
          reward=np.array([0, 1.5], np.float16), count=np.array([-1, 2**31 - 1], np.int32), first=np.array([True, False]))
np.savez(sys.argv[1], **kw)
np.savez_compressed(sys.argv[2], **kw)
print(json.dumps(True))`,
      join(dir, 'np.npz'),
      join(dir, 'npc.npz'),
    );
    expect(out).toBe(true);
    for (const name of ['np.npz', 'npc.npz']) {
      const got = decodeNpz(readFileSync(join(dir, name)));
      expect(plain(got)).toEqual({
        image: { dtype: 'uint8', shape: [2, 3, 3, 3], data: Array.from({ length: 54 }, (_, i) => i) },
        action: { dtype: 'float32', shape: [2, 2], data: [0.5, -1, 1, 0.25] },
        reward: { dtype: 'float32', shape: [2], data: [0, 1.5] },
        count: { dtype: 'int32', shape: [2], data: [-1, 2 ** 31 - 1] },
        first: { dtype: 'bool', shape: [2], data: [1, 0] },
      });
    }
  });
});
