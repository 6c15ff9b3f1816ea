/**
 * Run directories as the seed's Experiment keeps them: `<logdir>/00001`, `00002`, …, claimed
 * through a `PING` file, marked `DONE` when finished and `FAIL` when a run threw.
 *
 * Several processes may share a logdir: a run is claimed by creating its PING with O_EXCL, so
 * exactly one process wins. The owner rewrites PING every `pingEvery` ms; a PING older than
 * `staleAfter` belongs to a dead process and may be taken over (resume after a crash or kill).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile } from './atomic.ts';

export interface RunClaim {
  readonly index: number;
  readonly dir: string;
  /** True when the directory already held a started run (we resume it). */
  readonly resumed: boolean;
  /** Marks the run done (DONE written, PING removed). */
  done(): void;
  /** Marks the run failed with the error's message (FAIL written, PING removed). */
  fail(error: unknown): void;
  /** Stops pinging and removes PING without marking anything (e.g. on Ctrl-C: resumable). */
  release(): void;
}

export interface ClaimOptions {
  numRuns: number;
  /** Claim runs that already have a directory (and are not DONE/FAIL)? The seed's --resume_runs. */
  resumeRuns: boolean;
  pingEvery?: number;
  staleAfter?: number;
  /** Visit order of run numbers; the seed shuffles, tests pin it. */
  order?: (n: number) => number[];
}

export function runDirName(index: number): string {
  return String(index).padStart(5, '0');
}

function pingContent(): string {
  return JSON.stringify({ pid: process.pid, host: hostname(), time: new Date().toISOString() }) + '\n';
}

/** Creates PING exclusively; false if it exists. */
function createPing(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, pingContent());
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** A PING left by a process that is gone: too old, or from a dead pid on this host. */
function isStale(path: string, staleAfter: number): boolean {
  try {
    if (Date.now() - statSync(path).mtimeMs > staleAfter) return true;
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number; host?: string };
    if (owner.host === hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid) {
      try {
        process.kill(owner.pid, 0);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    return false; // vanished or half-written: its owner is alive enough to be writing it
  }
}

/** Claims the first free run of `logdir`, or returns null when every run is done or taken. */
export function claimRun(logdir: string, options: ClaimOptions): RunClaim | null {
  const { numRuns, resumeRuns, pingEvery = 10_000, staleAfter = 60_000 } = options;
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new RangeError(`--num_runs: got ${numRuns}, expected a positive integer`);
  mkdirSync(logdir, { recursive: true });
  const order = options.order?.(numRuns) ?? Array.from({ length: numRuns }, (_, i) => i + 1);
  for (const index of order) {
    const dir = join(logdir, runDirName(index));
    const existed = existsSync(dir);
    if (existsSync(join(dir, 'DONE')) || existsSync(join(dir, 'FAIL'))) continue;
    if (existed && !resumeRuns) continue;
    mkdirSync(dir, { recursive: true });
    const ping = join(dir, 'PING');
    if (!createPing(ping)) {
      if (!isStale(ping, staleAfter)) continue;
      rmSync(ping, { force: true });
      if (!createPing(ping)) continue; // another process took it over first
    }
    const started = existed && existsSync(join(dir, 'config.yaml'));
    return makeClaim(index, dir, started, pingEvery);
  }
  return null;
}

function makeClaim(index: number, dir: string, resumed: boolean, pingEvery: number): RunClaim {
  const ping = join(dir, 'PING');
  const timer = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(ping, now, now);
    } catch {
      /* removed by release(): nothing to refresh */
    }
  }, pingEvery);
  timer.unref();
  const finish = (marker: 'DONE' | 'FAIL' | null, text = ''): void => {
    clearInterval(timer);
    if (marker) atomicWriteFile(join(dir, marker), text);
    rmSync(ping, { force: true });
  };
  return {
    index,
    dir,
    resumed,
    done: () => finish('DONE', new Date().toISOString() + '\n'),
    fail: (error) => finish('FAIL', `${new Date().toISOString()}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    release: () => finish(null),
  };
}
