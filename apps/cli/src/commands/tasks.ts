/**
 * `dreamer tasks`: every task with its observation and action spaces, then the seed's names that
 * run a stand-in. Spaces are read from a freshly built env, so the table cannot drift from the code.
 */
import { parseArgs } from 'node:util';
import { type Env, listEnvs, makeEnvAsync, sceneOf } from '@dreamer/envs';
import { substitutes } from '../tasks.ts';

const HELP = `Usage: pnpm dreamer tasks

Lists every task 'dreamer train --task NAME' accepts: its observations (name shape dtype) and
actions, then the seed's task names that run a stand-in here (atari_*, dmlab_collect) or none
yet (the other dmlab_*).
Control tasks observe state vectors; with observation: image (the default) the model sees the
scene rendered 64×64 RGB by the CPU ray caster instead.
  --help    this help`;

function observations(env: Env): string {
  return Object.entries(env.observationSpec)
    .map(([k, s]) => `${k} ${s.shape.join('×')} ${s.dtype === 'uint8' ? 'u8' : 'f32'}`)
    .join(', ');
}

function actions(env: Env): string {
  const a = env.actionSpec;
  if (a.kind === 'discrete') return `discrete ${a.n} (${a.names.join(', ')})`;
  const lo = Math.min(...a.low);
  const hi = Math.max(...a.high);
  return `continuous ${a.shape.join('×')} in [${lo}, ${hi}]`;
}

function kind(env: Env): string {
  if (env.name === 'dummy') return "the seed's test task: random pixels and rewards";
  if (env.name.startsWith('minatar_')) return 'MinAtar-style game, grid rendered to 64×64';
  if (env.name === 'room_collect') return 'first-person 3-D room (DMLab collect stand-in), 4 frames per step';
  try {
    sceneOf(env);
    return 'MuJoCo control (image: the scene rendered 64×64)';
  } catch {
    return '';
  }
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

export async function tasks(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h', default: false } }, strict: true });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
  } catch (e) {
    console.error(`dreamer tasks: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const rows: string[][] = [['task', 'observation', 'action', 'notes']];
  for (const name of listEnvs()) {
    const env = await makeEnvAsync(name);
    rows.push([name, observations(env), actions(env), kind(env)]);
    env.close();
  }
  console.log(table(rows));
  console.log('\nThe seed\'s names that run something else here:');
  console.log(table([['seed name', 'runs', 'why'], ...substitutes()]));
  return 0;
}
