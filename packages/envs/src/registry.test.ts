import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from './control/mujoco.ts';
import { CONTROL_TASKS } from './control/tasks.ts';
import { editDistance, listEnvs, makeEnv, nearestEnvName } from './registry.ts';

describe('registry', () => {
  beforeAll(async () => {
    await loadMujoco();
  });

  it('lists exactly the implemented tasks', () => {
    expect(listEnvs()).toEqual([
      ...Object.keys(CONTROL_TASKS),
      'dummy',
      'minatar_asterix',
      'minatar_breakout',
      'minatar_freeway',
      'minatar_seaquest',
      'minatar_space_invaders',
      'room_collect',
    ].sort());
    for (const name of listEnvs()) {
      const env = makeEnv(name);
      expect(env.name).toBe(name);
      env.close();
    }
  });

  it('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('an unknown name lists the valid names and the nearest match', () => {
    expect(nearestEnvName('minatar_brekout')).toBe('minatar_breakout');
    expect(nearestEnvName('MinAtar_Freeway')).toBe('minatar_freeway');
    let message = '';
    try {
      makeEnv('minatar_breakuot');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Unknown environment 'minatar_breakuot'/);
    expect(message).toMatch(/Did you mean 'minatar_breakout'\?/);
    for (const name of listEnvs()) expect(message).toContain(name);
  });

  it('passes options through and rejects unknown ones', () => {
    const env = makeEnv('minatar_breakout', { actionSet: 'minimal' });
    expect(env.actionSpec).toMatchObject({ kind: 'discrete', n: 3, names: ['noop', 'left', 'right'] });
    expect(() => makeEnv('minatar_breakout', { colour: true } as object)).toThrow(/unknown option 'colour'/);
  });
});
