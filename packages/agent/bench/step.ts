/**
 * One Dreamer training step (world model + actor + value: `dreamer(...).trainStep` on a random
 * batch, after warm-up), timed with a per-phase breakdown, side by side with the PyTorch peer
 * (tools/torch/dreamer_step.py, PyTorch on the CPU with 2 threads).
 *
 *   node bench/step.ts [--samples N] [--default-samples N] [--skip default,cpu,webgpu,torch] [--no-write]
 *   node bench/step.ts --report     (re-renders the docs section from docs/benchmarks/step.json)
 *   node bench/step.ts --only-default   (reruns the default case into the existing step.json)
 *   (pnpm --filter @dreamer/agent bench; defaults: 5 debug samples, 1 default sample)
 *
 * Cases: the seed's `debug` configuration (deter/hidden 10, stoch 5, 1-layer heads of 10 units —
 * actor 2 layers as the seed derives it —, batch 5 × 10, 64×64×3 images, H = 15) on WebGPU and on
 * the CPU backend, and the default configuration (batch 50 × 50, deter 200, stoch 30, 400-unit heads,
 * H = 15) on WebGPU; a 6-dim continuous action. A sample times trainStep → reading its metrics back
 * (the flush and wait a learner pays), with the old parameters disposed as the learner does. Samples
 * of ours and of the peer alternate (ours, then the peer's), so both see the same machine load.
 *
 * Per-phase breakdown: the step's phases (engine `phase`, see @dreamer/tensor) as the WebGPU
 * profiler sums them (GPU time by timestamp queries, and dispatch counts) on one more, profiled
 * step after the timed ones. A phase's "forward" is the launches made
 * inside it (outside its sub-phases); its "backward" is the gradient launches of the ops recorded
 * in it, which valueAndGrad's backward pass runs under '<phase>/backward'. On the CPU backend the
 * same phases are timed by wall clock (the backend is synchronous), self time (sub-phases excluded).
 *
 * Writes docs/benchmarks/step.json and the section "## Dreamer training step" of docs/benchmarks.md.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as T from '@dreamer/tensor';
import { type Dreamer, type DreamerOptState, type DreamerParams, dreamer } from '@dreamer/behavior';
import type { Env } from '@dreamer/envs';
import { type Batch, readMetrics } from '@dreamer/world-model';
import { type Profile, WebGPUBackend, formatAdapter, openAdapter, registerWebGPU } from '@dreamer/webgpu';
import { resolveConfig } from '../src/config.ts';
import { dreamerOptions } from '../src/options.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PEER = join(ROOT, 'tools/torch/dreamer_step.py');
const PYTHON = '/usr/bin/python3';
const ACTIONS = 6;

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '5' },
    'default-samples': { type: 'string', default: '1' },
    skip: { type: 'string', default: '' },
    'no-write': { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    /** Internal: run only the default case and write its result to this file (see runDefaultInChild). */
    'default-case-out': { type: 'string' },
    /** Run only the default case and merge it into the existing docs/benchmarks/step.json. */
    'only-default': { type: 'boolean', default: false },
  },
});
const skip = new Set(args.skip!.split(',').filter(Boolean));
const debugSamples = Number(args.samples);
const defaultSamples = Number(args['default-samples']);

type ConfigName = 'debug' | 'default';

// ---- the model, a random batch, one step -------------------------------------------------

/** A stand-in env for dreamerOptions: the dummy task's 64×64×3 image, a 6-dim box action. */
const env = {
  name: 'bench',
  observationSpec: { image: { shape: [64, 64, 3], dtype: 'uint8', low: 0, high: 255 } },
  actionSpec: { kind: 'continuous', shape: [ACTIONS], low: new Float32Array(ACTIONS).fill(-1), high: new Float32Array(ACTIONS).fill(1) },
} as unknown as Env;

interface Case {
  config: ConfigName;
  batch: [number, number];
  model: Dreamer;
}

function makeCase(config: ConfigName): Case {
  const c = resolveConfig({ defaults: config === 'debug' ? ['dreamer', 'debug'] : ['dreamer'] });
  return { config, batch: c.batch_shape, model: dreamer(env.observationSpec, env.actionSpec as never, dreamerOptions(c, env)) };
}

/** Parameters, optimiser state and a batch on the active backend; `step()` runs and times one update. */
function stepper(c: Case) {
  let params: DreamerParams = c.model.init(T.RandomKey.fromSeed(0));
  let opt: DreamerOptState = c.model.initOptState(params);
  const [b, t] = c.batch;
  const keys = T.RandomKey.fromSeed(1).split(3);
  const batch: Batch = T.tidy(() => ({
    obs: { image: T.floor(T.randomUniform(keys[0], [b, t, 64, 64, 3], { high: 256 })) },
    action: T.randomUniform(keys[1], [b, t, ACTIONS], { low: -1, high: 1 }),
    reward: T.randomUniform(keys[2], [b, t]),
    discount: T.ones([b, t]),
  }));
  let n = 0;
  return {
    async step(): Promise<number> {
      const t0 = performance.now();
      const out = c.model.trainStep(params, opt, batch, T.RandomKey.fromSeed(100 + n++));
      T.dispose([params, opt]);
      params = out.params;
      opt = out.optState;
      const metrics = await readMetrics(out.metrics);
      const ms = performance.now() - t0;
      if (!Number.isFinite(metrics['objectives/model'])) throw new Error(`${c.config}: the model loss is ${metrics['objectives/model']}`);
      return ms;
    },
    dispose(): void {
      T.dispose([params, opt, batch]);
    },
  };
}

// ---- phases: the WebGPU profile, and wall-clock phases on the CPU ---------------------------

interface PhaseRow {
  phase: string;
  forward: { dispatches: number; ms: number };
  backward: { dispatches: number; ms: number };
}

/** The profile's phases folded into rows: '<p>/backward' becomes p's backward column. */
function phaseRows(entries: readonly { phase: string; dispatches: number; ms: number }[]): PhaseRow[] {
  const rows = new Map<string, PhaseRow>();
  for (const e of entries) {
    const path = e.phase === '' ? '(none)' : e.phase;
    const backward = path === 'backward' || path.endsWith('/backward');
    const key = backward ? (path === 'backward' ? '(none)' : path.slice(0, -'/backward'.length)) : path;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { phase: key, forward: { dispatches: 0, ms: 0 }, backward: { dispatches: 0, ms: 0 } }));
    const side = backward ? row.backward : row.forward;
    side.dispatches += e.dispatches;
    side.ms += e.ms;
  }
  return [...rows.values()];
}

// ---- the PyTorch peer ---------------------------------------------------------------------

interface PeerSample {
  ms: number;
  parts_ms: Record<string, number>;
}

/** tools/torch/dreamer_step.py --serve: builds and warms up, then one timed step per request. */
class Peer {
  readonly info: Record<string, unknown>;
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  private constructor(proc: ChildProcessWithoutNullStreams, lines: AsyncIterator<string>, info: Record<string, unknown>) {
    this.#proc = proc;
    this.#lines = lines;
    this.info = info;
  }

  static async start(config: ConfigName): Promise<Peer> {
    const proc = spawn(PYTHON, [PEER, '--config', config, '--serve', '--warmup', '1', '--threads', '2', '--actions', String(ACTIONS)], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' },
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`the PyTorch peer exited before it was ready:\n${stderr}`);
    return new Peer(proc, lines, JSON.parse(first.value) as Record<string, unknown>);
  }

  async step(): Promise<PeerSample> {
    this.#proc.stdin.write('step\n');
    const line = await this.#lines.next();
    if (line.done) throw new Error('the PyTorch peer exited');
    return JSON.parse(line.value) as PeerSample;
  }

  close(): void {
    this.#proc.stdin.end();
  }
}

function torchAvailable(): { ok: true } | { ok: false; why: string } {
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: `\`${PYTHON} -c 'import torch'\` failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  return { ok: true };
}

// ---- running ------------------------------------------------------------------------------

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};
const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)} load ${load()[0]}] ${msg}`);

interface OursResult {
  backend: 'webgpu' | 'cpu';
  config: ConfigName;
  warmupMs: number;
  samplesMs: number[];
  medianMs: number;
  phases: PhaseRow[];
  /** The peer's samples interleaved with ours in this case (its per-part medians alongside). */
  peer?: { samplesMs: number[]; medianMs: number; partsMs: Record<string, number> };
  profile?: { dispatches: number; submits: number; gpuMs: number; wallMs: number; timing: string; profiledStep: string };
}


const torch = args.report
  ? ({ ok: false, why: 'not run (--report)' } as const)
  : skip.has('torch')
    ? ({ ok: false, why: 'skipped (--skip torch)' } as const)
    : torchAvailable();
if (!torch.ok && !args.report) console.log(`PyTorch peer skipped: ${torch.why}`);

function peerSummary(theirs: readonly PeerSample[]): Pick<OursResult, 'peer'> {
  if (!theirs.length) return {};
  const partsMs: Record<string, number> = {};
  for (const k of Object.keys(theirs[0].parts_ms)) partsMs[k] = median(theirs.map((x) => x.parts_ms[k]));
  return { peer: { samplesMs: theirs.map((x) => x.ms), medianMs: median(theirs.map((x) => x.ms)), partsMs } };
}

/**
 * Warm-up, `samples` timed steps (each followed by one of the peer's, when there is one), then
 * the phase breakdown on one more step. `onTimed` gets the timings before that last step (a
 * default-size step is long and memory-hungry: the caller saves what it has).
 */
async function runCase(backendName: 'webgpu' | 'cpu', config: ConfigName, samples: number, peer: Peer | null, onTimed?: (partial: OursResult) => void): Promise<OursResult> {
  const backend = await T.setBackend(backendName);
  const gpu = backend instanceof WebGPUBackend ? backend : null;
  const c = makeCase(config);
  const s = stepper(c);
  if (gpu && config === 'default') trimBetweenPhases(gpu);
  log(`${backendName}/${config}: warm-up`);
  let profile: Profile | null = null;
  const warmupMs = await s.step();
  gpu?.trimPool();
  const ours: number[] = [];
  const theirs: PeerSample[] = [];
  for (let i = 0; i < samples; i++) {
    ours.push(await s.step());
    gpu?.trimPool();
    log(`${backendName}/${config}: ours ${ours[i].toFixed(0)} ms`);
    onTimed?.({ backend: backendName, config, warmupMs, samplesMs: ours, medianMs: median(ours), phases: [], ...peerSummary(theirs) });
    if (gpu && config === 'default') await settleMemory(gpu);
    if (peer) {
      theirs.push(await peer.step());
      log(`${backendName}/${config}: PyTorch ${theirs[i].ms.toFixed(0)} ms`);
    }
  }
  let phases: PhaseRow[];
  onTimed?.({ backend: backendName, config, warmupMs, samplesMs: ours, medianMs: median(ours), phases: [], ...peerSummary(theirs) });
  if (gpu) {
    log(`${backendName}/${config}: profiled step`);
    profile = await gpu.profile(async () => void (await s.step()));
    phases = phaseRows(profile.phases.map((p) => ({ phase: p.phase, dispatches: p.dispatches, ms: p.totalMs })));
  } else {
    const timer = T.wallPhases(backend);
    const ms = await s.step();
    phases = phaseRows(timer.stop().map((p) => ({ ...p, dispatches: 0 })));
    log(`${backendName}/${config}: phased step ${ms.toFixed(0)} ms`);
  }
  s.dispose();
  gpu?.trimPool();
  const result: OursResult = { backend: backendName, config, warmupMs, samplesMs: ours, medianMs: median(ours), phases, ...peerSummary(theirs) };
  if (profile) {
    result.profile = {
      dispatches: profile.dispatches,
      submits: profile.submits,
      gpuMs: profile.gpuMs,
      wallMs: profile.wallMs,
      timing: profile.timing,
      profiledStep: 'one step after the timed ones',
    };
  }
  return result;
}

/**
 * Empties the WebGPU buffer pool whenever a top-level phase of the step ends ('model', 'actor',
 * 'value', each optimiser): freed buffers of the world model's sizes are of no use to the
 * imagination, and the pool alone reached 15 GB in a default-size step (live tensors ≤ 5 GB).
 * A memory accommodation for the 24 GB machine, used for the default configuration only.
 */
function trimBetweenPhases(gpu: WebGPUBackend): void {
  const inner = gpu.phase.bind(gpu);
  let depth = 0;
  (gpu as { phase: WebGPUBackend['phase'] }).phase = <R>(name: string, fn: () => R): R => {
    depth++;
    try {
      return inner(name, fn);
    } finally {
      if (--depth === 0) gpu.trimPool();
    }
  };
}

/**
 * Waits (≤ 30 s) until the memory freed by the last step is back with the system: lavapipe frees
 * destroyed buffers only after the device has seen their work done, and the peer's default step
 * needs ~4 GB of its own.
 */
async function settleMemory(gpu: WebGPUBackend): Promise<void> {
  await gpu.sync();
  const available = () => Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  let last = available();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = available();
    if (now < last + 64 * 1024 && now > 8 * 1024 * 1024) break;
    last = now;
  }
}

/** What the child running the default case writes (see runDefaultInChild). */
interface ChildOut {
  result?: OursResult;
  partial?: OursResult;
  peerInfo?: Record<string, unknown>;
}

/**
 * The default case in a fresh process: a default-size step takes 16–20 GB of lavapipe memory here
 * (the tape of the world model over 2500 images, then of 37,500 imagined states, and the buffer pool
 * between them), next to nothing else of ours; if the system runs short, this parent (idle, polling
 * /proc/meminfo) kills the child before the kernel's OOM killer picks a bystander, and the rest of
 * the results survive. The child also runs and interleaves the PyTorch peer's default steps.
 */
async function runDefaultInChild(): Promise<{ result: OursResult; peerInfo?: Record<string, unknown> } | { error: string; partial?: OursResult }> {
  const out = join(tmpdir(), `dreamer-step-default-${process.pid}.json`);
  const childArgs = [fileURLToPath(import.meta.url), '--default-case-out', out, '--default-samples', String(defaultSamples), '--no-write'];
  if (skip.has('torch')) childArgs.push('--skip', 'torch');
  const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  let lowMemory = false;
  const watch = setInterval(() => {
    const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m && Number(m[1]) < 400 * 1024 && !lowMemory) {
      lowMemory = true;
      child.kill('SIGKILL');
    }
  }, 500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : null))));
  clearInterval(watch);
  const got: ChildOut = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ChildOut) : {};
  rmSync(out, { force: true });
  if (code === 0 && got.result) return { result: got.result, peerInfo: got.peerInfo };
  const why = lowMemory
    ? 'stopped: the system ran out of memory (MemAvailable < 400 MiB) during the default-size step'
    : `the child process failed (exit ${String(code)}${code === 137 || code === 128 ? ', killed — out of memory?' : ''})`;
  return { error: why, partial: got.partial };
}

/** What a run records (docs/benchmarks/step.json); `--report` re-renders the section from it. */
interface RunRecord {
  /** Why the default case has no (or only partial) results, if so. */
  defaultError?: string;
  date: string;
  machine: string;
  adapter: string;
  loadavg: { start: number[]; end: number[] };
  actionSize: number;
  ours: OursResult[];
  torch: Partial<Record<ConfigName, Record<string, unknown>>> | { skipped: string };
  ratios: Record<string, number>;
}

const DOCS = join(ROOT, 'docs');
const JSON_PATH = join(DOCS, 'benchmarks/step.json');

/** Runs every case; `save` (if given) gets the record so far before the long default case and during it. */
async function run(save?: (partial: RunRecord) => void): Promise<RunRecord> {
  let defaultError: string | undefined;
  const startedAt = new Date();
  const loadStart = load();
  registerWebGPU();
  const adapter = formatAdapter(await openAdapter());
  const ours: OursResult[] = [];
  /** The peer's description (torch version, BLAS, threads, …) per configuration. */
  const peerInfo: Partial<Record<ConfigName, Record<string, unknown>>> = {};

  async function withPeer(config: ConfigName, body: (peer: Peer | null) => Promise<void>): Promise<void> {
    let peer: Peer | null = null;
    if (torch.ok) {
      log(`PyTorch ${config}: starting (build + 1 warm-up step)`);
      peer = await Peer.start(config);
      peerInfo[config] = peer.info;
    }
    try {
      await body(peer);
    } finally {
      peer?.close();
    }
  }

  try {
    await withPeer('debug', async (peer) => {
      for (const backendName of ['webgpu', 'cpu'] as const) {
        if (!skip.has(backendName)) ours.push(await runCase(backendName, 'debug', debugSamples, peer));
      }
    });
    if (!skip.has('default') && !skip.has('webgpu')) {
      // The default case runs in a child process of its own (see runDefaultInChild).
      await T.setBackend('cpu');
      T.removeBackend('webgpu');
      save?.(record());
      const child = await runDefaultInChild();
      if ('error' in child) {
        defaultError = child.error;
        log(`webgpu/default: ${child.error}`);
        if (child.partial) ours.push(child.partial);
      } else {
        ours.push(child.result);
        if (child.peerInfo) peerInfo.default = child.peerInfo;
      }
    }
  } finally {
    await T.setBackend('cpu');
    T.removeBackend('webgpu');
  }
  return record();

  function record(extra: OursResult[] = []): RunRecord {
    const all = [...ours, ...extra];
    return {
      ...(defaultError ? { defaultError } : {}),
      date: startedAt.toISOString(),
      machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`,
      adapter,
      loadavg: { start: loadStart, end: load() },
      actionSize: ACTIONS,
      ours: all,
      torch: torch.ok ? peerInfo : { skipped: torch.why },
      ratios: Object.fromEntries(all.map((r) => [`${r.backend}/${r.config}`, ratioOf(r)])),
    };
  }
}

// ---- report ---------------------------------------------------------------------------------

const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const ratioOf = (r: OursResult): number => (r.peer ? r.medianMs / r.peer.medianMs : NaN);
const label = (r: OursResult) => `${r.backend === 'webgpu' ? 'WebGPU (lavapipe)' : 'CPU backend'}, ${r.config}`;

function phaseTable(r: OursResult): string {
  const gpu = r.backend === 'webgpu';
  const total = r.phases.reduce((s, p) => s + p.forward.ms + p.backward.ms, 0);
  const lines = gpu
    ? ['| phase | forward dispatches | forward ms | backward dispatches | backward ms | total ms | % |', '|---|---|---|---|---|---|---|']
    : ['| phase | forward ms | backward ms | total ms | % |', '|---|---|---|---|---|'];
  for (const p of r.phases) {
    const t = p.forward.ms + p.backward.ms;
    const pct = `${((100 * t) / total).toFixed(1)}`;
    lines.push(
      gpu
        ? `| ${p.phase} | ${p.forward.dispatches} | ${f(p.forward.ms, 1)} | ${p.backward.dispatches || ''} | ${p.backward.dispatches ? f(p.backward.ms, 1) : ''} | ${f(t, 1)} | ${pct} |`
        : `| ${p.phase} | ${f(p.forward.ms, 1)} | ${p.backward.ms ? f(p.backward.ms, 1) : ''} | ${f(t, 1)} | ${pct} |`,
    );
  }
  const fw = r.phases.reduce((s, p) => s + p.forward.dispatches, 0);
  const bw = r.phases.reduce((s, p) => s + p.backward.dispatches, 0);
  const fms = r.phases.reduce((s, p) => s + p.forward.ms, 0);
  const bms = r.phases.reduce((s, p) => s + p.backward.ms, 0);
  lines.push(gpu ? `| **total** | ${fw} | ${f(fms, 1)} | ${bw} | ${f(bms, 1)} | ${f(total, 1)} | 100 |` : `| **total** | ${f(fms, 1)} | ${f(bms, 1)} | ${f(total, 1)} | 100 |`);
  return lines.join('\n');
}

/** Our phases summed into the peer's parts (its PARTS), as shares of the profiled step. */
const PARTS: [string, (phase: string) => boolean, 'forward' | 'backward' | 'both'][] = [
  ['model_forward', (p) => p === 'model' || p.startsWith('model/'), 'forward'],
  ['model_backward', (p) => p === 'model' || p.startsWith('model/'), 'backward'],
  ['actor_forward', (p) => p === 'actor' || p.startsWith('actor/'), 'forward'],
  ['actor_backward', (p) => p === 'actor' || p.startsWith('actor/'), 'backward'],
  ['value', (p) => p === 'value' || p.startsWith('value/'), 'both'],
  ['optimizers', (p) => p.startsWith('optimizer_'), 'both'],
];

/** ours (median × the part's share of the profiled step) against the peer's part medians. */
function partsTable(r: OursResult): string {
  const total = r.phases.reduce((s, p) => s + p.forward.ms + p.backward.ms, 0);
  const lines = ['| part | ours, share of the profile | ours, est. ms (share × median) | PyTorch ms | ours / PyTorch |', '|---|---|---|---|---|'];
  for (const [name, match, side] of PARTS) {
    const ms = r.phases.filter((p) => match(p.phase)).reduce((s, p) => s + (side === 'backward' ? 0 : p.forward.ms) + (side === 'forward' ? 0 : p.backward.ms), 0);
    const share = ms / total;
    const est = share * r.medianMs;
    const theirs = r.peer?.partsMs[name] ?? NaN;
    lines.push(`| ${name} | ${(100 * share).toFixed(1)} % | ${f(est)} | ${f(theirs)} | ${Number.isFinite(theirs) ? `${(est / theirs).toFixed(2)}×` : '–'} |`);
  }
  return lines.join('\n');
}

function render(rec: RunRecord): string {
  const { ours, machine, adapter } = rec;
  const peerInfo = 'skipped' in rec.torch ? {} : (rec.torch as Partial<Record<ConfigName, Record<string, unknown>>>);
  const summary = [
    '| case | warm-up ms | samples | median ms | samples ms | PyTorch median ms (samples) | ours / PyTorch | dispatches / step |',
    '|---|---|---|---|---|---|---|---|',
    ...ours.map((r) => {
      const p = r.peer;
      const peerCell = p ? `${f(p.medianMs)} (${p.samplesMs.map((x) => f(x)).join(', ')})` : 'skipped';
      return `| ${label(r)} | ${f(r.warmupMs)} | ${r.samplesMs.length} | ${f(r.medianMs)} | ${r.samplesMs.map((x) => f(x)).join(', ')} | ${peerCell} | ${p ? `${ratioOf(r).toFixed(2)}×` : '–'} | ${r.profile ? `${r.profile.dispatches} in ${r.profile.submits} submits` : '–'} |`;
    }),
  ].join('\n');
  const peerParts = ours
    .filter((r) => r.peer)
    .map((r) => {
      const info = peerInfo[r.config] ?? {};
      const parts = Object.entries(r.peer!.partsMs)
        .map(([k, v]) => `${k} ${f(v)}`)
        .join(', ');
      return `- PyTorch beside ${label(r)}: ${parts} (ms, medians; torch ${String(info.torch)}, BLAS ${String(info.blas)}, ${String(info.threads)} threads, conv chunk ${String(info.conv_chunk)}, transposed convs '${String(info.deconv)}')`;
    });
  const skipped = 'skipped' in rec.torch ? [`PyTorch peer skipped: ${String(rec.torch.skipped)}.`, ''] : [];
  if (rec.defaultError) skipped.unshift(`**Default configuration on WebGPU: ${rec.defaultError}.** What it had measured before that is shown.`, '');
  const loadStart = rec.loadavg.start;
  const loadEnd = rec.loadavg.end;
  const when = rec.date.slice(0, 10);
  const profiled = ours.filter((r) => r.profile || r.backend === 'cpu');
  const compared = ours.filter((r) => r.peer && r.phases.length);
  return [
    '## Dreamer training step',
    '',
    'Written by `pnpm --filter @dreamer/agent bench` (packages/agent/bench/step.ts); raw figures in',
    '[benchmarks/step.json](benchmarks/step.json). One `dreamer(...).trainStep` — world-model loss and',
    'gradients, imagination H = 15 from all B·T posterior states, actor and value losses, the Adam updates',
    '(model, pcont head, action, value) with global-norm clipping — on a random batch, after a warm-up',
    'step; a sample ends when the metrics are read back. Configurations: the seed\'s `debug` (deter/hidden 10,',
    'stoch 5, 1-layer heads of 10 units (actor 2), batch 5 × 10) and the defaults (batch 50 × 50, deter 200,',
    'stoch 30, 400-unit heads: reward 2, value 3, actor 4, pcont 3 layers); 64×64×3 images, a 6-dim action.',
    'The PyTorch peer (tools/torch/dreamer_step.py: the same model and step, TF1 layout, PyTorch on the CPU with',
    '`torch.set_num_threads(2)` and `OPENBLAS_NUM_THREADS=2`) ran in a second process, its samples alternating',
    'with ours. Ratio = our median / PyTorch\'s median (time; > 1 means we are slower).',
    '',
    `Machine: ${machine}; ${when}. Adapter: ${adapter}.`,
    `Load average (1/5/15 min) ${loadStart.join(' / ')} at the start, ${loadEnd.join(' / ')} at the end: the machine was shared`,
    'with other jobs, so absolute times are inflated and noisy; compare within this run.',
    '',
    summary,
    '',
    ...skipped,
    ...peerParts,
    '',
    'Notes on the peer. Debian\'s `python3-torch` calls `libblas.so.3`: with only `libblas3` (the netlib',
    'reference) installed, its Linear layers ran at ~1.8 GFLOP/s and the default step took ~290 s here; with',
    '`libopenblas0-pthread` installed (the system alternative then points at OpenBLAS) sgemm ran at ~28 GFLOP/s',
    'under the same load. The peer reports the BLAS it got (the `blas` field). Debian\'s build runs',
    '`F.conv_transpose2d` in `aten::slow_conv_transpose2d` (5–8× slower here than the alternatives), so the peer',
    'computes the decoder\'s transposed convs as a matmul (the 1×1 input) or zero insertion + `F.conv2d`',
    '(oneDNN; 4× the multiply-adds of a direct transposed conv, still the fastest option found); it runs the',
    'conv nets in chunks of 250 images, as our model does in chunks of 500 (`convChunk`).',
    '',
    '### Per phase',
    '',
    'Phases are named in the code with `phase(name, fn)` from @dreamer/tensor (it calls the active',
    'backend\'s `phase`, a no-op unless a profile is open): in the world-model loss `encoder`, `observe` (the',
    'RSSM over the sequence), `kl`, one per head (`image` = the conv decoder, `reward`, `pcont`) and',
    '`metrics`; in the Dreamer step `model` (the world-model loss), `actor` (`imagine`, `returns` = reward and',
    'value heads on the imagined states, λ-returns, objective), `value`, and `optimizer_<name>` for each',
    'clipped Adam update. **forward** = launches made inside the phase (outside its sub-phases); **backward** =',
    'the gradient launches of the ops recorded in that phase: valueAndGrad\'s backward pass runs each op\'s',
    'gradient under `<phase>/backward`, so e.g. the encoder\'s weight and input gradients are in the row',
    '`model/encoder`. A row named after a top phase alone (`model`, `actor`) holds what ran in it outside',
    'the named sub-phases (feature concat, loss sums, the seed gradient and the parameter-gradient handout).',
    'On WebGPU the times are GPU time from timestamp queries (each dispatch in a compute pass of its own),',
    'summed per phase, from one profiled step (profiling gives each dispatch a compute pass of its own, so',
    'the profiled GPU time exceeds the unprofiled step: read the shares); on the CPU backend wall-clock',
    'self time of one step.',
    '',
    ...profiled.flatMap((r) => [
      `**${label(r)}**${r.profile ? ` — ${r.profile.dispatches} dispatches in ${r.profile.submits} submits; GPU time ${f(r.profile.gpuMs)} ms, wall ${f(r.profile.wallMs)} ms (${r.profile.profiledStep})` : ''}`,
      '',
      phaseTable(r),
      '',
    ]),
    ...(compared.length
      ? [
          '### Where the time goes, against PyTorch',
          '',
          'Our phases summed into the peer\'s parts (model forward = every `model/*` forward column, model',
          'backward = their backward columns, and so on); our milliseconds are estimates — the part\'s share of',
          'the profiled step times the unprofiled median —, the peer\'s are its own wall-clock medians.',
          '',
          ...compared.flatMap((r) => [`**${label(r)}**`, '', partsTable(r), '']),
        ]
      : []),
  ].join('\n');
}

if (args['default-case-out']) {
  // The child of runDefaultInChild.
  const out = args['default-case-out'];
  registerWebGPU();
  let peer: Peer | null = null;
  const got: ChildOut = {};
  try {
    if (torch.ok) {
      log('PyTorch default: starting (build + 1 warm-up step)');
      peer = await Peer.start('default');
      got.peerInfo = peer.info;
    }
    got.result = await runCase('webgpu', 'default', defaultSamples, peer, (partial) => {
      got.partial = partial;
      writeFileSync(out, JSON.stringify(got));
    });
    writeFileSync(out, JSON.stringify(got));
  } finally {
    peer?.close();
    await T.setBackend('cpu');
    T.removeBackend('webgpu');
  }
} else if (args['only-default']) {
  const rec = JSON.parse(readFileSync(JSON_PATH, 'utf8')) as RunRecord;
  rec.ours = rec.ours.filter((r) => r.config !== 'default');
  delete rec.defaultError;
  const child = await runDefaultInChild();
  if ('error' in child) {
    rec.defaultError = child.error;
    if (child.partial) rec.ours.push(child.partial);
  } else {
    rec.ours.push(child.result);
    if (child.peerInfo && !('skipped' in rec.torch)) (rec.torch as Partial<Record<ConfigName, Record<string, unknown>>>).default = child.peerInfo;
  }
  rec.ratios = Object.fromEntries(rec.ours.map((r) => [`${r.backend}/${r.config}`, ratioOf(r)]));
  rec.loadavg.end = load();
  writeFileSync(JSON_PATH, `${JSON.stringify(rec, null, 2)}\n`);
  const section = render(rec);
  console.log(section);
  const mdPath = join(DOCS, 'benchmarks.md');
  writeFileSync(mdPath, replaceSection(readFileSync(mdPath, 'utf8'), '## Dreamer training step', section));
} else if (args.report) {
  const rec = JSON.parse(readFileSync(JSON_PATH, 'utf8')) as RunRecord;
  const section = render(rec);
  console.log(section);
  const mdPath = join(DOCS, 'benchmarks.md');
  writeFileSync(mdPath, replaceSection(readFileSync(mdPath, 'utf8'), '## Dreamer training step', section));
  console.error('re-rendered the "## Dreamer training step" section of docs/benchmarks.md from docs/benchmarks/step.json');
} else {
  const write = (rec: RunRecord): string => {
    const section = render(rec);
    if (!args['no-write']) {
      mkdirSync(join(DOCS, 'benchmarks'), { recursive: true });
      writeFileSync(JSON_PATH, `${JSON.stringify(rec, null, 2)}\n`);
      const mdPath = join(DOCS, 'benchmarks.md');
      const md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
      writeFileSync(mdPath, replaceSection(md, '## Dreamer training step', section));
    }
    return section;
  };
  const rec = await run(write);
  console.log(`\n${write(rec)}`);
  if (!args['no-write']) console.error('wrote docs/benchmarks/step.json and the "## Dreamer training step" section of docs/benchmarks.md');
}

/** Replaces the `## heading` section (up to the next '## ' heading) or appends it. */
function replaceSection(md: string, heading: string, body: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return `${md.trimEnd()}\n\n${body.trimEnd()}\n`;
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const tail = lines.slice(end).join('\n');
  return `${[...lines.slice(0, start), ...body.trimEnd().split('\n')].join('\n')}\n${tail ? `\n${tail}` : ''}`;
}
