import { describe, expect, it } from 'vitest';
import { DOWN, getCell, LEFT, MinAtarEnv, NOOP, RIGHT, UP } from './base.ts';
import { Asterix } from './asterix.ts';
import { Rng } from '../rng.ts';

const C = 4;
function setup(options: { difficultyRamping?: boolean } = {}, seed = 0) {
  const game = new Asterix(options.difficultyRamping ?? true);
  const env = new MinAtarEnv('asterix', game, { stickyActionProb: 0, ...options });
  const first = env.reset(seed);
  return { game, env, first };
}

describe('asterix rules', () => {
  it('starts with the player at (5, 5) and nothing else', () => {
    const { first } = setup();
    const grid = first.observation.grid as Uint8Array;
    expect(grid.reduce((a, b) => a + b, 0)).toBe(1);
    expect(getCell(grid, C, 5, 5, 0)).toBe(1);
  });

  it('moves in 4 directions within rows 1–8', () => {
    const { game, env } = setup();
    game.spawnTimer = 1e9;
    for (let i = 0; i < 10; i++) env.step(UP);
    expect(game.row).toBe(1);
    for (let i = 0; i < 10; i++) env.step(DOWN);
    expect(game.row).toBe(8);
    for (let i = 0; i < 10; i++) env.step(LEFT);
    expect(game.col).toBe(0);
    for (let i = 0; i < 12; i++) env.step(RIGHT);
    expect(game.col).toBe(9);
  });

  it('spawns an entity at an edge every 10 steps in a free row, moving inward every 5 steps', () => {
    const { game, env } = setup();
    for (let i = 0; i < 9; i++) env.step(NOOP);
    expect(game.entities.length).toBe(0);
    env.step(NOOP);
    expect(game.entities.length).toBe(1);
    const e = { ...game.entities[0] };
    expect(e.row >= 1 && e.row <= 8).toBe(true);
    expect(e.col === 0 ? e.dir : -e.dir).toBe(1);
    // it appears on the edge, then moves one cell inward on the next move tick (step 15)
    for (let i = 0; i < 4; i++) env.step(NOOP);
    expect(game.entities[0].col).toBe(e.col);
    env.step(NOOP);
    expect(game.entities[0].col).toBe(e.col + e.dir);
    const grid = env.step(NOOP).observation.grid as Uint8Array;
    const now = game.entities[0];
    expect(getCell(grid, C, now.row, now.col, now.gold ? 3 : 1)).toBe(1);
    expect(getCell(grid, C, now.row, now.col - now.dir, 2)).toBe(1); // trail behind
  });

  it('never spawns into an occupied row; about 1/3 of spawns are gold', () => {
    const game = new Asterix();
    const rng = new Rng(4);
    let gold = 0;
    let total = 0;
    for (let ep = 0; ep < 50; ep++) {
      game.reset(rng);
      game.row = 0; // out of reach of every entity
      for (let t = 0; t < 400; t++) {
        const before = game.entities.length;
        game.tick(NOOP, rng);
        const rows = game.entities.map((e) => e.row);
        expect(new Set(rows).size).toBe(rows.length);
        if (game.entities.length > before) {
          total++;
          if (game.entities[game.entities.length - 1].gold) gold++;
        }
      }
    }
    expect(total).toBeGreaterThan(500);
    expect(Math.abs(gold / total - 1 / 3)).toBeLessThan(0.05);
  });

  it('gold gives +1 and disappears; an enemy ends the episode', () => {
    const { game, env } = setup();
    game.spawnTimer = 1e9;
    game.entities = [{ row: 5, col: 6, dir: -1, gold: true }];
    const ts = env.step(RIGHT);
    expect(ts.reward).toBe(1);
    expect(game.entities.length).toBe(0);
    game.entities = [{ row: 5, col: 3, dir: 1, gold: false }];
    game.moveTimer = 1;
    env.step(LEFT); // player to (5, 5); enemy moves to (5, 4): no contact
    expect(game.over).toBe(false);
    game.moveTimer = 1;
    const end = env.step(NOOP); // enemy moves into the player
    expect(end).toMatchObject({ terminal: true, discount: 0, reward: 0 });
  });

  it('ramps: every 100 steps the spawn interval drops by 1, every 200 the move interval too', () => {
    const run = (ramping: boolean) => {
      const game = new Asterix(ramping);
      const rng = new Rng(0);
      game.reset(rng);
      const out: [number, number][] = [];
      for (let t = 1; t <= 1000; t++) {
        game.tick(NOOP, rng);
        game.entities = [];
        if (t % 100 === 0) out.push([game.spawnInterval, game.moveInterval]);
      }
      return out;
    };
    expect(run(true)).toEqual([
      [9, 5],
      [8, 4],
      [7, 4],
      [6, 3],
      [5, 3],
      [4, 2],
      [3, 2],
      [2, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(run(false).every(([s, m]) => s === 10 && m === 5)).toBe(true);
  });
});
