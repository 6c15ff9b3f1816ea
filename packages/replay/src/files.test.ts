import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { episodeFileName, listEpisodeFiles, parseEpisodeFileName, readEpisode, saveEpisode, writeFileAtomic } from './files.ts';
import type { Episode } from './episode.ts';
import { Replay } from './replay.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'replay-files-'));

const episode = (rows: number, tag = 0): Episode => ({
  reward: { dtype: 'float32', shape: [rows], data: Float32Array.from({ length: rows }, (_, i) => tag * 1000 + i) },
  discount: { dtype: 'float32', shape: [rows], data: new Float32Array(rows).fill(1) },
});

describe('episode file names', () => {
  it('follow the TF2 seed: {YYYYMMDDTHHMMSS}-{uuid4 hex}-{rows}.npz', () => {
    const name = episodeFileName(501, new Date(Date.UTC(2024, 4, 1, 12, 34, 56, 789)), 'ab'.repeat(16));
    expect(name).toBe(`20240501T123456-${'ab'.repeat(16)}-501.npz`);
    expect(parseEpisodeFileName(name)).toEqual({ timestamp: '20240501T123456', uuid: 'ab'.repeat(16), rows: 501 });
    expect(episodeFileName(3)).toMatch(/^\d{8}T\d{6}-[0-9a-f]{32}-3\.npz$/);
    expect(parseEpisodeFileName('episode.npz')).toBeNull();
  });

  it('saveEpisode names the file by its rows and readEpisode reads it back', async () => {
    const dir = tempDir();
    const name = await saveEpisode(join(dir, 'episodes'), episode(7, 3));
    expect(parseEpisodeFileName(name)?.rows).toBe(7);
    const back = await readEpisode(join(dir, 'episodes', name));
    expect(Array.from(back.reward.data)).toEqual([3000, 3001, 3002, 3003, 3004, 3005, 3006]);
  });
});

describe('atomic writes', () => {
  it('a failure before the rename leaves neither the final name nor the temp file', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.npz');
    await expect(
      writeFileAtomic(path, new Uint8Array(10), {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a process killed mid-save leaves only a temp file, which loading ignores', async () => {
    const dir = tempDir();
    await saveEpisode(dir, episode(5, 1));
    // A real crash: the child is SIGKILLed after writing the temp file, before the rename.
    const files = pathToFileURL(join(import.meta.dirname, 'files.ts')).href;
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { writeFileAtomic } = await import(${JSON.stringify(files)});
         await writeFileAtomic(process.argv[1], new Uint8Array(1000).fill(7),
           { beforeRename: () => process.kill(process.pid, 'SIGKILL') });`,
        join(dir, '20990101T000000-' + 'f'.repeat(32) + '-99.npz'),
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal).toBe('SIGKILL');
    const left = readdirSync(dir);
    expect(left.filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    expect(left.filter((n) => n.includes('-99.npz') && !n.endsWith('.tmp'))).toHaveLength(0);
    expect(await listEpisodeFiles(dir)).toHaveLength(1);
    const warnings: string[] = [];
    const replay = await Replay.open({ directory: dir, onWarning: (m) => warnings.push(m) });
    expect(replay.episodes).toBe(1);
    expect(replay.loadReport.skipped).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('overwrites atomically and the result is complete', async () => {
    const dir = tempDir();
    const path = join(dir, 'f.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(path, new Uint8Array([4, 5]));
    expect(Array.from(readFileSync(path))).toEqual([4, 5]);
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });
});

describe('loading a directory with damaged files', () => {
  it('skips and reports each unreadable file, loads the rest', async () => {
    const dir = tempDir();
    const good = [await saveEpisode(dir, episode(4, 1)), await saveEpisode(dir, episode(6, 2))];
    const whole = readFileSync(join(dir, good[0]));
    const truncated = '20000101T000000-' + '1'.repeat(32) + '-4.npz';
    writeFileSync(join(dir, truncated), whole.subarray(0, whole.length - 30));
    const empty = '20000101T000001-' + '2'.repeat(32) + '-4.npz';
    writeFileSync(join(dir, empty), new Uint8Array(0));
    const garbage = 'notes.npz';
    writeFileSync(join(dir, garbage), 'hello');
    writeFileSync(join(dir, 'README.txt'), 'not an episode');

    const warnings: string[] = [];
    const replay = await Replay.open({ directory: dir, onWarning: (m) => warnings.push(m) });
    expect(replay.episodes).toBe(2);
    expect(replay.steps).toBe(3 + 5);
    expect(replay.list().map((e) => e.name).sort()).toEqual([...good].sort());
    expect(replay.loadReport.loaded).toBe(2);
    expect(replay.loadReport.skipped.map((s) => s.file).sort()).toEqual([truncated, empty, garbage].sort());
    for (const s of replay.loadReport.skipped) expect(s.reason).toContain(s.file);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/not a readable zip archive/);
    expect(existsSync(join(dir, truncated))).toBe(true); // reported, never deleted
  });
});
