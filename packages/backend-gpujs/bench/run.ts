/**
 * Side-by-side benchmark of the engine's backends in one process: `pnpm bench` in
 * packages/backend-gpujs (or `node bench/run.ts [rounds]`, default 5 rounds).
 *
 * Backends: the CPU reference (`cpu`), gpu.js in each mode that opens here (webasm, cpu, and
 * headlessgl when the `gl` addon is built — Xvfb is started when there is no DISPLAY), and the
 * WGSL backend (@dreamer/webgpu; lavapipe on a machine without a GPU). A backend that does not
 * open is listed with the reason and left out.
 *
 * Cases, through the public API on inputs uploaded once per backend (same values everywhere):
 *   matmul 512³ and 1024³ (f32);
 *   the Dreamer conv encoder (@dreamer/world-model, depth 32: k4 s2 VALID ReLU convs
 *     64×64×3 → 32 → 64 → 128 → 256 filters) forward + backward (valueAndGrad of the summed
 *     features w.r.t. the encoder's parameters) at batch 8;
 *   the RSSM's GRU cell (@dreamer/nn, TF1 block variant, batch 50, 230 inputs → 200 units)
 *     forward + backward w.r.t. its parameters, input and state.
 * Method: each (case, backend) pair runs twice to warm up (gpu.js compiles its kernels then;
 * the first call's time is recorded), then `rounds` rounds in which every case runs once on every
 * backend in turn (interleaved, so load drift hits all backends alike). A sample ends with a
 * read of the first output (WebGPU: waits for the queue; gpu.js and the CPU compute synchronously)
 * and disposes its results. Medians per sample; ratio = median / CPU reference median. Each
 * backend's outputs are checked against the CPU reference's (max |Δ| / max |cpu|).
 *
 * Prints a markdown table and writes docs/benchmarks/gpujs.json at the repo root; the
 * "## gpu.js backend" section of docs/benchmarks.md is written from the table by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '@dreamer/tensor';
import { gruCell } from '@dreamer/nn';
import { convEncoder } from '@dreamer/world-model';
import { GPU } from 'gpu.js';
import { type GpujsBackend, type GpujsMode, registerGpujs } from '../src/index.ts';
import { ensureDisplay, stopDisplay } from '../test/display.ts';

const rounds = Number(process.argv[2] ?? 5);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// ---- helpers ------------------------------------------------------------------------------

/** Deterministic values in [-scale/2, scale/2) from a linear congruential generator. */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const loadavg = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function machine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return `${model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

// ---- backends -----------------------------------------------------------------------------

interface BenchBackend {
  /** Registered name. */
  name: string;
  /** Column label. */
  label: string;
  /** What it runs on (mode, adapter or GL renderer). */
  detail: string;
}

const backends: BenchBackend[] = [{ name: 'cpu', label: 'CPU reference', detail: 'pure TypeScript (@dreamer/tensor)' }];
const unavailable: { label: string; reason: string }[] = [];

/** The GL renderer gpu.js's headless-gl context reports, when it has one. */
function glRenderer(b: GpujsBackend): string {
  interface GL {
    RENDERER: number;
    VERSION: number;
    getParameter(p: number): unknown;
  }
  const gl = (b.runtime.gpu as unknown as { context?: GL }).context;
  if (!gl?.getParameter) return 'unknown GL renderer';
  return `${String(gl.getParameter(gl.RENDERER))} (${String(gl.getParameter(gl.VERSION))})`;
}

async function openGpujs(mode: GpujsMode): Promise<void> {
  const name = `gpujs-${mode}`;
  const label = `gpu.js ${mode}`;
  let where = '';
  if (mode === 'headlessgl') {
    const { display, reason } = await ensureDisplay();
    if (display === null) return void unavailable.push({ label, reason });
    // headless-gl names only itself (no WEBGL_debug_renderer_info); under Xvfb, GLX is Mesa's llvmpipe.
    where = `; X display ${display} (${reason === 'DISPLAY is set' ? 'DISPLAY was set' : `${reason}: Mesa llvmpipe`})`;
    if (!GPU.isHeadlessGLSupported) return void unavailable.push({ label, reason: 'headless-gl (the optional `gl` addon) is not built or opens no context' });
  }
  registerGpujs({ mode, log: false }, name);
  try {
    const b = (await T.setBackend(name)) as GpujsBackend;
    backends.push({ name, label, detail: mode === 'headlessgl' ? `gpu.js ${b.info.version} headlessgl, ${glRenderer(b)}${where}` : `gpu.js ${b.info.version} ${b.mode}` });
  } catch (e) {
    unavailable.push({ label, reason: (e as Error).message });
  }
}

async function openWebGPU(): Promise<void> {
  try {
    const wg = await import('@dreamer/webgpu');
    const opened = await wg.openAdapter();
    const adapter = wg.formatAdapter(opened);
    wg.registerWebGPU();
    await T.setBackend('webgpu');
    backends.push({ name: 'webgpu', label: 'WGSL (webgpu)', detail: adapter });
  } catch (e) {
    unavailable.push({ label: 'WGSL (webgpu)', reason: (e as Error).message.split('\n')[0] });
  }
}

// ---- cases --------------------------------------------------------------------------------

interface Case {
  name: string;
  /** FLOPs per sample, for the rate (null: not counted). */
  flops: number | null;
  /** Uploads the inputs on the current backend; returns one sample: run, return outputs. */
  setup(): { run: () => T.Tensor[]; inputs: T.Tensor[] };
}

function matmulCase(n: number): Case {
  const a = values(n * n, 1);
  const b = values(n * n, 2);
  return {
    name: `matmul ${n}³`,
    flops: 2 * n ** 3,
    setup() {
      const ta = T.keep(T.tensor(a, [n, n]));
      const tb = T.keep(T.tensor(b, [n, n]));
      return { run: () => [T.matmul(ta, tb)], inputs: [ta, tb] };
    },
  };
}

const ENC_BATCH = 8;
const encoder = convEncoder(3, 32);
/** The encoder's parameters, made once on the CPU (glorot init) and copied to every backend. */
T.setBackendSync('cpu');
const encInit = encoder.init(T.RandomKey.fromSeed(7));
const encParams: Record<string, Record<string, { data: Float32Array; shape: readonly number[] }>> = {};
for (const [layer, lp] of Object.entries(encInit)) {
  encParams[layer] = {};
  for (const [k, t] of Object.entries(lp)) encParams[layer][k] = { data: (await t.data()) as Float32Array, shape: t.shape };
}
T.dispose(encInit);
const encFlops = (() => {
  // forward 2·B·Cout·OH·OW·Cin·k² per layer; backward ≈ 2× (input gradient skipped for layer 1).
  let hw = 64;
  let cin = 3;
  let total = 0;
  [32, 64, 128, 256].forEach((cout, i) => {
    const out = Math.floor((hw - 4) / 2) + 1;
    const fwd = 2 * ENC_BATCH * cout * out * out * cin * 16;
    total += fwd * (i === 0 ? 2 : 3);
    hw = out;
    cin = cout;
  });
  return total;
})();

const encoderCase: Case = {
  name: `encoder fwd+bwd, batch ${ENC_BATCH}`,
  flops: encFlops,
  setup() {
    const params = Object.fromEntries(
      Object.entries(encParams).map(([layer, lp]) => [layer, Object.fromEntries(Object.entries(lp).map(([k, v]) => [k, T.keep(T.tensor(v.data, v.shape))]))]),
    ) as ReturnType<typeof encoder.init>;
    const image = T.keep(T.tensor(values(ENC_BATCH * 64 * 64 * 3, 3), [ENC_BATCH, 64, 64, 3]));
    const run = (): T.Tensor[] => {
      const { value, grads } = T.valueAndGrad((p) => T.sum(encoder.apply(p, image)), params);
      return [value, ...Object.values(grads).flatMap((g) => Object.values(g))];
    };
    return { run, inputs: [image, ...Object.values(params).flatMap((g) => Object.values(g))] };
  },
};

const [GRU_B, GRU_IN, GRU_UNITS] = [50, 230, 200];
const cell = gruCell(GRU_IN, GRU_UNITS);
const gruCase: Case = {
  name: `GRU cell fwd+bwd, ${GRU_B}×${GRU_IN}→${GRU_UNITS}`,
  // the two matmuls forward (2·B·(in+units)·(3·units)) and twice that backward
  flops: 3 * 2 * GRU_B * (GRU_IN + GRU_UNITS) * 3 * GRU_UNITS,
  setup() {
    const p = {
      kernel_ru: T.keep(T.tensor(values((GRU_IN + GRU_UNITS) * 2 * GRU_UNITS, 11, 0.2), [GRU_IN + GRU_UNITS, 2 * GRU_UNITS])),
      bias_ru: T.keep(T.tensor(values(2 * GRU_UNITS, 12), [2 * GRU_UNITS])),
      kernel_c: T.keep(T.tensor(values((GRU_IN + GRU_UNITS) * GRU_UNITS, 13, 0.2), [GRU_IN + GRU_UNITS, GRU_UNITS])),
      bias_c: T.keep(T.tensor(values(GRU_UNITS, 14), [GRU_UNITS])),
      x: T.keep(T.tensor(values(GRU_B * GRU_IN, 15), [GRU_B, GRU_IN])),
      h: T.keep(T.tensor(values(GRU_B * GRU_UNITS, 16), [GRU_B, GRU_UNITS])),
    };
    const w = T.keep(T.tensor(values(GRU_B * GRU_UNITS, 17), [GRU_B, GRU_UNITS]));
    const run = (): T.Tensor[] => {
      const { value, grads } = T.valueAndGrad((q) => T.sum(T.mul(cell.apply(q, q.x, q.h), w)), p);
      return [value, ...Object.values(grads)];
    };
    return { run, inputs: [w, ...Object.values(p)] };
  },
};

const cases: Case[] = [matmulCase(512), matmulCase(1024), encoderCase, gruCase];

// ---- run ----------------------------------------------------------------------------------

const started = performance.now();
const loadStart = loadavg();
const date = new Date().toISOString().slice(0, 10);
await openGpujs('webasm');
await openGpujs('cpu');
await openGpujs('headlessgl');
await openWebGPU();
T.setBackendSync('cpu');
console.log(`gpu.js backend benchmark: ${rounds} rounds; ${machine()}; load average ${loadStart}`);
for (const b of backends) console.log(`  ${b.label}: ${b.detail}`);
for (const u of unavailable) console.log(`  ${u.label}: unavailable (${u.reason})`);

interface Cell {
  firstMs: number;
  samplesMs: number[];
  maxRelDiff: number;
}
type Prepared = { run: () => T.Tensor[]; inputs: T.Tensor[] };
const prepared = new Map<string, Prepared>();
const results = new Map<string, Cell>();
const keyOf = (c: Case, b: BenchBackend): string => `${c.name}|${b.name}`;

async function sample(c: Case, b: BenchBackend): Promise<{ ms: number; outs: T.Tensor[] }> {
  await T.setBackend(b.name);
  const p = prepared.get(keyOf(c, b))!;
  const t0 = performance.now();
  const outs = p.run();
  await outs[0].data();
  return { ms: performance.now() - t0, outs };
}

const reference = new Map<string, Float32Array[]>();
for (const c of cases) {
  for (const b of backends) {
    await T.setBackend(b.name);
    prepared.set(keyOf(c, b), c.setup());
    const first = await sample(c, b);
    const outs = await Promise.all(first.outs.map(async (t) => (await t.data()) as Float32Array));
    T.dispose(first.outs);
    let rel = 0;
    if (b.name === 'cpu') reference.set(c.name, outs);
    else {
      const ref = reference.get(c.name)!;
      outs.forEach((o, i) => {
        let num = 0;
        let den = 0;
        for (let j = 0; j < o.length; j++) {
          num = Math.max(num, Math.abs(o[j] - ref[i][j]));
          den = Math.max(den, Math.abs(ref[i][j]));
        }
        rel = Math.max(rel, num / (den || 1));
      });
    }
    T.dispose((await sample(c, b)).outs);
    results.set(keyOf(c, b), { firstMs: first.ms, samplesMs: [], maxRelDiff: rel });
    console.log(`  warm-up ${c.name} on ${b.label}: first call ${first.ms.toFixed(0)} ms, max rel diff vs cpu ${rel.toExponential(1)}`);
  }
}

for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    for (const b of backends) {
      const { ms, outs } = await sample(c, b);
      T.dispose(outs);
      results.get(keyOf(c, b))!.samplesMs.push(ms);
    }
  }
  console.log(`  round ${r + 1}/${rounds} done (load average ${loadavg()})`);
}
const loadEnd = loadavg();

for (const [key, p] of prepared) {
  await T.setBackend(key.split('|')[1]);
  T.dispose(p.inputs);
}
T.setBackendSync('cpu');

// ---- report -------------------------------------------------------------------------------

const rows = cases.map((c) => {
  const cpu = median(results.get(keyOf(c, backends[0]))!.samplesMs);
  return {
    case: c.name,
    flops: c.flops,
    backends: Object.fromEntries(
      backends.map((b) => {
        const cell = results.get(keyOf(c, b))!;
        const med = median(cell.samplesMs);
        return [b.name, { medianMs: med, samplesMs: cell.samplesMs, firstCallMs: cell.firstMs, gflops: c.flops === null ? null : c.flops / med / 1e6, ratioToCpu: med / cpu, maxRelDiffToCpu: cell.maxRelDiff }];
      }),
    ),
  };
});

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const header = `| case | ${backends.map((b) => b.label).join(' | ')} |`;
const lines = [header, `|---|${backends.map(() => '---').join('|')}|`];
for (const row of rows) {
  const cells = backends.map((b) => {
    const x = row.backends[b.name];
    const ratio = b.name === 'cpu' ? '' : ` (${x.ratioToCpu.toFixed(2)}×)`;
    return `${fmt(x.medianMs)}${ratio}`;
  });
  lines.push(`| ${row.case} | ${cells.join(' | ')} |`);
}
const table = lines.join('\n');
const seconds = (performance.now() - started) / 1000;
console.log(`\nmedian ms per sample (time ratio to the CPU reference); load average ${loadStart} at the start, ${loadEnd} at the end; ${seconds.toFixed(0)} s\n`);
console.log(table);
const firstCalls = [`| case | ${backends.map((b) => b.label).join(' | ')} |`, `|---|${backends.map(() => '---').join('|')}|`];
for (const row of rows) firstCalls.push(`| ${row.case} | ${backends.map((b) => `${fmt(row.backends[b.name].firstCallMs)} (${row.backends[b.name].maxRelDiffToCpu.toExponential(1)})`).join(' | ')} |`);
console.log(`\nfirst call ms, kernel compilation included (max |Δ| / max |cpu| of the outputs)\n`);
console.log(firstCalls.join('\n'));

let gitHead = 'unknown';
try {
  gitHead = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}
const out = join(root, 'docs/benchmarks/gpujs.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date,
      commit: gitHead,
      machine: machine(),
      load: `load average ${loadStart} at the start, ${loadEnd} at the end`,
      rounds,
      method: 'one process; each (case, backend) warmed up twice, then rounds interleaving every backend per case; a sample ends with a read of its first output; medians',
      backends: backends.map((b) => ({ name: b.name, label: b.label, detail: b.detail })),
      unavailable,
      seconds,
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${out}`);
stopDisplay();
for (const b of backends) if (b.name !== 'cpu') T.removeBackend(b.name);
