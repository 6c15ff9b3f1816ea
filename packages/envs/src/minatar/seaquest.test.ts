import { describe, expect, it } from 'vitest';
import { DOWN, FIRE, getCell, LEFT, MinAtarEnv, NOOP, RIGHT, UP } from './base.ts';
import { Seaquest } from './seaquest.ts';
import { Rng } from '../rng.ts';

const C = 10;
function setup(ramping = true) {
  const game = new Seaquest(ramping);
  const env = new MinAtarEnv('seaquest', game, { stickyActionProb: 0 });
  const first = env.reset(0);
  // keep the sea empty unless a test adds something
  game.spawnTimer = 1e9;
  game.diverSpawnTimer = 1e9;
  return { game, env, first };
}

describe('seaquest rules', () => {
  it('starts on the surface, facing right, with full oxygen and the gauges on row 9', () => {
    const { first } = setup();
    const grid = first.observation.grid as Uint8Array;
    expect(getCell(grid, C, 0, 5, 0)).toBe(1); // front
    expect(getCell(grid, C, 0, 4, 1)).toBe(1); // back
    for (let c = 0; c < 10; c++) expect(getCell(grid, C, 9, c, 7)).toBe(1);
    for (let c = 0; c < 10; c++) expect(getCell(grid, C, 9, c, 8)).toBe(0);
  });

  it('moves in 4 directions within rows 0–8; left/right turn the sub', () => {
    const { game, env } = setup();
    for (let i = 0; i < 12; i++) env.step(DOWN);
    expect(game.row).toBe(8);
    const grid = env.step(LEFT).observation.grid as Uint8Array;
    expect(game.facing).toBe(-1);
    expect(getCell(grid, C, 8, 3, 0)).toBe(1);
    expect(getCell(grid, C, 8, 4, 1)).toBe(1);
    for (let i = 0; i < 12; i++) env.step(RIGHT);
    expect([game.col, game.facing]).toEqual([8, 1]);
  });

  it('oxygen falls by 1 per step below the surface; at 0 the episode ends', () => {
    const { game, env } = setup();
    env.step(DOWN);
    expect(game.oxygen).toBe(199);
    env.step(NOOP);
    expect(game.oxygen).toBe(198);
    game.oxygen = 1;
    const ts = env.step(NOOP);
    expect(ts).toMatchObject({ terminal: true, discount: 0 });
  });

  it('fires from the front with a 5-step cooldown; a hit gives +1 and removes the enemy', () => {
    const { game, env } = setup();
    env.step(DOWN); // row 1, covering columns 4–5, facing right
    game.movers = [{ kind: 'fish', row: 1, col: 8, dir: -1, shotTimer: 10 }];
    game.moveTimer = 1e9;
    let ts = env.step(FIRE); // bullet appears at column 6 and moves to 7
    expect(game.bullets).toEqual([{ row: 1, col: 7, dir: 1 }]);
    expect(ts.reward).toBe(0);
    ts = env.step(FIRE); // cooldown: no second bullet; the first reaches the fish
    expect(ts.reward).toBe(1);
    expect(game.movers.length).toBe(0);
    expect(game.bullets.length).toBe(0);
    for (let i = 0; i < 3; i++) env.step(FIRE);
    expect(game.bullets.length).toBe(0); // steps 3–5: still cooling down
    env.step(FIRE);
    expect(game.bullets.length).toBe(1); // step 6: five steps after the first shot
  });

  it('touching a fish, an enemy sub or an enemy bullet ends the episode', () => {
    for (const kind of ['fish', 'sub'] as const) {
      const { game, env } = setup();
      env.step(DOWN);
      game.movers = [{ kind, row: 2, col: 5, dir: -1, shotTimer: 10 }];
      expect(env.step(DOWN).terminal).toBe(true);
    }
    const { game, env } = setup();
    env.step(DOWN);
    game.enemyBullets = [{ row: 1, col: 7, dir: -1 }];
    expect(env.step(NOOP).terminal).toBe(false);
    expect(env.step(NOOP).terminal).toBe(true);
  });

  it('enemy subs fire every 10 steps', () => {
    const { game, env } = setup();
    game.moveTimer = 1e9;
    game.movers = [{ kind: 'sub', row: 5, col: 9, dir: -1, shotTimer: 10 }];
    for (let i = 0; i < 9; i++) env.step(NOOP);
    expect(game.enemyBullets.length).toBe(0);
    env.step(NOOP);
    expect(game.enemyBullets).toEqual([{ row: 5, col: 8, dir: -1 }]);
  });

  it('picks up divers (up to 6) and surfacing uses them', () => {
    const { game, env } = setup();
    env.step(DOWN);
    game.diverMoveTimer = 1e9;
    game.movers = [{ kind: 'diver', row: 1, col: 6, dir: -1, shotTimer: 10 }];
    env.step(RIGHT);
    expect(game.divers).toBe(1);
    expect(game.movers.length).toBe(0);
    game.divers = 3;
    game.oxygen = 50;
    const ts = env.step(UP);
    expect(ts).toMatchObject({ reward: 0, terminal: false });
    expect([game.divers, game.oxygen]).toEqual([2, 200]);
    // full load: all used, bonus floor(oxygen * 10 / 200)
    env.step(DOWN);
    game.divers = 6;
    game.oxygen = 139;
    const full = env.step(UP);
    expect(full.reward).toBe(6);
    expect([game.divers, game.oxygen]).toEqual([0, 200]);
    // a 7th diver is not picked up
    env.step(DOWN);
    game.divers = 6;
    game.movers = [{ kind: 'diver', row: 1, col: 5, dir: -1, shotTimer: 10 }];
    env.step(NOOP);
    expect(game.divers).toBe(6);
    expect(game.movers.length).toBe(1);
  });

  it('surfacing with no divers ends the episode (the reference -1 quirk is not copied)', () => {
    const { game, env } = setup();
    env.step(DOWN);
    game.divers = 6;
    env.step(UP);
    expect(game.divers).toBe(0);
    env.step(DOWN);
    const ts = env.step(UP);
    expect(ts).toMatchObject({ terminal: true, discount: 0 });
  });

  it('each surfacing ramps the spawn and move intervals (min 2) unless ramping is off', () => {
    for (const ramping of [true, false]) {
      const { game, env } = setup(ramping);
      const seen: [number, number][] = [];
      for (let i = 0; i < 20; i++) {
        env.step(DOWN);
        game.divers = 1;
        game.moveTimer = 1e9;
        env.step(UP);
        seen.push([game.spawnInterval, game.moveInterval]);
      }
      if (ramping) {
        expect(seen.slice(0, 4)).toEqual([
          [19, 5],
          [18, 4],
          [17, 4],
          [16, 3],
        ]);
        expect(seen[19]).toEqual([2, 2]);
      } else {
        expect(seen.every(([s, m]) => s === 20 && m === 5)).toBe(true);
      }
    }
  });

  it('spawns enemies and divers on edges, never against the traffic of a row', () => {
    const game = new Seaquest();
    const rng = new Rng(2);
    let subs = 0;
    let fish = 0;
    for (let ep = 0; ep < 30; ep++) {
      game.reset(rng);
      game.row = 0; // safe on the surface; never surfaces again
      for (let t = 0; t < 300; t++) {
        const before = new Set(game.movers);
        game.tick(NOOP, rng);
        for (const m of game.movers) {
          if (before.has(m)) continue;
          expect(m.col).toBe(m.dir > 0 ? 0 : 9);
          expect(m.row >= 1 && m.row <= 8).toBe(true);
          expect(game.movers.some((o) => o !== m && o.row === m.row && o.dir !== m.dir)).toBe(false);
          if (m.kind === 'sub') subs++;
          if (m.kind === 'fish') fish++;
        }
      }
    }
    expect(subs + fish).toBeGreaterThan(300);
    expect(Math.abs(subs / (subs + fish) - 1 / 3)).toBeLessThan(0.06);
  });
});
