/**
 * The observation and action spaces a world model is built for. Structural copies of
 * @dreamer/envs' specs (an env's `observationSpec`/`actionSpec` can be passed as they are),
 * checked up front so an unusable space fails at construction, not deep inside a conv.
 */
import type { WorldModelConfig } from './config.ts';

export interface ObservationArraySpec {
  readonly shape: readonly number[];
  readonly dtype: string;
}

export type ObservationSpaces = Readonly<Record<string, ObservationArraySpec>>;

export type ActionSpace = { readonly kind: 'continuous'; readonly shape: readonly number[] } | { readonly kind: 'discrete'; readonly n: number };

export const IMAGE_KEY = 'image';
export const IMAGE_SIZE = 64;

/** The model's action input size: the box's size, or n for one-hot discrete actions. */
export function actionSize(space: ActionSpace): number {
  if (space.kind === 'discrete') {
    if (!Number.isInteger(space.n) || space.n < 2) throw new RangeError(`world-model: a discrete action space needs n ≥ 2 actions, got n = ${space.n}`);
    return space.n;
  }
  if (space.kind !== 'continuous') throw new RangeError(`world-model: unknown action space kind ${JSON.stringify((space as { kind: unknown }).kind)}; expected 'continuous' or 'discrete'`);
  if (space.shape.length !== 1 || !(space.shape[0] >= 1)) {
    throw new RangeError(`world-model: continuous actions must be a flat vector, got shape [${space.shape.join(', ')}]; expected [A] with A ≥ 1`);
  }
  return space.shape[0];
}

export interface ObservationLayout {
  /** The image's channel count (image models). */
  channels: number;
  /** Vector keys the encoder reads (proprio models) and their sizes. */
  inputs: [string, number][];
  /** Vector keys the model predicts with a head, and their sizes. */
  vectors: [string, number][];
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Which keys feed the encoder and which get heads; throws naming the shape and what is expected. */
export function observationLayout(spaces: ObservationSpaces, config: WorldModelConfig): ObservationLayout {
  const keys = Object.keys(spaces);
  const vectorKeys = keys.filter((k) => k !== IMAGE_KEY);
  const vectorSize = (k: string): number => {
    const shape = spaces[k].shape;
    if (shape.length !== 1 || !(shape[0] >= 1)) {
      throw new RangeError(`world-model: observation '${k}' has shape ${fmt(shape)}; vector observations must be flat [D] (the MLP encoder concatenates them and each gets a Dense head)`);
    }
    return shape[0];
  };
  if (config.observation === 'image') {
    const image = spaces[IMAGE_KEY];
    if (!image) throw new RangeError(`world-model: observation 'image' is required by the conv encoder, but the observation spaces have [${keys.join(', ')}]; use observation: 'proprio' for vector observations`);
    const [h, w, c] = image.shape;
    if (image.shape.length !== 3 || h !== IMAGE_SIZE || w !== IMAGE_SIZE || !(c >= 1)) {
      throw new RangeError(
        `world-model: observation 'image' has shape ${fmt(image.shape)}, but the conv encoder and decoder take ${IMAGE_SIZE}×${IMAGE_SIZE}×C images ` +
          `(four k4 s2 convolutions reduce 64 to 2×2; the k5, k5, k6, k6 s2 transposed convolutions rebuild exactly 64×64). Render at 64×64, or use observation: 'proprio'`,
      );
    }
    return { channels: c, inputs: [], vectors: config.diagnostics ? vectorKeys.map((k) => [k, vectorSize(k)]) : [] };
  }
  if (vectorKeys.length === 0) throw new RangeError(`world-model: observation 'proprio' needs at least one vector observation besides 'image', got [${keys.join(', ')}]`);
  const vectors = vectorKeys.map((k): [string, number] => [k, vectorSize(k)]);
  return { channels: 0, inputs: vectors, vectors };
}
