import { describe, expect, it } from 'vitest';
import { DOWN, getCell, MinAtarEnv, NOOP, UP } from './base.ts';
import { FREEWAY_MAX_STEPS, Freeway } from './freeway.ts';

const C = 7;
function setup(seed = 0) {
  const game = new Freeway();
  const env = new MinAtarEnv('freeway', game, { stickyActionProb: 0 }, FREEWAY_MAX_STEPS);
  const first = env.reset(seed);
  return { game, env, first };
}
/** Park every car at column 0, never moving. */
function parkCars(game: Freeway) {
  for (const car of game.cars) {
    car.col = 0;
    car.dir = 1;
    car.period = 1e9;
    car.timer = 1e9;
  }
}

describe('freeway rules', () => {
  it('starts with the chicken at the bottom of column 4 and one car per row 1–8', () => {
    const { game, first } = setup(3);
    const grid = first.observation.grid as Uint8Array;
    expect(game.chickenRow).toBe(9);
    expect(getCell(grid, C, 9, 4, 0)).toBe(1);
    for (let r = 0; r < 10; r++) {
      let cars = 0;
      let trails = 0;
      for (let c = 0; c < 10; c++) {
        cars += getCell(grid, C, r, c, 1);
        for (let k = 2; k < 7; k++) trails += getCell(grid, C, r, c, k);
      }
      expect(cars).toBe(r >= 1 && r <= 8 ? 1 : 0);
      expect(trails).toBe(r >= 1 && r <= 8 ? 1 : 0);
    }
    for (const car of game.cars) expect(car.period >= 1 && car.period <= 5).toBe(true);
  });

  it('the trail sits behind each car in the channel of its speed', () => {
    const { game, env } = setup();
    game.cars[0] = { col: 0, dir: 1, period: 2, timer: 100 };
    game.cars[1] = { col: 5, dir: -1, period: 5, timer: 100 };
    const grid = env.step(NOOP).observation.grid as Uint8Array;
    expect(getCell(grid, C, 1, 0, 1)).toBe(1);
    expect(getCell(grid, C, 1, 9, 2 + 1)).toBe(1); // speed2 channel, wrapped to the right edge
    expect(getCell(grid, C, 2, 5, 1)).toBe(1);
    expect(getCell(grid, C, 2, 6, 2 + 4)).toBe(1); // speed5 channel, on the right of a left-mover
  });

  it('cars move once every `period` steps and wrap around', () => {
    const { game, env } = setup();
    game.cars[0] = { col: 8, dir: 1, period: 3, timer: 3 };
    const cols: number[] = [];
    for (let i = 0; i < 9; i++) {
      env.step(NOOP);
      cols.push(game.cars[0].col);
    }
    expect(cols).toEqual([8, 8, 9, 9, 9, 0, 0, 0, 1]);
  });

  it('the chicken moves at most once every 3 steps and not below the bottom', () => {
    const { game, env } = setup();
    parkCars(game);
    const rows: number[] = [];
    for (let i = 0; i < 7; i++) {
      env.step(UP);
      rows.push(game.chickenRow);
    }
    expect(rows).toEqual([8, 8, 8, 7, 7, 7, 6]);
    env.step(NOOP);
    env.step(NOOP);
    env.step(DOWN);
    expect(game.chickenRow).toBe(7);
    const { game: g2, env: e2 } = setup();
    parkCars(g2);
    e2.step(DOWN);
    expect(g2.chickenRow).toBe(9);
  });

  it('reaching the top gives +1, resets the chicken and re-draws the car speeds', () => {
    const { game, env } = setup();
    parkCars(game);
    let total = 0;
    let t = 0;
    while (total === 0 && t < 100) {
      total += env.step(UP).reward;
      t++;
    }
    expect(total).toBe(1);
    expect(t).toBe(1 + 8 * 3); // 9 moves, one every 3 steps
    expect(game.chickenRow).toBe(9);
    for (const car of game.cars) expect(car.period >= 1 && car.period <= 5).toBe(true);
  });

  it('a car driving into the chicken sends it back to the bottom, without penalty', () => {
    const { game, env } = setup();
    parkCars(game);
    env.step(UP); // row 8
    env.step(NOOP);
    env.step(NOOP);
    expect(game.chickenRow).toBe(8);
    game.cars[7] = { col: 3, dir: 1, period: 1, timer: 1 };
    const ts = env.step(NOOP);
    expect(game.cars[7].col).toBe(4);
    expect(game.chickenRow).toBe(9);
    expect(ts.reward).toBe(0);
    expect(ts.terminal).toBe(false);
  });

  it('stepping into a car also sends the chicken back', () => {
    const { game, env } = setup();
    parkCars(game);
    game.cars[7].col = 4; // row 8, right above the chicken
    env.step(UP);
    expect(game.chickenRow).toBe(9);
  });

  it('the episode is truncated (discount 1) after 2500 steps; a careful chicken scores', () => {
    const { game, env } = setup(1);
    /** Columns the car on `row` occupies now and after each of the next `k` ticks. */
    const path = (row: number, k: number) => {
      const car = { ...game.cars[row - 1] };
      const cols = [car.col];
      for (let i = 0; i < k; i++) {
        car.timer--;
        if (car.timer <= 0) {
          car.col = (car.col + car.dir + 10) % 10;
          car.timer = car.period;
        }
        cols.push(car.col);
      }
      return cols;
    };
    let total = 0;
    let t = 0;
    for (;;) {
      // Go up only when the car in the next row stays clear of column 4 while we wait there.
      const next = game.chickenRow - 1;
      const safe = game.cooldown <= 1 && (next === 0 || !path(next, 3).includes(4));
      const ts = env.step(safe ? UP : NOOP);
      t++;
      total += ts.reward;
      if (ts.truncated || ts.terminal) {
        expect(ts).toMatchObject({ truncated: true, terminal: false, discount: 1 });
        break;
      }
    }
    expect(t).toBe(2500);
    expect(total).toBeGreaterThan(20);
  });
});
