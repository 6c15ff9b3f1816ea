/**
 * `metrics.jsonl`: one JSON object per line, `{ step, time, ...values }`, appended as training
 * runs. A resumed run first drops the lines written after its checkpoint's step (they describe
 * updates the checkpoint does not contain), rewriting the file atomically, so the log always
 * matches the model on disk. A torn last line from a kill is dropped the same way.
 */
import { appendFileSync, existsSync, fsyncSync, openSync, closeSync, readFileSync } from 'node:fs';
import { atomicWriteFile } from '../run/atomic.ts';

export type MetricRecord = Record<string, number | string>;

export function readMetrics(path: string): (MetricRecord & { step: number })[] {
  if (!existsSync(path)) return [];
  const out: (MetricRecord & { step: number })[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as MetricRecord & { step: number };
      if (typeof rec.step === 'number') out.push(rec);
    } catch {
      /* a torn line from a kill mid-append */
    }
  }
  return out;
}

export class MetricsLog {
  readonly path: string;

  constructor(path: string, resumeStep?: number) {
    this.path = path;
    if (resumeStep !== undefined && existsSync(path)) {
      const kept = readMetrics(path).filter((r) => r.step <= resumeStep);
      atomicWriteFile(path, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    }
  }

  write(step: number, values: Record<string, number | string>): void {
    const rec: MetricRecord = { step, time: Number((Date.now() / 1000).toFixed(3)) };
    for (const [k, v] of Object.entries(values)) rec[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    appendFileSync(this.path, JSON.stringify(rec) + '\n');
  }

  sync(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    fsyncSync(fd);
    closeSync(fd);
  }
}
