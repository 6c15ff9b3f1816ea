// The "Environments" section of docs/benchmarks.md from a bench/steps.ts report.

export interface StepsReport {
  date: string;
  machine: string;
  adapter: string;
  mujoco: string;
  load: { start: number; end: number };
  /** The share of the machine's CPU time other processes used during the run (0..1; null where unknown). */
  others?: number | null;
  rounds: number;
  msPerSample: number;
  seconds: number;
  columns: Record<string, string>;
  rows: { task: string; substeps: number; median: Partial<Record<string, number>> }[];
}

/** The issue's targets for this machine kind: control steps/s with pixels, summed over envs. */
export const TARGETS = [
  { task: 'walker_walk', stepsPerSecond: 1000 },
  { task: 'cartpole_swingup', stepsPerSecond: 3000 },
];

const PIXEL_KEYS = ['cpu1', 'cpu8', 'cpu8w', 'cpu64w', 'gpu8', 'gpu64', 'gpu8u8', 'gpu64u8'];

const fmt = (x: number | undefined): string => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));

export function targetLines(report: StepsReport): string[] {
  return TARGETS.map(({ task, stepsPerSecond }) => {
    const row = report.rows.find((r) => r.task === task);
    if (!row) return `- ${task}: not measured in this run.`;
    const [key, best] = PIXEL_KEYS.filter((k) => row.median[k] !== undefined)
      .map((k) => [k, row.median[k]!] as const)
      .reduce((a, b) => (b[1] > a[1] ? b : a));
    const met = best >= stepsPerSecond;
    return `- ${task} with pixels ≥ ${fmt(stepsPerSecond)} control steps/s: **${met ? 'MET' : 'NOT MET'}**, best ${fmt(best)} (${report.columns[key]}).`;
  });
}

export function environmentsSection(report: StepsReport): string {
  const keys = Object.keys(report.columns).filter((k) => report.rows.some((r) => r.median[k] !== undefined));
  const head = `| task | substeps | ${keys.map((k) => report.columns[k]).join(' | ')} |`;
  const rule = `|---|---|${keys.map(() => '---|').join('')}`;
  const body = report.rows.map((r) => `| ${r.task} | ${r.substeps} | ${keys.map((k) => fmt(r.median[k])).join(' | ')} |`);
  return `Written by \`pnpm bench\` (packages/envs/bench/steps.ts); raw figures in [benchmarks/envs.json](benchmarks/envs.json).
Control (agent) steps per second of each DeepMind Control task (MuJoCo ${report.mujoco}, WASM), **summed over
envs**, uniform random actions, episodes of 1000 steps with auto-reset. Physics only, on the calling thread:
one \`ControlEnv\`, or a \`VectorEnv\` of 8 or 64. With 64×64 RGB pixels (camera 0, shadows on):
one env with the \`pixels\` option (CPU ray caster, synchronous); a \`PixelVectorEnv\` of 8 with
\`renderer: 'cpu'\` on the calling thread; a \`PixelVectorEnv\` of 8 or 64 built from the task name
(\`{ task, count }\`) whose envs live on worker threads (\`workers\`, one per core), each stepping and ray-casting
its share; a \`PixelVectorEnv\` of 8 or 64 whose frames are ray-cast in one GPU dispatch per step, kept
as a tensor (\`stepTensor\`, waiting for the GPU every step, as an agent that reads its action back would) or
read back as uint8 (\`await step\`). Each configuration ran ≥ ${report.msPerSample} ms per sample, ${report.rounds} rounds interleaved
over the configurations of a task; medians. The machine is shared with other jobs: compare figures only within
one run. Here the "GPU" is lavapipe, i.e. the same 2 CPU cores, which is why the CPU ray caster is ahead.
The CPU ray caster is \`renderCpu\` (culled, with a plane cache for fixed cameras; the same bytes as the plain
reference loop). Worker threads pay where an env step is heavy (walker, hopper, reacher) and lose on the
lightest (cartpole_balance, pendulum, cup: ~0.1 ms a step, where the messaging and the second core's lower
yield while both run show). They need idle cores: with other sessions busy, Linux's autogroup scheduling gives this
process its session's share whatever its thread count, and the workers then add only their messaging.

Machine: ${report.machine}; ${report.date}; load average ${report.load.start.toFixed(1)} at the start, ${report.load.end.toFixed(1)} at the end${report.others == null ? '' : `; other processes used ${Math.round(report.others * 100)} % of the cores' time during the run`}; ${report.seconds.toFixed(0)} s in all.
Adapter: ${report.adapter}.

${[head, rule, ...body].join('\n')}

Targets for this machine kind (issue "Environments"):

${targetLines(report).join('\n')}
`;
}
