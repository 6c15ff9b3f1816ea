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
