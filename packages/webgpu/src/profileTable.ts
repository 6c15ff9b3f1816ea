/** A profile's tables (by kernel, by phase) and their text rendering. */
import type { DispatchRecord, ProfileTiming } from './profiler.ts';

export interface KernelStats {
  kernel: string;
  calls: number;
  totalMs: number;
  meanUs: number;
  /** Over the calls that declared their FLOPs; null when none did or the time is too short to trust. */
  gflops: number | null;
  /** Over the calls that declared their bytes; null as for gflops. */
  gbps: number | null;
}

export interface PhaseStats {
  /** Nested phases joined with '/'; '' for dispatches outside any phase. */
  phase: string;
  dispatches: number;
  totalMs: number;
}

export interface Profile {
  timing: ProfileTiming;
  /** From startProfile to the end of stopProfile (includes waiting for the GPU). */
  wallMs: number;
  /** The sum of the dispatches' times. */
  gpuMs: number;
  dispatches: number;
  submits: number;
  /** Sorted by total time, largest first. */
  kernels: KernelStats[];
  /** In order of first dispatch. */
  phases: PhaseStats[];
}

export function summarise(records: readonly DispatchRecord[], run: { timing: ProfileTiming; wallMs: number; submits: number }): Profile {
  const byKernel = new Map<string, { calls: number; ms: number; flops: number; flopMs: number; bytes: number; byteMs: number }>();
  const byPhase = new Map<string, PhaseStats>();
  let gpuMs = 0;
  for (const r of records) {
    gpuMs += r.ms;
    let k = byKernel.get(r.kernel);
    if (!k) byKernel.set(r.kernel, (k = { calls: 0, ms: 0, flops: 0, flopMs: 0, bytes: 0, byteMs: 0 }));
    k.calls++;
    k.ms += r.ms;
    if (r.flops !== undefined) {
      k.flops += r.flops;
      k.flopMs += r.ms;
    }
    if (r.bytes !== undefined) {
      k.bytes += r.bytes;
      k.byteMs += r.ms;
    }
    let p = byPhase.get(r.phase);
    if (!p) byPhase.set(r.phase, (p = { phase: r.phase, dispatches: 0, totalMs: 0 }));
    p.dispatches++;
    p.totalMs += r.ms;
  }
  // No dispatch really takes under a microsecond: such a mean means the time was not seen (cpu
  // timing charges work finished while JS was busy to another dispatch), and its rate would be noise.
  const MIN_MEAN_MS = 0.001;
  const rate = (amount: number, ms: number, calls: number): number | null => (amount > 0 && ms / calls >= MIN_MEAN_MS ? amount / ms / 1e6 : null);
  const kernels = [...byKernel].map(([kernel, k]): KernelStats => ({
    kernel,
    calls: k.calls,
    totalMs: k.ms,
    meanUs: (k.ms / k.calls) * 1000,
    gflops: rate(k.flops, k.flopMs, k.calls),
    gbps: rate(k.bytes, k.byteMs, k.calls),
  }));
  kernels.sort((a, b) => b.totalMs - a.totalMs || a.kernel.localeCompare(b.kernel));
  return { ...run, gpuMs, dispatches: records.length, kernels, phases: [...byPhase.values()] };
}

function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fixed = (v: number | null, digits: number): string => (v === null ? '' : v.toFixed(digits));
const share = (ms: number, total: number): string => (total > 0 ? `${((100 * ms) / total).toFixed(1)}` : '');

/** Aligned text: the kernels by total time, the phases (when any was named), and the counts. */
export function formatProfile(p: Profile, options: { title?: string; maxKernels?: number } = {}): string {
  const out: string[] = [];
  if (options.title) out.push(options.title);
  const shown = p.kernels.slice(0, options.maxKernels ?? p.kernels.length);
  out.push(
    table(
      ['kernel', 'calls', 'total ms', '%', 'mean µs', 'GFLOP/s', 'GB/s'],
      shown.map((k) => [k.kernel, String(k.calls), k.totalMs.toFixed(3), share(k.totalMs, p.gpuMs), k.meanUs.toFixed(1), fixed(k.gflops, 2), fixed(k.gbps, 2)]),
    ),
  );
  if (shown.length < p.kernels.length) {
    const rest = p.kernels.slice(shown.length);
    const ms = rest.reduce((s, k) => s + k.totalMs, 0);
    out.push(`(${rest.length} more kernels: ${rest.reduce((s, k) => s + k.calls, 0)} calls, ${ms.toFixed(3)} ms)`);
  }
  if (p.phases.some((ph) => ph.phase !== '')) {
    out.push('');
    out.push(
      table(
        ['phase', 'dispatches', 'total ms', '%'],
        p.phases.map((ph) => [ph.phase || '(none)', String(ph.dispatches), ph.totalMs.toFixed(3), share(ph.totalMs, p.gpuMs)]),
      ),
    );
  }
  out.push('');
  const how = p.timing === 'timestamp' ? 'timestamp queries' : 'CPU-side, one dispatch per submit';
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : what.endsWith('h') ? 'es' : 's'}`;
  out.push(`${count(p.dispatches, 'dispatch')} in ${count(p.submits, 'submit')}; GPU time ${p.gpuMs.toFixed(3)} ms (${how}); wall ${p.wallMs.toFixed(1)} ms`);
  return out.join('\n');
}
