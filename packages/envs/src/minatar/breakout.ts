// Breakout, from the rules in our spec (section 6). Grid rows go 0 (top) to 9 (bottom).
//
// Rules as implemented:
// - The paddle lives on row 9 and starts at column 4; left/right move it one cell (clamped).
// - Bricks fill rows 1–3. The ball starts on row 3 at column 0 moving down-right or at column 9
//   moving down-left (a coin flip) and moves one cell diagonally per step.
// - Each step the paddle moves first, then the ball:
//   1. Side walls and the ceiling reflect the ball (the step continues in the new direction).
//   2. If the target cell holds a brick: the brick is removed, +1, the vertical direction flips
//      and the ball glances sideways this step, moving only horizontally into the target column
//      (it stays put if that cell is a brick too). A purely diagonal ball would keep the parity
//      of row + column forever and could only ever reach half the bricks; the sideways glance
//      flips that parity on every hit. (A wall can still end with only bricks of the other
//      parity left; the ball then never finishes it. Episodes have no time limit unless
//      `maxEpisodeSteps` is set.)
//   3. If the target cell is on the bottom row: when the paddle is under the target cell the
//      ball bounces up (vertical reflection) and moves on diagonally; when the paddle is under
//      the ball's current cell (the ball clips the paddle's side/corner) it reflects both ways,
//      going back the way it came; otherwise the ball falls onto the bottom row and the episode
//      ends.
// - When the last brick is removed, rows 1–3 refill.
// - The trail channel marks the ball's previous cell. No difficulty ramp.
import type { Rng } from '../rng.ts';
import { GRID, LEFT, RIGHT, setCell, type Game, type RGB } from './base.ts';

export class Breakout implements Game {
  readonly channels = ['paddle', 'ball', 'trail', 'brick'] as const;
  readonly palette: readonly RGB[] = [
    [230, 230, 230], // paddle: white
    [255, 80, 60], // ball: red
    [120, 40, 30], // trail: dark red
    [60, 140, 255], // brick: blue
  ];
  readonly minimalActions = [0, LEFT, RIGHT];

  paddle = 4;
  ballRow = 3;
  ballCol = 0;
  dRow = 1;
  dCol = 1;
  lastRow = 3;
  lastCol = 0;
  /** bricks[row * 10 + col] = 1 where a brick stands. */
  bricks = new Uint8Array(GRID * GRID);
  over = false;

  reset(rng: Rng): void {
    this.paddle = 4;
    this.fillBricks();
    const fromLeft = rng.int(2) === 0;
    this.ballRow = 3;
    this.ballCol = fromLeft ? 0 : GRID - 1;
    this.dRow = 1;
    this.dCol = fromLeft ? 1 : -1;
    this.lastRow = this.ballRow;
    this.lastCol = this.ballCol;
    this.over = false;
  }

  fillBricks(): void {
    this.bricks.fill(0);
    this.bricks.fill(1, 1 * GRID, 4 * GRID);
  }

  tick(action: number): { reward: number; terminal: boolean } {
    if (action === LEFT) this.paddle = Math.max(0, this.paddle - 1);
    else if (action === RIGHT) this.paddle = Math.min(GRID - 1, this.paddle + 1);

    let reward = 0;
    const r = this.ballRow;
    const c = this.ballCol;
    this.lastRow = r;
    this.lastCol = c;
    const inDRow = this.dRow;
    const inDCol = this.dCol;

    // 1. walls and ceiling
    let nc = c + this.dCol;
    if (nc < 0 || nc >= GRID) {
      this.dCol = -this.dCol;
      nc = c + this.dCol;
    }
    let nr = r + this.dRow;
    if (nr < 0) {
      this.dRow = -this.dRow;
      nr = r + this.dRow;
    }

    if (this.bricks[nr * GRID + nc]) {
      // 2. brick
      this.bricks[nr * GRID + nc] = 0;
      reward = 1;
      this.dRow = -this.dRow;
      nr = r;
      if (this.bricks[r * GRID + nc]) nc = c;
      if (!this.bricks.includes(1)) this.fillBricks();
    } else if (nr === GRID - 1) {
      // 3. bottom row
      if (this.paddle === nc) {
        this.dRow = -this.dRow;
        nr = r + this.dRow;
      } else if (this.paddle === c) {
        // clipped the paddle's corner: back the way it came
        this.dRow = -inDRow;
        this.dCol = -inDCol;
        nr = r + this.dRow;
        nc = Math.min(GRID - 1, Math.max(0, c + this.dCol));
      } else {
        this.over = true;
      }
    }
    this.ballRow = nr;
    this.ballCol = nc;
    return { reward, terminal: this.over };
  }

  draw(grid: Uint8Array): void {
    const C = this.channels.length;
    setCell(grid, C, GRID - 1, this.paddle, 0);
    setCell(grid, C, this.ballRow, this.ballCol, 1);
    setCell(grid, C, this.lastRow, this.lastCol, 2);
    for (let i = 0; i < GRID * GRID; i++) if (this.bricks[i]) grid[i * C + 3] = 1;
  }
}
