// fflate's unzip does not check CRC-32s, so a bit flip inside a stored entry would load as
// silently wrong data. numpy's zipfile does check them; read the central directory's CRCs and
// compare, so a damaged episode is rejected (and skipped by the loader) instead.
import { crc32 } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** CRC-32 of each entry as recorded in the archive's central directory. */
export function centralCrcs(zip: Uint8Array): Map<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip end-of-central-directory record not found');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (p === 0xffffffff) throw new Error('zip64 archives over 4 GiB are not supported');
  const out = new Map<string, number>();
  const names = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (p + 46 > zip.length || view.getUint32(p, true) !== CENTRAL) throw new Error('zip central directory is damaged');
    const crc = view.getUint32(p + 16, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    out.set(names.decode(zip.subarray(p + 46, p + 46 + nameLen)), crc);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Throw if any unzipped entry's CRC-32 differs from the archive's record of it. */
export function checkCrcs(zip: Uint8Array, entries: Readonly<Record<string, Uint8Array>>): void {
  const crcs = centralCrcs(zip);
  for (const [name, data] of Object.entries(entries)) {
    const expected = crcs.get(name);
    if (expected === undefined) throw new Error(`entry '${name}' is missing from the zip central directory`);
    const actual = crc32(data);
    if (actual !== expected) {
      throw new Error(`entry '${name}' fails its CRC-32 check (stored ${hex(expected)}, computed ${hex(actual)})`);
    }
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
