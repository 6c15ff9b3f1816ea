/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename
 * it over the target, then fsync the directory so the rename itself survives a power cut. A
 * reader sees the old file or the new one, never a torn one; a kill mid-write leaves only a
 * `.tmp-*` file, which readers ignore.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* some filesystems refuse fsync on a directory; the rename is still atomic */
  }
}
