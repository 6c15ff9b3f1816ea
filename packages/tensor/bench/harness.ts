/** A minimal benchmark harness: warm-up runs, then timed repeats; medians are what we quote. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Case {
  name: string;
  /** Work per run, for the rate column: FLOPs (GFLOP/s) or elements (Melem/s). */
  work: number;
  unit: 'GFLOP/s' | 'Melem/s';
  repeats: number;
  /** Runs the measured work once and returns when every result is computed and released. */
  run(): void | Promise<void>;
}

export interface Result {
  name: string;
  repeats: number;
  medianMs: number;
  minMs: number;
  rate: number;
  unit: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function measure(c: Case, warmup = 2): Promise<Result> {
  for (let i = 0; i < warmup; i++) await c.run();
  const times: number[] = [];
  for (let i = 0; i < c.repeats; i++) {
    const t0 = performance.now();
    await c.run();
    times.push(performance.now() - t0);
  }
  const medianMs = median(times);
  const minMs = Math.min(...times);
  const scale = c.unit === 'GFLOP/s' ? 1e9 : 1e6;
  return { name: c.name, repeats: c.repeats, medianMs, minMs, rate: c.work / (medianMs / 1000) / scale, unit: c.unit };
}

export function machine(): Record<string, string> {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1].trim();
  } catch {
    // not Linux: keep os.cpus()'s model
  }
  return {
    cpu: model,
    cores: String(cpus().length),
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
