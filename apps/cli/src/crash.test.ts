/**
 * Crash safety of `dreamer train`, end to end in child processes: SIGKILL at seeded random
 * points, re-running the same command each time, must resume from the last checkpoint and leave
 * every file readable; Ctrl-C (SIGINT) must checkpoint, exit 130 and resume on the next run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { loadSafetensors } from '@dreamer/nn';
import { readEpisode } from '@dreamer/replay';
import { dispose } from '@dreamer/tensor';
import { readEvents } from './log/tensorboard.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The debug preset on dummy, shrunk so an update takes well under a second on a busy CPU. */
function trainArgs(logdir: string, maxSteps: number): string[] {
  const set = ['backend=cpu', 'imagination_horizon=3', 'cnn_depth=2', 'batch_shape=[2,5]', 'action_repeat=100', 'train_steps=10', `max_steps=${maxSteps}`, 'checkpoint_every=1'];
  return ['apps/cli/src/main.ts', 'train', '--logdir', logdir, '--params', '{defaults: [dreamer, debug], tasks: [dummy]}', ...set.flatMap((s) => ['--set', s]), '--quiet'];
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves when `n` lines starting with `prefix` were printed (or the process ended). */
  waitFor(prefix: string, n: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { prefix: string; n: number; done: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (lines.filter((l) => l.startsWith(w.prefix)).length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
    }
  };
  for (const stream of [proc.stdout!, proc.stderr!]) createInterface({ input: stream }).on('line', (l) => (lines.push(l), check()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on('exit', (code, signal) => done({ code, signal })));
  exit.then(() => waiters.splice(0).forEach((w) => w.done()));
  return {
    proc,
    lines,
    exit,
    waitFor: (prefix, n) => new Promise<void>((done) => (waiters.push({ prefix, n, done }), check())),
  };
}

/** The loop counters stored in a checkpoint, read from its header (throws if it is not a valid file). */
function checkpointUpdates(path: string): number {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets?: [number, number]; extra?: string }>;
  const end = Math.max(...Object.values(header).map((v) => v.data_offsets?.[1] ?? 0));
  expect(bytes.length, `${path} is truncated`).toBe(8 + headerLength + end);
  return (JSON.parse(header.__metadata__.extra!) as { loop: { updates: number } }).loop.updates;
}

/** Every file of the run reads back: checkpoint, metrics (a torn last line allowed only after a kill), episodes, events, pictures. */
async function checkRunFiles(run: string, tornTailAllowed: boolean): Promise<void> {
  const ckpt = join(run, 'checkpoint.safetensors');
  if (existsSync(ckpt)) {
    checkpointUpdates(ckpt);
    const loaded = await loadSafetensors(ckpt);
    expect(Object.keys(loaded.tensors).length).toBeGreaterThan(0);
    dispose(Object.values(loaded.tensors));
  }
  const metrics = join(run, 'metrics.jsonl');
  if (existsSync(metrics)) {
    const lines = readFileSync(metrics, 'utf8').split('\n').filter(Boolean);
    lines.forEach((line, i) => {
      if (tornTailAllowed && i === lines.length - 1) return;
      expect(() => JSON.parse(line), `metrics.jsonl line ${i + 1}: ${line.slice(0, 80)}`).not.toThrow();
    });
  }
  const episodes = join(run, 'train_episodes');
  for (const f of existsSync(episodes) ? readdirSync(episodes).filter((n) => n.endsWith('.npz') && !n.startsWith('.')) : []) await readEpisode(join(episodes, f));
  const events = join(run, 'events');
  for (const f of existsSync(events) ? readdirSync(events) : []) readEvents(join(events, f));
  for (const [dir, magic] of [['videos', 'GIF89a'], ['openloop', '\x89PNG']] as const) {
    for (const f of existsSync(join(run, dir)) ? readdirSync(join(run, dir)).filter((n) => !n.startsWith('.')) : []) {
      expect(readFileSync(join(run, dir, f)).subarray(0, magic.length).toString('latin1'), `${dir}/${f}`).toBe(magic);
    }
  }
}

/** mulberry32: the kill points are random but the same on every run of the test. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const resumedAt = (lines: string[]): number | null => {
  const m = lines.map((l) => /resumed .* at update (\d+)/.exec(l)).find(Boolean);
  return m ? Number(m[1]) : null;
};
const firstUpdate = (lines: string[]): number | null => {
  const m = lines.map((l) => /^update (\d+)\//.exec(l)).find(Boolean);
  return m ? Number(m[1]) : null;
};

describe('dreamer train survives kills', () => {
  test('SIGKILL at random points: every rerun resumes from the last checkpoint, no file is corrupted, the run finishes', async () => {
    const logdir = mkdtempSync(join(tmpdir(), 'crash-'));
    const run = join(logdir, '00001');
    const maxSteps = 28; // 14 updates, test phases at 10, 20 and 28 sequences
    const random = seeded(20240611);
    let lastCheckpoint: number | null = null;
    let kills = 0;
    for (let attempt = 0; attempt < 12; attempt++) {
      const child = start(trainArgs(logdir, maxSteps));
      const killing = kills < 4;
      if (killing) {
        // The first kill lands around prefill and the first update (no checkpoint yet); later ones mid-training.
        if (kills === 0) await child.waitFor('dreamer train: run', 1);
        else await child.waitFor('update ', 1 + Math.floor(random() * 2));
        await new Promise((r) => setTimeout(r, random() * (kills === 0 ? 1500 : 800)));
        child.proc.kill('SIGKILL');
      }
      const { code, signal } = await child.exit;
      if (lastCheckpoint !== null) {
        // It resumed exactly where the checkpoint on disk was, and went on from there.
        expect(resumedAt(child.lines), child.lines.join('\n')).toBe(lastCheckpoint);
        const next = firstUpdate(child.lines);
        if (next !== null) expect(next).toBe(lastCheckpoint + 1);
      }
      if (signal === 'SIGKILL') {
        kills++;
        expect(existsSync(join(run, 'DONE'))).toBe(false);
        await checkRunFiles(run, true);
        const ckpt = join(run, 'checkpoint.safetensors');
        const now = existsSync(ckpt) ? checkpointUpdates(ckpt) : null;
        if (lastCheckpoint !== null) expect(now).toBeGreaterThanOrEqual(lastCheckpoint);
        lastCheckpoint = now;
        continue;
      }
      expect(code, child.lines.join('\n')).toBe(0);
      break;
    }
    // Four kills are planned; a fast machine may finish the run before the last one lands.
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(run, 'DONE'))).toBe(true);
    expect(existsSync(join(run, 'PING'))).toBe(false);
    expect(checkpointUpdates(join(run, 'checkpoint.safetensors'))).toBe(maxSteps / 2);
    await checkRunFiles(run, false);
    // Resumes trimmed the log back to their checkpoint, so steps never go backwards.
    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(maxSteps);
  }, 150_000);

  test('Ctrl-C checkpoints and exits 130; the next run resumes and finishes', async () => {
    const logdir = mkdtempSync(join(tmpdir(), 'sigint-'));
    const run = join(logdir, '00001');
    const args = trainArgs(logdir, 12);
    const first = start(args);
    await first.waitFor('update ', 1);
    first.proc.kill('SIGINT');
    const { code } = await first.exit;
    expect(code, first.lines.join('\n')).toBe(130);
    expect(first.lines.join('\n')).toMatch(/interrupted — saving a checkpoint/);
    expect(existsSync(join(run, 'PING'))).toBe(false);
    expect(existsSync(join(run, 'DONE'))).toBe(false);
    const saved = checkpointUpdates(join(run, 'checkpoint.safetensors'));
    expect(saved).toBeGreaterThanOrEqual(1);
    await checkRunFiles(run, false);
    const second = start(args);
    expect((await second.exit).code, second.lines.join('\n')).toBe(0);
    expect(resumedAt(second.lines)).toBe(saved);
    expect(existsSync(join(run, 'DONE'))).toBe(true);
  }, 90_000);
});
