// Shared bits of the env benchmarks: the machine line, medians, and writing one section of
// docs/benchmarks.md without touching the sections other benchmarks own.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

export const load = (): number => os.loadavg()[0];

/** Idle and total CPU ticks of the whole machine so far (Linux /proc/stat; null elsewhere). */
export function cpuTicks(): { idle: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPU time that other processes used between two cpuTicks() readings:
 * busy time minus this process's own (`ownMicros` from process.cpuUsage, every thread), over
 * `seconds` of wall time on every core. Null where /proc/stat is missing.
 */
export function othersShare(a: ReturnType<typeof cpuTicks>, b: ReturnType<typeof cpuTicks>, ownMicros: number, seconds: number): number | null {
  if (!a || !b || b.total <= a.total) return null;
  const busy = 1 - (b.idle - a.idle) / (b.total - a.total);
  return Math.max(0, busy - ownMicros / 1e6 / (seconds * os.cpus().length));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Replaces the `## title` section of docs/benchmarks.md (up to the next `## `), or appends it. */
export function writeSection(title: string, body: string): void {
  const path = join(ROOT, 'docs', 'benchmarks.md');
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const lines = doc.split('\n');
  const at = lines.indexOf(heading);
  if (at < 0) {
    writeFileSync(path, `${doc.trimEnd()}\n\n${section}`);
    return;
  }
  const end = lines.findIndex((l, i) => i > at && l.startsWith('## '));
  const before = lines.slice(0, at).join('\n');
  const after = end < 0 ? '' : `\n${lines.slice(end).join('\n')}`;
  writeFileSync(path, `${before}\n${section}${after}`);
}

export function writeJson(relative: string, value: unknown): void {
  const path = join(ROOT, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
