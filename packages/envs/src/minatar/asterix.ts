// Asterix, from the rules in our spec (section 6). Grid rows go 0 (top) to 9 (bottom).
//
// Rules as implemented:
// - The player starts at row 5, column 5 and moves one cell per step in 4 directions, kept
//   within rows 1–8 and columns 0–9.
// - Every `spawnInterval` steps (initially 10) an entity appears at the left or right edge
//   (coin flip) of a random row among 1–8 that holds no entity, moving towards the other side.
//   It is gold with probability 1/3, otherwise an enemy. If every row is taken, nothing spawns.
// - All entities move one cell every `moveInterval` steps (initially 5) and vanish off the edge.
//   Within a step: the player moves, then entities move, then a new one may spawn.
// - Player and gold in the same cell: +1 and the gold is removed. Player and enemy in the same
//   cell: the episode ends. Both are checked after the player moves and after entities move
//   (also for a freshly spawned entity).
// - The trail channel marks the cell right behind each entity, so it shows its direction.
// - Ramping (on by default): every 100 steps the spawn interval drops by 1 (minimum 1); on every
//   second ramp the move interval also drops by 1 (minimum 1).
import type { Rng } from '../rng.ts';
import { DOWN, GRID, LEFT, RIGHT, UP, setCell, type Game, type RGB } from './base.ts';

export interface Entity {
  row: number;
  col: number;
  dir: number;
  gold: boolean;
}

export const ASTERIX_SPAWN_INTERVAL = 10;
export const ASTERIX_MOVE_INTERVAL = 5;
export const ASTERIX_RAMP_EVERY = 100;

export class Asterix implements Game {
  readonly channels = ['player', 'enemy', 'trail', 'gold'] as const;
  readonly palette: readonly RGB[] = [
    [255, 220, 40], // player: yellow
    [230, 60, 60], // enemy: red
    [90, 90, 110], // trail: grey
    [60, 220, 120], // gold: green
  ];
  readonly minimalActions = [0, LEFT, UP, RIGHT, DOWN];
  readonly ramping: boolean;

  row = 5;
  col = 5;
  entities: Entity[] = [];
  spawnInterval = ASTERIX_SPAWN_INTERVAL;
  moveInterval = ASTERIX_MOVE_INTERVAL;
  spawnTimer = ASTERIX_SPAWN_INTERVAL;
  moveTimer = ASTERIX_MOVE_INTERVAL;
  rampTimer = ASTERIX_RAMP_EVERY;
  ramps = 0;
  over = false;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  reset(_rng: Rng): void {
    this.row = 5;
    this.col = 5;
    this.entities = [];
    this.spawnInterval = ASTERIX_SPAWN_INTERVAL;
    this.moveInterval = ASTERIX_MOVE_INTERVAL;
    this.spawnTimer = this.spawnInterval;
    this.moveTimer = this.moveInterval;
    this.rampTimer = ASTERIX_RAMP_EVERY;
    this.ramps = 0;
    this.over = false;
  }

  /** Resolve contacts in the player's cell; returns the reward. */
  private contact(): number {
    let reward = 0;
    this.entities = this.entities.filter((e) => {
      if (e.row !== this.row || e.col !== this.col) return true;
      if (e.gold) {
        reward += 1;
        return false;
      }
      this.over = true;
      return true;
    });
    return reward;
  }

  tick(action: number, rng: Rng): { reward: number; terminal: boolean } {
    if (action === LEFT) this.col = Math.max(0, this.col - 1);
    else if (action === RIGHT) this.col = Math.min(GRID - 1, this.col + 1);
    else if (action === UP) this.row = Math.max(1, this.row - 1);
    else if (action === DOWN) this.row = Math.min(8, this.row + 1);
    let reward = this.contact();

    this.moveTimer--;
    if (this.moveTimer <= 0) {
      this.moveTimer = this.moveInterval;
      for (const e of this.entities) e.col += e.dir;
      this.entities = this.entities.filter((e) => e.col >= 0 && e.col < GRID);
    }
    this.spawnTimer--;
    if (this.spawnTimer <= 0) {
      this.spawnTimer = this.spawnInterval;
      const free: number[] = [];
      for (let r = 1; r <= 8; r++) if (!this.entities.some((e) => e.row === r)) free.push(r);
      if (free.length > 0) {
        const row = free[rng.int(free.length)];
        const fromLeft = rng.int(2) === 0;
        const gold = rng.int(3) === 0;
        this.entities.push({ row, col: fromLeft ? 0 : GRID - 1, dir: fromLeft ? 1 : -1, gold });
      }
    }

    reward += this.contact();

    if (this.ramping) {
      this.rampTimer--;
      if (this.rampTimer <= 0) {
        this.rampTimer = ASTERIX_RAMP_EVERY;
        this.ramps++;
        this.spawnInterval = Math.max(1, this.spawnInterval - 1);
        if (this.ramps % 2 === 0) this.moveInterval = Math.max(1, this.moveInterval - 1);
      }
    }
    return { reward, terminal: this.over };
  }

  draw(grid: Uint8Array): void {
    const C = this.channels.length;
    setCell(grid, C, this.row, this.col, 0);
    for (const e of this.entities) {
      setCell(grid, C, e.row, e.col, e.gold ? 3 : 1);
      setCell(grid, C, e.row, e.col - e.dir, 2);
    }
  }
}
