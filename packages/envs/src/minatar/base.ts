// Shared machinery for the MinAtar-style games (a clean-room re-implementation from the rules
// in our spec; MinAtar itself is GPL and was not consulted).
//
// Every game lives on a 10×10 grid. Its observation has two arrays:
// - `grid`: uint8 0/1, shape [10, 10, C] (HWC), one channel per object type;
// - `image`: uint8 RGB, shape [64, 64, 3], each channel drawn in its own colour with cells
//   scaled up (a cell is 6 or 7 pixels wide; a cell holding several objects shows the mean
//   of their colours).
// Actions: the full MinAtar set is [noop, left, up, right, down, fire]; with
// `actionSet: 'minimal'` the agent chooses among the game's minimal subset instead.
// Sticky actions: with probability `stickyActionProb` (0.1) the previous *effective* action is
// repeated instead of the chosen one.
import { EnvBase, type DiscreteActionSpec, type ObservationSpec, type TimeStep } from '../env.ts';
import { Rng } from '../rng.ts';

export const GRID = 10;
export const IMAGE_SIZE = 64;

/** The full MinAtar action set, by index. */
export const FULL_ACTION_NAMES = ['noop', 'left', 'up', 'right', 'down', 'fire'] as const;
export const NOOP = 0;
export const LEFT = 1;
export const UP = 2;
export const RIGHT = 3;
export const DOWN = 4;
export const FIRE = 5;

export type RGB = readonly [number, number, number];

/** The game logic a MinAtar env drives. Actions given to `tick` are full-set indices 0..5. */
export interface Game {
  readonly channels: readonly string[];
  readonly palette: readonly RGB[];
  /** Indices into FULL_ACTION_NAMES. */
  readonly minimalActions: readonly number[];
  reset(rng: Rng): void;
  tick(action: number, rng: Rng): { reward: number; terminal: boolean };
  /** Write the 0/1 channels into `grid` (zeroed, HWC [10, 10, C]). */
  draw(grid: Uint8Array): void;
}

export interface MinAtarOptions {
  /** 'full' (default): the 6 MinAtar actions, as in the paper. 'minimal': the game's minimal set. */
  actionSet?: 'full' | 'minimal';
  /** Probability of repeating the previous effective action (default 0.1). */
  stickyActionProb?: number;
  /** Difficulty ramping, where the game has one (default true). */
  difficultyRamping?: boolean;
  /** Truncate the episode after this many steps (default: none, except Freeway's 2500). */
  maxEpisodeSteps?: number;
  /** Include the 64×64 RGB `image` observation (default true). */
  image?: boolean;
}

const KNOWN_OPTIONS = ['actionSet', 'stickyActionProb', 'difficultyRamping', 'maxEpisodeSteps', 'image'];

/** Cell index for each of the 64 pixel rows/columns. */
const PIXEL_TO_CELL = Array.from({ length: IMAGE_SIZE }, (_, p) => Math.floor((p * GRID) / IMAGE_SIZE));

/**
 * Draw a [10, 10, C] grid as a 64×64 RGB image. An empty cell is black; a cell with one object
 * takes that channel's colour; a cell with several takes the mean of their colours (so no object
 * hides another, e.g. a ball on a brick or a gauge under another gauge).
 */
export function renderGrid(grid: Uint8Array, palette: readonly RGB[], out = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3)): Uint8Array {
  const c = palette.length;
  const cellRgb = new Uint8Array(GRID * GRID * 3);
  for (let cell = 0; cell < GRID * GRID; cell++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let n = 0;
    for (let k = 0; k < c; k++) {
      if (grid[cell * c + k]) {
        r += palette[k][0];
        g += palette[k][1];
        b += palette[k][2];
        n++;
      }
    }
    if (n > 0) {
      cellRgb[cell * 3] = Math.round(r / n);
      cellRgb[cell * 3 + 1] = Math.round(g / n);
      cellRgb[cell * 3 + 2] = Math.round(b / n);
    }
  }
  for (let py = 0; py < IMAGE_SIZE; py++) {
    const row = PIXEL_TO_CELL[py] * GRID;
    for (let px = 0; px < IMAGE_SIZE; px++) {
      const src = (row + PIXEL_TO_CELL[px]) * 3;
      const o = (py * IMAGE_SIZE + px) * 3;
      out[o] = cellRgb[src];
      out[o + 1] = cellRgb[src + 1];
      out[o + 2] = cellRgb[src + 2];
    }
  }
  return out;
}

export class MinAtarEnv extends EnvBase {
  readonly name: string;
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: DiscreteActionSpec;
  readonly game: Game;
  private readonly actionMap: readonly number[];
  private readonly stickyProb: number;
  private readonly maxSteps: number;
  private readonly withImage: boolean;
  private rng = new Rng(0);
  private stickyRng = new Rng(0);
  private lastAction = NOOP;
  private t = 0;

  constructor(name: string, game: Game, options: MinAtarOptions, defaultMaxSteps = Infinity) {
    super();
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(key)) {
        throw new Error(`${name}: unknown option '${key}'; valid options are ${KNOWN_OPTIONS.join(', ')}`);
      }
    }
    const { actionSet = 'full', stickyActionProb = 0.1, maxEpisodeSteps = defaultMaxSteps, image = true } = options;
    if (actionSet !== 'full' && actionSet !== 'minimal') {
      throw new Error(`${name}: actionSet must be 'full' or 'minimal', got ${JSON.stringify(actionSet)}`);
    }
    if (!(stickyActionProb >= 0 && stickyActionProb <= 1)) {
      throw new Error(`${name}: stickyActionProb must be in [0, 1], got ${stickyActionProb}`);
    }
    if (!(maxEpisodeSteps > 0) || (Number.isFinite(maxEpisodeSteps) && !Number.isInteger(maxEpisodeSteps))) {
      throw new Error(`${name}: maxEpisodeSteps must be a positive integer or Infinity, got ${maxEpisodeSteps}`);
    }
    this.name = name;
    this.game = game;
    this.stickyProb = stickyActionProb;
    this.maxSteps = maxEpisodeSteps;
    this.withImage = image;
    this.actionMap = actionSet === 'full' ? [0, 1, 2, 3, 4, 5] : game.minimalActions;
    this.actionSpec = {
      kind: 'discrete',
      n: this.actionMap.length,
      names: this.actionMap.map((a) => FULL_ACTION_NAMES[a]),
    };
    const c = game.channels.length;
    const spec: Record<string, ObservationSpec[string]> = {
      grid: { shape: [GRID, GRID, c], dtype: 'uint8', low: 0, high: 1, description: `channels: ${game.channels.join(', ')}` },
    };
    if (image) spec.image = { shape: [IMAGE_SIZE, IMAGE_SIZE, 3], dtype: 'uint8', low: 0, high: 255, description: 'RGB render of grid, HWC' };
    this.observationSpec = spec;
  }

  private observe(): Record<string, Uint8Array> {
    const grid = new Uint8Array(GRID * GRID * this.game.channels.length);
    this.game.draw(grid);
    return this.withImage ? { grid, image: renderGrid(grid, this.game.palette) } : { grid };
  }

  protected doReset(seed: number): TimeStep {
    this.rng = new Rng(seed);
    // A separate stream for sticky actions, so game randomness does not depend on them.
    this.stickyRng = new Rng(this.rng.nextUint32());
    this.lastAction = NOOP;
    this.t = 0;
    this.game.reset(this.rng);
    return { observation: this.observe(), reward: 0, discount: 1, terminal: false, truncated: false, info: { step: 0 } };
  }

  protected doStep(action: number | Float32Array): TimeStep {
    const chosen = this.actionMap[action as number];
    const sticky = this.stickyProb > 0 && this.stickyRng.float() < this.stickyProb;
    const effective = sticky ? this.lastAction : chosen;
    this.lastAction = effective;
    this.t++;
    const { reward, terminal } = this.game.tick(effective, this.rng);
    const truncated = !terminal && this.t >= this.maxSteps;
    return {
      observation: this.observe(),
      reward,
      discount: terminal ? 0 : 1,
      terminal,
      truncated,
      info: { step: this.t, action: FULL_ACTION_NAMES[effective], sticky },
    };
  }
}

/** Set channel `k` of cell (row, col) in a [10, 10, C] grid, ignoring cells off the grid. */
export function setCell(grid: Uint8Array, channels: number, row: number, col: number, k: number): void {
  if (row < 0 || row >= GRID || col < 0 || col >= GRID) return;
  grid[(row * GRID + col) * channels + k] = 1;
}

/** Read channel `k` of cell (row, col). */
export function getCell(grid: Uint8Array, channels: number, row: number, col: number, k: number): number {
  return grid[(row * GRID + col) * channels + k];
}
