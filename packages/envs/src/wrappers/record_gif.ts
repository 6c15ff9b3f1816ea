// Record episodes as animated GIFs a person can open: frames come from one observation key
// (default `image`), from the reset frame to the last step, and the file is written when the
// episode ends as `<directory>/<prefix>-<episode number, 6 digits>.gif` (temp file + rename, so a
// crash never leaves a half-written GIF under the final name). An episode cut short by
// `reset` or `close` is dropped. Node only (node:fs).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Action, Env, TimeStep } from '../env.ts';
import { positiveInteger, show, Wrapper } from './base.ts';
import { encodeGif, type FrameShape, type GifOptions } from './gif.ts';

export interface RecordGifOptions extends GifOptions {
  /** Folder for the GIFs (created if missing). */
  directory: string;
  /** Observation key holding uint8 [H, W, 1|3|4] frames (default 'image'). */
  key?: string;
  /** File name prefix (default the env's name). */
  prefix?: string;
  /** Record every n-th episode, starting with the first (default 1: all). */
  every?: number;
  /** Stop adding frames after this many, to bound memory (default 10000). */
  maxFrames?: number;
}

export class RecordGif extends Wrapper {
  readonly directory: string;
  /** Paths of the GIFs written so far, oldest first. */
  readonly written: string[] = [];
  private readonly key: string;
  private readonly shape: FrameShape;
  private readonly options: RecordGifOptions;
  private readonly every: number;
  private readonly maxFrames: number;
  private episode = -1;
  private frames: Uint8Array[] | null = null;

  constructor(env: Env, options: RecordGifOptions) {
    super(env);
    this.options = options;
    this.directory = options.directory;
    this.key = options.key ?? 'image';
    this.every = positiveInteger(`${env.name}: RecordGif every`, options.every ?? 1);
    this.maxFrames = positiveInteger(`${env.name}: RecordGif maxFrames`, options.maxFrames ?? 10000);
    const spec = env.observationSpec[this.key];
    if (!spec) {
      throw new Error(
        `${env.name}: RecordGif key ${show(this.key)} is not an observation; available: ${Object.keys(env.observationSpec).join(', ')}`,
      );
    }
    const [height, width, channels] = spec.shape;
    if (spec.dtype !== 'uint8' || spec.shape.length !== 3 || ![1, 3, 4].includes(channels)) {
      throw new Error(
        `${env.name}: RecordGif needs '${this.key}' to be uint8 [H, W, 1|3|4], but it is ${spec.dtype} [${spec.shape.join(', ')}]`,
      );
    }
    this.shape = { height, width, channels };
    mkdirSync(this.directory, { recursive: true });
  }

  override reset(seed: number): TimeStep {
    const ts = this.env.reset(seed);
    this.episode++;
    this.frames = this.episode % this.every === 0 ? [] : null;
    this.capture(ts);
    return ts;
  }

  override step(action: Action): TimeStep {
    const ts = this.env.step(action);
    this.capture(ts);
    if ((ts.terminal || ts.truncated) && this.frames) {
      const path = join(this.directory, `${this.options.prefix ?? this.name}-${String(this.episode).padStart(6, '0')}.gif`);
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, encodeGif(this.frames, this.shape, this.options));
      renameSync(temp, path);
      this.written.push(path);
      this.frames = null;
    }
    return ts;
  }

  override close(): void {
    this.frames = null;
    super.close();
  }

  private capture(ts: TimeStep): void {
    if (!this.frames || this.frames.length >= this.maxFrames) return;
    const frame = ts.observation[this.key];
    if (!(frame instanceof Uint8Array)) throw new Error(`${this.name}: RecordGif observation '${this.key}' is not a Uint8Array`);
    this.frames.push(frame.slice());
  }
}
