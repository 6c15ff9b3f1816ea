// Seaquest, from the rules in our spec (section 6). Grid rows go 0 (top, the surface) to 9
// (bottom, the gauges).
//
// Rules as implemented:
// - The submarine covers two adjacent cells of one row, [col, col + 1]; its facing says which
//   is the front. Left/right move it one column (clamped to columns 0–9) and turn it to face
//   that way; up/down move it within rows 0–8. It starts on the surface (row 0) at column 4,
//   facing right, with 200 oxygen and no divers.
// - Fire launches a bullet into the cell in front of the sub, if the 5-step cooldown allows.
//   All bullets (ours and the enemies') move one cell per step horizontally and vanish off the
//   edge.
// - Every `spawnInterval` steps (initially 20) an enemy appears on the left or right edge (coin
//   flip) of a random row 1–8, moving inward: a sub with probability 1/3, otherwise a fish.
//   Every 30 steps a diver appears the same way. A row is only eligible if nothing in it moves
//   the other way and the edge cell is free; if no row is eligible nothing spawns.
// - Enemies move one cell every `moveInterval` steps (initially 5); divers every 5 steps.
//   Each enemy sub fires a bullet ahead of itself every 10 steps.
// - Our bullet meeting a fish or sub removes both and gives +1.
// - Touching a diver picks it up (it vanishes) while we carry fewer than 6; at 6 it swims on.
// - Oxygen falls by 1 every step the sub ends below the surface; at 0 the episode ends.
// - Surfacing (moving from row 1 up to row 0): with 0 divers the episode ends; with 1–5 divers
//   one is used up and oxygen refills to 200; with 6 all are used up, oxygen refills and the
//   bonus is floor(oxygen_before_refill · 10 / 200). Each surfacing that does not end the
//   episode ramps the difficulty (if enabled): the spawn interval drops by 1 and, every second
//   time, the move interval drops by 1, both down to a minimum of 2.
//   We do NOT copy the reference's quirk that leaves the diver count at −1 after a 6-diver
//   surfacing: the count is 0 and a later surfacing without divers ends the episode.
// - A fish, enemy sub or enemy bullet in either of the sub's cells ends the episode.
// - Within a step: the sub moves/fires, then bullets move, then enemies and divers move, then
//   enemy subs fire, then new things spawn; contacts are resolved after each phase.
// - Channels: sub_front, sub_back, friendly_bullet, trail (the cell behind each fish, enemy sub
//   and diver), enemy_bullet, enemy_fish, enemy_sub, oxygen_guage (row 9, one cell per 20
//   oxygen, from the left), diver_guage (row 9, one cell per diver, from the left), diver.
import type { Rng } from '../rng.ts';
import { DOWN, FIRE, GRID, LEFT, RIGHT, UP, setCell, type Game, type RGB } from './base.ts';

export const SEAQUEST_MAX_OXYGEN = 200;
export const SEAQUEST_SPAWN_INTERVAL = 20;
export const SEAQUEST_MOVE_INTERVAL = 5;
export const SEAQUEST_DIVER_SPAWN = 30;
export const SEAQUEST_DIVER_MOVE = 5;
export const SEAQUEST_SHOT_COOLDOWN = 5;
export const SEAQUEST_ENEMY_SHOT_INTERVAL = 10;
const MIN_INTERVAL = 2;

export type MoverKind = 'fish' | 'sub' | 'diver';

export interface Mover {
  kind: MoverKind;
  row: number;
  col: number;
  dir: number;
  /** Enemy subs: steps until the next shot. */
  shotTimer: number;
}

export interface Bullet {
  row: number;
  col: number;
  dir: number;
}

export class Seaquest implements Game {
  readonly channels = [
    'sub_front',
    'sub_back',
    'friendly_bullet',
    'trail',
    'enemy_bullet',
    'enemy_fish',
    'enemy_sub',
    'oxygen_guage',
    'diver_guage',
    'diver',
  ] as const;
  readonly palette: readonly RGB[] = [
    [255, 220, 40], // sub_front: yellow
    [200, 150, 30], // sub_back: amber
    [255, 255, 255], // friendly_bullet: white
    [70, 70, 90], // trail: grey
    [255, 60, 200], // enemy_bullet: magenta
    [230, 60, 60], // enemy_fish: red
    [140, 40, 200], // enemy_sub: purple
    [40, 140, 255], // oxygen_guage: blue
    [60, 220, 120], // diver_guage: green
    [60, 230, 230], // diver: cyan
  ];
  readonly minimalActions = [0, 1, 2, 3, 4, 5];
  readonly ramping: boolean;

  row = 0;
  /** Left cell of the sub; it covers [col, col + 1]. */
  col = 4;
  facing = 1;
  oxygen = SEAQUEST_MAX_OXYGEN;
  divers = 0;
  shotCooldown = 0;
  bullets: Bullet[] = [];
  enemyBullets: Bullet[] = [];
  movers: Mover[] = [];
  spawnInterval = SEAQUEST_SPAWN_INTERVAL;
  moveInterval = SEAQUEST_MOVE_INTERVAL;
  spawnTimer = SEAQUEST_SPAWN_INTERVAL;
  moveTimer = SEAQUEST_MOVE_INTERVAL;
  diverSpawnTimer = SEAQUEST_DIVER_SPAWN;
  diverMoveTimer = SEAQUEST_DIVER_MOVE;
  surfacings = 0;
  over = false;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  reset(_rng: Rng): void {
    this.row = 0;
    this.col = 4;
    this.facing = 1;
    this.oxygen = SEAQUEST_MAX_OXYGEN;
    this.divers = 0;
    this.shotCooldown = 0;
    this.bullets = [];
    this.enemyBullets = [];
    this.movers = [];
    this.spawnInterval = SEAQUEST_SPAWN_INTERVAL;
    this.moveInterval = SEAQUEST_MOVE_INTERVAL;
    this.spawnTimer = this.spawnInterval;
    this.moveTimer = this.moveInterval;
    this.diverSpawnTimer = SEAQUEST_DIVER_SPAWN;
    this.diverMoveTimer = SEAQUEST_DIVER_MOVE;
    this.surfacings = 0;
    this.over = false;
  }

  /** Column of the sub's front cell. */
  get frontCol(): number {
    return this.facing > 0 ? this.col + 1 : this.col;
  }

  private onSub(row: number, col: number): boolean {
    return row === this.row && (col === this.col || col === this.col + 1);
  }

  /** Resolve every contact; returns the reward from shots. */
  private resolve(): number {
    let reward = 0;
    // our bullets vs enemies
    this.bullets = this.bullets.filter((b) => {
      const i = this.movers.findIndex((m) => m.kind !== 'diver' && m.row === b.row && m.col === b.col);
      if (i < 0) return true;
      this.movers.splice(i, 1);
      reward += 1;
      return false;
    });
    // the sub vs enemies, enemy bullets and divers
    for (const m of this.movers) if (m.kind !== 'diver' && this.onSub(m.row, m.col)) this.over = true;
    for (const b of this.enemyBullets) if (this.onSub(b.row, b.col)) this.over = true;
    this.movers = this.movers.filter((m) => {
      if (m.kind !== 'diver' || !this.onSub(m.row, m.col) || this.divers >= 6) return true;
      this.divers++;
      return false;
    });
    return reward;
  }

  private spawn(kind: MoverKind, rng: Rng): void {
    const fromLeft = rng.int(2) === 0;
    const dir = fromLeft ? 1 : -1;
    const col = fromLeft ? 0 : GRID - 1;
    const rows: number[] = [];
    for (let r = 1; r <= 8; r++) {
      const blocked = this.movers.some((m) => m.row === r && (m.dir !== dir || m.col === col));
      if (!blocked) rows.push(r);
    }
    if (rows.length === 0) return;
    const row = rows[rng.int(rows.length)];
    const actual: MoverKind = kind === 'diver' ? 'diver' : rng.int(3) === 0 ? 'sub' : 'fish';
    this.movers.push({ kind: actual, row, col, dir, shotTimer: SEAQUEST_ENEMY_SHOT_INTERVAL });
  }

  private surface(): number {
    if (this.divers === 0) {
      this.over = true;
      return 0;
    }
    let bonus = 0;
    if (this.divers === 6) {
      bonus = Math.floor((this.oxygen * 10) / SEAQUEST_MAX_OXYGEN);
      this.divers = 0;
    } else {
      this.divers--;
    }
    this.oxygen = SEAQUEST_MAX_OXYGEN;
    this.surfacings++;
    if (this.ramping) {
      this.spawnInterval = Math.max(MIN_INTERVAL, this.spawnInterval - 1);
      if (this.surfacings % 2 === 0) this.moveInterval = Math.max(MIN_INTERVAL, this.moveInterval - 1);
    }
    return bonus;
  }

  tick(action: number, rng: Rng): { reward: number; terminal: boolean } {
    let reward = 0;
    const prevRow = this.row;
    if (action === LEFT) {
      this.col = Math.max(0, this.col - 1);
      this.facing = -1;
    } else if (action === RIGHT) {
      this.col = Math.min(GRID - 2, this.col + 1);
      this.facing = 1;
    } else if (action === UP) {
      this.row = Math.max(0, this.row - 1);
    } else if (action === DOWN) {
      this.row = Math.min(8, this.row + 1);
    }
    if (this.shotCooldown > 0) this.shotCooldown--;
    if (action === FIRE && this.shotCooldown === 0) {
      this.bullets.push({ row: this.row, col: this.frontCol + this.facing, dir: this.facing });
      this.shotCooldown = SEAQUEST_SHOT_COOLDOWN;
    }
    this.bullets = this.bullets.filter((b) => b.col >= 0 && b.col < GRID);
    reward += this.resolve();

    if (this.row === 0 && prevRow > 0) {
      reward += this.surface();
      if (this.over) return { reward, terminal: true };
    }

    // bullets
    for (const b of this.bullets) b.col += b.dir;
    for (const b of this.enemyBullets) b.col += b.dir;
    this.bullets = this.bullets.filter((b) => b.col >= 0 && b.col < GRID);
    this.enemyBullets = this.enemyBullets.filter((b) => b.col >= 0 && b.col < GRID);
    reward += this.resolve();

    // enemies and divers
    this.moveTimer--;
    const moveEnemies = this.moveTimer <= 0;
    if (moveEnemies) this.moveTimer = this.moveInterval;
    this.diverMoveTimer--;
    const moveDivers = this.diverMoveTimer <= 0;
    if (moveDivers) this.diverMoveTimer = SEAQUEST_DIVER_MOVE;
    for (const m of this.movers) {
      if (m.kind === 'diver' ? moveDivers : moveEnemies) m.col += m.dir;
    }
    this.movers = this.movers.filter((m) => m.col >= 0 && m.col < GRID);
    reward += this.resolve();

    // enemy subs fire
    for (const m of this.movers) {
      if (m.kind !== 'sub') continue;
      m.shotTimer--;
      if (m.shotTimer <= 0) {
        m.shotTimer = SEAQUEST_ENEMY_SHOT_INTERVAL;
        const col = m.col + m.dir;
        if (col >= 0 && col < GRID) this.enemyBullets.push({ row: m.row, col, dir: m.dir });
      }
    }

    // spawns
    this.spawnTimer--;
    if (this.spawnTimer <= 0) {
      this.spawnTimer = this.spawnInterval;
      this.spawn('fish', rng);
    }
    this.diverSpawnTimer--;
    if (this.diverSpawnTimer <= 0) {
      this.diverSpawnTimer = SEAQUEST_DIVER_SPAWN;
      this.spawn('diver', rng);
    }
    reward += this.resolve();

    if (this.row > 0) {
      this.oxygen--;
      if (this.oxygen <= 0) this.over = true;
    }
    return { reward, terminal: this.over };
  }

  draw(grid: Uint8Array): void {
    const C = this.channels.length;
    setCell(grid, C, this.row, this.frontCol, 0);
    setCell(grid, C, this.row, this.facing > 0 ? this.col : this.col + 1, 1);
    for (const b of this.bullets) setCell(grid, C, b.row, b.col, 2);
    for (const b of this.enemyBullets) setCell(grid, C, b.row, b.col, 4);
    for (const m of this.movers) {
      setCell(grid, C, m.row, m.col, m.kind === 'fish' ? 5 : m.kind === 'sub' ? 6 : 9);
      setCell(grid, C, m.row, m.col - m.dir, 3);
    }
    const oxygenCells = Math.floor((this.oxygen * GRID) / SEAQUEST_MAX_OXYGEN);
    for (let c = 0; c < oxygenCells; c++) setCell(grid, C, GRID - 1, c, 7);
    for (let c = 0; c < this.divers; c++) setCell(grid, C, GRID - 1, c, 8);
  }
}
