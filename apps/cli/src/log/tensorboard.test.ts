import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventWriter, maskedCrc32c, readEvents } from './tensorboard.ts';

describe('TensorBoard event files', () => {
  it('masks CRC32C as TFRecord does', () => {
    // CRC32C("123456789") = 0xE3069283 (the standard check value).
    const c = 0xe3069283;
    const masked = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(masked);
  });

  it('marks a resume with a SessionLog START, which TensorBoard uses to purge the steps redone', () => {
    const w = new EventWriter(mkdtempSync(join(tmpdir(), 'tb-')));
    w.restart(11, 'resumed at update 2');
    w.close();
    expect(readEvents(w.path)[1]).toMatchObject({ step: 11, session_log: { status: 1, msg: 'resumed at update 2' } });
  });

  it('writes scalars and images that read back with valid checksums', () => {
    const w = new EventWriter(mkdtempSync(join(tmpdir(), 'tb-')));
    w.scalars(10, { 'model_loss': 1.5, 'train/return': 42, nan: Number.NaN });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    w.image(20, 'openloop', png, 64, 192);
    w.close();
    const events = readEvents(w.path);
    expect(events[0].file_version).toBe('brain.Event:2');
    expect(events[1].step).toBe(10);
    expect(events[1].summary!.value).toEqual([
      { tag: 'model_loss', simple_value: 1.5 },
      { tag: 'train/return', simple_value: 42 },
    ]);
    const img = events[2].summary!.value[0] as { tag: string; image: { height: number; width: number; encoded_image_string: Uint8Array } };
    expect(img.tag).toBe('openloop');
    expect([img.image.height, img.image.width]).toEqual([64, 192]);
    expect(Array.from(img.image.encoded_image_string)).toEqual(Array.from(png));
  });

  it('stops at a torn tail and rejects a corrupted record', () => {
    const w = new EventWriter(mkdtempSync(join(tmpdir(), 'tb-')));
    w.scalars(1, { a: 1 });
    w.scalars(2, { a: 2 });
    w.close();
    const bytes = readFileSync(w.path);
    writeFileSync(w.path, bytes.subarray(0, bytes.length - 5));
    expect(readEvents(w.path).map((e) => e.step)).toEqual([0, 1]);
    const bad = Buffer.from(bytes);
    bad[bytes.length - 10] ^= 0xff;
    writeFileSync(w.path, bad);
    expect(() => readEvents(w.path)).toThrow(/bad payload checksum/);
  });
});
