import { describe, expect, test, vi } from 'vitest';
import { listEnvs } from '@dreamer/envs';
import { main } from '../main.ts';
import { ATARI_GAMES, TaskError, resolveTask } from '../tasks.ts';

describe('task names', () => {
  test('our tasks pass through; atari_<game> runs its MinAtar game or Breakout, with one line saying so', () => {
    expect(resolveTask('cartpole_swingup')).toEqual({ task: 'cartpole_swingup' });
    expect(ATARI_GAMES).toHaveLength(57);
    const seaquest = resolveTask('atari_seaquest');
    expect(seaquest.task).toBe('minatar_seaquest');
    expect(seaquest.note).toMatch(/^atari_seaquest: runs minatar_seaquest, our MinAtar-style seaquest \(no Atari ROMs/);
    const boxing = resolveTask('atari_boxing');
    expect(boxing.task).toBe('minatar_breakout');
    expect(boxing.note?.split('\n')).toHaveLength(1);
    expect(boxing.note).toMatch(/boxing has no MinAtar-style version/);
  });

  test('dmlab_collect runs room_collect, with one line saying so', () => {
    const collect = resolveTask('dmlab_collect');
    expect(collect.task).toBe('room_collect');
    expect(collect.note?.split('\n')).toHaveLength(1);
    expect(collect.note).toMatch(/^dmlab_collect: runs room_collect, our first-person collect-good-objects room \(DeepMind Lab's engine/);
  });

  test('other dmlab tasks, unknown games and typos are errors that say why', () => {
    expect(() => resolveTask('dmlab_keys')).toThrow(TaskError);
    expect(() => resolveTask('dmlab_keys')).toThrow(/no stand-in exists yet \(one is planned in a later issue\); try dmlab_collect/);
    expect(() => resolveTask('atari_tetris')).toThrow(/unknown Atari game 'tetris'/);
    expect(() => resolveTask('cartpole_swingpu')).toThrow(/did you mean 'cartpole_swingup'/);
  });

  test('dreamer tasks lists every task with its spaces, then the stand-ins', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['tasks'])).toBe(0);
    const text = log.mock.calls.flat().join('\n');
    log.mockRestore();
    for (const name of listEnvs()) expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    expect(text).toMatch(/^dummy +image 64×64×3 u8 +continuous 5 in \[-1, 1\]/m);
    expect(text).toMatch(/^minatar_breakout +grid 10×10×4 u8, image 64×64×3 u8 +discrete 6 \(noop, left, up, right, down, fire\)/m);
    expect(text).toMatch(/^atari_<other> \(52 games\) +minatar_breakout/m);
    expect(text).toMatch(/^room_collect +image 64×64×3 u8 +discrete 9 \(noop, forward, .*\) +first-person 3-D room/m);
    expect(text).toMatch(/^dmlab_collect +room_collect/m);
    expect(text).toMatch(/^dmlab_\* \(12 other tasks\) +— \(error\)/m);
  });

  test('every command answers --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    for (const command of ['train', 'eval', 'tasks', 'profile', 'smoke']) expect(await main([command, '--help']), command).toBe(0);
    const text = log.mock.calls.flat().join('\n');
    log.mockRestore();
    expect(text.match(/^Usage: pnpm dreamer \w+/gm)).toHaveLength(5);
  });
});
