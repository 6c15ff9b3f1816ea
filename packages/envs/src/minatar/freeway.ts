// Freeway, from the rules in our spec (section 6). Grid rows go 0 (top) to 9 (bottom).
//
// Rules as implemented:
// - The chicken stays in column 4 and starts on row 9. Up/down move it one row, at most once
//   every 3 steps (after a move it must wait 2 steps). It cannot go below row 9.
// - Rows 1–8 each hold one car with a random direction, a random start column and a random
//   period k ∈ {1..5}: the car moves one cell every k steps and wraps around the edges.
// - Reaching row 0 gives +1, sends the chicken back to row 9 and re-draws every car's period.
// - A car in the chicken's cell (checked after the chicken moves and again after the cars move)
//   sends the chicken back to row 9. No reward penalty.
// - Channels: chicken, car, then speed1…speed5: a trail cell right behind each car (on the side
//   it comes from, wrapping) in the channel of its period, so the side encodes its direction.
// - The episode ends after 2500 steps. We report that as a time-limit truncation (discount 1):
//   nothing in the observation tells the agent how much time is left.
// - No difficulty ramp.
import type { Rng } from '../rng.ts';
import { DOWN, GRID, UP, setCell, type Game, type RGB } from './base.ts';

export const FREEWAY_MAX_STEPS = 2500;
const CHICKEN_COL = 4;
const MOVE_COOLDOWN = 3;

export interface Car {
  col: number;
  /** +1 (moving right) or −1 (moving left). */
  dir: number;
  /** Moves once every `period` steps, 1 (fastest) … 5. */
  period: number;
  /** Steps until the next move. */
  timer: number;
}

export class Freeway implements Game {
  readonly channels = ['chicken', 'car', 'speed1', 'speed2', 'speed3', 'speed4', 'speed5'] as const;
  readonly palette: readonly RGB[] = [
    [255, 220, 40], // chicken: yellow
    [230, 60, 60], // car: red
    [200, 120, 255], // speed1 (fastest) trail
    [160, 100, 220],
    [120, 80, 180],
    [90, 60, 140],
    [60, 40, 100], // speed5 (slowest) trail
  ];
  readonly minimalActions = [0, UP, DOWN];

  chickenRow = GRID - 1;
  cooldown = 0;
  /** cars[i] drives on row i + 1. */
  cars: Car[] = [];

  reset(rng: Rng): void {
    this.chickenRow = GRID - 1;
    this.cooldown = 0;
    this.cars = [];
    for (let i = 0; i < 8; i++) {
      const period = 1 + rng.int(5);
      this.cars.push({ col: rng.int(GRID), dir: rng.int(2) === 0 ? 1 : -1, period, timer: period });
    }
  }

  private randomiseSpeeds(rng: Rng): void {
    for (const car of this.cars) {
      car.period = 1 + rng.int(5);
      car.timer = car.period;
    }
  }

  private hit(): boolean {
    const row = this.chickenRow;
    return row >= 1 && row <= 8 && this.cars[row - 1].col === CHICKEN_COL;
  }

  tick(action: number, rng: Rng): { reward: number; terminal: boolean } {
    let reward = 0;
    if (this.cooldown > 0) this.cooldown--;
    if (this.cooldown === 0 && (action === UP || action === DOWN)) {
      const next = this.chickenRow + (action === UP ? -1 : 1);
      if (next <= GRID - 1) {
        this.chickenRow = next;
        this.cooldown = MOVE_COOLDOWN;
      }
    }
    if (this.chickenRow === 0) {
      reward = 1;
      this.chickenRow = GRID - 1;
      this.randomiseSpeeds(rng);
    }
    if (this.hit()) this.chickenRow = GRID - 1;
    for (const car of this.cars) {
      car.timer--;
      if (car.timer <= 0) {
        car.col = (car.col + car.dir + GRID) % GRID;
        car.timer = car.period;
      }
    }
    if (this.hit()) this.chickenRow = GRID - 1;
    return { reward, terminal: false };
  }

  draw(grid: Uint8Array): void {
    const C = this.channels.length;
    setCell(grid, C, this.chickenRow, CHICKEN_COL, 0);
    this.cars.forEach((car, i) => {
      const row = i + 1;
      setCell(grid, C, row, car.col, 1);
      setCell(grid, C, row, (car.col - car.dir + GRID) % GRID, 1 + car.period);
    });
  }
}
