/**
 * CEM plans per second on a world model of the seed's sizes (deter 200, stoch 30, hidden 200,
 * reward head 2 × 400, a 6-dim action), from one posterior-like state, on the CPU backend and on
 * WebGPU, with the share of time per phase. Planning runs in latent space, so the observation
 * encoder does not matter (proprio here).
 *
 *   node bench/cem.ts [plans] [backends] [candidates] [iterations] [--no-write]   (defaults 2, cpu,webgpu, 1000, 10)
 *   node bench/cem.ts --report      (re-renders the docs section from docs/benchmarks/cem.json)
 *   (pnpm --filter @dreamer/planner bench, or pnpm bench at the root)
 *
 * Each backend first plans once with one iteration, untimed (WebGPU compiles its pipelines then), then `plans` times,
 * each ending with a read of the action (the flush a caller pays).
 *
 * Per phase: cem() names its work with the engine's `phase` — 'plan' and inside it 'sample',
 * 'imagine' (the RSSM prior step), 'reward' (the reward head), 'score' and 'refit' (top-k and the
 * new mean and std). On WebGPU one more plan runs under the profiler, which sums the GPU time of
 * each phase's dispatches (timestamp queries where the adapter has them); on the CPU backend, which
 * computes each op as it is called, the timed plans themselves are split by wall clock (self time;
 * the cost is one clock read per phase boundary, ~500 per plan).
 *
 * Writes docs/benchmarks/cem.json and the section "## CEM planning" of docs/benchmarks.md (no other section).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Backend, RandomKey, Tensor, type TensorTree, dispose, randomNormal, removeBackend, setBackend, tidy, wallPhases } from '@dreamer/tensor';
import { worldModel } from '@dreamer/world-model';
import { PLANNER_DEFAULTS, createPlannerPolicy } from '../src/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOCS = join(ROOT, 'docs');
const JSON_PATH = join(DOCS, 'benchmarks/cem.json');
const HEADING = '## CEM planning';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-write': { type: 'boolean', default: false }, report: { type: 'boolean', default: false } },
});
const plans = Number(positionals[0] ?? 2);
const backends = (positionals[1] ?? 'cpu,webgpu').split(',');
const candidates = Number(positionals[2] ?? PLANNER_DEFAULTS.candidates);
const iterations = Number(positionals[3] ?? PLANNER_DEFAULTS.iterations);
const { horizon } = PLANNER_DEFAULTS;
const actions = 6;

interface PhaseRow {
  phase: string;
  dispatches: number;
  ms: number;
}

interface BackendResult {
  backend: string;
  warmupS: number;
  samplesS: number[];
  medianS: number;
  bestS: number;
  plansPerS: number;
  msPerPlan: number;
  kCandidateStepsPerS: number;
  gflops: number;
  /** Over which run the phases were measured, and how. */
  phaseSource: string;
  phases: PhaseRow[];
  profile?: { timing: string; dispatches: number; submits: number; gpuMs: number; wallMs: number };
}

interface RunRecord {
  date: string;
  machine: string;
  adapter: string;
  loadavg: { start: number[]; end: number[] };
  config: { horizon: number; iterations: number; candidates: number; topK: number; actions: number; plans: number; model: string };
  flopsPerPlan: number;
  results: BackendResult[];
}

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)} load ${load()[0]}] ${msg}`);
const medianOf = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

async function run(): Promise<RunRecord> {
  const startedAt = new Date();
  const loadStart = load();
  const wm = worldModel({ proprio: { shape: [24], dtype: 'float32' } }, { kind: 'continuous', shape: [actions] }, { observation: 'proprio', pcont: false });
  const topK = Math.min(PLANNER_DEFAULTS.topK, candidates);
  const policy = createPlannerPolicy(wm, { candidates, iterations, topK });
  // Same shapes, one iteration: enough to compile every WebGPU pipeline.
  const warmupPolicy = createPlannerPolicy(wm, { candidates, iterations: 1, topK });
  const weights = (tree: TensorTree): number =>
    tree instanceof Tensor ? (tree.shape.length > 1 ? tree.size : 0) : Object.values(tree).reduce((s: number, t) => s + weights(t as TensorTree), 0);

  let adapter = 'not used';
  let flopsPerPlan = 0;
  const results: BackendResult[] = [];
  for (const name of backends) {
    let gpu: import('@dreamer/webgpu').WebGPUBackend | null = null;
    if (name === 'webgpu') {
      const webgpu = await import('@dreamer/webgpu');
      webgpu.registerWebGPU();
      adapter = webgpu.formatAdapter(await webgpu.openAdapter());
    }
    const backend = await setBackend(name);
    if (name === 'webgpu') gpu = backend as import('@dreamer/webgpu').WebGPUBackend;
    const params = wm.init(RandomKey.fromSeed(0));
    // One multiply-add per weight of the prior (not the posterior) and the reward head, per candidate and step.
    const { post_hidden0: _, post_mean: __, post_std: ___, ...prior } = params.rssm;
    flopsPerPlan = 2 * (weights(prior) + weights(params.heads.reward)) * candidates * horizon * iterations;
    const state = tidy(() => {
      const [a, b] = RandomKey.fromSeed(1).split(2);
      return { ...wm.rssm.initialState(1), stoch: randomNormal(a, [1, wm.rssm.stoch]), deter: randomNormal(b, [1, wm.rssm.deter]) };
    });
    const planOnce = async (i: number, p = policy): Promise<number> => {
      const t0 = performance.now();
      const action: Tensor = p.act({ model: params }, state, RandomKey.fromSeed(10 + i));
      await action.data();
      action.dispose();
      return (performance.now() - t0) / 1000;
    };
    log(`${name}: warm-up plan (1 iteration)`);
    const warmupS = await planOnce(-1, warmupPolicy);
    const samplesS: number[] = [];
    const timer = gpu ? null : wallPhases(backend);
    for (let i = 0; i < plans; i++) {
      samplesS.push(await planOnce(i));
      log(`${name}: plan ${i + 1}/${plans} ${samplesS[i].toFixed(2)} s`);
    }
    let phases: PhaseRow[];
    let phaseSource: string;
    let profile: BackendResult['profile'];
    if (gpu) {
      log(`${name}: profiled plan`);
      const p = await gpu.profile(async () => void (await planOnce(plans)));
      phases = p.phases.map((x) => ({ phase: x.phase, dispatches: x.dispatches, ms: x.totalMs }));
      profile = { timing: p.timing, dispatches: p.dispatches, submits: p.submits, gpuMs: p.gpuMs, wallMs: p.wallMs };
      phaseSource = `one more plan under the profiler (${p.timing === 'timestamp' ? 'GPU time from timestamp queries' : 'CPU-side timing of each submit'}), summed per phase`;
      log(`${name}: profiled plan: ${p.dispatches} dispatches, GPU ${(p.gpuMs / 1000).toFixed(2)} s, wall ${(p.wallMs / 1000).toFixed(2)} s`);
    } else {
      phases = timer!.stop().map((p) => ({ ...p, dispatches: 0 }));
      phaseSource = `wall-clock self time over the ${plans} timed plan${plans > 1 ? 's' : ''}`;
    }
    const medianS = medianOf(samplesS);
    results.push({
      backend: name,
      warmupS,
      samplesS,
      medianS,
      bestS: Math.min(...samplesS),
      plansPerS: 1 / medianS,
      msPerPlan: medianS * 1000,
      kCandidateStepsPerS: (candidates * horizon * iterations) / medianS / 1000,
      gflops: flopsPerPlan / medianS / 1e9,
      phaseSource,
      phases,
      ...(profile ? { profile } : {}),
    });
    dispose([params, state]);
    if (name === 'webgpu') {
      await setBackend('cpu');
      removeBackend('webgpu');
    }
  }
  return {
    date: startedAt.toISOString(),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`,
    adapter,
    loadavg: { start: loadStart, end: load() },
    config: { horizon, iterations, candidates, topK, actions, plans, model: 'deter 200, stoch 30, hidden 200, reward head 2 × 400' },
    flopsPerPlan,
    results,
  };
}

// ---- report ---------------------------------------------------------------------------------

const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const label = (backend: string) => (backend === 'webgpu' ? 'WebGPU (lavapipe)' : backend === 'cpu' ? 'CPU backend' : backend);

const WHAT: Record<string, string> = {
  '(outside)': 'reading the action back (and, on the CPU, the policy’s call into the planner)',
  plan: 'tiling the start state, the initial mean/std, the final first-action slice',
  'plan/sample': 'drawing [N, H, A] normals, mean + std·ε, clip to [−1, 1]',
  'plan/imagine': 'RSSM prior `imgStep` × H: the GRU, the prior MLP, sampling the stochastic state',
  'plan/reward': 'the reward head (2 × 400) on each imagined state',
  'plan/value': 'the value head (objective reward_value only)',
  'plan/score': 'the objective over the rollout (Σ rewards)',
  'plan/refit': 'top-k (all-pairs rank of the N scores) and the weighted mean and std',
};

/** Phases in cem()'s order, the rest after. */
const ORDER = ['plan/sample', 'plan/imagine', 'plan/reward', 'plan/value', 'plan/score', 'plan/refit', 'plan', '(outside)'];

function phaseTable(r: BackendResult): string {
  const gpu = r.profile !== undefined;
  const rows = r.phases.map((p) => ({ ...p, phase: p.phase === '' ? '(outside)' : p.phase }));
  rows.sort((a, b) => (ORDER.indexOf(a.phase) + 1 || 99) - (ORDER.indexOf(b.phase) + 1 || 99));
  const total = rows.reduce((s, p) => s + p.ms, 0);
  const lines = gpu
    ? ['| phase | what | dispatches | GPU ms | share |', '|---|---|---|---|---|']
    : ['| phase | what | ms (all timed plans) | share |', '|---|---|---|---|'];
  for (const p of rows) {
    const share = `${((100 * p.ms) / total).toFixed(1)} %`;
    const what = WHAT[p.phase] ?? '';
    lines.push(gpu ? `| ${p.phase} | ${what} | ${p.dispatches} | ${f(p.ms, 1)} | ${share} |` : `| ${p.phase} | ${what} | ${f(p.ms, 1)} | ${share} |`);
  }
  const dispatches = rows.reduce((s, p) => s + p.dispatches, 0);
  lines.push(gpu ? `| **total** | | ${dispatches} | ${f(total, 1)} | 100 % |` : `| **total** | | ${f(total, 1)} | 100 % |`);
  return lines.join('\n');
}

function render(rec: RunRecord): string {
  const c = rec.config;
  const steps = c.candidates * c.horizon * c.iterations;
  const summary = [
    '| backend | H · iterations · candidates | warm-up plan, 1 iteration (s) | s per plan (samples) | median s | plans/s | ms/plan | k candidate-steps/s | GFLOP/s (prior + reward head) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rec.results.map(
      (r) =>
        `| ${label(r.backend)} | ${c.horizon} · ${c.iterations} · ${c.candidates} | ${f(r.warmupS, 2)} | ${r.samplesS.map((x) => f(x, 2)).join(', ')} | ${f(r.medianS, 2)} | ${f(r.plansPerS, 4)} | ${f(r.msPerPlan)} | ${f(r.kCandidateStepsPerS, 1)} | ${f(r.gflops, 2)} |`,
    ),
  ].join('\n');
  return [
    HEADING,
    '',
    'Written by `pnpm --filter @dreamer/planner bench` (packages/planner/bench/cem.ts; also run by `pnpm bench`); raw figures in',
    '[benchmarks/cem.json](benchmarks/cem.json). One CEM plan with the seed\'s defaults — horizon',
    `${c.horizon}, ${c.iterations} iterations, ${c.candidates} candidates, top ${c.topK}, objective \`reward\` — from one posterior-like`,
    `state, in a world model of the seed's sizes (${c.model}; A = ${c.actions}), through`,
    '`createPlannerPolicy(...).act`, ending with the read of the action. A plan is',
    `${steps.toLocaleString('en-US')} candidate-steps of the prior and the reward head, ≈ ${f(rec.flopsPerPlan / 1e9)} GFLOP (one multiply-add per weight).`,
    `Each backend plans once with 1 iteration first (untimed: WebGPU compiles its pipelines), then ${c.plans} timed plans.`,
    '',
    `Machine: ${rec.machine}; ${rec.date.slice(0, 10)}. Adapter: ${rec.adapter}.`,
    `Load average (1/5/15 min) ${rec.loadavg.start.join(' / ')} at the start, ${rec.loadavg.end.join(' / ')} at the end: the machine was shared`,
    'with other jobs, so absolute times are inflated; compare within this run.',
    '',
    summary,
    '',
    '### CEM: share of time per phase',
    '',
    '`cem()` names its work with `phase(name, fn)` from @dreamer/tensor (a no-op unless a backend profiles):',
    '`plan`, and inside it `sample`, `imagine`, `reward`, `score` and `refit`, once per iteration (`imagine` and',
    '`reward` once per step of the horizon). On WebGPU the shares are GPU time from one more, profiled plan (the',
    'profiler gives each dispatch a compute pass of its own and submits more often, so a profiled plan does not take',
    'an unprofiled plan\'s time — its wall time is given beside the unprofiled median; read the shares); on the CPU',
    'backend, which computes each op when it is called, wall-clock self time of the timed plans.',
    '',
    ...rec.results.flatMap((r) => [
      `**${label(r.backend)}** — ${r.phaseSource}${r.profile ? `: ${r.profile.dispatches} dispatches in ${r.profile.submits} submits, GPU time ${f(r.profile.gpuMs)} ms, wall ${f(r.profile.wallMs)} ms (unprofiled median ${f(r.msPerPlan)} ms)` : ''}`,
      '',
      phaseTable(r),
      '',
    ]),
  ].join('\n');
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

function writeDocs(rec: RunRecord, section: string): void {
  mkdirSync(join(DOCS, 'benchmarks'), { recursive: true });
  writeFileSync(JSON_PATH, `${JSON.stringify(rec, null, 2)}\n`);
  const mdPath = join(DOCS, 'benchmarks.md');
  const md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(mdPath, replaceSection(md, HEADING, section));
}

if (flags.report) {
  const rec = JSON.parse(readFileSync(JSON_PATH, 'utf8')) as RunRecord;
  const section = render(rec);
  console.log(section);
  const mdPath = join(DOCS, 'benchmarks.md');
  writeFileSync(mdPath, replaceSection(readFileSync(mdPath, 'utf8'), HEADING, section));
  console.error(`re-rendered the "${HEADING}" section of docs/benchmarks.md from docs/benchmarks/cem.json`);
} else {
  const rec = await run();
  const section = render(rec);
  console.log(`\n${section}`);
  if (!flags['no-write']) {
    writeDocs(rec, section);
    console.error(`wrote docs/benchmarks/cem.json and the "${HEADING}" section of docs/benchmarks.md`);
  }
}
