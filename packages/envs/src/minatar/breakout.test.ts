import { describe, expect, it } from 'vitest';
import { getCell, LEFT, MinAtarEnv, NOOP, RIGHT } from './base.ts';
import { Breakout } from './breakout.ts';
import { Rng } from '../rng.ts';

const C = 4;
function setup(seed = 0) {
  const game = new Breakout();
  const env = new MinAtarEnv('breakout', game, { stickyActionProb: 0 });
  env.reset(seed);
  return { game, env };
}
/** Put the ball somewhere with a direction (rows go down). */
function place(game: Breakout, row: number, col: number, dRow: number, dCol: number) {
  game.ballRow = row;
  game.ballCol = col;
  game.dRow = dRow;
  game.dCol = dCol;
}
function brickCount(game: Breakout) {
  return game.bricks.reduce((a, b) => a + b, 0);
}

describe('breakout rules', () => {
  it('starts with 3 rows of bricks, paddle at 4, ball on row 3 at an edge heading down and inwards', () => {
    const sides = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const { game, env } = setup(seed);
      const grid = env.reset(seed).observation.grid as Uint8Array;
      expect(brickCount(game)).toBe(30);
      for (let r = 0; r < 10; r++) for (let c = 0; c < 10; c++) expect(getCell(grid, C, r, c, 3)).toBe(r >= 1 && r <= 3 ? 1 : 0);
      expect(game.paddle).toBe(4);
      expect(getCell(grid, C, 9, 4, 0)).toBe(1);
      expect(game.ballRow).toBe(3);
      expect(game.dRow).toBe(1);
      expect(game.ballCol === 0 ? game.dCol : -game.dCol).toBe(1);
      expect([0, 9]).toContain(game.ballCol);
      sides.add(game.ballCol);
    }
    expect(sides).toEqual(new Set([0, 9]));
  });

  it('moves the paddle left/right, clamped to the grid', () => {
    const { game, env } = setup();
    env.step(LEFT);
    expect(game.paddle).toBe(3);
    env.step(RIGHT);
    env.step(RIGHT);
    expect(game.paddle).toBe(5);
    game.paddle = 9;
    place(game, 6, 4, -1, 1);
    env.step(RIGHT);
    expect(game.paddle).toBe(9);
  });

  it('moves the ball diagonally and marks its previous cell as the trail', () => {
    const { game, env } = setup();
    place(game, 6, 4, 1, -1);
    const grid = env.step(NOOP).observation.grid as Uint8Array;
    expect([game.ballRow, game.ballCol]).toEqual([7, 3]);
    expect(getCell(grid, C, 7, 3, 1)).toBe(1);
    expect(getCell(grid, C, 6, 4, 2)).toBe(1);
  });

  it('bounces off the side walls', () => {
    const { game, env } = setup();
    place(game, 6, 9, -1, 1);
    env.step(NOOP);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([5, 8, -1, -1]);
    place(game, 6, 0, 1, -1);
    env.step(NOOP);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([7, 1, 1, 1]);
  });

  it('bounces off the ceiling', () => {
    const { game, env } = setup();
    game.bricks.fill(0);
    game.bricks[3 * 10] = 1; // keep one brick so no refill happens
    place(game, 0, 5, -1, 1);
    env.step(NOOP);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([1, 6, 1, 1]);
  });

  it('a brick hit gives +1, removes the brick and reflects the ball', () => {
    const { game, env } = setup();
    place(game, 4, 5, -1, 1);
    const ts = env.step(NOOP);
    expect(ts.reward).toBe(1);
    expect(game.bricks[3 * 10 + 6]).toBe(0);
    expect(getCell(ts.observation.grid as Uint8Array, C, 3, 6, 3)).toBe(0);
    expect(brickCount(game)).toBe(29);
    // it glances sideways: same row, next column, now heading down
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([4, 6, 1, 1]);
    const next = env.step(NOOP);
    expect(next.reward).toBe(0);
    expect([game.ballRow, game.ballCol]).toEqual([5, 7]);
  });

  it('a brick hit from above also reflects; the ball stays put if the glance cell is a brick', () => {
    const { game, env } = setup();
    game.bricks.fill(0);
    game.bricks[3 * 10 + 4] = 1;
    game.bricks[2 * 10 + 4] = 1;
    game.bricks[1 * 10 + 0] = 1;
    place(game, 2, 3, 1, 1);
    const ts = env.step(NOOP);
    expect(ts.reward).toBe(1);
    expect(game.bricks[3 * 10 + 4]).toBe(0);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([2, 3, -1, 1]);
  });

  it('refills the bricks when the last one is gone', () => {
    const { game, env } = setup();
    game.bricks.fill(0);
    game.bricks[2 * 10 + 3] = 1;
    place(game, 3, 2, -1, 1);
    const ts = env.step(NOOP);
    expect(ts.reward).toBe(1);
    expect(brickCount(game)).toBe(30);
  });

  it('bounces off the paddle when the paddle is under the ball', () => {
    const { game, env } = setup();
    place(game, 8, 3, 1, 1);
    game.paddle = 4;
    const ts = env.step(NOOP);
    expect(ts.terminal).toBe(false);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([7, 4, -1, 1]);
    // the paddle can move under the ball on the same step
    place(game, 8, 3, 1, -1);
    game.paddle = 3;
    expect(env.step(LEFT).terminal).toBe(false);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([7, 2, -1, -1]);
  });

  it('reflects both ways when the ball clips the side of the paddle', () => {
    const { game, env } = setup();
    place(game, 8, 3, 1, 1);
    game.paddle = 3;
    expect(env.step(NOOP).terminal).toBe(false);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([7, 2, -1, -1]);
    // in a corner, wall and paddle side together send it back where it came from
    place(game, 8, 9, 1, 1);
    game.paddle = 9;
    expect(env.step(NOOP).terminal).toBe(false);
    expect([game.ballRow, game.ballCol, game.dRow, game.dCol]).toEqual([7, 8, -1, -1]);
  });

  it('missing the ball ends the episode with discount 0', () => {
    const { game, env } = setup();
    place(game, 8, 3, 1, 1);
    game.paddle = 7;
    const ts = env.step(NOOP);
    expect(ts).toMatchObject({ terminal: true, truncated: false, discount: 0, reward: 0 });
    expect(getCell(ts.observation.grid as Uint8Array, C, 9, 4, 1)).toBe(1);
    expect(() => env.step(NOOP)).toThrow(/episode ended/);
  });

  it('a paddle that tracks the ball never loses it and scores most of the wall', () => {
    const { game, env } = setup(5);
    const rng = new Rng(1);
    /** Columns of the falling ball on rows 8 and 9, following wall reflections. */
    const fall = () => {
      let c = game.ballCol;
      let d = game.dCol;
      let prev = c;
      for (let r = game.ballRow; r < 9; r++) {
        let n = c + d;
        if (n < 0 || n > 9) {
          d = -d;
          n = c + d;
        }
        prev = c;
        c = n;
      }
      return { row8: prev, row9: c };
    };
    let total = 0;
    let aimSide = false;
    for (let t = 0; t < 3000; t++) {
      // Catch the ball either flat (paddle under its landing cell) or on the paddle's corner
      // (paddle under the ball), chosen at random each time the ball goes up, to avoid cycles;
      // wait in the middle while the ball rises.
      if (game.dRow < 0) aimSide = rng.int(2) === 0;
      const { row8, row9 } = fall();
      const target = game.dRow < 0 ? 4 : aimSide ? row8 : row9;
      const a = game.paddle < target ? RIGHT : game.paddle > target ? LEFT : NOOP;
      const ts = env.step(a);
      expect(ts.terminal).toBe(false);
      total += ts.reward;
    }
    // Diagonal moves keep the parity of row + column and each brick hit flips it, so a ball can
    // end up facing only bricks of the other parity and never finish the wall; with this seed it
    // clears most of it.
    expect(total).toBeGreaterThanOrEqual(20);
  });
});
