import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { claimRun, runDirName } from './claim.ts';

const run = promisify(execFile);
const fresh = () => mkdtempSync(join(tmpdir(), 'claim-'));

describe('claimRun', () => {
  it('names runs as the seed and claims them in order', () => {
    expect(runDirName(1)).toBe('00001');
    const logdir = fresh();
    const a = claimRun(logdir, { numRuns: 2, resumeRuns: true })!;
    const b = claimRun(logdir, { numRuns: 2, resumeRuns: true })!;
    expect([a.index, b.index]).toEqual([1, 2]);
    expect(existsSync(join(a.dir, 'PING'))).toBe(true);
    expect(claimRun(logdir, { numRuns: 2, resumeRuns: true })).toBeNull();
    a.done();
    b.fail(new Error('boom'));
    expect(existsSync(join(a.dir, 'DONE'))).toBe(true);
    expect(readFileSync(join(b.dir, 'FAIL'), 'utf8')).toContain('boom');
    expect(existsSync(join(a.dir, 'PING'))).toBe(false);
    expect(claimRun(logdir, { numRuns: 2, resumeRuns: true })).toBeNull();
  });

  it('resumes a released run, or skips it with resumeRuns false', () => {
    const logdir = fresh();
    const a = claimRun(logdir, { numRuns: 1, resumeRuns: true })!;
    writeFileSync(join(a.dir, 'config.yaml'), 'x: 1\n');
    a.release();
    expect(claimRun(logdir, { numRuns: 1, resumeRuns: false })).toBeNull();
    const again = claimRun(logdir, { numRuns: 1, resumeRuns: true })!;
    expect(again.index).toBe(1);
    expect(again.resumed).toBe(true);
    again.release();
  });

  it('takes over a stale PING but not a fresh one', () => {
    const logdir = fresh();
    const dir = join(logdir, '00001');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PING'), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    expect(claimRun(logdir, { numRuns: 1, resumeRuns: true })).toBeNull();
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, 'PING'), old, old);
    const c = claimRun(logdir, { numRuns: 1, resumeRuns: true, staleAfter: 60_000 })!;
    expect(c.index).toBe(1);
    c.release();
  });

  it('gives each of several racing processes a different run', async () => {
    const logdir = fresh();
    const script = `import { claimRun } from ${JSON.stringify(join(import.meta.dirname, 'claim.ts'))};
      const c = claimRun(process.argv[1], { numRuns: 6, resumeRuns: true });
      console.log(c ? c.index : 0);
      await new Promise((r) => setTimeout(r, 1500)); // stay alive: a dead owner's PING is stale`;
    const outs = await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ['--input-type=module', '-e', script, logdir])));
    const got = outs.map((o) => Number(o.stdout.trim())).sort();
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
