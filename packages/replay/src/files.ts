// Episode files on disk, named as danijar/dreamer (TF2) names them under `<logdir>/episodes/`:
// `{YYYYMMDDTHHMMSS}-{uuid4 hex}-{rows}.npz`, where rows counts the reset step too. The
// timestamp is UTC here (the seed used local time; the format carries no zone either way).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { episodeRows, type Episode } from './episode.ts';
import { decodeNpz, encodeNpz, type NpzOptions } from './npz.ts';

const NAME = /^(\d{8}T\d{6})-([0-9a-f]{32})-(\d+)\.npz$/;

export function episodeFileName(rows: number, date = new Date(), uuid = randomUUID().replaceAll('-', '')): string {
  const iso = date.toISOString(); // 2024-05-01T12:34:56.789Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${stamp}-${uuid}-${rows}.npz`;
}

/** Parts of a seed-style episode file name, or null for any other name. */
export function parseEpisodeFileName(name: string): { timestamp: string; uuid: string; rows: number } | null {
  const m = NAME.exec(name);
  return m ? { timestamp: m[1], uuid: m[2], rows: Number(m[3]) } : null;
}

export interface AtomicWriteHooks {
  /** Runs after the temp file is written and synced, before the rename (tests inject crashes here). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/**
 * Write `data` to `path` so that `path` either does not exist or holds all of it: write a hidden
 * temp file in the same directory (same filesystem, so rename is atomic), fsync it, rename it,
 * then fsync the directory so the rename itself survives a power cut. Temp names do not end in
 * `.npz`, so a crash leaves only a file the loader never looks at.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await hooks.beforeRename?.(temp);
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Some filesystems refuse fsync on a directory; the file itself is already durable then.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

/** Save an episode under `directory` with a fresh seed-style name; returns the file name. */
export async function saveEpisode(directory: string, episode: Episode, options: NpzOptions = {}): Promise<string> {
  const rows = episodeRows(episode);
  const name = episodeFileName(rows);
  await mkdir(directory, { recursive: true });
  await writeFileAtomic(join(directory, name), encodeNpz(episode, options));
  return name;
}

/** Read and check one episode file. Throws an Error naming the file on any problem. */
export async function readEpisode(path: string): Promise<Episode> {
  let episode: Episode;
  try {
    episode = decodeNpz(await readFile(path));
    episodeRows(episode, 'episode');
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return episode;
}

/** Every `*.npz` in `directory`, sorted by name (so oldest first for seed-style names); [] if absent. */
export async function listEpisodeFiles(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter((n) => n.endsWith('.npz') && !n.startsWith('.')).sort();
}
