/**
 * The seed's task names that this project runs something else for. No Atari ROMs can ship with
 * it, so `atari_<game>` runs our MinAtar-style game of that name where there is one (MinAtar
 * keeps the game's rules on a 10×10 grid), and `minatar_breakout` for the other Atari games —
 * a discrete-action game with a score, as a stand-in, not a replica. DeepMind Lab needs its
 * native engine and assets, so `dmlab_collect` runs room_collect, our first-person room with good
 * and bad objects on the CPU ray caster, and the other `dmlab_*` tasks have no stand-in yet.
 */
import { type TaskName, isEnvName, listEnvs, nearestEnvName } from '@dreamer/envs';

/** The 57 games of the seed's Atari registry (`atari_<game>`). */
export const ATARI_GAMES = [
  'alien', 'amidar', 'assault', 'asterix', 'asteroids', 'atlantis', 'bank_heist', 'battle_zone', 'beam_rider', 'berzerk',
  'bowling', 'boxing', 'breakout', 'centipede', 'chopper_command', 'crazy_climber', 'defender', 'demon_attack', 'double_dunk',
  'enduro', 'fishing_derby', 'freeway', 'frostbite', 'gopher', 'gravitar', 'hero', 'ice_hockey', 'jamesbond', 'kangaroo',
  'krull', 'kung_fu_master', 'montezuma_revenge', 'ms_pacman', 'name_this_game', 'phoenix', 'pitfall', 'pong', 'private_eye',
  'qbert', 'riverraid', 'road_runner', 'robotank', 'seaquest', 'skiing', 'solaris', 'space_invaders', 'star_gunner',
  'surround', 'tennis', 'time_pilot', 'tutankham', 'up_n_down', 'venture', 'video_pinball', 'wizard_of_wor', 'yars_revenge',
  'zaxxon',
] as const;

/** The Atari games with a MinAtar-style counterpart of the same name. */
export const MINATAR_GAMES = ['asterix', 'breakout', 'freeway', 'seaquest', 'space_invaders'] as const;

/** What an Atari game without a counterpart runs. */
export const DEFAULT_ATARI_SUBSTITUTE: TaskName = 'minatar_breakout';

/** The seed's DeepMind Lab tasks. */
export const DMLAB_TASKS = [
  'collect', 'collect_few', 'compare', 'doors_large', 'doors_small', 'explore_small', 'find_large', 'find_small', 'keys',
  'lasertag_1', 'lasertag_3', 'recognize', 'watermaze',
].map((t) => `dmlab_${t}`);

/** What dmlab_collect (rooms_collect_good_objects) runs. */
export const DMLAB_COLLECT_SUBSTITUTE: TaskName = 'room_collect';

export class TaskError extends Error {
  override name = 'TaskError';
}

export interface ResolvedTask {
  task: TaskName;
  /** One line saying what runs instead of the name asked for, and why; absent for our own tasks. */
  note?: string;
}

/** The task to run for `name` (ours, or a seed name with a stand-in); throws TaskError otherwise. */
export function resolveTask(name: string): ResolvedTask {
  if (isEnvName(name)) return { task: name };
  if (name.startsWith('atari_')) {
    const game = name.slice('atari_'.length);
    if (!(ATARI_GAMES as readonly string[]).includes(game)) {
      throw new TaskError(`unknown Atari game '${game}' in '${name}'; the seed's games are ${ATARI_GAMES.join(', ')}`);
    }
    if ((MINATAR_GAMES as readonly string[]).includes(game)) {
      const task = `minatar_${game}` as TaskName;
      return { task, note: `${name}: runs ${task}, our MinAtar-style ${game} (no Atari ROMs can ship with this project)` };
    }
    return {
      task: DEFAULT_ATARI_SUBSTITUTE,
      note: `${name}: runs ${DEFAULT_ATARI_SUBSTITUTE} instead (no Atari ROMs can ship, and ${game} has no MinAtar-style version; Breakout stands in for the other Atari games)`,
    };
  }
  if (name === 'dmlab_collect') {
    return {
      task: DMLAB_COLLECT_SUBSTITUTE,
      note: `${name}: runs ${DMLAB_COLLECT_SUBSTITUTE}, our first-person collect-good-objects room (DeepMind Lab's engine and assets cannot ship); it repeats each action 4 frames itself, as DMLab does (its default action_repeat is 1; a larger one multiplies the 4)`,
    };
  }
  if (name.startsWith('dmlab_')) {
    throw new TaskError(
      `${name}: DeepMind Lab needs its native engine and level assets, which this project cannot run, and no stand-in exists yet ` +
        `(one is planned in a later issue); try dmlab_collect (our room_collect), a control task (e.g. cartpole_swingup) or minatar_* meanwhile`,
    );
  }
  throw new TaskError(`unknown task '${name}' (did you mean '${nearestEnvName(name)}'?); valid tasks: ${listEnvs().join(', ')}, and the seed's atari_<game> names; see 'pnpm dreamer tasks'`);
}

/** The seed names with stand-ins, for listings: [seed name pattern, what runs, why]. */
export function substitutes(): [string, string, string][] {
  const others = ATARI_GAMES.filter((g) => !(MINATAR_GAMES as readonly string[]).includes(g));
  return [
    ...MINATAR_GAMES.map((g): [string, string, string] => [`atari_${g}`, `minatar_${g}`, 'MinAtar-style version of the game (no ROMs can ship)']),
    [`atari_<other> (${others.length} games)`, DEFAULT_ATARI_SUBSTITUTE, 'no ROMs can ship and the game has no MinAtar-style version'],
    ['dmlab_collect', DMLAB_COLLECT_SUBSTITUTE, 'first-person room with good and bad objects, 4 frames per step built in (DeepMind Lab cannot run here)'],
    ['dmlab_* (12 other tasks)', '— (error)', 'DeepMind Lab cannot run here; a stand-in is planned in a later issue'],
  ];
}
