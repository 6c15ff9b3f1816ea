// Space Invaders, from the rules in our spec (section 6). Grid rows go 0 (top) to 9 (bottom).
//
// Rules as implemented:
// - The cannon lives on row 9, starts at column 5, and moves left/right one cell (clamped).
//   Fire launches a bullet from the cannon if the 5-step cooldown allows; our bullets move up
//   one cell per step, enemy bullets down one cell per step; both vanish off the grid.
// - A wave is a 4×6 block of aliens on rows 0–3, columns 2–7, first moving left. On a move tick
//   the block shifts one column; if an alien already touches the wall it is heading for, the
//   block drops one row instead and reverses.
// - The block moves every min(#aliens, base) steps, where base starts at 12, so it speeds up as
//   aliens die. Clearing a wave spawns a new one and (with ramping on, the default) lowers base
//   by 1, down to a minimum of 6.
// - Every 10 steps the alien nearest the cannon's column (ties: the lowest, then the leftmost)
//   fires a bullet from the cell below it.
// - Our bullet meeting an alien removes both and gives +1.
// - The episode ends when an alien or an enemy bullet reaches the cannon's cell, or any alien
//   reaches the bottom row.
// - Within a step: the cannon moves/fires, bullets move, the aliens move, the aliens fire;
//   contacts are resolved after each phase.
// - Channels: cannon, alien, alien_left, alien_right (every alien cell marked in the channel of
//   the block's current direction), friendly_bullet, enemy_bullet.
import type { Rng } from '../rng.ts';
import { FIRE, GRID, LEFT, RIGHT, setCell, type Game, type RGB } from './base.ts';

export const INVADERS_BASE_INTERVAL = 12;
export const INVADERS_MIN_INTERVAL = 6;
export const INVADERS_SHOT_COOLDOWN = 5;
export const INVADERS_ENEMY_SHOT_INTERVAL = 10;

export class SpaceInvaders implements Game {
  readonly channels = ['cannon', 'alien', 'alien_left', 'alien_right', 'friendly_bullet', 'enemy_bullet'] as const;
  readonly palette: readonly RGB[] = [
    [255, 220, 40], // cannon: yellow
    [60, 220, 120], // alien: green
    [40, 140, 255], // alien_left: blue
    [230, 60, 60], // alien_right: red
    [255, 255, 255], // friendly_bullet: white
    [255, 60, 200], // enemy_bullet: magenta
  ];
  readonly minimalActions = [0, LEFT, RIGHT, FIRE];
  readonly ramping: boolean;

  cannon = 5;
  /** aliens[row * 10 + col] = 1 where an alien is. */
  aliens = new Uint8Array(GRID * GRID);
  dir = -1;
  baseInterval = INVADERS_BASE_INTERVAL;
  moveTimer = INVADERS_BASE_INTERVAL;
  enemyShotTimer = INVADERS_ENEMY_SHOT_INTERVAL;
  shotCooldown = 0;
  /** Our bullets and the aliens' bullets, as [row, col] cells. */
  bullets: [number, number][] = [];
  enemyBullets: [number, number][] = [];
  over = false;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  spawnWave(): void {
    this.aliens.fill(0);
    for (let r = 0; r <= 3; r++) for (let c = 2; c <= 7; c++) this.aliens[r * GRID + c] = 1;
    this.dir = -1;
    this.moveTimer = this.interval();
  }

  alienCount(): number {
    return this.aliens.reduce((a, b) => a + b, 0);
  }

  /** Steps between block moves: min(#aliens, base). */
  interval(): number {
    return Math.max(1, Math.min(this.alienCount(), this.baseInterval));
  }

  reset(_rng: Rng): void {
    this.cannon = 5;
    this.baseInterval = INVADERS_BASE_INTERVAL;
    this.spawnWave();
    this.enemyShotTimer = INVADERS_ENEMY_SHOT_INTERVAL;
    this.shotCooldown = 0;
    this.bullets = [];
    this.enemyBullets = [];
    this.over = false;
  }

  private resolve(): number {
    let reward = 0;
    this.bullets = this.bullets.filter(([r, c]) => {
      if (!this.aliens[r * GRID + c]) return true;
      this.aliens[r * GRID + c] = 0;
      reward++;
      return false;
    });
    for (const [r, c] of this.enemyBullets) if (r === GRID - 1 && c === this.cannon) this.over = true;
    for (let c = 0; c < GRID; c++) if (this.aliens[(GRID - 1) * GRID + c]) this.over = true;
    return reward;
  }

  private moveBlock(): void {
    let touching = false;
    for (let r = 0; r < GRID && !touching; r++) {
      if (this.aliens[r * GRID + (this.dir < 0 ? 0 : GRID - 1)]) touching = true;
    }
    const next = new Uint8Array(GRID * GRID);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        if (!this.aliens[r * GRID + c]) continue;
        if (touching) {
          if (r + 1 < GRID) next[(r + 1) * GRID + c] = 1;
        } else {
          next[r * GRID + c + this.dir] = 1;
        }
      }
    }
    if (touching) this.dir = -this.dir;
    this.aliens = next;
  }

  /** The alien nearest the cannon's column: smallest |col − cannon|, then lowest, then leftmost. */
  shooter(): [number, number] | null {
    let best: [number, number] | null = null;
    let bestKey = Infinity;
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        if (!this.aliens[r * GRID + c]) continue;
        const key = Math.abs(c - this.cannon) * 1000 + (GRID - 1 - r) * 10 + c;
        if (key < bestKey) {
          bestKey = key;
          best = [r, c];
        }
      }
    }
    return best;
  }

  tick(action: number, _rng: Rng): { reward: number; terminal: boolean } {
    let reward = 0;
    if (action === LEFT) this.cannon = Math.max(0, this.cannon - 1);
    else if (action === RIGHT) this.cannon = Math.min(GRID - 1, this.cannon + 1);
    if (this.shotCooldown > 0) this.shotCooldown--;
    if (action === FIRE && this.shotCooldown === 0) {
      this.bullets.push([GRID - 1, this.cannon]);
      this.shotCooldown = INVADERS_SHOT_COOLDOWN;
    }
    reward += this.resolve();

    for (const b of this.bullets) b[0]--;
    for (const b of this.enemyBullets) b[0]++;
    this.bullets = this.bullets.filter(([r]) => r >= 0);
    this.enemyBullets = this.enemyBullets.filter(([r]) => r < GRID);
    reward += this.resolve();

    this.moveTimer--;
    if (this.moveTimer <= 0) {
      this.moveBlock();
      this.moveTimer = this.interval();
      reward += this.resolve();
    }

    this.enemyShotTimer--;
    if (this.enemyShotTimer <= 0) {
      this.enemyShotTimer = INVADERS_ENEMY_SHOT_INTERVAL;
      const s = this.shooter();
      if (s && s[0] + 1 < GRID) this.enemyBullets.push([s[0] + 1, s[1]]);
      reward += this.resolve();
    }

    if (this.alienCount() === 0) {
      if (this.ramping) this.baseInterval = Math.max(INVADERS_MIN_INTERVAL, this.baseInterval - 1);
      this.spawnWave();
    }
    // an alien in the cannon's cell
    if (this.aliens[(GRID - 1) * GRID + this.cannon]) this.over = true;
    return { reward, terminal: this.over };
  }

  draw(grid: Uint8Array): void {
    const C = this.channels.length;
    setCell(grid, C, GRID - 1, this.cannon, 0);
    for (let i = 0; i < GRID * GRID; i++) {
      if (!this.aliens[i]) continue;
      grid[i * C + 1] = 1;
      grid[i * C + (this.dir < 0 ? 2 : 3)] = 1;
    }
    for (const [r, c] of this.bullets) setCell(grid, C, r, c, 4);
    for (const [r, c] of this.enemyBullets) setCell(grid, C, r, c, 5);
  }
}
