import { describe, expect, it } from 'vitest';
import { FIRE, getCell, LEFT, MinAtarEnv, NOOP, RIGHT } from './base.ts';
import { SpaceInvaders } from './space_invaders.ts';

const C = 6;
function setup(ramping = true) {
  const game = new SpaceInvaders(ramping);
  const env = new MinAtarEnv('space_invaders', game, { stickyActionProb: 0 });
  const first = env.reset(0);
  return { game, env, first };
}
function aliensAt(game: SpaceInvaders): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < 100; i++) if (game.aliens[i]) out.push([Math.floor(i / 10), i % 10]);
  return out;
}

describe('space invaders rules', () => {
  it('starts with the cannon at column 5 and a 4×6 block on rows 0–3, columns 2–7', () => {
    const { first } = setup();
    const grid = first.observation.grid as Uint8Array;
    expect(getCell(grid, C, 9, 5, 0)).toBe(1);
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 10; c++) {
        const alien = r <= 3 && c >= 2 && c <= 7 ? 1 : 0;
        expect(getCell(grid, C, r, c, 1)).toBe(alien);
        expect(getCell(grid, C, r, c, 2)).toBe(alien); // moving left
        expect(getCell(grid, C, r, c, 3)).toBe(0);
      }
    }
  });

  it('the block moves every min(#aliens, 12) steps, drops and reverses at a wall', () => {
    const { game, env } = setup();
    game.enemyShotTimer = 1e9;
    for (let i = 0; i < 11; i++) env.step(NOOP);
    expect(aliensAt(game)[0]).toEqual([0, 2]);
    env.step(NOOP);
    expect(aliensAt(game)[0]).toEqual([0, 1]);
    for (let i = 0; i < 12; i++) env.step(NOOP);
    expect(aliensAt(game)[0]).toEqual([0, 0]);
    for (let i = 0; i < 12; i++) env.step(NOOP);
    expect(aliensAt(game)[0]).toEqual([1, 0]); // dropped
    expect(game.dir).toBe(1);
    // fewer aliens: faster
    game.aliens.fill(0);
    game.aliens[33] = 1;
    game.aliens[34] = 1;
    game.aliens[35] = 1;
    game.moveTimer = 3;
    for (let i = 0; i < 3; i++) env.step(NOOP);
    expect(aliensAt(game)[0]).toEqual([3, 4]);
    expect(game.moveTimer).toBe(3);
  });

  it('fires upward with a 5-step cooldown; a hit gives +1 and removes the alien', () => {
    const { game, env } = setup();
    game.enemyShotTimer = 1e9;
    game.moveTimer = 1e9;
    let total = 0;
    for (let i = 0; i < 6; i++) {
      const ts = env.step(FIRE);
      total += ts.reward;
      if (i === 0) expect(game.bullets).toEqual([[8, 5]]);
    }
    // the first bullet flies 9 → 8 … → 3 in 6 steps, hits (3, 5); the second is 1 row up from 9
    expect(total).toBe(1);
    expect(game.aliens[35]).toBe(0);
    expect(game.bullets).toEqual([[8, 5]]);
  });

  it('the alien nearest the cannon column fires every 10 steps; its bullet kills the cannon', () => {
    const { game, env } = setup();
    game.moveTimer = 1e9;
    game.cannon = 0;
    for (let i = 0; i < 9; i++) env.step(NOOP);
    expect(game.enemyBullets.length).toBe(0);
    env.step(NOOP);
    expect(game.enemyBullets).toEqual([[4, 2]]); // lowest alien of column 2
    let ts = env.step(RIGHT);
    for (let i = 0; i < 3 && !ts.terminal; i++) ts = env.step(RIGHT);
    expect(ts.terminal).toBe(false);
    ts = env.step(NOOP); // bullet at row 9, cannon at column 4: missed
    expect(ts.terminal).toBe(false);
    game.enemyBullets = [[8, game.cannon]];
    ts = env.step(NOOP);
    expect(ts).toMatchObject({ terminal: true, discount: 0 });
  });

  it('aliens reaching the bottom row end the episode', () => {
    const { game, env } = setup();
    game.aliens.fill(0);
    game.aliens[8 * 10 + 0] = 1;
    game.dir = -1;
    game.moveTimer = 1;
    expect(env.step(NOOP).terminal).toBe(true);
  });

  it('a cleared wave respawns faster, down to a move interval of 6', () => {
    const { game, env } = setup();
    game.enemyShotTimer = 1e9;
    const bases: number[] = [];
    for (let w = 0; w < 8; w++) {
      game.aliens.fill(0);
      game.aliens[5] = 1;
      game.bullets = [[1, 5]];
      const ts = env.step(NOOP);
      expect(ts.reward).toBe(1);
      expect(aliensAt(game).length).toBe(24);
      bases.push(game.baseInterval);
    }
    expect(bases).toEqual([11, 10, 9, 8, 7, 6, 6, 6]);
    const off = setup(false);
    off.game.aliens.fill(0);
    off.game.aliens[5] = 1;
    off.game.bullets = [[1, 5]];
    off.env.step(NOOP);
    expect(off.game.baseInterval).toBe(12);
  });

  it('moves the cannon, clamped', () => {
    const { game, env } = setup();
    for (let i = 0; i < 8; i++) env.step(RIGHT);
    expect(game.cannon).toBe(9);
    env.step(LEFT);
    expect(game.cannon).toBe(8);
  });
});
