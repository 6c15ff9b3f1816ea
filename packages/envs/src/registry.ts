// Task names → factories. `makeEnv(name, options)` builds one; an unknown name throws an error
// listing the valid names and the nearest match. Only tasks that exist are listed.
import type { ControlOptions } from './control/base.ts';
import { loadMujoco } from './control/mujoco.ts';
import { controlFactories, isControlTaskName, type ControlTaskName } from './control/tasks.ts';
import { DummyEnv, type DummyOptions } from './dummy.ts';
import type { Env } from './env.ts';
import { Asterix } from './minatar/asterix.ts';
import { MinAtarEnv, type MinAtarOptions } from './minatar/base.ts';
import { Breakout } from './minatar/breakout.ts';
import { FREEWAY_MAX_STEPS, Freeway } from './minatar/freeway.ts';
import { Seaquest } from './minatar/seaquest.ts';
import { SpaceInvaders } from './minatar/space_invaders.ts';
import { RoomCollect, type RoomOptions } from './room/env.ts';

/** Options accepted by each registered task (control tasks: see ControlOptions). */
export interface TaskOptions extends Record<ControlTaskName, ControlOptions> {
  dummy: DummyOptions;
  minatar_breakout: MinAtarOptions;
  minatar_freeway: MinAtarOptions;
  minatar_asterix: MinAtarOptions;
  minatar_seaquest: MinAtarOptions;
  minatar_space_invaders: MinAtarOptions;
  room_collect: RoomOptions;
}

export type TaskName = keyof TaskOptions;

type Factory = (options: object) => Env;

const FACTORIES: Record<TaskName, Factory> = {
  dummy: (o) => new DummyEnv(o as DummyOptions),
  minatar_breakout: (o) => new MinAtarEnv('minatar_breakout', new Breakout(), o as MinAtarOptions),
  minatar_freeway: (o) => new MinAtarEnv('minatar_freeway', new Freeway(), o as MinAtarOptions, FREEWAY_MAX_STEPS),
  minatar_asterix: (o) =>
    new MinAtarEnv('minatar_asterix', new Asterix((o as MinAtarOptions).difficultyRamping ?? true), o as MinAtarOptions),
  minatar_seaquest: (o) =>
    new MinAtarEnv('minatar_seaquest', new Seaquest((o as MinAtarOptions).difficultyRamping ?? true), o as MinAtarOptions),
  minatar_space_invaders: (o) =>
    new MinAtarEnv(
      'minatar_space_invaders',
      new SpaceInvaders((o as MinAtarOptions).difficultyRamping ?? true),
      o as MinAtarOptions,
    ),
  room_collect: (o) => new RoomCollect(o as RoomOptions),
  ...controlFactories(),
};

/** Every registered task name, sorted. */
export function listEnvs(): TaskName[] {
  return (Object.keys(FACTORIES) as TaskName[]).sort();
}

/** Levenshtein edit distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The registered name closest to `name` by edit distance (ties: alphabetical). */
export function nearestEnvName(name: string): TaskName {
  let best = listEnvs()[0];
  let bestD = Infinity;
  for (const candidate of listEnvs()) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestD) {
      best = candidate;
      bestD = d;
    }
  }
  return best;
}

export function isEnvName(name: string): name is TaskName {
  return Object.hasOwn(FACTORIES, name);
}

/**
 * Like makeEnv, but first loads what the task needs asynchronously (the MuJoCo WASM module for
 * control tasks), so it works for every task without a prior `await loadMujoco()`.
 */
export async function makeEnvAsync<N extends TaskName>(name: N, options?: TaskOptions[N]): Promise<Env>;
export async function makeEnvAsync(name: string, options?: object): Promise<Env>;
export async function makeEnvAsync(name: string, options: object = {}): Promise<Env> {
  if (typeof name === 'string' && isControlTaskName(name)) await loadMujoco();
  return makeEnv(name, options);
}

/** Build the task `name`. Throws for an unknown name, naming the valid ones and the nearest. */
export function makeEnv<N extends TaskName>(name: N, options?: TaskOptions[N]): Env;
export function makeEnv(name: string, options?: object): Env;
export function makeEnv(name: string, options: object = {}): Env {
  if (typeof name !== 'string' || !isEnvName(name)) {
    const shown = typeof name === 'string' ? `'${name}'` : String(name);
    const hint = typeof name === 'string' ? ` Did you mean '${nearestEnvName(name)}'?` : '';
    throw new Error(`Unknown environment ${shown}.${hint} Valid names: ${listEnvs().join(', ')}`);
  }
  return FACTORIES[name](options);
}
